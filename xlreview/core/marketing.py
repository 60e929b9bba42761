"""METRICS.md section 4 (marketing): campaigns, keywords, promotions, content formats.

Pure pandas, DataFrame in / DataFrame out. Inputs follow the ``Inputs`` conventions (money in base
currency, dates at midnight, optional numeric blanks 0, optional text blanks ""). Every ratio with a
zero denominator is NaN (an empty cell, JSON null).

Definitions chosen where METRICS is silent (also in docs/metrics.md):

- keyword ``rank``: 1 = most cost-effective. Keywords that are not ``waste`` come first, by ROAS
  descending (keywords without spend, ROAS empty, after those with one), ties by sales descending, then
  by spend ascending; ``waste`` keywords come last, the biggest spend first (the first to cut).
- keyword ``suggestion`` (rules as data, ``KEYWORD_RULES``; first match wins), with the break-even ACoS
  = the channel's margin before ads ((gross_profit - platform, fulfillment and shipping costs) /
  net_sales of review_year; ``target_acos`` when the channel has no sales):
  ``negate`` waste; ``lower_bid`` ACoS above break-even; ``raise_bid`` ACoS at most
  ``raise_bid_acos_share`` (0.5) of break-even with at least one order; ``keep`` otherwise (also spend
  without sales still below ``waste_min_spend``: too little data to judge).
- promotions: see ``promotion_table``.
- content ``roi`` = (revenue - cost) / cost, on attributed revenue (not profit).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .inputs import Settings
from .metrics import safe_div

AD_SUMS = ["spend", "sales", "orders", "clicks", "impressions"]
AD_RATIOS = ["roas", "acos", "ctr", "cpc", "cvr", "cpa"]
PROMOTION_TYPES = {"promotion", "promo", "促销", "促销活动"}
VERDICTS = ("incremental", "pulled_forward", "no_lift")
SUGGESTIONS = ("negate", "lower_bid", "raise_bid", "keep")


# ----------------------------------------------------------------------------------------- ads
def ad_ratios(sums: pd.DataFrame) -> pd.DataFrame:
    """Add roas, acos, ctr, cpc, cvr, cpa (METRICS 4) to a frame holding the summed AD_SUMS."""
    t = sums.copy()
    t["roas"] = safe_div(t["sales"], t["spend"])
    t["acos"] = safe_div(t["spend"], t["sales"])
    t["ctr"] = safe_div(t["clicks"], t["impressions"])
    t["cpc"] = safe_div(t["spend"], t["clicks"])
    t["cvr"] = safe_div(t["orders"], t["clicks"])
    t["cpa"] = safe_div(t["spend"], t["orders"])
    return t


def _ad_group(ads: pd.DataFrame, year: int, keys: list[str]) -> pd.DataFrame:
    a = ads[ads["date"].dt.year == year]
    if a.empty:
        sums = pd.DataFrame({k: pd.Series(dtype="object") for k in keys}
                            | {k: pd.Series(dtype="float64") for k in AD_SUMS})
    else:
        sums = a.groupby(keys, sort=True)[AD_SUMS].sum().reset_index()
    sums[AD_SUMS] = sums[AD_SUMS].astype("float64")
    return ad_ratios(sums)


def campaign_table(ads: pd.DataFrame, year: int, settings: Settings | None = None,
                   break_even_acos: pd.Series | float | None = None) -> pd.DataFrame:
    """Per (channel, campaign) figures of the Ads rows dated in ``year``, with a verdict when ``settings`` given.

    Parameters
    ----------
    ads : Inputs.ads (date, channel, campaign, spend, sales, orders, clicks, impressions, ...).
    year : the review year.

    Returns
    -------
    One row per (channel, campaign), sorted by spend descending: channel, campaign, spend, sales,
    orders, clicks, impressions, roas, acos, ctr, cpc, cvr, cpa; with ``settings`` also break_even_acos,
    ad_profit (= sales x break-even ACoS - spend: what the campaign's sales earn after their ads) and
    suggestion: ``pause`` (spend >= waste_min_spend with no order), ``lower_bid`` (ACoS above break-even),
    ``scale`` (orders and ACoS at most raise_bid_acos_share of break-even) or ``keep`` -- the keyword rules.
    """
    t = _ad_group(ads, year, ["channel", "campaign"])
    t = t.sort_values(["spend", "channel", "campaign"], ascending=[False, True, True],
                      kind="mergesort").reset_index(drop=True)
    if settings is None:
        return t
    be = _break_even_for(t, break_even_acos, settings)
    waste = t["spend"].ge(float(settings.t("waste_min_spend"))) & t["orders"].eq(0)
    verdict = _keyword_suggestion(t.assign(waste=waste), be, float(settings.t("raise_bid_acos_share")))
    return t.assign(break_even_acos=be, ad_profit=t["sales"] * be - t["spend"],
                    suggestion=verdict.replace({"negate": "pause", "raise_bid": "scale"}))


def _break_even_for(t: pd.DataFrame, break_even_acos, settings: Settings) -> pd.Series:
    """Break-even ACoS per row (by channel when a Series), target_acos where unknown or not positive."""
    if isinstance(break_even_acos, pd.Series):
        be = t["channel"].map(break_even_acos).astype("float64")
    else:
        be = pd.Series(np.nan if break_even_acos is None else float(break_even_acos), index=t.index)
    return be.where(be > 0, np.nan).fillna(float(settings.t("target_acos")))


def _keyword_suggestion(t: pd.DataFrame, break_even: pd.Series, raise_share: float) -> pd.Series:
    # rules as data: (name, condition); first match wins, every row starts as "keep"
    rules = [
        ("negate", t["waste"]),
        ("lower_bid", t["acos"].gt(break_even)),
        ("raise_bid", t["orders"].gt(0) & t["acos"].le(break_even * raise_share)),
    ]
    out = pd.Series("keep", index=t.index, dtype="object")
    decided = pd.Series(False, index=t.index)
    for name, cond in rules:
        hit = cond.fillna(False).astype(bool) & ~decided
        out[hit] = name
        decided |= hit
    return out


def keyword_table(ads: pd.DataFrame, year: int, settings: Settings,
                  break_even_acos: pd.Series | float | None = None) -> pd.DataFrame:
    """Per (channel, campaign, keyword) figures, ``waste`` flag, cost-effectiveness ``rank`` and ``suggestion``.

    Parameters
    ----------
    ads : Inputs.ads; rows with a blank keyword are left out.
    year : the review year.
    settings : thresholds ``waste_min_spend``, ``target_acos``, ``raise_bid_acos_share``.
    break_even_acos : the ACoS at which a sale pays its ad (margin before ads), scalar or Series indexed
        by channel; missing channels (or None) use ``target_acos``.

    Returns
    -------
    One row per keyword, sorted by ``rank`` (1 = best): channel, campaign, keyword, AD_SUMS, AD_RATIOS,
    waste (bool), rank (int), break_even_acos, suggestion (one of SUGGESTIONS).
    """
    a = ads[ads["keyword"].astype(str).str.strip().ne("")]
    a = a.assign(keyword=a["keyword"].astype(str).str.strip())
    t = _ad_group(a, year, ["channel", "campaign", "keyword"])
    t["waste"] = (t["spend"] >= settings.t("waste_min_spend")) & (t["orders"] == 0)
    t["break_even_acos"] = _break_even_for(t, break_even_acos, settings)
    t["suggestion"] = _keyword_suggestion(t, t["break_even_acos"], float(settings.t("raise_bid_acos_share")))
    # rank: non-waste by ROAS desc (no spend last), ties by sales desc, spend asc; waste last, spend desc
    order = t.assign(_w=t["waste"].astype(int), _noroas=t["roas"].isna().astype(int),
                     _roas=-t["roas"].fillna(0.0), _sales=-t["sales"],
                     _spend=np.where(t["waste"], -t["spend"], t["spend"]))
    order = order.sort_values(["_w", "_noroas", "_roas", "_sales", "_spend", "channel", "campaign", "keyword"],
                              kind="mergesort")
    t = t.loc[order.index].reset_index(drop=True)
    t["rank"] = np.arange(1, len(t) + 1, dtype="int64")
    return t


# ----------------------------------------------------------------------------------- promotions
def promotions_of(marketing: pd.DataFrame) -> pd.DataFrame:
    """Marketing rows of type promotion (case-insensitive; also 促销), channel stripped."""
    m = marketing[marketing["type"].astype(str).str.strip().str.lower().isin(PROMOTION_TYPES)]
    return m.assign(channel=m["channel"].astype(str).str.strip())


def _daily_sales(lines: pd.DataFrame) -> pd.DataFrame:
    """net_sales per (order_date x channel), wide: index = date, columns = channel."""
    if lines.empty:
        return pd.DataFrame(index=pd.DatetimeIndex([], name="order_date"), dtype="float64")
    return lines.pivot_table(index="order_date", columns="channel", values="net_sales", aggfunc="sum",
                             fill_value=0.0)


def promotion_frames(lines: pd.DataFrame, marketing: pd.DataFrame, settings: Settings
                     ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(``promotion_table``, ``promo_daily``) from one pass over the promotions (see both for the shapes)."""
    year = settings.review_year
    before = int(settings.t("promo_baseline_days"))
    after = int(settings.t("promo_after_days"))
    pf_max = float(settings.t("pull_forward_max"))
    all_promos = promotions_of(marketing)
    y0, y1 = pd.Timestamp(year, 1, 1), pd.Timestamp(year, 12, 31)
    promos = all_promos[(all_promos["start_date"] <= y1) & (all_promos["end_date"] >= y0)]
    promos = promos.sort_values(["start_date", "name"], kind="mergesort")

    wide = _daily_sales(lines)
    data_end = lines["order_date"].max() if len(lines) else pd.NaT
    in_year = lines.loc[lines["year"] == year, ["channel", "gross_profit", "net_sales"]]
    by_channel = in_year.groupby("channel")[["gross_profit", "net_sales"]].sum()
    tagged = lines.loc[lines["promo"].astype(str).ne(""), ["promo", "order_key", "net_sales", "discount"]]
    tag = tagged.groupby("promo").agg(promo_orders=("order_key", "nunique"), promo_net_sales=("net_sales", "sum"),
                                      promo_discounts=("discount", "sum"))

    rows, daily = [], []
    for idx, p in promos.iterrows():
        ch = p["channel"]
        start, end = p["start_date"], p["end_date"]
        lo, hi = start - pd.Timedelta(days=before), end + pd.Timedelta(days=after)
        days = pd.date_range(lo, hi, freq="D")
        if ch:
            series = wide[ch] if ch in wide.columns else pd.Series(0.0, index=wide.index)
        else:
            series = wide.sum(axis=1)
        series = series.reindex(days, fill_value=0.0).astype("float64")

        # baseline window: the `before` days before start, minus days inside other promotions whose channel is
        # this one's channel or blank (METRICS 4, literally: an all-channel promotion leaves out only the days
        # of other all-channel promotions)
        others = all_promos.drop(index=idx)
        others = others[others["channel"].isin([ch, ""])]
        base_days = pd.date_range(lo, start - pd.Timedelta(days=1), freq="D")
        excluded = pd.Series(False, index=base_days)
        for _, o in others.iterrows():
            excluded |= (base_days >= o["start_date"]) & (base_days <= o["end_date"])
        if pd.notna(data_end):       # days after the last order date of the data are unknown, not zero
            series[series.index > data_end] = np.nan
        used = base_days[~excluded.to_numpy()]
        used = used[series.loc[used].notna().to_numpy()]
        baseline = float(series.loc[used].mean()) if len(used) else np.nan

        promo_days = series.loc[start:end].dropna()
        after_days = series.loc[end + pd.Timedelta(days=1):hi].dropna()
        judged = len(promo_days) > 0 and not np.isnan(baseline)
        uplift = float((promo_days - baseline).sum()) if judged else np.nan
        dip = float((baseline - after_days).clip(lower=0).sum()) if judged else np.nan
        incremental = uplift - dip
        ratio = dip / uplift if uplift > 0 else np.nan
        if not judged:
            verdict = None
        elif uplift <= 0:
            verdict = "no_lift"
        elif ratio >= pf_max:
            verdict = "pulled_forward"
        else:
            verdict = "incremental"   # uplift > 0 and ratio < pf_max imply incremental_sales > 0

        if ch:
            gp, ns = by_channel["gross_profit"].get(ch, 0.0), by_channel["net_sales"].get(ch, 0.0)
        else:
            gp, ns = by_channel["gross_profit"].sum(), by_channel["net_sales"].sum()
        margin = safe_div(gp, ns)
        t = tag.loc[p["name"]] if p["name"] in tag.index else None
        discounts = float(t["promo_discounts"]) if t is not None else 0.0
        rows.append({
            "name": p["name"], "channel": ch, "start_date": start, "end_date": end,
            "days": (end - start).days + 1, "baseline_days": len(used), "after_days": len(after_days),
            "baseline": baseline, "promo_net_sales_total": float(promo_days.sum()),
            "uplift": uplift, "dip": dip, "incremental_sales": incremental, "pull_forward_ratio": ratio,
            "verdict": verdict,
            "orders": float(t["promo_orders"]) if t is not None else 0.0,
            "net_sales": float(t["promo_net_sales"]) if t is not None else 0.0,
            "discounts": discounts, "cost": float(p["cost"]), "gross_margin": margin,
            "promo_profit": incremental * margin - float(p["cost"]) - discounts,
        })
        phase = np.where(days < start, "before", np.where(days <= end, "promo", "after"))
        d = pd.DataFrame({"promotion": p["name"], "date": days, "day": (days - start).days.astype("int64"),
                          "phase": phase, "net_sales": series.to_numpy(), "baseline": baseline})
        d["excluded"] = d["date"].isin(base_days[excluded.to_numpy()])
        daily.append(d)

    cols = ["name", "channel", "start_date", "end_date", "days", "baseline_days", "after_days", "baseline",
            "promo_net_sales_total", "uplift", "dip", "incremental_sales", "pull_forward_ratio", "verdict", "orders",
            "net_sales", "discounts", "cost", "gross_margin", "promo_profit"]
    table = pd.DataFrame(rows, columns=cols)
    dcols = ["promotion", "date", "day", "phase", "net_sales", "baseline", "excluded"]
    long = pd.concat(daily, ignore_index=True) if daily else pd.DataFrame(columns=dcols)
    return table, long[dcols]


def promotion_table(lines: pd.DataFrame, marketing: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """Baseline, uplift, dip, incremental sales, pull-forward ratio and verdict per promotion (METRICS 4).

    Parameters
    ----------
    lines : ``metrics.order_lines`` (all dates: the baseline and after windows may cross the year).
    marketing : Inputs.marketing; rows of type promotion (any case, also 促销) whose dates touch review_year.
    settings : review_year, ``promo_baseline_days``, ``promo_after_days``, ``pull_forward_max``.

    Returns
    -------
    One row per promotion, by start date: name, channel, start_date, end_date, days, baseline_days
    (baseline days used), after_days (days of the after window inside the data), baseline,
    promo_net_sales_total (net sales of the channel over the promotion days), uplift, dip,
    incremental_sales, pull_forward_ratio, verdict, and the promotion's own figures: orders, net_sales,
    discounts (of order lines whose ``promo`` is the name), cost (Marketing.cost), gross_margin (of the
    channel, all channels when blank, in review_year) and promo_profit.

    Notes
    -----
    Daily net_sales of the channel (all channels when blank); days without orders are 0.
    Baseline excludes days inside other promotions whose channel is this promotion's channel or blank
    (METRICS 4 read literally): a channel promotion leaves out same-channel and all-channel promotions, an
    all-channel promotion only other all-channel promotions (a single channel's promotion stays in its baseline).
    Days after the last order date of the whole data are unknown, not zero: they are left out of the
    baseline, promotion and after windows (a Christmas promotion in a file exported on 31 December).
    Days before the first order date do count as 0 (METRICS: days without orders count as 0).
    Verdict: ``no_lift`` when uplift <= 0; else ``pulled_forward`` when pull_forward_ratio >=
    ``pull_forward_max``; else ``incremental``. Since incremental_sales = uplift x (1 - ratio), uplift > 0
    with ratio < 0.5 always gives incremental_sales > 0: the three verdicts cover every case. A promotion
    with no baseline day left (all inside other promotions) or no promotion day inside the data has
    an empty baseline or uplift and an empty verdict (None: not judged).
    ``promo_profit`` = incremental_sales x gross_margin - cost - discounts: the gross profit of the extra
    sales minus what the promotion cost. Every discount given on promo lines counts as a cost (also on
    sales that would have happened anyway), so the estimate errs on the low side.
    """
    return promotion_frames(lines, marketing, settings)[0]


def promo_daily(lines: pd.DataFrame, marketing: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """Daily net sales around each promotion, for a chart (same promotions as ``promotion_table``).

    Returns
    -------
    Long frame: promotion, date, day (offset from start_date: -promo_baseline_days .. days after end),
    phase (before / promo / after), net_sales (NaN after the last order date of the data), baseline,
    excluded (a baseline-window day left out because another promotion ran).
    """
    return promotion_frames(lines, marketing, settings)[1]


# -------------------------------------------------------------------------------------- content
def content_table(content: pd.DataFrame, year: int) -> pd.DataFrame:
    """Per content format (blog, video, ...) of the Content rows dated in ``year``.

    Returns
    -------
    One row per format (lower-cased; blank -> "other"), by revenue descending: format, pieces, visits,
    orders, revenue, cost, conversion_rate (orders / visits), revenue_per_visit, cost_per_order,
    roi ((revenue - cost) / cost).
    """
    c = content[content["date"].dt.year == year]
    fmt = c["format"].astype(str).str.strip().str.lower().replace("", "other")
    sums = ["visits", "orders", "revenue", "cost"]
    if c.empty:
        t = pd.DataFrame({"format": pd.Series(dtype="object"), "pieces": pd.Series(dtype="int64")}
                         | {k: pd.Series(dtype="float64") for k in sums})
    else:
        g = c.assign(format=fmt).groupby("format", sort=True)
        t = g[sums].sum().astype("float64")
        t.insert(0, "pieces", g.size().astype("int64"))
        t = t.reset_index()
    t["conversion_rate"] = safe_div(t["orders"], t["visits"])
    t["revenue_per_visit"] = safe_div(t["revenue"], t["visits"])
    t["cost_per_order"] = safe_div(t["cost"], t["orders"])
    t["roi"] = safe_div(t["revenue"] - t["cost"], t["cost"])
    return t.sort_values(["revenue", "format"], ascending=[False, True], kind="mergesort").reset_index(drop=True)


# ------------------------------------------------------------------------------------- break-even
def break_even_acos(lines: pd.DataFrame, year: int) -> pd.Series:
    """Margin before ads per channel in ``year``: (gross_profit - platform, fulfillment, shipping) / net_sales."""
    cols = ["gross_profit", "platform_fee", "fulfillment_fee", "shipping_cost", "net_sales"]
    g = lines.loc[lines["year"] == year, ["channel"] + cols].groupby("channel")[cols].sum()
    return safe_div(g["gross_profit"] - g["platform_fee"] - g["fulfillment_fee"] - g["shipping_cost"],
                    g["net_sales"])
