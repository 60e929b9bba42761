"""METRICS section 9: the risk checklist (every risk with its figure, threshold and whether it fires).

``risk_table(inputs, review)`` needs ``review.summary``, ``review.channels`` and ``review.products``;
``review_step`` is the SECTION_STEPS entry that fills channels, products and risks in that order.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .channels import channel_table, fmt_money, fmt_num, fmt_pct
from .inputs import Inputs
from .metrics import line_unit_costs, order_lines, safe_div
from .products import product_table

RISK_KINDS = ["channel_concentration", "product_concentration", "ad_dependency", "refund_hot_spots",
              "stock_overstock", "stock_shortage", "currency_exposure", "flexible_budget"]

# kind -> (message when it fires, message when not, contingency), each (zh, en)
RISK_TEXTS: dict[str, tuple[tuple[str, str], tuple[str, str], tuple[str, str]]] = {
    "channel_concentration": (
        ("最大渠道 {name} 占净销售额 {figure}，超过 {threshold}", "top channel {name} makes {figure} of net sales, over {threshold}"),
        ("最大渠道 {name} 占净销售额 {figure}，未超过 {threshold}", "top channel {name} makes {figure} of net sales, within {threshold}"),
        ("开拓第二渠道/站点；备好账号受限时的应急资金和库存转移方案",
         "build a second channel or marketplace; keep cash and a stock-transfer plan ready in case the account is restricted")),
    "product_concentration": (
        ("最大单品 {name} 占净销售额 {figure}，超过 {threshold}", "top SKU {name} makes {figure} of net sales, over {threshold}"),
        ("最大单品 {name} 占净销售额 {figure}，未超过 {threshold}", "top SKU {name} makes {figure} of net sales, within {threshold}"),
        ("开发相邻新品和变体；头部款准备备用供应商和安全库存",
         "develop adjacent products and variants; a second supplier and safety stock for the top SKU")),
    "ad_dependency": (
        ("TACoS {figure}（广告花费 / 净销售额）超过 {threshold}", "TACoS {figure} (ad spend / net sales) over {threshold}"),
        ("TACoS {figure}（广告花费 / 净销售额）未超过 {threshold}", "TACoS {figure} (ad spend / net sales) within {threshold}"),
        ("提升自然流量（评价、SEO、内容、邮件）；设广告预算上限，按 ACoS 关停低效广告",
         "grow organic traffic (reviews, SEO, content, email); cap ad budgets and stop campaigns with poor ACoS")),
    "refund_hot_spots": (
        ("{figure} 个 SKU 退货率(件) ≥ {threshold}：{name}", "{figure} SKU(s) with unit refund rate ≥ {threshold}: {name}"),
        ("没有 SKU 的退货率(件) ≥ {threshold}", "no SKU has a unit refund rate ≥ {threshold}"),
        ("逐个查退货原因（质量、尺码、描述不符），改进产品和详情页；必要时暂停广告",
         "check return reasons SKU by SKU (quality, size, listing accuracy), fix product and listing; pause ads if needed")),
    "stock_overstock": (
        ("{figure} 个 SKU 库存可售天数 > {threshold} 天，占压成本约 {tied}：{name}",
         "{figure} SKU(s) with days of cover > {threshold}, about {tied} tied up at cost: {name}"),
        ("没有 SKU 库存可售天数 > {threshold} 天", "no SKU has more than {threshold} days of cover"),
        ("清仓（降价、捆绑、站外渠道），暂停补货，考虑移除长期仓储库存",
         "clear stock (discount, bundle, outlets), stop reordering, consider removing long-term storage stock")),
    "stock_shortage": (
        ("{figure} 个爆款库存可售天数 < {threshold} 天：{name}", "{figure} hero SKU(s) with days of cover < {threshold}: {name}"),
        ("爆款库存都够 {threshold} 天以上", "every hero SKU has at least {threshold} days of cover"),
        ("立即补货（考虑空运补一部分）；设安全库存和补货提醒",
         "restock now (part by air if needed); set safety stock and reorder alerts")),
    "currency_exposure": (
        ("{figure} 的净销售额不是本位币 {base}（{name}），超过 {threshold}",
         "{figure} of net sales is not in base currency {base} ({name}), over {threshold}"),
        ("{figure} 的净销售额不是本位币 {base}（{name}），未超过 {threshold}",
         "{figure} of net sales is not in base currency {base} ({name}), within {threshold}"),
        ("定期结汇、用多币种账户；定价留出汇率缓冲", "convert regularly, use multi-currency accounts; leave an FX buffer in prices")),
    "flexible_budget": (
        ("", ""),
        ("建议预留明年预算的 {threshold} 作为机动资金：约 {figure}（本年广告 {ads} + 营销 {marketing}）",
         "keep {threshold} of next year's budget flexible: about {figure} (this year's ads {ads} + marketing {marketing})"),
        ("机动资金用于应对平台政策、物流涨价、爆款补货或抓住新机会",
         "use the reserve for platform policy changes, freight spikes, hero restocks or new opportunities")),
}

# how the figure and threshold of each kind are shown: pct / int / money / days
RISK_UNITS = {"channel_concentration": ("pct", "pct"), "product_concentration": ("pct", "pct"),
              "ad_dependency": ("pct", "pct"), "refund_hot_spots": ("int", "pct"),
              "stock_overstock": ("int", "days"), "stock_shortage": ("int", "days"),
              "currency_exposure": ("pct", "pct"), "flexible_budget": ("money", "pct")}
_MAX_NAMES = 5


def _names(items: list[str], lang: str) -> str:
    more = len(items) - _MAX_NAMES
    text = ", ".join(items[:_MAX_NAMES])
    if more > 0:
        text += f" 等 {len(items)} 个" if lang == "zh" else f" and {more} more"
    return text or "—"


def _fmt(value, unit: str) -> str:
    if unit == "pct":
        return fmt_pct(value)
    if unit == "money":
        return fmt_money(value)
    return fmt_num(value, 0)


def _top(frame: pd.DataFrame | None, key: str) -> tuple[str, float]:
    if frame is None or not len(frame):
        return "—", np.nan
    i = frame["share"].astype("float64").idxmax() if frame["share"].notna().any() else frame.index[0]
    return str(frame.at[i, key]), float(frame.at[i, "share"])


def risk_table(inputs: Inputs, review, lines: pd.DataFrame | None = None) -> pd.DataFrame:
    """The risk checklist: one row per kind of ``RISK_KINDS``, fired or not.

    Returns
    -------
    DataFrame with kind, figure, threshold, triggered (bool; the flexible-budget line is advice and
    never fires), amount (the money the risk puts at stake, base currency: the top channel's or SKU's net sales,
    ad spend, the hot SKUs' refunds, stock tied up at cost, the short heroes' net sales, non-base net sales, the
    reserve), message, contingency (in settings.language), figure_unit and threshold_unit
    (pct / int / money / days, for display) and items (the SKUs, channels or currencies concerned).
    """
    s = inputs.settings
    t, lang, li = s.t, s.language, (0 if s.language == "zh" else 1)
    summary = review.summary
    products = review.products if review.products is not None else pd.DataFrame(
        columns=["sku", "class", "cause", "days_of_cover", "stock_qty", "share"])
    rows: list[dict] = []

    def add(kind, figure, threshold, triggered, items=(), amount=np.nan, **params):
        fired, calm, contingency = RISK_TEXTS[kind]
        fu, tu = RISK_UNITS[kind]
        text = (fired if triggered else calm)[li]
        p = {"figure": _fmt(figure, fu), "threshold": _fmt(threshold, tu), "name": _names(list(items), lang)}
        p.update(params)
        rows.append({"kind": kind, "figure": figure, "threshold": threshold, "triggered": bool(triggered),
                     "amount": float(amount),
                     "message": text.format(**p), "contingency": contingency[li], "figure_unit": fu,
                     "threshold_unit": tu, "items": ", ".join(items)})

    net_sales = float(summary.get("net_sales", 0.0) or 0.0)
    name, share = _top(review.channels, "channel")
    th = t("channel_concentration")
    add("channel_concentration", share, th, share > th, [name] if name != "—" else [], amount=share * net_sales)
    name, share = _top(products, "sku")
    th = t("sku_concentration")
    add("product_concentration", share, th, share > th, [name] if name != "—" else [], amount=share * net_sales)
    tacos = summary.get("tacos", np.nan)
    th = t("ad_dependency_tacos")
    add("ad_dependency", tacos, th, tacos > th, amount=summary.get("ad_spend", np.nan))

    causes = products["cause"].astype(str).str.split(",")
    hot = products[products["class"].eq("problem") & causes.map(lambda c: "refunds" in c)]
    add("refund_hot_spots", float(len(hot)), t("problem_refund_rate"), len(hot) > 0, hot["sku"].tolist(),
        amount=float(hot["refunds"].sum()) if "refunds" in hot else np.nan)

    cover = products["days_of_cover"].astype("float64")
    over = products[cover.gt(t("problem_cover_days"))]
    # stock at the unit cost in effect at review end (UnitCosts, else Products.unit_cost)
    at_end = pd.DataFrame({"sku": over["sku"].astype(object).to_numpy(),
                           "order_date": pd.Timestamp(s.review_year, 12, 31)}, index=over.index)
    unit_cost = line_unit_costs(at_end, inputs.products, inputs.unit_costs).fillna(0.0)
    tied = float((over["stock_qty"] * unit_cost).sum())
    add("stock_overstock", float(len(over)), t("problem_cover_days"), len(over) > 0, over["sku"].tolist(),
        amount=tied, tied=fmt_money(tied))
    heroes = products[products["class"].eq("hero")]
    hcover = heroes["days_of_cover"].astype("float64")
    short = heroes[hcover.lt(t("hero_min_cover_days")) | heroes["stock_qty"].eq(0)]
    add("stock_shortage", float(len(short)), t("hero_min_cover_days"), len(short) > 0, short["sku"].tolist(),
        amount=float(short["net_sales"].sum()) if "net_sales" in short else np.nan)

    lines = order_lines(inputs) if lines is None else lines
    cur = lines[lines["year"] == s.review_year]        # net_sales as order_lines defines it, one place
    code = cur["currency"].astype(str).str.upper().replace("", s.base_currency)
    by_cur = cur["net_sales"].groupby(code).sum()
    foreign = by_cur.drop(s.base_currency, errors="ignore").sort_values(ascending=False)
    exposure = safe_div(float(foreign.sum()), float(by_cur.sum()))
    th = t("currency_exposure")
    parts = [f"{c} {fmt_pct(safe_div(v, float(by_cur.sum())))}" for c, v in foreign.items()]
    add("currency_exposure", exposure, th, exposure > th, list(foreign.index), amount=float(foreign.sum()),
        base=s.base_currency,
        name=", ".join(parts) or "—")

    ads = float(summary.get("ad_spend", 0.0) or 0.0)
    marketing = float(summary.get("marketing_costs", 0.0) or 0.0)
    th = t("reserve_budget_share")
    add("flexible_budget", th * (ads + marketing), th, False, amount=th * (ads + marketing), ads=fmt_money(ads),
        marketing=fmt_money(marketing))
    out = pd.DataFrame(rows)
    for c in ("kind", "message", "contingency", "figure_unit", "threshold_unit", "items"):
        out[c] = out[c].astype(object)
    out["figure"] = out["figure"].astype("float64")
    out["threshold"] = out["threshold"].astype("float64")
    out["amount"] = out["amount"].astype("float64")
    return out


def review_step(inputs: Inputs, lines: pd.DataFrame, review) -> None:
    """SECTION_STEPS entry: channels and products (METRICS 1, 2, 5), then the risks (METRICS 9)."""
    review.channels = channel_table(inputs, lines)
    review.products = product_table(inputs, lines)
    review.risks = risk_table(inputs, review, lines)
