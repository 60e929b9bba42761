"""The real-world export shapes of tests/data/field/ (copied from the shared field samples): new -> import ->
build, and the right values of their README asserted on the JSON result and the workbook's sheets."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pytest

from xlreview.importers import ImportError_
from xlreview.ooxml.package import ensure_ribbon_relationship
from xlreview.pipeline import build, import_files

ROOT = Path(__file__).resolve().parents[2]
FIELD = Path(__file__).parents[1] / "data" / "field"


def new_workbook(tmp_path: Path, base: str = "USD", orders: list[list] | None = None,
                 products: list[list] | None = None) -> Path:
    """A fresh workbook from the template with Settings base_currency, optional canonical rows."""
    wb = tmp_path / "review.xlsm"
    shutil.copy(ROOT / "workbook_template.xlsm", wb)
    book = openpyxl.load_workbook(wb, keep_vba=True)
    for row in book["Settings"].iter_rows(min_row=2):
        if row[0].value == "base_currency":
            row[1].value = base
    for sheet, rows in (("Orders", orders), ("Products", products)):
        if rows:
            head = [c.value for c in book[sheet][1]]
            for r in rows:
                book[sheet].append([r.get(h) for h in head])
    book.save(wb)
    ensure_ribbon_relationship(wb)
    return wb


def import_and_build(wb: Path, *files: Path, tmp_path: Path):
    report = import_files(wb, [FIELD / f if isinstance(f, str) else f for f in files])
    out = tmp_path / "review.json"
    build(wb, json_out=out)
    return report, json.loads(out.read_text("utf-8"))


def sheet_rows(wb: Path, name: str) -> list[dict]:
    ws = openpyxl.load_workbook(wb)[name]
    head = [c.value for c in ws[1]]
    return [dict(zip(head, r)) for r in ws.iter_rows(min_row=2, values_only=True) if any(v is not None for v in r)]


def money_line(report, name: str) -> dict:
    f = report.files[0]
    return {m.column: m for m in f.money_columns}[name]


def test_f02_amazon_date_range_fee_credit_costs_payout_and_local_day(tmp_path):
    wb = new_workbook(tmp_path)
    report, out = import_and_build(wb, "F02_amazon_daterange_US_7line_preamble.csv", tmp_path=tmp_path)
    orders = {r["order_id"]: r for r in sheet_rows(wb, "Orders")}
    assert orders["113-1000000-0000002"]["order_date"].date().isoformat() == "2026-12-31"
    assert orders["113-1000000-0000001"]["platform_fee"] == pytest.approx(8.69 - 6.95)
    costs = sheet_rows(wb, "Costs")
    assert sorted((c["kind"], c["amount"], c["channel"]) for c in costs) == [
        ("advertising_other", 25.0, "Amazon US"), ("storage", 3.21, "Amazon US")]
    assert [r for r in report.files[0].rejected if r.reason.code == "import.reject_payout"]       # the Transfer is logged
    assert out["summary"]["platform_fees"] == pytest.approx(1.74 + 3.60)
    for m in report.files[0].money_columns:                   # every money column reconciles to the cent
        assert m.difference == 0 or m.role in ("info", "tax"), m
    # re-importing changes nothing (the refund's fee credit is added once)
    again = import_files(wb, [FIELD / "F02_amazon_daterange_US_7line_preamble.csv"])
    assert again.added == 0 and again.files[0].updated == 0
    assert {r["order_id"]: r["platform_fee"] for r in sheet_rows(wb, "Orders")} == \
        {k: v["platform_fee"] for k, v in orders.items()}
    assert len(sheet_rows(wb, "Costs")) == 2


def test_f02_cost_of_advertising_counted_once_whatever_the_order(tmp_path):
    ads = tmp_path / "ads_dec.csv"
    ads.write_text("Date,Campaign Name,Ad Group Name,Customer Search Term,Impressions,Clicks,Spend,Currency\n"
                   "2026-12-10,SP - Tape,Tape,joint tape,1000,30,25.00,USD\n", encoding="utf-8")
    results = []
    for order in ([FIELD / "F02_amazon_daterange_US_7line_preamble.csv", ads],
                  [ads, FIELD / "F02_amazon_daterange_US_7line_preamble.csv"]):
        sub = tmp_path / str(len(results))
        sub.mkdir()
        wb = new_workbook(sub)
        for f in order:
            import_files(wb, [f])
        out = sub / "r.json"
        result = build(wb, json_out=out)
        results.append((result.review.summary["ad_spend"], json.loads(out.read_text())["summary"]))
        assert any("counted" in w or "不重复" in w for w in result.review.warnings)
    assert results[0][0] == results[1][0] == pytest.approx(25.0)


def test_f02_transaction_report_alone_keeps_the_billed_advertising(tmp_path):
    wb = new_workbook(tmp_path)
    import_files(wb, [FIELD / "F02_amazon_daterange_US_7line_preamble.csv"])
    result = build(wb)
    assert not any("counted" in w for w in result.review.warnings)
    costs = sheet_rows(wb, "Costs")
    assert sum(c["amount"] for c in costs) == pytest.approx(28.21)


def test_f05_uk_postage_credits_are_shipping_charged(tmp_path):
    wb = new_workbook(tmp_path, base="GBP")
    report, out = import_and_build(wb, "F05_amazon_daterange_UK_postage_credits_Sept.csv", tmp_path=tmp_path)
    assert out["summary"]["gross_sales"] == pytest.approx(58.98)
    assert money_line(report, "postage credits").imported == pytest.approx(3.99)
    dates = sorted(r["order_date"].date().isoformat() for r in sheet_rows(wb, "Orders"))
    assert dates == ["2026-07-01", "2026-09-01"]      # 23:01 UTC on 30 Jun is 1 Jul in London (BST)


def test_f07_shopify_order_level_discount_code_and_cancelled_order(tmp_path):
    wb = new_workbook(tmp_path, base="EUR")
    report, out = import_and_build(wb, "F07_shopify_orders_EUR_order_level_discount_code.csv", tmp_path=tmp_path)
    assert out["summary"]["discounts"] == pytest.approx(56.96)
    assert out["summary"]["net_sales"] == pytest.approx(1094.59)
    assert [r.line for r in report.files[0].rejected if r.reason.code == "import.reject_cancelled_at"] == [7]
    assert not report.files[0].unmapped
    # the order-level code is shared over the lines to the cent, never as float noise in the sheet
    discounts = [r["discount"] for r in sheet_rows(wb, "Orders") if r["discount"]]
    assert all(round(d * 100) == pytest.approx(d * 100, abs=1e-6) for d in discounts)
    assert round(sum(discounts), 2) == pytest.approx(56.96)


def test_f12_excel_rounded_ids_are_refused_never_merged(tmp_path):
    from xlreview.importers.apply import read_batches
    wb = new_workbook(tmp_path)
    f12 = FIELD / "F12_tiktok_US_orders_excel_resaved_scientific_ids.csv"
    ((f, _batch),) = read_batches([f12], None, "en")
    assert f.rows_imported == 0 and len(f.rejected) == 3
    assert all(r.reason.code == "import.reject_rounded_id" and "Export" in r.reason.render("en") for r in f.rejected)
    before = wb.read_bytes()
    with pytest.raises(ImportError_) as refused:          # nothing imported: an error, the workbook untouched
        import_files(wb, [f12], lang="en")
    text = refused.value.message("en")
    assert "all 3 row(s) were refused" in text and "3 row(s), e.g. line 3" in text and "not changed" in text
    assert wb.read_bytes() == before


def test_f13_tiktok_thailand_day_first_and_thai_cancelled(tmp_path):
    wb = new_workbook(tmp_path, base="THB")
    report, out = import_and_build(wb, "F13_tiktok_TH_orders_ddmm_dates_thai_status.csv", tmp_path=tmp_path)
    assert out["summary"]["net_sales"] == pytest.approx(396.0)
    rows = sheet_rows(wb, "Orders")
    assert sorted(r["order_date"].date().isoformat() for r in rows) == ["2026-05-10", "2026-05-13"]
    assert [r.line for r in report.files[0].rejected] == [4]
    assert "ยกเลิกแล้ว" in report.files[0].rejected[0].reason.render("en")


def test_f15_chinese_business_report_today_header(tmp_path):
    wb = new_workbook(tmp_path, orders=[dict(order_id="O1", order_date="2026-03-05", channel="Amazon US",
                                             sku="SKU-BLK", quantity=1, item_price=24.99)],
                      products=[dict(sku=s, unit_cost=5) for s in ("SKU-BLK", "SKU-WHT", "SKU-ACC")])
    report, out = import_and_build(wb, "F15_BusinessReport_US_2026-03_zh_headers_huihuashu.csv", tmp_path=tmp_path)
    traffic = sheet_rows(wb, "Traffic")
    assert sorted((r["sku"], r["sessions"]) for r in traffic) == [("SKU-ACC", 1411), ("SKU-BLK", 1204),
                                                                  ("SKU-WHT", 806)]
    assert {r["channel"] for r in traffic} == {"Amazon US"}
    assert {r["date"].date().isoformat() for r in traffic} == {"2026-03-01"}
    by_sku = {p["sku"]: p.get("sessions") for p in out["products"]}
    assert (by_sku["SKU-BLK"], by_sku["SKU-WHT"], by_sku["SKU-ACC"]) == (1204, 806, 1411)   # B2B not added


def test_f16_ads_console_2026_search_terms_spread_over_the_range(tmp_path):
    wb = new_workbook(tmp_path, orders=[dict(order_id="O1", order_date="2026-08-20", channel="Amazon US",
                                             sku="BOTTLE", quantity=1, item_price=40)],
                      products=[dict(sku="BOTTLE", unit_cost=5)])
    report, out = import_and_build(wb, "F16_amazon_ads_console2026_search_term_renamed_headers.csv",
                                   tmp_path=tmp_path)
    assert out["summary"]["ad_spend"] == pytest.approx(37.70)
    ads = sheet_rows(wb, "Ads")
    assert sum(r["orders"] or 0 for r in ads) == 4
    assert sum(r["sales"] or 0 for r in ads) == pytest.approx(138.99)
    assert all(float(r["orders"] or 0).is_integer() for r in ads)
    days = {r["date"].date().isoformat() for r in ads}
    assert min(days) == "2026-08-18" and max(days) == "2026-08-24"
    assert money_line(report, "Total cost").difference == 0
