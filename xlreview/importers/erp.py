"""Chinese multi-platform ERP order / profit exports (马帮 Mabang, 店小秘 Dianxiaomi) -> Orders.

One order spans several rows, its order-level cells merged (xlsx) or left blank below the first
row: they are filled down per order and order-level money is put on the order's first line.
The platform order number is preferred as ``order_id`` so an order imported both from the ERP
and from the platform itself is recognised as the same one.
"""
from __future__ import annotations

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
    sniff_decimal_comma,
    split_rejects,
    totals,
)
from .notes import note

PLATFORMS = {
    "amazon": "Amazon", "亚马逊": "Amazon", "ebay": "eBay", "易贝": "eBay", "shopify": "Shopify",
    "独立站": "Shopify", "tiktok": "TikTok Shop", "tiktok shop": "TikTok Shop", "tiktokshop": "TikTok Shop",
    "aliexpress": "AliExpress", "速卖通": "AliExpress", "shopee": "Shopee", "虾皮": "Shopee",
    "lazada": "Lazada", "walmart": "Walmart", "沃尔玛": "Walmart", "temu": "Temu", "wish": "Wish",
    "etsy": "Etsy", "mercadolibre": "Mercado Libre", "美客多": "Mercado Libre", "ozon": "Ozon",
}
_SITE = {"GB": "UK"}


def channel_name(platform: str, site: str) -> str:
    p = PLATFORMS.get(str(platform or "").strip().lower(), str(platform or "").strip())
    s = country_code(site).upper() if site else ""
    if p == "Amazon" and s:
        return f"Amazon {_SITE.get(s, s)}"
    return p


ORDER_LEVEL = ["platform_order", "platform", "site", "shop", "paid", "currency", "country", "buyer",
               "shipping_income", "shipping_cost", "refund", "platform_fee", "exchange_rate", "return_reason"]
#: the money fields an ERP export may carry (each format names the ones it has)
MONEY_FIELDS = ["amount", "unit_price", "shipping_income", "shipping_cost", "platform_fee", "refund", "discount"]


def parse_erp_orders(f: Format):
    def parse(t: RawTable, ctx: Context) -> Parsed:
        problems: dict[int, Phrase] = {}
        raw = pd.DataFrame({c: t.get(f, c) for c in f.fields})
        raw = fill_down_groups(raw, "order_id", [c for c in ORDER_LEVEL if c in raw])
        dc = sniff_decimal_comma(*(raw[c] for c in MONEY_FIELDS if c in raw))
        m = {c: money(raw[c], f.fields[c][0], problems, dc) for c in MONEY_FIELDS if c in raw}
        qty = counts(raw["quantity"], f.fields["quantity"][0], problems)
        oid = raw["platform_order"].where(~blank(raw["platform_order"]), raw["order_id"])
        first = first_of_group(raw["order_id"])
        cur = raw["currency"].str.upper().replace({"RMB": "CNY", "人民币": "CNY"}).where(~blank(raw["currency"]),
                                                                                     ctx.base_currency)
        notes = []
        if "exchange_rate" in raw and t.col(f, "exchange_rate") is not None:
            # the ERP's own booked rate (order currency -> RMB): amounts go in as CNY at that rate
            rate = money(raw["exchange_rate"], f.fields["exchange_rate"][0], problems, False)
            booked = rate.notna() & (rate > 0) & cur.ne("CNY")
            if booked.any():
                for c in m:
                    m[c] = m[c].where(~booked, (m[c] * rate).round(2))
                used = pd.DataFrame({"c": cur[booked], "r": rate[booked]}).drop_duplicates()
                notes.append(note("notice_booked_rate", rows=int(booked.sum()), column=f.fields["exchange_rate"][0],
                                  rates=", ".join(f"{c} {r:g}" for c, r in zip(used["c"], used["r"]))))
                cur = cur.where(~booked, "CNY")
        unit = m.get("unit_price", pd.Series(float("nan"), index=raw.index))
        price = m["amount"].where(m["amount"].notna(), unit * qty)
        day = days(raw["paid"], f.fields["paid"][0], problems)
        channel = pd.Series([channel_name(p, s) for p, s in zip(raw["platform"], raw["site"])], index=raw.index)
        channel = channel.where(channel != "", raw["shop"])
        reasons = first_reason(
            t.frame.index, (blank(oid), note("reject_missing", column=f.fields["order_id"][0])), (blank(raw["sku"]), note("reject_missing", column=f.fields["sku"][0])),
            (channel == "", note("reject_missing", column=f"{f.fields['platform'][0]} / {f.fields['shop'][0]}")), problems,
            (day.isna(), note("reject_missing", column=f.fields["paid"][0])), (price.isna(), note("reject_missing", column=f.fields["amount"][0])),
        )
        keep, rejected = split_rejects(t, reasons)
        orders = canonical_frame("Orders", {
            "order_id": oid, "order_date": day, "channel": channel, "sku": raw["sku"], "quantity": qty,
            "item_price": price, "discount": m.get("discount", pd.Series(0.0, index=raw.index)).abs(),
            "shipping_charged": m["shipping_income"].where(first),
            "platform_fee": m["platform_fee"].abs().where(first),
            "shipping_cost": m["shipping_cost"].abs().where(first), "refund_amount": m["refund"].abs().where(first),
            "customer_id": raw["buyer"], "country": raw["country"].map(country_code), "currency": cur,
            "return_reason": raw["return_reason"] if "return_reason" in raw else "",
        }, t.frame.index).loc[keep]
        return Parsed({"Orders": orders}, set(keep), rejected, totals(price, cur),
                      totals(orders["item_price"], orders["currency"]), notes=notes)
    return parse


__all__ = ["channel_name", "parse_erp_orders"]
