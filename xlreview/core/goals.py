"""SMART check of the Goals sheet (METRICS 6): five letters, baseline, growths, achievability, suggestion.

``smart_check(inputs, lines)`` returns one dict per Goals row (the JSON ``goals`` records). Choices where
METRICS is silent (also in docs/goals.md):

- a metric is matched case-insensitively with spaces as ``_`` (``Net Sales`` -> ``net_sales``);
- "the year before has data for the scope" = the metric's SOURCE rows exist in review_year - 1 for that scope
  (``has_data``: order lines for order-based metrics, Ads rows for ad_spend / roas / acos, Traffic rows of
  the grain for sessions and the traffic ratios, Marketing / Content rows for marketing_costs), not the
  value: a year without orders still carries fixed costs, so its net_profit is finite and not 0. With data
  the basis is YoY even when that growth is undefined (previous value 0); otherwise H2 / H1 - 1 of
  review_year (undefined when H1 is 0); an undefined reference_growth is null and counts as 0 in the bands
  (r = max(reference, 0) = 0). Channel growth (METRICS 5) uses the same helper;
- growths are reported exactly as METRICS says (target / baseline - 1), but the bands compare
  (target - baseline) / |baseline| so a negative baseline (a loss) is not turned upside down; a baseline
  of 0 (no data) makes A fail with "enter a baseline";
- the band limits 0.10 and 0.20 are thresholds ``ok_growth_margin`` / ``stretch_growth_margin``;
  T accepts a deadline in plan_year or within ``deadline_max_months`` (18) months after review end;
- a goal is *plannable* (gets a plan, flagged when not SMART) when S's metric and scope are fine, the target
  is a number and it has a deadline after the end of review_year.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..text import Phrase
from . import metrics
from .inputs import Inputs
from .metric_table import ADDITIVE_METRICS, DECREASE_IS_IMPROVEMENT, GOAL_METRICS, number_kind

# the words: catalogue goal.<code> (xlreview/text.py); the letters' reasons and the suggestion are Phrases
SUGGESTED_METRICS = ["net_sales", "net_profit", "gross_profit", "orders", "units", "sessions", "new_customers",
                     "ad_spend", "aov", "conversion_rate", "gross_margin", "net_margin", "refund_rate", "tacos",
                     "roas", "repeat_rate"]


def normalize_metric(name) -> str:
    return str(name or "").strip().lower().replace(" ", "_").replace("-", "_")


def is_additive(metric: str) -> bool:
    return metric in ADDITIVE_METRICS


def scope_text(scope: dict | None) -> str:
    """A canonical scope text: ``all`` or ``channel=Amazon US; country=US`` (keys sorted)."""
    if not scope:
        return "all"
    return "; ".join(f"{k}={'|'.join(v)}" for k, v in sorted(scope.items()))


# counts read with their unit in sentences (advice such as "建议目标 ≤ 995" must say 995 of what):
# the words are the catalogue's unit.<metric>
COUNTED = {"orders", "units", "sessions", "customers", "new_customers"}
SCOPE_KEYS = ("channel", "country", "sku", "category")        # words: catalogue goal.scope_<key>


def scope_words(scope: dict) -> Phrase:
    """A scope in a seller's words for sentences: ``渠道 Shopify、国家 US`` (``channel Shopify, country US``);
    ``scope_text`` is the canonical form a Goals cell takes."""
    return Phrase.join([Phrase.of("goal.scope_" + k, values=" / ".join(v)) for k, v in sorted(scope.items())],
                       sep="scope_sep")


def format_value(metric: str, value) -> str:
    """A metric value as a seller reads it: money 1,234.50, counts 1,234, rates 12.3%."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    kind = number_kind(metric)
    if kind == "int":
        return f"{value:,.0f}"
    if kind == "pct":
        return f"{value:.1%}"
    return f"{value:.2f}" if kind == "ratio" else f"{value:,.2f}"


