"""METRICS.md section 3 beyond the summary: markets, new vs returning by month, cohorts, 12-month value.

Pure pandas, DataFrame in / DataFrame out, on ``metrics.order_lines`` (all dates). Rows without a
customer_id are not counted as customers (they still count in orders and net_sales of a market).
A customer's first order is their first order in ALL the data (as for ``new_customers``).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .metrics import safe_div

UNKNOWN_COUNTRY = "(unknown)"
COHORT_OFFSETS = list(range(12))   # months after the first order: 0 .. 11


def market_table(lines: pd.DataFrame, year: int) -> pd.DataFrame:
    """Per ship-to country of the order lines dated in ``year``.

    Returns
    -------
    One row per country (blank -> "(unknown)"), by net_sales descending: country, customers (distinct
    customer_id), orders (distinct channel + order_id), net_sales, share (of the year's net_sales;
    the shares sum to 1; empty when the year's net_sales are 0).
    """
    y = lines.loc[lines["year"] == year, ["country", "customer_code", "order_key", "net_sales"]]
    country = y["country"].astype(str).str.strip().replace("", UNKNOWN_COUNTRY)
    y = y.assign(country=country, _cust=y["customer_code"].where(y["customer_code"].ge(0)))
    if y.empty:
        t = pd.DataFrame({"country": pd.Series(dtype="object")}
                         | {k: pd.Series(dtype="float64") for k in ("customers", "orders", "net_sales")})
    else:
        g = y.groupby("country", sort=True)
        t = pd.DataFrame({"customers": g["_cust"].nunique(), "orders": g["order_key"].nunique(),
                          "net_sales": g["net_sales"].sum()}).astype("float64").reset_index()
    t["share"] = safe_div(t["net_sales"], float(t["net_sales"].sum()))
    return t.sort_values(["net_sales", "country"], ascending=[False, True], kind="mergesort").reset_index(drop=True)


def _first_orders(lines: pd.DataFrame) -> pd.Series:
    """Each buyer's first order date in all the data, as ``metrics.order_lines`` already worked it out."""
    with_id = lines.loc[lines["customer_code"].ge(0), ["customer_code", "first_order_date"]]
    return with_id.groupby("customer_code")["first_order_date"].first()


def customers_by_month(lines: pd.DataFrame, year: int) -> pd.DataFrame:
    """New vs returning customers per calendar month of ``year``.

    Returns
    -------
    12 rows: month (1-12), customers (distinct buyers of the month), new_customers (first order ever in
    that month), returning_customers (= customers - new_customers), returning_share (returning /
    customers), repeat_rate (share of the month's customers with 2+ distinct orders in that month),
    new_net_sales and returning_net_sales (net_sales of lines with a customer_id, by the buyer's status).
    """
    with_id = lines.loc[lines["customer_code"].ge(0) & (lines["year"] == year),
                        ["customer_code", "first_order_date", "month", "order_key", "net_sales"]]
    f = with_id["first_order_date"]
    is_new = (f.dt.year == year) & (f.dt.month == with_id["month"])
    w = with_id.assign(_new=is_new)
    months = pd.Index(range(1, 13), name="month")
    g = w.groupby("month")
    customers = g["customer_code"].nunique().reindex(months, fill_value=0)
    new = w[w["_new"]].groupby("month")["customer_code"].nunique().reindex(months, fill_value=0)
    per = w.groupby(["month", "customer_code"])["order_key"].nunique()
    repeaters = (per >= 2).groupby(level="month").sum().reindex(months, fill_value=0)
    ns_new = w[w["_new"]].groupby("month")["net_sales"].sum().reindex(months, fill_value=0.0)
    ns_all = g["net_sales"].sum().reindex(months, fill_value=0.0)
    t = pd.DataFrame({"customers": customers.astype("float64"), "new_customers": new.astype("float64")})
    t["returning_customers"] = t["customers"] - t["new_customers"]
    t["returning_share"] = safe_div(t["returning_customers"], t["customers"])
    t["repeat_rate"] = safe_div(repeaters.astype("float64"), t["customers"])
    t["new_net_sales"] = ns_new.astype("float64")
    t["returning_net_sales"] = (ns_all - ns_new).astype("float64")
    return t.reset_index()


def cohort_table(lines: pd.DataFrame, year: int) -> pd.DataFrame:
    """Monthly first-order cohorts of ``year`` and the share of each ordering again k months later.

    Returns
    -------
    One row per month of ``year`` with new customers: cohort ("2026-03"), size (customers whose first
    order ever falls in that month), m0 .. m11 = share of the cohort with an order in calendar month
    cohort + k (m0 = 1.0 by construction); NaN where cohort + k lies after the last month of the data.
    """
    cols = ["cohort", "size"] + [f"m{k}" for k in COHORT_OFFSETS]
    first = _first_orders(lines)
    first = first[first.dt.year == year]
    if first.empty:
        return pd.DataFrame(columns=cols)
    with_id = lines.loc[lines["customer_code"].isin(first.index), ["order_date", "first_order_date", "customer_code"]]
    mi = with_id["order_date"].dt.year * 12 + with_id["order_date"].dt.month - 1
    cohort_mi = with_id["first_order_date"].dt.year * 12 + with_id["first_order_date"].dt.month - 1
    k = (mi - cohort_mi).astype("int64")
    act = pd.DataFrame({"cohort": cohort_mi, "k": k, "c": with_id["customer_code"]})
    act = act[act["k"].between(0, COHORT_OFFSETS[-1])].drop_duplicates()
    active = act.groupby(["cohort", "k"])["c"].nunique().unstack("k").reindex(columns=COHORT_OFFSETS, fill_value=0)
    size = (first.dt.year * 12 + first.dt.month - 1).value_counts().sort_index()
    active = active.reindex(size.index).fillna(0)
    share = active.div(size, axis=0).astype("float64")
    last_mi = int(lines["order_date"].max().year * 12 + lines["order_date"].max().month - 1)
    beyond = np.add.outer(size.index.to_numpy(), np.array(COHORT_OFFSETS)) > last_mi
    share = share.mask(beyond)
    share.columns = [f"m{k}" for k in COHORT_OFFSETS]
    out = share.reset_index(drop=True)
    out.insert(0, "size", size.to_numpy().astype("float64"))
    out.insert(0, "cohort", [f"{m // 12}-{m % 12 + 1:02d}" for m in size.index])
    return out[cols]


def customer_value(lines: pd.DataFrame, year: int) -> dict[str, float]:
    """A simple predicted 12-month gross profit per customer of ``year`` (an extrapolation, not BG/NBD).

    predicted_12m_value = retention x frequency x aov_net x gross_margin, over the lines of ``year`` with a
    customer_id:

    - retention: share of ``year - 1`` customers who ordered again in ``year`` (basis "previous_year");
      without customers in ``year - 1``, the year's repeat_rate (basis "repeat_rate");
    - frequency: distinct orders per returning customer in ``year`` (per customer when none returned);
    - aov_net = net_sales / orders; gross_margin = gross_profit / net_sales.

    Returns
    -------
    dict: customers, retention, retention_basis, frequency, aov_net, gross_margin, predicted_12m_value.
    """
    # on the integer customer_code: a mark per customer instead of sorting or grouping the year's lines
    codes, keys = lines["customer_code"].to_numpy(), lines["order_key"].to_numpy()
    has_id, years = codes >= 0, lines["year"].to_numpy()
    mine, before = has_id & (years == year), has_id & (years == year - 1)
    n = int(codes.max()) + 1 if len(codes) else 0
    cur, prev = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
    cur[codes[mine]], prev[codes[before]] = True, True
    customers = int(np.count_nonzero(cur))
    span = int(keys.max()) + 1 if len(keys) else 1
    pairs = pd.unique(codes[mine] * span + keys[mine])                       # distinct (customer, order)
    per = np.bincount(pairs // span, minlength=n)                            # distinct orders per customer
    if prev.any():
        retention, basis = float(np.count_nonzero(prev & cur)) / np.count_nonzero(prev), "previous_year"
    else:
        retention, basis = safe_div(float(np.count_nonzero(per >= 2)), customers), "repeat_rate"
    first_year = np.zeros(n, dtype="int64")                                  # year of each buyer's first order
    first_year[codes[has_id]] = lines["first_order_date"].dt.year.to_numpy()[has_id]
    returning = per[cur & (first_year < year)]
    frequency = float(returning.mean()) if len(returning) else safe_div(float(per.sum()), customers)
    orders = float(len(pd.unique(keys[mine])))
    ns, gp = float(lines["net_sales"].to_numpy()[mine].sum()), float(lines["gross_profit"].to_numpy()[mine].sum())
    aov, gm = safe_div(ns, orders), safe_div(gp, ns)
    return {"customers": float(customers), "retention": retention, "retention_basis": basis,
            "frequency": frequency, "aov_net": aov, "gross_margin": gm,
            "predicted_12m_value": retention * frequency * aov * gm}


def reconciliation(summary: dict, customers_monthly: pd.DataFrame | None, markets: pd.DataFrame | None,
                   products: pd.DataFrame | None) -> dict[str, float]:
    """The rows that reconcile a split that does not sum (issue 12 item 11), and the SKUs without a cost.

    Returns
    -------
    dict: net_sales_without_customer_id (net sales of lines without a customer id: neither new nor returning,
    base currency), market_customers_counted_more_than_once (Σ customers of the markets - distinct customers:
    buyers shipping to several countries), cost_unknown_skus and cost_unknown_net_sales (SKUs missing from
    Products: COGS counted as 0).
    """
    out = {"net_sales_without_customer_id": np.nan, "market_customers_counted_more_than_once": np.nan,
           "cost_unknown_skus": 0.0, "cost_unknown_net_sales": 0.0}
    ns, distinct = summary.get("net_sales"), summary.get("customers")
    if customers_monthly is not None and ns is not None:
        out["net_sales_without_customer_id"] = float(ns - customers_monthly["new_net_sales"].sum()
                                                     - customers_monthly["returning_net_sales"].sum())
    if markets is not None and distinct is not None:
        out["market_customers_counted_more_than_once"] = float(markets["customers"].sum() - distinct)
    if products is not None:
        unknown = products[products["incomplete"]]
        out["cost_unknown_skus"] = float(len(unknown))
        out["cost_unknown_net_sales"] = float(unknown["net_sales"].sum())
    return out
