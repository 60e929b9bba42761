"""METRICS 1, 2 and 5 at channel grain: literal small frames per rule branch, oracle and property tests."""
from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal
from worked_example import frames as worked_frames

from xlreview.core import metrics
from xlreview.core.channels import channel_table
from xlreview.core.review import compute_review
from xlreview.model.read import frames_to_raw, read_inputs
from xlreview.text import render

D = dt.date
ORDER_COLS = ["order_id", "order_date", "channel", "sku", "quantity", "item_price"]


def make_inputs(orders: list[dict], products: pd.DataFrame | None = None, settings: dict | None = None,
                **sheets: pd.DataFrame):
    """Inputs from literal rows (dicts keyed by DATA_MODEL columns) through the real reader."""
    kv = {"review_year": 2026, **(settings or {})}
    frames = {"Settings": pd.DataFrame({"key": list(kv), "value": list(kv.values())}),
              "Orders": pd.DataFrame(orders),
              "Products": products if products is not None else pd.DataFrame(
                  {"sku": sorted({o["sku"] for o in orders}), "unit_cost": 0.0})}
    frames.update(sheets)
    inputs, report = read_inputs(frames_to_raw(frames))
    assert inputs is not None, [p.text("en") for p in report.errors]
    return inputs


def order(oid, date, channel, sku="A", qty=1, price=100.0, **extra) -> dict:
    return {"order_id": oid, "order_date": date, "channel": channel, "sku": sku, "quantity": qty,
            "item_price": price, **extra}


def table(inputs):
    return channel_table(inputs, metrics.order_lines(inputs)).set_index("channel")


# ------------------------------------------------------------------------------------ worked example
def test_worked_example_channels():
    inputs, _ = read_inputs(frames_to_raw(worked_frames()))
    t = table(inputs)
    shop, amazon = t.loc["Shop"], t.loc["Amazon"]
    assert shop["net_sales"] == 91 and amazon["net_sales"] == 0
    assert shop["marketing_costs"] == 6 and amazon["marketing_costs"] == 0     # content cost 4 not allocated
    assert shop["fixed_costs"] == 12 and amazon["fixed_costs"] == 0            # overhead 8 not split
    assert amazon["ad_spend"] == 10 and shop["ad_spend"] == 0
    assert shop["net_profit"] == 33 and amazon["net_profit"] == -26
    assert shop["profit_per_hour"] == pytest.approx(33 / (2 * 52))
    assert shop["sessions"] == 100 and shop["conversion_rate"] == pytest.approx(0.02)
    assert shop["cart_abandonment_rate"] == pytest.approx(0.8)
    assert math.isnan(amazon["cart_abandonment_rate"])                         # no add_to_cart
    assert math.isnan(amazon["net_margin"]) and math.isnan(amazon["tacos"])   # net_sales 0
    assert shop["growth_basis"] == "yoy" and shop["growth"] == pytest.approx(91 / 20 - 1)
    assert amazon["growth_basis"] == "h2_h1" and math.isnan(amazon["growth"])  # no H1/H2 base
    assert (shop["class"], amazon["class"]) == ("rising_star", "problem")
    assert list(t["rank"]) == [1, 2]


def test_channel_rows_match_period_summary_for_the_channel_scope():
    inputs, _ = read_inputs(frames_to_raw(worked_frames()))
    lines = metrics.order_lines(inputs)
    t = table(inputs)
    start, end = metrics.year_bounds(2026)
    for channel in t.index:
        ps = metrics.period_summary(inputs, start, end, {"channel": [channel]}, lines)
        for key in metrics.SECTION1_KEYS + metrics.SECTION2_KEYS:
            a, b = t.at[channel, key], ps[key]
            assert (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b), (channel, key)


