"""The sheets show the figures of issue 12 under names that say what they are (tests/figures_example.py data)."""
from __future__ import annotations

import openpyxl
import pandas as pd
import pytest
from figures_example import CHANNEL_OTHER_COSTS, SKU_OTHER_COSTS, frames, frames_without_previous_costs
from sheet_cells import find, right_of

from xlreview.core.review import compute_review
from xlreview.model.read import frames_to_raw, read_inputs
from xlreview.sheets import render
from xlreview.sheets.products import telling_decimals
from xlreview.text import label, sheet_name


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    inputs, report = read_inputs(frames_to_raw(frames()))
    assert report.ok
    review = compute_review(inputs)
    path = tmp_path_factory.mktemp("fig") / "fig.xlsx"
    render(review).save(path)
    return openpyxl.load_workbook(path), review

def test_products_sheet_names_contribution_profit_and_shows_costs_and_reasons(book):
    wb, _ = book
    ws = wb[sheet_name("products", "zh")]
    texts = {c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    assert label("sku_contribution_profit", "zh") in texts and label("net_profit", "zh") not in texts
    a = [c for c in ws["B"] if c.value == "A"][-1]
    assert right_of(ws, label("other_costs", "zh"), a).value == pytest.approx(SKU_OTHER_COSTS["A"])
    reasons = right_of(ws, label("return_reasons", "zh"), a)
    assert reasons.value == "描述不符 3 件 50.0% · 包装 1 件 16.7% · 尺寸 1 件 16.7%"
    assert reasons.column == right_of(ws, label("action", "zh"), a).column + 1      # beside the action
    # the SKU without a cost is marked in the first column, and its reason and action say so first
    c = [x for x in ws["B"] if x.value == "C"][-1]
    assert ws.cell(row=c.row, column=1).value == label("incomplete_flag", "zh")
    assert ws.cell(row=a.row, column=1).value is None
    assert right_of(ws, label("reason", "zh"), c).value.startswith("成本未知")
    assert right_of(ws, label("action", "zh"), c).value.startswith("先在产品表补上单位成本")


def test_channels_sheet_has_other_costs(book):
    wb, _ = book
    ws = wb[sheet_name("channels", "zh")]
    for channel, value in CHANNEL_OTHER_COSTS.items():
        cell = [c for c in ws["B"] if c.value == channel][0]
        assert right_of(ws, label("other_costs", "zh"), cell).value == pytest.approx(value), channel


def test_dashboard_comparisons_na_with_reason_and_cost_unknown_count(book):
    wb, review = book
    ws = wb[sheet_name("dashboard", "zh")]
    rows = [c.row for c in ws["A"] if c.value == label("net_sales", "zh")]
    hits = [c for r in rows for c in ws[r] if c.value == label("not_applicable", "zh")]
    assert hits, "net sales YoY should be n/a: 2025's data starts in March"
    notes = [c.value for r in ws.iter_rows() for c in r if isinstance(c.value, str) and c.value.startswith("n/a（")]
    assert len(notes) == 1 and "不是从 1 月开始" in notes[0]
    other = [c for c in ws["A"] if c.value == label("other_costs", "zh")][0]
    assert ws.cell(row=other.row, column=2).value == pytest.approx(86)
    assert ws.cell(row=other.row, column=3).value == pytest.approx(7)
    count = [c.value for r in ws.iter_rows() for c in r if isinstance(c.value, str) and c.value.startswith("成本未知的 SKU")]
    assert count and "1 个" in count[0] and "50.00" in count[0]


def test_dashboard_previous_profit_without_costs_rows_is_na_with_reason(tmp_path):
    inputs, report = read_inputs(frames_to_raw(frames_without_previous_costs()))
    assert report.ok
    path = tmp_path / "nocosts.xlsx"
    render(compute_review(inputs)).save(path)
    ws = openpyxl.load_workbook(path)[sheet_name("dashboard", "zh")]
    table = find(ws, "2026 vs 2025").row             # the comparison block; its rows: figure, 2026, 2025, change

    def compare_row(key):
        return [c for c in ws["A"] if c.row > table and c.value == label(key, "zh")][0].row

    keys = ("other_costs", "contribution_profit", "net_profit", "net_margin")
    for key in keys:         # the comparison column of each figure built on other costs says n/a
        assert ws.cell(row=compare_row(key), column=4).value == label("not_applicable", "zh"), key
    row = compare_row("net_sales")
    assert isinstance(ws.cell(row=row, column=4).value, float)            # a complete figure still compares
    notes = [c.value for r in ws.iter_rows() for c in r if isinstance(c.value, str) and "Costs（其他费用）表" in c.value]
    assert len(notes) == 1 and all(label(k, "zh") in notes[0] for k in keys) and "2025" in notes[0]


def test_customers_sheet_reconciles_net_sales_and_customers(book):
    wb, review = book
    ws = wb[sheet_name("customers", "zh")]
    no_id = find(ws, label("reconcile_no_customer_id", "zh"))
    values = [c.value for c in ws[no_id.row] if isinstance(c.value, (int, float))]
    assert values == [pytest.approx(10.0)]          # R4 (10) and R8 (0) have no customer id
    total = find(ws, label("reconcile_net_sales", "zh"))
    assert [c.value for c in ws[total.row] if isinstance(c.value, (int, float))] == [pytest.approx(190.0)]
    distinct = find(ws, label("reconcile_distinct_customers", "zh"))
    assert ws.cell(row=distinct.row, column=2).value == 4


def test_quadrant_precision_tells_the_sides_apart():
    # 8.459 % is low and 8.461 % high against a median of 8.46 %: two decimals would show 8.46 % for both
    values = pd.Series([0.08459, 0.0846, 0.08461])
    assert telling_decimals(values, 0.0846) == 3
    assert telling_decimals(pd.Series([0.05, 0.06]), 0.055) == 2
