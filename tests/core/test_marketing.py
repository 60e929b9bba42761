"""METRICS 4 (marketing): literal small frames per rule branch, hand-computed figures."""
from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from xlreview.core import metrics
from xlreview.core.marketing import campaign_table, content_table, keyword_table, promo_daily, promotion_table
from xlreview.model.read import frames_to_raw, read_inputs

D = dt.date
START = D(2026, 3, 10)          # every test promotion starts here and lasts 2 days (10-11 March)


def day(offset: int) -> dt.date:
    return START + dt.timedelta(days=offset)


def daily_orders(channel: str, sales: dict[int, float], tag: str = "") -> list[list]:
    """One order line per day offset (from START) with net sales = item_price; 0 -> no order that day."""
    return [[f"{channel}-{k}", day(k), channel, "A", 1, v, 0, "" if tag == "" or not 0 <= k <= 1 else tag]
            for k, v in sales.items() if v]


def inputs_of(order_rows, marketing_rows, settings_extra=None, ads=None, content=None):
    orders = pd.DataFrame(order_rows + [["END", D(2026, 12, 31), "Other", "A", 1, 1, 0, ""]],
                          columns=["order_id", "order_date", "channel", "sku", "quantity", "item_price", "discount",
                                   "promo"])
    kv = {"review_year": 2026, "promo_baseline_days": 4, "promo_after_days": 3, **(settings_extra or {})}
    frames = {
        "Settings": pd.DataFrame({"key": list(kv), "value": list(kv.values())}),
        "Orders": orders,
        "Products": pd.DataFrame({"sku": ["A"], "unit_cost": [0]}),
        "Marketing": pd.DataFrame(marketing_rows, columns=["name", "type", "channel", "start_date", "end_date",
                                                           "cost"]),
    }
    if ads is not None:
        frames["Ads"] = ads
    if content is not None:
        frames["Content"] = content
    inputs, report = read_inputs(frames_to_raw(frames))
    assert inputs is not None, [p.text("en") for p in report.errors]
    return inputs


def promo(name, channel="", start=0, end=1, cost=0.0, kind="promotion"):
    return [name, kind, channel, day(start), day(end), cost]


BASE = {-4: 10, -3: 10, -2: 10, -1: 10}


@pytest.fixture(scope="module")
def three_verdicts():
    rows = (daily_orders("Inc", {**BASE, 0: 30, 1: 30, 2: 8, 3: 10, 4: 10}, tag="P_inc")
            + daily_orders("PF", {**BASE, 0: 30, 1: 30, 2: 0, 3: 0, 4: 0})
            + daily_orders("NL", {**BASE, 0: 10, 1: 5, 2: 10, 3: 10, 4: 10}))
    mk = [promo("P_inc", "Inc", cost=3), promo("P_pf", "PF", kind="Promotion"), promo("P_nl", "NL", kind="促销"),
          promo("Not a promo", "Inc", kind="influencer")]
    inputs = inputs_of(rows, mk)
    lines = metrics.order_lines(inputs)
    return inputs, lines, promotion_table(lines, inputs.marketing, inputs.settings).set_index("name")


def test_promotion_incremental(three_verdicts):
    _, _, t = three_verdicts
    r = t.loc["P_inc"]
    assert r["baseline"] == 10 and r["baseline_days"] == 4
    assert r["uplift"] == 40            # (30-10) + (30-10)
    assert r["dip"] == 2                # max(0, 10-8) + 0 + 0
    assert r["incremental_sales"] == 38
    assert r["pull_forward_ratio"] == pytest.approx(0.05)
    assert r["verdict"] == "incremental"
    # own figures: 2 tagged orders with 60 net sales; margin 100 % (unit_cost 0); profit = 38 - 3 - 0
    assert (r["orders"], r["net_sales"], r["cost"], r["promo_profit"]) == (2, 60, 3, 35)


def test_promotion_pulled_forward(three_verdicts):
    r = three_verdicts[2].loc["P_pf"]
    assert (r["baseline"], r["uplift"], r["dip"], r["incremental_sales"]) == (10, 40, 30, 10)
    assert r["pull_forward_ratio"] == 0.75
    assert r["verdict"] == "pulled_forward"


