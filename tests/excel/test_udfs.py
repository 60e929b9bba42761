"""The worksheet functions, called as plain Python with the shapes xlwings passes (``ndim=2`` lists of
rows, header first, None for empty cells, floats, datetimes), checked against the build's figures."""
from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest
import worked_example as we

from xlreview.core import plan as core_plan
from xlreview.core.metrics import order_lines
from xlreview.core.review import compute_review
from xlreview.excel import udfs as u
from xlreview.model.read import frames_to_raw, read_inputs
from xlreview.text import tr


def as_excel(rows: list[list]) -> list[list]:
    """What xlwings hands a UDF: numbers as floats, dates as datetimes, blanks as None."""
    def cell(v):
        if v is None or (isinstance(v, float) and math.isnan(v)):
            return None
        if isinstance(v, float) and math.isinf(v):
            return "∞"            # how a generated sheet shows infinite days of cover
        if isinstance(v, bool):
            return v
        if isinstance(v, (int, float, np.integer, np.floating)):
            return float(v)
        if hasattr(v, "to_pydatetime"):
            return v.to_pydatetime()
        if isinstance(v, dt.date) and not isinstance(v, dt.datetime):
            return dt.datetime(v.year, v.month, v.day)
        return v
    return [[cell(v) for v in r] for r in rows]


@pytest.fixture(scope="module")
def we_ranges():
    return {k: as_excel(v.rows) for k, v in frames_to_raw(we.frames()).items()}


@pytest.fixture(scope="module")
def demo_case():
    from xlreview import demo
    frames = demo.demo_frames(n_order_lines=3000)
    raw = frames_to_raw(frames)
    inputs, _ = read_inputs(raw)
    return {k: as_excel(v.rows) for k, v in raw.items()}, inputs, compute_review(inputs)


# ------------------------------------------------------------------------ sections 1-3 on the oracle
@pytest.mark.parametrize("fn, key, extra", [
    (u.XLR_NET_SALES, "net_sales", ()),
    (u.XLR_AOV, "aov", ()),
    (u.XLR_REFUND_RATE, "refund_rate", ()),
])
def test_order_only_figures_match_the_worked_example(we_ranges, fn, key, extra):
    assert fn(we_ranges["Orders"], None, None, we_ranges["FX"]) == pytest.approx(we.EXPECTED[key])


def test_figures_with_a_second_table_match_the_worked_example(we_ranges):
    r = we_ranges
    assert u.XLR_GROSS_MARGIN(r["Orders"], r["Products"], None, None, r["FX"]) == pytest.approx(we.EXPECTED["gross_margin"])
    # the 12-month cohort value (METRICS 3): nobody's window ends inside the worked example's data -> empty cell
    assert we.EXPECTED["ltv"] is None and u.XLR_LTV(r["Orders"], r["Products"], None, None, r["FX"]) == ""
    assert u.XLR_TACOS(r["Orders"], r["Ads"], None, None, r["FX"]) == pytest.approx(we.EXPECTED["tacos"])
    assert u.XLR_CONVERSION(r["Orders"], r["Traffic"], None, None, r["FX"]) == pytest.approx(
        we.EXPECTED["conversion_rate"])
    # 2026 Ads: spend 10, sales 40
    assert u.XLR_ROAS(r["Orders"], r["Ads"], None, None, r["FX"]) == pytest.approx(4.0)
    assert u.XLR_ACOS(r["Orders"], r["Ads"], None, None, r["FX"]) == pytest.approx(0.25)


def test_net_margin_counts_what_is_passed(we_ranges):
    r = we_ranges
    # build: net_profit -5 includes marketing 10 and channel fixed costs 12 (their sheets are not passed);
    # with ads and the 8 overhead: 56 - 12 - 2 - 7 - 10 - 8 = 17
    assert u.XLR_NET_MARGIN(r["Orders"], r["Products"], r["Ads"], 8.0, None, None, r["FX"]) == pytest.approx(17 / 91)


def test_scope_and_year(we_ranges, demo_case):
    r = we_ranges
    assert u.XLR_NET_SALES(r["Orders"], "channel=Amazon", None, r["FX"]) == pytest.approx(0.0)
    assert u.XLR_NET_SALES(r["Orders"], "channel=Shop", 2025.0, r["FX"]) == pytest.approx(20.0)
    ranges, _, review = demo_case
    chan = review.channels.set_index("channel")
    name = chan.index[0]
    # the demo has plan_year orders: without a year, the year of the latest order (as a blank review_year)
    assert u.XLR_NET_SALES(ranges["Orders"], f"channel={name}", 2026.0, ranges["FX"]) == pytest.approx(
        chan.loc[name, "net_sales"])
    assert u.XLR_NET_SALES(ranges["Orders"], None, 2026.0, ranges["FX"]) == pytest.approx(review.summary["net_sales"])


