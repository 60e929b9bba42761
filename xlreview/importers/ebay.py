"""eBay Seller Hub reports: the Orders report (-> Orders) and the Transaction report (fees,
promoted-listing cost, shipping labels and refunds -> merged onto Orders, Ads)."""
from __future__ import annotations

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
    money_currency,
    register,
    sniff_decimal_comma,
    split_rejects,
    totals,
)

CHANNEL = "eBay"


def _currency(values: pd.Series, default: str) -> pd.Series:
    sym = values.map(lambda v: money_currency(v) or "")
    return sym.where(sym != "", default)


# ----------------------------------------------------------------------------- Orders report
def parse_orders(t: RawTable, ctx: Context) -> Parsed:
    """A multi-item order is one summary row (buyer, shipping, total) then one row per item."""
    f = ORDERS
    problems: dict[int, str] = {}
    order = t.get(f, "order_id")
    footer = t.get(f, "record").str.contains(r"record\(s\) downloaded|Seller ID", case=False, regex=True)
    is_item = ~blank(t.get(f, "quantity")) & ~blank(t.get(f, "sold_for"))
    is_summary = ~is_item & ~blank(order) & ~footer
    dc = sniff_decimal_comma(t.get(f, "sold_for"))
    unit = money(t.get(f, "sold_for"), "Sold For", problems, dc)
    qty = counts(t.get(f, "quantity"), "Quantity", problems)
    ship = money(t.get(f, "shipping"), "Shipping And Handling", problems, dc)
    cur = _currency(t.get(f, "sold_for").where(is_item, t.get(f, "total")), ctx.base_currency)
    # Order-level cells of the summary row go to the order's first item row.
    summary = pd.DataFrame({"order": order, "ship": ship, "buyer": t.get(f, "buyer"),
                            "country": t.get(f, "country"), "date": t.get(f, "sale_date")})[is_summary]
    by_order = summary.drop_duplicates("order").set_index("order")
    item_order = order.where(is_item)
    ship_item = ship.where(~item_order.isin(by_order.index), item_order.map(by_order["ship"]))
    ship_item = ship_item.where(first_of_group(item_order.fillna("")) & is_item)
    buyer = t.get(f, "buyer").where(~blank(t.get(f, "buyer")), item_order.map(by_order["buyer"]).fillna(""))
    country = t.get(f, "country").where(~blank(t.get(f, "country")), item_order.map(by_order["country"]).fillna(""))
    sale_date = t.get(f, "sale_date").where(~blank(t.get(f, "sale_date")), item_order.map(by_order["date"]).fillna(""))
    day = days(sale_date.where(is_item, ""), "Sale Date", problems)
    sku = t.get(f, "sku").where(~blank(t.get(f, "sku")), t.get(f, "item_number"))
    reasons = first_reason(
        t.frame.index,
        (footer, "report footer, not an order"),
        (is_summary & order.isin(item_order.dropna()), "__summary__"),
        (~is_item, "no item (Quantity / Sold For blank)"),
        (blank(order), "no Order Number"), (blank(sku), "no Custom Label or Item Number"),
        problems, (day.isna(), "no Sale Date"),
    )
    merged = reasons[reasons == "__summary__"].index          # summary rows folded into their items
    reasons[merged] = ""
    keep, rejected = split_rejects(t, reasons)
    items = keep.difference(merged)
    orders = canonical_frame("Orders", {
        "order_id": order, "order_date": day, "channel": CHANNEL, "sku": sku, "quantity": qty,
        "item_price": unit * qty, "shipping_charged": ship_item, "customer_id": buyer,
        "country": country.map(country_code), "currency": cur,
    }, t.frame.index).loc[items]
    before = unit * qty
    return Parsed({"Orders": orders}, set(keep), rejected,
                  totals(before[is_item], cur[is_item]), totals(orders["item_price"], orders["currency"]))


ORDERS = register(Format(
    name="ebay_orders", family="ebay", sheet="Orders", label="eBay Orders report (eBay 订单报告)",
    fields={
        "record": ("Sales Record Number",), "order_id": ("Order Number", "Order ID"),
        "buyer": ("Buyer Username", "User Id"), "item_number": ("Item Number", "Item ID"),
        "title": ("Item Title",), "sku": ("Custom Label",), "quantity": ("Quantity",),
        "sold_for": ("Sold For", "Sale Price"), "shipping": ("Shipping And Handling",),
        "total": ("Total Price",), "sale_date": ("Sale Date",), "country": ("Ship To Country", "Buyer Country"),
    },
    required=("record", "order_id", "item_number", "quantity", "sold_for", "sale_date"),
    parse=parse_orders, money_label="Sold For x Quantity",
))


