"""Walmart Marketplace reconciliation report (Seller Center › Payments › Reconciliation report) -> Orders, Costs.

The report is long: one row per amount of a transaction (``Amount Type``: Product Price, Product Tax,
Shipping Price, Commission on Product, Fee/Reimbursement...), with the order (``Purchase Order #``), the
item (``Partner Item Id``) and ``Ship Qty``. Column names from a public reader of the CSV (docs/importers.md).
Sale rows: Product Price -> item_price (and the line's quantity), Shipping Price -> shipping_charged,
Commission -> platform_fee; Refund rows: the refunded price and shipping -> refund_amount, commission credited
back -> platform_fee; account rows (WFS storage, fees, reimbursements, adjustments) -> Costs; the payment
summary row (the payout) is logged. Amounts are added once per row (re-importing adds nothing).
"""
from __future__ import annotations

import pandas as pd

from ..text import Phrase
from .base import (
    Context,
    Format,
    Parsed,
    RawTable,
    account_costs,
    blank,
    canonical_frame,
    counts,
    days,
    first_reason,
    money,
    occurrence_refs,
    register,
    sniff_decimal_comma,
    split_rejects,
    totals,
)
from .notes import note
from .vocab import norm

CHANNEL = "Walmart"
_PRICE = {"product price", "item price"}
_SHIPPING = {"shipping price", "shipping"}
_COMMISSION = {"commission on product", "commission on shipping", "commission"}
_WFS_FEE = {"wfs fulfillment fee", "fulfillment fee"}
_TAX = ("tax",)


def parse_reconciliation(t: RawTable, ctx: Context) -> Parsed:
    f = RECONCILIATION
    problems: dict[int, Phrase] = {}
    dc = sniff_decimal_comma(t.get(f, "amount"))
    amount = money(t.get(f, "amount"), "Amount", problems, dc).fillna(0.0)
    ttype = t.get(f, "type").map(norm)
    atype = t.get(f, "amount_type").map(norm)
    has_order = ~blank(t.get(f, "po"))
    is_summary = ttype.str.replace(" ", "").eq("paymentsummary")
    is_refund = ttype.str.startswith("refund") & has_order
    is_sale = ttype.isin(["sale", "sales", "order"]) & has_order
    is_tax = atype.str.contains("tax")
    line = (is_sale | is_refund) & ~is_tax & (atype.isin(_PRICE | _SHIPPING | _COMMISSION | _WFS_FEE))
    account = ~(is_sale | is_refund | is_summary)
    day = days(t.get(f, "posted"), "Transaction Posted Timestamp", problems, default_day_first=False)
    qty = counts(t.get(f, "qty"), "Ship Qty", problems).abs().fillna(0.0)
    cur = t.get(f, "currency").where(~blank(t.get(f, "currency")), ctx.base_currency)
    reasons = first_reason(
        t.frame.index,
        (is_summary, note("reject_payment_summary")),
        ((is_sale | is_refund) & is_tax, note("reject_tax_collected")),
        ((is_sale | is_refund) & ~line & ~is_tax, note("reject_amount_type_unused", type=t.get(f, "amount_type"))),
        ((is_sale | is_refund) & blank(t.get(f, "sku")), note("reject_missing", column="Partner Item Id")),
        problems,
        (day.isna(), note("reject_missing", column="Transaction Posted Timestamp")),
    )
    keep, rejected = split_rejects(t, reasons)
    ref = occurrence_refs(pd.DataFrame({"k": t.get(f, "key"), "d": t.get(f, "posted"), "t": t.get(f, "type"),
                                        "p": t.get(f, "po"), "l": t.get(f, "po_line"), "a": t.get(f, "amount_type"),
                                        "n": amount.round(2)}), "wmt-")
    price, ship = atype.isin(_PRICE), atype.isin(_SHIPPING)
    comm, wfs = atype.isin(_COMMISSION), atype.isin(_WFS_FEE)
    orders = canonical_frame("Orders", {
        "order_id": t.get(f, "po"), "order_date": day.where(is_sale & price), "channel": CHANNEL,
        "sku": t.get(f, "sku"), "quantity": qty.where(is_sale & price, 0.0),
        "item_price": amount.where(is_sale & price, 0.0), "shipping_charged": amount.where(is_sale & ship, 0.0),
        "platform_fee": (-amount).where(comm, 0.0), "fulfillment_fee": (-amount).where(wfs, 0.0),
        "refund_amount": (-amount).where(is_refund & (price | ship), 0.0),
        "refunded_qty": qty.where(is_refund & price, 0.0), "currency": cur,
    }, t.frame.index)
    add = pd.Series("", index=t.frame.index, dtype=object)
    add[is_sale & (price | ship)] = "shipping_charged"
    add[comm] = "platform_fee"
    add[wfs] = "fulfillment_fee"
    add[is_refund & price] = "refund_amount,refunded_qty"
    add[is_refund & ship] = "refund_amount"
    orders["_add_cols"] = add
    orders["_ref"] = ref
    orders["_can_add"] = is_sale & price
    orders = orders.loc[keep.intersection(line[line].index)]
    desc = t.get(f, "description").where(~blank(t.get(f, "description")), t.get(f, "amount_type"))
    costs = account_costs(keep.intersection(account[account].index), date=day, amount=-amount, channel=CHANNEL,
                          sku=t.get(f, "sku"), currency=cur, description=desc, ref=ref,
                          kind_from=(desc, t.get(f, "amount_type"), t.get(f, "reason")))
    return Parsed({"Orders": orders, "Costs": costs}, set(keep), rejected,
                  totals(amount, cur), totals(amount.loc[keep], cur.loc[keep]))


RECONCILIATION = register(Format(
    name="walmart_reconciliation", family="walmart", sheet="Orders", mode="merge",
    label="Walmart reconciliation report (沃尔玛 对账报告)",
    fields={
        "period_start": ("Period Start Date",), "period_end": ("Period End Date",),
        "total_payable": ("Total Payable",), "currency": ("Currency",), "key": ("Transaction Key",),
        "posted": ("Transaction Posted Timestamp",), "type": ("Transaction Type",),
        "description": ("Transaction Description",), "customer_order": ("Customer Order #",),
        "customer_order_line": ("Customer Order line #",), "po": ("Purchase Order #",),
        "po_line": ("Purchase Order line #",), "amount": ("Amount",), "amount_type": ("Amount Type",),
        "qty": ("Ship Qty",), "commission_rate": ("Commission Rate",),
        "reason": ("Transaction Reason Description",), "sku": ("Partner Item Id",), "gtin": ("Partner GTIN",),
        "name": ("Partner Item Name",),
    },
    required=("key", "posted", "type", "po", "amount", "amount_type"),
    parse=parse_reconciliation, money_label="Amount",
    money={"amount": "line", "total_payable": "info"}, order_field="po", id_fields=("po", "customer_order"),
))
