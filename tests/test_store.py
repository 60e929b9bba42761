"""The order store: lines beyond the sheet, read by check and build the same way as the Orders sheet.

Sheet limits are stood in for by a small ``schema.EXCEL_MAX_ROWS`` (tests/test_row_limit.py has the real one).
"""
from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from worked_example import EXPECTED, frames

from xlreview.cli import cli
from xlreview.importers import read_export
from xlreview.model import schema, store
from xlreview.model.read import frames_to_raw, read_inputs
from xlreview.pipeline import check, import_files
from xlreview.template import write_workbook

IMPORTS = Path(__file__).parent / "data" / "imports"


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def figures(path: Path) -> dict:
    data = json.loads(path.read_text(encoding="utf-8"))
    data.pop("warnings", None)
    return data


def test_moving_the_orders_sheet_into_the_store_gives_the_same_review_figure_for_figure(tmp_path):
    sheet_book = write_workbook(tmp_path / "sheet.xlsm", frames())
    store_book = write_workbook(tmp_path / "stored.xlsm", frames())
    assert run("build", sheet_book, "--json", tmp_path / "sheet.json").exit_code == 0
    res = run("store", store_book)
    assert res.exit_code == 0, res.output
    assert (tmp_path / "stored.orders").is_dir() and len(store.part_files(tmp_path / "stored.orders")) == 1
    res = run("build", store_book, "--json", tmp_path / "stored.json")
    assert res.exit_code == 0, res.output
    assert figures(tmp_path / "stored.json") == figures(tmp_path / "sheet.json")
    assert figures(tmp_path / "stored.json")["summary"]["net_sales"] == pytest.approx(EXPECTED["net_sales"])
    with zipfile.ZipFile(store_book) as z:    # the VBA project is still there
        assert "xl/vbaProject.bin" in z.namelist()


def test_lines_split_between_sheet_and_store_read_as_one_orders_table(tmp_path):
    f = frames()
    whole, report = read_inputs(frames_to_raw(f))
    assert report.ok
    store.write_part(tmp_path / "b.orders", f["Orders"].iloc[3:]).publish()
    split = dict(f, Orders=f["Orders"].iloc[:3],
                 Settings=pd.concat([f["Settings"], pd.DataFrame({"key": ["order_store"], "value": ["b.orders"]})]))
    both, report = read_inputs(frames_to_raw(split), tmp_path / "b.xlsm")
    assert report.ok, report.lines()
    cols = [c for c in whole.orders.columns if c != "_row"]
    pd.testing.assert_frame_equal(both.orders[cols].astype(object), whole.orders[cols].astype(object))
    assert list(both.orders["_row"]) == [2, 3, 4, 1, 2]    # sheet rows, then lines of the part


def test_a_store_line_breaking_a_rule_is_reported_with_its_file_and_row(tmp_path):
    f = frames()
    bad = f["Orders"].iloc[1:].copy()
    bad.loc[bad.index[1], "quantity"] = -2
    bad.loc[bad.index[2], "sku"] = ""
    store.write_part(tmp_path / "b.orders", bad).publish()
    split = dict(f, Orders=f["Orders"].iloc[:1],
                 Settings=pd.DataFrame({"key": ["order_store", "review_year"], "value": ["b.orders", 2026]}))
    inputs, report = read_inputs(frames_to_raw(split), tmp_path / "b.xlsm")
    assert inputs is None
    where = {(p.sheet, p.row, p.column, p.code) for p in report.errors}
    assert where == {("b.orders/orders-000001.parquet", 2, "quantity", "negative"),
                     ("b.orders/orders-000001.parquet", 3, "sku", "required_blank")}


def test_a_store_date_outside_1900_2200_is_a_bad_date_as_on_the_sheet(tmp_path):
    import datetime as dt
    f = frames()
    bad = f["Orders"].iloc[1:].copy()
    bad["order_date"] = pd.to_datetime(bad["order_date"]).astype("datetime64[ms]")
    bad.loc[bad.index[1], "order_date"] = pd.Timestamp(dt.datetime(1850, 1, 2))
    store.write_part(tmp_path / "b.orders", bad).publish()
    split = dict(f, Orders=f["Orders"].iloc[:1],
                 Settings=pd.DataFrame({"key": ["order_store", "review_year"], "value": ["b.orders", 2026]}))
    inputs, report = read_inputs(frames_to_raw(split), tmp_path / "b.xlsm")
    assert inputs is None
    assert [(p.sheet, p.row, p.column, p.code) for p in report.errors] == [
        ("b.orders/orders-000001.parquet", 2, "order_date", "bad_date")]


def test_a_missing_store_folder_is_an_error_on_settings(tmp_path):
    book = write_workbook(tmp_path / "b.xlsm", frames())
    assert run("store", book).exit_code == 0
    shutil.rmtree(tmp_path / "b.orders")
    report = check(book)
    (err,) = report.errors
    assert (err.sheet, err.column, err.code) == ("Settings", "order_store", "store_missing")