# ----------------------------------------------------------------------------------------- costs
def test_blank_channel_marketing_split_by_net_sales_share_and_content_not_allocated():
    orders = [order("1", D(2026, 3, 1), "X", price=300), order("2", D(2026, 3, 1), "Y", price=100)]
    marketing = pd.DataFrame({"name": ["all", "x-only", "other-year"], "type": ["other"] * 3,
                              "channel": ["", "X", ""],
                              "start_date": [D(2026, 5, 1), D(2026, 5, 1), D(2025, 5, 1)],
                              "end_date": [D(2026, 5, 2), D(2026, 5, 2), D(2025, 5, 2)], "cost": [40, 7, 1000]})
    content = pd.DataFrame({"date": [D(2026, 4, 1)], "format": ["blog"], "visits": [1], "cost": [50]})
    channels = pd.DataFrame({"channel": ["X", "Y"], "fixed_cost": [12, 0], "hours_per_week": [0, 0]})
    inputs = make_inputs(orders, Marketing=marketing, Content=content, Channels=channels,
                         settings={"fixed_overhead": 99})
    t = table(inputs)
    assert t.at["X", "marketing_costs"] == pytest.approx(30 + 7)
    assert t.at["Y", "marketing_costs"] == pytest.approx(10)
    assert t.at["X", "fixed_costs"] == 12 and t.at["Y", "fixed_costs"] == 0
    assert t["profit_per_hour"].isna().all()                   # 0 hours: empty, not an error


def test_channels_without_review_year_orders_still_get_a_row():
    # METRICS 1: ad spend by Ads.channel, fixed costs by Channels row -- even for a channel with no orders
    orders = [order("s1", D(2026, 3, 1), "S", price=100)]
    ads = pd.DataFrame({"date": [D(2026, 5, 1)], "channel": ["TikTok"], "campaign": ["c"], "spend": [40]})
    channels = pd.DataFrame({"channel": ["Walmart"], "fixed_cost": [50]})
    review = compute_review(make_inputs(orders, Ads=ads, Channels=channels, settings={"language": "en"}))
    t = review.channels.set_index("channel")
    assert sorted(t.index) == ["S", "TikTok", "Walmart"]
    assert t.at["S", "net_profit"] == pytest.approx(100) and t.at["S", "class"] != "problem"
    assert (t.at["TikTok", "net_sales"], t.at["TikTok", "ad_spend"], t.at["TikTok", "net_profit"]) == (0, 40, -40)
    assert (t.at["Walmart", "net_sales"], t.at["Walmart", "fixed_costs"], t.at["Walmart", "net_profit"]) == (0, 50, -50)
    assert t.at["TikTok", "class"] == "problem" and t.at["Walmart", "class"] == "problem"
    assert t.at["TikTok", "orders"] == 0 and t.at["TikTok", "share"] == 0
    assert "no sales" in render(t.at["TikTok", "action"], "en") and "40.00" in render(t.at["TikTok", "action"], "en")
    assert "-50.00" in render(t.at["Walmart", "reason"], "en")
    assert t["net_profit"].sum() == pytest.approx(review.summary["net_profit"])       # 100 - 40 - 50


def test_channels_with_only_marketing_or_traffic_get_a_row():
    orders = [order("s1", D(2026, 3, 1), "S", price=100), order("p1", D(2025, 3, 1), "Pin", price=80)]
    marketing = pd.DataFrame({"name": ["creator"], "type": ["influencer"], "channel": ["Pin"],
                              "start_date": [D(2026, 4, 1)], "end_date": [D(2026, 4, 2)], "cost": [30]})
    traffic = pd.DataFrame({"date": [D(2026, 3, 1)] * 3, "channel": ["Web", "Sku", "Old"], "sku": ["", "A", ""],
                            "sessions": [200, 50, 0]})
    channels = pd.DataFrame({"channel": ["Idle"], "hours_per_week": [1], "fixed_cost": [0]})
    t = table(make_inputs(orders, Marketing=marketing, Traffic=traffic, Channels=channels))
    # Pin: marketing 30 and orders only in 2025 (YoY -100 %); Web: channel-level sessions. Sku (only SKU-level
    # traffic), Old (0 sessions) and Idle (no cost) have nothing at channel grain: no row
    assert sorted(t.index) == ["Pin", "S", "Web"]
    assert t.at["Pin", "marketing_costs"] == 30 and t.at["Pin", "net_profit"] == -30
    assert t.at["Pin", "growth_basis"] == "yoy" and t.at["Pin", "growth"] == pytest.approx(-1.0)
    assert t.at["Web", "sessions"] == 200 and t.at["Web", "net_profit"] == 0 and t.at["Web", "class"] == "problem"
    assert math.isnan(t.at["Web", "conversion_rate"]) is False and t.at["Web", "conversion_rate"] == 0
    assert t.at["Web", "growth_basis"] == "h2_h1" and math.isnan(t.at["Web", "growth"])


