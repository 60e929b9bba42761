"""SMART check (METRICS 6): each letter's failure, baselines, reference growth and achievability bands."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from xlreview.core.goals import achievability, has_data, smart_check
from xlreview.core.inputs import Settings
from xlreview.core.metrics import order_lines, year_bounds
from xlreview.core.review import compute_review
from xlreview.model.read import frames_to_raw, read_inputs
from xlreview.text import render

D = dt.date
GOOD = {"goal_id": "G", "description": "Shop sales +20%", "metric": "net_sales", "scope": "channel=Shop",
        "target": 1200.0, "deadline": D(2027, 12, 31), "pillar": "growth"}


def _orders(prev_year: bool) -> pd.DataFrame:
    rows = []
    # 2026: H1 400 (Shop), H2 600 (Shop), TikTok 100 in H1 and 203 in H2
    rows += [["S1", D(2026, 2, 1), "Shop", "A", 1, 400.0], ["S2", D(2026, 9, 1), "Shop", "A", 1, 600.0],
             ["T1", D(2026, 3, 1), "TikTok Shop", "A", 1, 100.0], ["T2", D(2026, 10, 1), "TikTok Shop", "A", 1, 203.0]]
    rows += [["R1", D(2026, 3, 1), "Shop", "A", 10, 100.0]]          # refunded below
    if prev_year:
        rows += [["P1", D(2025, 5, 1), "Shop", "A", 1, 800.0]]
    f = pd.DataFrame(rows, columns=["order_id", "order_date", "channel", "sku", "quantity", "item_price"])
    f["refund_amount"] = np.where(f["order_id"] == "R1", 10.0, 0.0)
    return f


def check(goal: dict | list[dict], prev_year: bool = False, lang: str = "en", pillars: str = "growth, brand"):
    goals = pd.DataFrame([{**GOOD, **g} for g in (goal if isinstance(goal, list) else [goal])])
    settings = pd.DataFrame({"key": ["review_year", "language", "strategy_pillars"], "value": [2026, lang, pillars]})
    frames = {"Orders": _orders(prev_year), "Products": pd.DataFrame({"sku": ["A"], "unit_cost": [1.0]}),
              "Goals": goals, "Settings": settings}
    inputs, report = read_inputs(frames_to_raw(frames))
    assert inputs is not None, report.lines()
    out = smart_check(inputs, order_lines(inputs))
    return out if isinstance(goal, list) else out[0]


def test_a_smart_goal_passes_every_letter():
    g = check({"target": 1200.0})        # Shop 2026 = 1000 + 100 - 10 = 1090; H2/H1 = 600/490 - 1
    assert g["smart"] and all(g[k]["pass"] for k in "SMART")
    assert g["baseline"] == pytest.approx(1090.0) and g["baseline_source"] == "computed"
    assert g["required_growth"] == pytest.approx(1200 / 1090 - 1)
    assert g["reference_growth"] == pytest.approx(600 / 490 - 1) and g["reference_basis"] == "h2_h1"
    assert g["achievability"] == "ok" and render(g["suggestion"], "en") == ""
    assert all(render(g[k]["reason"], "en") and "\n" not in render(g[k]["reason"], "en") for k in "SMART")


@pytest.mark.parametrize("change, letter, hint", [
    ({"metric": "happiness"}, "S", "choose a metric from"),
    ({"scope": "shop is Amazon"}, "S", "scope must look like all or channel=Amazon US; country=US"),
    ({"target": np.nan}, "M", "numeric target"),
    ({"target": 5000.0}, "A", "consider a target of ≤"),
    ({"pillar": "fun"}, "R", "name a pillar from: growth, brand"),
    ({"deadline": None}, "T", "add a deadline in 2027"),
    ({"deadline": D(2026, 12, 31)}, "T", "add a deadline in 2027"),
])
def test_each_letter_fails_with_a_reason_and_a_suggestion(change, letter, hint):
    g = check(change)
    assert not g[letter]["pass"] and not g["smart"]
    assert render(g[letter]["reason"], "en")
    assert hint in render(g["suggestion"], "en")


def test_sentences_name_metrics_and_scopes_in_words_not_cell_syntax():
    """Issue 12 item 8: no ``net_sales`` or ``channel=Shop`` in a sentence; a metric to choose shows its code
    (what the Goals cell takes) with its name."""
    ok = check({})
    assert render(ok["S"]["reason"], "zh") == "描述清楚，指标 净销售额，范围 渠道 Shop"
    assert render(ok["S"]["reason"], "en") == "clear: metric Net sales, scope channel Shop"
    bad = check({"metric": "happiness"})
    assert "net_sales（净销售额）、net_profit（净利润）" in render(bad["suggestion"], "zh")
    assert "net_sales (Net sales), net_profit (Net profit)" in render(bad["suggestion"], "en")


def test_blank_description_is_a_read_error_not_a_goal():
    goals = pd.DataFrame([{**GOOD, "description": ""}])
    _, report = read_inputs(frames_to_raw({"Orders": _orders(False), "Goals": goals,
                                           "Products": pd.DataFrame({"sku": ["A"], "unit_cost": [1.0]})}))
    assert not report.ok


def test_unknown_metric_fails_s_and_a():
    g = check({"metric": "happiness"})
    assert not g["S"]["pass"] and not g["A"]["pass"] and "metric" in render(g["A"]["reason"], "en")
    assert g["baseline"] is None or np.isnan(g["baseline"])


def test_missing_target_fails_m_and_a():
    g = check({"target": np.nan})
    assert not g["M"]["pass"] and not g["A"]["pass"] and g["achievability"] is None


def test_unrealistic_suggestion_names_the_scope_and_both_growths():
    g = check({"scope": "channel=TikTok Shop", "target": 1818.0})     # 303 -> 1818 = +500%, grew 103%
    assert g["achievability"] == "unrealistic"
    said = render(g["suggestion"], "en")
    assert "+500%" in said and "channel TikTok Shop grew +103%" in said and "=" not in said
    # r = 1.03: ok limit 1.13 -> 645.39 is above the stretch cap min(1.0, 2.26) = 1.0: only the ok figure
    assert "consider a target of ≤ 645.39 (ok)" in render(g["suggestion"], "en")
    g = check({"target": 5000.0})       # Shop: r = 600/490 - 1 = 0.2245 -> ok 1090*1.3245, stretch 1090*1.649
    assert "≤ 1,797.39 (stretch) / 1,443.69 (ok)" in render(g["suggestion"], "en")


def test_reference_growth_is_yoy_when_previous_year_has_data():
    g = check({}, prev_year=True)
    assert g["reference_basis"] == "yoy" and g["reference_growth"] == pytest.approx(1090 / 800 - 1)


def test_year_without_orders_has_no_data_though_fixed_costs_give_it_a_net_profit():
    # 2025 has no orders, only the fixed cost every year carries: net_profit 2025 = -100 (finite, not 0), but
    # "the year before has data" is judged from its order lines -> H2 / H1 of 2026, not YoY (300 / -100 - 1 = -4)
    orders = pd.DataFrame([["A1", D(2026, 2, 1), "Shop", "A", 1, 300.0], ["A2", D(2026, 9, 1), "Shop", "A", 1, 100.0]],
                          columns=["order_id", "order_date", "channel", "sku", "quantity", "item_price"])
    goal = {**GOOD, "metric": "net_profit", "scope": "all", "target": 450.0, "baseline": 300.0}
    frames = {"Orders": orders, "Products": pd.DataFrame({"sku": ["A"], "unit_cost": [0.0]}),
              "Channels": pd.DataFrame({"channel": ["Shop"], "fixed_cost": [100.0]}),
              "Goals": pd.DataFrame([goal]),
              "Settings": pd.DataFrame({"key": ["review_year", "language"], "value": [2026, "en"]})}
    inputs, report = read_inputs(frames_to_raw(frames))
    assert inputs is not None, report.lines()
    g = compute_review(inputs).goals[0]
    h1, h2 = 300 - 100 * 181 / 365, 100 - 100 * 184 / 365        # fixed costs prorated by days
    assert g["reference_basis"] == "h2_h1"
    assert g["reference_growth"] == pytest.approx(h2 / h1 - 1) and round(g["reference_growth"], 2) == -0.80
    assert g["required_growth"] == pytest.approx(0.5)
    assert g["achievability"] == "unrealistic" and not g["A"]["pass"]       # r = 0: 0.5 > 0.20


def _sources_inputs():
    orders = pd.DataFrame([["P1", D(2025, 5, 1), "Shop", "A", 1, 100.0, "US"],
                           ["C1", D(2026, 5, 1), "Shop", "A", 1, 100.0, "US"],
                           ["C2", D(2026, 5, 1), "Web", "B", 1, 100.0, "DE"]],
                          columns=["order_id", "order_date", "channel", "sku", "quantity", "item_price", "country"])
    ads = pd.DataFrame({"date": [D(2025, 6, 1), D(2025, 6, 1)], "channel": ["Shop", "Web"], "campaign": ["c", "w"],
                        "sku": ["", "B"], "spend": [10.0, 5.0], "sales": [0.0, 0.0]})
    traffic = pd.DataFrame({"date": [D(2025, 6, 1), D(2025, 6, 1)], "channel": ["Web", "Shop"], "sku": ["", "A"],
                            "sessions": [50, 20]})
    marketing = pd.DataFrame({"name": ["m"], "type": ["other"], "channel": ["Web"], "start_date": [D(2025, 7, 1)],
                              "end_date": [D(2025, 7, 2)], "cost": [5.0]})
    frames = {"Orders": orders, "Products": pd.DataFrame({"sku": ["A", "B"], "unit_cost": [1.0, 1.0],
                                                          "category": ["toys", "tools"]}),
              "Ads": ads, "Traffic": traffic, "Marketing": marketing,
              "Settings": pd.DataFrame({"key": ["review_year"], "value": [2026]})}
    inputs, report = read_inputs(frames_to_raw(frames))
    assert inputs is not None, report.lines()
    return inputs


@pytest.mark.parametrize("metric, scope, expected", [
    ("net_sales", {}, True), ("net_profit", {"channel": ["Web"]}, False),       # Web: no 2025 orders
    ("orders", {"country": ["US"]}, True), ("net_sales", {"category": ["tools"]}, False),
    ("ad_spend", {"channel": ["Web"]}, True), ("roas", {"channel": ["Web"]}, True),
    ("ad_spend", {"sku": ["A"]}, True),          # Shop's sku-less spend is split to A, sold in Shop in 2025
    ("roas", {"sku": ["A"]}, False),             # ROAS of a SKU: only Ads rows with that sku
    ("ad_spend", {"sku": ["B"]}, True), ("ad_spend", {"country": ["DE"]}, False),   # no DE sales in 2025
    ("sessions", {"channel": ["Web"]}, True), ("conversion_rate", {"channel": ["Shop"]}, False),  # SKU rows only
    ("sessions", {"sku": ["A"]}, True), ("sessions", {"sku": ["B"]}, False),
    ("marketing_costs", {"channel": ["Web"]}, True), ("marketing_costs", {"channel": ["Shop"]}, False),
    ("marketing_costs", {}, True),
])
def test_has_data_looks_at_the_metric_source_rows_of_the_scope(metric, scope, expected):
    inputs = _sources_inputs()
    assert has_data(inputs, order_lines(inputs), metric, scope, *year_bounds(2025)) is expected


def test_given_baseline_wins():
    g = check({"baseline": 1000.0, "target": 1100.0})
    assert g["baseline"] == 1000.0 and g["baseline_source"] == "given"
    assert g["required_growth"] == pytest.approx(0.1)


def test_zero_baseline_fails_a_and_asks_for_a_baseline():
    g = check({"scope": "channel=eBay", "target": 100.0})
    assert not g["A"]["pass"] and "enter a baseline" in render(g["suggestion"], "en")


def test_ratio_metric_baseline_is_the_year_ratio():
    g = check({"metric": "refund_rate", "scope": "all", "target": 0.005})
    assert g["baseline"] == pytest.approx(10 / 1403)
    assert g["lower_is_better"] and not g["additive"]


# --------------------------------------------------------------------------------- achievability
S = Settings()


@pytest.mark.parametrize("required, reference, band", [
    (0.10, -0.5, "ok"),        # r = 0: ok up to 0.10
    (0.1001, 0.0, "stretch"),
    (0.20, 0.0, "stretch"),    # stretch up to min(1.0, 0.20)
    (0.2001, 0.0, "unrealistic"),
    (0.40, 0.30, "ok"),        # r = 0.3: ok up to 0.40
    (0.80, 0.30, "stretch"),   # stretch up to min(1.0, 0.80)
    (0.81, 0.30, "unrealistic"),
    (1.0, 0.60, "stretch"),    # capped by max_growth 1.0
    (1.01, 0.60, "unrealistic"),
    (-0.5, 0.0, "ok"),         # a lower target is always achievable
    (0.10, np.nan, "ok"),      # no reference -> r = 0
])
def test_bands(required, reference, band):
    assert achievability(required, reference, False, S)[0] == band


@pytest.mark.parametrize("required, reference, band", [
    (-0.10, 0.0, "ok"),          # a 10% decrease with no reference improvement
    (-0.20, 0.0, "stretch"),
    (-0.25, 0.0, "unrealistic"),
    (-0.35, -0.30, "ok"),        # refunds fell 30% last year: r = 0.3
    (-0.80, -0.30, "stretch"),
    (-0.81, -0.30, "unrealistic"),
    (0.50, 0.40, "ok"),          # getting worse is always "achievable"
])
def test_bands_lower_is_better_compare_decreases(required, reference, band):
    assert achievability(required, reference, True, S)[0] == band


def test_lower_is_better_goal_reports_unflipped_growths():
    g = check({"metric": "refund_rate", "scope": "all", "target": 0.002})
    base = 10 / 1403
    assert g["required_growth"] == pytest.approx(0.002 / base - 1)        # negative, as is
    assert g["reference_growth"] == pytest.approx(-1.0)                  # H1 10/600 -> H2 0
    assert g["achievability"] == "ok"                                    # a 72% cut vs a 100% cut last year
    g = check({"metric": "refund_rate", "scope": "channel=Shop", "target": 0.02, "baseline": 0.05},
              prev_year=False)
    # Shop refund rate H1 10/600 -> H2 0/600: also -100%; a goal to go from 5% to 2% is ok
    assert g["achievability"] == "ok"


def test_lower_is_better_unrealistic_suggests_a_floor():
    g = check({"metric": "tacos", "scope": "all", "baseline": 0.20, "target": 0.05})
    assert g["achievability"] is None and not g["A"]["pass"] or g["achievability"] == "unrealistic"
    assert "consider a target of ≥ 16.0% (stretch) / 18.0% (ok)" in render(g["suggestion"], "en")


def test_chinese_reasons():
    g = check({"deadline": None}, lang="zh")
    assert "截止日期" in render(g["T"]["reason"], "zh") and "2027" in render(g["suggestion"], "zh")


def test_no_pillars_in_settings_needs_any_pillar():
    ok = check({"pillar": "whatever"}, pillars="")
    assert ok["R"]["pass"]
    blank = check({"pillar": ""}, pillars="")
    assert not blank["R"]["pass"]


def test_deadline_within_18_months_of_review_end_is_time_bound():
    assert check({"deadline": D(2028, 6, 30)})["T"]["pass"]
    assert not check({"deadline": D(2028, 7, 1)})["T"]["pass"]


def test_template_example_goals_are_guidance_not_goals(tmp_path):
    from xlreview.template import write_workbook
    from xlreview.workbook.headless import HeadlessBackend
    goals = pd.DataFrame([GOOD, {**GOOD, "goal_id": "H"}])
    frames = {"Orders": _orders(False), "Products": pd.DataFrame({"sku": ["A"], "unit_cost": [1.0]}), "Goals": goals}
    write_workbook(tmp_path / "g.xlsx", frames, macros=False)
    raw = HeadlessBackend(tmp_path / "g.xlsx").read_sheets()
    assert any("美国站销售额提升30%" in str(c) for r in raw["Goals"].rows for c in r)
    inputs, report = read_inputs(raw)
    assert report.ok
    assert inputs.goals["goal_id"].tolist() == ["G", "H"] and inputs.goals["_row"].tolist() == [2, 3]
