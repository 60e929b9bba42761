"""Temu seller center fund detail export (资金明细 / 账务明细) -> Orders (income, refunds) and Costs.

No public documentation of this export was found: the column and transaction-type names are those sellers
quote (``结算-交易收入``, ``结算-售后退款`` ...), each field accepting several spellings; docs/importers.md says
so. ``结算-交易收入`` rows are the order line's sales income (they need the order, the SKU and the quantity:
a row without them is refused with the reason, and its amount is on the Import Log), ``结算-售后退款`` rows its
refund, withdrawals (提现) are payouts (logged), every other charge or credit (罚款, 仓储, 运费, 补偿...)
a Costs row. Amounts are added once per row.
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

CHANNEL = "Temu"
_INCOME = ("交易收入", "销售收入", "货款", "sales income", "transaction income")
_REFUND = ("售后退款", "退款", "refund")
_PAYOUT = ("提现", "withdraw", "payout")


def _kind(value: str) -> str:
    v = norm(value)
    if any(w in v for w in _PAYOUT):
        return "payout"
    if any(w in v for w in _REFUND):
        return "refund"
    if any(w in v for w in _INCOME):
        return "income"
    return "account"


def parse_fund_detail(t: RawTable, ctx: Context) -> Parsed:
    f = FUND_DETAIL
    problems: dict[int, Phrase] = {}
    dc = sniff_decimal_comma(t.get(f, "amount"))
    amount = money(t.get(f, "amount"), f.fields["amount"][0], problems, dc).fillna(0.0)
    kind = t.get(f, "type").map(_kind)
    is_income, is_refund, is_payout = kind.eq("income"), kind.eq("refund"), kind.eq("payout")
    account = kind.eq("account")
    order = t.get(f, "order_id")
    qty = counts(t.get(f, "quantity"), f.fields["quantity"][0], problems).abs()
    day = days(t.get(f, "date"), f.fields["date"][0], problems, default_day_first=False)
    cur = t.get(f, "currency").where(~blank(t.get(f, "currency")), "CNY" if t.col(f, "currency") is None
                                     else ctx.base_currency)
    reasons = first_reason(
        t.frame.index,
        (is_payout, note("reject_payout", type=t.get(f, "type"))),
        ((is_income | is_refund) & blank(order), note("reject_missing", column=f.fields["order_id"][0])),
        ((is_income | is_refund) & blank(t.get(f, "sku")),
         note("reject_temu_no_sku")),
        (is_income & qty.isna(), note("reject_missing", column=f.fields["quantity"][0])),
        problems,
        (day.isna(), note("reject_missing", column=f.fields["date"][0])),
    )
    keep, rejected = split_rejects(t, reasons)
    ref = occurrence_refs(pd.DataFrame({"r": t.get(f, "ref"), "d": t.get(f, "date"), "t": t.get(f, "type"),
                                        "o": order, "k": t.get(f, "sku"), "n": amount.round(2)}), "temu-")
    orders = canonical_frame("Orders", {
        "order_id": order, "order_date": day.where(is_income), "channel": CHANNEL, "sku": t.get(f, "sku"),
        "quantity": qty.where(is_income, 0.0), "item_price": amount.where(is_income, 0.0),
        "refund_amount": (-amount).abs().where(is_refund, 0.0), "currency": cur,
    }, t.frame.index)
    orders["_add_cols"] = ""
    orders.loc[is_refund, "_add_cols"] = "refund_amount"
    orders["_ref"] = ref
    orders["_can_add"] = is_income
    orders = orders.loc[keep.intersection((is_income | is_refund)[is_income | is_refund].index)]
    desc = t.get(f, "note").where(~blank(t.get(f, "note")), t.get(f, "type"))
    costs = account_costs(keep.intersection(account[account].index), date=day, amount=-amount, channel=CHANNEL,
                          sku=t.get(f, "sku"), currency=cur, description=desc, ref=ref,
                          kind_from=(desc, t.get(f, "type")))
    return Parsed({"Orders": orders, "Costs": costs}, set(keep), rejected,
                  totals(amount, cur), totals(amount.loc[keep], cur.loc[keep]))


FUND_DETAIL = register(Format(
    name="temu_fund_detail", family="temu", sheet="Orders", mode="merge",
    label="Temu 资金明细 fund detail export (Temu 资金明细)",
    fields={
        "date": ("账务时间", "交易时间", "时间", "入账时间", "Transaction time", "Date"),
        "type": ("交易类型", "收支类型", "账务类型", "Transaction type"),
        "order_id": ("订单号", "订单编号", "父订单号", "Order ID", "Order number"),
        "sub_order": ("子订单号", "Sub order ID"),
        "sku": ("SKU", "SKU ID", "商品SKU", "货号", "SKU货号"),
        "quantity": ("数量", "商品数量", "件数", "Quantity"),
        "amount": ("金额", "收支金额", "交易金额", "变动金额", "Amount"),
        "currency": ("币种", "Currency"),
        "balance": ("余额", "账户余额", "Balance"),
        "ref": ("流水号", "账务流水号", "交易流水号", "Transaction ID"),
        "note": ("备注", "说明", "描述", "Description"),
    },
    required=("date", "type", "order_id", "amount"),
    parse=parse_fund_detail, money_label="金额",
    money={"amount": "line", "balance": "info"}, id_fields=("order_id", "ref"),
))
