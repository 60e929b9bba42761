"""Weekly tracking (METRICS 8): plan vs actual per ISO week of plan_year, cumulative, status, forecast.

Orders (Traffic for sessions, Ads for ad_spend) dated in plan_year are the actuals. Choices where
METRICS is silent (docs/goals.md):

- rows cover EVERY plan week of a goal with an additive metric; weeks after the last week with data
  (the ISO week of the latest plan_year date of the metric's source, over the whole business) keep
  their plan but have empty actual, cumulative actual, deviation, status and forecast, so the chart
  shows the whole year; when plan_year has no data at all the goal has no tracking rows;
- the latest week may be partial (data up to a Wednesday): it still counts its whole plan week;
- status compares the deviation rounded to 9 decimals, so 95 of 100 is exactly -0.05 (on_track);
- forecast = cum_actual + (target - cum_plan) * cum_actual / cum_plan (empty when cum_plan is 0).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..text import Phrase
from . import metrics
from .goals import value_phrase
from .inputs import Inputs
from .plan import plan_days, week_labels

TRACKING_COLUMNS = ["goal_id", "metric", "week", "plan", "actual", "cum_plan", "cum_actual", "deviation",
                    "status", "forecast"]
STATUSES = ("on_track", "at_risk", "off_track")
LEFT_OUT = ("not_additive", "not_planned")      # goals the weekly tracking leaves out (latest_week's status)


def status_of(deviation: float, settings) -> str | None:
    """on_track (>= on_track_deviation), at_risk (>= at_risk_deviation), off_track; None when unknown."""
    if deviation is None or not np.isfinite(deviation):
        return None
    d = round(float(deviation), 9)
    if d >= settings.t("on_track_deviation"):
        return "on_track"
    if d >= settings.t("at_risk_deviation"):
        return "at_risk"
    return "off_track"


def _source_dates(inputs: Inputs, lines: pd.DataFrame, metric: str) -> pd.Series:
    if metric == "sessions":
        return inputs.traffic["date"]
    if metric == "ad_spend":
        return inputs.ads["date"]
    return lines["order_date"]


def last_data_day(inputs: Inputs, lines: pd.DataFrame, metric: str) -> pd.Timestamp | None:
    """The latest plan_year date of the metric's source (None when plan_year has no data)."""
    d = _source_dates(inputs, lines, metric)
    d = d[d.dt.year == inputs.settings.plan_year]
    return d.max() if len(d) else None


def weekly_actuals(inputs: Inputs, lines: metrics.Lines, metric: str, scope: dict) -> pd.Series:
    """The metric per ISO week label over the plan_year days of each week, for a scope.

    One group-by for the metrics summed from order lines, orders, customers, new customers, sessions
    and ad spend; other additive metrics (profits, marketing costs) fall back to ``period_summary``
    per week.
    """
    year = inputs.settings.plan_year
    index = metrics.LineIndex.of(inputs, lines)
    lines, cat = index.lines, index.categories
    sums = dict(metrics.LINE_SUMS)
    if metric in sums or metric in ("orders", "customers"):
        sel = lines[(lines["year"] == year) & metrics.scope_mask(lines, scope, cat)]
        weeks = week_labels(sel["order_date"])
        if metric == "orders":
            return sel.groupby(weeks)["order_key"].nunique().astype("float64")
        if metric == "customers":
            c = sel[sel["customer_code"].ge(0)]
            return c.groupby(weeks[c.index])["customer_code"].nunique().astype("float64")
        return sel.groupby(weeks)[sums[metric]].sum().astype("float64")
    if metric == "new_customers":
        # new = first order in ALL the data (order_lines' first_order_date) in the plan year, with an
        # order in scope that year; counted in the week of that first order (weeks sum to the year)
        scoped = lines[metrics.scope_mask(lines, scope, cat) & lines["customer_code"].ge(0)
                       & (lines["year"] == year) & (lines["first_order_date"].dt.year == year)]
        first = scoped.groupby("customer_code")["first_order_date"].min()
        return first.groupby(week_labels(first)).size().astype("float64")
    if metric == "sessions":
        tr = inputs.traffic[inputs.traffic["date"].dt.year == year]
        sku_grain = "sku" in scope or "category" in scope
        tr = tr[tr["sku"].ne("")] if sku_grain else tr[tr["sku"].eq("")]
        tr = tr[metrics.scope_mask(tr, {k: v for k, v in scope.items() if k != "country"}, cat)]
        return tr.groupby(week_labels(tr["date"]))["sessions"].sum().astype("float64")
    if metric == "ad_spend":
        ads = inputs.ads[inputs.ads["date"].dt.year == year]
        ads = ads[metrics.scope_mask(ads, {k: v for k, v in scope.items() if k in ("channel", "sku", "category")}, cat)]
        return ads.groupby(week_labels(ads["date"]))["spend"].sum().astype("float64")
    days = plan_days(year).groupby("week", sort=False)["date"].agg(["min", "max"])
    weeks = index.summaries(list(zip(days["min"], days["max"])), scope, keys={metric})
    return pd.Series([float(w.get(metric, np.nan)) for w in weeks], index=days.index.rename(None), dtype="float64")


