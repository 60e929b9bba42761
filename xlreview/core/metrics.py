"""METRICS.md sections 1-3 (money and volume, traffic and conversion, customers) at any grain.

Every function is DataFrame in / DataFrame (or dict) out and pure pandas. Inputs follow the
``Inputs`` conventions (money already in base currency). The grains used by the review:

- total (the whole business), per month, per channel, per SKU, per country: ``money_summary``;
- any period and scope (for goals, tracking and growth): ``period_summary``.

An order is identified by (channel, order_id): the same number on two platforms is two orders.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .inputs import Inputs

SECTION1_KEYS = ["gross_sales", "discounts", "refunds", "net_sales", "cogs", "gross_profit", "gross_margin",
                 "platform_fees", "fulfillment_fees", "shipping_costs", "ad_spend", "other_costs", "marketing_costs",
                 "contribution_profit", "fixed_costs", "net_profit", "net_margin", "orders", "units", "aov",
                 "refund_rate", "unit_refund_rate", "tacos"]
SECTION2_KEYS = ["sessions", "conversion_rate", "unit_session_rate", "cart_abandonment_rate"]
SECTION3_KEYS = ["customers", "new_customers", "returning_customers", "repeat_rate", "gross_profit_per_customer",
                 "ltv"]
SUMMARY_KEYS = SECTION1_KEYS + SECTION2_KEYS + SECTION3_KEYS

# what kind of number each key is, whether it adds up, which way is better: metric_table.METRIC_TABLE

_LINE_SUMS = {"gross_sales": "gross_sales", "discounts": "discount", "refunds": "refund_amount",
              "net_sales": "net_sales", "cogs": "cogs", "gross_profit": "gross_profit",
              "platform_fees": "platform_fee", "fulfillment_fees": "fulfillment_fee",
              "shipping_costs": "shipping_cost", "units": "quantity", "refunded_qty": "refunded_qty"}


def safe_div(num, den):
    """num / den with an empty result (NaN) where den is 0 or missing, for scalars and Series."""
    if isinstance(num, pd.Series) or isinstance(den, pd.Series):
        num_s = num if isinstance(num, pd.Series) else pd.Series(num, index=den.index, dtype="float64")
        den_s = den if isinstance(den, pd.Series) else pd.Series(den, index=num_s.index, dtype="float64")
        den_s = den_s.astype("float64")
        return num_s.astype("float64") / den_s.where(den_s != 0)
    if den is None or den == 0 or (isinstance(den, float) and np.isnan(den)):
        return np.nan
    return float(num) / float(den)


def line_unit_costs(orders: pd.DataFrame, products: pd.DataFrame, unit_costs: pd.DataFrame) -> pd.Series:
    """Landed unit cost (base currency) of each order line (DATA_MODEL UnitCosts, METRICS 1 ``cogs``).

    The UnitCosts row of the line's SKU with the latest ``effective_from`` on or before its order_date; before
    a SKU's first row, or for a SKU without rows, Products.unit_cost. NaN for a SKU missing from Products
    (its cost is unknown; UnitCosts rows of such a SKU are not used, as the import log says).
    Returns a float Series aligned with ``orders``.
    """
    prod = products.drop_duplicates("sku").set_index("sku")
    base = orders["sku"].map(prod["unit_cost"]).astype("float64")
    uc = unit_costs[unit_costs["sku"].isin(prod.index) & unit_costs["effective_from"].notna()]
    if uc.empty or orders.empty:
        return base
    left = pd.DataFrame({"order_date": orders["order_date"].to_numpy(dtype="datetime64[ns]"), "sku": orders["sku"].astype(object).to_numpy(),
                         "_i": np.arange(len(orders))}).sort_values("order_date", kind="mergesort")
    right = pd.DataFrame({"order_date": uc["effective_from"].to_numpy(dtype="datetime64[ns]"), "sku": uc["sku"].astype(object).to_numpy(),
                          "_cost": uc["unit_cost"].astype("float64").to_numpy()}).sort_values("order_date",
                                                                                              kind="mergesort")
    m = pd.merge_asof(left, right, on="order_date", by="sku", direction="backward")
    dated = np.empty(len(orders))
    dated[m["_i"].to_numpy()] = m["_cost"].to_numpy(dtype="float64")
    return base.where(np.isnan(dated), pd.Series(dated, index=orders.index))


def order_lines(inputs: Inputs) -> pd.DataFrame:
    """Orders with the derived per-line figures every grain sums.

    Adds: unit_cost (``line_unit_costs``; 0 for SKUs missing from Products), cogs, gross_sales, net_sales,
    gross_profit, order_key (an integer per channel + order_id), customer_code (an integer per customer_id, -1
    when blank), first_order_date (the buyer's first order in all the data; NaT when blank), year, month
    (1-12), category, known_sku (the SKU is in Products, so its cost is known).
    """
    o = inputs.orders
    prod = inputs.products.drop_duplicates("sku").set_index("sku")
    unit_cost = line_unit_costs(o, inputs.products, inputs.unit_costs)
    out = o.assign(
        known_sku=o["sku"].isin(prod.index),
        unit_cost=unit_cost.fillna(0.0).astype("float64"),
        category=o["sku"].map(prod["category"].astype(object)).astype(object).fillna(""),
    )
    out["cogs"] = out["quantity"] * out["unit_cost"]
    out["gross_sales"] = out["item_price"] + out["shipping_charged"]
    out["net_sales"] = out["gross_sales"] - out["discount"] - out["refund_amount"]
    out["gross_profit"] = out["net_sales"] - out["cogs"]
    # one integer per (channel, order_id): distinct counts on ints are far cheaper than on strings
    out["order_key"] = pd.factorize(pd.MultiIndex.from_arrays([out["channel"], out["order_id"]]))[0].astype("int64")
    # one integer per buyer (-1: no customer_id), so distinct counts and group-bys never touch the text ids
    has_id = out["customer_id"].ne("")
    codes = np.full(len(out), -1, dtype="int64")
    codes[has_id.to_numpy()] = pd.factorize(out.loc[has_id, "customer_id"])[0]
    out["customer_code"] = codes
    # each buyer's first order in ALL the data (METRICS 3), whatever scope a figure is later cut to
    first = out.loc[has_id, "order_date"].groupby(codes[has_id.to_numpy()]).transform("min")
    out["first_order_date"] = pd.Series(pd.NaT, index=out.index, dtype="datetime64[ns]")
    out.loc[has_id, "first_order_date"] = first.to_numpy()
    out["year"] = out["order_date"].dt.year.astype("int64")
    out["month"] = out["order_date"].dt.month.astype("int64")
    return out


_SUM_COLUMNS = list(_LINE_SUMS.values()) + ["order_key"]
_SPLIT_COLUMNS = ["channel", "sku", "country", "net_sales"]


def _group_sums(lines: pd.DataFrame, by: list[str] | None) -> pd.DataFrame:
    cols = list(_LINE_SUMS.values())
    if not by:
        sums = lines[cols].sum().to_frame().T
        sums["orders"] = lines["order_key"].nunique()
        sums.index = pd.Index(["all"], name="grain")
    else:
        g = lines.groupby(by, sort=True, observed=True)
        sums = g[cols].sum()
        sums["orders"] = g["order_key"].nunique()
    return sums.rename(columns={v: k for k, v in _LINE_SUMS.items()})


def finish_money(t: pd.DataFrame) -> pd.DataFrame:
    """Add the derived keys of section 1 to a frame holding the summed ones.

    Needs columns gross_sales, discounts, refunds, net_sales, cogs, gross_profit, platform_fees,
    fulfillment_fees, shipping_costs, units, refunded_qty, orders, ad_spend, other_costs (0 when absent),
    marketing_costs, fixed_costs.
    """
    t = t.copy()
    if "other_costs" not in t.columns:
        t["other_costs"] = 0.0
    t["gross_margin"] = safe_div(t["gross_profit"], t["net_sales"])
    t["contribution_profit"] = (t["gross_profit"] - t["platform_fees"] - t["fulfillment_fees"]
                                - t["shipping_costs"] - t["ad_spend"] - t["other_costs"])
    t["net_profit"] = t["contribution_profit"] - t["marketing_costs"] - t["fixed_costs"]
    t["net_margin"] = safe_div(t["net_profit"], t["net_sales"])
    t["aov"] = safe_div(t["gross_sales"] - t["discounts"], t["orders"])
    t["refund_rate"] = safe_div(t["refunds"], t["gross_sales"] - t["discounts"])
    t["unit_refund_rate"] = safe_div(t["refunded_qty"], t["units"])
    t["tacos"] = safe_div(t["ad_spend"], t["net_sales"])
    return t


def money_summary(lines: pd.DataFrame, by: list[str] | None = None, ad_spend=0.0, marketing_costs=0.0,
                  fixed_costs=0.0, other_costs=0.0) -> pd.DataFrame:
    """Section 1 figures of ``lines`` (from ``order_lines``, already filtered to the period).

    Parameters
    ----------
    by : group keys (columns of ``lines``); None = one row for the whole frame.
    ad_spend, marketing_costs, fixed_costs, other_costs : scalar (total grain) or Series indexed by the group key.

    Returns
    -------
    DataFrame indexed by the group key with SECTION1_KEYS (+ refunded_qty) as columns.
    """
    t = _group_sums(lines, by)
    for name, value in (("ad_spend", ad_spend), ("marketing_costs", marketing_costs), ("fixed_costs", fixed_costs),
                        ("other_costs", other_costs)):
        if isinstance(value, pd.Series):
            t[name] = value.reindex(t.index).fillna(0.0).astype("float64")
        else:
            t[name] = float(value)
    return finish_money(t)


def in_year(dates: pd.Series, year: int) -> pd.Series:
    return dates.dt.year == year


def period_mask(dates: pd.Series, start: pd.Timestamp, end: pd.Timestamp) -> pd.Series:
    """start <= date <= end (inclusive days)."""
    return (dates >= start) & (dates <= end)


# ---------------------------------------------------------------------------------------- scope
SCOPE_KEYS = ("channel", "country", "sku", "category")


def parse_scope(text: str) -> dict[str, list[str]] | None:
    """``all`` / blank -> {}; ``channel=Amazon US; country=US`` -> {"channel": ["Amazon US"], ...}.

    Several values for one key may be given with ``|`` or ``,`` (``channel=eBay|Shopify``).
    Returns None when the text does not parse (unknown key, no ``=``).
    """
    s = (text or "").strip()
    if s == "" or s.lower() in ("all", "全部", "所有"):
        return {}
    out: dict[str, list[str]] = {}
    for part in s.replace("；", ";").split(";"):
        part = part.strip()
        if not part:
            continue
        if "=" not in part and "＝" not in part:
            return None
        k, v = part.replace("＝", "=").split("=", 1)
        k = k.strip().lower()
        if k not in SCOPE_KEYS or not v.strip():
            return None
        out[k] = [x.strip() for x in v.replace("，", ",").replace("|", ",").split(",") if x.strip()]
    return out


def scope_mask(frame: pd.DataFrame, scope: dict[str, list[str]], sku_category: pd.Series | None = None) -> pd.Series:
    """Rows of ``frame`` inside ``scope``; keys the frame cannot answer are ignored (all rows pass)."""
    mask = pd.Series(True, index=frame.index)
    for key, values in scope.items():
        if key in frame.columns:          # text columns are str already (Inputs conventions)
            mask &= frame[key].isin(values)
        elif key == "category" and "sku" in frame.columns and sku_category is not None:
            mask &= frame["sku"].map(sku_category).isin(values)
    return mask


# --------------------------------------------------------------------------------- period summary
def sku_ad_spend(ads: pd.DataFrame, lines: pd.DataFrame) -> pd.Series:
    """Ad spend per (channel, sku): Ads rows with that sku, plus the split of the channel's sku-less rows
    over the SKUs sold in the channel by their share of its net_sales in ``lines`` (METRICS 1).

    ``ads`` and ``lines`` are already cut to the period. A channel whose net sales sum to 0 splits evenly;
    spend of a channel without sales has no SKU to go to (it stays at channel level).
    """
    own = ads[ads["sku"].ne("")].groupby(["channel", "sku"])["spend"].sum()
    pool = ads[ads["sku"].eq("")].groupby("channel")["spend"].sum()
    ns = lines[lines["channel"].isin(pool.index)].groupby(["channel", "sku"])["net_sales"].sum().reset_index()
    total = ns.groupby("channel")["net_sales"].transform("sum")
    count = ns.groupby("channel")["net_sales"].transform("size")
    weight = (ns["net_sales"] / total.where(total != 0)).fillna(1.0 / count)
    split = (weight * ns["channel"].map(pool)).groupby([ns["channel"], ns["sku"]]).sum()
    return own.add(split, fill_value=0.0).astype("float64")


def scope_ad_spend(inputs: Inputs, start, end, scope: dict, period_lines: pd.DataFrame, sku_category=None) -> float:
    """Ad spend of a period and scope.

    Channel scopes take their Ads rows; SKU and category scopes their allocated spend (``sku_ad_spend``);
    a country scope, which Ads cannot tell, takes each channel's (or channel x SKU's) spend times the
    country's share of its net sales in the period.
    """
    ads = inputs.ads[period_mask(inputs.ads["date"], start, end)]
    if "channel" in scope:
        ads = ads[ads["channel"].isin(scope["channel"])]
    sku_level = "sku" in scope or "category" in scope
    unit = ["channel", "sku"] if sku_level else ["channel"]
    if sku_level:
        per = sku_ad_spend(ads, period_lines)
        skus = per.index.get_level_values("sku")
        keep = pd.Series(True, index=per.index)
        if "sku" in scope:
            keep &= skus.isin(scope["sku"])
        if "category" in scope and sku_category is not None:
            keep &= skus.map(sku_category).isin(scope["category"])
        per = per[keep.to_numpy()]
    else:
        per = ads.groupby("channel")["spend"].sum()
    if "country" in scope:
        ns = period_lines.groupby(unit)["net_sales"].sum()
        mine = period_lines[period_lines["country"].isin(scope["country"])].groupby(unit)["net_sales"].sum()
        share = (mine.reindex(ns.index).fillna(0.0) / ns.where(ns != 0)).reindex(per.index).fillna(0.0)
        per = per * share
    return float(per.sum())


def channel_marketing(marketing: pd.DataFrame, net_sales: pd.Series) -> pd.Series:
    """Marketing cost per channel of ``net_sales.index`` (METRICS 1): the channel's own Marketing rows plus
    the blank-channel rows split by its share of ``net_sales`` (no sales anywhere: no split).

    ``marketing`` is already cut to the period (by start_date).
    """
    direct = marketing[marketing["channel"].ne("")].groupby("channel")["cost"].sum()
    blank = float(marketing.loc[marketing["channel"].eq(""), "cost"].sum())
    total = float(net_sales.sum())
    share = net_sales / total if total else net_sales * 0.0
    return (direct.reindex(net_sales.index, fill_value=0.0) + blank * share).astype("float64")


def _positive_shares(net_sales: pd.Series, level: str | None = None) -> pd.Series:
    """Each entry's share of max(net_sales, 0) (within ``level`` of a MultiIndex); NaN where all are 0 (METRICS 1)."""
    pos = net_sales.clip(lower=0.0).astype("float64")
    total = pos.groupby(level=level).transform("sum") if level else pd.Series(float(pos.sum()), index=pos.index)
    return pos / total.where(total > 0)


