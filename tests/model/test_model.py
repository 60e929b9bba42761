"""Reading and validating input sheets: one test per bad-input rule of DATA_MODEL.md, on real workbooks."""
from __future__ import annotations

import datetime as dt

import numpy as np
import openpyxl
import pandas as pd
import pytest
from worked_example import frames

from xlreview.errors import InputProblems, NotAWorkbook
from xlreview.model import schema
from xlreview.model.parse import parse_dates, parse_numbers
from xlreview.model.read import frames_to_raw, read_inputs
from xlreview.pipeline import build, check
from xlreview.template import write_workbook


def workbook(tmp_path, f=None, name="wb.xlsx"):
    return write_workbook(tmp_path / name, f if f is not None else frames(), macros=False)


def set_cell(path, sheet, ref, value, data_type=None):
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    ws[ref].value = value
    if data_type:
        ws[ref].data_type = data_type
    wb.save(path)


def codes(report, severity="error"):
    for lang in ("zh", "en"):          # every problem renders as a full message in both languages
        for p in report.problems:
            assert p.sheet in p.text(lang) and "{" not in p.text(lang)
    return [(p.sheet, p.row, p.column, p.code) for p in report.problems if p.severity == severity]


# ---------------------------------------------------------------- cell parsing
@pytest.mark.parametrize("raw, expected", [
    (12, 12.0), (12.5, 12.5), ("1,234.50", 1234.5), ("$12.00", 12.0), ("12.5%", 0.125), ("(3.20)", -3.2),
    ("￥1,000", 1000.0), ("US$ 7", 7.0), ("-$3.20", -3.2), (" 42 ", 42.0), ("１２３", 123.0), ("€1,000,000.5", 1000000.5),
])
def test_parse_numbers_accepts_seller_formats(raw, expected):
    vals, bad = parse_numbers(pd.Series([raw], dtype=object))
    assert not bad.iloc[0]
    assert vals.iloc[0] == pytest.approx(expected)


@pytest.mark.parametrize("raw", ["abc", "12abc", "1.2.3", "--5", "N/A"])
def test_parse_numbers_rejects_text(raw):
    vals, bad = parse_numbers(pd.Series([raw], dtype=object))
    assert bad.iloc[0] and np.isnan(vals.iloc[0])


@pytest.mark.parametrize("raw, expected", [
    (dt.date(2026, 3, 1), "2026-03-01"), (dt.datetime(2026, 3, 1, 13, 5), "2026-03-01"),
    ("2026-03-01", "2026-03-01"), ("2026/3/1", "2026-03-01"), ("2026-03-01 23:59:59", "2026-03-01"),
    ("2026-03-01T10:00:00Z", "2026-03-01"), ("2026年3月1日", "2026-03-01"), (46082, "2026-03-01"),
    (46082.75, "2026-03-01"), ("20260301", "2026-03-01"),
])
def test_parse_dates_accepts_seller_formats(raw, expected):
    vals, bad = parse_dates(pd.Series([raw], dtype=object))
    assert not bad.iloc[0]
    assert vals.iloc[0] == pd.Timestamp(expected)


@pytest.mark.parametrize("raw", ["03/01/2026", "yesterday", "2026-13-01", "2026-02-30", -5])
def test_parse_dates_rejects_ambiguous_or_invalid(raw):
    _, bad = parse_dates(pd.Series([raw], dtype=object))
    assert bad.iloc[0]


def test_headers_match_aliases_full_width_and_spaces():
    f = frames()
    f["Orders"] = f["Orders"].rename(columns={"order_id": "订单号", "sku": " Seller-SKU ", "quantity": "ＱＴＹ",
                                              "order_date": "Order Date"})
    inputs, report = read_inputs(frames_to_raw(f))
    assert report.ok, report.lines()
    assert inputs.orders["order_id"].tolist()[:2] == ["O0", "O1"]
    assert inputs.orders["quantity"].sum() == 6


def test_every_column_key_has_unique_aliases_within_its_sheet():
    for spec in schema.INPUT_SHEETS:
        seen = {}
        for col in spec.columns:
            for spelling in (col.key, col.zh, *col.aliases):
                n = schema.normalize_header(spelling)
                assert seen.setdefault(n, col.key) == col.key, (spec.name, spelling)


# ---------------------------------------------------------------- bad-input rules, on workbooks
def test_bad_date_is_an_error_with_sheet_row_column_value(tmp_path):
    p = workbook(tmp_path)
    set_cell(p, "Orders", "B3", "next tuesday")
    report = check(p)
    assert ("Orders", 3, "order_date", "bad_date") in codes(report)
    line = [p_.text("en") for p_ in report.errors][0]
    assert "row 3" in line and "order_date" in line and "next tuesday" in line and "2026-03-01" in line


