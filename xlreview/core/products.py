"""METRICS sections 1-2 and 5 per SKU: true profit, traffic, stock cover, class, action, four-quadrant.

``product_table(inputs, lines)`` is DataFrame in / DataFrame out and pure pandas. The classification
rules are data (``PRODUCT_RULES``, in METRICS order: the first class whose rule fires wins); every SKU
starts as the catch-all ``long_tail``.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..text import Phrase
from .channels import fmt_money, fmt_num, fmt_pct
from .inputs import Inputs
from .metrics import (
    LINE_SUMS,
    SECTION1_KEYS,
    SECTION2_KEYS,
    LineIndex,
    Lines,
    finish_money,
    in_year,
    money_summary,
    safe_div,
    sku_ad_spend,
    sku_other_costs,
    traffic_ratios,
    year_bounds,
)

COVER_WINDOW_DAYS = 90          # METRICS 5: units of the 90 days ending 31 December
PRODUCT_CLASSES = ["problem", "hero", "evergreen", "long_tail"]
QUADRANTS = ["star", "fix_listing", "needs_traffic", "rethink"]
_SUM_COLS = ["gross_sales", "discounts", "refunds", "net_sales", "cogs", "gross_profit", "platform_fees",
             "fulfillment_fees", "shipping_costs", "units", "refunded_qty", "orders", "ad_spend", "other_costs",
             "marketing_costs", "fixed_costs"]
TOP_RETURN_REASONS = 3          # METRICS 5: the up to 3 return reasons of each SKU

Predicate = Callable[[pd.DataFrame, Callable[[str], float]], pd.Series]


@dataclass(frozen=True)
class ProductRule:
    """One branch of METRICS 5: ``cls`` when ``applies(frame, t)``; its reason and action are the catalogue's
    ``product.reason_<cause>`` and ``product.action_<cause>`` (xlreview/text.py)."""

    cls: str
    cause: str
    applies: Predicate


PRODUCT_RULES: list[ProductRule] = [
    ProductRule("problem", "refunds", lambda f, t: f["unit_refund_rate"].ge(t("problem_refund_rate"))),
    ProductRule("problem", "loss", lambda f, t: f["net_profit"].lt(0)),
    ProductRule("problem", "cover", lambda f, t: f["days_of_cover"].gt(t("problem_cover_days"))),
    ProductRule("hero", "top_sales", lambda f, t: f["_hero"]),
    ProductRule("evergreen", "steady",
                lambda f, t: f["months_sold"].ge(t("evergreen_months")) & f["cv"].le(t("evergreen_cv"))),
    ProductRule("long_tail", "rest", lambda f, t: pd.Series(True, index=f.index)),
]

# the four-quadrant refines the action: (class or "*", quadrant) -> replaces the class action (True) or adds to
# it; the advice is the catalogue's product.advice_<class or any>_<quadrant>
QUADRANT_ADVICE: dict[tuple[str, str], bool] = {
    ("*", "fix_listing"): False,
    ("*", "needs_traffic"): False,
    # a long-tail SKU that converts well is a candidate, not one to delist
    ("long_tail", "star"): True,
    ("long_tail", "needs_traffic"): True,
    ("long_tail", "rethink"): True,
}


def _sku_ad_spend(inputs: Inputs, cur: pd.DataFrame) -> pd.Series:
    """Ads spend of review_year per SKU: own-sku rows + the split of sku-less rows (METRICS 1). ``cur``: the
    review_year net sales of the order lines by channel and sku (the lines, or ``LineIndex.split_lines``).

    A sku-less row's spend is split over the SKUs sold in its channel by their share of the channel's
    review_year net_sales; when that channel's net_sales sum to 0 the split is even (so no spend is lost).
    Spend of channels without review_year sales has no SKU to go to.
    """
    ads = inputs.ads[in_year(inputs.ads["date"], inputs.settings.review_year)]
    return sku_ad_spend(ads, cur).groupby(level="sku").sum().astype("float64")


def return_reasons(cur: pd.DataFrame) -> pd.Series:
    """``return_reasons`` per SKU (METRICS 5): the up to 3 return_reason values of its lines with
    refunded_qty > 0, ranked by Σ refunded_qty (reasons compared after trimming spaces; ties by Unicode code
    point), each with its quantity and share of the SKU's refunded_qty with a known (non-blank) reason.

    ``cur``: order lines of review_year. Returns a Series indexed by sku of lists of
    {"reason": str, "qty": float, "share": float (fraction)}; SKUs without a known reason are absent.
    """
    r = cur.loc[cur["refunded_qty"].gt(0), ["sku", "return_reason", "refunded_qty"]]
    r = r.assign(reason=r["return_reason"].astype(str).str.strip())
    r = r[r["reason"].ne("")]
    if r.empty:
        return pd.Series(dtype=object, index=pd.Index([], name="sku"))
    qty = r.groupby(["sku", "reason"])["refunded_qty"].sum().reset_index()
    known = qty.groupby("sku")["refunded_qty"].transform("sum")
    qty["share"] = qty["refunded_qty"] / known
    # code point order of the reason: Python's str ordering (pandas sorts object strings the same way)
    qty = qty.sort_values(["sku", "refunded_qty", "reason"], ascending=[True, False, True], kind="mergesort")
    top = qty.groupby("sku").head(TOP_RETURN_REASONS)
    out: dict[str, list[dict]] = {}
    for sku, reason, q, share in zip(top["sku"], top["reason"], top["refunded_qty"], top["share"]):
        out.setdefault(sku, []).append({"reason": str(reason), "qty": float(q), "share": float(share)})
    return pd.Series(out, dtype=object).rename_axis("sku")


def _monthly_units(cur: pd.DataFrame, skus: pd.Index) -> pd.DataFrame:
    m = cur.groupby(["sku", "month"])["quantity"].sum().unstack("month")
    return m.reindex(index=skus, columns=range(1, 13)).fillna(0.0).astype("float64")


def sales_shares(net_sales: pd.Series, share_line: float) -> pd.DataFrame:
    """Each SKU's place in the sales mix, indexed like ``net_sales`` (one row per SKU, base currency).

    Returns share (of the total net_sales; NaN when the total is 0), sales_rank (1 = most net_sales, ties
    by SKU), cum_share (share of the SKUs ranked up to this one) and _hero: among the top SKUs that together
    make ``share_line`` (``hero_sales_share``) of the total, the crossing SKU included (METRICS 5).
    """
    order = pd.DataFrame({"ns": net_sales.to_numpy(), "key": net_sales.index}, index=net_sales.index)
    order = order.sort_values(["ns", "key"], ascending=[False, True])
    total = float(net_sales.sum())
    cum = order["ns"].cumsum() / total if total > 0 else order["ns"] * np.nan
    before = cum.shift(1, fill_value=0.0)
    hero = before.lt(share_line) & order["ns"].gt(0) & (total > 0)
    out = pd.DataFrame({"_hero": hero, "cum_share": cum, "sales_rank": np.arange(1, len(order) + 1)},
                       index=order.index).reindex(net_sales.index)
    out.insert(0, "share", net_sales / total if total else np.nan)
    return out


def sales_regularity(monthly_units: pd.DataFrame) -> pd.DataFrame:
    """months_sold (months with units > 0) and cv (population std / mean of the monthly units; NaN without
    units) per row of a frame of 12 monthly unit columns (METRICS 5, evergreen)."""
    return pd.DataFrame({"months_sold": monthly_units.gt(0).sum(axis=1).astype("int64"),
                         "cv": safe_div(monthly_units.std(axis=1, ddof=0), monthly_units.mean(axis=1))})


def quadrant_labels(sessions: pd.Series, conversion: pd.Series) -> pd.Series:
    """star / fix_listing / needs_traffic / rethink for SKUs with sessions > 0 ("" otherwise), by medians
    over those SKUs (METRICS 5)."""
    has = sessions.gt(0)
    out = pd.Series("", index=sessions.index, dtype=object)
    if not has.any():
        return out
    high_t = sessions.ge(sessions[has].median())
    high_c = conversion.ge(conversion[has].median())
    q = np.select([high_t & high_c, high_t & ~high_c, ~high_t & high_c], QUADRANTS[:3], default="rethink")
    return out.where(~has, pd.Series(q, index=sessions.index, dtype=object))


def quadrant_medians(products: pd.DataFrame) -> dict[str, float]:
    """The medians behind the four-quadrant (METRICS 5) over SKUs with sessions > 0: {"sessions",
    "conversion_rate" (fraction), "skus" (how many SKUs)}; NaN medians when none."""
    has = products[products["sessions"].gt(0)]
    return {"sessions": float(has["sessions"].median()), "conversion_rate": float(has["conversion_rate"].median()),
            "skus": len(has)}


def _format_fields(row: pd.Series, t) -> dict[str, str]:
    return {
        "unit_refund_rate": fmt_pct(row["unit_refund_rate"]), "net_profit": fmt_money(row["net_profit"]),
        "days_of_cover": fmt_num(row["days_of_cover"], 0), "stock_qty": fmt_num(row["stock_qty"], 0),
        "units_90d": fmt_num(row["units_90d"], 0), "sales_rank": str(int(row["sales_rank"])),
        "share": fmt_pct(row["share"]), "cum_share": fmt_pct(row["cum_share"]),
        "months_sold": str(int(row["months_sold"])), "cv": fmt_num(row["cv"], 2),
        "problem_refund_rate": fmt_pct(t("problem_refund_rate")),
        "problem_cover_days": fmt_num(t("problem_cover_days"), 0),
        "hero_sales_share": fmt_pct(t("hero_sales_share")), "evergreen_months": fmt_num(t("evergreen_months"), 0),
        "evergreen_cv": fmt_num(t("evergreen_cv"), 2),
    }


def classify_products(frame: pd.DataFrame, t, rules: list[ProductRule] | None = None) -> pd.DataFrame:
    """class, cause, reason and action per SKU: the first class in ``rules`` order whose rule fires.

    The reason and action (``text.Phrase``) name every rule of the winning class that fired (a problem SKU
    may have both high refunds and a loss), first to last; ``cause`` lists their codes ("refunds,loss").
    """
    rules = PRODUCT_RULES if rules is None else rules
    fired = pd.DataFrame({i: r.applies(frame, t).fillna(False).astype(bool) for i, r in enumerate(rules)})
    cls = pd.Series(rules[-1].cls, index=frame.index, dtype=object)
    decided = pd.Series(False, index=frame.index)
    for i, r in enumerate(rules):
        new = fired[i] & ~decided
        cls[new] = r.cls
        decided |= new
    causes, reasons, actions = [], [], []
    for idx in frame.index:            # one loop over SKUs (not order lines) to collect the figures
        c = cls[idx]
        hits = [r for i, r in enumerate(rules) if r.cls == c and fired.at[idx, i]]
        fields = _format_fields(frame.loc[idx], t)
        causes.append(",".join(r.cause for r in hits))
        reasons.append(Phrase.join(Phrase.of("product.reason_" + r.cause, **fields) for r in hits))
        actions.append(Phrase.join(Phrase.of("product.action_" + r.cause) for r in hits))
    return pd.DataFrame({"class": cls, "cause": causes, "reason": reasons, "action": actions}, index=frame.index)


def _refine_actions(frame: pd.DataFrame, t) -> pd.Series:
    out = []
    for _, row in frame.iterrows():
        parts = list(row["action"].parts)
        q = row["quadrant"]
        own = (row["class"], q) in QUADRANT_ADVICE
        if own or ("*", q) in QUADRANT_ADVICE:
            advice = Phrase.of(f"product.advice_{row['class'] if own else 'any'}_{q}")
            parts = [advice] if QUADRANT_ADVICE[(row["class"], q) if own else ("*", q)] else parts + [advice]
        if row["class"] == "hero" and row["days_of_cover"] < t("hero_min_cover_days"):
            parts.append(Phrase.of("product.restock", days_of_cover=fmt_num(row["days_of_cover"], 0)))
        out.append(Phrase.join(parts))
    return pd.Series(out, index=frame.index, dtype=object)


def product_table(inputs: Inputs, lines: Lines) -> pd.DataFrame:
    """One row per SKU, largest net sales first.

    Rows: SKUs sold in review_year, SKUs of Products with stock but no review_year sales, SKUs with
    own-sku Ads spend in review_year (so no advertised money disappears), SKUs with SKU-level
    sessions in review_year (a visited SKU that never sells belongs in the four-quadrant) and SKUs with Costs
    rows of their own in review_year (removal and storage of dead stock belong to it, METRICS 1).

    Parameters
    ----------
    inputs : validated Inputs.
    lines : ``metrics.order_lines(inputs)``, or its ``LineIndex``.

    Returns
    -------
    DataFrame with sku, name, category, every section 1-2 key at SKU grain (no marketing or fixed
    costs: net_profit = contribution_profit), refunded_qty, share (of net_sales), stock_qty, units_90d,
    days_of_cover (float inf when stock and no sales in the last 90 days), months_sold, cv, sales_rank,
    cum_share, class, cause, reason, action, quadrant ("" without sessions), incomplete (SKU missing
    from Products: its cost is unknown, so cogs 0 and its profit figures are incomplete), return_reasons
    (``return_reasons``: list of {reason, qty, share}, [] when none).
    """
    s = inputs.settings
    year = s.review_year
    index = LineIndex.of(inputs, lines)
    lines = index.lines
    split = index.split_lines(*year_bounds(year))      # net sales per (channel, sku, country): the splits' input
    # the columns read below (sums, cover, months, return reasons): no copy of the rest
    cols = ["sku", "order_key", "order_date", "month", "return_reason"] + list(LINE_SUMS.values())
    cur = lines.loc[lines["year"].eq(year), cols]
    prod = inputs.products.drop_duplicates("sku").set_index("sku")
    ad_spend = _sku_ad_spend(inputs, split)
    stocked = prod.index[prod["stock_qty"].gt(0)]
    tr = inputs.traffic
    tr = tr[in_year(tr["date"], year) & tr["sku"].ne("")]
    visited = tr.loc[tr["sessions"].gt(0), "sku"]
    costs = inputs.costs[in_year(inputs.costs["date"], year)]
    other = sku_other_costs(costs, split)
    own_costs = costs.loc[costs["sku"].ne("") & costs["amount"].ne(0), "sku"]
    skus = pd.Index(sorted(set(cur["sku"]) | set(stocked) | set(ad_spend.index[ad_spend.gt(0)]) | set(visited)
                           | set(own_costs)), name="sku")

    t = money_summary(cur, ["sku"], ad_spend, 0.0, 0.0)
    t = t.reindex(skus)
    t["other_costs"] = other.reindex(skus)
    t[_SUM_COLS] = t[_SUM_COLS].fillna(0.0)
    t["ad_spend"] = ad_spend.reindex(skus).fillna(0.0)
    t = finish_money(t[_SUM_COLS])

    t["sessions"] = tr.groupby("sku")["sessions"].sum().reindex(skus).fillna(0.0).astype("float64")
    atc = tr.groupby("sku")["add_to_cart"].sum().reindex(skus).fillna(0.0).astype("float64")
    for key, value in traffic_ratios(t["orders"], t["units"], t["sessions"], atc).items():
        t[key] = value

    t["stock_qty"] = prod["stock_qty"].reindex(skus).fillna(0.0).astype("float64")
    end = pd.Timestamp(year, 12, 31)
    recent = cur[cur["order_date"].gt(end - pd.Timedelta(days=COVER_WINDOW_DAYS))]
    t["units_90d"] = recent.groupby("sku")["quantity"].sum().reindex(skus).fillna(0.0).astype("float64")
    daily = t["units_90d"] / COVER_WINDOW_DAYS
    cover = safe_div(t["stock_qty"], daily)
    t["days_of_cover"] = cover.mask(t["stock_qty"].gt(0) & daily.eq(0), np.inf)
    monthly = _monthly_units(cur, skus)
    t = t.join(sales_regularity(monthly))
    t = t.join(sales_shares(t["net_sales"], s.t("hero_sales_share")))
    t = t.join(classify_products(t, s.t))
    t["quadrant"] = quadrant_labels(t["sessions"], t["conversion_rate"])
    t["action"] = _refine_actions(t, s.t)
    t["incomplete"] = ~skus.isin(prod.index)
    # a SKU missing from Products (DATA_MODEL: cost 0, profit flagged incomplete): said first in reason and action
    for col in ("reason", "action"):
        t[col] = [Phrase.join([Phrase.of(f"product.cost_unknown_{col}"), p]) if unknown else p
                  for p, unknown in zip(t[col], t["incomplete"])]
    reasons = return_reasons(cur)
    t["return_reasons"] = pd.Series([list(reasons.get(k, [])) for k in skus], index=skus, dtype=object)
    t["name"] = prod["name"].reindex(skus).fillna("").astype(object)
    t["category"] = prod["category"].reindex(skus).fillna("").astype(object)

    t = t.assign(_key=skus).sort_values(["net_sales", "_key"], ascending=[False, True])
    t.index.name = "sku"
    t = t.reset_index()
    cols = (["sku", "name", "category"] + SECTION1_KEYS + SECTION2_KEYS
            + ["refunded_qty", "share", "stock_qty", "units_90d", "days_of_cover", "months_sold", "cv",
               "sales_rank", "cum_share", "class", "cause", "reason", "action", "quadrant", "incomplete",
               "return_reasons"])
    out = t[cols].copy()
    for c in ("sku", "name", "category", "class", "cause", "reason", "action", "quadrant"):
        out[c] = out[c].astype(object)
    out["incomplete"] = out["incomplete"].astype(bool)
    out["sales_rank"] = out["sales_rank"].astype("int64")
    return out