# ----------------------------------------------------------------------------- Transaction report
_FEES = ("fvf_fixed", "fvf_variable", "regulatory", "inad_fee", "below_standard", "international")


def parse_transactions(t: RawTable, ctx: Context) -> Parsed:
    """Order rows: fees; Refund rows: refunds; Shipping label: seller's shipping cost; Other fee
    "Promoted Listings": ad spend (Ads sheet, campaign "Promoted Listings")."""
    f = TRANSACTIONS
    problems: dict[int, str] = {}
    money_cols = ("net", "subtotal", "gross") + _FEES
    dc = sniff_decimal_comma(*(t.col(f, c) for c in money_cols))
    amt = {c: money(t.get(f, c), f.fields[c][0], problems, dc) for c in money_cols}
    cur = t.get(f, "currency").where(~blank(t.get(f, "currency")), t.get(f, "payout_currency"))
    cur = cur.where(~blank(cur), ctx.base_currency)
    kind = t.get(f, "type").str.strip().str.lower()
    desc = t.get(f, "description")
    promoted = (kind == "other fee") & desc.str.contains("promoted listing", case=False)
    is_order, is_refund, is_label = kind == "order", kind == "refund", kind == "shipping label"
    day = days(t.get(f, "date"), "Transaction creation date", problems)
    qty = counts(t.get(f, "quantity"), "Quantity", problems).abs()
    sku = t.get(f, "sku").where(~blank(t.get(f, "sku")), t.get(f, "item_id"))
    reasons = first_reason(
        t.frame.index,
        (~(is_order | is_refund | is_label | promoted),
         "not an order line (" + t.get(f, "type") + "): account-level entry, not imported"),
        (blank(t.get(f, "order_id")) & ~promoted, "no Order number"),
        problems,
    )
    keep, rejected = split_rejects(t, reasons)
    fee = -sum(amt[c].fillna(0) for c in _FEES)
    ord_rows = is_order | is_refund | is_label
    merge_cols = pd.Series("", index=t.frame.index, dtype=object)
    merge_cols[is_order] = "platform_fee"
    merge_cols[is_refund] = "refund_amount,refunded_qty"
    merge_cols[is_label] = "shipping_cost"
    orders = canonical_frame("Orders", {
        "order_id": t.get(f, "order_id"), "order_date": day.where(is_order), "channel": CHANNEL, "sku": sku.where(
            ~is_label, ""), "quantity": qty.where(is_order), "item_price": amt["subtotal"].where(is_order),
        "shipping_charged": money(t.get(f, "shipping"), "Shipping and handling", {}, dc).where(is_order),
        "platform_fee": fee.where(is_order), "shipping_cost": (-amt["net"]).where(is_label),
        "refund_amount": (-amt["gross"].fillna(amt["net"])).abs().where(is_refund),
        "refunded_qty": qty.where(is_refund & (qty > 0)), "currency": cur,
    }, t.frame.index)
    orders["_merge_cols"] = merge_cols
    orders["_can_add"] = is_order
    orders = orders.loc[keep.intersection(ord_rows[ord_rows].index)]
    ads = canonical_frame("Ads", {
        "date": day, "channel": CHANNEL, "campaign": "Promoted Listings", "ad_group": "",
        "keyword": "", "sku": sku, "spend": -amt["net"], "currency": cur,
    }, t.frame.index).loc[keep.intersection(promoted[promoted].index)]
    return Parsed({"Orders": orders, "Ads": ads}, set(keep), rejected,
                  totals(amt["net"], cur), totals(amt["net"].loc[keep], cur.loc[keep]))


TRANSACTIONS = register(Format(
    name="ebay_transactions", family="ebay", sheet="Orders", mode="merge",
    label="eBay Transaction report (eBay 交易报告)",
    fields={
        "date": ("Transaction creation date",), "type": ("Type",), "order_id": ("Order number",),
        "net": ("Net amount",), "payout_currency": ("Payout currency",), "item_id": ("Item ID",),
        "sku": ("Custom label",), "quantity": ("Quantity",), "subtotal": ("Item subtotal",),
        "shipping": ("Shipping and handling",),
        "fvf_fixed": ("Final Value Fee - fixed",), "fvf_variable": ("Final Value Fee - variable",),
        "regulatory": ("Regulatory operating fee",), "inad_fee": ('Very high "item not as described" fee',),
        "below_standard": ("Below standard performance fee",), "international": ("International fee",),
        "gross": ("Gross transaction amount",), "currency": ("Transaction currency",),
        "description": ("Description",),
    },
    required=("date", "type", "order_id", "net", "gross", "fvf_variable"),
    parse=parse_transactions, money_label="Net amount",
))
