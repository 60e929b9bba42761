"""Oracle tests of the figures of issue 12 on the literal workbook of tests/figures_example.py."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from figures_example import (
    CHANNEL_OTHER_COSTS,
    LTV_CUSTOMERS,
    MONTHLY_OTHER_COSTS,
    PREVIOUS,
    RETURN_REASONS,
    SKU_OTHER_COSTS,
    SUMMARY,
    frames,
    frames_from_january,
    frames_without_previous_costs,
)
from worked_example import frames as worked_frames

from xlreview.core import metrics
from xlreview.core.previous import FIRST_YEAR, MISSING_COSTS, PARTIAL_YEAR
from xlreview.core.review import compute_review, review_json
from xlreview.model.read import frames_to_raw, read_inputs


def inputs_of(f):
    inputs, report = read_inputs(frames_to_raw(f))
    assert report.ok, report.lines()
    return inputs


@pytest.fixture(scope="module")
def review():
    return compute_review(inputs_of(frames()))


def test_summary_figures(review):
    for key, value in SUMMARY.items():
        assert review.summary[key] == pytest.approx(value), key


def test_cogs_follow_unit_costs_by_order_date():
    lines = metrics.order_lines(inputs_of(frames())).set_index("order_id")
    assert lines.at["R2", "unit_cost"] == 10      # 2026-06-30: the day before the UnitCosts row
    assert lines.at["R3", "unit_cost"] == 12      # 2026-07-01: effective_from itself
    assert lines.at["R7", "cogs"] == 36
    assert lines.at["P3", "unit_cost"] == 10      # before the SKU's first row: Products.unit_cost
    assert lines.at["R5", "unit_cost"] == 0 and not lines.at["R5", "known_sku"]


def test_other_costs_at_every_grain(review):
    ch = review.channels.set_index("channel")
    for channel, value in CHANNEL_OTHER_COSTS.items():
        assert ch.at[channel, "other_costs"] == pytest.approx(value), channel
    # a channel with only a Costs row still gets its row, and loses the money
    assert ch.at["TikTok", "orders"] == 0 and ch.at["TikTok", "net_profit"] == pytest.approx(-9)
    pr = review.products.set_index("sku")
    for sku, value in SKU_OTHER_COSTS.items():
        assert pr.at[sku, "other_costs"] == pytest.approx(value), sku
    # the TikTok row (its channel sold nothing) counts at total and channel grain only
    assert pr["other_costs"].sum() == pytest.approx(SUMMARY["other_costs"] - CHANNEL_OTHER_COSTS["TikTok"])
    assert ch["other_costs"].sum() == pytest.approx(SUMMARY["other_costs"])
    for m, value in MONTHLY_OTHER_COSTS.items():
        assert review.monthly.at[m, "other_costs"] == pytest.approx(value), m
    # contribution profit takes other_costs at every grain
    assert pr.at["C", "contribution_profit"] == pytest.approx(50 - 0 - 20)
    assert ch.at["Shop", "contribution_profit"] == pytest.approx(
        ch.at["Shop", "gross_profit"] - CHANNEL_OTHER_COSTS["Shop"])


def test_other_costs_of_a_scope():
    inputs = inputs_of(frames())
    start, end = metrics.year_bounds(2026)
    assert metrics.period_summary(inputs, start, end, {"channel": ["Shop"]})["other_costs"] == pytest.approx(58)
    assert metrics.period_summary(inputs, start, end, {"sku": ["A"]})["other_costs"] == pytest.approx(45)


def test_ltv_cohort(review):
    lines = metrics.order_lines(inputs_of(frames()))
    cohort = metrics.ltv_cohort(lines, 2026)
    assert cohort["gross_profit_12m"].to_dict() == pytest.approx(LTV_CUSTOMERS)
    assert review.summary["ltv"] == pytest.approx(80 / 3)
    # not per month: the whole business only
    assert review.monthly["ltv"].isna().all()


def test_ltv_needs_the_window_inside_the_data():
    f = frames()
    f["Orders"] = f["Orders"][f["Orders"]["order_date"] < pd.Timestamp(2026, 12, 30).date()]
    # the data now ends 2026-10-02: k2 (window to 2026-11-20) and k3 (to 2026-12-30) no longer qualify
    review = compute_review(inputs_of(f))
    assert review.summary["ltv"] == pytest.approx(LTV_CUSTOMERS["k1"])


def test_return_reasons(review):
    pr = review.products.set_index("sku")
    for sku, expected in RETURN_REASONS.items():
        got = pr.at[sku, "return_reasons"]
        assert [r["reason"] for r in got] == [r["reason"] for r in expected], sku
        for g, e in zip(got, expected):
            assert g["qty"] == e["qty"] and g["share"] == pytest.approx(e["share"]), sku


def test_previous_null_per_key_without_source_rows(review):
    for key, value in PREVIOUS.items():
        if value is None:
            assert np.isnan(review.previous[key]), key
        else:
            assert review.previous[key] == pytest.approx(value), key


def test_previous_fixed_costs_only_for_a_year_in_the_data():
    # the worked example's 2025 has an order and an Ads row: fixed costs as given (Shop 12 + overhead 8)
    f = worked_frames()
    assert compute_review(inputs_of(f)).previous["fixed_costs"] == pytest.approx(20.0)
    # an Ads row alone puts the year in the data (the business ran), orders or not
    f["Orders"] = f["Orders"][f["Orders"]["order_id"].ne("O0")]
    previous = compute_review(inputs_of(f)).previous
    assert previous["fixed_costs"] == pytest.approx(20.0) and np.isnan(previous["net_profit"])
    # no dated row in 2025: nothing is known of that year, its fixed costs neither
    f["Ads"] = f["Ads"][f["Ads"]["date"].map(lambda d: d.year).eq(2026)]
    previous = compute_review(inputs_of(f)).previous
    assert all(np.isnan(v) for v in previous.values()), previous


def test_not_comparable_reasons():
    # 2025's data starts in March: every comparison of the year is of ten months against twelve
    review = compute_review(inputs_of(frames()))
    assert set(review.not_comparable.values()) == {PARTIAL_YEAR}
    assert set(review.not_comparable) == set(metrics.SUMMARY_KEYS)
    # data from January 2025 (the first year of data): only the customer history is an artefact
    f = frames()
    f["Orders"].loc[f["Orders"]["order_id"].eq("P1"), "order_date"] = pd.Timestamp(2025, 1, 20).date()
    review = compute_review(inputs_of(f))
    assert review.not_comparable == {k: FIRST_YEAR for k in ("new_customers", "returning_customers",
                                                             "repeat_rate", "ltv")}


def test_previous_profit_without_its_cost_source_is_not_comparable():
    # Costs has rows in 2026 and none in 2025: 2025's other costs are unknown, and every figure built on them
    # (contribution profit, net profit, net margin) leaves them out -- an artefact to compare against
    review = compute_review(inputs_of(frames_without_previous_costs()))
    built_on_costs = ("other_costs", "contribution_profit", "net_profit", "net_margin")
    assert {k: v for k, v in review.not_comparable.items() if k in built_on_costs} == \
        {k: MISSING_COSTS for k in built_on_costs}
    assert set(review.not_comparable) == set(built_on_costs) | {"new_customers", "returning_customers",
                                                                 "repeat_rate", "ltv"}
    # the JSON previous follows METRICS: other_costs null (no source rows), the rest as defined (a number)
    out = review_json(review)
    assert out["previous"]["other_costs"] is None
    assert out["previous"]["net_profit"] == pytest.approx(out["previous"]["contribution_profit"]
                                                          - out["previous"]["fixed_costs"])
    assert out["previous_not_comparable"]["net_profit"] == MISSING_COSTS
    # with its 2025 Costs row the year is complete: nothing of the money block is flagged
    assert not set(built_on_costs) & set(compute_review(inputs_of(frames_from_january())).not_comparable)


def test_json_carries_the_new_figures(review):
    out = review_json(review)
    assert out["summary"]["ltv"] == pytest.approx(80 / 3)
    assert out["previous"]["ad_spend"] is None and out["previous"]["other_costs"] == 7
    prods = {p["sku"]: p for p in out["products"]}
    assert prods["A"]["return_reasons"][0] == {"reason": "描述不符", "qty": 3.0, "share": 0.5}
    assert prods["C"]["return_reasons"] == []
    assert out["previous_not_comparable"]["orders"] == PARTIAL_YEAR
    for key in ("cohorts", "customers_monthly", "customer_value", "quadrant_medians"):
        assert key in out, key


def test_json_reconciliation(review):
    rec = review_json(review)["reconciliation"]
    # R4 (10) and R8 (0) have no customer id; nobody ships to two countries (no country given); C has no cost
    assert rec == {"net_sales_without_customer_id": pytest.approx(10.0),
                   "market_customers_counted_more_than_once": 0.0, "cost_unknown_skus": 1.0,
                   "cost_unknown_net_sales": pytest.approx(50.0)}


def test_buyers_in_two_countries_are_reconciled():
    f = frames()
    f["Orders"]["country"] = ["US"] * len(f["Orders"])
    f["Orders"].loc[f["Orders"]["order_id"].eq("R6"), "country"] = "DE"      # k1 also ships to DE
    review = compute_review(inputs_of(f))
    assert review.markets["customers"].sum() == 5 and review.summary["customers"] == 4
    assert review_json(review)["reconciliation"]["market_customers_counted_more_than_once"] == 1