def test_promotion_no_lift(three_verdicts):
    r = three_verdicts[2].loc["P_nl"]
    assert (r["baseline"], r["uplift"], r["dip"]) == (10, -5, 0)
    assert math.isnan(r["pull_forward_ratio"])
    assert r["verdict"] == "no_lift"


def test_only_promotions_counted(three_verdicts):
    assert set(three_verdicts[2].index) == {"P_inc", "P_pf", "P_nl"}


def test_pull_forward_boundary_is_pulled_forward():
    # dip exactly half the uplift: ratio 0.5 -> pulled_forward (>= 0.5)
    rows = daily_orders("S", {**BASE, 0: 30, 1: 30, 2: 0, 3: 0, 4: 10})
    inputs = inputs_of(rows, [promo("P", "S")], {"promo_after_days": 2})
    t = promotion_table(metrics.order_lines(inputs), inputs.marketing, inputs.settings)
    assert (t.at[0, "dip"], t.at[0, "pull_forward_ratio"], t.at[0, "verdict"]) == (20, 0.5, "pulled_forward")


def test_baseline_excludes_other_promotions_of_same_or_all_channels():
    # baseline days -4..-1: 10, 50 (inside Q, same channel), 70 (inside R, all channels), 20 (inside X, other
    # channel: kept) -> baseline = mean(10, 20) = 15
    rows = daily_orders("S", {-4: 10, -3: 50, -2: 70, -1: 20, 0: 40, 1: 40, 2: 15, 3: 15, 4: 15})
    mk = [promo("P", "S"), promo("Q", "S", -3, -3), promo("R", "", -2, -2), promo("X", "Elsewhere", -1, -1)]
    inputs = inputs_of(rows, mk)
    lines = metrics.order_lines(inputs)
    r = promotion_table(lines, inputs.marketing, inputs.settings).set_index("name").loc["P"]
    assert r["baseline"] == 15 and r["baseline_days"] == 2
    assert r["uplift"] == 50 and r["dip"] == 0 and r["verdict"] == "incremental"
    d = promo_daily(lines, inputs.marketing, inputs.settings)
    p = d[d["promotion"] == "P"].set_index("day")
    assert list(p.index) == list(range(-4, 5))
    assert p.loc[-3, "excluded"] and p.loc[-2, "excluded"] and not p.loc[-1, "excluded"]
    assert list(p.loc[0:1, "phase"]) == ["promo", "promo"] and p.loc[2, "phase"] == "after"
    assert (p["baseline"] == 15).all()


def test_all_channel_promotion_baseline_excludes_only_other_all_channel_promotions():
    # METRICS 4 read literally: other promotions "whose channel is this promotion's channel or blank"; for an
    # all-channel promotion P that is only other blank-channel promotions, so the channel-A promotion Q's days
    # stay in P's baseline. Daily net 10 on A, 30 during Q (10-16 Feb); P 1-7 Mar, baseline 1-28 Feb.
    days = pd.date_range("2026-01-01", "2026-03-31", freq="D")
    rows = [[f"A{i}", d.date(), "A", "A", 1, 30.0 if D(2026, 2, 10) <= d.date() <= D(2026, 2, 16) else 10.0, 0, ""]
            for i, d in enumerate(days)]
    mk = [["P", "promotion", "", D(2026, 3, 1), D(2026, 3, 7), 0.0],
          ["Q", "promotion", "A", D(2026, 2, 10), D(2026, 2, 16), 0.0]]
    inputs = inputs_of(rows, mk, {"promo_baseline_days": 28, "promo_after_days": 14})
    lines = metrics.order_lines(inputs)
    t = promotion_table(lines, inputs.marketing, inputs.settings).set_index("name")
    p = t.loc["P"]
    assert p["baseline_days"] == 28
    assert p["baseline"] == pytest.approx((7 * 30 + 21 * 10) / 28)          # 15
    assert p["uplift"] == pytest.approx(7 * (10 - 15))                      # -35
    assert p["verdict"] == "no_lift"
    d = promo_daily(lines, inputs.marketing, inputs.settings)
    assert not d.loc[d["promotion"] == "P", "excluded"].any()
    # the channel promotion Q still leaves out days of all-channel promotions (none before it here)
    assert t.loc["Q", "baseline"] == pytest.approx(10.0)


