"""Shopify admin exports: Orders -> Export (-> Orders) and the Analytics sessions / conversion
funnel report (-> Traffic)."""
from __future__ import annotations

import hashlib

import numpy as np
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
    fill_down_groups,
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

CHANNEL = "Shopify"


def email_hash(email: str) -> str:
    """A stable buyer id that does not put the e-mail address in the workbook."""
    e = str(email or "").strip().lower()
    return "" if not e else "e:" + hashlib.sha256(e.encode()).hexdigest()[:16]


def parse_orders(t: RawTable, ctx: Context) -> Parsed:
    """Order-level fields (Created at, Currency, Shipping, Discount Amount, Refunded Amount...) are
    only on an order's first row: filled down per order, money put on the first line once."""
    f = ORDERS
    problems: dict[int, Phrase] = {}
    order_cols = ["created", "currency", "email", "financial", "cancelled", "shipping", "discount_amount",
                  "refunded", "country", "discount_code"]
    raw = pd.DataFrame({c: t.get(f, c) for c in ["name", "qty", "price", "sku", "item", "line_discount", *order_cols]})
    raw = fill_down_groups(raw, "name", order_cols)
    dc = sniff_decimal_comma(raw["price"])
    unit = money(raw["price"], "Lineitem price", problems, dc)
    qty = counts(raw["qty"], "Lineitem quantity", problems)
    line_value = (unit * qty).fillna(0)
    first = first_of_group(raw["name"])
    order_disc = money(raw["discount_amount"], "Discount Amount", problems, dc).fillna(0).abs().where(first, 0.0)
    line_disc = money(raw["line_discount"], "Lineitem discount", problems, dc).fillna(0).abs()
    # A discount code on the whole order is in Discount Amount (first row) while every Lineitem discount
    # is 0.00: then the order's discount is shared over its lines in proportion to their value.
    order_total = order_disc.groupby(raw["name"]).transform("sum")
    lines_total = line_disc.groupby(raw["name"]).transform("sum")
    share = (line_value / line_value.groupby(raw["name"]).transform("sum").replace(0, pd.NA)).fillna(0).astype(float)
    # to the cent, the remainder on the order's last line, so the lines sum exactly to Discount Amount
    order_cents = (order_total.astype(float) * 100).round()
    line_cents = np.floor(order_cents * share)
    remainder = order_cents - line_cents.groupby(raw["name"]).transform("sum")
    shared = (line_cents + remainder.where(~raw["name"].duplicated(keep="last"), 0)) / 100
    discount = line_disc.where((lines_total > 0) | (order_total == 0), shared)
    ship = money(raw["shipping"], "Shipping", problems, dc).where(first)
    refund = money(raw["refunded"], "Refunded Amount", problems, dc).where(first)
    day = days(raw["created"], "Created at", problems)
    cur = raw["currency"].where(~blank(raw["currency"]), ctx.base_currency)
    sku = raw["sku"].where(~blank(raw["sku"]), raw["item"])
    reasons = first_reason(
        t.frame.index,
        (blank(raw["name"]), note("reject_missing", column="Name")),
        (~blank(raw["cancelled"]), note("reject_cancelled_at", when=raw["cancelled"])),
        (raw["financial"].map(is_cancelled), note("reject_voided")),
        (blank(sku), note("reject_missing", column="Lineitem sku / Lineitem name")),
        problems, (day.isna(), note("reject_missing", column="Created at")), (qty.isna(), note("reject_missing", column="Lineitem quantity")),
    )
    keep, rejected = split_rejects(t, reasons)
    orders = canonical_frame("Orders", {
        "order_id": raw["name"], "order_date": day, "channel": CHANNEL, "sku": sku, "quantity": qty,
        "item_price": unit * qty, "discount": discount, "shipping_charged": ship, "refund_amount": refund,
        "customer_id": raw["email"].map(email_hash), "country": raw["country"].map(country_code),
        "currency": cur, "promo": raw["discount_code"],
    }, t.frame.index).loc[keep]
    return Parsed({"Orders": orders}, set(keep), rejected,
                  totals(unit * qty, cur), totals(orders["item_price"], orders["currency"]))


