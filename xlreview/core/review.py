"""The Review: every figure of one build, computed once from ``Inputs``, and its JSON form (METRICS 10).

``compute_review(inputs)`` is the one entry point of the core and reads top to bottom as the data flow of
the review: each section is a function of the frames before it and returns a new frame, dict or list of
records; no section changes another's result, and the ``Review`` it returns is frozen. The sheet writers
and the JSON both read that one object, so a sheet and the JSON never disagree.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..text import Phrase
from . import metrics
from .actions import next_actions
from .channels import channel_table
from .customers import cohort_table, customer_value, customers_by_month, market_table, reconciliation
from .goals import smart_check
from .inputs import Inputs, Settings
from .marketing import break_even_acos, campaign_table, content_table, keyword_table, promotion_frames
from .plan import plan_goals
from .previous import not_comparable, previous_summary
from .products import product_table, quadrant_medians
from .risks import risk_table
from .strategy import strategy_tables
from .tracking import tracking_frame


@dataclass(frozen=True)
class Review:
    """Every section of one review (frames as their functions document them; None = section not computed)."""
    settings: Settings
    summary: dict[str, float]                  # SUMMARY_KEYS of review_year, whole business
    monthly: pd.DataFrame                      # index month 1..12, SUMMARY_KEYS
    previous: dict[str, float]                 # SUMMARY_KEYS of review_year - 1, NaN where no source rows
    not_comparable: dict[str, str] = field(default_factory=dict)   # key -> reason code (core/previous.py)
    unknown_skus: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # sections 1, 2, 5, 9: channels, products, risks
    channels: pd.DataFrame | None = None
    products: pd.DataFrame | None = None
    risks: pd.DataFrame | None = None
    # section 4: marketing
    campaigns: pd.DataFrame | None = None
    keywords: pd.DataFrame | None = None
    promotions: pd.DataFrame | None = None
    promo_daily: pd.DataFrame | None = None
    content: pd.DataFrame | None = None
    # section 3: customers
    markets: pd.DataFrame | None = None
    customers_monthly: pd.DataFrame | None = None
    cohorts: pd.DataFrame | None = None
    customer_value: dict | None = None          # predicted 12-month value and its inputs (core/customers.py)
    # sections 6-8: goals, plan, tracking; the Dashboard's to-do list
    goals: list[dict] | None = None
    plan: pd.DataFrame | None = None
    plan_actions: pd.DataFrame | None = None
    tracking: pd.DataFrame | None = None
    actions: pd.DataFrame | None = None
    strategy: dict[str, pd.DataFrame] | None = None   # next year's budget, markets, products (core/strategy.py)
    # the rows that reconcile splits which do not sum, and the SKUs without a cost (customers.reconciliation)
    reconciliation: dict[str, float] = field(default_factory=dict)
    quadrant_medians: dict[str, float] | None = None  # the medians behind the four-quadrant (products.py)

    @property
    def lang(self) -> str:
        return self.settings.language


def compute_review(inputs: Inputs, frozen_plan: pd.DataFrame | None = None) -> Review:
    """Compute every section of the review from validated inputs (pure; writes nothing).

    ``frozen_plan``: the plan stored by a previous build (``plan.frozen_from_rows``); unchanged goals keep it.
    """
    s, year = inputs.settings, inputs.settings.review_year
    lines = metrics.order_lines(inputs)                         # one row per order line, derived figures
    index = metrics.LineIndex(inputs, lines)                    # the lines indexed once: figures of any period
    summary = metrics.business_summary(inputs, index)
    monthly = metrics.monthly_summary(inputs, index)
    channels = channel_table(inputs, index)
    products = product_table(inputs, lines)
    risks = risk_table(inputs, lines, summary, channels, products)
    break_even = break_even_acos(lines, year)
    campaigns = campaign_table(inputs.ads, year, s, break_even)
    keywords = keyword_table(inputs.ads, year, s, break_even)
    promotions, promo_daily = promotion_frames(lines, inputs.marketing, s)
    content = content_table(inputs.content, year)
    markets, customers_monthly = market_table(lines, year), customers_by_month(lines, year)
    medians = quadrant_medians(products)
    goals, plan, plan_actions = plan_goals(inputs, index, smart_check(inputs, index), products, frozen_plan)
    tracking = tracking_frame(inputs, index, goals, plan)
    strategy = strategy_tables(inputs, index, summary, channels, campaigns, content, promotions, products, medians,
                               goals, plan_actions)
    actions = next_actions(s, channels, products, campaigns, keywords, promotions, risks, goals)
    return Review(
        settings=s, summary=summary, monthly=monthly, previous=previous_summary(inputs, index),
        not_comparable=not_comparable(inputs, index, year), unknown_skus=list(inputs.unknown_skus),
        channels=channels, products=products, risks=risks,
        campaigns=campaigns, keywords=keywords, promotions=promotions, promo_daily=promo_daily, content=content,
        markets=markets, customers_monthly=customers_monthly,
        cohorts=cohort_table(lines, year), customer_value=customer_value(lines, year),
        goals=goals, plan=plan, plan_actions=plan_actions, tracking=tracking, strategy=strategy, actions=actions,
        reconciliation=reconciliation(summary, customers_monthly, markets, products), quadrant_medians=medians)


# ------------------------------------------------------------------------------------------ JSON
def _clean(v):
    if v is None:
        return None
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        f = float(v)
        return None if (math.isnan(f) or math.isinf(f)) else f
    if isinstance(v, pd.Timestamp):
        return None if pd.isna(v) else v.date().isoformat()
    if v is pd.NaT:
        return None
    if isinstance(v, dict):
        return {str(k): _clean(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_clean(x) for x in v]
    return v


def records(frame: pd.DataFrame | None, columns: list[str] | None = None) -> list[dict]:
    """A frame as JSON records (NaN and inf -> null), index dropped."""
    if frame is None:
        return []
    f = frame if columns is None else frame[[c for c in columns if c in frame.columns]]
    return [_clean(r) for r in f.to_dict(orient="records")]


def _render(value, lang: str):
    """Every ``Phrase`` in a JSON value as its text in ``lang``, with its codes next to it as ``<key>_codes``:
    the text follows the language, the codes and their parameters do not."""
    if isinstance(value, list):
        return [_render(v, lang) for v in value]
    if not isinstance(value, dict):
        return value
    out = {}
    for k, v in value.items():
        if isinstance(v, Phrase):
            out[k], out[k + "_codes"] = v.render(lang), _clean(v.as_json())     # NaN params -> null
        else:
            out[k] = _render(v, lang)
    return out


def review_json(review: Review) -> dict:
    """The ``--json`` result of METRICS section 10, plus every other figure a sheet shows (docs/metrics.md 11).

    Beyond the METRICS keys: ``previous_not_comparable``, ``monthly``, ``customers_monthly``, ``cohorts``,
    ``customer_value``, ``promo_daily``, ``plan_actions``, ``actions``, ``strategy``, ``reconciliation`` and
    ``quadrant_medians``,
    each the record form of the ``Review`` field of that name; NaN and infinity are null.
    Text fields (reason, action, message, contingency, suggestion, ...) are in ``settings.language``;
    each has ``<field>_codes`` beside it, the same in zh and en (see ``_render``)."""
    s = review.settings
    out = {
        "review_year": s.review_year,
        "plan_year": s.plan_year,
        "base_currency": s.base_currency,
        "summary": _clean(review.summary),
        "previous": _clean(review.previous),
        "previous_not_comparable": dict(review.not_comparable),
        "monthly": [dict(month=f"{s.review_year}-{m:02d}", **_clean(row)) for m, row in
                    review.monthly[[k for k in metrics.SUMMARY_KEYS if k != "ltv"]].to_dict(orient="index").items()],
        "unknown_skus": list(review.unknown_skus),
    }
    for key in ("channels", "products", "campaigns", "keywords", "promotions", "promo_daily", "content", "markets",
                "customers_monthly", "cohorts", "risks", "plan", "plan_actions", "tracking", "actions"):
        frame = getattr(review, key)
        if frame is not None:
            out[key] = records(frame)
    for rec in out.get("products", []):          # no traffic -> no quadrant: null, not ""
        if rec.get("quadrant") == "":
            rec["quadrant"] = None
    if review.goals is not None:
        out["goals"] = _clean(review.goals)
    if review.strategy is not None:
        out["strategy"] = {key: (records(frame)[0] if key == "budget" else records(frame))
                           for key, frame in review.strategy.items()}
    if review.customer_value is not None:
        out["customer_value"] = _clean(review.customer_value)
    out["reconciliation"] = _clean(review.reconciliation)
    if review.quadrant_medians is not None:
        out["quadrant_medians"] = _clean(review.quadrant_medians)
    return _render(out, review.lang)