def channel_other_costs(costs: pd.DataFrame, lines: pd.DataFrame) -> pd.Series:
    """other_costs per channel (METRICS 1, channel grain), indexed by channel.

    ``costs`` (Costs rows) and ``lines`` (order lines) are already cut to the period. A row with a channel
    goes to it; a blank-channel row with a SKU that sold in the period is split over channels by that SKU's
    net_sales in each, any other blank-channel row by the channels' net_sales (shares of max(net_sales, 0);
    when all are 0 the row counts at total grain only).
    """
    direct = costs[costs["channel"].ne("")].groupby("channel")["amount"].sum()
    blank = costs[costs["channel"].eq("")]
    by_sku_channel = lines.groupby(["sku", "channel"])["net_sales"].sum()
    sold = blank["sku"].ne("") & blank["sku"].isin(by_sku_channel.index.get_level_values("sku"))
    per_sku = blank[sold].groupby("sku")["amount"].sum()
    w = _positive_shares(by_sku_channel, "sku")
    w = w[w.index.get_level_values("sku").isin(per_sku.index)]
    from_skus = (w * per_sku.reindex(w.index.get_level_values("sku")).to_numpy()).groupby(level="channel").sum()
    w_ch = _positive_shares(lines.groupby("channel")["net_sales"].sum())
    from_rest = w_ch * float(blank.loc[~sold, "amount"].sum())
    out = direct.add(from_skus.dropna(), fill_value=0.0).add(from_rest.dropna(), fill_value=0.0)
    out.index.name = "channel"
    return out.astype("float64")


