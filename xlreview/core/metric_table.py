"""THE table of metrics: what kind of number each METRICS key is, whether it adds up, which way is better.

One row per metric key, read by the core (goals, plan, tracking), the sheet writers (number formats, the
colour of a change), the ``=XLR_`` functions and the template's Goals drop-down. Pure Python (no pandas),
so every layer may import it. Fields of ``Metric``:

- ``kind``: ``money`` (base currency), ``ratio`` (a quotient of two sums) or ``count`` (a whole number);
- ``percent``: a ratio that is a fraction shown as a percentage (0.25 -> 25.0%); False for a multiple
  shown as a plain number (roas 4.00);
- ``additive``: the metric of a period is the sum of its parts (months sum to the year: planned by monthly
  shares and tracked week by week, METRICS 7-8); False for ratios, averages (aov, ltv, cpc) and distinct
  counts (customers);
- ``lower_is_better``: a decrease is good for the seller (costs, fees, refunds, rates of loss); a
  change of such a metric is coloured green when it falls;
- ``goal``: ``metrics.period_summary`` computes it for any period and scope, so a Goals row may name it
  (METRICS 1-3 plus roas and acos); the section 4 metrics of campaigns and content are table columns only;
- ``label``: the text catalogue key of its zh/en name (``label.<key>``).

The order is the order a seller is offered them: the most asked-for goal metrics first (the template's
Goals drop-down takes the first additive and the first non-additive ones).
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Metric:
    key: str
    kind: str                    # money | ratio | count
    additive: bool
    lower_is_better: bool = False
    goal: bool = True
    percent: bool = True         # ratios only: a fraction shown as % (False: a multiple, e.g. roas)

    @property
    def label(self) -> str:
        """The text catalogue key of the metric's zh/en name."""
        return f"label.{self.key}"

    @property
    def number_kind(self) -> str:
        """How a sheet formats it: ``money``, ``int`` (counts), ``pct`` (fractions) or ``ratio`` (multiples)."""
        if self.kind == "count":
            return "int"
        if self.kind == "ratio":
            return "pct" if self.percent else "ratio"
        return "money"


def _m(key, kind, additive, lower=False, goal=True, percent=True) -> Metric:
    return Metric(key, kind, additive, lower, goal, percent)


METRIC_TABLE: tuple[Metric, ...] = (
    # goal metrics a seller asks for most (sections 1-3, METRICS 7's additive list first)
    _m("net_sales", "money", True),
    _m("gross_sales", "money", True),
    _m("net_profit", "money", True),
    _m("gross_profit", "money", True),
    _m("orders", "count", True),
    _m("units", "count", True),
    _m("sessions", "count", True),
    _m("new_customers", "count", True),
    _m("ad_spend", "money", True, lower=True),
    _m("aov", "money", False),
    _m("conversion_rate", "ratio", False),
    _m("gross_margin", "ratio", False),
    _m("net_margin", "ratio", False),
    _m("refund_rate", "ratio", False, lower=True),
    _m("unit_refund_rate", "ratio", False, lower=True),
    _m("tacos", "ratio", False, lower=True),
    _m("roas", "ratio", False, percent=False),
    _m("acos", "ratio", False, lower=True),
    _m("repeat_rate", "ratio", False),
    _m("gross_profit_per_customer", "money", False),
    _m("ltv", "money", False),
    _m("unit_session_rate", "ratio", False),
    _m("cart_abandonment_rate", "ratio", False, lower=True),
    _m("customers", "count", False),                 # distinct buyers: months do not add up to the year
    # the other section 1-3 keys
    _m("discounts", "money", True, lower=True),
    _m("refunds", "money", True, lower=True),
    _m("cogs", "money", True, lower=True),
    _m("contribution_profit", "money", True),
    _m("platform_fees", "money", True, lower=True),
    _m("fulfillment_fees", "money", True, lower=True),
    _m("shipping_costs", "money", True, lower=True),
    _m("marketing_costs", "money", True, lower=True),
    _m("fixed_costs", "money", True, lower=True),
    _m("other_costs", "money", True, lower=True),   # Costs rows of kind other (METRICS 1)
    _m("returning_customers", "count", False),       # distinct buyers, like customers
    # section 4 and table columns (not goal metrics)
    _m("refunded_qty", "count", True, lower=True, goal=False),
    _m("spend", "money", True, lower=True, goal=False),
    _m("sales", "money", True, goal=False),
    _m("clicks", "count", True, goal=False),
    _m("impressions", "count", True, goal=False),
    _m("ctr", "ratio", False, goal=False),
    _m("cpc", "money", False, lower=True, goal=False),
    _m("cvr", "ratio", False, goal=False),
    _m("cpa", "money", False, lower=True, goal=False),
    _m("visits", "count", True, goal=False),
    _m("revenue", "money", True, goal=False),
    _m("cost", "money", True, lower=True, goal=False),
    _m("cost_per_order", "money", False, lower=True, goal=False),
    _m("revenue_per_visit", "money", False, goal=False),
    _m("roi", "ratio", False, goal=False),
    _m("wasted_spend", "money", True, lower=True, goal=False),
)
METRIC_BY_KEY: dict[str, Metric] = {m.key: m for m in METRIC_TABLE}

# the sets every layer reads (derived, never written out again)
GOAL_METRICS = [m.key for m in METRIC_TABLE if m.goal]                 # a Goals row may name these
ADDITIVE_METRICS = [m.key for m in METRIC_TABLE if m.goal and m.additive]
RATIO_METRICS = [m.key for m in METRIC_TABLE if m.goal and not m.additive]   # planned as a path (METRICS 7)
COUNT_METRICS = frozenset(m.key for m in METRIC_TABLE if m.kind == "count")
LOWER_IS_BETTER = frozenset(m.key for m in METRIC_TABLE if m.lower_is_better)
# METRICS 6: the A check compares a decrease as the improvement for the lower-is-better ratios (refund_rate,
# unit_refund_rate, acos, tacos, cart_abandonment_rate); a money cost target is a budget and keeps its sign
DECREASE_IS_IMPROVEMENT = frozenset(m.key for m in METRIC_TABLE
                                    if m.goal and m.lower_is_better and m.kind == "ratio")
NUMBER_KIND: dict[str, str] = {m.key: m.number_kind for m in METRIC_TABLE}


def number_kind(key: str) -> str:
    """The number format kind of a metric key (``money`` for a key outside the table)."""
    return NUMBER_KIND.get(key, "money")