def test_zh_headers_are_read_like_the_build(we_ranges):
    orders = [list(r) for r in we_ranges["Orders"]]
    zh = {"order_id": "订单号", "order_date": "下单日期", "item_price": "商品金额"}
    orders[0] = [zh.get(h, h) for h in orders[0]]
    assert u.XLR_NET_SALES(orders, None, None, we_ranges["FX"]) == pytest.approx(91.0)


def said(code: str, lang: str = "zh", **params) -> str:
    """The ``#XLR!`` answer of a catalogue message (zh: no caller, the default language)."""
    return tr("msg.udf_answer", lang, reason=tr("msg." + code, lang, **params))


@pytest.mark.parametrize("args, expected", [
    (([["order_id"], ["O1"]],), None),                          # missing required columns: the reader's message
    ((None,), said("udf_range_empty", name="orders")),
    (([["order_id", "order_date"]],), said("udf_no_data_row", name="orders")),
])
def test_bad_arguments_return_a_short_text(args, expected):
    out = u.XLR_NET_SALES(*args)
    assert isinstance(out, str) and out.startswith("#XLR! ") and len(out) <= len("#XLR! ") + u.MAX_REASON
    assert out == expected if expected else "order_date" in out


def test_bad_scope_year_and_currency(we_ranges):
    r = we_ranges
    assert u.XLR_NET_SALES(r["Orders"], "planet=Mars", None, r["FX"]) == said("udf_bad_scope", value="planet=Mars")
    assert u.XLR_NET_SALES(r["Orders"], None, "soon", r["FX"]) == said("udf_not_a_year", value="soon")
    assert u.XLR_NET_SALES(r["Orders"], None, 1066.0, r["FX"]) == said("udf_year_out_of_range", value=1066,
                                                                       first=1990, last=2200)
    assert "EUR" in u.XLR_NET_SALES(r["Orders"])                 # no FX range: the build's message
    assert u.XLR_NET_MARGIN(r["Orders"], r["Products"], None, "lots", None, None, r["FX"]) == said(
        "udf_not_a_number", name="overhead", value="lots")


def test_empty_ratio_is_an_empty_cell(we_ranges):
    traffic = [["date", "channel", "sessions"], [dt.datetime(2026, 1, 1), "Shop", 0.0]]
    assert u.XLR_CONVERSION(we_ranges["Orders"], traffic, None, None, we_ranges["FX"]) == ""


# ------------------------------------------------------------------------------ classification
def test_classify_matches_the_build(demo_case):
    _, _, review = demo_case
    p = review.products
    cols = ["sku", "net_sales", "net_profit", "unit_refund_rate", "days_of_cover", "months_sold", "cv",
            "stock_qty", "units_90d"]
    out = u.XLR_CLASSIFY(as_excel([cols] + p[cols].astype(object).values.tolist()))
    assert out[0] == ["class"]
    assert [c for (c,) in out[1:]] == p["class"].tolist()
    assert set(p["class"]) >= {"problem", "hero", "long_tail"}


def test_classify_from_monthly_units_and_settings_override():
    header = ["sku", "net_sales", "net_profit", "unit_refund_rate", "days_of_cover"] + [f"{m}月" for m in range(1, 13)]
    rows = [header,
            ["HERO", 900.0, 100.0, 0.01, 30.0] + [5.0] * 12,
            ["BAD", 50.0, -1.0, 0.0, 30.0] + [1.0] * 12,
            ["EVER", 40.0, 5.0, 0.0, 30.0] + [2.0] * 12,
            ["TAIL", 10.0, 1.0, 0.0, None] + [3.0] + [0.0] * 11]
    assert [c for (c,) in u.XLR_CLASSIFY(rows)[1:]] == ["hero", "problem", "evergreen", "long_tail"]
    # a Settings range overrides a threshold exactly as on the Settings sheet
    out = u.XLR_CLASSIFY(rows, [["key", "value"], ["evergreen_months", 13.0]])
    assert [c for (c,) in out[1:]][2] == "long_tail"
    assert u.XLR_CLASSIFY([["sku", "net_sales"], ["A", 1.0]]) == said(
        "udf_missing_columns", name="skus", columns="net_profit, unit_refund_rate")
    assert u.XLR_CLASSIFY([["sku", "net_sales", "net_profit", "unit_refund_rate"], ["A", 1.0, 1.0, 0.0]]) == said(
        "udf_no_months", name="skus")


def test_quadrant_matches_the_build(demo_case):
    _, _, review = demo_case
    p = review.products
    out = u.XLR_QUADRANT(as_excel([["sessions"]] + [[v] for v in p["sessions"]]),
                         as_excel([["conversion_rate"]] + [[v] for v in p["conversion_rate"]]))
    assert out[0] == ["quadrant"] and [q for (q,) in out[1:]] == p["quadrant"].tolist()
    assert u.XLR_QUADRANT([[1.0], [2.0]], [[0.1]]) == said("udf_rows_differ", first="sessions", second="conversion",
                                                          n_first=2, n_second=1)