def test_all_channel_promotion_baseline_excludes_other_all_channel_promotions():
    # baseline days -4..-1 (all channels): 10, 50 (inside all-channel R: left out), 20 (inside S-only Q: kept), 60
    rows = daily_orders("S", {-4: 10, -3: 50, -2: 20, -1: 60, 0: 40, 1: 40})
    inputs = inputs_of(rows, [promo("P", ""), promo("R", "", -3, -3), promo("Q", "S", -2, -2)])
    r = promotion_table(metrics.order_lines(inputs), inputs.marketing, inputs.settings).set_index("name").loc["P"]
    assert r["baseline_days"] == 3 and r["baseline"] == pytest.approx(30.0)


def test_all_channel_promotion_uses_all_sales_and_days_without_orders_are_zero():
    rows = daily_orders("S", {-4: 10, -2: 10, 0: 20, 1: 20}) + daily_orders("T", {-4: 10, -3: 20, 0: 20})
    inputs = inputs_of(rows, [promo("P", "")])
    r = promotion_table(metrics.order_lines(inputs), inputs.marketing, inputs.settings).iloc[0]
    assert r["baseline"] == 12.5            # (20 + 20 + 10 + 0) / 4
    assert r["uplift"] == (40 - 12.5) + (20 - 12.5)
    assert r["dip"] == 3 * 12.5


def test_after_window_stops_at_end_of_data():
    rows = daily_orders("S", {**BASE, 0: 30, 1: 30})
    orders_end = day(2)        # the data ends the day after the promotion (no "Other" order on 31 Dec here)
    inputs = inputs_of(rows + [["E", orders_end, "S", "A", 1, 10, 0, ""]], [promo("P", "S", 0, 1)],
                       {"review_year": 2026})
    inputs.orders = inputs.orders[inputs.orders["order_id"] != "END"]
    r = promotion_table(metrics.order_lines(inputs), inputs.marketing, inputs.settings).iloc[0]
    assert r["after_days"] == 1 and r["dip"] == 0 and r["verdict"] == "incremental"


# ------------------------------------------------------------------------------------ ads
ADS_COLS = ["date", "channel", "campaign", "keyword", "spend", "sales", "orders", "clicks", "impressions"]


def ads_frame(rows):
    return pd.DataFrame(rows, columns=ADS_COLS)


def test_keyword_waste_boundary_and_blank_keywords():
    ads = ads_frame([
        [D(2026, 5, 1), "Amz", "C1", "at line", 20, 0, 0, 10, 100],      # exactly waste_min_spend, 0 orders
        [D(2026, 5, 1), "Amz", "C1", "below", 19.99, 0, 0, 10, 100],
        [D(2026, 5, 1), "Amz", "C1", "sold", 20, 50, 1, 10, 100],
        [D(2026, 5, 1), "Amz", "C1", "", 99, 0, 0, 10, 100],             # blank keyword: left out
        [D(2025, 5, 1), "Amz", "C1", "old", 99, 0, 0, 10, 100],          # other year
    ])
    inputs = inputs_of(daily_orders("Amz", {0: 10}), [], ads=ads)
    kw = keyword_table(inputs.ads, 2026, inputs.settings).set_index("keyword")
    assert set(kw.index) == {"at line", "below", "sold"}
    assert kw.loc["at line", "waste"] and not kw.loc["below", "waste"] and not kw.loc["sold", "waste"]
    assert kw.loc["at line", "suggestion"] == "negate"
    assert kw.loc["below", "suggestion"] == "keep"
    assert kw.loc["at line", "rank"] == 3 and kw.loc["sold", "rank"] == 1     # waste last


