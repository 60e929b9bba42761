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

LINE_SUMS = {"gross_sales": "gross_sales", "discounts": "discount", "refunds": "refund_amount",
              "net_sales": "net_sales", "cogs": "cogs", "gross_profit": "gross_profit",
              "platform_fees": "platform_fee", "fulfillment_fees": "fulfillment_fee",
              "shipping_costs": "shipping_cost", "units": "quantity", "refunded_qty": "refunded_qty"}


def safe_div(num, den):
    """num / den with an empty result (NaN) where den is 0 or missing, for scalars, Series and numpy arrays."""
    if isinstance(num, pd.Series) or isinstance(den, pd.Series):
        num_s = num if isinstance(num, pd.Series) else pd.Series(num, index=den.index, dtype="float64")
        den_s = den if isinstance(den, pd.Series) else pd.Series(den, index=num_s.index, dtype="float64")
        den_s = den_s.astype("float64")
        return num_s.astype("float64") / den_s.where(den_s != 0)
    if isinstance(num, np.ndarray) or isinstance(den, np.ndarray):
        den_a = np.asarray(den, dtype="float64")
        return np.asarray(num, dtype="float64") / np.where(den_a != 0, den_a, np.nan)
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


def combination_codes(columns: list[pd.Series]) -> np.ndarray:
    """One integer (0, 1, ...) per distinct combination of the values of ``columns``, in order of first appearance
    (what ``pd.factorize`` of their MultiIndex gives, without building tuples): each column is factorised on its
    own and the codes are combined as integers."""
    codes = np.zeros(len(columns[0]), dtype="int64")
    for column in columns:
        c, uniques = pd.factorize(column)
        codes = codes * (len(uniques) + 1) + (c + 1)           # +1: a missing value (-1) keeps its own code
        codes = pd.factorize(codes)[0].astype("int64")          # back to 0..n-1 so the next product cannot overflow
    return codes


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
    out["order_key"] = combination_codes([out["channel"], out["order_id"]])
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


_SUM_COLUMNS = list(LINE_SUMS.values()) + ["order_key"]
_SPLIT_COLUMNS = ["channel", "sku", "country", "net_sales"]


def _group_sums(lines: pd.DataFrame, by: list[str] | None) -> pd.DataFrame:
    cols = list(LINE_SUMS.values())
    if not by:
        sums = lines[cols].sum().to_frame().T
        sums["orders"] = lines["order_key"].nunique()
        sums.index = pd.Index(["all"], name="grain")
    else:
        g = lines.groupby(by, sort=True, observed=True)
        sums = g[cols].sum()
        sums["orders"] = g["order_key"].nunique()
    return sums.rename(columns={v: k for k, v in LINE_SUMS.items()})


def finish_money(t: pd.DataFrame | dict[str, np.ndarray]) -> pd.DataFrame | dict[str, np.ndarray]:
    """Add the derived keys of section 1 to a frame holding the summed ones (a new frame; or a new dict when
    ``t`` is a dict of numpy arrays, one entry per row, as ``LineIndex`` keeps them).

    Needs columns gross_sales, discounts, refunds, net_sales, cogs, gross_profit, platform_fees,
    fulfillment_fees, shipping_costs, units, refunded_qty, orders, ad_spend, other_costs (0 when absent),
    marketing_costs, fixed_costs.
    """
    t = t.copy()
    if "other_costs" not in t:
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
    # astype: on an empty selection map keeps the channel's str dtype and the product fails
    split = (weight * ns["channel"].map(pool).astype("float64")).groupby([ns["channel"], ns["sku"]]).sum()
    return own.add(split, fill_value=0.0).astype("float64")