def sku_other_costs(costs: pd.DataFrame, lines: pd.DataFrame) -> pd.Series:
    """other_costs per SKU (METRICS 1, SKU grain), indexed by sku.

    ``costs`` and ``lines`` are already cut to the period. A row with a sku goes to it; a row with a channel and
    no sku is split over the SKUs sold in that channel by their share of its net_sales; a row with neither over
    all SKUs by their share of the net_sales (shares of max(net_sales, 0)). A row whose channel sold nothing (or
    whose shares are all 0) counts at total and channel grain only.
    """
    direct = costs[costs["sku"].ne("")].groupby("sku")["amount"].sum()
    no_sku = costs[costs["sku"].eq("")]
    per_channel = no_sku[no_sku["channel"].ne("")].groupby("channel")["amount"].sum()
    by_channel_sku = lines.groupby(["channel", "sku"])["net_sales"].sum()
    w = _positive_shares(by_channel_sku, "channel")
    w = w[w.index.get_level_values("channel").isin(per_channel.index)]
    from_channels = (w * per_channel.reindex(w.index.get_level_values("channel")).to_numpy()).groupby(
        level="sku").sum()
    w_sku = _positive_shares(lines.groupby("sku")["net_sales"].sum())
    from_rest = w_sku * float(no_sku.loc[no_sku["channel"].eq(""), "amount"].sum())
    out = direct.add(from_channels.dropna(), fill_value=0.0).add(from_rest.dropna(), fill_value=0.0)
    out.index.name = "sku"
    return out.astype("float64")