# ------------------------------------------------------------------------------- goals and plan
def test_smart_matches_the_build(demo_case):
    ranges, _, review = demo_case
    goals = ranges["Goals"]
    out = u.XLR_SMART(goals, ranges["Orders"], ranges["Products"], ranges["Ads"], ranges["Traffic"],
                      ranges["Settings"], ranges["FX"])
    expected = [" ".join(f"{k}{'✓' if g[k]['pass'] else '✗'}" for k in "SMART") for g in review.goals]
    assert [v for (v,) in out] == expected
    single = u.XLR_SMART(goals[:2], ranges["Orders"], ranges["Products"], ranges["Ads"], ranges["Traffic"],
                         ranges["Settings"], ranges["FX"])
    assert single == expected[0] and single.count("✓") + single.count("✗") == 5


def test_plan_sums_exactly_and_keeps_orientation():
    row = u.XLR_PLAN(1000.0, [[1.0] * 11 + [2.0]])
    assert len(row) == 1 and len(row[0]) == 12 and round(sum(row[0]), 2) == 1000.0
    col = u.XLR_PLAN(7.0, [[1.0]] * 12, "orders")
    assert [v for (v,) in col] == [1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0]
    assert u.XLR_PLAN(1000.0, [[1.0]] * 11) == said("udf_cells_needed", name="seasonality", n=12, got=11)
    assert u.XLR_PLAN("lots", [[1.0]] * 12) == said("udf_not_a_number", name="target", value="lots")
    assert u.XLR_PLAN(10.0, [[1.0]] * 12, "aov").startswith(said("udf_not_additive", value="aov", metrics="")[:-4])
    assert u.XLR_PLAN(10.0, [[1.0]] * 11 + [[-1.0]]) == said("udf_negative_weights", name="seasonality")


def test_plan_matches_the_build(demo_case):
    _, inputs, review = demo_case
    goal = next(g for g in review.goals if g["goal_id"] == "G1")
    from xlreview.core.metrics import parse_scope
    shares = core_plan.monthly_values(inputs, order_lines(inputs), goal["metric"], parse_scope(goal["scope"]),
                                      inputs.settings.review_year)
    out = u.XLR_PLAN(goal["target"], [[float(v)] for v in shares], goal["metric"])
    built = review.plan[(review.plan["goal_id"] == "G1") & (review.plan["grain"] == "month")]["target"]
    assert [v for (v,) in out] == pytest.approx(built.tolist(), abs=1e-9)


# ------------------------------------------------------------------------------------ promotions
def test_promo_lift_worked_by_hand():
    days = [[10.0]] * 30 + [[30.0]] * 7 + [[5.0]] * 14
    # baseline 10 over 28 days, uplift 7 x 20 = 140, dip 14 x 5 = 70: incremental 70, ratio 0.5
    assert u.XLR_PROMO_LIFT(days, 31, 37) == pytest.approx(70.0)
    assert u.XLR_PROMO_LIFT(days, 31, 37, "verdict") == "pulled_forward"
    assert u.XLR_PROMO_LIFT(days, 31, 37, "pull_forward_ratio") == pytest.approx(0.5)
    assert u.XLR_PROMO_LIFT(days, 1, 3) == said("udf_no_baseline_day")
    assert u.XLR_PROMO_LIFT(days, 40, 39) == said("udf_positions_order", n=51)
    assert u.XLR_PROMO_LIFT(days, "x", 39) == said("udf_positions", name="daily_sales")
    assert u.XLR_PROMO_LIFT(days, 31, 37, "lift") == said("udf_one_of", name="figure", value="lift",
                                                           choices=", ".join(u.PROMO_FIELDS))
    assert u.XLR_PROMO_LIFT(days[:3] + [[None]] + days, 31, 37) == said("udf_blank_day", name="daily_sales", day=4)


def test_promo_lift_matches_the_build(demo_case):
    _, _, review = demo_case
    for _, promo in review.promotions.iterrows():
        d = review.promo_daily[review.promo_daily["promotion"] == promo["name"]].sort_values("date")
        if d["net_sales"].isna().any() or d["excluded"].any():
            continue
        start = int((d["phase"] == "before").sum()) + 1
        end = start + int((d["phase"] == "promo").sum()) - 1
        column = [[float(v)] for v in d["net_sales"]]
        assert u.XLR_PROMO_LIFT(column, start, end) == pytest.approx(promo["incremental_sales"])
        assert u.XLR_PROMO_LIFT(column, start, end, "verdict") == promo["verdict"]


def test_every_udf_is_documented():
    from pathlib import Path
    doc = (Path(__file__).parents[2] / "docs" / "excel.md").read_text(encoding="utf-8")
    names = [n for n in dir(u) if n.startswith("XLR_")]
    assert len(names) == 15
    assert [n for n in names if n not in doc] == []