def scope_ad_spend(inputs: Inputs, start, end, scope: dict, period_lines: pd.DataFrame, sku_category=None,
                   ads: pd.DataFrame | None = None) -> float:
    """Ad spend of a period and scope.

    Channel scopes take their Ads rows; SKU and category scopes their allocated spend (``sku_ad_spend``);
    a country scope, which Ads cannot tell, takes each channel's (or channel x SKU's) spend times the
    country's share of its net sales in the period. ``ads``: the Ads rows dated start..end (at least channel,
    sku, spend) when the caller has them already.
    """
    ads = inputs.ads[period_mask(inputs.ads["date"], start, end)] if ads is None else ads
    if "channel" in scope:
        ads = ads[ads["channel"].isin(scope["channel"])]
    sku_level = "sku" in scope or "category" in scope
    if not sku_level and "country" not in scope:
        return float(ads["spend"].sum())
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


def other_costs_unit(scope: dict) -> str:
    """The grain a scope's other costs are allocated at: ``sku`` for a SKU or category scope, else ``channel``."""
    return "sku" if "sku" in scope or "category" in scope else "channel"


def allocate_other_costs(costs: pd.DataFrame, period_lines: pd.DataFrame, unit: str) -> pd.Series:
    """The period's other costs per SKU (``sku_other_costs``) or per channel (``channel_other_costs``)."""
    return sku_other_costs(costs, period_lines) if unit == "sku" else channel_other_costs(costs, period_lines)


def scope_other_costs(costs: pd.DataFrame, period_lines: pd.DataFrame, scope: dict, sku_category=None,
                      allocated: pd.Series | None = None) -> float:
    """other_costs of a period and scope (``costs`` and ``period_lines`` already cut to the period).

    Whole business: every row. A channel scope: ``channel_other_costs``; a SKU or category scope:
    ``sku_other_costs`` of its SKUs. A key the grain cannot answer (a country; a channel next to a SKU) takes
    the allocated amount times the scope's share of that channel's (or SKU's) net_sales, as ad spend does.
    ``allocated``: ``allocate_other_costs`` of the period at ``other_costs_unit(scope)`` when the caller has it
    already (a ``LineIndex`` allocates each period once for every scope).
    """
    if not scope:
        return float(costs["amount"].sum())
    if costs.empty:
        return 0.0
    unit = other_costs_unit(scope)
    sku_level = unit == "sku"
    per = allocate_other_costs(costs, period_lines, unit) if allocated is None else allocated
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


def sku_categories(inputs: Inputs) -> pd.Series:
    """Products' category by sku (a duplicated SKU's first row), for category scopes."""
    return inputs.products.drop_duplicates("sku").set_index("sku")["category"]


def scope_fixed_costs(inputs: Inputs, scope: dict) -> float:
    """Fixed costs of a whole year for a scope (METRICS 1, base currency): the whole business
    Channels.fixed_cost + Settings fixed_overhead, a channel scope its Channels rows, a narrower scope none."""
    ch = inputs.channels
    if not scope:
        return float(ch["fixed_cost"].sum()) + inputs.settings.fixed_overhead
    if set(scope) == {"channel"}:
        return float(ch.loc[ch["channel"].isin(scope["channel"]), "fixed_cost"].sum())
    return 0.0


def year_share(start, end, fixed_share: float | None = None) -> float:
    """The share of a year's fixed costs a period carries: ``fixed_share`` when given, else its days / 365
    (1.0 from 365 days on, so a calendar year carries the whole year)."""
    if fixed_share is not None:
        return fixed_share
    days = (pd.Timestamp(end) - pd.Timestamp(start)).days + 1
    return 1.0 if days >= 365 else days / 365.0


def scope_marketing(marketing: pd.DataFrame, content: pd.DataFrame, scope: dict, net_sales_by_channel,
                    allocated: pd.Series | None = None) -> float:
    """marketing_costs of a scope (METRICS 1) from the Marketing rows (cut by start_date) and Content rows of a
    period: the whole business every row; a channel scope its own Marketing rows plus its share of the
    blank-channel rows (``channel_marketing``, by ``net_sales_by_channel`` of the period); a narrower scope none
    (marketing is not split below channel level). ``allocated``: ``channel_marketing`` of the period over every
    channel that sold or has its own rows, when the caller has it already (``LineIndex``: once per period)."""
    if not scope:
        return float(marketing["cost"].sum()) + float(content["cost"].sum())
    if set(scope) != {"channel"}:
        return 0.0
    chans = pd.Index(scope["channel"])
    if allocated is None:
        ns = net_sales_by_channel.reindex(net_sales_by_channel.index.union(chans), fill_value=0.0)
        allocated = channel_marketing(marketing, ns)
    return float(allocated.reindex(chans, fill_value=0.0).sum())