def value_phrase(metric: str, value) -> str | Phrase:
    """``format_value`` with the unit of a count (``unit.<metric>``: ``995 单`` / ``995 orders``) for sentences."""
    shown = format_value(metric, value)
    return Phrase.of("unit." + metric, n=shown) if metric in COUNTED and shown != "—" else shown


def _pct(g) -> str:
    # one decimal, so the reason agrees with the table (1.5%, not 2%); whole numbers stay short (+500%)
    return "—" if g is None or not math.isfinite(g) else f"{g:+.1%}".replace(".0%", "%")


def _ref(g) -> str | Phrase:
    """A reference growth for a message; unknown -> "none (taken as 0%)"."""
    return _pct(g) if g is not None and math.isfinite(g) else Phrase.of("goal.no_ref")


def metric_value(inputs: Inputs, lines: metrics.Lines, metric: str, scope: dict, start, end) -> float:
    """The METRICS value of ``metric`` for the days start..end and a scope (NaN when undefined)."""
    return metric_values(inputs, lines, metric, scope, [(start, end)])[0]


def metric_values(inputs: Inputs, lines: metrics.Lines, metric: str, scope: dict, periods) -> list[float]:
    """``metric_value`` of each of several disjoint periods, in order (one pass: ``metrics.period_summaries``)."""
    return [np.nan if (v := s.get(metric)) is None else float(v)
            for s in metrics.period_summaries(inputs, periods, scope, lines, keys={metric})]


def _finite(x) -> bool:
    return x is not None and isinstance(x, (int, float, np.floating)) and math.isfinite(float(x))


def growth(new: float, old: float) -> float:
    """new / old - 1 (NaN when old is 0 or either is missing) -- the growth METRICS reports."""
    if not (_finite(new) and _finite(old)) or old == 0:
        return np.nan
    return new / old - 1


def _cmp_growth(new: float, old: float) -> float:
    """(new - old) / |old|: the growth the bands compare (equal to ``growth`` when old > 0)."""
    if not (_finite(new) and _finite(old)) or old == 0:
        return np.nan
    return (new - old) / abs(old)


AD_METRICS = {"ad_spend", "roas", "acos"}
TRAFFIC_METRICS = {"sessions", "conversion_rate", "unit_session_rate", "cart_abandonment_rate"}
MARKETING_METRICS = {"marketing_costs"}
COST_METRICS = {"other_costs"}                        # source rows: Costs (by date)
SPLIT_SCOPE_KEYS = {"sku", "category", "country"}     # scopes whose ad spend includes a split of channel rows