def scope_other_costs(costs: pd.DataFrame, period_lines: pd.DataFrame, scope: dict, sku_category=None) -> float:
    """other_costs of a period and scope (``costs`` and ``period_lines`` already cut to the period).

    Whole business: every row. A channel scope: ``channel_other_costs``; a SKU or category scope:
    ``sku_other_costs`` of its SKUs. A key the grain cannot answer (a country; a channel next to a SKU) takes
    the allocated amount times the scope's share of that channel's (or SKU's) net_sales, as ad spend does.
    """
    if not scope:
        return float(costs["amount"].sum())
    sku_level = "sku" in scope or "category" in scope
    unit = "sku" if sku_level else "channel"
    per = sku_other_costs(costs, period_lines) if sku_level else channel_other_costs(costs, period_lines)
    keep = pd.Series(True, index=per.index)
    if unit in scope:
        keep &= per.index.isin(scope[unit])
    if "category" in scope and sku_category is not None:
        keep &= per.index.map(sku_category).isin(scope["category"])
    per = per[keep.to_numpy()]
    narrower = {k: v for k, v in scope.items() if k in ("country",) or (k == "channel" and sku_level)}
    if narrower:
        ns = period_lines.groupby(unit)["net_sales"].sum()
        mine = period_lines[scope_mask(period_lines, narrower)].groupby(unit)["net_sales"].sum()
        share = (mine.reindex(ns.index).fillna(0.0) / ns.where(ns != 0)).reindex(per.index).fillna(0.0)
        per = per * share
    return float(per.sum())


