"""Plan decomposition (METRICS 7): exact sums, ISO weeks, ratio paths, actions, frozen table round trip."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xlreview.core import plan as P
from xlreview.core.goals import smart_check
from xlreview.core.metrics import order_lines
from xlreview.model.read import frames_to_raw, read_inputs

D = dt.date


def cents(values) -> int:
    return sum(int(round(v * 100)) for v in values)


# ------------------------------------------------------------------------------------ exact sums
@settings(max_examples=150, deadline=None)
@given(target=st.integers(min_value=-10**9, max_value=10**11),
       shares=st.lists(st.floats(min_value=0, max_value=1e6, allow_nan=False), min_size=12, max_size=12),
       year=st.integers(min_value=2020, max_value=2035))
def test_money_months_quarters_weeks_sum_exactly_to_the_cent(target, shares, year):
    amount = target / 100                            # any amount with cents
    g = P.additive_plan(amount, "net_sales", shares, year)
    for grain in ("month", "quarter", "week"):
        assert cents(v for _, v in g[grain]) == target, grain
    assert len(g["month"]) == 12 and len(g["quarter"]) == 4
    assert [v for _, v in g["quarter"]] == [pytest.approx(sum(v for _, v in g["month"][q * 3:q * 3 + 3]))
                                            for q in range(4)]
    # each value is a whole number of cents
    assert all(abs(v * 100 - round(v * 100)) < 1e-6 for _, v in g["week"])


@settings(max_examples=150, deadline=None)
@given(target=st.integers(min_value=0, max_value=10**7),
       shares=st.lists(st.integers(min_value=0, max_value=1000), min_size=12, max_size=12),
       metric=st.sampled_from(["orders", "units", "sessions", "new_customers"]))
def test_counts_sum_exactly_to_the_unit(target, shares, metric):
    g = P.additive_plan(float(target), metric, shares, 2027)
    for grain in ("month", "quarter", "week"):
        values = [v for _, v in g[grain]]
        assert all(isinstance(v, int) for v in values)
        assert sum(values) == target


def test_largest_remainder_gives_leftover_to_largest_fractions():
    # 100 over weights 1:1:1 -> 33.33 each, one leftover unit to the first (stable ties)
    assert list(P.largest_remainder(100, [1, 1, 1])) == [34, 33, 33]
    assert list(P.largest_remainder(10, [0.26, 0.25, 0.49])) == [3, 2, 5]
    assert list(P.largest_remainder(7, [0, 0, 0])) == [3, 2, 2]          # no data -> flat
    assert sum(P.largest_remainder(-101, [1, 2, 3])) == -101


def test_seasonality_follows_review_year_months():
    g = P.additive_plan(1200.0, "net_sales", [2] + [1] * 11, 2027)
    months = dict(g["month"])
    assert months["2027-01"] == pytest.approx(2 * months["2027-02"], abs=0.01)
    assert sum(months.values()) == pytest.approx(1200.0)


# ---------------------------------------------------------------------------------------- ISO weeks
def test_plan_year_2027_starts_in_2026_w53():
    days = P.plan_days(2027)
    assert days.loc[days["date"] == "2027-01-01", "week"].item() == "2026-W53"
    assert days.loc[days["date"] == "2027-01-03", "week"].item() == "2026-W53"
    assert days.loc[days["date"] == "2027-01-04", "week"].item() == "2027-W01"
    weeks = days["week"].unique().tolist()
    assert weeks[0] == "2026-W53" and weeks[-1] == "2027-W52" and len(weeks) == 53


def test_first_days_in_previous_iso_year_and_last_days_in_next_w01():
    # 2021: 1-3 Jan belong to 2020-W53; 2024: 30-31 Dec belong to 2025-W01
    d21 = P.plan_days(2021)
    assert d21["week"].iloc[0] == "2020-W53"
    d24 = P.plan_days(2024)
    assert d24["week"].iloc[-1] == "2025-W01"
    assert d24.loc[d24["date"] == "2024-12-29", "week"].item() == "2024-W52"
    g = P.additive_plan(3650.0, "net_sales", [1] * 12, 2024)
    weeks = dict(g["week"])
    assert list(weeks)[0] == "2024-W01" and list(weeks)[-1] == "2025-W01"
    # 2025-W01 holds only the 2 plan-year days (30, 31 Dec): 2/31 of December's 304.17 (flat shares, 366 days)
    assert weeks["2025-W01"] == pytest.approx(3650 / 12 * 2 / 31, abs=0.011)
    assert cents(weeks.values()) == 365000


def test_53_week_year_2026_has_w53_inside_plan_year():
    days = P.plan_days(2026)
    weeks = days["week"].unique().tolist()
    assert weeks[0] == "2026-W01" and weeks[-1] == "2026-W53" and len(weeks) == 53
    g = P.additive_plan(5300.0, "orders", [1] * 12, 2026)
    assert sum(v for _, v in g["week"]) == 5300


def test_partial_first_week_gets_only_its_plan_year_days():
    g = P.additive_plan(3100.0, "net_sales", [1] + [0] * 11, 2027)   # everything in January (31 days)
    weeks = dict(g["week"])
    assert weeks["2026-W53"] == pytest.approx(300.0)                 # 1-3 Jan = 3 days x 100
    assert weeks["2027-W01"] == pytest.approx(700.0)
    assert weeks["2027-W10"] == 0


# -------------------------------------------------------------------------------------- ratio path
def test_ratio_path_straight_to_deadline_month_then_flat():
    g = P.ratio_path(0.02, 0.03, pd.Timestamp("2027-06-30"), "conversion_rate", 2027)
    months = [v for _, v in g["month"]]
    assert months[:6] == pytest.approx([0.02 + 0.01 * m / 6 for m in range(1, 7)], abs=1e-4)
    assert months[5:] == [0.03] * 7
    assert dict(g["quarter"])["2027-Q1"] == months[2]
    weeks = dict(g["week"])
    assert weeks["2026-W53"] == months[0] and weeks["2027-W52"] == months[11]


def test_ratio_path_deadline_after_plan_year_is_partial():
    g = P.ratio_path(100.0, 124.0, pd.Timestamp("2028-12-31"), "aov", 2027)
    assert [v for _, v in g["month"]][-1] == pytest.approx(112.0)


# ------------------------------------------------------------------------------ plan from inputs
def _inputs(goals: pd.DataFrame, plan_orders: bool = False):
    rows = []
    for m in range(1, 13):
        for k in range(m):                     # month m has m orders of 10 -> seasonality 1..12
            rows.append([f"A{m}-{k}", D(2026, m, 1 + k), "Shop", "NEW" if m >= 7 else "OLD", 1, 10.0])
    if plan_orders:
        rows.append(["P1", D(2027, 1, 5), "Shop", "OLD", 1, 10.0])
    orders = pd.DataFrame(rows, columns=["order_id", "order_date", "channel", "sku", "quantity", "item_price"])
    products = pd.DataFrame({"sku": ["OLD", "NEW"], "unit_cost": [1, 1], "launch_date": [D(2024, 1, 1), None]})
    settings_ = pd.DataFrame({"key": ["review_year", "strategy_pillars"], "value": [2026, "growth, brand"]})
    inputs, report = read_inputs(frames_to_raw({"Orders": orders, "Products": products, "Goals": goals,
                                                "Settings": settings_}))
    assert inputs is not None, report.lines()
    return inputs


def test_goal_plan_uses_the_scope_seasonality_and_last_year():
    goals = pd.DataFrame({"goal_id": ["G1"], "description": ["sales +20%"], "metric": ["net_sales"],
                          "scope": ["channel=Shop"], "target": [936.0], "deadline": [D(2027, 12, 31)],
                          "pillar": ["growth"]})
    inputs = _inputs(goals)
    lines = order_lines(inputs)
    checked = smart_check(inputs, lines)
    goals, plan, actions = P.plan_goals(inputs, lines, checked)
    assert "planned" not in checked[0]                  # the SMART check's records are not changed
    months = plan[plan["grain"] == "month"]
    assert months["target"].tolist() == pytest.approx([936 * m / 78 for m in range(1, 13)], abs=0.01)
    assert months["last_year"].tolist() == [10.0 * m for m in range(1, 13)]
    assert cents(months["target"]) == 93600
    kinds = actions["kind"].tolist()
    assert kinds[0] == "run_rate"
    # NEW launched in 2026 (first order in July; no launch_date) sold 10*(7+...+12) = 570 in 2026;
    # gap = 936 - 780 = 156 -> ceil(156 / 570) = 1 listing
    listings = actions[actions["kind"] == "new_listings"].iloc[0]
    assert listings["basis"] == pytest.approx(570.0)
    assert listings["total"] == 1
    assert goals[0]["planned"] and not goals[0]["plan_frozen"]


def test_non_smart_goal_with_metric_target_deadline_is_planned_and_flagged():
    goals = pd.DataFrame({"goal_id": ["G1", "G2"], "description": ["x", "y"], "metric": ["orders", "orders"],
                          "target": [100.0, np.nan], "deadline": [D(2027, 12, 31), D(2027, 12, 31)],
                          "pillar": ["nope", "growth"]})
    inputs = _inputs(goals)
    lines = order_lines(inputs)
    checked = smart_check(inputs, lines)
    checked, plan, _ = P.plan_goals(inputs, lines, checked)
    assert not checked[0]["smart"] and checked[0]["planned"]
    assert not checked[1]["planned"]
    assert set(plan["goal_id"]) == {"G1"}
    assert plan.loc[plan["grain"] == "week", "target"].sum() == 100


def test_frozen_table_round_trip_keeps_unchanged_goals():
    goals = pd.DataFrame({"goal_id": ["007", "G2"], "description": ["x", "y"], "metric": ["net_sales", "orders"],
                          "target": [1000.0, 200.0], "deadline": [D(2027, 12, 31)] * 2, "pillar": ["growth"] * 2})
    inputs = _inputs(goals)
    lines = order_lines(inputs)
    checked = smart_check(inputs, lines)
    checked, plan, _ = P.plan_goals(inputs, lines, checked)
    table = P.frozen_table(checked, plan, 2027)
    rows = [list(table.columns)] + [[None if (isinstance(v, float) and np.isnan(v)) else v for v in r]
                                    for r in table.itertuples(index=False, name=None)]
    frozen = P.frozen_from_rows(rows)
    # tamper with the stored plan to see that it is the one used
    frozen.loc[(frozen["goal_id"] == "007") & (frozen["period"] == "2027-01"), "target"] = 999.0
    checked[1]["target"] = 300.0        # G2 changed -> recomputed
    checked, again, _ = P.plan_goals(inputs, lines, checked, frozen=frozen)
    assert again.loc[(again["goal_id"] == "007") & (again["period"] == "2027-01"), "target"].item() == 999.0
    assert checked[0]["plan_frozen"] and not checked[1]["plan_frozen"]
    assert again.loc[(again["goal_id"] == "G2") & (again["grain"] == "month"), "target"].sum() == 300


def test_week_labels_of_no_dates_is_an_empty_text_series():
    from xlreview.core.plan import week_labels
    assert week_labels(pd.Series(pd.to_datetime([]))).tolist() == []
    assert week_labels(pd.Series(pd.to_datetime(["2027-01-01", "2026-03-02"]))).tolist() == ["2026-W53", "2026-W10"]


@pytest.mark.parametrize("total, zh, en", [(104, "每周 2 个", "2 a week"), (70, "每周 1–2 个", "1–2 a week"),
                                           (40, "每周 1 个", "1 a week"), (26, "每 2 周 1 个", "one every 2 weeks"),
                                           (1, "每 52 周 1 个", "one every 52 weeks")])
def test_listing_cadence_is_whole_listings_never_a_fraction_a_week(total, zh, en):
    # issue 12 item 8: "每周上新 0.5 个" is not how a seller plans; the Strategy sheet and the deck say this
    from xlreview.text import render
    assert (render(P.listing_cadence(total), "zh"), render(P.listing_cadence(total), "en")) == (zh, en)
