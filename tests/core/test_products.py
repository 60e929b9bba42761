"""METRICS 1, 2 and 5 at SKU grain: each class, each quadrant, cover, ad split, properties."""
from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal
from test_channels import ad_row, line, make_inputs, order, random_inputs
from worked_example import frames as worked_frames

from xlreview.core import metrics
from xlreview.core.products import PRODUCT_CLASSES, PRODUCT_RULES, product_table, quadrant_labels
from xlreview.model.read import frames_to_raw, read_inputs
from xlreview.text import render

D = dt.date


def table(inputs):
    return product_table(inputs, metrics.order_lines(inputs)).set_index("sku")


def monthly(sku, units_per_month, price, months=range(1, 13), channel="Shop", **extra):
    return [order(f"{sku}-{m}", D(2026, m, 15), channel, sku, units_per_month, price * units_per_month, **extra)
            for m in months]


def class_inputs():
    orders = (
        monthly("HERO", 10, 100)                                          # 12,000 net sales: the top
        + monthly("EVER", 2, 10)                                          # 12 months, CV 0
        + monthly("TAIL", 1, 10, months=[3, 4])                           # 2 months
        + monthly("REFUND", 1, 10, months=[5, 6, 7, 8, 9],                # 1 of 5 units refunded
                  refund_amount=0, refunded_qty=0)[:-1]
        + [order("REFUND-9", D(2026, 9, 15), "Shop", "REFUND", 1, 10, refund_amount=10, refunded_qty=1)]
        + monthly("LOSS", 1, 5, months=[2, 3])                            # cost 8 > price 5
        + monthly("COVER", 1, 10, months=[1, 11])                         # 1 unit in the last 90 days
    )
    products = pd.DataFrame({"sku": ["HERO", "EVER", "TAIL", "REFUND", "LOSS", "COVER", "IDLE"],
                             "name": ["Hero", "Evergreen", "Tail", "Refund", "Loss", "Cover", "Idle"],
                             "unit_cost": [10, 1, 1, 1, 8, 1, 1],
                             "stock_qty": [20, 0, 0, 0, 0, 200, 5]})
    return make_inputs(orders, products, settings={"language": "en"})


def test_each_product_class_and_cause():
    t = table(class_inputs())
    assert t["class"].to_dict() == {"HERO": "hero", "EVER": "evergreen", "TAIL": "long_tail", "REFUND": "problem",
                                    "LOSS": "problem", "COVER": "problem", "IDLE": "problem"}
    assert t.at["REFUND", "cause"] == "refunds" and t.at["LOSS", "cause"] == "loss"
    assert t.at["COVER", "cause"] == "cover" and t.at["IDLE", "cause"] == "cover"
    assert t.at["REFUND", "unit_refund_rate"] == pytest.approx(0.2)
    assert t.at["COVER", "days_of_cover"] == pytest.approx(200 / (1 / 90))
    assert math.isinf(t.at["IDLE", "days_of_cover"])                # stock, no sales: infinite
    assert t.at["EVER", "months_sold"] == 12 and t.at["EVER", "cv"] == pytest.approx(0.0)
    # reasons carry the rule and its numbers, actions follow the cause
    assert "20.0% ≥ 10.0%" in render(t.at["REFUND", "reason"], "en") and "listing" in render(t.at["REFUND", "action"], "en")
    assert "-6.00 < 0" in render(t.at["LOSS", "reason"], "en") and "reprice" in render(t.at["LOSS", "action"], "en")
    assert "∞ > 180" in render(t.at["IDLE", "reason"], "en") and "clearance" in render(t.at["IDLE", "action"], "en")
    assert "replicate" in render(t.at["HERO", "action"], "en") and "bundle" in render(t.at["EVER", "action"], "en")
    assert "delist" in render(t.at["TAIL", "action"], "en")
    assert t.at["IDLE", "name"] == "Idle" and not t["incomplete"].any()


def test_rules_are_data_in_metrics_order():
    assert [r.cls for r in PRODUCT_RULES] == ["problem", "problem", "problem", "hero", "evergreen", "long_tail"]
    assert PRODUCT_CLASSES == ["problem", "hero", "evergreen", "long_tail"]


