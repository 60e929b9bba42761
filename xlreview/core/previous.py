"""The year before review_year (METRICS 10 ``previous``) and which comparisons with it are not meaningful.

``previous_summary`` gives every key of sections 1-3 for review_year - 1 by the same definitions, each key
null (NaN) when its source rows have no data that year. ``not_comparable`` names, per key, why a
year-over-year comparison of it would compare against an artefact (issue 12 item 3): the JSON ``previous``
still carries the value as defined, and the sheets show "n/a" with the reason.
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


def not_comparable(lines: pd.DataFrame, review_year: int) -> dict[str, str]:
    """Key -> reason code for the review_year vs review_year - 1 comparisons that would mislead.

    - ``partial_year`` for every key when the data of either year starts after its January (a year that
      starts in March compares ten months with twelve);
    - ``first_year_of_data`` for the customer-history keys (new, returning, repeat rate, ltv) when the year
      before is the first year with orders: its buyers all look new.
    A year without orders at all is not listed (its figures are null, nothing to compare).
    """
    out: dict[str, str] = {}
    prev = data_start(lines, review_year - 1)
    cur = data_start(lines, review_year)
    if prev is None:
        return out
    if lines["order_date"].min() >= pd.Timestamp(review_year - 1, 1, 1):
        for key in CUSTOMER_HISTORY_KEYS:
            out[key] = FIRST_YEAR
    if prev.month > 1 or (cur is not None and cur.month > 1):
        out = {key: PARTIAL_YEAR for key in metrics.SUMMARY_KEYS}
    return out