def test_text_in_a_number_column_is_an_error_not_zero(tmp_path):
    p = workbook(tmp_path)
    set_cell(p, "Orders", "F4", "twelve")
    assert ("Orders", 4, "item_price", "bad_number") in codes(check(p))


def test_missing_required_column(tmp_path):
    f = frames()
    f["Orders"] = f["Orders"].drop(columns=["sku"])
    p = tmp_path / "wb.xlsx"
    write_workbook(p, f, macros=False)
    wb = openpyxl.load_workbook(p)
    ws = wb["Orders"]
    ws.delete_cols(4)          # the template header row has sku in column D
    wb.save(p)
    assert ("Orders", 1, "sku", "missing_column") in codes(check(p))


def test_unknown_currency_without_fx(tmp_path):
    f = frames()
    f["Orders"].loc[4, "currency"] = "GBP"
    report = check(workbook(tmp_path, f))
    assert ("Orders", 6, "currency", "unknown_currency") in codes(report)
    assert "GBP" in report.errors[0].text("en")


def test_month_specific_fx_rate_wins():
    f = frames()
    f["FX"] = pd.DataFrame({"currency": ["EUR", "EUR"], "rate_to_base": [1.2, 1.5],
                            "month": [None, dt.date(2026, 2, 1)]})
    inputs, report = read_inputs(frames_to_raw(f))
    assert report.ok
    eur = inputs.orders[inputs.orders["order_id"] == "O2"]
    assert eur["item_price"].iloc[0] == pytest.approx(25 * 1.5)


def test_excel_error_cells_are_errors_never_zero(tmp_path):
    p = workbook(tmp_path)
    set_cell(p, "Orders", "I3", "#N/A")                  # openpyxl writes a real error cell (t="e")
    set_cell(p, "Orders", "F5", "#VALUE!")
    report = check(p)
    got = codes(report)
    assert ("Orders", 3, "platform_fee", "excel_error") in got
    assert ("Orders", 5, "item_price", "excel_error") in got


def test_empty_orders(tmp_path):
    f = frames()
    f["Orders"] = f["Orders"].iloc[0:0]
    assert ("Orders", None, None, "empty_sheet") in codes(check(workbook(tmp_path, f)))


def test_unknown_sku_is_a_warning_and_counts_zero_cost(tmp_path):
    f = frames()
    f["Orders"].loc[4, "sku"] = "ZZZ"
    p = workbook(tmp_path, f)
    report = check(p)
    assert report.ok
    assert ("Orders", 6, "sku", "unknown_sku") in codes(report, "warning")
    result = build(p)
    assert result.review.unknown_skus == ["ZZZ"]
    assert result.review.summary["cogs"] == pytest.approx(35 - 5)


def test_required_blank_and_negative_and_fraction(tmp_path):
    p = workbook(tmp_path)
    set_cell(p, "Orders", "A3", None)
    set_cell(p, "Orders", "L4", -5)
    set_cell(p, "Orders", "E5", 1.5)
    got = codes(check(p))
    assert ("Orders", 3, "order_id", "required_blank") in got
    assert ("Orders", 4, "refund_amount", "negative") in got
    assert ("Orders", 5, "quantity", "not_integer") in got


def test_all_problems_are_collected_not_first_fail(tmp_path):
    p = workbook(tmp_path)
    set_cell(p, "Orders", "B3", "bad")
    set_cell(p, "Products", "D2", "cheap")
    set_cell(p, "Ads", "I2", "lots")
    sheets = {s for s, *_ in codes(check(p))}
    assert sheets == {"Orders", "Products", "Ads"}


def test_duplicate_sku_in_products(tmp_path):
    f = frames()
    f["Products"] = pd.concat([f["Products"], f["Products"].iloc[[0]]], ignore_index=True)
    assert ("Products", 4, "sku", "duplicate_key") in codes(check(workbook(tmp_path, f)))


def test_blank_rows_are_skipped_and_row_numbers_stay_excel_rows(tmp_path):
    p = workbook(tmp_path)
    wb = openpyxl.load_workbook(p)
    ws = wb["Orders"]
    ws.insert_rows(3, 2)
    ws["B6"] = "not a date"
    wb.save(p)
    assert ("Orders", 6, "order_date", "bad_date") in codes(check(p))


def test_not_a_workbook(tmp_path):
    bad = tmp_path / "orders.xlsx"
    bad.write_text("order_id,sku\n1,A\n")
    with pytest.raises(NotAWorkbook):
        check(bad)
    with pytest.raises(NotAWorkbook):
        check(tmp_path / "missing.xlsx")


def test_failed_build_leaves_file_untouched(tmp_path):
    p = workbook(tmp_path)
    set_cell(p, "Orders", "B3", "bad")
    before = p.read_bytes()
    with pytest.raises(InputProblems) as exc:
        build(p)
    assert exc.value.report.errors
    assert p.read_bytes() == before


