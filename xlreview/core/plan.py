"""The plan (METRICS 7): each goal decomposed into months, quarters and ISO weeks, plus weekly actions.

Pure pandas. ``goal_plan(inputs, lines, goal)`` decomposes one checked goal (a dict of
``goals.smart_check``); ``plan_goals(inputs, lines, goals, products, frozen)`` does every goal and
reuses the frozen plan of a previous build where the goal is unchanged.

Choices where METRICS is silent (docs/goals.md):

- every *plannable* goal is planned (known metric, parseable scope, numeric target, deadline after
  review_year), SMART or not: a seller expects a plan for what they typed; ``goals[i]["smart"]``
  flags the others and the Plan sheet marks them;
- the exact sum is to the target rounded to the cent (count metrics: to the unit);
- shares use max(month, 0) (a loss month gets no share of a profit target); all-zero -> flat 1/12;
- ratio metrics: month m of plan_year gets baseline + (target - baseline) * m / k, k = months from
  December of review_year to the deadline's month (flat after it); a quarter shows its last month's
  value, a week the value of the month holding its Thursday; ratios are rounded to 4 decimals
  (aov / ltv, money, to 2);
- last_year per month / quarter is the metric's review_year value for the scope (weeks: empty).
"""
from __future__ import annotations

import calendar
import math
from typing import NamedTuple

import numpy as np
import pandas as pd

from ..text import Phrase
from . import metrics
from .goals import format_value, metric_values, value_phrase
from .inputs import Inputs
from .metric_table import COUNT_METRICS, METRIC_BY_KEY

PLAN_COLUMNS = ["goal_id", "metric", "period", "grain", "target", "last_year"]
ACTION_COLUMNS = ["goal_id", "kind", "action", "per_week", "total", "basis"]
FROZEN_COLUMNS = ["goal_id", "metric", "scope", "goal_target", "deadline", "plan_year", "period", "grain", "target"]

# ------------------------------------------------------------------------------------- rounding
def largest_remainder(total_units: int, weights) -> np.ndarray:
    """Split the integer ``total_units`` over ``weights`` so the parts sum EXACTLY to it.

    Each part is floor(total * w / sum w); the units left over go one each to the parts with the
    largest fractional remainders (ties: earlier part first). Negative totals work the same way.
    Zero or empty weights split evenly.
    """
    w = np.asarray(weights, dtype="float64")
    n = len(w)
    if n == 0:
        return np.zeros(0, dtype=object)
    wsum = float(w.sum())
    if not math.isfinite(wsum) or wsum <= 0:
        w, wsum = np.ones(n), float(n)
    raw = total_units * (w / wsum)
    base = np.floor(raw)
    parts = [int(b) for b in base]
    left = int(total_units) - sum(parts)
    q, r = divmod(left, n)
    order = np.argsort(-(raw - base), kind="stable")
    out = np.array([p + q for p in parts], dtype=object)
    for i in order[:r]:
        out[i] += 1
    return out


def unit_of(metric: str) -> int:
    """Rounding units per 1.0 of the metric: 1 for counts, 100 (cents) for money."""
    return 1 if metric in COUNT_METRICS else 100


# ---------------------------------------------------------------------------------------- calendar
def plan_days(plan_year: int) -> pd.DataFrame:
    """Every day of plan_year with its month and ISO week label (``2026-W53`` for 1 Jan 2027)."""
    days = pd.date_range(f"{plan_year}-01-01", f"{plan_year}-12-31", freq="D")
    iso = days.isocalendar()
    week = [f"{y}-W{w:02d}" for y, w in zip(iso["year"].astype(int), iso["week"].astype(int))]
    return pd.DataFrame({"date": days, "month": days.month, "week": week})


def week_labels(dates: pd.Series) -> pd.Series:
    """ISO week labels ``YYYY-Www`` of a datetime Series (vectorised)."""
    iso = dates.dt.isocalendar()
    # astype(str).str.zfill, not map(format): on an empty Series map keeps int64 and the + fails
    return iso["year"].astype(int).astype(str) + "-W" + iso["week"].astype(int).astype(str).str.zfill(2)


def month_label(year: int, m: int) -> str:
    return f"{year}-{m:02d}"


def quarter_of(m: int) -> int:
    return (m - 1) // 3 + 1


# ------------------------------------------------------------------------------------- seasonality
def monthly_values(inputs: Inputs, lines: metrics.Lines, metric: str, scope: dict, year: int) -> np.ndarray:
    """The metric for each month of ``year`` and the scope (12 floats; NaN where a ratio is undefined)."""
    months = metrics.period_summaries(inputs, metrics.month_bounds(year), scope, lines, fixed_share=1 / 12,
                                      keys={metric})
    return np.array([np.nan if (v := m.get(metric)) is None else float(v) for m in months], dtype="float64")