def test_keyword_rank_and_suggestions():
    ads = ads_frame([
        [D(2026, 5, 1), "Amz", "C", "great", 10, 100, 4, 10, 100],   # acos 0.10 <= 0.5 x 0.30 -> raise_bid
        [D(2026, 5, 1), "Amz", "C", "ok", 10, 40, 2, 10, 100],       # acos 0.25 -> keep
        [D(2026, 5, 1), "Amz", "C", "poor", 10, 20, 1, 10, 100],     # acos 0.50 > 0.30 -> lower_bid
        [D(2026, 5, 1), "Amz", "C", "tie", 20, 80, 1, 10, 100],      # roas 4 like "ok", more sales -> before it
    ])
    inputs = inputs_of(daily_orders("Amz", {0: 10}), [], ads=ads)
    kw = keyword_table(inputs.ads, 2026, inputs.settings)
    assert list(kw["keyword"]) == ["great", "tie", "ok", "poor"]
    assert list(kw["rank"]) == [1, 2, 3, 4]
    assert list(kw["suggestion"]) == ["raise_bid", "keep", "keep", "lower_bid"]
    # a channel break-even ACoS (margin before ads) replaces target_acos
    kw2 = keyword_table(inputs.ads, 2026, inputs.settings, pd.Series({"Amz": 0.6})).set_index("keyword")
    assert kw2.loc["poor", "suggestion"] == "keep" and kw2.loc["ok", "suggestion"] == "raise_bid"


def test_campaign_figures_and_zero_denominators_are_nan():
    ads = ads_frame([
        [D(2026, 1, 1), "Amz", "A", "k", 10, 40, 2, 20, 1000],
        [D(2026, 1, 2), "Amz", "A", "", 10, 0, 0, 0, 0],
        [D(2026, 1, 1), "Amz", "Z", "", 0, 0, 0, 0, 0],
    ])
    inputs = inputs_of(daily_orders("Amz", {0: 10}), [], ads=ads)
    c = campaign_table(inputs.ads, 2026).set_index("campaign")
    a = c.loc["A"]
    assert (a["spend"], a["sales"], a["orders"], a["clicks"], a["impressions"]) == (20, 40, 2, 20, 1000)
    assert (a["roas"], a["acos"], a["ctr"], a["cpc"], a["cvr"], a["cpa"]) == (2, 0.5, 0.02, 1, 0.1, 10)
    z = c.loc["Z"]
    assert all(np.isnan(z[k]) for k in ("roas", "acos", "ctr", "cpc", "cvr", "cpa"))


def test_content_table():
    content = pd.DataFrame({"date": [D(2026, 2, 1), D(2026, 3, 1), D(2026, 3, 1)],
                            "format": ["Blog", "blog", "video"], "visits": [100, 300, 0],
                            "orders": [2, 6, 0], "revenue": [50, 150, 0], "cost": [20, 20, 0]})
    inputs = inputs_of(daily_orders("S", {0: 10}), [], content=content)
    t = content_table(inputs.content, 2026).set_index("format")
    b = t.loc["blog"]
    assert (b["pieces"], b["visits"], b["orders"], b["revenue"], b["cost"]) == (2, 400, 8, 200, 40)
    assert (b["conversion_rate"], b["revenue_per_visit"], b["cost_per_order"], b["roi"]) == (0.02, 0.5, 5, 4)
    v = t.loc["video"]
    assert all(np.isnan(v[k]) for k in ("conversion_rate", "revenue_per_visit", "cost_per_order", "roi"))


@hsettings(max_examples=15, deadline=None)
@given(st.randoms(use_true_random=False))
def test_promotions_shuffle_invariant(rnd):
    rows = (daily_orders("Inc", {**BASE, 0: 30, 1: 30, 2: 8, 3: 10, 4: 10}, tag="P_inc")
            + daily_orders("PF", {**BASE, 0: 30, 1: 30}))
    mk = [promo("P_inc", "Inc"), promo("P_pf", "PF"), promo("Q", "", -3, -3)]
    inputs = inputs_of(rows, mk)
    lines = metrics.order_lines(inputs)
    expected = promotion_table(lines, inputs.marketing, inputs.settings)
    order = list(range(len(lines)))
    rnd.shuffle(order)
    morder = list(range(len(inputs.marketing)))
    rnd.shuffle(morder)
    got = promotion_table(lines.iloc[order], inputs.marketing.iloc[morder], inputs.settings)
    pd.testing.assert_frame_equal(got.reset_index(drop=True), expected)