def period_summary(inputs: Inputs, start, end, scope: dict | None = None, lines: pd.DataFrame | None = None,
                   fixed_share: float | None = None) -> dict[str, float]:
    """Every key of sections 1-3 (and roas, acos) for the days ``start``..``end`` (inclusive) and a scope.

    Fixed costs: the whole business takes Channels.fixed_cost + fixed_overhead, a channel scope its
    Channels rows, a narrower scope none (METRICS 1), times ``fixed_share`` of the year (default: the
    fraction of a year the period covers, 1.0 for a calendar year).
    """
    return period_summaries(inputs, [(start, end)], scope, lines, fixed_share)[0]


def period_summaries(inputs: Inputs, periods, scope: dict | None = None, lines: pd.DataFrame | None = None,
                     fixed_share: float | None = None, with_ltv: bool = True) -> list[dict[str, float]]:
    """``period_summary`` of each (start, end) of ``periods`` for one scope, in one pass over the rows.

    ``periods`` must be in order and disjoint (the months of a year, the weeks of a plan); returns one dict
    per period, in that order. Every row is assigned to its period once; each figure of a period is then
    summed over the same rows, in the same order, as ``period_summary`` of that period alone would.
    ``with_ltv=False`` leaves ``ltv`` (a cohort figure of a calendar year, ``cohort_ltv``) empty for a caller
    that reads other keys only.

    Raises ValueError when the periods overlap or are out of order.
    """
    scope = scope or {}
    all_lines = order_lines(inputs) if lines is None else lines
    cat = inputs.products.drop_duplicates("sku").set_index("sku")["category"]
    bounds = [(pd.Timestamp(a), pd.Timestamp(b)) for a, b in periods]
    if not bounds:
        return []
    starts = np.array([a.to_datetime64() for a, _ in bounds], dtype="datetime64[ns]")
    ends = np.array([b.to_datetime64() for _, b in bounds], dtype="datetime64[ns]")
    if (ends < starts).any() or (starts[1:] <= ends[:-1]).any():
        raise ValueError("periods must be in order and disjoint")
    n = len(bounds)

    def cut(dates: pd.Series, keep=None) -> _Cut:
        return _Cut.of(dates, starts, ends, keep)

    lines_cut = cut(all_lines["order_date"], scope_mask(all_lines, scope, cat).to_numpy())
    t = pd.DataFrame({key: lines_cut.sums(all_lines[col]) for key, col in _LINE_SUMS.items()})
    t["orders"] = lines_cut.distinct(all_lines["order_key"])
    t["ad_spend"], t["marketing_costs"], other_costs = _period_costs(inputs, all_lines, scope, bounds, cut, cat)
    ch = inputs.channels
    if not scope:
        fixed_year = float(ch["fixed_cost"].sum()) + inputs.settings.fixed_overhead
    elif set(scope) == {"channel"}:
        fixed_year = float(ch.loc[ch["channel"].isin(scope["channel"]), "fixed_cost"].sum())
    else:
        fixed_year = 0.0
    shares = [fixed_share if fixed_share is not None else
              (1.0 if (b - a).days + 1 >= 365 else ((b - a).days + 1) / 365.0) for a, b in bounds]
    t["fixed_costs"] = fixed_year * np.array(shares, dtype="float64")
    t["other_costs"] = other_costs
    t = finish_money(t)
    for key, value in _period_traffic(inputs, scope, cut, cat, t["orders"], t["units"]).items():
        t[key] = value
    for key, value in _period_customers(all_lines, lines_cut, starts, ends).items():
        t[key] = value
    # ltv: the 12-month value of the year's cohort, for the whole business over a calendar year only
    t["ltv"] = [cohort_ltv(all_lines, a.year) if (with_ltv and not scope and a == pd.Timestamp(a.year, 1, 1)
                                                  and b == pd.Timestamp(a.year, 12, 31)) else np.nan
                for a, b in bounds]
    for key, value in _period_ad_returns(inputs, scope, cut, cat, n).items():
        t[key] = value
    return [{k: float(v) for k, v in row.items()} for row in t.to_dict(orient="records")]