def additive_plan(target: float, metric: str, shares, plan_year: int) -> dict[str, list]:
    """Months, quarters and ISO weeks of an additive target (each grain sums EXACTLY to the rounded target).

    Parameters
    ----------
    shares : 12 non-negative weights (seasonality); all-zero or NaN -> flat.

    Returns
    -------
    {"month": [(period, value)...], "quarter": [...], "week": [...]} with values rounded to the cent
    (counts: integers).
    """
    unit = unit_of(metric)
    total = int(round(target * unit))
    w = np.nan_to_num(np.asarray(shares, dtype="float64"), nan=0.0).clip(min=0)
    months = largest_remainder(total, w)
    quarters = [sum(months[q * 3:(q + 1) * 3]) for q in range(4)]
    days = plan_days(plan_year)
    dim = days.groupby("month")["date"].transform("size")
    daily = np.array([float(months[m - 1]) for m in days["month"]]) / dim.to_numpy()
    by_week = pd.Series(daily).groupby(days["week"].to_numpy(), sort=False).sum()
    # the week weights carry the sign of the target (a loss target has negative months)
    weeks = largest_remainder(total, by_week.to_numpy() * (1 if total >= 0 else -1))

    def val(u):
        return int(u) if unit == 1 else int(u) / unit
    return {"month": [(month_label(plan_year, m), val(months[m - 1])) for m in range(1, 13)],
            "quarter": [(f"{plan_year}-Q{q + 1}", val(quarters[q])) for q in range(4)],
            "week": [(wk, val(u)) for wk, u in zip(by_week.index, weeks)]}


def ratio_path(baseline: float, target: float, deadline: pd.Timestamp, metric: str, plan_year: int) -> dict:
    """Straight path from the baseline (December before plan_year) to the target at the deadline's month."""
    k = (deadline.year - plan_year) * 12 + deadline.month
    k = max(k, 1)
    digits = 2 if METRIC_BY_KEY[metric].kind == "money" else 4
    values = [round(baseline + (target - baseline) * min(m, k) / k, digits) for m in range(1, 13)]
    days = plan_days(plan_year)
    thursday = days["date"] - pd.to_timedelta(days["date"].dt.day_of_week, unit="D") + pd.Timedelta(days=3)
    wk_month = np.where(thursday.dt.year < plan_year, 1, np.where(thursday.dt.year > plan_year, 12, thursday.dt.month))
    weeks = pd.Series(wk_month, index=days["week"].to_numpy()).groupby(level=0, sort=False).first()
    return {"month": [(month_label(plan_year, m), values[m - 1]) for m in range(1, 13)],
            "quarter": [(f"{plan_year}-Q{q}", values[q * 3 - 1]) for q in range(1, 5)],
            "week": [(wk, values[int(m) - 1]) for wk, m in weeks.items()]}


def goal_plan(inputs: Inputs, lines: metrics.Lines, goal: dict) -> pd.DataFrame:
    """The plan rows (PLAN_COLUMNS) of one plannable goal dict from ``goals.smart_check``."""
    s = inputs.settings
    metric, target = goal["metric"], goal["target"]
    scope = metrics.parse_scope(goal["scope"]) or {}
    last = monthly_values(inputs, lines, metric, scope, s.review_year)
    if goal["additive"]:
        grains = additive_plan(target, metric, last, s.plan_year)
        last_q = [np.nansum(last[q * 3:(q + 1) * 3]) for q in range(4)]
    else:
        base = goal["baseline"]
        base = base if base is not None and math.isfinite(base) else target
        grains = ratio_path(base, target, pd.Timestamp(goal["deadline"]), metric, s.plan_year)
        quarters = [(pd.Timestamp(s.review_year, q * 3 - 2, 1), pd.Timestamp(s.review_year, q * 3, 1)
                     + pd.offsets.MonthEnd(0)) for q in range(1, 5)]
        last_q = metric_values(inputs, lines, metric, scope, quarters)
    rows = []
    for grain, pairs in grains.items():
        for i, (period, value) in enumerate(pairs):
            ly = last[i] if grain == "month" else (last_q[i] if grain == "quarter" else np.nan)
            rows.append((goal["goal_id"], metric, period, grain, value, ly))
    return pd.DataFrame(rows, columns=PLAN_COLUMNS)


