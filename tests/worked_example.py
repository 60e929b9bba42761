"""The hand-checked worked example of docs/metrics.md, as canonical frames."""
import datetime as dt

import pandas as pd

D = dt.date


def frames() -> dict[str, pd.DataFrame]:
    orders = pd.DataFrame([
        # order_id, date, channel, sku, qty, item_price, discount, ship_chg, pf, ff, ship_cost, refund, rqty, cust, country, cur
        ["O0", D(2025, 12, 1), "Shop", "A", 1, 20, 0, 0, 0, 0, 0, 0, 0, "c2", "US", "USD"],
        ["O1", D(2026, 1, 10), "Shop", "A", 2, 40, 4, 5, 3, 2, 4, 0, 0, "c1", "US", "USD"],
        ["O1", D(2026, 1, 10), "Shop", "B", 1, 30, 0, 0, 2, 0, 0, 0, 0, "c1", "US", ""],
        ["O2", D(2026, 2, 1), "Amazon", "B", 1, 25, 0, 0, 5, 0, 0, 25, 1, "c2", "DE", "EUR"],
        ["O3", D(2026, 2, 15), "Shop", "A", 1, 20, 0, 0, 1, 0, 3, 0, 0, "c1", "US", "USD"],
    ], columns=["order_id", "order_date", "channel", "sku", "quantity", "item_price", "discount", "shipping_charged",
                "platform_fee", "fulfillment_fee", "shipping_cost", "refund_amount", "refunded_qty", "customer_id",
                "country", "currency"])
    products = pd.DataFrame({"sku": ["A", "B"], "unit_cost": [5, 10], "stock_qty": [10, 0]})
    fx = pd.DataFrame({"currency": ["EUR"], "rate_to_base": [1.2]})
    ads = pd.DataFrame({"date": [D(2026, 1, 5), D(2025, 12, 1)], "channel": ["Amazon", "Amazon"],
                        "campaign": ["c", "c"], "spend": [10, 5], "sales": [40, 10], "clicks": [20, 5]})
    marketing = pd.DataFrame({"name": ["Spring"], "type": ["promotion"], "channel": ["Shop"],
                              "start_date": [D(2026, 3, 1)], "end_date": [D(2026, 3, 7)], "cost": [6]})
    content = pd.DataFrame({"date": [D(2026, 4, 1)], "format": ["blog"], "visits": [100], "cost": [4]})
    channels = pd.DataFrame({"channel": ["Shop", "Amazon"], "hours_per_week": [2, 1], "fixed_cost": [12, 0]})
    traffic = pd.DataFrame({"date": [D(2026, 1, 1), D(2026, 1, 1)], "channel": ["Shop", "Amazon"],
                            "sessions": [100, 50], "add_to_cart": [10, 0]})
    settings = pd.DataFrame({"key": ["fixed_overhead", "review_year"], "value": [8, 2026]})
    return {"Settings": settings, "Orders": orders, "Products": products, "FX": fx, "Ads": ads,
            "Marketing": marketing, "Content": content, "Channels": channels, "Traffic": traffic}


EXPECTED = {
    "gross_sales": 125.0, "discounts": 4.0, "refunds": 30.0, "net_sales": 91.0, "cogs": 35.0,
    "gross_profit": 56.0, "gross_margin": 56 / 91, "platform_fees": 12.0, "fulfillment_fees": 2.0,
    "shipping_costs": 7.0, "ad_spend": 10.0, "other_costs": 0.0, "marketing_costs": 10.0, "contribution_profit": 25.0,
    "fixed_costs": 20.0, "net_profit": -5.0, "net_margin": -5 / 91, "orders": 3.0, "units": 5.0,
    "aov": 121 / 3, "refund_rate": 30 / 121, "unit_refund_rate": 0.2, "tacos": 10 / 91,
    "sessions": 150.0, "conversion_rate": 0.02, "unit_session_rate": 5 / 150, "cart_abandonment_rate": 0.7,
    "customers": 2.0, "new_customers": 1.0, "returning_customers": 1.0, "repeat_rate": 0.5,
    "gross_profit_per_customer": 28.0,
    # c2 (first order 2025-12-01) is the only 2025 customer; the data ends 2026-02-15, before the end of c2's
    # 365-day window, so nobody qualifies: ltv is empty (METRICS 3)
    "ltv": None,
}
