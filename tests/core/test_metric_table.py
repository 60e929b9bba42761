"""The metrics table (core/metric_table.py) against the contract and against the figures themselves."""
from __future__ import annotations

import pytest
from worked_example import frames

from xlreview.core import metrics
from xlreview.core.metric_table import (
    ADDITIVE_METRICS,
    COUNT_METRICS,
    DECREASE_IS_IMPROVEMENT,
    GOAL_METRICS,
    METRIC_TABLE,
    RATIO_METRICS,
)
from xlreview.core.review import compute_review
from xlreview.model.read import frames_to_raw, read_inputs


def _review():
    inputs, report = read_inputs(frames_to_raw(frames()))
    assert report.ok, report.lines()
    return compute_review(inputs)


def test_one_row_per_key_with_a_known_kind():
    keys = [m.key for m in METRIC_TABLE]
    assert len(keys) == len(set(keys))
    assert {m.kind for m in METRIC_TABLE} <= {"money", "ratio", "count"}
    assert all(m.percent for m in METRIC_TABLE if m.kind != "ratio")


def test_goal_metrics_are_exactly_what_period_summary_computes():
    # METRICS 6 S: "metric is a known key" = every key of sections 1-3, plus roas and acos
    assert set(GOAL_METRICS) == set(metrics.SUMMARY_KEYS) | {"roas", "acos"}
    s = metrics.business_summary(read_inputs(frames_to_raw(frames()))[0])
    assert set(metrics.SUMMARY_KEYS) <= set(s)
    assert set(ADDITIVE_METRICS) | set(RATIO_METRICS) == set(GOAL_METRICS)
    assert not set(ADDITIVE_METRICS) & set(RATIO_METRICS)


def test_decrease_is_the_improvement_for_the_five_metrics_of_metrics_6():
    assert DECREASE_IS_IMPROVEMENT == {"refund_rate", "unit_refund_rate", "acos", "tacos", "cart_abandonment_rate"}


def test_the_additive_flag_is_true_of_the_figures():
    # an additive metric's months sum to its year; the distinct counts (customers) do not have to
    review = _review()
    for key in ADDITIVE_METRICS:
        assert review.monthly[key].sum() == pytest.approx(review.summary[key]), key
    assert review.monthly["customers"].sum() > review.summary["customers"]      # a buyer of two months


def test_counts_are_whole_numbers():
    review = _review()
    for key in COUNT_METRICS & set(review.summary):
        assert float(review.summary[key]).is_integer(), key


def test_every_metric_has_a_zh_and_en_label():
    from xlreview.text import CATALOGUE
    missing = [m.key for m in METRIC_TABLE if m.label not in CATALOGUE]
    assert not missing