class _Cut:
    """Rows of a frame grouped by the period holding their date: rows[cuts[k]:cuts[k + 1]] are period k's,
    in the frame's order (so a sum over them adds the same numbers in the same order as a filter would)."""

    def __init__(self, rows: np.ndarray, cuts: np.ndarray):
        self.rows, self.cuts = rows, cuts

    @classmethod
    def of(cls, dates: pd.Series, starts: np.ndarray, ends: np.ndarray, keep=None) -> _Cut:
        d = dates.to_numpy(dtype="datetime64[ns]")
        k = np.searchsorted(starts, d, side="right") - 1
        inside = (k >= 0) & (d <= ends[np.clip(k, 0, None)])
        if keep is not None:
            inside &= keep
        rows = np.flatnonzero(inside)
        order = np.argsort(k[rows], kind="stable")
        return cls(rows[order], np.searchsorted(k[rows][order], np.arange(len(starts) + 1)))

    def parts(self, values) -> list[np.ndarray]:
        v = np.asarray(values)[self.rows]
        return [v[a:b] for a, b in zip(self.cuts[:-1], self.cuts[1:])]

    def sums(self, values) -> np.ndarray:
        return np.array([p.sum() for p in self.parts(values)], dtype="float64")

    def distinct(self, values) -> np.ndarray:
        return np.array([len(np.unique(p)) for p in self.parts(values)], dtype="float64")


def _period_costs(inputs: Inputs, all_lines: pd.DataFrame, scope: dict, bounds, cut, cat):
    """(ad_spend, marketing_costs, other_costs) per period (METRICS 1).

    Ad spend: the Ads rows of the scope's channels; SKU, category and country scopes their split of them
    (``scope_ad_spend``, by the period's net sales). Marketing: every Marketing and Content row for the whole
    business; a channel scope its own Marketing rows plus its net-sales share of the blank-channel rows
    (``channel_marketing``); a narrower scope none (not split below channel level). Other costs: the Costs
    rows of the period, split to the scope by ``scope_other_costs``.
    """
    n = len(bounds)
    split = bool({"sku", "category", "country"} & set(scope))
    every = cut(all_lines["order_date"])              # the period's lines of every scope: their net sales split
    period_lines = every.rows, every.cuts
    split_columns = all_lines.columns.get_indexer(_SPLIT_COLUMNS)

    def lines_of(k: int) -> pd.DataFrame:
        return all_lines.iloc[every.rows[every.cuts[k]:every.cuts[k + 1]], split_columns]

    if split:
        ad_spend = np.array([scope_ad_spend(inputs, a, b, scope, lines_of(k), cat) for k, (a, b) in enumerate(bounds)],
                            dtype="float64")
    else:
        ads = inputs.ads
        keep = scope_mask(ads, {k: v for k, v in scope.items() if k == "channel"}, cat).to_numpy()
        ad_spend = cut(ads["date"], keep).sums(ads["spend"])
    mk = inputs.marketing
    if not scope:
        content = inputs.content
        marketing = cut(mk["start_date"]).sums(mk["cost"]) + cut(content["date"]).sums(content["cost"])
    elif set(scope) == {"channel"}:
        chans = pd.Index(scope["channel"])
        rows, cuts = period_lines
        m_cut = cut(mk["start_date"])
        net_sales, channel = all_lines["net_sales"].to_numpy()[rows], all_lines["channel"].to_numpy()[rows]
        marketing = []
        for k in range(n):
            part = slice(cuts[k], cuts[k + 1])
            by_channel = pd.Series(net_sales[part]).groupby(channel[part]).sum()
            ns = by_channel.reindex(by_channel.index.union(chans), fill_value=0.0)
            m = mk.iloc[m_cut.rows[m_cut.cuts[k]:m_cut.cuts[k + 1]]]
            marketing.append(float(channel_marketing(m, ns).reindex(chans).sum()))
        marketing = np.array(marketing, dtype="float64")
    else:
        marketing = np.zeros(n)         # marketing costs are not split below channel level (METRICS 1)
    costs = inputs.costs
    costs_cut = cut(costs["date"])
    if not scope:
        other = costs_cut.sums(costs["amount"])
    else:
        other = np.array([scope_other_costs(costs.iloc[costs_cut.rows[costs_cut.cuts[k]:costs_cut.cuts[k + 1]]],
                                            lines_of(k), scope, cat) for k in range(n)], dtype="float64")
    return ad_spend, marketing, other


