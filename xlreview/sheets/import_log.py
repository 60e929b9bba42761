"""The Import Log sheet (导入日志 / Import Log) as a seller reads and prints it.

``xlreview import`` (and the ribbon's import) writes it after every import, in the command's language, in place
of the log in either language. Its content is ``importers.apply.import_log_blocks``; this module gives it its look:

- each block's header bold on navy (the first block's header is row 1), later blocks under a bold title;
- amounts ``#,##0.00`` (negative in red), counts as integers;
- a money column no field of the format reads (its amount was *not* imported) in bold red on its whole row;
- each table's columns sized from what they hold (``column_spans``: a narrower table's trailing text -- a rejected
  row's reason and raw values -- spreads wrapped over the wider table's columns), headers wrapping between words,
  every body cell read from the top;
- the file column frozen, and the print setup of every generated sheet (``printing.layout_for_print``) with
  the header row repeated on every page.
"""
from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..text import sheet_name
from .layout import (
    BOX,
    BREAKABLE,
    HEADER_FILL,
    HEADER_FONT,
    MAX_WIDTH,
    column_width,
    fit_column,
    grow_row,
    put,
    text_width,
    wrapped_lines,
    write_block_title,
)
from .printing import layout_for_print

ALERT_FONT = Font(bold=True, color="C00000")
MAX_TEXT_WIDTH = 18          # characters: text in a column of its own wraps beyond this (the file name does not)
DEFAULT_WIDTH = 8.43         # characters: a column no cell sized


def column_spans(blocks: list[dict]) -> list[list[tuple[int, int]]]:
    """Per block, the (first, last) sheet column of each of its columns. The blocks are stacked and share the
    sheet's columns, so a block narrower than the widest one spreads its trailing text columns (a rejected row's
    reason and raw values, a reconciliation's explanation) over the columns the wider block uses: each table
    keeps its own widths (a count is not as wide as a raw row) and its long text reads on a wide, wrapped line."""
    widest = max(len(b["header"]) for b in blocks)
    out = []
    for block in blocks:
        n = len(block["header"])
        text = [j for j in range(n) if all(not isinstance(r[j], (int, float)) for r in block["rows"])]
        trailing = 0
        while trailing < n - 2 and n - 1 - trailing in text:
            trailing += 1
        spans = [(j + 1, j + 1) for j in range(n - trailing)]
        free, first = widest - (n - trailing), n - trailing + 1
        for k in range(trailing):
            share = free // trailing + (1 if k < free % trailing else 0)
            spans.append((first, first + share - 1))
            first += share
        out.append(spans)
    return out


def write_import_log(wb: Workbook, blocks: list[dict], lang: str) -> Worksheet:
    """Add the Import Log sheet (named in ``lang``) holding ``blocks`` to ``wb`` and set it up for print.

    ``blocks``: as ``importers.apply.import_log_blocks`` returns them -- ``title`` (None for the first),
    ``header``, ``rows``, ``money`` (0-based columns of amounts), ``alert`` (0-based rows to show in red).
    """
    ws = wb.create_sheet(sheet_name("import_log", lang))
    tables: list[tuple[int, int, list[tuple[int, int]]]] = []          # (header row, last row, column spans)
    row = 1
    for block, spans in zip(blocks, column_spans(blocks)):
        if block["title"] is not None:
            row = write_block_title(ws, row + 1, 1, block["title"])
        header = row
        for (first, _last), text in zip(spans, block["header"]):
            put(ws, row, first, text, font=HEADER_FONT, fill=HEADER_FILL, border=BOX,
                align=Alignment(horizontal="center", vertical="center", wrap_text=True))
        for i, values in enumerate(block["rows"]):
            row += 1
            font = ALERT_FONT if i in block["alert"] else None
            for j, ((first, last), v) in enumerate(zip(spans, values)):
                kind = "money" if j in block["money"] else ("int" if isinstance(v, int) else None)
                cell = put(ws, row, first, v, kind=kind, font=font, border=BOX)
                cell.alignment = Alignment(horizontal=cell.alignment.horizontal, vertical="top",
                                           wrap_text=last > first or None)
        for first, last in spans:
            if last > first:
                for r in range(header, row + 1):
                    for c in range(first + 1, last + 1):
                        ws.cell(row=r, column=c).border = BOX
                    ws.merge_cells(start_row=r, start_column=first, end_row=r, end_column=last)
        tables.append((header, row, spans))
        row += 1
    for header, last, spans in tables:             # widths from the cells that are a column of their own
        for first, end in spans:
            if first == end:
                fit_column(ws, first, header + 1, last, max_width=MAX_TEXT_WIDTH if first > 1 else MAX_WIDTH)
    for header, _last, spans in tables:            # a header wraps between words, never inside one
        for first, end in spans:
            words = BREAKABLE.findall(str(ws.cell(row=header, column=first).value or ""))
            if first == end and words:
                need = min(max(text_width(w) * 1.1 + 2 for w in words), MAX_TEXT_WIDTH)
                ws.column_dimensions[get_column_letter(first)].width = max(column_width(ws, first), need)
    for header, last, spans in tables:             # rows as tall as their text wrapped over its columns
        for r in range(header, last + 1):
            for first, end in spans:
                value = ws.cell(row=r, column=first).value
                if isinstance(value, str):
                    width = sum(column_width(ws, c) or DEFAULT_WIDTH for c in range(first, end + 1))
                    grow_row(ws, r, wrapped_lines(value, width / (1.1 if r == header else 1.0)))
    ws.xlr_table_rows = [(header, last) for header, last, _ in tables]
    ws.freeze_panes = "B2"
    layout_for_print(ws, title_rows=1)
    return ws
