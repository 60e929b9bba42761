"""TikTok Shop Seller Center order export (-> Orders).

Its CSV has a description row under the header ("Platform unique order ID." ...) and values
padded with tab characters so that Excel keeps long ids as text; both are handled on reading.
"""
from __future__ import annotations

import re

import pandas as pd

from .base import (
    Context,
    Format,
    Parsed,
    RawTable,
    blank,
    canonical_frame,
    country_code,
    counts,
    days,
    first_of_group,
    first_reason,
    money,
    register,
    sniff_decimal_comma,
    split_rejects,
    totals,
)

CHANNEL = "TikTok Shop"
_CURRENCY_BY_COUNTRY = {"US": "USD", "GB": "GBP", "DE": "EUR", "FR": "EUR", "IT": "EUR", "ES": "EUR",
                        "IE": "EUR", "MX": "MXN", "JP": "JPY", "MY": "MYR", "TH": "THB", "VN": "VND",
                        "PH": "PHP", "ID": "IDR", "SG": "SGD", "BR": "BRL"}


def is_description_row(cells: list[str]) -> bool:
    """TikTok's second line explains each column in words; an order id is digits."""
    first = (cells[0] if cells else "").strip().strip("\t")
    return bool(first) and not re.fullmatch(r"[\d\s]+", first) and " " in first


def parse_orders(t: RawTable, ctx: Context) -> Parsed:
    f = ORDERS
    problems: dict[int, str] = {}
    order = t.get(f, "order_id")
    dc = sniff_decimal_comma(t.get(f, "subtotal_before"))
    gross = money(t.get(f, "subtotal_before"), "SKU Subtotal Before Discount", problems, dc)
    qty = counts(t.get(f, "quantity"), "Quantity", problems)
    first = first_of_group(order)
    country = t.get(f, "country").map(country_code)
    cur = country.map(lambda c: _CURRENCY_BY_COUNTRY.get(c, ctx.base_currency))
    day = days(t.get(f, "created"), "Created Time", problems)
    status = t.get(f, "status").str.lower()
    sku = t.get(f, "seller_sku").where(~blank(t.get(f, "seller_sku")), t.get(f, "sku_id"))
    returned = counts(t.get(f, "return_qty"), "Sku Quantity of return", problems)
    reasons = first_reason(
        t.frame.index, (blank(order), "no Order ID"), (status.str.startswith("cancel"), "cancelled order"),
        (blank(sku), "no Seller SKU or SKU ID"), problems, (day.isna(), "no Created Time"),
        (gross.isna(), "no SKU Subtotal Before Discount"),
    )
    keep, rejected = split_rejects(t, reasons)
    orders = canonical_frame("Orders", {
        "order_id": order, "order_date": day, "channel": CHANNEL, "sku": sku, "quantity": qty,
        "item_price": gross,
        # Platform discounts are paid by TikTok, so only the seller's discount is a cost here.
        "discount": money(t.get(f, "seller_discount"), "SKU Seller Discount", problems, dc).abs(),
        "shipping_charged": money(t.get(f, "shipping_after"), "Shipping Fee After Discount", {}, dc).where(first),
        "refund_amount": money(t.get(f, "refund"), "Order Refund Amount", {}, dc).where(first),
        "refunded_qty": returned, "customer_id": t.get(f, "buyer"), "country": country, "currency": cur,
    }, t.frame.index).loc[keep]
    return Parsed({"Orders": orders}, set(keep), rejected,
                  totals(gross, cur), totals(orders["item_price"], orders["currency"]))


ORDERS = register(Format(
    name="tiktok_orders", family="tiktok", sheet="Orders", label="TikTok Shop order export (TikTok Shop 订单导出)",
    fields={
        "order_id": ("Order ID",), "status": ("Order Status",), "sku_id": ("SKU ID",),
        "seller_sku": ("Seller SKU",), "quantity": ("Quantity",), "return_qty": ("Sku Quantity of return",),
        "subtotal_before": ("SKU Subtotal Before Discount",), "seller_discount": ("SKU Seller Discount",),
        "shipping_after": ("Shipping Fee After Discount",), "refund": ("Order Refund Amount",),
        "created": ("Created Time",), "buyer": ("Buyer Username",), "country": ("Country",),
    },
    required=("order_id", "status", "seller_sku", "quantity", "subtotal_before", "created"),
    parse=parse_orders, money_label="SKU Subtotal Before Discount", skip_after_header=is_description_row,
))

__all__ = ["ORDERS", "is_description_row", "pd"]