def traffic_rows(traffic: pd.DataFrame, scope: dict, sku_category=None) -> pd.Series:
    """The Traffic rows a scope's sessions come from (METRICS 2): channel-level rows (blank sku), or the SKU rows
    when the scope names SKUs or a category, matching the scope's channel / sku / category. (A country scope
    has no sessions: Traffic rows carry no country; callers return NaN.)"""
    sku_grain = "sku" in scope or "category" in scope
    return (traffic["sku"].ne("") if sku_grain else traffic["sku"].eq("")) & scope_mask(traffic, scope, sku_category)


def is_calendar_year(start, end) -> bool:
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    return start == pd.Timestamp(start.year, 1, 1) and end == pd.Timestamp(start.year, 12, 31)


# the keys that need the cost allocations of METRICS 1 (ad spend, marketing, other costs of a scope)
COST_KEYS = {"ad_spend", "marketing_costs", "other_costs", "contribution_profit", "net_profit", "net_margin", "tacos"}
# parts of a period summary a caller may go without (``LineIndex.summaries`` keys): part -> the keys that need it
OPTIONAL_PARTS = {"ltv": {"ltv"}, "costs": COST_KEYS,
                  "customers": {"customers", "new_customers", "returning_customers", "repeat_rate",
                                "gross_profit_per_customer"}}
NO_COUNTRY_KEYS = ("sessions", "conversion_rate", "unit_session_rate", "cart_abandonment_rate", "roas", "acos")


def period_summary(inputs: Inputs, start, end, scope: dict | None = None, lines: pd.DataFrame | None = None,
                   fixed_share: float | None = None) -> dict[str, float]:
    """Every key of sections 1-3 (plus refunded_qty, roas, acos) for the days ``start``..``end`` (inclusive) and
    a scope: the definition, read off the frames filtered to the period and scope.

    - Sections 1 and 3 sum and count the order lines of the period and scope (``money_summary``,
      ``customer_figures``); ltv (``cohort_ltv``) only for the whole business over a calendar year.
    - Ad spend: the Ads rows of the scope's channels; SKU, category and country scopes their split of them
      (``scope_ad_spend``, by the period's net sales). Marketing: ``scope_marketing``. Other costs: the Costs rows
      of the period, split to the scope by ``scope_other_costs``. Fixed costs: ``scope_fixed_costs`` times
      ``year_share`` (``fixed_share`` of the year, default the fraction of a year the period covers).
    - Sessions from ``traffic_rows``; roas and acos from the scope's Ads rows (attributed sales / spend). A
      country scope has neither (Traffic and Ads rows carry no market): NaN.

    Money in base currency, ratios as fractions, NaN where undefined. It filters every frame on each call;
    for many periods or scopes ask a ``LineIndex`` (the same figures, tested against this function).
    """
    scope = scope or {}
    lines = order_lines(inputs) if lines is None else lines
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    cat = sku_categories(inputs)

    def dated(frame: pd.DataFrame, column: str) -> pd.DataFrame:
        return frame[period_mask(frame[column], start, end)]

    period = dated(lines, "order_date")
    mine = period[scope_mask(period, scope, cat)]
    costs = dated(inputs.costs, "date")
    t = money_summary(
        mine, None, ad_spend=scope_ad_spend(inputs, start, end, scope, period, cat),
        marketing_costs=scope_marketing(dated(inputs.marketing, "start_date"), dated(inputs.content, "date"), scope,
                                        period.groupby("channel")["net_sales"].sum()),
        fixed_costs=scope_fixed_costs(inputs, scope) * year_share(start, end, fixed_share),
        other_costs=scope_other_costs(costs, period, scope, cat))
    out = {k: float(v) for k, v in t.iloc[0].items()}
    out.update(customer_figures(mine, start, end))
    out["ltv"] = cohort_ltv(lines, start.year) if not scope and is_calendar_year(start, end) else np.nan
    if "country" in scope:
        return out | {k: np.nan for k in NO_COUNTRY_KEYS}
    tr = dated(inputs.traffic, "date")
    tr = tr[traffic_rows(tr, scope, cat)]
    out["sessions"] = float(tr["sessions"].sum())
    out.update(traffic_ratios(out["orders"], out["units"], out["sessions"], float(tr["add_to_cart"].sum())))
    ads = dated(inputs.ads, "date")
    ads = ads[scope_mask(ads, scope, cat)]
    spend, sales = float(ads["spend"].sum()), float(ads["sales"].sum())
    return out | {"roas": safe_div(sales, spend), "acos": safe_div(spend, sales)}


