"""The fast path of period figures (``metrics.LineIndex``) against their definition (``metrics.period_summary``,
which filters the frames to each period and scope), for every period and scope the review asks on the demo data.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from xlreview.core import metrics
from xlreview.core.review import compute_review
from xlreview.demo import demo_frames
from xlreview.model.read import frames_to_raw, read_inputs

# figures summed or counted from the lines (and the dated rows) of the period itself: the index adds the same
# numbers in the same order as the filtered frame, so they are equal to the last bit. The rest read the splits
# of METRICS 1 (ad spend, marketing and other costs of a scope by net-sales shares), which the index takes from
# the period's net sales summed per (channel, sku, country) first: equal but for the last bits of a float.
EXACT = (list(metrics.LINE_SUMS) + ["orders", "customers", "new_customers", "returning_customers", "repeat_rate",
                                    "gross_profit_per_customer", "sessions", "conversion_rate", "unit_session_rate",
                                    "cart_abandonment_rate", "roas", "acos", "fixed_costs", "ltv", "aov",
                                    "gross_margin", "refund_rate", "unit_refund_rate"])


@pytest.fixture(scope="module")
def asked():
    """Every (periods, scope, fixed_share, parts) the review asks its LineIndex, with the answers."""
    inputs, report = read_inputs(frames_to_raw(demo_frames(seed=7, n_order_lines=4000)))
    assert inputs is not None, report.lines()
    calls = []
    real = metrics.LineIndex._summaries

    def recording(self, bounds, scope, fixed_share, parts):
        out = real(self, bounds, scope, fixed_share, parts)
        calls.append((self, bounds, scope, fixed_share, parts, out))
        return out

    metrics.LineIndex._summaries = recording
    try:
        compute_review(inputs)
    finally:
        metrics.LineIndex._summaries = real
    return inputs, calls


def same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == b


def test_the_review_asks_every_kind_of_period_and_scope(asked):
    _, calls = asked
    scopes = {next(iter(scope), "all") for _, _, scope, _, _, _ in calls}
    assert {"all", "channel", "country"} <= scopes
    lengths = {len(bounds) for _, bounds, _, _, _, _ in calls}
    assert {1, 2, 4, 12} <= lengths                         # years, halves, quarters, months


def test_index_equals_the_definition_on_every_period_the_review_uses(asked):
    inputs, calls = asked
    for index, bounds, scope, fixed_share, parts, got in calls:
        left_out = set().union(*(keys for part, keys in metrics.OPTIONAL_PARTS.items() if part not in parts))
        for (start, end), fast in zip(bounds, got):
            slow = metrics.period_summary(inputs, start, end, scope, index.lines, fixed_share)
            where = f"{scope or 'all'} {start.date()}..{end.date()}"
            assert set(fast) == set(slow), where
            for key, value in slow.items():
                if key in left_out:
                    assert np.isnan(fast[key]), where
                elif key in EXACT:
                    assert same(fast[key], value), (where, key, fast[key], value)
                else:
                    assert fast[key] == pytest.approx(value, rel=1e-12, abs=1e-9, nan_ok=True), (where, key)


def plan_weeks(year: int) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    days = pd.Series(pd.date_range(f"{year}-01-01", f"{year}-12-31"))
    weeks = days.groupby(days.dt.isocalendar()["week"].to_numpy(), sort=False).agg(["min", "max"])
    return sorted(zip(weeks["min"], weeks["max"]))


@pytest.mark.parametrize("scope, grain", [
    ({"sku": ["PH-CHG-3IN1"]}, "month"), ({"category": ["手机配件"]}, "month"),
    ({"channel": ["Shopify"], "country": ["US"]}, "month"), ({"channel": ["eBay", "Walmart"]}, "month"),
    ({}, "week"), ({"sku": ["PH-CHG-3IN1"]}, "week")])
def test_index_equals_the_definition_at_other_scopes_and_weeks(asked, scope, grain):
    # scopes a Goals row may name, and the ISO weeks tracking asks for a metric it does not sum itself
    inputs, calls = asked
    index, s = calls[0][0], inputs.settings
    periods = metrics.month_bounds(s.review_year) if grain == "month" else plan_weeks(s.plan_year)
    for (start, end), fast in zip(periods, index.summaries(periods, scope)):
        slow = metrics.period_summary(inputs, start, end, scope, index.lines)
        for key, value in slow.items():
            assert fast[key] == pytest.approx(value, rel=1e-12, abs=1e-9, nan_ok=True), (scope, start, key)


def test_an_answer_is_kept_and_handed_out_as_a_copy(asked):
    inputs, calls = asked
    index = calls[0][0]
    year = metrics.year_bounds(inputs.settings.review_year)
    first = index.summaries([year])[0]
    first["net_sales"] = -1.0
    assert index.summaries([year])[0]["net_sales"] != -1.0


def test_periods_out_of_order_are_refused(asked):
    index = asked[1][0][0]
    with pytest.raises(ValueError):
        index.summaries([(pd.Timestamp(2026, 2, 1), pd.Timestamp(2026, 2, 28)),
                         (pd.Timestamp(2026, 1, 1), pd.Timestamp(2026, 1, 31))])


def test_a_key_left_out_by_keys_raises_naming_it_instead_of_reading_nan(asked):
    # keys={"net_sales"} skips the cohort ltv and the customer counts: reading one must not look like "no data"
    inputs, calls = asked
    index = calls[0][0]
    year = metrics.year_bounds(inputs.settings.review_year)
    row = index.summaries([year], keys={"net_sales"})[0]
    assert not math.isnan(row["net_sales"])
    for key in ("ltv", "customers", "ad_spend"):
        with pytest.raises(KeyError, match=key):
            row[key]
    assert not math.isnan(index.summaries([year], keys={"ltv"})[0]["ltv"])
