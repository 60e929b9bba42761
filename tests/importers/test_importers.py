"""Importers: one test per fixture (format and awkward shape), detection of unknown files,
money/date parsing, idempotent import into a workbook and a calamine round trip."""
from __future__ import annotations

import json
import shutil
import zipfile
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook

from xlreview.importers import UnknownFormat, UnreadableFile, detect, read_export
from xlreview.importers.base import ImportError_, parse_datetime, parse_money
from xlreview.pipeline import import_files

DATA = Path(__file__).parents[1] / "data" / "imports"
FIXTURES = sorted(p for p in DATA.iterdir() if (DATA / f"{p.name}.expected.json").exists())
UNKNOWN = sorted((DATA / "unknown").iterdir())


def expected(path: Path) -> dict:
    return json.loads((DATA / f"{path.name}.expected.json").read_text("utf-8"))


def _plain(v):
    if isinstance(v, (date, datetime)):
        return v.isoformat()[:10]
    return v


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_fixture(path):
    exp = expected(path)
    batch = read_export(path)
    assert batch.format == exp["format"]
    assert detect(path).name == exp["format"]
    assert batch.rows_read == exp["rows_read"]
    assert len(batch.rejected) == exp["rejected"], [(r.line, r.reason) for r in batch.rejected]
    # nothing lost: every data row is imported or rejected with a reason
    assert batch.rows_read == batch.rows_imported + len(batch.rejected)
    assert all(r.reason and r.line > 0 for r in batch.rejected)
    assert {k: len(v) for k, v in batch.frames.items()} == exp["sheets"]
    for key, value in exp["sums"].items():
        sheet, col = key.split(".")
        assert batch.frames[sheet][col].astype(float).sum() == pytest.approx(value, abs=0.005), key
    for sheet, first in exp.get("first", {}).items():
        row = batch.frames[sheet].iloc[0]
        assert {k: _plain(row[k]) for k in first} == first
    if "totals_before" in exp:
        assert batch.totals_before == pytest.approx(exp["totals_before"])
        assert batch.totals_after == pytest.approx(exp["totals_after"])


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_canonical_columns(path):
    from xlreview.model.schema import SHEETS_BY_NAME

    for sheet, frame in read_export(path).frames.items():
        assert list(frame.columns) == SHEETS_BY_NAME[sheet].keys


def test_shuffled_rows_give_the_same_frames(tmp_path):
    src = (DATA / "amazon_all_orders.txt").read_text("utf-8").splitlines()
    shuffled = tmp_path / "orders_shuffled.txt"
    shuffled.write_text("\n".join([src[0], *reversed(src[1:])]) + "\n", "utf-8")
    a = read_export(DATA / "amazon_all_orders.txt").frames["Orders"]
    b = read_export(shuffled).frames["Orders"]
    key = ["channel", "order_id", "sku"]
    pd.testing.assert_frame_equal(a.sort_values(key).reset_index(drop=True), b.sort_values(key).reset_index(drop=True))


@pytest.mark.parametrize("path", [p for p in UNKNOWN if p.suffix != ".xlsx"], ids=lambda p: p.name)
def test_unknown_file_names_closest_formats(path):
    with pytest.raises(UnknownFormat) as err:
        read_export(path)
    assert "Closest known formats" in err.value.message("en")
    assert "最接近的格式" in err.value.message("zh")
    assert err.value.candidates


def test_deleted_columns_name_the_missing_headers():
    with pytest.raises(UnknownFormat) as err:
        read_export(DATA / "unknown" / "amazon_orders_columns_deleted.txt")
    best = err.value.candidates[0]
    assert best.name == "amazon_all_orders"
    assert set(best.missing) == {"item-price", "sales-channel"}
    assert '"item-price"' in str(err.value)


def test_damaged_xlsx():
    with pytest.raises(UnreadableFile, match="damaged"):
        read_export(DATA / "unknown" / "damaged.xlsx")


def test_source_forces_the_family():
    with pytest.raises(UnknownFormat):
        read_export(DATA / "shopify_orders.csv", source="amazon")
    assert read_export(DATA / "shopify_orders.csv", source="shopify").format == "shopify_orders"


@pytest.mark.parametrize("text, value", [
    ("$1,234.50", 1234.5), ("1.234,56", 1234.56), ("1.234,56 €", 1234.56), ("(3.20)", -3.2), ("-3,20", -3.2),
    ("US$5,000.00", 5000.0), ("£6.00", 6.0), ("12,5", 12.5), ("1,234", 1234.0), ("3.20-", -3.2), ("", None),
    ("1 234,56", 1234.56), ("CA$10.00", 10.0), ("EUR 12,00", 12.0),
])
def test_parse_money(text, value):
    got = parse_money(text)
    assert (pd.isna(got) if value is None else got == pytest.approx(value))


def test_parse_money_rejects_text():
    with pytest.raises(ValueError):
        parse_money("twelve")


