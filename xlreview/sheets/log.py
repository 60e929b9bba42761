"""The Log sheet: what the last run from Excel said (input problems, errors, the internal traceback).

Written by the Excel macros only (the CLI prints to the terminal instead), as a generated sheet, so
the next run replaces it like any other.
"""
from __future__ import annotations

import datetime as dt

from openpyxl.styles import Alignment
from openpyxl.workbook import Workbook

from ..text import label, sheet_name
from .layout import HEADER_FILL, HEADER_FONT, put, write_title


def write_log(wb: Workbook, lines: list[str], lang: str = "zh", when: dt.datetime | None = None) -> str:
    """Add the Log sheet to ``wb`` with one message per row (multi-line texts split); returns its name.

    Example: ``write_log(wb, report.lines(), "zh")``
    """
    ws = wb.create_sheet(sheet_name("log", lang))
    stamp = (when or dt.datetime.now()).strftime("%Y-%m-%d %H:%M")
    row = write_title(ws, label("log_title", lang), label("log_sub", lang, when=stamp))
    put(ws, row, 1, label("log_message", lang), font=HEADER_FONT, fill=HEADER_FILL)
    wrap = Alignment(wrap_text=False, vertical="top")
    for text in lines:
        for part in str(text).splitlines() or [""]:
            row += 1
            put(ws, row, 1, part, align=wrap)
    ws.column_dimensions["A"].width = 120
    ws.freeze_panes = "A5"
    return ws.title