def test_settings_are_validated(tmp_path):
    f = frames()
    f["Settings"] = pd.DataFrame({"key": ["language", "problem_refund_rate", "base_currency"],
                                  "value": ["fr", "high", "US Dollar"]})
    got = {(c, code) for _, _, c, code in codes(check(workbook(tmp_path, f)))}
    assert {("language", "bad_setting"), ("problem_refund_rate", "bad_setting"), ("base_currency", "bad_currency")} <= got


def test_threshold_override_from_settings():
    f = frames()
    f["Settings"] = pd.DataFrame({"key": ["problem_refund_rate", "language"], "value": ["15%", "en"]})
    inputs, report = read_inputs(frames_to_raw(f))
    assert report.ok
    assert inputs.settings.t("problem_refund_rate") == pytest.approx(0.15)
    assert inputs.settings.language == "en"


def test_blank_review_year_with_a_partial_latest_year_warns():
    f = frames()
    f["Settings"] = pd.DataFrame({"key": ["fixed_overhead"], "value": [8]})
    inputs, report = read_inputs(frames_to_raw(f))
    assert inputs.settings.review_year == 2026
    assert [p.code for p in report.warnings] == ["review_year_partial"]
    assert "review_year = 2025" in report.warnings[0].text("en")


# ---------------------------------------------------------------- Costs and UnitCosts (DATA_MODEL.md)
def test_costs_are_converted_to_base_currency_and_kinds_are_canonical():
    f = frames()
    f["FX"] = pd.DataFrame({"currency": ["EUR"], "rate_to_base": [1.2], "month": [None]})
    f["Costs"] = pd.DataFrame({
        "date": [dt.date(2026, 3, 7), dt.date(2026, 4, 1), dt.date(2026, 5, 2)],
        "kind": ["仓储费", "reimbursement", "warehouse party"], "amount": ["€10.00", -5, 7],
        "channel": ["Amazon DE", "Amazon US", ""], "currency": ["EUR", "", ""], "ref": ["S1", "R1", ""]})
    inputs, report = read_inputs(frames_to_raw(f))
    assert report.ok
    c = inputs.costs
    assert c["kind"].tolist() == ["storage", "reimbursement", "other"]
    assert c["amount"].tolist() == pytest.approx([12.0, -5.0, 7.0])          # credits stay negative
    assert c["currency"].tolist() == ["EUR", "USD", "USD"]
    assert [(p.row, p.code) for p in report.warnings if p.sheet == "Costs"] == [(4, "unknown_cost_kind")]


def test_unit_costs_duplicate_sku_and_effective_from_is_an_error(tmp_path):
    f = frames()
    sku = f["Products"]["sku"].iloc[0]
    f["UnitCosts"] = pd.DataFrame({"sku": [sku, sku, sku], "effective_from": [dt.date(2026, 7, 1),
                                   dt.date(2026, 1, 1), dt.date(2026, 7, 1)], "unit_cost": [5.0, 4.0, 6.0]})
    report = check(workbook(tmp_path, f))
    assert ("UnitCosts", 4, "effective_from", "duplicate_unit_cost") in codes(report)
    assert "row 2" in next(p for p in report.errors if p.code == "duplicate_unit_cost").text("en")


def test_unit_costs_are_sorted_and_an_unknown_sku_is_a_warning():
    f = frames()
    sku = f["Products"]["sku"].iloc[0]
    f["UnitCosts"] = pd.DataFrame({"sku": [sku, sku, "NOPE"], "effective_from": [dt.date(2026, 7, 1),
                                   dt.date(2026, 1, 1), dt.date(2026, 1, 1)], "unit_cost": [5.0, 4.0, 6.0]})
    inputs, report = read_inputs(frames_to_raw(f))
    assert report.ok
    assert inputs.unit_costs["sku"].tolist() == [sku, sku, "NOPE"]
    assert inputs.unit_costs["unit_cost"].tolist() == [4.0, 5.0, 6.0]
    assert [p.code for p in report.warnings if p.sheet == "UnitCosts"] == ["unit_cost_unknown_sku"]


def test_kinds_of_one_type_columns_match_the_per_value_rules():
    from xlreview.model.parse import _TYPE_CODE, OTHER, _type_codes
    columns = [["a", "", " "], [1.0, float("nan"), 2.5], [1, 2], [True, False], [pd.NaT, pd.Timestamp("2026-01-01")],
               [dt.date(2026, 1, 1), None], ["x", 1.0, None, True, dt.datetime(2026, 1, 1), pd.NaT, object()]]
    for values in columns:
        vals = np.array(values, dtype=object)
        assert list(_type_codes(vals)) == [_TYPE_CODE.get(type(v), OTHER) for v in values], values
