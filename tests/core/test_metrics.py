"""Sections 1-3: the hand-checked worked example (also in docs/metrics.md) and properties."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from worked_example import EXPECTED, frames

from xlreview.core import metrics
from xlreview.core.metric_table import ADDITIVE_METRICS, RATIO_METRICS
from xlreview.core.review import compute_review
from xlreview.model.read import frames_to_raw, read_inputs


def inputs_of(f):
    inputs, report = read_inputs(frames_to_raw(f))
    assert report.ok, report.lines()
    return inputs


def test_worked_example_summary():
    review = compute_review(inputs_of(frames()))
    for key, value in EXPECTED.items():
        if value is None:
            assert np.isnan(review.summary[key]), key
        else:
            assert review.summary[key] == pytest.approx(value), key
    assert set(metrics.SUMMARY_KEYS) <= set(review.summary)


def test_months_sum_to_the_year():
    review = compute_review(inputs_of(frames()))
    for key in ["gross_sales", "net_sales", "cogs", "gross_profit", "net_profit", "orders", "units", "ad_spend",
                "marketing_costs", "fixed_costs", "sessions", "new_customers"]:
        assert review.monthly[key].sum() == pytest.approx(review.summary[key]), key


def test_zero_denominators_are_empty_not_zero():
    f = frames()
    f["Traffic"] = f["Traffic"].iloc[0:0]
    f["Orders"]["refund_amount"] = 0
    review = compute_review(inputs_of(f))
    assert np.isnan(review.summary["conversion_rate"])
    assert np.isnan(review.summary["cart_abandonment_rate"])
    assert review.summary["refund_rate"] == 0
    assert all(np.isnan(review.monthly.loc[m, "aov"]) for m in range(3, 13))


def test_same_order_number_on_two_channels_is_two_orders():
    f = frames()
    f["Orders"].loc[4, "order_id"] = "O2"      # Shop O2 vs Amazon O2
    assert compute_review(inputs_of(f)).summary["orders"] == 3


def test_parse_scope():
    assert metrics.parse_scope("all") == {}
    assert metrics.parse_scope("") == {}
    assert metrics.parse_scope("channel=Amazon US; country=US") == {"channel": ["Amazon US"], "country": ["US"]}
    assert metrics.parse_scope("channel=eBay|Shopify") == {"channel": ["eBay", "Shopify"]}
    assert metrics.parse_scope("planet=Mars") is None
    assert metrics.parse_scope("Amazon") is None


def test_channel_scope_summary_takes_its_fixed_costs_and_ads():
    inputs = inputs_of(frames())
    s = metrics.period_summary(inputs, "2026-01-01", "2026-12-31", {"channel": ["Amazon"]})
    assert s["net_sales"] == pytest.approx(0.0)      # 30 sold, 30 refunded
    assert s["ad_spend"] == 10 and s["fixed_costs"] == 0
    shop = metrics.period_summary(inputs, "2026-01-01", "2026-12-31", {"channel": ["Shop"]})
    assert shop["fixed_costs"] == 12
    assert shop["marketing_costs"] == 6


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.randoms(use_true_random=False))
def test_shuffled_rows_give_the_same_summary(rnd):
    f = frames()
    base = compute_review(inputs_of(f)).summary
    for name in ("Orders", "Ads", "Traffic", "Products"):
        idx = list(f[name].index)
        rnd.shuffle(idx)
        f[name] = f[name].loc[idx].reset_index(drop=True)
    shuffled = compute_review(inputs_of(f)).summary
    for k, v in base.items():
        if isinstance(v, float) and np.isnan(v):
            assert np.isnan(shuffled[k])
        else:
            assert shuffled[k] == pytest.approx(v), k


def test_money_summary_by_channel_sums_to_total():
    inputs = inputs_of(frames())
    lines = metrics.order_lines(inputs)
    year = lines[lines["year"] == 2026]
    by = metrics.money_summary(year, ["channel"])
    total = metrics.money_summary(year)
    for k in ["gross_sales", "net_sales", "cogs", "orders", "units"]:
        assert by[k].sum() == pytest.approx(total[k].iloc[0])
    assert isinstance(by, pd.DataFrame)


def _scoped_inputs():
    import datetime as dt
    D = dt.date
    f = {"Orders": pd.DataFrame(
        [["1", D(2026, 1, 1), "S", "A", 1, 100, "US", "c1"], ["2", D(2026, 1, 2), "S", "B", 1, 300, "DE", "c2"],
         ["3", D(2026, 1, 3), "S", "A", 1, 100, "DE", "c3"], ["0", D(2025, 6, 1), "T", "A", 1, 50, "US", "c3"]],
        columns=["order_id", "order_date", "channel", "sku", "quantity", "item_price", "country", "customer_id"]),
        "Products": pd.DataFrame({"sku": ["A", "B"], "unit_cost": [0, 0]}),
        "Ads": pd.DataFrame({"date": [D(2026, 1, 1)] * 2, "channel": ["S", "S"], "campaign": ["c", "c"],
                             "sku": ["", "A"], "spend": [40, 10], "sales": [0, 50]}),
        "Traffic": pd.DataFrame({"date": [D(2026, 1, 1)], "channel": ["S"], "sessions": [100]})}
    return inputs_of(f)


@pytest.mark.parametrize("scope, ad_spend", [
    ({}, 50.0),
    ({"sku": ["A"]}, 10 + 40 * 200 / 500),          # own rows + share of the sku-less rows (METRICS 1)
    ({"sku": ["B"]}, 40 * 300 / 500),
    ({"country": ["US"]}, 50 * 100 / 500),           # Ads have no market: split by the market's net sales
    ({"country": ["DE"]}, 50 * 400 / 500),
    ({"sku": ["A"], "country": ["DE"]}, (10 + 16) * 100 / 200),
])
def test_scoped_ad_spend_is_allocated_like_the_product_table(scope, ad_spend):
    s = metrics.period_summary(_scoped_inputs(), "2026-01-01", "2026-12-31", scope)
    assert s["ad_spend"] == pytest.approx(ad_spend)


def test_country_scope_has_no_sessions_or_roas():
    s = metrics.period_summary(_scoped_inputs(), "2026-01-01", "2026-12-31", {"country": ["US"]})
    assert np.isnan(s["sessions"]) and np.isnan(s["conversion_rate"]) and np.isnan(s["roas"])


def test_new_customers_in_a_scope_use_the_first_order_in_all_the_data():
    inputs = _scoped_inputs()
    s = metrics.period_summary(inputs, "2026-01-01", "2026-12-31", {"channel": ["S"]})
    assert s["customers"] == 3 and s["new_customers"] == 2      # c3 first bought on channel T in 2025


def test_distinct_customers_are_not_additive():
    assert "customers" not in ADDITIVE_METRICS and "customers" in RATIO_METRICS