def test_problem_wins_over_hero_and_names_every_problem_cause():
    orders = [order("1", D(2026, 12, 1), "Shop", "BIG", 10, 1000, refund_amount=100, refunded_qty=2),
              order("2", D(2026, 12, 1), "Shop", "SMALL", 1, 10)]
    products = pd.DataFrame({"sku": ["BIG", "SMALL"], "unit_cost": [200, 1]})
    t = table(make_inputs(orders, products, settings={"language": "en"}))
    assert t.at["BIG", "class"] == "problem" and t.at["BIG", "cause"] == "refunds,loss"
    assert t.at["SMALL", "class"] == "long_tail"          # BIG holds the top 50%, SMALL is not a hero


def test_hero_includes_the_sku_that_crosses_the_line():
    orders = [order(s, D(2026, 6, 1), "Shop", s, 1, v) for s, v in (("A", 40), ("B", 35), ("C", 25))]
    t = table(make_inputs(orders))
    assert t["class"].to_dict() == {"A": "hero", "B": "hero", "C": "long_tail"}
    assert t.at["B", "cum_share"] == pytest.approx(0.75)


def test_days_of_cover_window_is_the_90_days_ending_31_december():
    orders = [order("out", D(2026, 10, 2), "Shop", "A", 50, 500),      # day 91 before 31 Dec: outside
              order("in", D(2026, 10, 3), "Shop", "A", 45, 450)]
    products = pd.DataFrame({"sku": ["A", "B"], "unit_cost": [1, 1], "stock_qty": [90, 0]})
    t = table(make_inputs(orders + [order("b", D(2026, 1, 3), "Shop", "B", 1, 10)], products))
    assert t.at["A", "units_90d"] == 45 and t.at["A", "days_of_cover"] == pytest.approx(180)
    assert t.at["A", "class"] != "problem"                               # 180 is not > 180
    assert math.isnan(t.at["B", "days_of_cover"])                       # no stock, no recent sales: empty


def test_unknown_sku_is_flagged_incomplete_with_zero_cost():
    orders = [order("1", D(2026, 3, 1), "Shop", "A", 1, 10), order("2", D(2026, 3, 1), "Shop", "GHOST", 2, 30)]
    products = pd.DataFrame({"sku": ["A"], "unit_cost": [4]})
    t = table(make_inputs(orders, products))
    assert bool(t.at["GHOST", "incomplete"]) and not bool(t.at["A", "incomplete"])
    assert t.at["GHOST", "cogs"] == 0 and t.at["GHOST", "stock_qty"] == 0


def test_ad_spend_own_sku_plus_split_of_skuless_rows_by_channel_net_sales():
    orders = [order("1", D(2026, 3, 1), "X", "A", 1, 300), order("2", D(2026, 3, 1), "X", "B", 1, 100),
              order("3", D(2026, 3, 1), "Y", "A", 1, 50)]
    ads = pd.DataFrame({"date": [D(2026, 2, 1)] * 4, "channel": ["X", "X", "Y", "Z"], "campaign": ["c"] * 4,
                        "sku": ["", "A", "", ""], "spend": [40, 5, 6, 99]})
    t = table(make_inputs(orders, Ads=ads))
    assert t.at["A", "ad_spend"] == pytest.approx(30 + 5 + 6)
    assert t.at["B", "ad_spend"] == pytest.approx(10)                   # Z has no sales: nowhere to go
    assert t.at["A", "net_profit"] == t.at["A", "contribution_profit"]
    assert (t["marketing_costs"] == 0).all() and (t["fixed_costs"] == 0).all()


def test_skuless_ads_in_a_channel_with_zero_net_sales_split_evenly():
    orders = [order("1", D(2026, 3, 1), "X", "A", 1, 10, refund_amount=10),
              order("2", D(2026, 3, 1), "X", "B", 1, 10, refund_amount=10)]
    ads = pd.DataFrame({"date": [D(2026, 2, 1)], "channel": ["X"], "campaign": ["c"], "spend": [8]})
    t = table(make_inputs(orders, Ads=ads))
    assert t.at["A", "ad_spend"] == 4 and t.at["B", "ad_spend"] == 4
    assert math.isnan(t.at["A", "tacos"]) and math.isnan(t.at["A", "net_margin"])   # net sales 0: empty