def _period_traffic(inputs: Inputs, scope: dict, cut, cat, orders: pd.Series, units: pd.Series) -> dict:
    """Section 2 per period: sessions from channel-level Traffic rows (blank sku) unless the scope names SKUs
    or a category, then from the SKU rows; a country scope has none (Traffic rows carry no country)."""
    if "country" in scope:      # Traffic rows carry no country: sessions of a market are unknown
        return {k: np.nan for k in ("sessions", "conversion_rate", "unit_session_rate", "cart_abandonment_rate")}
    tr = inputs.traffic
    sku_grain = "sku" in scope or "category" in scope
    keep = (tr["sku"].ne("") if sku_grain else tr["sku"].eq("")) & scope_mask(tr, scope, cat)
    tr_cut = cut(tr["date"], keep.to_numpy())
    sessions = pd.Series(tr_cut.sums(tr["sessions"]), index=orders.index)
    atc = pd.Series(tr_cut.sums(tr["add_to_cart"]), index=orders.index)
    return {"sessions": sessions, **traffic_ratios(orders, units, sessions, atc)}


def _period_customers(all_lines: pd.DataFrame, lines_cut: _Cut, starts, ends) -> dict:
    """Section 3 per period (see ``customer_figures``)."""
    codes = lines_cut.parts(all_lines["customer_code"])
    firsts = lines_cut.parts(all_lines["first_order_date"].to_numpy(dtype="datetime64[ns]"))
    keys = lines_cut.parts(all_lines["order_key"])
    profits = lines_cut.parts(all_lines["gross_profit"])
    out = {k: [] for k in ("customers", "new_customers", "returning_customers", "repeat_rate",
                           "gross_profit_per_customer")}
    for k, (c, f, o, g) in enumerate(zip(codes, firsts, keys, profits)):
        fig = _customer_figures(c, f, o, g, starts[k], ends[k])
        for key in out:
            out[key].append(fig[key])
    return out