# ----------------------------------------------------------------------------------------- actions
def launch_year_sales(inputs: Inputs, lines: pd.DataFrame, scope: dict) -> tuple[float, int]:
    """(average review_year net_sales of the SKUs launched in review_year within the scope, their count).

    Launch = Products.launch_date, else the SKU's first order date in all the data. A SKU launched
    during the year earns only part of a year, exactly as a listing launched during plan_year will.
    """
    year = inputs.settings.review_year
    first = lines.groupby("sku")["order_date"].min()
    prod = inputs.products.drop_duplicates("sku").set_index("sku")["launch_date"]
    launch = prod.reindex(first.index).fillna(first) if len(prod) else first
    new_skus = launch[launch.dt.year == year].index
    cat = inputs.products.drop_duplicates("sku").set_index("sku")["category"]
    mine = lines["sku"].isin(new_skus) & (lines["year"] == year)
    sel = lines.loc[mine, ["sku", "channel", "country", "category", "net_sales"]]
    sel = sel[metrics.scope_mask(sel, scope, cat)]
    per_sku = sel.groupby("sku")["net_sales"].sum()
    return (float(per_sku.mean()) if len(per_sku) else np.nan), int(len(per_sku))


def _year_days(year: int) -> int:
    return 366 if calendar.isleap(year) else 365


def listing_cadence(total: int) -> Phrase:
    """How often to launch ``total`` new listings over the plan year's 52 weeks, in whole listings as a seller
    reads it: "每周 2 个", "每周 1–2 个", "每 3 周 1 个" -- never "每周 0.5 个" (issue 12 item 8)."""
    per_week = total / 52
    if per_week >= 1:
        return Phrase.of("plan.cadence_week", n=f"{per_week:.0f}" if per_week.is_integer()
                         else f"{math.floor(per_week)}–{math.ceil(per_week)}")
    weeks = math.floor(52 / total)
    return Phrase.of("plan.cadence_week", n=1) if weeks <= 1 else Phrase.of("plan.cadence_weeks", n=weeks)


def goal_actions(inputs: Inputs, lines: pd.DataFrame, goal: dict, plan: pd.DataFrame,
                 products: pd.DataFrame | None) -> list[dict]:
    """Weekly actions of one planned goal (ACTION_COLUMNS records)."""
    s = inputs.settings
    metric, gid = goal["metric"], goal["goal_id"]
    scope = metrics.parse_scope(goal["scope"]) or {}
    out = []
    weeks = plan[(plan["goal_id"] == gid) & (plan["grain"] == "week")]
    if goal["additive"] and len(weeks):
        # both years on the same footing: a year's total over its days, times 7 (not 53 plan weeks vs 52)
        per_week = goal["target"] / _year_days(s.plan_year) * 7
        last_year = float(np.nansum(plan.loc[(plan["goal_id"] == gid) & (plan["grain"] == "month"), "last_year"]))
        last_week = last_year / _year_days(s.review_year) * 7
        out.append({"goal_id": gid, "kind": "run_rate", "per_week": per_week, "total": goal["target"],
                    "basis": last_week,
                    "action": Phrase.of("plan.run_rate", per_week=value_phrase(metric, per_week), year=s.review_year,
                                        last=value_phrase(metric, last_week))})
    if metric in ("net_sales", "gross_sales") and math.isfinite(goal["baseline"] or np.nan):
        gap = goal["target"] - goal["baseline"]
        avg, n = launch_year_sales(inputs, lines, scope)
        if gap > 0 and n and avg > 0:
            total = math.ceil(gap / avg)
            per_week = total / 52
            text = Phrase.of("plan.listings", cadence=listing_cadence(total), gap=format_value(metric, gap),
                             year=s.review_year, avg=format_value(metric, avg), total=total)
            out.append({"goal_id": gid, "kind": "new_listings", "per_week": round(per_week, 2), "total": total,
                        "basis": avg, "action": text})
    if (metric in ("net_sales", "gross_sales", "orders", "units", "conversion_rate")
            and products is not None and "quadrant" in products.columns):
        prod = products
        if "sku" in scope and "sku" in prod.columns:
            prod = prod[prod["sku"].astype(str).isin(scope["sku"])]
        n = int((prod["quadrant"] == "fix_listing").sum())
        if n:
            weeks_n = int(s.t("fix_listing_weeks"))
            per_week = math.ceil(n / weeks_n)
            out.append({"goal_id": gid, "kind": "fix_listing", "per_week": per_week, "total": n, "basis": np.nan,
                        "action": Phrase.of("plan.fix_listing", per_week=per_week, total=n, weeks=weeks_n)})
    return out


