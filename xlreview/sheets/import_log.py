"""The Import Log sheet (导入日志 / Import Log) as a seller reads and prints it.

``xlreview import`` (and the ribbon's import) writes it after every import, in the command's language, in place
of the log in either language. Its content is ``importers.apply.import_log_blocks``; this module gives it its look:

- each block's header bold on navy (the first block's header is row 1), later blocks under a bold title;
- amounts ``#,##0.00`` (negative in red), counts as integers;
- a money column no field of the format reads (its amount was *not* imported) in bold red on its whole row;
- columns sized from what they hold (long reasons and raw rows wrap, their rows grow);
- the file column frozen, and the print setup of every generated sheet (``printing.layout_for_print``) with
  the header row repeated on every page.
"""
from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from ..text import sheet_name
from .layout import (
    BOX,
    HEADER_FILL,
    HEADER_FONT,
    column_width,
    fit_column,
    grow_row,
    put,
    wrapped_lines,
    write_block_title,
)
from .printing import layout_for_print

ALERT_FONT = Font(bold=True, color="C00000")
MAX_TEXT_WIDTH = 48          # characters: a reason or a raw row wraps beyond this


def write_import_log(wb: Workbook, blocks: list[dict], lang: str) -> Worksheet:
    """Add the Import Log sheet (named in ``lang``) holding ``blocks`` to ``wb`` and set it up for print.

    ``blocks``: as ``importers.apply.import_log_blocks`` returns them -- ``title`` (None for the first),
    ``header``, ``rows``, ``money`` (0-based columns of amounts), ``alert`` (0-based rows to show in red).
    """
    ws = wb.create_sheet(sheet_name("import_log", lang))
    tables: list[tuple[int, int, int]] = []          # (header row, last row, columns)
    row = 1
    for block in blocks:
        if block["title"] is not None:
            row = write_block_title(ws, row + 1, 1, block["title"])
        header = row
        for j, text in enumerate(block["header"], start=1):
            put(ws, row, j, text, font=HEADER_FONT, fill=HEADER_FILL, border=BOX,
                align=Alignment(horizontal="center", vertical="center", wrap_text=True))
        for i, values in enumerate(block["rows"]):
            row += 1
            font = ALERT_FONT if i in block["alert"] else None
            for j, v in enumerate(values):
                kind = "money" if j in block["money"] else ("int" if isinstance(v, int) else None)
                put(ws, row, j + 1, v, kind=kind, font=font, border=BOX)
        tables.append((header, row, len(block["header"])))
        row += 1
    for header, last, width in tables:
        for j in range(1, width + 1):
            fit_column(ws, j, header + 1, last, max_width=MAX_TEXT_WIDTH)
    for header, _last, width in tables:         # a header wraps within the width its column's body needs
        for j in range(1, width + 1):
            grow_row(ws, header, wrapped_lines(ws.cell(row=header, column=j).value or "", column_width(ws, j)))
    ws.xlr_table_rows = [(header, last) for header, last, _ in tables]
    ws.freeze_panes = "B2"
    layout_for_print(ws, title_rows=1)
    return ws