# ---------------------------------------------------------------------------------------- classes
def class_inputs():
    orders = [
        # R: H1 100, H2 200 -> growth 1.0 (rising star, even with a big profit share)
        order("r1", D(2026, 3, 1), "R", price=100), order("r2", D(2026, 9, 1), "R", price=200),
        # C: flat, the biggest profit -> cash cow
        order("c1", D(2026, 3, 1), "C", price=500), order("c2", D(2026, 9, 1), "C", price=500),
        # S: flat, small share -> steady
        order("s1", D(2026, 3, 1), "S", price=50), order("s2", D(2026, 9, 1), "S", price=50),
        # P: ads larger than sales -> problem
        order("p1", D(2026, 3, 1), "P", price=25), order("p2", D(2026, 9, 1), "P", price=25),
    ]
    ads = pd.DataFrame({"date": [D(2026, 6, 1)], "channel": ["P"], "campaign": ["c"], "spend": [500]})
    channels = pd.DataFrame({"channel": ["R", "C", "S"], "hours_per_week": [1, 20, 1]})
    return make_inputs(orders, Ads=ads, Channels=channels, settings={"language": "en"})


def test_each_channel_class_with_its_reason():
    t = table(class_inputs())
    assert t["class"].to_dict() == {"R": "rising_star", "C": "cash_cow", "S": "steady", "P": "problem"}
    assert t.at["R", "growth"] == pytest.approx(1.0) and t.at["P", "net_profit"] == pytest.approx(-450)
    total = 300 + 1000 + 100 - 450
    assert t.at["C", "profit_share"] == pytest.approx(1000 / total)
    assert "100.0%" in render(t.at["R", "reason"], "en") and "H2 vs H1" in render(t.at["R", "reason"], "en")
    assert "-450.00" in render(t.at["P", "reason"], "en")
    assert f"{1000 / total:.1%}" in render(t.at["C", "reason"], "en")


def test_class_thresholds_come_from_settings():
    inputs = class_inputs()
    inputs.settings.thresholds["star_growth"] = 2.0          # R no longer a rising star
    inputs.settings.thresholds["cow_profit_share"] = 1.1     # nobody is a cash cow (C makes 105%)
    t = table(inputs)
    assert t.at["R", "class"] == "steady" and t.at["C", "class"] == "steady"


def test_rank_by_profit_per_hour_channels_without_hours_last():
    t = table(class_inputs())
    pph = {"R": 300 / 52, "C": 1000 / (20 * 52), "S": 100 / 52}
    for k, v in pph.items():
        assert t.at[k, "profit_per_hour"] == pytest.approx(v)
    assert t["rank"].sort_values().index.tolist() == ["R", "S", "C", "P"]
    assert math.isnan(t.at["P", "profit_per_hour"])


