"""TikTok Shop Seller Center order export (-> Orders).

Its CSV has a description row under the header ("Platform unique order ID." ...) and values
padded with tab characters so that Excel keeps long ids as text; both are handled on reading.
"""
from __future__ import annotations

import re

import pandas as pd

from ..text import Phrase
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
from .notes import note
from .vocab import is_cancelled

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
    problems: dict[int, Phrase] = {}
    order = t.get(f, "order_id")
    dc = sniff_decimal_comma(t.get(f, "subtotal_before"))
    gross = money(t.get(f, "subtotal_before"), "SKU Subtotal Before Discount", problems, dc)
    qty = counts(t.get(f, "quantity"), "Quantity", problems)
    first = first_of_group(order)
    country = t.get(f, "country").map(country_code)
    cur = country.map(lambda c: _CURRENCY_BY_COUNTRY.get(c, ctx.base_currency))
    # dates are dd/mm/yyyy outside the US (TH, MY, VN, ID, PH, SG, UK, EU): decided once for the file
    market = country[~blank(country)].mode()
    day = days(t.get(f, "created"), "Created Time", problems,
               default_day_first=None if market.empty else market.iloc[0] not in ("US", "CA", "MX"))
    cancelled = pd.Series([is_cancelled(a, b, c) for a, b, c in zip(
        t.get(f, "status"), t.get(f, "substatus"), t.get(f, "cancel_type"))], index=t.frame.index)
    sku = t.get(f, "seller_sku").where(~blank(t.get(f, "seller_sku")), t.get(f, "sku_id"))
    returned = counts(t.get(f, "return_qty"), "Sku Quantity of return", problems)
    reasons = first_reason(
        t.frame.index, (blank(order), note("reject_missing", column="Order ID")), (cancelled, note("reject_cancelled", status=t.get(f, "status"))),
        (blank(sku), note("reject_missing", column="Seller SKU / SKU ID")), problems, (day.isna(), note("reject_missing", column="Created Time")),
        (gross.isna(), note("reject_missing", column="SKU Subtotal Before Discount")),
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
        "order_id": ("Order ID",), "status": ("Order Status",), "substatus": ("Order Substatus",),
        "cancel_type": ("Cancelation/Return Type", "Cancellation/Return Type"), "sku_id": ("SKU ID",),
        "seller_sku": ("Seller SKU",), "quantity": ("Quantity",), "return_qty": ("Sku Quantity of return",),
        "subtotal_before": ("SKU Subtotal Before Discount",), "seller_discount": ("SKU Seller Discount",),
        "shipping_after": ("Shipping Fee After Discount",), "refund": ("Order Refund Amount",),
        "created": ("Created Time",), "buyer": ("Buyer Username",), "country": ("Country",),
        "unit_price": ("SKU Unit Original Price",), "platform_discount": ("SKU Platform Discount",),
        "subtotal_after": ("SKU Subtotal After Discount",), "shipping_original": ("Original Shipping Fee",),
        "shipping_seller_discount": ("Shipping Fee Seller Discount",),
        "shipping_platform_discount": ("Shipping Fee Platform Discount",),
        "payment_discount": ("Payment platform discount",), "taxes": ("Taxes",), "order_amount": ("Order Amount",),
        "small_order_fee": ("Small Order Fee",), "retail_delivery_fee": ("Retail Delivery Fee",),
        "buyer_service_fee": ("Buyer Service Fee",), "handling_fee": ("Handling Fee",),
        "shipping_insurance": ("Shipping Insurance",),
    },
    required=("order_id", "status", "seller_sku", "quantity", "subtotal_before", "created"),
    parse=parse_orders, money_label="SKU Subtotal Before Discount", skip_after_header=is_description_row,
    # item_price = subtotal before discount, discount = the seller's discount; platform discounts are paid by
    # TikTok (not the seller's cost); shipping after discount and the refund are order-level (first line)
    money={"subtotal_before": "line", "seller_discount": "line", "shipping_after": "order", "refund": "order",
           "unit_price": "info", "platform_discount": "info", "subtotal_after": "info", "shipping_original": "info",
           "shipping_seller_discount": "info", "shipping_platform_discount": "info", "payment_discount": "info",
           "taxes": "tax", "order_amount": "info", "small_order_fee": "info", "retail_delivery_fee": "tax",
           "buyer_service_fee": "info", "handling_fee": "info", "shipping_insurance": "info"},
    id_fields=("order_id", "sku_id"),
))

__all__ = ["ORDERS", "is_description_row", "pd"]
