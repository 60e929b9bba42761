"""The row-limit guard: no sheet past Excel's 1,048,576 rows is ever read (so never truncated silently).

Most tests stand a small number in for the limit; one writes a real workbook whose Orders sheet reaches
row 1,048,577 (one narrow column, so it stays cheap) and runs ``check`` and ``build`` on it.
"""
from __future__ import annotations

import re
import zipfile

import pytest
from click.testing import CliRunner
from worked_example import frames

from xlreview.cli import cli
from xlreview.model import schema
from xlreview.model.read import frames_to_raw, read_inputs
from xlreview.ooxml.package import Package
from xlreview.template import write_workbook


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def test_the_limit_is_excels():
    assert schema.EXCEL_MAX_ROWS == 2 ** 20 == 1_048_576


def test_orders_one_row_past_the_limit_is_refused_with_the_way_to_the_store(monkeypatch):
    f = frames()
    rows = 1 + len(f["Orders"])                       # header + 5 lines
    monkeypatch.setattr(schema, "EXCEL_MAX_ROWS", rows - 1)
    inputs, report = read_inputs(frames_to_raw(f))
    assert inputs is None
    (err,) = report.errors
    assert (err.sheet, err.row, err.code) == ("Orders", rows, "sheet_past_row_limit")
    report.language = "en"
    assert "xlreview store" in err.text("en") and "import --store" in err.text("en")
    assert "xlreview store" in err.text("zh") and "1,048,576" not in err.text("zh")   # the limit in force


def test_orders_at_the_limit_are_read_whole(monkeypatch):
    f = frames()
    monkeypatch.setattr(schema, "EXCEL_MAX_ROWS", 1 + len(f["Orders"]))
    inputs, report = read_inputs(frames_to_raw(f))
    assert report.ok and len(inputs.orders) == len(f["Orders"])


def test_any_input_sheet_past_the_limit_is_refused(monkeypatch):
    f = frames()
    monkeypatch.setattr(schema, "EXCEL_MAX_ROWS", 2)   # Orders (6 rows) and Products (3) are past it too
    inputs, report = read_inputs(frames_to_raw(f))
    assert inputs is None
    codes = {p.sheet: p.code for p in report.errors}
    assert codes["Orders"] == "sheet_past_row_limit"
    assert codes["Products"] == "sheet_past_row_limit_other"
    assert codes["Traffic"] == "sheet_past_row_limit_other"
    assert codes["Settings"] == "sheet_past_row_limit_other"


def _orders_to_row_1048577(path):
    """Rewrite the Orders sheet of ``path`` to a header and one cell in row 1,048,577 (Excel's limit + 1)."""
    with Package(path) as pkg:
        part = pkg.sheet_parts()["Orders"]
    with zipfile.ZipFile(path) as z:
        items = [(i, z.read(i.filename)) for i in z.infolist()]
    body = (b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>order_id</t></is></c></row>'
            b'<row r="1048577"><c r="A1048577" t="inlineStr"><is><t>O9</t></is></c></row></sheetData>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in items:
            if info.filename == part:
                data = re.sub(rb"<sheetData>.*</sheetData>|<sheetData/>", body, data, flags=re.S)
                data = re.sub(rb'<dimension ref="[^"]*"/>', b"", data)
            z.writestr(info, data)


@pytest.mark.slow
def test_a_real_sheet_past_the_limit_fails_check_and_build_and_nothing_is_written(tmp_path):
    book = write_workbook(tmp_path / "big.xlsx", frames(), macros=False)
    _orders_to_row_1048577(book)
    before = book.read_bytes()
    res = run("check", book)
    assert res.exit_code == 1
    assert "1,048,577" in res.output and "xlreview store" in res.output
    res = run("build", book)
    assert res.exit_code == 1 and "1,048,577" in res.output
    assert book.read_bytes() == before