def has_data(inputs: Inputs, lines: metrics.Lines, metric: str, scope: dict, start, end) -> bool:
    """Whether the period start..end "has data" for the metric and scope (METRICS 5-6): its source rows exist.

    Order lines in the scope for order-based metrics (every metric not below, net_profit included: a year
    without orders has none however its fixed costs make the value look); Ads rows for ad_spend / roas / acos
    (rows matching the scope's channel / sku / category; for ad_spend at SKU, category or country scope also
    the channel rows split to the scope's order lines, as ``metrics.period_summary`` does); Traffic rows of
    the scope's grain (channel-level rows, or SKU rows for a SKU / category scope) for sessions and the traffic
    ratios; Marketing rows (and Content rows for the whole business) for marketing_costs; Costs rows for
    other_costs (rows of the scope's channel or SKU, or blank rows split to where the scope sold).
    """
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    index = metrics.LineIndex.of(inputs, lines)
    cat = index.categories
    rows = index.rows(scope, start, end)            # the order lines of the scope dated start..end
    if metric in AD_METRICS:
        ads = inputs.ads[metrics.period_mask(inputs.ads["date"], start, end)]
        ads_rows = ads[metrics.scope_mask(ads, {k: v for k, v in scope.items() if k != "country"}, cat)]
        if metric == "ad_spend" and SPLIT_SCOPE_KEYS & set(scope):
            sold_in = pd.unique(index.lines["channel"].to_numpy()[rows])
            if "sku" in scope or "category" in scope:        # sku-less rows of channels where the scope sold
                pool = ads[metrics.scope_mask(ads, {k: v for k, v in scope.items() if k == "channel"})]
                ads_rows = pd.concat([ads_rows, pool[pool["sku"].eq("") & pool["channel"].isin(sold_in)]])
            if "country" in scope:                           # split by the country's share of channel sales
                ads_rows = ads_rows[ads_rows["channel"].isin(sold_in)]
        return len(ads_rows) > 0
    if metric in TRAFFIC_METRICS:
        tr = inputs.traffic[metrics.period_mask(inputs.traffic["date"], start, end)]
        sku_grain = "sku" in scope or "category" in scope
        tr = tr[tr["sku"].ne("")] if sku_grain else tr[tr["sku"].eq("")]
        return bool(metrics.scope_mask(tr, {k: v for k, v in scope.items() if k != "country"}, cat).any())
    if metric in COST_METRICS:
        costs = inputs.costs[metrics.period_mask(inputs.costs["date"], start, end)]
        if not scope:
            return len(costs) > 0
        own = costs[metrics.scope_mask(costs, {k: v for k, v in scope.items() if k in ("channel", "sku")}, cat)]
        split = costs[costs["channel"].eq("") | costs["sku"].eq("")]
        return len(own) > 0 or (len(split) > 0 and len(rows) > 0)
    if metric in MARKETING_METRICS:
        mk = inputs.marketing[metrics.period_mask(inputs.marketing["start_date"], start, end)]
        if not scope:
            return len(mk) > 0 or bool(metrics.period_mask(inputs.content["date"], start, end).any())
        if set(scope) == {"channel"}:       # own rows, or blank rows split by the channel's net sales
            return bool(mk["channel"].isin(scope["channel"]).any() or (mk["channel"].eq("").any() and len(rows)))
        return False                        # not split below channel level (METRICS 1)
    return len(rows) > 0


def reference_growth(inputs: Inputs, lines: metrics.Lines, metric: str, scope: dict) -> tuple[float, float, str]:
    """(reported growth, compared growth, basis "yoy" | "h2_h1" | "") of the metric and scope.

    YoY when review_year - 1 ``has_data`` for the metric and scope (then YoY even if it is undefined), else
    H2 / H1 - 1 of review_year.
    """
    year = inputs.settings.review_year
    if has_data(inputs, lines, metric, scope, *metrics.year_bounds(year - 1)):
        prev, cur = metric_values(inputs, lines, metric, scope, [metrics.year_bounds(year - 1),
                                                                 metrics.year_bounds(year)])
        return growth(cur, prev), _cmp_growth(cur, prev), "yoy"
    h1, h2 = metric_values(inputs, lines, metric, scope, [(pd.Timestamp(year, 1, 1), pd.Timestamp(year, 6, 30)),
                                                          (pd.Timestamp(year, 7, 1), pd.Timestamp(year, 12, 31))])
    if _finite(h1) and h1 != 0 and _finite(h2):
        return growth(h2, h1), _cmp_growth(h2, h1), "h2_h1"
    return np.nan, np.nan, ""


def achievability(required: float, reference: float, lower_is_better: bool, settings) -> tuple[str | None, dict]:
    """The band of METRICS 6 and its limits (in growth terms as compared, i.e. flipped when lower is better).

    Returns (band or None when ``required`` is unknown, {"ok": limit, "stretch": limit}).
    """
    sign = -1.0 if lower_is_better else 1.0
    ref = sign * reference if _finite(reference) else 0.0
    r = max(ref, 0.0)
    ok_limit = r + settings.t("ok_growth_margin")
    stretch_limit = min(settings.t("max_growth"), 2 * r + settings.t("stretch_growth_margin"))
    limits = {"ok": ok_limit, "stretch": max(stretch_limit, ok_limit)}
    if not _finite(required):
        return None, limits
    g = sign * required
    if g <= ok_limit + 1e-12:
        return "ok", limits
    if g <= stretch_limit + 1e-12:
        return "stretch", limits
    return "unrealistic", limits