def period_summaries(inputs: Inputs, periods, scope: dict | None = None, lines=None,
                     fixed_share: float | None = None, keys=None) -> list[dict[str, float]]:
    """``period_summary`` of each (start, end) of ``periods`` (in order, disjoint) for one scope, in one pass:
    ``LineIndex.summaries`` of ``lines`` (order lines, or a ``LineIndex`` already built on them)."""
    return LineIndex.of(inputs, lines).summaries(periods, scope, fixed_share, keys)


class _Cut:
    """Rows of a frame grouped by the period holding their date: rows[cuts[k]:cuts[k + 1]] are period k's, in
    the frame's order (so a sum over them adds the same numbers in the same order as a filter would)."""

    def __init__(self, rows: np.ndarray, cuts: np.ndarray):
        self.rows, self.cuts = rows, cuts

    def parts(self, values) -> list[np.ndarray]:
        v = np.asarray(values)[self.rows]
        return [v[a:b] for a, b in zip(self.cuts[:-1], self.cuts[1:])]

    def part(self, k: int) -> np.ndarray:
        return self.rows[self.cuts[k]:self.cuts[k + 1]]

    def sums(self, values) -> np.ndarray:
        return np.array([p.sum() for p in self.parts(values)], dtype="float64")

    def distinct(self, values) -> np.ndarray:
        """Distinct non-negative integer codes per period (a mark per code: linear, no sort)."""
        v = np.asarray(values)[self.rows]
        seen = np.zeros(int(v.max()) + 1 if len(v) else 0, dtype=bool)
        out = []
        for a, b in zip(self.cuts[:-1], self.cuts[1:]):
            seen[v[a:b]] = True
            out.append(np.count_nonzero(seen))
            seen[v[a:b]] = False
        return np.array(out, dtype="float64")


class _Dated:
    """The rows of one frame sorted by a date column once, so the rows of any period are a slice (no sort and no
    comparison of every date per period)."""

    def __init__(self, dates: pd.Series):
        d = dates.to_numpy(dtype="datetime64[ns]")
        self.order = np.argsort(d, kind="stable")
        self.sorted = d[self.order]
        self._rows: dict[tuple, np.ndarray] = {}

    def rows(self, start64, end64) -> np.ndarray:
        """Positions of the rows dated start..end (inclusive), in the frame's order (kept per period)."""
        start64, end64 = np.datetime64(start64, "ns"), np.datetime64(end64, "ns")
        key = (start64, end64)
        if key not in self._rows:
            a, b = np.searchsorted(self.sorted, start64, "left"), np.searchsorted(self.sorted, end64, "right")
            self._rows[key] = np.sort(self.order[a:b])
        return self._rows[key]

    def cut(self, starts, ends, keep: np.ndarray | None = None) -> _Cut:
        parts = [self.rows(a, b) for a, b in zip(starts, ends)]
        if keep is not None:
            parts = [p[keep[p]] for p in parts]
        cuts = np.concatenate([[0], np.cumsum([len(p) for p in parts])]).astype("int64")
        return _Cut(np.concatenate(parts) if parts else np.zeros(0, dtype="int64"), cuts)


def _scope_key(scope: dict) -> tuple:
    return tuple(sorted((k, tuple(v)) for k, v in scope.items()))