def _customer_figures(codes, first, order_keys, gross_profit, start64, end64) -> dict:
    has_id = codes >= 0
    codes, first, order_keys = codes[has_id], first[has_id], order_keys[has_id]
    customers = len(np.unique(codes))
    new = len(np.unique(codes[(first >= start64) & (first <= end64)]))
    span = int(order_keys.max()) + 1 if len(order_keys) else 1
    pairs = np.unique(codes.astype("int64") * span + order_keys)           # distinct (customer, order)
    repeaters = int((np.unique(pairs // span, return_counts=True)[1] >= 2).sum())
    return {"customers": float(customers), "new_customers": float(new),
            "returning_customers": float(customers - new),
            "repeat_rate": safe_div(float(repeaters), customers),
            "gross_profit_per_customer": safe_div(float(gross_profit[has_id].sum()), customers)}


def _period_ad_returns(inputs: Inputs, scope: dict, cut, cat, n: int) -> dict:
    """roas and acos per period: attributed sales of the Ads rows in scope over their spend (a country scope
    has none: Ads rows carry no market)."""
    if "country" in scope:
        return {"roas": np.full(n, np.nan), "acos": np.full(n, np.nan)}
    a = inputs.ads
    a_cut = cut(a["date"], scope_mask(a, scope, cat).to_numpy())
    spend = pd.Series(a_cut.sums(a["spend"]))
    sales = pd.Series(a_cut.sums(a["sales"]))
    return {"roas": safe_div(sales, spend).to_numpy(), "acos": safe_div(spend, sales).to_numpy()}


def traffic_ratios(orders, units, sessions, add_to_cart) -> dict:
    """Section 2 ratios from their sums, for scalars or Series of any grain (empty on a zero denominator)."""
    return {"conversion_rate": safe_div(orders, sessions), "unit_session_rate": safe_div(units, sessions),
            "cart_abandonment_rate": 1 - safe_div(orders, add_to_cart)}


def customer_figures(lines: pd.DataFrame, start, end) -> dict:
    """Section 3 for the order lines of a scope and a period.

    ``lines``: ``order_lines`` rows (customer_code, order_date, first_order_date, order_key, gross_profit);
    rows outside start..end are left out here. A customer is new when their first order in ALL the data
    (``first_order_date``) falls in the period -- also when that first order was outside the scope (METRICS 3).
    """
    start64, end64 = pd.Timestamp(start).to_datetime64(), pd.Timestamp(end).to_datetime64()
    dates = lines["order_date"].to_numpy(dtype="datetime64[ns]")
    keep = (dates >= start64) & (dates <= end64)
    return _customer_figures(lines["customer_code"].to_numpy()[keep],
                             lines["first_order_date"].to_numpy(dtype="datetime64[ns]")[keep],
                             lines["order_key"].to_numpy()[keep], lines["gross_profit"].to_numpy()[keep],
                             start64, end64)


LTV_WINDOW_DAYS = 365


def ltv_cohort(lines: pd.DataFrame, year: int) -> pd.DataFrame:
    """The customers behind ``ltv`` of ``year`` (METRICS 3) and each one's 12-month gross profit.

    The cohort: customers whose first order in ALL the data falls in ``year - 1``. A customer counts when
    the end of their window (first order date + 365 days, excluded from the window) is on or before the
    last order date in the data -- read literally: the window's bound, not its last day, must be inside the
    data. Gross profit = Σ gross_profit (net_sales - quantity x unit cost) of their lines dated in
    [first order date, first order date + 365 days).

    Returns
    -------
    DataFrame indexed by customer_id: first_order_date, window_end (excluded), gross_profit_12m.
    Empty when nobody qualifies.
    """
    cols = ["first_order_date", "window_end", "gross_profit_12m"]
    with_id = lines[lines["customer_id"].ne("")]
    if with_id.empty:
        return pd.DataFrame(columns=cols, index=pd.Index([], name="customer_id"))
    last = lines["order_date"].max()
    first = with_id["first_order_date"]
    end = first + pd.Timedelta(days=LTV_WINDOW_DAYS)
    cohort = first.dt.year.eq(year - 1) & end.le(last)
    c = with_id[cohort]
    in_window = (c["order_date"] >= c["first_order_date"]) & (c["order_date"] < end[cohort])
    gp = c["gross_profit"].where(in_window, 0.0).groupby(c["customer_id"]).sum()
    out = pd.DataFrame({"first_order_date": c.groupby("customer_id")["first_order_date"].first(),
                        "window_end": end[cohort].groupby(c["customer_id"]).first(),
                        "gross_profit_12m": gp.astype("float64")})
    out.index.name = "customer_id"
    return out[cols]


def cohort_ltv(lines: pd.DataFrame, year: int) -> float:
    """``ltv`` of ``year``: the mean 12-month gross profit of ``ltv_cohort`` (NaN when nobody qualifies)."""
    c = ltv_cohort(lines, year)
    return float(c["gross_profit_12m"].mean()) if len(c) else np.nan


def year_bounds(year: int) -> tuple[pd.Timestamp, pd.Timestamp]:
    return pd.Timestamp(year, 1, 1), pd.Timestamp(year, 12, 31)


def business_summary(inputs: Inputs, lines: pd.DataFrame | None = None) -> dict[str, float]:
    """Every key of sections 1-3 for the whole business over review_year (the JSON ``summary``)."""
    start, end = year_bounds(inputs.settings.review_year)
    s = period_summary(inputs, start, end, {}, lines)
    return {k: s[k] for k in SUMMARY_KEYS}


def monthly_summary(inputs: Inputs, lines: pd.DataFrame | None = None) -> pd.DataFrame:
    """Sections 1-3 per calendar month of review_year (12 rows, index 1..12).

    Fixed costs are spread evenly (1/12 a month) so that the months sum to the year.
    Customers per month count distinct buyers of that month; new customers are those whose first
    order ever falls in that month (so new customers sum to the year's).
    """
    rows = period_summaries(inputs, month_bounds(inputs.settings.review_year), {}, lines, fixed_share=1 / 12)
    return pd.DataFrame(rows, index=pd.RangeIndex(1, 13, name="month"))


def month_bounds(year: int) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    """(first day, last day) of each calendar month of ``year``."""
    starts = [pd.Timestamp(year, m, 1) for m in range(1, 13)]
    return [(s, s + pd.offsets.MonthEnd(0)) for s in starts]
