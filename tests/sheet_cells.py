"""Finding cells on a generated sheet by their text, shared by the sheet tests."""
from __future__ import annotations


def find(ws, text):
    """The first cell of ``ws`` whose value is ``text`` (AssertionError when there is none)."""
    for row in ws.iter_rows():
        for c in row:
            if c.value == text:
                return c
    raise AssertionError(f"{text!r} not on {ws.title}")


def right_of(ws, header, row_cell):
    """The cell in the column headed ``header`` (the nearest such header above) on the row of ``row_cell``."""
    heads = [c for row in ws.iter_rows(max_row=row_cell.row - 1) for c in row if c.value == header]
    assert heads, f"{header!r} not above row {row_cell.row} on {ws.title}"
    return ws.cell(row=row_cell.row, column=max(heads, key=lambda c: c.row).column)
