"""A second hand-checked workbook for the figures METRICS added later: other_costs (Costs) at every grain, cogs
by UnitCosts, the 12-month cohort ``ltv``, ``gross_profit_per_customer``, ``previous`` and ``return_reasons``.

Every expected number below is worked out by hand in docs/metrics.md ("算例二 / second worked example");
the tests compare the code with these literals, never with the code's own output.
"""
import datetime as dt

import pandas as pd

D = dt.date


def frames() -> dict[str, pd.DataFrame]:
    orders = pd.DataFrame([
        # order_id, date, channel, sku, qty, item_price, refund, refunded_qty, customer, return_reason
        ["P1", D(2025, 3, 10), "Shop", "A", 1, 30, 0, 0, "k1", ""],
        ["P2", D(2025, 11, 20), "Shop", "B", 2, 20, 0, 0, "k2", ""],
        ["P3", D(2025, 12, 30), "Amazon", "A", 1, 30, 0, 0, "k3", ""],
        ["R1", D(2026, 1, 15), "Shop", "A", 1, 30, 0, 0, "k1", ""],
        ["R2", D(2026, 6, 30), "Amazon", "A", 2, 60, 30, 1, "k4", " 质量 "],
        ["R3", D(2026, 7, 1), "Amazon", "A", 1, 30, 10, 1, "k2", "尺寸"],
        ["R4", D(2026, 9, 15), "Shop", "B", 3, 30, 20, 2, "", "质量"],
        ["R5", D(2026, 12, 31), "Shop", "C", 1, 50, 0, 0, "k3", ""],
        ["R6", D(2026, 12, 31), "Amazon", "B", 1, 10, 5, 1, "k1", ""],
        ["R7", D(2026, 10, 1), "Shop", "A", 3, 90, 45, 3, "k4", "描述不符"],
        ["R8", D(2026, 10, 2), "Shop", "A", 1, 30, 30, 1, "", "包装"],
    ], columns=["order_id", "order_date", "channel", "sku", "quantity", "item_price", "refund_amount",
                "refunded_qty", "customer_id", "return_reason"])
    products = pd.DataFrame({"sku": ["A", "B"], "unit_cost": [10, 4], "stock_qty": [0, 0]})
    unit_costs = pd.DataFrame({"sku": ["A"], "effective_from": [D(2026, 7, 1)], "unit_cost": [12]})
    costs = pd.DataFrame([
        [D(2026, 3, 1), "storage", 11, "Amazon", ""],
        [D(2026, 4, 1), "subscription", 27, "Shop", ""],
        [D(2026, 5, 1), "removal", 6, "", "B"],
        [D(2026, 6, 1), "other", 38, "", ""],
        [D(2026, 8, 1), "reimbursement", -5, "Amazon", "A"],
        [D(2026, 2, 1), "storage", 9, "TikTok", ""],
        [D(2025, 6, 1), "storage", 7, "", ""],
    ], columns=["date", "kind", "amount", "channel", "sku"])
    settings = pd.DataFrame({"key": ["review_year"], "value": [2026]})
    return {"Settings": settings, "Orders": orders, "Products": products, "UnitCosts": unit_costs, "Costs": costs}


SUMMARY = {"net_sales": 190.0, "cogs": 106.0, "gross_profit": 84.0, "other_costs": 86.0, "contribution_profit": -2.0,
           "customers": 4.0, "gross_profit_per_customer": 24.5, "ltv": 80 / 3}
CHANNEL_OTHER_COSTS = {"Shop": 58.0, "Amazon": 19.0, "TikTok": 9.0}
SKU_OTHER_COSTS = {"A": 45.0, "B": 12.0, "C": 20.0}
MONTHLY_OTHER_COSTS = {1: 0.0, 2: 9.0, 3: 11.0, 4: 27.0, 5: 6.0, 6: 38.0, 7: 0.0, 8: -5.0, 9: 0.0, 10: 0.0,
                       11: 0.0, 12: 0.0}
LTV_CUSTOMERS = {"k1": 40.0, "k2": 20.0, "k3": 20.0}
RETURN_REASONS = {
    "A": [{"reason": "描述不符", "qty": 3.0, "share": 0.5}, {"reason": "包装", "qty": 1.0, "share": 1 / 6},
          {"reason": "尺寸", "qty": 1.0, "share": 1 / 6}],
    "B": [{"reason": "质量", "qty": 2.0, "share": 1.0}],
    "C": [],
}
PREVIOUS = {"gross_sales": 80.0, "net_sales": 80.0, "cogs": 28.0, "gross_profit": 52.0, "other_costs": 7.0,
            "contribution_profit": 45.0, "fixed_costs": 0.0, "orders": 3.0, "customers": 3.0, "new_customers": 3.0,
            "returning_customers": 0.0, "gross_profit_per_customer": 52 / 3,
            # no source rows in 2025: null, not 0
            "ad_spend": None, "marketing_costs": None, "sessions": None, "conversion_rate": None,
            # nobody's first order falls in 2024
            "ltv": None}


def frames_from_january() -> dict[str, pd.DataFrame]:
    """``frames()`` with P1 moved to 20 January 2025: both years full, 2025 the first year of data."""
    f = frames()
    f["Orders"].loc[f["Orders"]["order_id"].eq("P1"), "order_date"] = D(2025, 1, 20)
    return f


def frames_without_previous_costs() -> dict[str, pd.DataFrame]:
    """``frames_from_january()`` without the Costs rows dated 2025 (Costs has rows in 2026 only)."""
    f = frames_from_january()
    f["Costs"] = f["Costs"][f["Costs"]["date"].map(lambda d: d.year).ne(2025)]
    return f
