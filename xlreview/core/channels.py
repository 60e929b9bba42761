"""METRICS sections 1-2 and 5 per channel: money, traffic, growth, profit per hour, class and rank.

``channel_table(inputs, lines)`` is DataFrame in / DataFrame out and pure pandas.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .goals import has_data
from .inputs import Inputs
from .metrics import (
    SECTION1_KEYS,
    SECTION2_KEYS,
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

# reason templates (zh, en); placeholders are pre-formatted strings
CHANNEL_REASONS = {
    "problem": ("净利润 {net_profit} ≤ 0", "net profit {net_profit} ≤ 0"),
    "rising_star": ("增长 {growth}（{basis}）≥ {star_growth}", "growth {growth} ({basis}) ≥ {star_growth}"),
    "cash_cow": ("增长 {growth}（{basis}）< {star_growth}；净利润占各渠道合计 {profit_share} ≥ {cow_profit_share}",
                 "growth {growth} ({basis}) < {star_growth}; share of all channels' net profit {profit_share} "
                 "≥ {cow_profit_share}"),
    "steady": ("增长 {growth}（{basis}）< {star_growth}；净利润占比 {profit_share} < {cow_profit_share}",
               "growth {growth} ({basis}) < {star_growth}; net profit share {profit_share} < {cow_profit_share}"),
}
GROWTH_BASIS = {"yoy": ("同比上年", "vs previous year"), "h2_h1": ("下半年比上半年", "H2 vs H1")}


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
    ``lines``: review_year order lines (blank-channel Costs rows are split by their net_sales, ``channel_other_costs``).
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
    return pd.Index(sorted(set(names[names.ne("")])), name="channel", dtype=object)


def channel_growth(inputs: Inputs, lines: pd.DataFrame, year: int, channels: pd.Index | None = None,
                   key: str = "channel") -> pd.DataFrame:
    """growth and its basis per channel: YoY when year - 1 "has data" for the channel (``goals.has_data`` for
    net_sales: the channel has order lines in year - 1, the same rule as the SMART reference growth), else
    H2 / H1 - 1.

    ``channels``: the rows to return (default: the channels with order lines in ``year``); a channel without
    order lines in ``year`` has net_sales 0 there (YoY -100 % when it sold the year before, else empty).
    ``key``: the column of the order lines to group by (``channel``, or ``country`` for the markets).
    """
    cur = lines[lines["year"].eq(year)]
    prev = lines[lines["year"].eq(year - 1)]
    ns = _sum_by(cur, key, "net_sales")
    if channels is not None:
        ns = ns.reindex(channels, fill_value=0.0)
    start, end = year_bounds(year - 1)
    has_prev = np.array([has_data(inputs, prev, "net_sales", {key: [c]}, start, end) for c in ns.index],
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


def classify_channels(table: pd.DataFrame, t, lang: str = "zh") -> pd.DataFrame:
    """class, profit_share and reason per channel (METRICS 5); ``t`` is ``settings.t``."""
    total = float(table["net_profit"].sum())
    # the share of a negative (or zero) sum is meaningless: empty, so no channel is a cash cow by it
    profit_share = table["net_profit"] / total if total > 0 else table["net_profit"] * np.nan
    cls = np.select(
        [table["net_profit"].le(0), table["growth"].ge(t("star_growth")), profit_share.ge(t("cow_profit_share"))],
        ["problem", "rising_star", "cash_cow"], default="steady")
    i = 0 if lang == "zh" else 1
    reasons = []
    for c, (_, row), share in zip(cls, table.iterrows(), profit_share):
        reasons.append(CHANNEL_REASONS[c][i].format(
            net_profit=fmt_money(row["net_profit"]), growth=fmt_pct(row["growth"]),
            basis=GROWTH_BASIS[row["growth_basis"]][i], star_growth=fmt_pct(t("star_growth")),
            profit_share=fmt_pct(share), cow_profit_share=fmt_pct(t("cow_profit_share"))))
    return pd.DataFrame({"profit_share": profit_share, "class": cls, "reason": reasons}, index=table.index)


COST_KEYS = ["cogs", "platform_fees", "fulfillment_fees", "shipping_costs", "ad_spend", "other_costs", "marketing_costs",
             "fixed_costs"]
COST_NAMES = {"cogs": ("商品成本", "COGS"), "platform_fees": ("平台费用", "platform fees"),
              "fulfillment_fees": ("履约费用", "fulfillment fees"), "shipping_costs": ("物流成本", "shipping costs"),
              "ad_spend": ("广告花费", "ad spend"), "other_costs": ("其他费用", "other costs"),
              "marketing_costs": ("营销费用", "marketing costs"),
              "fixed_costs": ("固定成本", "fixed costs")}
CHANNEL_ACTIONS = {
    "problem_fixed": ("止损：变动成本已覆盖（贡献利润 {contribution}），是固定成本 {fixed} 让它亏损。削减固定成本，"
                      "或把净销售额提高到约 {breakeven} 才能保本；做不到就考虑关停",
                      "stop the loss: it covers its variable costs (contribution {contribution}) but fixed costs of "
                      "{fixed} make it lose money. Cut them, or grow net sales to about {breakeven} to break even; "
                      "otherwise consider closing it"),
    "problem_cost": ("整改或退出：{driver}占净销售额 {ratio}，全业务平均 {avg}，多花了约 {excess}。先压这项成本"
                     "（提价、换物流、砍低效广告），一个季度内仍亏损就考虑退出",
                     "fix or exit: {driver} is {ratio} of net sales against {avg} for the business, about {excess} "
                     "too much. Cut it first (price, logistics, inefficient ads); if it still loses money after a "
                     "quarter, consider exiting"),
    "problem_no_sales": ("止损：复盘年度没有订单，却花了 {cost}（广告 {ads}、其他费用 {other}、营销 {marketing}、"
                         "固定成本 {fixed}）。要么开始在这里销售，要么停掉这些支出",
                         "stop the loss: no sales in the review year, yet it cost {cost} (ad spend {ads}, other costs "
                         "{other}, marketing {marketing}, fixed costs {fixed}). Start selling there or stop the spend"),
    "rising_star": ("加大投入：增长 {growth}，增加上架 SKU、广告预算和库存，复制表现最好的产品",
                    "invest: growing {growth}; add listings, ad budget and stock, replicate its best products"),
    "cash_cow": ("守住基本盘：保证爆款库存、守住排名和评价，用它的利润支持增长渠道",
                 "protect: keep hero stock, defend rank and reviews, use its profit to fund the growing channels"),
    "steady_high": ("维持并多投入时间：每小时利润排第 {rank}/{n}，团队时间花在这里回报高",
                    "maintain and give it more time: profit per hour ranks {rank} of {n}, team hours pay off here"),
    "steady": ("维持并提效：每小时利润排第 {rank}/{n}，先把精力给排名更靠前的渠道",
               "maintain and streamline: profit per hour ranks {rank} of {n}; give time first to the channels ranked above"),
}


def channel_actions(table: pd.DataFrame, lang: str = "zh") -> pd.Series:
    """A recommended action per channel, with the figure that drives it (grow, protect, fix or exit)."""
    i = 0 if lang == "zh" else 1
    ns_total = float(table["net_sales"].sum())
    avg = {k: (float(table[k].sum()) / ns_total if ns_total else np.nan) for k in COST_KEYS}
    out = []
    for _, row in table.iterrows():
        cls = row["class"]
        if cls == "problem" and row["orders"] == 0:
            out.append(CHANNEL_ACTIONS["problem_no_sales"][i].format(
                cost=fmt_money(-row["net_profit"]), ads=fmt_money(row["ad_spend"]), other=fmt_money(row["other_costs"]),
                marketing=fmt_money(row["marketing_costs"]), fixed=fmt_money(row["fixed_costs"])))
            continue
        if cls == "problem":
            variable = row["contribution_profit"] - row["marketing_costs"]
            if variable > 0 and row["fixed_costs"] > 0:
                margin = safe_div(variable, row["net_sales"])
                breakeven = row["fixed_costs"] / margin if margin and margin > 0 else np.nan
                out.append(CHANNEL_ACTIONS["problem_fixed"][i].format(
                    contribution=fmt_money(variable), fixed=fmt_money(row["fixed_costs"]),
                    breakeven=fmt_money(breakeven)))
                continue
            ns = row["net_sales"]
            excess = {k: row[k] - avg[k] * ns for k in COST_KEYS if k != "fixed_costs" and pd.notna(avg[k])}
            driver = max(excess, key=excess.get) if excess else "cogs"
            out.append(CHANNEL_ACTIONS["problem_cost"][i].format(
                driver=COST_NAMES[driver][i], ratio=fmt_pct(safe_div(row[driver], ns)), avg=fmt_pct(avg[driver]),
                excess=fmt_money(max(excess.get(driver, 0.0), 0.0))))
        else:
            key = "steady_high" if cls == "steady" and row["rank"] <= (len(table) + 1) // 2 else cls
            out.append(CHANNEL_ACTIONS[key][i].format(growth=fmt_pct(row["growth"]), rank=int(row["rank"]),
                                                      n=len(table)))
    return pd.Series(out, index=table.index, dtype=object)


def channel_table(inputs: Inputs, lines: pd.DataFrame) -> pd.DataFrame:
    """One row per channel of ``table_channels`` (review_year orders, or review_year ad spend, channel
    marketing cost, channel-level traffic, or a Channels fixed_cost), best profit per hour first.

    A channel without review_year orders has zero sales and counts, its costs as METRICS 1 assigns them.
    The channels' net profits add up to the business net profit + fixed_overhead + Content costs (+ the
    blank-channel Marketing costs when no channel has net sales: there is no share to split them by).

    Parameters
    ----------
    inputs : validated Inputs.
    lines : ``metrics.order_lines(inputs)`` (all years; growth needs the previous one).

    Returns
    -------
    DataFrame with columns channel, every section 1-2 key at channel grain, refunded_qty, share (of
    net_sales), hours_per_week (NaN without a Channels row), profit_per_hour, growth, growth_basis
    (``yoy`` / ``h2_h1``), profit_share, class, reason, action (grow / protect / fix or exit, with the figure
    behind it), rank (1 = best profit per hour; channels without hours come last, by net profit).
    """
    s = inputs.settings
    year = s.review_year
    cur = lines[lines["year"].eq(year)]
    channels = table_channels(inputs, lines)
    net_sales = _sum_by(cur, "channel", "net_sales").reindex(channels, fill_value=0.0)
    ad_spend, marketing, fixed, other = channel_costs(inputs, net_sales, cur)
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
    t = t.join(channel_growth(inputs, lines, year, t.index)[["growth", "growth_basis"]])
    t = t.join(classify_channels(t, s.t, s.language))
    order = t.assign(_has=t["profit_per_hour"].notna(), _name=t.index).sort_values(
        ["_has", "profit_per_hour", "net_profit", "_name"], ascending=[False, False, False, True])
    t = t.loc[order.index]
    t["rank"] = np.arange(1, len(t) + 1)
    t["action"] = channel_actions(t, s.language)
    t = t.reset_index()
    cols = (["channel"] + SECTION1_KEYS + SECTION2_KEYS
            + ["refunded_qty", "share", "hours_per_week", "profit_per_hour", "growth", "growth_basis",
               "profit_share", "class", "reason", "action", "rank"])
    out = t[cols].copy()
    out["channel"] = out["channel"].astype(object)
    out["class"] = out["class"].astype(object)
    out["growth_basis"] = out["growth_basis"].astype(object)
    return out
