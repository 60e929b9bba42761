"""The typed column reader (fastexcel, ``workbook.columns``) reads a workbook exactly as the cell-by-cell
reader (python-calamine) does: the same frames, the same problems with the same rows, columns and values."""
from __future__ import annotations

import datetime as dt

import openpyxl
import pandas as pd
import pytest
from worked_example import frames

from xlreview.model.read import RawSheet, read_inputs
from xlreview.template import write_workbook
from xlreview.workbook.headless import HeadlessBackend, cell_rows


def both_ways(path):
    """(inputs, report) read through typed columns, and read cell by cell, of the workbook at ``path``."""
    backend = HeadlessBackend(path)
    typed = backend.read_sheets()
    assert all(r.typed is not None for r in typed.values())
    with_rows = {}
    from xlreview.ooxml.package import Package
    with Package(path) as pkg:
        parts = pkg.sheet_parts()
    for name in typed:
        rows, errors = cell_rows(path, name, parts[name])
        with_rows[name] = RawSheet(name, rows, errors)
    return read_inputs(typed, path), read_inputs(with_rows, path)


def problems(report):
    return [(p.severity, p.sheet, p.row, p.column, str(p.value), p.code, p.text("zh"), p.text("en"))
            for p in report.problems]


def edit(path, cells):
    wb = openpyxl.load_workbook(path)
    for (sheet, ref), value in cells.items():
        ws = wb[sheet]
        if isinstance(value, tuple):         # (value, data type): an Excel error cell
            ws[ref].value, ws[ref].data_type = value
        else:
            ws[ref].value = value
    wb.save(path)


def test_a_clean_book_reads_the_same_frames(tmp_path):
    p = write_workbook(tmp_path / "wb.xlsx", frames(), macros=False)
    (a, ra), (b, rb) = both_ways(p)
    assert problems(ra) == problems(rb)
    for name in ("orders", "products", "ads", "traffic", "marketing", "content", "channels", "fx"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name), check_dtype=False, obj=name)


@pytest.mark.parametrize("cells", [
    {("Orders", "I3"): ("#N/A", "e"), ("Orders", "F5"): ("#DIV/0!", "e"), ("Orders", "B4"): ("#NAME?", "e")},
    {("Orders", "F4"): "N/A", ("Orders", "G3"): "NULL", ("Orders", "B5"): "n/a"},     # texts fastexcel reads as null
    {("Orders", "F4"): "nan"},
    {("Orders", "F4"): "twelve", ("Orders", "B3"): "next tuesday"},                   # mixed columns: cell by cell
    {("Orders", "L4"): -5, ("Orders", "E5"): 1.5, ("Orders", "A3"): None, ("Orders", "A4"): "  "},
    {("Orders", "B3"): dt.datetime(2300, 1, 1), ("Orders", "B4"): dt.datetime(2026, 5, 1, 12, 30)},
    {("Orders", "D3"): 12345, ("Orders", "N4"): 77.5, ("Orders", "A5"): " #REF! "},    # numbers in text columns
    {("Orders", "F3"): True, ("Orders", "C4"): " Shop "},
    {("Products", "B2"): ("#VALUE!", "e"), ("Ads", "D2"): "", ("FX", "B2"): "1,2"},
])
def test_bad_cells_give_the_same_problems_both_ways(tmp_path, cells):
    p = write_workbook(tmp_path / "wb.xlsx", frames(), macros=False)
    edit(p, cells)
    (a, ra), (b, rb) = both_ways(p)
    assert problems(ra) == problems(rb)
    assert (a is None) == (b is None)
    if a is not None:
        pd.testing.assert_frame_equal(a.orders, b.orders, check_dtype=False)


def test_blank_rows_and_an_empty_first_column(tmp_path):
    p = write_workbook(tmp_path / "wb.xlsx", frames(), macros=False)
    wb = openpyxl.load_workbook(p)
    ws = wb["Orders"]
    ws.insert_rows(3, 2)
    ws["B6"] = "not a date"
    wb["Products"].insert_cols(1)
    wb.save(p)
    (a, ra), (b, rb) = both_ways(p)
    assert problems(ra) == problems(rb)
    assert ("Orders", 6, "bad_date") in [(q.sheet, q.row, q.code) for q in ra.errors]


def test_a_date_before_1900_is_a_bad_date_never_empty(tmp_path):
    """openpyxl writes it as a negative serial: fastexcel reads the date, python-calamine a time of day;
    both are a bad date (the cell is not silently empty)."""
    p = write_workbook(tmp_path / "wb.xlsx", frames(), macros=False)
    edit(p, {("Orders", "B4"): dt.datetime(1800, 5, 1, 12, 30)})
    for _, report in both_ways(p):
        assert [(q.sheet, q.row, q.column, q.code) for q in report.errors] == [("Orders", 4, "order_date", "bad_date")]