@pytest.mark.parametrize("text, expected_dt", [
    ("2026-01-01T03:04:21+00:00", datetime(2026, 1, 1, 3, 4, 21, tzinfo=timezone.utc)),
    ("Jan 15, 2026 12:00:00 AM PST", datetime(2026, 1, 15, 0, 0, tzinfo=timezone(timedelta(hours=-8)))),
    ("1 May 2026 10:00:00 am UTC", datetime(2026, 5, 1, 10, 0, tzinfo=timezone.utc)),
    ("03.01.2026 23:30:00 UTC", datetime(2026, 1, 3, 23, 30, tzinfo=timezone.utc)),
    ("Sep-27-26", datetime(2026, 9, 27)),
    ("10/03/2026 9:15:02 PM", datetime(2026, 10, 3, 21, 15, 2)),
    ("2026/3/1 10:00", datetime(2026, 3, 1, 10, 0)),
    ("2026-08-04 05:24:22 +0500", datetime(2026, 8, 4, 5, 24, 22, tzinfo=timezone(timedelta(hours=5)))),
    ("2026年3月1日", datetime(2026, 3, 1)),
])
def test_parse_datetime(text, expected_dt):
    assert parse_datetime(text) == expected_dt


# ----------------------------------------------------------------------------- writing a workbook
def _workbook(path: Path, language: str | None = "en", zh_orders: bool = False) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Settings"
    ws.append(["key", "value"])
    if language:
        ws.append(["language", language])
    if zh_orders:
        orders = wb.create_sheet("订单")
        orders.append(["订单号", "下单日期", "渠道", "SKU", "数量", "商品金额", "备注"])
        orders.append(["MANUAL-1", date(2026, 1, 1), "Shopify", "MUG-1", 1, 10.0, "typed by hand"])
    wb.save(path)
    return path


def _sheet_rows(path: Path, name: str) -> list[dict]:
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(name).to_python()
    head = rows[0]
    return [dict(zip(head, r)) for r in rows[1:] if any(v not in ("", None) for v in r)]


ORDER_FILES = ["amazon_all_orders.txt", "ebay_orders.csv", "shopify_orders.csv", "tiktok_orders_bom_tabs.csv",
               "mabang_orders_merged.xlsx", "dianxiaomi_orders_gbk.csv"]


def test_round_trip_orders_totals(tmp_path):
    book = _workbook(tmp_path / "review.xlsx")
    files = [DATA / f for f in ORDER_FILES]
    report = import_files(book, files)
    assert not report.errors and all(f.balanced for f in report.files)
    expected_rows = pd.concat([read_export(f).frames["Orders"] for f in files])
    rows = _sheet_rows(book, "Orders")
    assert len(rows) == len(expected_rows) == report.added
    got = pd.DataFrame(rows)
    for col in ("item_price", "quantity", "discount", "shipping_charged"):
        assert pd.to_numeric(got[col].replace("", None)).fillna(0).sum() == pytest.approx(
            expected_rows[col].astype(float).fillna(0).sum()), col
    # ids stay text (an 18-digit TikTok id would lose digits as a number)
    assert "576461413038785752" in {str(r["order_id"]) for r in rows}


def test_import_twice_adds_nothing(tmp_path):
    book = _workbook(tmp_path / "review.xlsx")
    files = [DATA / f for f in ORDER_FILES] + [DATA / "amazon_ads_search_term.xlsx",
                                              DATA / "amazon_business_report_US_2026-03.csv"]
    first = import_files(book, files)
    second = import_files(book, files)
    assert first.added > 0
    assert second.added == 0 and sum(f.updated for f in second.files) == 0
    assert second.duplicates == first.added
    assert len(_sheet_rows(book, "Orders")) == first.files[0].added + sum(f.added for f in first.files[1:6])


def test_overlapping_ranges_merge(tmp_path):
    book = _workbook(tmp_path / "review.xlsx")
    full = (DATA / "amazon_all_orders.txt").read_text("utf-8").splitlines()
    part1, part2 = tmp_path / "jan_1-3.txt", tmp_path / "jan_2-5.txt"
    part1.write_text("\n".join(full[:5]) + "\n", "utf-8")
    part2.write_text("\n".join([full[0], *full[2:]]) + "\n", "utf-8")
    import_files(book, [part1])
    r2 = import_files(book, [part2])
    assert r2.duplicates == 3              # order 111-0000002 (two lines) and 302-0000003 were there
    assert len(_sheet_rows(book, "Orders")) == 4