def _book_with_orders(tmp_path: Path, lines: pd.DataFrame) -> Path:
    f = frames()
    f["Orders"] = lines
    return write_workbook(tmp_path / "review.xlsm", f)


def test_import_past_the_row_limit_keeps_what_fits_and_stores_the_rest(tmp_path, monkeypatch):
    export = IMPORTS / "shopify_orders.csv"
    canonical = read_export(export).frames["Orders"]
    assert len(canonical) >= 3
    book = _book_with_orders(tmp_path, frames()["Orders"])     # 5 lines: rows 2-6
    monkeypatch.setattr(schema, "EXCEL_MAX_ROWS", 7)            # room for 1 more line on the sheet
    report = import_files(book, [export])
    assert not report.errors and report.added == len(canonical)
    assert report.store_part is not None and report.store_part.parent == tmp_path / "review.orders"
    stored = pd.read_parquet(report.store_part)
    assert len(stored) == len(canonical) - 1
    from xlreview.workbook.headless import HeadlessBackend
    rows = HeadlessBackend(book).read_sheets(["Orders"])["Orders"].rows
    assert len(rows) == 7                                       # the sheet is full, not past it
    assert any("review.orders" in str(v) for v in rows[0])      # the note beside the header
    # every line is read once, sheet + store, and a second import adds nothing
    again = import_files(book, [export])
    assert again.added == 0 and again.store_part is None
    monkeypatch.undo()                                          # Settings is longer than the stand-in limit
    inputs, rep = read_inputs(HeadlessBackend(book).read_sheets(), book)
    assert inputs is not None, rep.lines()
    assert len(inputs.orders) == 5 + len(canonical)


def test_import_store_puts_every_new_line_in_the_store(tmp_path):
    export = IMPORTS / "shopify_orders.csv"
    canonical = read_export(export).frames["Orders"]
    book = _book_with_orders(tmp_path, frames()["Orders"])
    res = run("import", "--store", book, export)
    assert res.exit_code == 0, res.output
    (part,) = store.part_files(tmp_path / "review.orders")
    assert len(pd.read_parquet(part)) == len(canonical)
    assert run("import", "--store", book, export).exit_code == 0      # idempotent: no second part
    assert len(store.part_files(tmp_path / "review.orders")) == 1
    assert run("check", book).exit_code in (0, 1)                       # reads sheet + store without crashing


def test_ranges_without_their_workbook_read_only_what_was_passed(tmp_path):
    """The =XLR_ formulas hand over ranges, not a workbook: a relative order_store is not looked for."""
    f = frames()
    store.write_part(tmp_path / "b.orders", f["Orders"].iloc[3:]).publish()
    split = dict(f, Orders=f["Orders"].iloc[:3],
                 Settings=pd.concat([f["Settings"], pd.DataFrame({"key": ["order_store"], "value": ["b.orders"]})]))
    inputs, report = read_inputs(frames_to_raw(split))
    assert report.ok and len(inputs.orders) == 3


def test_store_run_twice_changes_nothing_and_lines_already_stored_are_not_written_again(tmp_path):
    book = write_workbook(tmp_path / "stored.xlsm", frames())
    assert run("build", book, "--json", tmp_path / "once.json").exit_code == 0
    assert run("store", book).exit_code == 0
    folder = tmp_path / "stored.orders"
    res = run("store", book, "--lang", "en")                  # again: the sheet holds no line now
    assert res.exit_code == 0, res.output
    assert "holds no order lines: nothing to move" in res.output and "already" not in res.output
    assert len(store.part_files(folder)) == 1
    # the seller pastes the year's lines back into the sheet plus one new line: only the new one is stored
    f = frames()
    extra = f["Orders"].iloc[[4]].assign(order_id="O9")
    again = write_workbook(tmp_path / "again.xlsm", dict(f, Orders=pd.concat([f["Orders"], extra])))
    shutil.copy(again, tmp_path / "paste.xlsm")
    shutil.copytree(folder, tmp_path / "paste.orders")
    import openpyxl
    wb = openpyxl.load_workbook(tmp_path / "paste.xlsm", keep_vba=True)
    wb["Settings"].append(["order_store", "paste.orders"])
    wb.save(tmp_path / "paste.xlsm")
    res = run("store", tmp_path / "paste.xlsm", "--lang", "en")
    assert res.exit_code == 0, res.output
    assert "1 order lines moved" in res.output and "5 order lines were already in the order store" in res.output
    parts = store.part_files(tmp_path / "paste.orders")
    assert len(parts) == 2 and len(pd.read_parquet(parts[-1])) == 1
    res = run("build", tmp_path / "paste.xlsm", "--json", tmp_path / "paste.json")
    assert res.exit_code == 0, res.output
    assert figures(tmp_path / "paste.json")["summary"]["orders"] == figures(tmp_path / "once.json")["summary"]["orders"] + 1