def goal_tracking(inputs: Inputs, lines: metrics.Lines, goal: dict, week_plan: pd.DataFrame) -> pd.DataFrame:
    """TRACKING_COLUMNS rows of one goal; ``week_plan`` holds its plan rows of grain week, in order."""
    metric = goal["metric"]
    end = last_data_day(inputs, metrics.LineIndex.of(inputs, lines).lines, metric)
    if end is None or not len(week_plan):
        return pd.DataFrame(columns=TRACKING_COLUMNS)
    scope = metrics.parse_scope(goal["scope"]) or {}
    weeks = week_plan["period"].tolist()
    plan = week_plan["target"].astype("float64").to_numpy(copy=True)
    last_week = week_labels(pd.Series([end])).iloc[0]
    n = weeks.index(last_week) + 1 if last_week in weeks else len(weeks)
    actual = weekly_actuals(inputs, lines, metric, scope).reindex(weeks).fillna(0.0).to_numpy(copy=True)
    actual[n:] = np.nan
    cum_plan = np.cumsum(plan)
    cum_actual = np.cumsum(actual)       # NaN after the data ends
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(cum_plan != 0, cum_actual / np.where(cum_plan != 0, cum_plan, 1.0), np.nan)
    total = float(plan.sum())
    deviation = ratio - 1
    forecast = cum_actual + (total - cum_plan) * ratio
    frame = pd.DataFrame({"goal_id": goal["goal_id"], "metric": metric, "week": weeks, "plan": plan,
                          "actual": actual, "cum_plan": cum_plan, "cum_actual": cum_actual,
                          "deviation": deviation, "forecast": forecast})
    frame["status"] = [status_of(d, inputs.settings) for d in deviation]
    return frame[TRACKING_COLUMNS]


def tracking_frame(inputs: Inputs, lines: metrics.Lines, goals: list[dict], plan: pd.DataFrame) -> pd.DataFrame:
    """Tracking rows (TRACKING_COLUMNS) of every planned goal with an additive metric."""
    lines = metrics.LineIndex.of(inputs, lines)             # every goal's weeks from one index
    parts = []
    for g in goals:
        if not (g.get("planned") and g.get("additive")):
            continue
        wp = plan[(plan["goal_id"] == g["goal_id"]) & (plan["grain"] == "week")]
        t = goal_tracking(inputs, lines, g, wp)
        if len(t):
            parts.append(t)
    if not parts:
        return pd.DataFrame(columns=TRACKING_COLUMNS)
    return pd.concat(parts, ignore_index=True)


def latest_status(tracking: pd.DataFrame) -> pd.DataFrame:
    """Per goal, the tracking row of the latest week with actuals (TRACKING_COLUMNS)."""
    if tracking is None or not len(tracking):
        return pd.DataFrame(columns=TRACKING_COLUMNS)
    known = tracking[tracking["cum_actual"].notna()]
    return known.groupby("goal_id", sort=False).tail(1).reset_index(drop=True)


def latest_week(goals: list[dict] | None, tracking: pd.DataFrame | None) -> pd.DataFrame:
    """The "where do we stand" report of the Tracking sheet and ``xlreview track``: one row per goal, in
    Goals order.

    Columns TRACKING_COLUMNS + description, target. A tracked goal (planned, additive metric) has the row
    of its latest week with actuals, status one of STATUSES (None when the cumulative plan is 0), or every
    tracking figure empty and status ``no_data`` before any plan_year data. A goal left out has status
    ``not_additive`` (a ratio or distinct count: followed on the Plan's monthly path, METRICS 8 tracks
    additive metrics) or ``not_planned`` (metric, scope, target or deadline incomplete: see SMART check).
    """
    latest = latest_status(tracking).set_index("goal_id")
    rows = []
    for g in goals or []:
        if not g.get("planned"):
            row = {"metric": g.get("metric"), "status": "not_planned"}
        elif not g.get("additive"):
            row = {"metric": g["metric"], "status": "not_additive"}
        elif g["goal_id"] in latest.index:
            row = latest.loc[g["goal_id"]].to_dict()
        else:
            row = {"metric": g["metric"], "status": "no_data"}
        rows.append({**{c: np.nan for c in TRACKING_COLUMNS}, **row, "goal_id": g["goal_id"],
                     "description": g.get("description", ""), "target": g.get("target")})
    return pd.DataFrame(rows, columns=TRACKING_COLUMNS + ["description", "target"])


def status_phrase(row: dict, plan_year: int) -> Phrase:
    """One goal's line of the report (a ``latest_week`` row) as a sentence the edge renders: the figures of
    its latest week with status and deviation, or why it has none (no plan_year data yet, left out)."""
    goal, description, status, metric = row["goal_id"], row["description"], row["status"], row["metric"]
    if status in LEFT_OUT:
        why = (Phrase.of("label.track_left_out_ratio", metric=Phrase.of("label." + metric))
               if status == "not_additive" else Phrase.of("label.track_left_out_unplanned"))
        return Phrase.of("msg.track_left_out", goal=goal, description=description, why=why)
    if status == "no_data":
        return Phrase.of("msg.track_no_data", goal=goal, description=description, year=plan_year)
    deviation = row["deviation"]
    return Phrase.of("msg.track_line", goal=goal, week=row["week"], description=description,
                     status=Phrase.of("label.status_" + status) if isinstance(status, str) else "—",
                     deviation=Phrase.of("word.change", value=float(deviation))
                     if deviation is not None and np.isfinite(deviation) else "—",
                     cum_actual=value_phrase(metric, row["cum_actual"]), cum_plan=value_phrase(metric, row["cum_plan"]),
                     forecast=value_phrase(metric, row["forecast"]), target=value_phrase(metric, row["target"]))