def test_fees_refunds_and_stock_merge_onto_existing_rows(tmp_path):
    book = _workbook(tmp_path / "review.xlsx")
    import_files(book, [DATA / "amazon_all_orders.txt"])
    rep = import_files(book, [DATA / "amazon_date_range_us.csv", DATA / "amazon_fba_returns.txt",
                              DATA / "amazon_fba_inventory.txt"])
    rows = {(r["order_id"], r["sku"]): r for r in _sheet_rows(book, "Orders")}
    line = rows[("111-0000001-0000001", "MUG-1")]
    assert line["platform_fee"] == pytest.approx(6.0) and line["fulfillment_fee"] == pytest.approx(8.5)
    refunded = rows[("111-0000002-0000002", "MUG-1")]
    assert refunded["refund_amount"] == pytest.approx(19.99) and refunded["refunded_qty"] == 1
    assert ("111-0000009-0000009", "MUG-1") in rows          # an order only in the payments report is added
    products = {r["sku"]: r for r in _sheet_rows(book, "Products")}
    assert products["MUG-1"]["stock_qty"] == 120
    again = import_files(book, [DATA / "amazon_date_range_us.csv"])
    assert again.added == 0 and sum(f.updated for f in again.files) == 0
    assert rep.files[0].balanced


def test_existing_sheet_matched_by_aliases_and_log_in_chinese(tmp_path):
    book = _workbook(tmp_path / "review.xlsx", language=None, zh_orders=True)
    report = import_files(book, [DATA / "shopify_orders.csv"])
    wb = load_workbook(book)
    assert "Orders" not in wb.sheetnames                   # went into the existing 订单 sheet
    ws = wb["订单"]
    head = [c.value for c in ws[1]]
    assert head[:7] == ["订单号", "下单日期", "渠道", "SKU", "数量", "商品金额", "备注"]
    assert "currency" in head                              # a missing canonical column is added at the end
    assert ws.max_row == 1 + 1 + 3
    assert report.log_sheet == "导入日志"
    log = wb["导入日志"]
    assert log["A1"].value == "文件"
    reasons = [log.cell(r, 3).value for r in range(1, log.max_row + 1)]
    assert any(str(r).startswith("已取消的订单") for r in reasons)        # the reason in the log's language


def test_text_starting_with_equals_stays_text(tmp_path):
    book = _workbook(tmp_path / "review.xlsx")
    import_files(book, [DATA / "amazon_ads_search_term.xlsx"])
    ws = load_workbook(book)["Ads"]
    col = [c.value for c in ws[1]].index("keyword") + 1
    cells = [ws.cell(r, col) for r in range(2, ws.max_row + 1)]
    assert any(c.value == "=cheap mug" and c.data_type == "s" for c in cells)


def test_an_unknown_file_beside_good_ones_imports_nothing(tmp_path):
    # all or nothing: the seller removes or re-exports the named file and runs the import again
    book = _workbook(tmp_path / "review.xlsx")
    before = book.read_bytes()
    with pytest.raises(ImportError_, match="bank_statement.csv") as failed:
        import_files(book, [DATA / "shopify_orders.csv", DATA / "unknown" / "bank_statement.csv"])
    assert "shopify_orders.csv" not in failed.value.message("en") and book.read_bytes() == before
    assert import_files(book, [DATA / "shopify_orders.csv"]).added == 3
    with pytest.raises(UnknownFormat):
        import_files(book, [DATA / "unknown" / "bank_statement.csv"])


def test_ribbon_relationship_and_vba_kept(tmp_path):
    book = _workbook(tmp_path / "review.xlsx")
    macro = tmp_path / "review.xlsm"
    with zipfile.ZipFile(book) as src, zipfile.ZipFile(macro, "w") as dst:
        for item in src.namelist():
            data = src.read(item)
            if item == "_rels/.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rR" Type="http://schemas.microsoft.com/'
                                    b'office/2007/relationships/ui/extensibility" Target="customUI/customUI14.xml"/>'
                                    b"</Relationships>")
            dst.writestr(item, data)
        dst.writestr("customUI/customUI14.xml", b'<customUI xmlns="http://schemas.microsoft.com/office/2009/07/'
                                                b'customui"><ribbon/></customUI>')
        dst.writestr("xl/vbaProject.bin", b"not a real project, kept byte for byte")
    import_files(macro, [DATA / "shopify_orders.csv"])
    with zipfile.ZipFile(macro) as z:
        assert "customUI/customUI14.xml" in z.namelist()
        assert z.read("xl/vbaProject.bin") == b"not a real project, kept byte for byte"
        assert b"ui/extensibility" in z.read("_rels/.rels")
    assert not list(tmp_path.glob(".*import*"))           # no temp file left behind


def test_fixture_generator_is_reproducible(tmp_path):
    copy = tmp_path / "imports"
    shutil.copytree(DATA, copy)
    import runpy

    runpy.run_path(str(copy / "make_fixtures.py"), run_name="__main__")
    for p in FIXTURES:
        if p.suffix != ".xlsx":        # xlsx zips carry timestamps; their content is checked by test_fixture
            assert (copy / p.name).read_bytes() == p.read_bytes(), p.name