def test_growth_year_over_year_when_the_previous_year_has_data():
    orders = [order("y0", D(2025, 6, 1), "Y", price=100), order("y1", D(2026, 2, 1), "Y", price=130),
              order("z1", D(2026, 2, 1), "Z", price=100)]
    t = table(make_inputs(orders))
    assert t.at["Y", "growth_basis"] == "yoy" and t.at["Y", "growth"] == pytest.approx(0.3)
    assert t.at["Y", "class"] == "rising_star"                     # exactly at the threshold
    assert t.at["Z", "growth_basis"] == "h2_h1" and t.at["Z", "growth"] == pytest.approx(-1.0)   # H2 is 0


def test_h2_over_h1_with_zero_h2_is_minus_one_and_zero_h1_is_empty():
    orders = [order("a", D(2026, 2, 1), "H1only", price=100), order("b", D(2026, 8, 1), "H2only", price=100)]
    t = table(make_inputs(orders))
    assert t.at["H1only", "growth"] == pytest.approx(-1.0)
    assert math.isnan(t.at["H2only", "growth"])


def test_sessions_use_channel_level_traffic_rows_only():
    orders = [order("1", D(2026, 3, 1), "X", qty=2), order("2", D(2026, 3, 2), "X")]
    traffic = pd.DataFrame({"date": [D(2026, 3, 1)] * 3, "channel": ["X"] * 3, "sku": ["", "A", ""],
                            "sessions": [100, 999, 100], "add_to_cart": [8, 0, 2]})
    t = table(make_inputs(orders, Traffic=traffic))
    assert t.at["X", "sessions"] == 200
    assert t.at["X", "conversion_rate"] == pytest.approx(2 / 200)
    assert t.at["X", "unit_session_rate"] == pytest.approx(3 / 200)
    assert t.at["X", "cart_abandonment_rate"] == pytest.approx(1 - 2 / 10)


# ------------------------------------------------------------------------------------- properties
CHANNELS = ["Amazon", "eBay", "Shop"]
line = st.tuples(st.sampled_from(CHANNELS), st.sampled_from(["A", "B", "C"]), st.integers(1, 12),
                 st.integers(0, 3), st.floats(0, 200, allow_nan=False).map(lambda x: round(x, 2)),
                 st.booleans())


def random_inputs(rows, ad_rows=(), shuffle_seed=None, settings=None, **sheets):
    orders = []
    for i, (ch, sku, month, qty, price, refunded) in enumerate(rows):
        orders.append(order(f"o{i % 7}", D(2026, month, 1 + i % 27), ch, sku, qty, price,
                            refund_amount=price if refunded else 0, refunded_qty=qty if refunded else 0))
    ads = pd.DataFrame([{"date": D(2026, 6, 1), "channel": ch, "campaign": "c", "sku": sku, "spend": spend}
                        for ch, sku, spend in ad_rows],
                       columns=["date", "channel", "campaign", "sku", "spend"])
    frame = pd.DataFrame(orders)
    if shuffle_seed is not None:
        frame = frame.sample(frac=1, random_state=shuffle_seed).reset_index(drop=True)
        ads = ads.sample(frac=1, random_state=shuffle_seed).reset_index(drop=True)
    kv = {"review_year": 2026, **(settings or {})}
    frames = {"Settings": pd.DataFrame({"key": list(kv), "value": list(kv.values())}), "Orders": frame,
              "Products": pd.DataFrame({"sku": ["A", "B", "C"], "unit_cost": [1.0, 2.0, 3.0],
                                        "stock_qty": [0, 5, 0]}),
              "Ads": ads, **sheets}
    inputs, report = read_inputs(frames_to_raw(frames))
    assert inputs is not None
    return inputs


ad_row = st.tuples(st.sampled_from(CHANNELS + ["TikTok"]), st.sampled_from(["", "A", "B"]),
                   st.floats(0, 50, allow_nan=False).map(lambda x: round(x, 2)))