ORDERS = register(Format(
    name="shopify_orders", family="shopify", sheet="Orders", label="Shopify orders export (Shopify 订单导出)",
    fields={
        "name": ("Name",), "email": ("Email",), "financial": ("Financial Status",), "currency": ("Currency",),
        "shipping": ("Shipping",), "discount_code": ("Discount Code",), "discount_amount": ("Discount Amount",),
        "created": ("Created at",), "qty": ("Lineitem quantity",), "item": ("Lineitem name",),
        "price": ("Lineitem price",), "sku": ("Lineitem sku",), "line_discount": ("Lineitem discount",),
        "cancelled": ("Cancelled at",), "refunded": ("Refunded Amount",), "country": ("Shipping Country",),
        "subtotal": ("Subtotal",), "taxes": ("Taxes",), "total": ("Total",), "compare_at": ("Lineitem compare at price",),
        "tax1": ("Tax 1 Value",), "tax2": ("Tax 2 Value",), "tax3": ("Tax 3 Value",), "tax4": ("Tax 4 Value",),
        "tax5": ("Tax 5 Value",), "duties": ("Duties",), "outstanding": ("Outstanding Balance",),
    },
    required=("name", "financial", "created", "qty", "item", "price", "sku"),
    parse=parse_orders, money_label="Lineitem price x quantity",
    money={"price": "unit", "line_discount": "line", "discount_amount": "order", "shipping": "order",
           "refunded": "order", "subtotal": "info", "total": "info", "compare_at": "info", "outstanding": "info",
           "taxes": "tax", "tax1": "tax", "tax2": "tax", "tax3": "tax", "tax4": "tax", "tax5": "tax", "duties": "tax"},
    order_field="name", id_fields=("name",),
))


_SOURCES = {"search": "organic", "organic search": "organic", "direct": "other", "social": "social",
            "organic social": "social", "paid social": "paid", "paid search": "paid", "email": "email",
            "referral": "other", "unknown": "other", "": ""}


def parse_sessions(t: RawTable, ctx: Context) -> Parsed:
    f = SESSIONS
    problems: dict[int, Phrase] = {}
    day = days(t.get(f, "day"), "Day", problems)
    sessions = counts(t.get(f, "sessions"), "Sessions", problems)
    src = t.get(f, "source").str.strip().str.lower()
    reasons = first_reason(t.frame.index, problems, (day.isna(), note("reject_missing", column="Day")), (sessions.isna(), note("reject_missing", column="Sessions")))
    keep, rejected = split_rejects(t, reasons)
    traffic = canonical_frame("Traffic", {
        "date": day, "channel": CHANNEL, "sku": "", "sessions": sessions,
        "page_views": counts(t.get(f, "pageviews"), "Pageviews", {}),
        "add_to_cart": counts(t.get(f, "cart"), "Sessions with cart additions", {}),
        "source": src.map(lambda s: _SOURCES.get(s, s)),
    }, t.frame.index).loc[keep]
    return Parsed({"Traffic": traffic}, set(keep), rejected)


SESSIONS = register(Format(
    name="shopify_sessions", family="shopify", sheet="Traffic",
    label="Shopify Analytics sessions / conversion funnel export (Shopify 访问与转化漏斗)",
    fields={
        "day": ("Day", "Date", "Month"), "sessions": ("Sessions",),
        "cart": ("Sessions with cart additions", "Added to cart"),
        "checkout": ("Sessions that reached checkout", "Reached checkout"),
        "completed": ("Sessions that completed checkout", "Sessions converted"),
        "pageviews": ("Pageviews",), "source": ("Referring channel", "Traffic source", "Session source"),
    },
    required=("day", "sessions", "cart", "checkout"),
    parse=parse_sessions, money_label="",
))