def _deadline_ok(deadline, settings) -> bool:
    if pd.isna(deadline):
        return False
    d = pd.Timestamp(deadline)
    if d.year == settings.plan_year:
        return True
    review_end = pd.Timestamp(settings.review_year, 12, 31)
    latest = review_end + pd.DateOffset(months=int(settings.t("deadline_max_months")))
    return review_end < d <= latest


def smart_check(inputs: Inputs, lines: metrics.Lines | None = None) -> list[dict]:
    """One dict per Goals row (in sheet order), the JSON ``goals`` records of METRICS 10.

    Keys: goal_id, description, metric, scope, pillar, owner, target, deadline, S, M, A, R, T
    ({"pass", "reason"}; reason a ``text.Phrase``), smart, baseline, baseline_source ("given" | "computed"), required_growth,
    reference_growth, reference_basis ("yoy" | "h2_h1" | ""), achievability, suggestion (a Phrase), additive,
    lower_is_better, plannable.
    """
    s = inputs.settings
    lines = metrics.LineIndex.of(inputs, lines)             # every goal's figures from one index
    pillars = [p for p in s.strategy_pillars if p]
    out = []
    for g in inputs.goals.to_dict(orient="records"):
        out.append(_check_one(inputs, lines, g, pillars))
    return out


def _check_one(inputs: Inputs, lines: metrics.Lines, g: dict, pillars: list[str]) -> dict:
    s = inputs.settings
    year, plan_year = s.review_year, s.plan_year
    desc = str(g.get("description") or "").strip()
    metric_raw = str(g.get("metric") or "").strip()
    metric = normalize_metric(metric_raw)
    scope_raw = str(g.get("scope") or "").strip()
    scope = metrics.parse_scope(scope_raw)
    target = g.get("target")
    target = float(target) if _finite(target) else np.nan
    deadline = g.get("deadline")
    deadline = pd.Timestamp(deadline) if deadline is not None and pd.notna(deadline) else pd.NaT
    pillar = str(g.get("pillar") or "").strip()
    known = metric in GOAL_METRICS
    lower = metric in DECREASE_IS_IMPROVEMENT
    suggestions: list[Phrase] = []

    # S
    s_fail = []
    if not desc:
        s_fail.append(Phrase.of("goal.s_no_desc"))
        suggestions.append(Phrase.of("goal.sug_s_desc"))
    if not metric:
        s_fail.append(Phrase.of("goal.s_no_metric"))
    elif not known:
        s_fail.append(Phrase.of("goal.s_bad_metric", metric=metric_raw))
    if not known:
        suggestions.append(Phrase.of("goal.sug_s_metric", choices=Phrase.join(
            [Phrase.of("goal.metric_choice", key=k, name=Phrase.of(f"label.{k}")) for k in SUGGESTED_METRICS],
            sep="scope_sep")))
    if scope is None:
        s_fail.append(Phrase.of("goal.s_bad_scope", scope=scope_raw))
        suggestions.append(Phrase.of("goal.sug_s_scope"))
    S = {"pass": not s_fail, "reason": Phrase.join(s_fail) if s_fail else
         Phrase.of("goal.s_ok", metric=Phrase.of(f"label.{metric}"),
                   scope=scope_words(scope) if scope else Phrase.of("goal.whole"))}

    # M
    M = {"pass": _finite(target), "reason": Phrase.of("goal.m_ok", target=value_phrase(metric, target)) if _finite(target)
         else Phrase.of("goal.m_fail")}
    if not M["pass"]:
        suggestions.append(Phrase.of("goal.sug_m", example=_example_target(metric)))

    # A
    given = g.get("baseline")
    baseline, source = (float(given), "given") if _finite(given) else (np.nan, "computed")
    ref_rep = ref_cmp = np.nan
    basis = ""
    if known and scope is not None:
        if source == "computed":
            baseline = metric_value(inputs, lines, metric, scope, *metrics.year_bounds(year))
        ref_rep, ref_cmp, basis = reference_growth(inputs, lines, metric, scope)
    required = growth(target, baseline)
    band, limits = achievability(_cmp_growth(target, baseline), ref_cmp, lower, s)
    if not known or scope is None:
        A = {"pass": False, "reason": Phrase.of("goal.a_no_metric")}
    elif not _finite(target):
        A = {"pass": False, "reason": Phrase.of("goal.a_no_target")}
    elif not _finite(baseline) or baseline == 0:
        A = {"pass": False, "reason": Phrase.of("goal.a_no_baseline", year=year, metric=metric)}
        suggestions.append(Phrase.of("goal.sug_a_baseline", year=year))
    elif band == "unrealistic":
        A = {"pass": False, "reason": Phrase.of("goal.a_unreal", req=_pct(required), ref=_ref(ref_rep))}
        who = scope_words(scope) if scope else Phrase.of("goal.whole")
        sign = -1.0 if lower else 1.0
        stretch_v = baseline + sign * limits["stretch"] * abs(baseline)
        ok_v = baseline + sign * limits["ok"] * abs(baseline)
        key = "sug_a_target" if limits["stretch"] > limits["ok"] else "sug_a_target_ok"
        suggestions.append(Phrase.of("goal.sug_a_unreal", req=_pct(required), who=who, ref=_ref(ref_rep),
                                advice=Phrase.of("goal." + key, cmp="≥" if lower else "≤",
                                                 stretch=value_phrase(metric, stretch_v), ok=value_phrase(metric, ok_v))))
    else:
        A = {"pass": True, "reason": Phrase.of("goal.a_ok", req=_pct(required), ref=_ref(ref_rep),
                                          band=Phrase.of("goal.band_" + band))}

    # R
    if pillars:
        match = [p for p in pillars if p.casefold() == pillar.casefold()] if pillar else []
        R = {"pass": bool(match), "reason": Phrase.of("goal.r_ok", pillar=match[0]) if match else
             (Phrase.of("goal.r_not_listed", pillar=pillar, pillars=", ".join(pillars)) if pillar else Phrase.of("goal.r_blank"))}
        if not match:
            suggestions.append(Phrase.of("goal.sug_r_list", pillars=", ".join(pillars)))
    else:
        R = {"pass": bool(pillar), "reason": Phrase.of("goal.r_ok_free", pillar=pillar) if pillar else Phrase.of("goal.r_blank")}
        if not pillar:
            suggestions.append(Phrase.of("goal.sug_r_blank"))

    # T
    months = int(s.t("deadline_max_months"))
    if pd.isna(deadline):
        T = {"pass": False, "reason": Phrase.of("goal.t_blank")}
    elif _deadline_ok(deadline, s):
        T = {"pass": True, "reason": Phrase.of("goal.t_ok", deadline=deadline.date().isoformat())}
    else:
        T = {"pass": False, "reason": Phrase.of("goal.t_out", deadline=deadline.date().isoformat(), year=plan_year,
                                           months=months)}
    if not T["pass"]:
        suggestions.append(Phrase.of("goal.sug_t", year=plan_year))

    letters = {"S": S, "M": M, "A": A, "R": R, "T": T}
    plannable = (known and scope is not None and _finite(target) and pd.notna(deadline)
                 and deadline > pd.Timestamp(year, 12, 31))
    return {
        "goal_id": str(g.get("goal_id") or ""), "description": desc, "metric": metric,
        "scope": scope_text(scope) if scope is not None else scope_raw, "pillar": pillar,
        "owner": str(g.get("owner") or ""), "target": target,
        "deadline": deadline.date().isoformat() if pd.notna(deadline) else None,
        **letters,
        "smart": all(v["pass"] for v in letters.values()),
        "baseline": baseline, "baseline_source": source,
        "required_growth": required, "reference_growth": ref_rep, "reference_basis": basis,
        "achievability": band if (A["pass"] or band == "unrealistic") else None,
        "suggestion": Phrase.join(suggestions),
        "additive": is_additive(metric), "lower_is_better": lower, "plannable": bool(plannable),
    }


def _example_target(metric: str) -> str:
    return {"int": "12000", "pct": "0.25", "ratio": "4"}.get(number_kind(metric), "1200000")