# ------------------------------------------------------------------------------------- frozen plan
def frozen_from_rows(rows: list[list]) -> pd.DataFrame | None:
    """The frozen plan (FROZEN_COLUMNS) from the raw rows of the hidden ``xlr_plan`` sheet (None if unusable)."""
    if not rows or len(rows) < 2:
        return None
    header = [str(h).strip() if h is not None else "" for h in rows[0]]
    if not set(FROZEN_COLUMNS) <= set(header):
        return None
    body = pd.DataFrame([list(r) + [None] * (len(header) - len(r)) for r in rows[1:]], columns=header)
    body = body[FROZEN_COLUMNS].dropna(subset=["goal_id", "period"])
    for c in ("goal_id", "metric", "scope", "deadline", "period", "grain"):
        body[c] = body[c].map(lambda v: "" if v is None or (isinstance(v, float) and math.isnan(v)) else _text(v))
    for c in ("goal_target", "target", "plan_year"):
        body[c] = pd.to_numeric(body[c], errors="coerce")
    return body.reset_index(drop=True)


def _text(v) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if hasattr(v, "isoformat"):
        return v.isoformat()[:10]
    return str(v)


def frozen_table(goals: list[dict], plan: pd.DataFrame, plan_year: int) -> pd.DataFrame:
    """The machine-readable plan stored in the hidden ``xlr_plan`` sheet (FROZEN_COLUMNS)."""
    if plan is None or not len(plan):
        return pd.DataFrame(columns=FROZEN_COLUMNS)
    key = pd.DataFrame([{"goal_id": g["goal_id"], "scope": g["scope"], "goal_target": g["target"],
                         "deadline": g["deadline"] or ""} for g in goals]).drop_duplicates("goal_id")
    out = plan.merge(key, on="goal_id", how="left").assign(plan_year=plan_year)
    return out[FROZEN_COLUMNS]


def _frozen_rows(frozen: pd.DataFrame | None, goal: dict, plan_year: int) -> pd.DataFrame | None:
    if frozen is None or not len(frozen):
        return None
    f = frozen[frozen["goal_id"] == goal["goal_id"]]
    if not len(f):
        return None
    h = f.iloc[0]
    same = (h["metric"] == goal["metric"] and h["scope"] == goal["scope"] and h["plan_year"] == plan_year
            and math.isclose(float(h["goal_target"]), float(goal["target"]), rel_tol=0, abs_tol=1e-9)
            and (h["deadline"] or "") == (goal["deadline"] or ""))
    return f if same else None


class GoalPlan(NamedTuple):
    """The plan section: goals (the ``goals.smart_check`` records, each copied with ``planned`` and
    ``plan_frozen`` added), plan (PLAN_COLUMNS) and actions (ACTION_COLUMNS)."""
    goals: list[dict]
    plan: pd.DataFrame
    actions: pd.DataFrame


def plan_goals(inputs: Inputs, lines: metrics.Lines, checked: list[dict], products: pd.DataFrame | None = None,
               frozen: pd.DataFrame | None = None) -> GoalPlan:
    """The plan of every plannable goal of ``checked`` (``goals.smart_check``; not modified).

    plan: PLAN_COLUMNS, one row per goal x period (12 months, 4 quarters, 52-54 ISO weeks).
    actions: ACTION_COLUMNS (``products``: ``products.product_table``, for the fix-listing action).
    goals: one new record per checked goal with ``planned`` (it has plan rows) and ``plan_frozen`` (its
    targets come from ``frozen``). A goal whose goal_id, metric, scope, target, deadline and plan_year equal
    a row of ``frozen`` (``frozen_from_rows``) keeps its frozen targets (last_year is recomputed).
    """
    s = inputs.settings
    index = metrics.LineIndex.of(inputs, lines)             # every goal's figures from one index
    goals, parts, actions = [], [], []
    for checked_goal in checked:
        g = {**checked_goal, "planned": False, "plan_frozen": False}
        goals.append(g)
        if not g.get("plannable"):
            continue
        fresh = goal_plan(inputs, index, g)
        kept = _frozen_rows(frozen, g, s.plan_year)
        if kept is not None:
            old = kept.set_index(["period", "grain"])["target"]
            idx = pd.MultiIndex.from_frame(fresh[["period", "grain"]])
            if idx.isin(old.index).all():
                fresh = fresh.assign(target=old.reindex(idx).to_numpy())
                g["plan_frozen"] = True
        g["planned"] = True
        parts.append(fresh)
    plan = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=PLAN_COLUMNS)
    for g in goals:
        if g["planned"]:
            actions.extend(goal_actions(inputs, index.lines, g, plan, products))
    return GoalPlan(goals, plan, pd.DataFrame(actions, columns=ACTION_COLUMNS))