class LineIndex:
    """The order lines and the dated input rows of one review, indexed once for the figures of any period and
    scope (``summaries``): every frame sorted by its date once (a period is a slice), each scope's rows found
    once on integer codes, the lines of a period summed per (channel, sku, country) once for the splits of
    METRICS 1 (``split_lines``), a period's other-cost and marketing allocations made once for every scope, the
    cohort ltv of a year computed once, and each answer kept, so sections asking the same figure share it.

    ``lines``: ``order_lines(inputs)`` (built when None). Read-only: neither frame may change afterwards.
    The figures equal ``period_summary`` on the filtered frames (tests/core/test_periods.py): every sum adds
    the same rows in the same order, except the splits of ad spend, marketing and other costs, which read the
    period's net sales summed per (channel, sku, country) first (equal to the last bits of a float).
    """

    TABLES = {"ads": "date", "traffic": "date", "marketing": "start_date", "content": "date", "costs": "date"}

    def __init__(self, inputs: Inputs, lines: pd.DataFrame | None = None):
        self.inputs = inputs
        self.lines = order_lines(inputs) if lines is None else lines
        self.categories = sku_categories(inputs)
        self._dated: dict[str, _Dated] = {}
        self._keep: dict[tuple, np.ndarray | None] = {}
        self._split: dict[tuple, pd.DataFrame] = {}
        self._ltv: dict[int, float] = {}
        self._allocated: dict[tuple, pd.Series] = {}  # (start, end, unit): other costs / marketing per unit
        self._memo: dict[tuple, list[dict]] = {}
        self._units: tuple[np.ndarray, pd.DataFrame] | None = None
        self._codes: dict[str, tuple[np.ndarray, pd.Index]] = {}

    @classmethod
    def of(cls, inputs: Inputs, lines) -> LineIndex:
        """``lines`` itself when it is a LineIndex, else a new one on those order lines (None: built)."""
        return lines if isinstance(lines, LineIndex) else cls(inputs, lines)

    def frame(self, table: str) -> pd.DataFrame:
        """``lines`` (table "lines") or the Inputs frame of that name (ads, traffic, marketing, content, costs)."""
        return self.lines if table == "lines" else getattr(self.inputs, table)

    def dated(self, table: str) -> _Dated:
        """``table``'s rows sorted by its date column (order_date, date, or Marketing's start_date), made once."""
        if table not in self._dated:
            self._dated[table] = _Dated(self.frame(table)["order_date" if table == "lines" else self.TABLES[table]])
        return self._dated[table]

    def keep(self, table: str, scope: dict, rule: str = "scope") -> np.ndarray | None:
        """A row mask of ``table`` for a scope (None: every row): ``scope_mask``, or ``traffic_rows`` (rule
        "traffic"), or the scope's channels only (rule "channel"), or every row (rule "all")."""
        key = (table, rule, _scope_key(scope))
        if key not in self._keep:
            frame = self.frame(table)
            if rule == "all":
                mask = None
            elif table == "lines" and rule == "scope":
                mask = self._lines_in_scope(scope)
            elif rule == "traffic":
                mask = traffic_rows(frame, scope, self.categories)
            else:
                part = {k: v for k, v in scope.items() if k == "channel"} if rule == "channel" else scope
                mask = scope_mask(frame, part, self.categories) if part else None
            self._keep[key] = None if mask is None else mask.to_numpy()
        return self._keep[key]

    def _lines_in_scope(self, scope: dict) -> pd.Series | None:
        """``scope_mask`` of the order lines, on each scope column's integer codes (factorised once) instead of
        comparing every line's text for every scope."""
        if not scope:
            return None
        mask = np.ones(len(self.lines), dtype=bool)
        for key, values in scope.items():
            if key not in self.lines.columns:
                mask &= scope_mask(self.lines, {key: values}, self.categories).to_numpy()
                continue
            if key not in self._codes:
                self._codes[key] = pd.factorize(self.lines[key])
            codes, uniques = self._codes[key]
            wanted = np.append(pd.Index(uniques).isin(values), False)     # code -1 (missing) is never wanted
            mask &= wanted[codes]
        return pd.Series(mask, index=self.lines.index)

    def rows(self, scope: dict, start, end) -> np.ndarray:
        """Positions (in ``lines``' order) of the order lines of a scope dated start..end."""
        rows = self.dated("lines").rows(pd.Timestamp(start).to_datetime64(), pd.Timestamp(end).to_datetime64())
        keep = self.keep("lines", scope)
        return rows if keep is None else rows[keep[rows]]

    def split_lines(self, start64, end64) -> pd.DataFrame:
        """channel, sku, country and net_sales of the period's order lines (every scope), one row per
        (channel, sku, country) that sold: what the splits of METRICS 1 read, in a few hundred rows."""
        start64, end64 = np.datetime64(pd.Timestamp(start64), "ns"), np.datetime64(pd.Timestamp(end64), "ns")
        key = (start64, end64)
        if key not in self._split:
            if self._units is None:
                cols = ["channel", "sku", "country"]
                codes = combination_codes([self.lines[c] for c in cols])
                first = np.unique(codes, return_index=True)[1]           # the first line of each combination
                self._units = codes, self.lines[cols].iloc[first].reset_index(drop=True)
            codes, units = self._units
            rows = self.dated("lines").rows(start64, end64)
            c = codes[rows]
            net_sales = np.bincount(c, weights=self.lines["net_sales"].to_numpy()[rows], minlength=len(units))
            sold = np.bincount(c, minlength=len(units)) > 0
            self._split[key] = units[sold].assign(net_sales=net_sales[sold]).reset_index(drop=True)
        return self._split[key]

    def period_ads(self, start64, end64) -> pd.DataFrame:
        """channel, sku and spend of the Ads rows dated start..end, in the frame's order (kept per period)."""
        key = (start64, end64, "ads")
        if key not in self._split:
            rows = self.dated("ads").rows(start64, end64)
            self._split[key] = self.inputs.ads[["channel", "sku", "spend"]].iloc[rows]
        return self._split[key]

    def ltv(self, year: int) -> float:
        """``cohort_ltv`` of ``year`` (computed once)."""
        if year not in self._ltv:
            self._ltv[year] = cohort_ltv(self.lines, year)
        return self._ltv[year]

    def summaries(self, periods, scope: dict | None = None, fixed_share: float | None = None,
                  keys=None) -> list[dict[str, float]]:
        """``period_summary`` of each (start, end) of ``periods`` for one scope: one dict per period, in order.

        ``periods`` must be in order and disjoint (the months of a year, the weeks of a plan). ``keys``: the keys
        the caller reads (None: every key); the parts of ``OPTIONAL_PARTS`` no read key needs are then not
        computed and their keys are left out of the dicts (the cohort ltv, the cost allocations of METRICS 1
        with what is built on them, the section 3 customer counts), so reading one raises KeyError naming it
        instead of giving a NaN that reads as "no data".

        Raises ValueError when the periods overlap or are out of order.
        """
        scope = scope or {}
        bounds = [(pd.Timestamp(a), pd.Timestamp(b)) for a, b in periods]
        if not bounds:
            return []
        parts = frozenset(p for p, needs in OPTIONAL_PARTS.items() if keys is None or needs & set(keys))
        key = (_scope_key(scope), tuple((a.value, b.value) for a, b in bounds), fixed_share, parts)
        if key not in self._memo:
            self._memo[key] = self._summaries(bounds, scope, fixed_share, parts)
        skipped = set().union(*(needs for p, needs in OPTIONAL_PARTS.items() if p not in parts))
        return [{k: v for k, v in row.items() if k not in skipped} for row in self._memo[key]]

    def _summaries(self, bounds, scope: dict, fixed_share, parts: frozenset) -> list[dict[str, float]]:
        """Every key for each period; the keys of an ``OPTIONAL_PARTS`` part not in ``parts`` are NaN."""
        starts = np.array([a.to_datetime64() for a, _ in bounds], dtype="datetime64[ns]")
        ends = np.array([b.to_datetime64() for _, b in bounds], dtype="datetime64[ns]")
        if (ends < starts).any() or (starts[1:] <= ends[:-1]).any():
            raise ValueError("periods must be in order and disjoint")
        inputs, lines, n = self.inputs, self.lines, len(bounds)

        def cut(table: str, rule: str = "scope") -> _Cut:
            return self.dated(table).cut(starts, ends, self.keep(table, scope, rule))

        lines_cut = cut("lines")
        t = {key: lines_cut.sums(lines[col]) for key, col in LINE_SUMS.items()}     # one array entry per period
        t["orders"] = lines_cut.distinct(lines["order_key"])
        t["ad_spend"], t["marketing_costs"], t["other_costs"] = (self._costs(scope, starts, ends, cut)
                                                                  if "costs" in parts else (np.full(n, np.nan),) * 3)
        t["fixed_costs"] = scope_fixed_costs(inputs, scope) * np.array([year_share(a, b, fixed_share)
                                                                        for a, b in bounds], dtype="float64")
        t = finish_money(t)
        if "customers" in parts:
            customers = [_customer_figures(*columns, starts[k], ends[k]) for k, columns in enumerate(zip(
                *(lines_cut.parts(lines[c].to_numpy(dtype=d)) for c, d in (
                    ("customer_code", "int64"), ("first_order_date", "datetime64[ns]"), ("order_key", "int64"),
                    ("gross_profit", "float64")))))]
            for key in OPTIONAL_PARTS["customers"]:
                t[key] = np.array([c[key] for c in customers], dtype="float64")
        else:
            t.update({key: np.full(n, np.nan) for key in OPTIONAL_PARTS["customers"]})
        t["ltv"] = np.array([self.ltv(a.year) if "ltv" in parts and not scope and is_calendar_year(a, b) else np.nan
                             for a, b in bounds], dtype="float64")
        if "country" in scope:          # Traffic and Ads rows carry no market
            t.update({key: np.full(n, np.nan) for key in NO_COUNTRY_KEYS})
        else:
            tr, tr_cut = inputs.traffic, cut("traffic", "traffic")
            t["sessions"] = tr_cut.sums(tr["sessions"])
            t.update(traffic_ratios(t["orders"], t["units"], t["sessions"], tr_cut.sums(tr["add_to_cart"])))
            ads, ads_cut = inputs.ads, cut("ads")
            spend, sales = ads_cut.sums(ads["spend"]), ads_cut.sums(ads["sales"])
            t["roas"], t["acos"] = safe_div(sales, spend), safe_div(spend, sales)
        return [{key: float(v[k]) for key, v in t.items()} for k in range(n)]

    def _costs(self, scope: dict, starts, ends, cut) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(ad_spend, marketing_costs, other_costs) per period by the rules of ``period_summary``."""
        inputs, n = self.inputs, len(starts)
        if {"sku", "category", "country"} & set(scope):
            ad_spend = np.array([scope_ad_spend(inputs, a, b, scope, self.split_lines(a, b), self.categories,
                                                self.period_ads(a, b)) for a, b in zip(starts, ends)],
                                dtype="float64")
        else:
            ad_spend = cut("ads", "channel").sums(inputs.ads["spend"])
        mk_cut, content_cut, costs_cut = cut("marketing", "all"), cut("content", "all"), cut("costs", "all")
        marketing, other = np.zeros(n), np.zeros(n)
        for k, (a, b) in enumerate(zip(starts, ends)):
            if not scope or set(scope) == {"channel"}:
                mk = inputs.marketing.iloc[mk_cut.part(k)]
                marketing[k] = scope_marketing(mk, inputs.content.iloc[content_cut.part(k)], scope, None,
                                               self._marketing_by_channel(a, b, mk) if scope else None)
            costs = inputs.costs.iloc[costs_cut.part(k)]
            if scope and len(costs):
                unit = other_costs_unit(scope)
                if (a, b, unit) not in self._allocated:
                    self._allocated[a, b, unit] = allocate_other_costs(costs, self.split_lines(a, b), unit)
                other[k] = scope_other_costs(costs, self.split_lines(a, b), scope, self.categories,
                                             self._allocated[a, b, unit])
            else:
                other[k] = scope_other_costs(costs, None, scope, self.categories)
        return ad_spend, marketing, other

    def _marketing_by_channel(self, start64, end64, marketing: pd.DataFrame) -> pd.Series:
        """``channel_marketing`` of the period's Marketing rows over every channel that sold or has own rows."""
        key = (start64, end64, "marketing")
        if key not in self._allocated:
            ns = self.split_lines(start64, end64).groupby("channel")["net_sales"].sum()
            own = pd.Index(marketing.loc[marketing["channel"].ne(""), "channel"].unique())
            self._allocated[key] = channel_marketing(marketing, ns.reindex(ns.index.union(own), fill_value=0.0))
        return self._allocated[key]


