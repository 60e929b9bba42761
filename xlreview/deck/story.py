"""The year-end deck as data: which slides, each one's conclusion title, KPIs, chart and table -- from the Review.

Pure (no python-pptx here): ``deck_story(review)`` returns a list of ``Slide``; ``deck.render`` draws them.
Every figure a slide shows is a value of the Review (the same object the sheets and the JSON come from),
recorded with the JSON path it comes from (``Figure.path``) so a test can compare the two. Each slide's
title is a conclusion picked by a rule named in docs/metrics.md 10.4 (``TITLE_RULES`` below says which);
a slide whose data is absent is left out.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from ..core.plan import listing_cadence
from ..core.products import PRODUCT_CLASSES
from ..core.review import Review
from ..text import label, render, tr

# slide key -> the rule that writes its title (docs/metrics.md 10.4 names the same rules)
TITLE_RULES = {
    "cover": "review and plan years",
    "review": "net sales, YoY change (or net profit and margin without a previous year)",
    "trend": "best month of net sales and the H2 vs H1 change",
    "kpis": "the ratio with the largest change vs the previous year (or margins and refund rate)",
    "channels": "fastest-growing channel and the first by profit per hour (+ problem channels)",
    "products": "heroes' count and share of net sales, problem SKUs",
    "quadrant": "count of high-traffic / low-conversion SKUs",
    "marketing": "ad ROAS, wasted keyword spend, promotions with real lift",
    "actions": "the action with the most money at stake",
    "goals": "SMART goals out of all, the first planned goal's weekly run-rate",
    "plan": "the first planned goal's first and last quarter",
    "budget": "next year's budget and its change, the line that gains most",
    "markets": "markets to deepen and to test",
    "product_moves": "heroes to replicate, listings to fix, problem SKUs to clear with stock at cost",
    "risks": "fired risks and the first of them (or the reserve to keep)",
}

Path = tuple          # a JSON path: ("summary", "net_sales"), ("channels", {"channel": "eBay"}, "growth"), ...


@dataclass
class Figure:
    """A number shown on a slide and where the JSON holds it (``derived`` names how it is derived from it)."""
    path: Path
    value: float | None
    derived: str = ""        # "" = the value at path; "sum" = sum of the list at path; "yoy" = this / previous - 1


@dataclass
class Series:
    name: str
    values: list
    path: Path | None = None          # JSON list and key the values come from, in category order
    x_values: list | None = None      # scatter charts only


@dataclass
class Chart:
    kind: str                 # column | bar | line | scatter
    categories: list[str]
    series: list[Series]
    number_format: str = "#,##0"
    title: str = ""


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]


@dataclass
class Slide:
    key: str
    title: str
    section: str = ""
    subtitle: str = ""
    kpis: list[tuple[str, str]] = field(default_factory=list)
    chart: Chart | None = None
    table: Table | None = None
    bullets: list[str] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)


# --------------------------------------------------------------------------------------- formatting
def _nan(x) -> bool:
    return x is None or (isinstance(x, float) and (math.isnan(x) or math.isinf(x)))


def money(x) -> str:
    return "—" if _nan(x) else f"{x:,.0f}"


def pct(x, signed: bool = False) -> str:
    if _nan(x):
        return "—"
    return f"{x:+.1%}" if signed else f"{x:.1%}"


def pp(x) -> str:
    return "—" if _nan(x) else f"{x * 100:+.1f} pp"


def num(x, digits: int = 2) -> str:
    return "—" if _nan(x) else f"{x:,.{digits}f}"


def value_text(key: str, x) -> str:
    """A summary figure as shown on a slide: ratios as percentages, AOV/LTV with cents, counts and money whole."""
    if key in RATIO_KEYS:
        return pct(x)
    if key in ("aov", "ltv"):
        return num(x)
    return money(x)


RATIO_KEYS = {"gross_margin", "net_margin", "refund_rate", "unit_refund_rate", "tacos", "conversion_rate",
              "repeat_rate", "unit_session_rate", "cart_abandonment_rate"}
LOWER_IS_BETTER = {"refund_rate", "unit_refund_rate", "tacos", "cart_abandonment_rate"}


def _w(key: str, lang: str, **params) -> str:
    return tr("deck." + key, lang, **params)


def _records(frame: pd.DataFrame | None) -> list[dict]:
    return [] if frame is None else frame.to_dict(orient="records")


def _prev(review: Review, key: str):
    """The previous year's figure, None when absent or not comparable (``review.not_comparable``: the data
    starts inside that year, so the comparison would only show where the data begins -- as on the Dashboard)."""
    p = review.previous or {}
    v = p.get(key)
    return None if _nan(v) or key in getattr(review, "not_comparable", {}) else v


def _yoy(review: Review, key: str):
    prev, cur = _prev(review, key), review.summary.get(key)
    if prev is None or _nan(cur) or prev == 0:
        return None
    return cur / prev - 1


# ------------------------------------------------------------------------------------------- slides
def cover(review: Review) -> Slide:
    s, lang = review.settings, review.lang
    return Slide("cover", _w("cover_title", lang, year=s.review_year, plan_year=s.plan_year),
                 subtitle=_w("cover_sub", lang, cur=s.base_currency))


def review_slide(review: Review) -> Slide:
    lang, s = review.lang, review.summary
    keys = ["net_sales", "gross_profit", "contribution_profit", "net_profit"]
    figs = [Figure(("summary", k), s[k]) for k in ("net_sales", "net_profit", "net_margin", "orders", "customers")]
    g = _yoy(review, "net_sales")
    if g is not None:
        title = _w("t_review_yoy", lang, ns=money(s["net_sales"]), g=pct(g, True), np=money(s["net_profit"]))
        figs.append(Figure(("summary", "net_sales"), g, "yoy"))
    else:
        title = _w("t_review", lang, ns=money(s["net_sales"]), np=money(s["net_profit"]), nm=pct(s["net_margin"]))
    kpis = []
    for k in ("net_sales", "net_profit", "net_margin", "orders", "customers"):
        text = value_text(k, s[k])
        change = _yoy(review, k) if k not in RATIO_KEYS else None
        if k in RATIO_KEYS and _prev(review, k) is not None and not _nan(s[k]):
            text += f"  ({pp(s[k] - _prev(review, k))})"
        elif change is not None:
            text += f"  ({pct(change, True)})"
        kpis.append((label(k, lang), text))
    series = [Series(_w("this_year", lang, year=review.settings.review_year), [s[k] for k in keys],
                     ("summary", keys))]
    if review.previous and any(_prev(review, k) is not None for k in keys):
        series.insert(0, Series(_w("this_year", lang, year=review.settings.review_year - 1),
                                [_prev(review, k) for k in keys], ("previous", keys)))
    chart = Chart("column", [label(k, lang) for k in keys], series, "#,##0")
    return Slide("review", title, _w("sec_review", lang), kpis=kpis, chart=chart, figures=figs)


def trend_slide(review: Review) -> Slide | None:
    m = review.monthly
    if m is None or not m["net_sales"].abs().sum():
        return None
    lang, year = review.lang, review.settings.review_year
    best = int(m["net_sales"].idxmax())
    h1, h2 = float(m.loc[1:6, "net_sales"].sum()), float(m.loc[7:12, "net_sales"].sum())
    half = h2 / h1 - 1 if h1 else None
    months = [f"{year}-{i:02d}" for i in m.index]
    title = _w("t_trend", lang, month=months[best - 1], ns=money(m.loc[best, "net_sales"]), g=pct(half, True))
    chart = Chart("line", months, [Series(label("net_sales", lang), m["net_sales"].tolist(), ("monthly", "net_sales")),
                                   Series(label("net_profit", lang), m["net_profit"].tolist(),
                                          ("monthly", "net_profit"))], "#,##0")
    figs = [Figure(("monthly", {"month": months[best - 1]}, "net_sales"), float(m.loc[best, "net_sales"]))]
    return Slide("trend", title, _w("sec_review", lang), chart=chart, figures=figs)


KPI_TABLE = ["gross_margin", "net_margin", "aov", "refund_rate", "conversion_rate", "tacos", "customers",
             "new_customers", "repeat_rate", "ltv"]
KPI_CHART = ["gross_margin", "net_margin", "refund_rate", "conversion_rate", "repeat_rate", "tacos"]
KPI_TITLE = ["gross_margin", "net_margin", "refund_rate", "tacos", "conversion_rate"]


def kpi_slide(review: Review) -> Slide:
    lang, s = review.lang, review.summary
    has_prev = review.previous is not None
    rows, figs = [], []
    for k in KPI_TABLE:
        prev = _prev(review, k)
        if k in RATIO_KEYS:
            change = pp(s[k] - prev) if prev is not None and not _nan(s[k]) else "—"
        else:
            change = pct(_yoy(review, k), True)
        rows.append([label(k, lang), value_text(k, s[k])] + ([value_text(k, prev), change] if has_prev else []))
        figs.append(Figure(("summary", k), s[k]))
    header = [_w("metric", lang), str(review.settings.review_year)]
    if has_prev:
        header += [str(review.settings.review_year - 1), _w("change", lang)]
    moves = {k: s[k] - _prev(review, k) for k in KPI_TITLE if _prev(review, k) is not None and not _nan(s[k])}
    if moves:
        k = max(moves, key=lambda x: (abs(moves[x]), -KPI_TITLE.index(x)))
        better = (moves[k] < 0) == (k in LOWER_IS_BETTER)
        title = _w("t_kpis_change", lang, metric=label(k, lang), value=pct(s[k]), change=pp(moves[k]),
                   verdict=_w("better" if better else "worse", lang))
    else:
        title = _w("t_kpis", lang, gm=pct(s["gross_margin"]), nm=pct(s["net_margin"]), rr=pct(s["refund_rate"]))
    series = [Series(str(review.settings.review_year), [s[k] for k in KPI_CHART], ("summary", KPI_CHART))]
    if has_prev:
        series.insert(0, Series(str(review.settings.review_year - 1), [_prev(review, k) for k in KPI_CHART],
                                ("previous", KPI_CHART)))
    chart = Chart("bar", [label(k, lang) for k in KPI_CHART], series, "0.0%")
    return Slide("kpis", title, _w("sec_kpis", lang), chart=chart, table=Table(header, rows), figures=figs)


def channel_slide(review: Review) -> Slide | None:
    ch = review.channels
    if ch is None or ch.empty:
        return None
    lang = review.lang
    by_rank = ch.sort_values("rank")
    top = by_rank.iloc[0]
    grow = ch[ch["growth"].notna() & ~ch["growth"].isin([float("inf")])]
    problems = ch[ch["class"].eq("problem")]
    figs = [Figure(("channels", {"channel": top["channel"]}, "profit_per_hour"), top["profit_per_hour"])]
    if len(grow):
        fast = grow.loc[grow["growth"].idxmax()]
        figs.append(Figure(("channels", {"channel": fast["channel"]}, "growth"), fast["growth"]))
        if fast["channel"] == top["channel"]:
            title = _w("t_channels_same", lang, ch=fast["channel"], g=pct(fast["growth"], True))
        else:
            title = _w("t_channels", lang, fast=fast["channel"], g=pct(fast["growth"], True), top=top["channel"])
    else:
        title = _w("t_channels_top", lang, top=top["channel"], pph=money(top["profit_per_hour"]))
    if len(problems):
        title += _w("t_channels_problems", lang, n=len(problems), names="、".join(problems["channel"])
                    if lang == "zh" else ", ".join(problems["channel"]))
    rows = [[r["channel"], label(f"cclass_{r['class']}", lang), money(r["net_sales"]), pct(r["growth"], True),
             money(r["net_profit"]), money(r["profit_per_hour"])] for r in _records(by_rank)]
    header = [label(k, lang) for k in ("channel", "class", "net_sales", "growth", "net_profit", "profit_per_hour")]
    chart = Chart("bar", by_rank["channel"].tolist(),
                  [Series(label("profit_per_hour", lang), by_rank["profit_per_hour"].tolist(),
                          ("channels", "profit_per_hour"))], "#,##0")
    return Slide("channels", title, _w("sec_channels", lang), chart=chart, table=Table(header, rows), figures=figs)


def product_slide(review: Review) -> Slide | None:
    pr = review.products
    if pr is None or pr.empty:
        return None
    lang, s = review.lang, review.summary
    by_class = pr.groupby("class")["net_sales"].sum().reindex(PRODUCT_CLASSES, fill_value=0.0)
    heroes = pr[pr["class"].eq("hero")]
    problems = pr[pr["class"].eq("problem")].sort_values("net_sales", ascending=False)
    hero_share = by_class["hero"] / s["net_sales"] if s["net_sales"] else None
    title = _w("t_products", lang, n=len(heroes), share=pct(hero_share), m=len(problems))
    figs = [Figure(("products", {"class": "hero"}, "net_sales"), float(by_class["hero"]), "sum")]
    rows = []
    for r in _records(problems.head(6)):
        reasons = r.get("return_reasons")
        top_reason = ""
        if isinstance(reasons, list) and reasons:
            top_reason = ", ".join(f"{x['reason']} {x['qty']:.0f}" for x in reasons[:2])
        rows.append([r["sku"], render(r["reason"], lang), top_reason or "—", money(r["net_profit"])])
    header = [label("sku", lang), _w("why_problem", lang), _w("return_reasons", lang), label("net_profit", lang)]
    chart = Chart("column", [label(f"pclass_{c}", lang) for c in PRODUCT_CLASSES],
                  [Series(label("net_sales", lang), by_class.tolist(), ("products", "net_sales", "by_class"))],
                  "#,##0")
    return Slide("products", title, _w("sec_products", lang), chart=chart,
                 table=Table(header, rows) if rows else None, figures=figs)


QUADRANTS = ["star", "fix_listing", "needs_traffic", "rethink"]


def quadrant_slide(review: Review) -> Slide | None:
    pr = review.products
    if pr is None or not pr["quadrant"].isin(QUADRANTS).any():
        return None
    lang = review.lang
    q = pr[pr["quadrant"].isin(QUADRANTS)]
    fix = q[q["quadrant"].eq("fix_listing")].sort_values("sessions", ascending=False)
    if len(fix):
        title = _w("t_quadrant", lang, n=len(fix), skus=", ".join(fix["sku"].head(3)))
    else:
        title = _w("t_quadrant_none", lang, n=int(q["quadrant"].eq("star").sum()))
    series = [Series(label(f"quad_{k}", lang), q.loc[q["quadrant"].eq(k), "conversion_rate"].tolist(),
                     ("products", {"quadrant": k}, "conversion_rate"),
                     x_values=q.loc[q["quadrant"].eq(k), "sessions"].tolist()) for k in QUADRANTS]
    chart = Chart("scatter", [], [x for x in series if x.values], "0.0%")
    return Slide("quadrant", title, _w("sec_products", lang), chart=chart,
                 bullets=[f"{label(f'quad_{k}', lang)}: {int(q['quadrant'].eq(k).sum())}" for k in QUADRANTS])


def marketing_slide(review: Review) -> Slide | None:
    camp, kw, pm = review.campaigns, review.keywords, review.promotions
    if (camp is None or camp.empty) and (pm is None or pm.empty):
        return None
    lang = review.lang
    figs, kpis = [], []
    spend = float(camp["spend"].sum()) if camp is not None else 0.0
    sales = float(camp["sales"].sum()) if camp is not None else 0.0
    roas = sales / spend if spend else None
    waste = float(kw.loc[kw["waste"], "spend"].sum()) if kw is not None and len(kw) else 0.0
    judged = pm[pm["verdict"].notna()] if pm is not None else pd.DataFrame(columns=["verdict"])
    inc = int(judged["verdict"].eq("incremental").sum())
    title = _w("t_marketing", lang, roas=num(roas), waste=money(waste), inc=inc, n=len(judged))
    figs += [Figure(("campaigns", "spend"), spend, "sum"), Figure(("campaigns", "sales"), sales, "sum")]
    kpis = [(label("ad_spend", lang), money(spend)), (label("roas", lang), num(roas)),
            (_w("wasted", lang), money(waste))]
    chart = None
    if camp is not None and len(camp):
        top = camp.sort_values("spend", ascending=False).head(10)
        chart = Chart("bar", [f"{r['channel']} · {r['campaign']}" for r in _records(top)],
                      [Series(label("roas", lang), top["roas"].tolist(), ("campaigns", "roas"))], "0.00")
    table = None
    if pm is not None and len(pm):
        rows = [[r["name"], label(f"verdict_{r['verdict']}" if r["verdict"] else "verdict_none", lang),
                 money(r["incremental_sales"]), money(r["promo_profit"])] for r in _records(pm)]
        table = Table([label("promo_name", lang), label("verdict", lang), label("incremental_sales", lang),
                       label("promo_profit", lang)], rows)
    return Slide("marketing", title, _w("sec_marketing", lang), kpis=kpis, chart=chart, table=table, figures=figs)


def actions_slide(review: Review) -> Slide | None:
    a = review.actions
    if a is None or a.empty:
        return None
    lang = review.lang
    first = a.iloc[0]
    area = tr("action.area_" + first["area"], lang)        # the core's codes and phrases, in words
    if not _nan(first["at_stake"]):
        title = _w("t_actions", lang, area=area, item=first["item"], stake=money(first["at_stake"]))
    else:
        title = _w("t_actions_nomoney", lang, area=area, item=first["item"])
    rows = [[tr("action.area_" + r["area"], lang), render(r["item"], lang), render(r["action"], lang),
             money(r["at_stake"])] for r in _records(a.head(8))]
    header = [label("actions_area", lang), label("actions_item", lang), label("actions_what", lang),
              label("actions_stake", lang)]
    return Slide("actions", title, _w("sec_actions", lang), table=Table(header, rows),
                 figures=[Figure(("actions", 0, "at_stake"), first["at_stake"])])


def _run_rates(review: Review) -> dict[str, float]:
    pa = review.plan_actions
    if pa is None or pa.empty:
        return {}
    rr = pa[pa["kind"].eq("run_rate")]
    return dict(zip(rr["goal_id"], rr["per_week"]))


def goals_slide(review: Review) -> Slide | None:
    goals = review.goals or []
    if not goals:
        return None
    lang = review.lang
    rr = _run_rates(review)
    smart = sum(bool(g.get("smart")) for g in goals)
    planned = [g for g in goals if g["goal_id"] in rr]
    if planned:
        g = planned[0]
        title = _w("t_goals_rr", lang, k=smart, n=len(goals), goal=g["description"] or g["goal_id"],
                   rr=value_text(g["metric"], rr[g["goal_id"]]))
    else:
        title = _w("t_goals", lang, k=smart, n=len(goals))
    rows = [[g["goal_id"], g.get("description") or "", label(g["metric"], lang) if g.get("metric") else "",
             value_text(g.get("metric") or "", g.get("target")),
             label("band_" + g["achievability"], lang) if g.get("achievability") else "—",
             "✓" if g.get("smart") else "✗",
             value_text(g.get("metric") or "", rr[g["goal_id"]]) if g["goal_id"] in rr else "—"] for g in goals]
    header = [label("goal_id", lang), _w("goal", lang), _w("metric", lang), label("target", lang),
              label("achievability", lang), "SMART", _w("per_week", lang)]
    figs = [Figure(("plan_actions", {"goal_id": gid, "kind": "run_rate"}, "per_week"), v) for gid, v in rr.items()]
    return Slide("goals", title, _w("sec_goals", lang), table=Table(header, rows), figures=figs)


def plan_slide(review: Review) -> Slide | None:
    plan, goals = review.plan, review.goals or []
    if plan is None or plan.empty:
        return None
    lang = review.lang
    q = plan[plan["grain"].eq("quarter")]
    ids = [g["goal_id"] for g in goals if g["goal_id"] in set(q["goal_id"]) and g.get("additive")]
    if not ids:
        return None
    metric = next(g["metric"] for g in goals if g["goal_id"] == ids[0])
    same = [i for i in ids if next(g["metric"] for g in goals if g["goal_id"] == i) == metric]
    periods = sorted(q["period"].unique())
    series = []
    for gid in same:
        vals = q[q["goal_id"].eq(gid)].set_index("period")["target"].reindex(periods)
        series.append(Series(gid, vals.tolist(), ("plan", {"goal_id": gid, "grain": "quarter"}, "target")))
    first = series[0].values
    g0 = next(g for g in goals if g["goal_id"] == ids[0])
    title = _w("t_plan", lang, goal=g0["description"] or g0["goal_id"], q1=value_text(metric, first[0]),
               q4=value_text(metric, first[-1]), first=periods[0][-2:], last=periods[-1][-2:])
    chart = Chart("column", [p[-2:] for p in periods], series, "#,##0", title=label(metric, lang))
    rows = []
    for gid in ids:
        vals = q[q["goal_id"].eq(gid)].set_index("period")["target"].reindex(periods)
        m = next(g["metric"] for g in goals if g["goal_id"] == gid)
        rows.append([gid, label(m, lang)] + [value_text(m, v) for v in vals])
    table = Table([label("goal_id", lang), _w("metric", lang)] + [p[-2:] for p in periods], rows)
    figs = [Figure(("plan", {"goal_id": ids[0], "grain": "quarter", "period": periods[0]}, "target"), first[0])]
    return Slide("plan", title, _w("sec_goals", lang), chart=chart, table=table, figures=figs)


def _strategy(review: Review, key: str) -> pd.DataFrame | None:
    """The strategy table ``key`` (core/strategy.py), None when there is no strategy or the table is empty."""
    st = review.strategy
    return None if st is None or st[key].empty else st[key]


def budget_slide(review: Review) -> Slide | None:
    if _strategy(review, "budget_lines") is None:
        return None
    st, lang = review.strategy, review.lang
    b = st["budget"].iloc[0]
    lines = st["budget_lines"]
    gain = lines.loc[lines["change"].idxmax()]
    name = f"{gain['channel']} · {gain['line']}" if gain["channel"] else gain["line"]
    title = _w("t_budget", lang, budget=money(b["budget"]), g=pct(b["budget"] / b["spend"] - 1 if b["spend"] else None,
                                                                  True), line=name)
    ch = st["budget_channels"]
    cats = [c or _w("no_channel", lang) for c in ch["channel"]]
    chart = Chart("bar", cats, [Series(_w("this_year", lang, year=review.settings.review_year), ch["spend"].tolist(),
                                       ("strategy", "budget_channels", "spend")),
                                Series(_w("this_year", lang, year=review.settings.plan_year), ch["budget"].tolist(),
                                       ("strategy", "budget_channels", "budget"))], "#,##0")
    mv = st["budget_moves"].head(6)
    from ..sheets.strategy import line_label
    rows = [[line_label(r["source"], lang), line_label(r["target"], lang), money(r["amount"])] for r in _records(mv)]
    table = Table([label("st_source", lang), label("st_target_line", lang), label("st_amount", lang)], rows)
    kpis = [(label("st_spend", lang), money(b["spend"])), (label("st_budget", lang), money(b["budget"])),
            (label("st_reserve", lang), money(b["reserve"])), (label("st_effect", lang), money(b["expected_profit_change"]))]
    figs = [Figure(("strategy", "budget", "budget"), b["budget"]), Figure(("strategy", "budget", "reserve"), b["reserve"])]
    return Slide("budget", title, _w("sec_plan", lang), kpis=kpis, chart=chart, table=table,
                 bullets=[label("st_assumption", lang)], figures=figs)


def market_slide(review: Review) -> Slide | None:
    mk = _strategy(review, "markets")
    if mk is None:
        return None
    lang = review.lang
    sep = "、" if lang == "zh" else ", "
    deepen = sep.join(mk.loc[mk["class"].eq("deepen"), "country"]) or label("st_none", lang)
    test = sep.join(mk.loc[mk["class"].eq("test"), "country"]) or label("st_none", lang)
    title = _w("t_markets", lang, deepen=deepen, test=test)
    rows = [[r["country"], money(r["net_sales"]), pct(r["share"]), pct(r["growth"], True),
             pct(r["contribution_margin"]), label(f"st_class_{r['class']}", lang)] for r in _records(mk.head(10))]
    header = [label("country", lang), label("net_sales", lang), label("share", lang), label("growth", lang),
              label("st_contribution_margin", lang), label("st_market_class", lang)]
    chart = Chart("bar", mk["country"].head(10).tolist(),
                  [Series(label("st_contribution_margin", lang), mk["contribution_margin"].head(10).tolist(),
                          ("strategy", "markets", "contribution_margin"))], "0.0%")
    return Slide("markets", title, _w("sec_plan", lang), chart=chart, table=Table(header, rows))


def product_moves_slide(review: Review) -> Slide | None:
    pr = _strategy(review, "products")
    if pr is None:
        return None
    st, lang = review.strategy, review.lang
    n_rep, n_fix = int(pr["action"].eq("replicate").sum()), int(pr["action"].eq("fix_listing").sum())
    clear = pr[pr["action"].eq("clear")]
    title = _w("t_product_moves", lang, rep=n_rep, fix=n_fix, clear=len(clear), value=money(clear["stock_value"].sum()))
    from ..sheets.strategy import product_todo
    todo = product_todo(review)
    rows = [[label(f"st_action_{r['action']}", lang), r["sku"], t] for r, t in zip(_records(pr), todo)][:10]
    table = Table([label("st_action", lang), label("sku", lang), label("st_what_to_do", lang)], rows)
    nl = st["new_listings"]
    bullets = [_w("new_listings", lang, goal=r["goal_id"], n=int(r["total"]),
                  w=render(listing_cadence(int(r["total"])), lang))
               for r in _records(nl)]
    figs = [Figure(("strategy", "products", {"action": "clear"}, "stock_value"), float(clear["stock_value"].sum()), "sum")]
    return Slide("product_moves", title, _w("sec_plan", lang), table=table, bullets=bullets, figures=figs)


def risk_slide(review: Review) -> Slide | None:
    rk = review.risks
    if rk is None or rk.empty:
        return None
    lang = review.lang
    fired = rk[rk["triggered"]]
    if len(fired):
        title = _w("t_risks", lang, n=len(fired), first=label(f"risk_{fired.iloc[0]['kind']}", lang))
    else:
        reserve = rk[rk["kind"].eq("flexible_budget")]
        title = _w("t_risks_none", lang, reserve=money(reserve["figure"].iloc[0]) if len(reserve) else "—")
    shown = pd.concat([fired, rk[rk["kind"].eq("flexible_budget")]])
    rows = [[label(f"risk_{r['kind']}", lang), r["message"], r["contingency"]] for r in _records(shown)]
    header = [label("risk", lang), label("message", lang), label("contingency", lang)]
    return Slide("risks", title, _w("sec_risks", lang), table=Table(header, rows))


SLIDES = [cover, review_slide, trend_slide, kpi_slide, channel_slide, product_slide, quadrant_slide,
          marketing_slide, actions_slide, goals_slide, plan_slide, budget_slide, market_slide, product_moves_slide,
          risk_slide]


def deck_story(review: Review) -> list[Slide]:
    """The slides of the deck in order (title → review → core figures → channels → products → marketing →
    causes → goals and plan → next year's budget, markets, products → risks); absent data, no slide."""
    return [s for s in (make(review) for make in SLIDES) if s is not None]
