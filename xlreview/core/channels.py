"""METRICS sections 1-2 and 5 per channel: money, traffic, growth, profit per hour, class and rank.

``channel_table(inputs, lines)`` is DataFrame in / DataFrame out and pure pandas.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..text import Phrase
from .goals import has_data
from .inputs import Inputs
from .metrics import (
    LINE_SUMS,
    SECTION1_KEYS,
    SECTION2_KEYS,
    LineIndex,
    Lines,
    channel_marketing,
    channel_other_costs,
    finish_money,
    in_year,
    money_summary,
    safe_div,
    traffic_ratios,
    year_bounds,
)

CHANNEL_CLASSES = ["problem", "rising_star", "cash_cow", "steady"]

def fmt_pct(x) -> str:
    return "—" if x is None or pd.isna(x) else ("∞" if np.isinf(x) else f"{x:.1%}")


def fmt_money(x) -> str:
    return "—" if x is None or pd.isna(x) else f"{x:,.2f}"


def fmt_num(x, digits: int = 1) -> str:
    if x is None or pd.isna(x):
        return "—"
    if np.isinf(x):
        return "∞"
    return f"{x:,.{digits}f}"


def _sum_by(frame: pd.DataFrame, key: str, value: str) -> pd.Series:
    return frame.groupby(key, sort=True)[value].sum().astype("float64")


def channel_costs(inputs: Inputs, net_sales: pd.Series,
                  lines: pd.DataFrame) -> tuple[pd.Series, pd.Series, pd.Series, pd.Series]:
    """Ad spend, marketing costs, fixed costs and other_costs of review_year per channel (METRICS 1, channel grain).

    ``net_sales``: review_year net_sales indexed by channel (the channels of the table). Blank-channel
    Marketing costs are split by these shares; Content costs and fixed_overhead are not allocated.
    ``lines``: review_year order lines, or their net sales per (channel, sku, country) (``LineIndex.split_lines``):
    blank-channel Costs rows are split by their net_sales (``channel_other_costs``).
    """
    year = inputs.settings.review_year
    ads = inputs.ads[in_year(inputs.ads["date"], year)]
    ad_spend = _sum_by(ads, "channel", "spend")
    mk = inputs.marketing[in_year(inputs.marketing["start_date"], year)]
    marketing = channel_marketing(mk, net_sales)          # the same split as period_summary
    fixed = _sum_by(inputs.channels, "channel", "fixed_cost")
    other = channel_other_costs(inputs.costs[in_year(inputs.costs["date"], year)], lines)
    return ad_spend, marketing, fixed, other


def table_channels(inputs: Inputs, lines: pd.DataFrame) -> pd.Index:
    """The channels of the table (sorted): those with review_year order lines, plus any channel that carries a
    channel-grain figure in review_year without orders -- Ads spend (Ads.channel), Marketing cost with that
    channel, a Costs row with that channel, a Channels fixed_cost, or sessions / add-to-carts on channel-level Traffic rows (blank sku). So the
    channels' net profits add up to the business's (METRICS 1) and a channel that only costs money shows.
    Rows whose figure is 0 (and SKU-level Traffic rows, which do not count at channel grain) add no channel.
    """
    year = inputs.settings.review_year
    ads = inputs.ads[in_year(inputs.ads["date"], year) & inputs.ads["spend"].ne(0)]
    mk = inputs.marketing
    mk = mk[in_year(mk["start_date"], year) & mk["channel"].ne("") & mk["cost"].ne(0)]
    fixed = inputs.channels[inputs.channels["fixed_cost"].ne(0)]
    costs = inputs.costs[in_year(inputs.costs["date"], year) & inputs.costs["amount"].ne(0)]
    tr = inputs.traffic
    tr = tr[in_year(tr["date"], year) & tr["sku"].eq("") & (tr["sessions"].ne(0) | tr["add_to_cart"].ne(0))]
    names = pd.concat([lines.loc[lines["year"].eq(year), "channel"], ads["channel"], mk["channel"],
                       fixed["channel"], costs["channel"], tr["channel"]], ignore_index=True).astype(str)
    return pd.Index(sorted(names[names.ne("")].unique()), name="channel", dtype=object)


def channel_growth(inputs: Inputs, lines: Lines, year: int, channels: pd.Index | None = None,
                   key: str = "channel") -> pd.DataFrame:
    """growth and its basis per channel: YoY when year - 1 "has data" for the channel (``goals.has_data`` for
    net_sales: the channel has order lines in year - 1, the same rule as the SMART reference growth), else
    H2 / H1 - 1.

    ``channels``: the rows to return (default: the channels with order lines in ``year``); a channel without
    order lines in ``year`` has net_sales 0 there (YoY -100 % when it sold the year before, else empty).
    ``key``: the column of the order lines to group by (``channel``, or ``country`` for the markets).
    """
    index = LineIndex.of(inputs, lines)
    lines = index.lines[["year", "month", key, "net_sales"]]       # the columns read: no copy of the rest
    cur = lines[lines["year"].eq(year)]
    prev = lines[lines["year"].eq(year - 1)]
    ns = _sum_by(cur, key, "net_sales")
    if channels is not None:
        ns = ns.reindex(channels, fill_value=0.0)
    start, end = year_bounds(year - 1)
    has_prev = np.array([has_data(inputs, index, "net_sales", {key: [c]}, start, end) for c in ns.index],
                        dtype=bool)
    h1 = _sum_by(cur[cur["month"].le(6)], key, "net_sales").reindex(ns.index, fill_value=0.0)
    h2 = _sum_by(cur[cur["month"].gt(6)], key, "net_sales").reindex(ns.index, fill_value=0.0)
    ns_prev = _sum_by(prev, key, "net_sales")
    yoy = safe_div(ns, ns_prev.reindex(ns.index)) - 1
    half = safe_div(h2, h1) - 1
    return pd.DataFrame({"growth": yoy.where(has_prev, half),
                         "growth_basis": np.where(has_prev, "yoy", "h2_h1"),
                         "h1_net_sales": h1, "h2_net_sales": h2,
                         "prev_net_sales": ns_prev.reindex(ns.index)}, index=ns.index)


def _traffic(inputs: Inputs, orders: pd.Series, units: pd.Series) -> pd.DataFrame:
    year = inputs.settings.review_year
    tr = inputs.traffic
    tr = tr[in_year(tr["date"], year) & tr["sku"].eq("")]        # channel-level rows only (METRICS 2)
    sessions = _sum_by(tr, "channel", "sessions").reindex(orders.index, fill_value=0.0)
    atc = _sum_by(tr, "channel", "add_to_cart").reindex(orders.index, fill_value=0.0)
    return pd.DataFrame({"sessions": sessions, **traffic_ratios(orders, units, sessions, atc)}, index=orders.index)


def classify_channels(table: pd.DataFrame, t) -> pd.DataFrame:
    """class, profit_share and reason per channel (METRICS 5); ``t`` is ``settings.t``.

    ``reason`` is a ``Phrase`` (code ``channel.reason_<class>`` with the figures that decided it).
    """
    total = float(table["net_profit"].sum())
    # the share of a negative (or zero) sum is meaningless: empty, so no channel is a cash cow by it
    profit_share = table["net_profit"] / total if total > 0 else table["net_profit"] * np.nan
    cls = np.select(
        [table["net_profit"].le(0), table["growth"].ge(t("star_growth")), profit_share.ge(t("cow_profit_share"))],
        ["problem", "rising_star", "cash_cow"], default="steady")
    reasons = []
    for c, (_, row), share in zip(cls, table.iterrows(), profit_share):
        reasons.append(Phrase.of(
            "channel.reason_" + c, net_profit=fmt_money(row["net_profit"]), growth=fmt_pct(row["growth"]),
            basis=Phrase.of("channel.basis_" + row["growth_basis"]), star_growth=fmt_pct(t("star_growth")),
            profit_share=fmt_pct(share), cow_profit_share=fmt_pct(t("cow_profit_share"))))
    return pd.DataFrame({"profit_share": profit_share, "class": cls, "reason": reasons}, index=table.index)


COST_KEYS = ["cogs", "platform_fees", "fulfillment_fees", "shipping_costs", "ad_spend", "other_costs", "marketing_costs",
             "fixed_costs"]        # words: catalogue channel.cost_<key>


def channel_actions(table: pd.DataFrame) -> pd.Series:
    """A recommended action per channel, with the figure that drives it (grow, protect, fix or exit):
    a ``Phrase`` ``channel.action_<problem_no_sales | problem_fixed | problem_cost | rising_star | cash_cow |
    steady_high | steady>``."""
    ns_total = float(table["net_sales"].sum())
    avg = {k: (float(table[k].sum()) / ns_total if ns_total else np.nan) for k in COST_KEYS}
    out = []
    for _, row in table.iterrows():
        cls = row["class"]
        if cls == "problem" and row["orders"] == 0:
            out.append(Phrase.of(
                "channel.action_problem_no_sales", cost=fmt_money(-row["net_profit"]), ads=fmt_money(row["ad_spend"]),
                other=fmt_money(row["other_costs"]),
                marketing=fmt_money(row["marketing_costs"]), fixed=fmt_money(row["fixed_costs"])))
            continue
        if cls == "problem":
            variable = row["contribution_profit"] - row["marketing_costs"]
            if variable > 0 and row["fixed_costs"] > 0:
                margin = safe_div(variable, row["net_sales"])
                breakeven = row["fixed_costs"] / margin if margin and margin > 0 else np.nan
                out.append(Phrase.of(
                    "channel.action_problem_fixed", contribution=fmt_money(variable), fixed=fmt_money(row["fixed_costs"]),
                    breakeven=fmt_money(breakeven)))
                continue
            ns = row["net_sales"]
            excess = {k: row[k] - avg[k] * ns for k in COST_KEYS if k != "fixed_costs" and pd.notna(avg[k])}
            driver = max(excess, key=excess.get) if excess else "cogs"
            out.append(Phrase.of(
                "channel.action_problem_cost", driver=Phrase.of("channel.cost_" + driver),
                ratio=fmt_pct(safe_div(row[driver], ns)), avg=fmt_pct(avg[driver]), excess=fmt_money(max(excess.get(driver, 0.0), 0.0))))
        else:
            key = "steady_high" if cls == "steady" and row["rank"] <= (len(table) + 1) // 2 else cls
            out.append(Phrase.of("channel.action_" + key, growth=fmt_pct(row["growth"]), rank=int(row["rank"]),
                                 n=len(table)))
    return pd.Series(out, index=table.index, dtype=object)


def channel_table(inputs: Inputs, lines: Lines) -> pd.DataFrame:
    """One row per channel of ``table_channels`` (review_year orders, or review_year ad spend, channel
    marketing cost, channel-level traffic, or a Channels fixed_cost), best profit per hour first.

    A channel without review_year orders has zero sales and counts, its costs as METRICS 1 assigns them.
    The channels' net profits add up to the business net profit + fixed_overhead + Content costs (+ the
    blank-channel Marketing costs when no channel has net sales: there is no share to split them by).

    Parameters
    ----------
    inputs : validated Inputs.
    lines : ``metrics.order_lines(inputs)`` (all years; growth needs the previous one), or its ``LineIndex``.

    Returns
    -------
    DataFrame with columns channel, every section 1-2 key at channel grain, refunded_qty, share (of
    net_sales), hours_per_week (NaN without a Channels row), profit_per_hour, growth, growth_basis
    (``yoy`` / ``h2_h1``), profit_share, class, reason and action (``text.Phrase``: grow / protect / fix or
    exit, with the figure behind it; rendered in the seller's language by the sheets and the JSON), rank (1 = best
    profit per hour; channels without hours come last, by net profit).
    """
    s = inputs.settings
    year = s.review_year
    index = LineIndex.of(inputs, lines)
    lines = index.lines
    # the columns read below (the sums by channel): no copy of the rest
    cur = lines.loc[lines["year"].eq(year), ["channel", "order_key"] + list(LINE_SUMS.values())]
    channels = table_channels(inputs, lines)
    net_sales = _sum_by(cur, "channel", "net_sales").reindex(channels, fill_value=0.0)
    ad_spend, marketing, fixed, other = channel_costs(inputs, net_sales, index.split_lines(*year_bounds(year)))
    sums = money_summary(cur, ["channel"])
    sums = sums.reindex(channels, fill_value=0.0)          # channels without orders: zero sales and counts
    sums[["ad_spend", "marketing_costs", "fixed_costs", "other_costs"]] = pd.DataFrame(
        {"ad_spend": ad_spend, "marketing_costs": marketing, "fixed_costs": fixed,
         "other_costs": other}).reindex(channels).fillna(0.0)
    t = finish_money(sums)
    t.index.name = "channel"
    t = t.join(_traffic(inputs, t["orders"], t["units"]))
    total_ns = float(t["net_sales"].sum())
    t["share"] = t["net_sales"] / total_ns if total_ns else np.nan
    hours = _sum_by(inputs.channels, "channel", "hours_per_week")
    t["hours_per_week"] = hours.reindex(t.index)
    t["profit_per_hour"] = safe_div(t["net_profit"], t["hours_per_week"] * 52)
    t = t.join(channel_growth(inputs, index, year, t.index)[["growth", "growth_basis"]])
    t = t.join(classify_channels(t, s.t))
    order = t.assign(_has=t["profit_per_hour"].notna(), _name=t.index).sort_values(
        ["_has", "profit_per_hour", "net_profit", "_name"], ascending=[False, False, False, True])
    t = t.loc[order.index]
    t["rank"] = np.arange(1, len(t) + 1)
    t["action"] = channel_actions(t)
    t = t.reset_index()
    cols = (["channel"] + SECTION1_KEYS + SECTION2_KEYS
            + ["refunded_qty", "share", "hours_per_week", "profit_per_hour", "growth", "growth_basis",
               "profit_share", "class", "reason", "action", "rank"])
    out = t[cols].copy()
    out["channel"] = out["channel"].astype(object)
    out["class"] = out["class"].astype(object)
    out["growth_basis"] = out["growth_basis"].astype(object)
    return out