# what a function that computes figures of periods takes as its order lines: ``order_lines`` itself, or the
# ``LineIndex`` of them that compute_review shares between its sections (``LineIndex.of`` turns either into one)
Lines = pd.DataFrame | LineIndex


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


def _customer_figures(codes, first, order_keys, gross_profit, start64, end64) -> dict:
    # distinct counts by hashing integer codes (pd.unique): linear in the lines, no sort
    has_id = codes >= 0
    codes, first, order_keys = codes[has_id], first[has_id], order_keys[has_id]
    customers = len(pd.unique(codes))
    new = len(pd.unique(codes[(first >= start64) & (first <= end64)]))
    span = int(order_keys.max()) + 1 if len(order_keys) else 1
    pairs = pd.unique(codes.astype("int64") * span + order_keys)           # distinct (customer, order)
    repeaters = int(np.count_nonzero(np.bincount(pairs // span) >= 2)) if len(pairs) else 0
    return {"customers": float(customers), "new_customers": float(new),
            "returning_customers": float(customers - new),
            "repeat_rate": safe_div(float(repeaters), customers),
            "gross_profit_per_customer": safe_div(float(gross_profit[has_id].sum()), customers)}


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
    if not lines["customer_code"].ge(0).any():
        return pd.DataFrame(columns=cols, index=pd.Index([], name="customer_id"))
    last = lines["order_date"].max()
    first = lines["first_order_date"]                          # NaT on lines without a customer id
    end = first + pd.Timedelta(days=LTV_WINDOW_DAYS)
    cohort = (first.dt.year.eq(year - 1) & end.le(last)).to_numpy()
    c = lines.loc[cohort, ["customer_code", "customer_id", "order_date", "first_order_date", "gross_profit"]]
    c_end = end[cohort]
    in_window = (c["order_date"] >= c["first_order_date"]) & (c["order_date"] < c_end)
    # grouped by the integer customer_code (one per customer_id), then indexed and sorted by the id
    g = c.assign(_gp=c["gross_profit"].where(in_window, 0.0), _end=c_end).groupby("customer_code", sort=False)
    out = pd.DataFrame({"customer_id": g["customer_id"].first(), "first_order_date": g["first_order_date"].first(),
                        "window_end": g["_end"].first(), "gross_profit_12m": g["_gp"].sum().astype("float64")})
    out = out.set_index("customer_id").sort_index()
    out.index.name = "customer_id"
    return out[cols]


def cohort_ltv(lines: pd.DataFrame, year: int) -> float:
    """``ltv`` of ``year``: the mean 12-month gross profit of ``ltv_cohort`` (NaN when nobody qualifies)."""
    c = ltv_cohort(lines, year)
    return float(c["gross_profit_12m"].mean()) if len(c) else np.nan


def year_bounds(year: int) -> tuple[pd.Timestamp, pd.Timestamp]:
    return pd.Timestamp(year, 1, 1), pd.Timestamp(year, 12, 31)


def business_summary(inputs: Inputs, lines: Lines | None = None) -> dict[str, float]:
    """Every key of sections 1-3 for the whole business over review_year (the JSON ``summary``)."""
    s = LineIndex.of(inputs, lines).summaries([year_bounds(inputs.settings.review_year)])[0]
    return {k: s[k] for k in SUMMARY_KEYS}


def monthly_summary(inputs: Inputs, lines: Lines | None = None) -> pd.DataFrame:
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