# -------------------------------------------------------------------------------------- quadrant
def test_each_quadrant_and_sku_conversion_across_channels():
    # sessions 100, 100, 10, 10; orders 10, 1, 5, 0 -> medians 55 sessions, 5.5% conversion
    orders = ([order(f"S{i}", D(2026, 4, 1), "X" if i % 2 else "Y", "STAR") for i in range(10)]
              + [order("F0", D(2026, 4, 1), "X", "FIX")]
              + [order(f"N{i}", D(2026, 4, 1), "X", "NEED") for i in range(5)]
              + [order("Q", D(2026, 4, 1), "X", "QUIET")])
    traffic = pd.DataFrame({"date": [D(2026, 4, 1)] * 6, "channel": ["X", "Y", "X", "X", "X", "X"],
                            "sku": ["STAR", "STAR", "FIX", "NEED", "RETHINK", ""],
                            "sessions": [60, 40, 100, 10, 10, 5000]})
    products = pd.DataFrame({"sku": ["STAR", "FIX", "NEED", "RETHINK", "QUIET"], "unit_cost": 0.0})
    t = table(make_inputs(orders, products, settings={"language": "en"}, Traffic=traffic))
    assert t["quadrant"].to_dict() == {"STAR": "star", "FIX": "fix_listing", "NEED": "needs_traffic",
                                       "RETHINK": "rethink", "QUIET": ""}
    assert t.at["STAR", "sessions"] == 100 and t.at["STAR", "conversion_rate"] == pytest.approx(0.1)
    assert t.at["RETHINK", "conversion_rate"] == 0 and t.at["RETHINK", "class"] == "long_tail"
    assert math.isnan(t.at["QUIET", "conversion_rate"])                  # no SKU sessions: empty
    assert "fix price, reviews, images" in render(t.at["FIX", "action"], "en")
    assert render(t.at["RETHINK", "action"], "en").startswith("low traffic and conversion: delist")


def test_quadrant_medians_over_an_even_count_are_the_mean_of_the_middle_two():
    sessions = pd.Series([1.0, 2.0, 3.0, 4.0, 0.0])
    conversion = pd.Series([0.4, 0.3, 0.2, 0.1, np.nan])
    q = quadrant_labels(sessions, conversion)
    assert q.tolist() == ["needs_traffic", "needs_traffic", "fix_listing", "fix_listing", ""]


def test_worked_example_products():
    inputs, _ = read_inputs(frames_to_raw(worked_frames()))
    t = table(inputs)
    assert t.at["A", "net_sales"] == 61 and t.at["B", "net_sales"] == 30
    assert t.at["B", "ad_spend"] == 10                                   # Amazon net sales 0: even split, B alone
    assert math.isinf(t.at["A", "days_of_cover"]) and t.at["A", "class"] == "problem"
    assert t.at["B", "cause"] == "refunds,loss"


# ------------------------------------------------------------------------------------- properties
@hsettings(max_examples=25, deadline=None)
@given(st.lists(line, min_size=1, max_size=14), st.lists(ad_row, max_size=5))
def test_every_product_has_exactly_one_class_and_sums_match(rows, ad_rows):
    inputs = random_inputs(rows, ad_rows)
    lines = metrics.order_lines(inputs)
    t = product_table(inputs, lines)
    assert t["sku"].is_unique
    assert t["class"].isin(PRODUCT_CLASSES).all() and t["class"].notna().all()
    summary = metrics.business_summary(inputs, lines)
    for key in ("net_sales", "gross_sales", "cogs", "units", "refunds"):
        assert t[key].sum() == pytest.approx(summary[key], abs=1e-6), key
    # SKU ad spend = own-sku rows + sku-less rows of channels with review_year sales
    ads = inputs.ads
    sold_channels = set(lines.loc[lines["year"].eq(2026), "channel"])
    expected = ads.loc[ads["sku"].ne(""), "spend"].sum() + ads.loc[
        ads["sku"].eq("") & ads["channel"].isin(sold_channels), "spend"].sum()
    assert t["ad_spend"].sum() == pytest.approx(expected, abs=1e-6)


@hsettings(max_examples=15, deadline=None)
@given(st.lists(line, min_size=1, max_size=12), st.lists(ad_row, max_size=4), st.integers(0, 1000))
def test_shuffled_rows_give_the_same_product_table(rows, ad_rows, seed):
    a = product_table(x := random_inputs(rows, ad_rows), metrics.order_lines(x))
    b = product_table(y := random_inputs(rows, ad_rows, shuffle_seed=seed), metrics.order_lines(y))
    assert_frame_equal(a, b, check_exact=False, rtol=1e-9, atol=1e-9)
