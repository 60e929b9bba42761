"""The year before review_year (METRICS 10 ``previous``) and which comparisons with it are not meaningful.

``previous_summary`` gives every key of sections 1-3 for review_year - 1 by the same definitions, each key
null (NaN) when its source rows have no data that year. ``not_comparable`` names, per key, why a
year-over-year comparison of it would compare against an artefact (issue 12 item 3): the JSON ``previous``
still carries the value as defined, and the sheets show "n/a" with the reason. The artefacts: where the data
starts (the first year of data, a year starting after January) and a dated cost source with rows in
review_year but none the year before (the year before's profit then leaves that cost out).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from . import metrics
from .goals import has_data
from .inputs import Inputs

# keys whose value in the first year of data only reflects where the data starts: every buyer is "new"
CUSTOMER_HISTORY_KEYS = ("new_customers", "returning_customers", "repeat_rate", "ltv")
# keys whose source rows are not dated (Channels fixed costs, Settings fixed_overhead): as given for a year the
# data covers (``year_in_data``), unknown (null) for a year it does not
UNDATED_KEYS = ("fixed_costs",)

# reason codes (worded by the sheets)
FIRST_YEAR = "first_year_of_data"         # the year before is the first year of data: customer history starts there
PARTIAL_YEAR = "partial_year"             # a compared year's data starts after its January
MISSING_COSTS = "missing_costs"           # Costs rows in review_year, none the year before
MISSING_ADS = "missing_ads"               # Ads rows in review_year, none the year before
MISSING_MARKETING = "missing_marketing"   # Marketing / Content rows in review_year, none the year before

# dated cost sources, each by its cost key (whose source rows ``goals.has_data`` finds), the reason code of a
# year before without its rows, and every key built on that cost (METRICS 1): those figures of that year lack it
COST_SOURCES = (
    ("other_costs", MISSING_COSTS, ("other_costs", "contribution_profit", "net_profit", "net_margin")),
    ("ad_spend", MISSING_ADS, ("ad_spend", "tacos", "contribution_profit", "net_profit", "net_margin")),
    ("marketing_costs", MISSING_MARKETING, ("marketing_costs", "net_profit", "net_margin")),
)


def year_in_data(inputs: Inputs, lines: pd.DataFrame, year: int) -> bool:
    """Whether any dated input row falls in ``year``: an order line, or an Ads, Traffic, Marketing (start_date),
    Content or Costs row. A year outside the data says nothing about the business, not even its fixed costs."""
    dated = [lines["order_date"], inputs.ads["date"], inputs.traffic["date"], inputs.marketing["start_date"],
             inputs.content["date"], inputs.costs["date"]]
    return any(bool(d.dt.year.eq(year).any()) for d in dated)


def previous_summary(inputs: Inputs, lines: metrics.Lines) -> dict[str, float]:
    """Every key of ``metrics.SUMMARY_KEYS`` for review_year - 1 (splits by that year's net_sales), NaN for a key
    whose source rows (``goals.has_data``) have none that year. Fixed costs (Channels fixed_cost and Settings
    fixed_overhead, not dated) are as given when that year is in the data (``year_in_data``), else NaN.
    """
    year = inputs.settings.review_year - 1
    start, end = metrics.year_bounds(year)
    index = metrics.LineIndex.of(inputs, lines)
    values = index.summaries([(start, end)])[0]
    in_data = year_in_data(inputs, index.lines, year)
    out = {}
    for key in metrics.SUMMARY_KEYS:
        known = in_data if key in UNDATED_KEYS else has_data(inputs, index, key, {}, start, end)
        out[key] = float(values[key]) if known and pd.notna(values[key]) else np.nan
    return out


def data_start(lines: pd.DataFrame, year: int) -> pd.Timestamp | None:
    """First order date of ``year`` (None without order lines that year)."""
    d = lines.loc[lines["year"].eq(year), "order_date"]
    return None if d.empty else d.min()


def missing_cost_sources(inputs: Inputs, lines: metrics.Lines, review_year: int) -> dict[str, str]:
    """Key -> reason code (``COST_SOURCES``) for the keys of review_year - 1 built on a dated cost source that has
    rows in review_year and none that year; a key built on several such sources gets the first one's code.
    A source without rows in either year is not listed (the cost is 0 in both, comparable)."""
    index = metrics.LineIndex.of(inputs, lines)
    cur, prev = metrics.year_bounds(review_year), metrics.year_bounds(review_year - 1)
    out: dict[str, str] = {}
    for cost_key, reason, keys in COST_SOURCES:
        if has_data(inputs, index, cost_key, {}, *cur) and not has_data(inputs, index, cost_key, {}, *prev):
            for key in keys:
                out.setdefault(key, reason)
    return out


def not_comparable(inputs: Inputs, lines: metrics.Lines, review_year: int) -> dict[str, str]:
    """Key -> reason code for the review_year vs review_year - 1 comparisons that would mislead.

    - ``partial_year`` for every key when the data of either year starts after its January (a year that
      starts in March compares ten months with twelve);
    - ``first_year_of_data`` for the customer-history keys (new, returning, repeat rate, ltv) when the year
      before is the first year with orders: its buyers all look new;
    - ``missing_costs`` / ``missing_ads`` / ``missing_marketing`` for the cost and every key built on it
      (contribution profit, net profit, net margin, tacos) when its source has rows in review_year and none the
      year before (``missing_cost_sources``): that year's profit leaves the cost out.
    A year without orders at all is not listed (its figures are null, nothing to compare).
    """
    index = metrics.LineIndex.of(inputs, lines)
    lines = index.lines
    out: dict[str, str] = {}
    prev = data_start(lines, review_year - 1)
    cur = data_start(lines, review_year)
    if prev is None:
        return out
    if lines["order_date"].min() >= pd.Timestamp(review_year - 1, 1, 1):
        for key in CUSTOMER_HISTORY_KEYS:
            out[key] = FIRST_YEAR
    out.update(missing_cost_sources(inputs, index, review_year))
    if prev.month > 1 or (cur is not None and cur.month > 1):
        out = {key: PARTIAL_YEAR for key in metrics.SUMMARY_KEYS}
    return out