@hsettings(max_examples=25, deadline=None)
@given(st.lists(line, min_size=1, max_size=12), st.lists(ad_row, max_size=4))
def test_channel_net_sales_sum_to_the_business_total(rows, ad_rows):
    inputs = random_inputs(rows, ad_rows)
    lines = metrics.order_lines(inputs)
    t = channel_table(inputs, lines)
    summary = metrics.business_summary(inputs, lines)
    for key in ("net_sales", "gross_sales", "refunds", "cogs", "orders", "units"):
        assert t[key].sum() == pytest.approx(summary[key], abs=1e-6), key
    assert set(t["class"]) <= {"problem", "rising_star", "cash_cow", "steady"}
    assert sorted(t["rank"]) == list(range(1, len(t) + 1))


@hsettings(max_examples=15, deadline=None)
@given(st.lists(line, min_size=1, max_size=12), st.lists(ad_row, max_size=4), st.integers(0, 1000))
def test_shuffled_rows_give_the_same_channel_table(rows, ad_rows, seed):
    a = channel_table(x := random_inputs(rows, ad_rows), metrics.order_lines(x))
    b = channel_table(y := random_inputs(rows, ad_rows, shuffle_seed=seed), metrics.order_lines(y))
    assert_frame_equal(a, b, check_exact=False, rtol=1e-9, atol=1e-9)


mk_row = st.tuples(st.sampled_from(CHANNELS + ["", "Pinterest"]), st.floats(0, 80, allow_nan=False).map(
    lambda x: round(x, 2)))
fixed_row = st.tuples(st.sampled_from(CHANNELS + ["Walmart"]), st.floats(0, 60, allow_nan=False).map(
    lambda x: round(x, 2)))


@hsettings(max_examples=40, deadline=None)
@given(st.lists(line, min_size=1, max_size=10), st.lists(ad_row, max_size=4), st.lists(mk_row, max_size=4),
       st.lists(fixed_row, max_size=3, unique_by=lambda r: r[0]), st.floats(0, 100).map(lambda x: round(x, 2)),
       st.floats(0, 100).map(lambda x: round(x, 2)))
def test_channel_net_profits_add_up_to_the_business_net_profit(rows, ad_rows, mk_rows, fixed_rows, content_cost,
                                                               overhead):
    """Σ channel net_profit = business net_profit + fixed_overhead + Content cost (+ blank-channel Marketing when
    no channel has net sales: it has no share to split by, so it stays in the business figure only)."""
    marketing = pd.DataFrame({"name": [f"m{i}" for i in range(len(mk_rows))], "type": "other",
                              "channel": [c for c, _ in mk_rows], "start_date": D(2026, 4, 1),
                              "end_date": D(2026, 4, 2), "cost": [v for _, v in mk_rows]},
                             columns=["name", "type", "channel", "start_date", "end_date", "cost"])
    content = pd.DataFrame({"date": [D(2026, 5, 1)], "format": ["blog"], "visits": [1], "cost": [content_cost]})
    channels = pd.DataFrame({"channel": [c for c, _ in fixed_rows], "fixed_cost": [v for _, v in fixed_rows]},
                            columns=["channel", "fixed_cost"])
    inputs = random_inputs(rows, ad_rows, settings={"fixed_overhead": overhead}, Marketing=marketing,
                           Content=content, Channels=channels)
    lines = metrics.order_lines(inputs)
    t = channel_table(inputs, lines)
    summary = metrics.business_summary(inputs, lines)
    blank_mk = sum(v for c, v in mk_rows if c == "")
    unsplit = blank_mk if t["net_sales"].sum() == 0 else 0.0
    assert t["net_profit"].sum() == pytest.approx(summary["net_profit"] + overhead + content_cost + unsplit,
                                                  abs=1e-6)
    costly = ({c for c, _, v in ad_rows if v > 0} | {c for c, v in mk_rows if c and v > 0}
              | {c for c, v in fixed_rows if v > 0} | {r[0] for r in rows})
    assert set(t["channel"]) == costly
    assert t.loc[t["net_sales"].eq(0) & t["orders"].eq(0), "class"].eq("problem").all()
