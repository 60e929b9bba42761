"""METRICS section 9: the risk checklist (every risk with its figure, threshold and whether it fires).

``risk_table(inputs, lines, summary, channels, products)`` reads the business summary, the channel table
and the product table (sections 1, 2 and 5) and returns the checklist.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..text import Phrase
from .channels import fmt_money, fmt_num, fmt_pct
from .inputs import Inputs
from .metrics import line_unit_costs, safe_div

RISK_KINDS = ["channel_concentration", "product_concentration", "ad_dependency", "refund_hot_spots",
              "stock_overstock", "stock_shortage", "currency_exposure", "flexible_budget"]

# the words: catalogue risk.<kind>_fired / _calm / _contingency (xlreview/text.py)

# how the figure and threshold of each kind are shown: pct / int / money / days
RISK_UNITS = {"channel_concentration": ("pct", "pct"), "product_concentration": ("pct", "pct"),
              "ad_dependency": ("pct", "pct"), "refund_hot_spots": ("int", "pct"),
              "stock_overstock": ("int", "days"), "stock_shortage": ("int", "days"),
              "currency_exposure": ("pct", "pct"), "flexible_budget": ("money", "pct")}
_MAX_NAMES = 5


def _names(items: list[str]) -> str | Phrase:
    more = len(items) - _MAX_NAMES
    names = ", ".join(items[:_MAX_NAMES])
    if more > 0:
        return Phrase.of("risk.names_more", names=names, n=len(items), more=more)
    return names or "—"


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


def risk_table(inputs: Inputs, lines: pd.DataFrame, summary: dict[str, float], channels: pd.DataFrame | None,
               products: pd.DataFrame | None) -> pd.DataFrame:
    """The risk checklist: one row per kind of ``RISK_KINDS``, fired or not.

    Parameters
    ----------
    lines : ``metrics.order_lines(inputs)`` (the review_year lines give the currency exposure).
    summary : ``metrics.business_summary`` (tacos, ad_spend, marketing_costs).
    channels : ``channels.channel_table`` (channel, share); products : ``products.product_table``
        (sku, share, class, cause, days_of_cover, stock_qty). None: no channel / SKU.

    Returns
    -------
    DataFrame with kind, figure, threshold, triggered (bool; the flexible-budget line is advice and
    never fires), amount (the money the risk puts at stake, base currency: the top channel's or SKU's net sales,
    ad spend, the hot SKUs' refunds, stock tied up at cost, the short heroes' net sales, non-base net sales, the
    reserve), message, contingency (``text.Phrase``: risk.<kind>_fired | _calm | _contingency with the
    figures), figure_unit and threshold_unit
    (pct / int / money / days, for display) and items (the SKUs, channels or currencies concerned).
    """
    s = inputs.settings
    t = s.t
    products = products if products is not None else pd.DataFrame(
        columns=["sku", "class", "cause", "days_of_cover", "stock_qty", "share"])
    rows: list[dict] = []

    def add(kind, figure, threshold, triggered, items=(), amount=np.nan, **params):
        fu, tu = RISK_UNITS[kind]
        p = {"figure": _fmt(figure, fu), "threshold": _fmt(threshold, tu), "name": _names(list(items))}
        p.update(params)
        rows.append({"kind": kind, "figure": figure, "threshold": threshold, "triggered": bool(triggered),
                     "amount": float(amount),
                     "message": Phrase.of(f"risk.{kind}_{'fired' if triggered else 'calm'}", **p),
                     "contingency": Phrase.of(f"risk.{kind}_contingency"), "figure_unit": fu,
                     "threshold_unit": tu, "items": ", ".join(items)})

    net_sales = float(summary.get("net_sales", 0.0) or 0.0)
    name, share = _top(channels, "channel")
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

    cur = lines.loc[lines["year"] == s.review_year, ["currency", "net_sales"]]   # net_sales as order_lines has it
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
