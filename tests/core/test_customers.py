"""METRICS 3 beyond the summary: markets, new vs returning by month, cohorts, 12-month value."""
from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from xlreview.core import metrics
from xlreview.core.customers import cohort_table, customer_value, customers_by_month, market_table
from xlreview.model.read import frames_to_raw, read_inputs

D = dt.date
COLS = ["order_id", "order_date", "channel", "sku", "quantity", "item_price", "customer_id", "country"]
ROWS = [
    ["O0", D(2025, 11, 5), "Shop", "A", 1, 10, "c0", "US"],     # c0: customer before the year
    ["O1", D(2026, 1, 3), "Shop", "A", 1, 40, "c1", "US"],
    ["O1", D(2026, 1, 3), "Shop", "B", 1, 10, "c1", "US"],      # same order, second line
    ["O2", D(2026, 1, 9), "Shop", "A", 1, 20, "c2", "DE"],
    ["O3", D(2026, 1, 20), "Shop", "A", 1, 20, "c0", "US"],
    ["O4", D(2026, 1, 25), "Shop", "A", 1, 20, "c0", "US"],     # c0 twice in January
    ["O5", D(2026, 2, 2), "Shop", "A", 1, 30, "c3", ""],        # blank country
    ["O6", D(2026, 3, 1), "Shop", "A", 1, 30, "c1", "US"],      # c1 back in month +2
    ["O7", D(2026, 3, 2), "Shop", "A", 1, 30, "c3", ""],        # c3 back in month +1
    ["O8", D(2026, 3, 3), "Shop", "A", 1, 50, "", "FR"],        # no customer id
]


def inputs_of(rows):
    frames = {"Settings": pd.DataFrame({"key": ["review_year"], "value": [2026]}),
              "Orders": pd.DataFrame(rows, columns=COLS),
              "Products": pd.DataFrame({"sku": ["A", "B"], "unit_cost": [5, 2]})}
    inputs, report = read_inputs(frames_to_raw(frames))
    assert inputs is not None
    return inputs


@pytest.fixture(scope="module")
def lines():
    return metrics.order_lines(inputs_of(ROWS))


def test_market_table(lines):
    m = market_table(lines, 2026).set_index("country")
    assert list(m.index) == ["US", "(unknown)", "FR", "DE"]
    assert (m.loc["US", "customers"], m.loc["US", "orders"], m.loc["US", "net_sales"]) == (2, 4, 120)
    assert (m.loc["FR", "customers"], m.loc["FR", "orders"]) == (0, 1)        # no customer_id: not a customer
    assert m.loc["(unknown)", "net_sales"] == 60
    assert m["share"].sum() == pytest.approx(1.0)
    assert m.loc["US", "share"] == pytest.approx(120 / 250)


def test_customers_by_month(lines):
    t = customers_by_month(lines, 2026).set_index("month")
    assert len(t) == 12
    assert (t["new_customers"] + t["returning_customers"] == t["customers"]).all()
    jan, feb, mar = t.loc[1], t.loc[2], t.loc[3]
    assert (jan["customers"], jan["new_customers"], jan["returning_customers"]) == (3, 2, 1)   # c1, c2 new; c0
    assert jan["repeat_rate"] == pytest.approx(1 / 3)                                         # c0: 2 orders
    assert (feb["customers"], feb["new_customers"]) == (1, 1)
    assert (mar["customers"], mar["new_customers"], mar["returning_customers"]) == (2, 0, 2)
    assert (jan["new_net_sales"], jan["returning_net_sales"]) == (70, 40)
    assert t.loc[4, "customers"] == 0 and math.isnan(t.loc[4, "repeat_rate"])
    # new customers per month sum to the year's new_customers of the summary
    cf = metrics.customer_figures(lines, *metrics.year_bounds(2026))
    assert t["new_customers"].sum() == cf["new_customers"]


def test_cohort_table(lines):
    c = cohort_table(lines, 2026).set_index("cohort")
    assert list(c.index) == ["2026-01", "2026-02"]           # c0's first order is in 2025: no cohort
    assert (c["m0"] == 1.0).all()
    jan = c.loc["2026-01"]
    assert jan["size"] == 2 and jan["m1"] == 0 and jan["m2"] == 0.5 and math.isnan(jan["m3"])   # data ends March
    feb = c.loc["2026-02"]
    assert feb["size"] == 1 and feb["m1"] == 1 and math.isnan(feb["m2"])


def test_customer_value(lines):
    v = customer_value(lines, 2026)
    # 2025 customers: {c0}, back in 2026 -> retention 1; c0 is the only returning customer: 2 orders
    assert v["retention_basis"] == "previous_year" and v["retention"] == 1 and v["frequency"] == 2
    assert v["customers"] == 4
    ns, orders, gp = 200.0, 7, 200.0 - 7 * 5 - 2      # lines with a customer id in 2026
    assert v["aov_net"] == pytest.approx(ns / orders)
    assert v["predicted_12m_value"] == pytest.approx(1 * 2 * (ns / orders) * (gp / ns))


@hsettings(max_examples=20, deadline=None)
@given(st.permutations(range(len(ROWS))))
def test_shuffle_invariant(perm):
    base = metrics.order_lines(inputs_of(ROWS))
    shuffled = metrics.order_lines(inputs_of([ROWS[i] for i in perm]))
    pd.testing.assert_frame_equal(market_table(shuffled, 2026), market_table(base, 2026))
    pd.testing.assert_frame_equal(customers_by_month(shuffled, 2026), customers_by_month(base, 2026))
    pd.testing.assert_frame_equal(cohort_table(shuffled, 2026), cohort_table(base, 2026))
    assert customer_value(shuffled, 2026) == customer_value(base, 2026)


def test_minimal_workbook_without_optional_data_builds_both_sheets():
    from xlreview.core.review import compute_review, review_json
    from xlreview.sheets import render
    from xlreview.text import sheet_name
    rows = [["1", D(2026, 5, 1), "S", "A", 1, 10, "", ""]]
    review = compute_review(inputs_of(rows))
    out = review_json(review)
    assert out["campaigns"] == out["keywords"] == out["promotions"] == out["content"] == []
    assert out["markets"] == [{"country": "(unknown)", "customers": 0.0, "orders": 1.0, "net_sales": 10.0,
                               "share": 1.0}]
    assert review.cohorts.empty and (review.customers_monthly["customers"] == 0).all()
    wb = render(review)
    assert {sheet_name("marketing"), sheet_name("customers")} <= set(wb.sheetnames)
