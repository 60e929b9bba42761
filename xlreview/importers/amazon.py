"""Amazon Seller Central and Amazon Ads reports -> Orders, Traffic, Ads, Products.

Headers and their sources are listed in docs/importers.md. Each format is a :class:`Format`
registered at import time; ``parse`` functions are DataFrame in / DataFrame out.
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
    first_reason,
    money,
    money_currency,
    parse_datetime,
    register,
    sniff_decimal_comma,
    split_rejects,
    totals,
)

#: sales-channel / marketplace -> (marketplace code, time zone of its calendar day, currency)
MARKETPLACES = {
    "amazon.com": ("US", "America/Los_Angeles", "USD"), "amazon.ca": ("CA", "America/Los_Angeles", "CAD"),
    "amazon.com.mx": ("MX", "America/Mexico_City", "MXN"), "amazon.com.br": ("BR", "America/Sao_Paulo", "BRL"),
    "amazon.co.uk": ("UK", "Europe/London", "GBP"), "amazon.de": ("DE", "Europe/Berlin", "EUR"),
    "amazon.fr": ("FR", "Europe/Paris", "EUR"), "amazon.it": ("IT", "Europe/Rome", "EUR"),
    "amazon.es": ("ES", "Europe/Madrid", "EUR"), "amazon.nl": ("NL", "Europe/Amsterdam", "EUR"),
    "amazon.se": ("SE", "Europe/Stockholm", "SEK"), "amazon.pl": ("PL", "Europe/Warsaw", "PLN"),
    "amazon.com.be": ("BE", "Europe/Brussels", "EUR"), "amazon.com.tr": ("TR", "Europe/Istanbul", "TRY"),
    "amazon.ae": ("AE", "Asia/Dubai", "AED"), "amazon.sa": ("SA", "Asia/Riyadh", "SAR"),
    "amazon.in": ("IN", "Asia/Kolkata", "INR"), "amazon.co.jp": ("JP", "Asia/Tokyo", "JPY"),
    "amazon.com.au": ("AU", "Australia/Sydney", "AUD"), "amazon.sg": ("SG", "Asia/Singapore", "SGD"),
}
_BY_CODE = {v[0]: (k, *v) for k, v in MARKETPLACES.items()}
_BY_CURRENCY = {"USD": "US", "CAD": "CA", "MXN": "MX", "GBP": "UK", "JPY": "JP", "AUD": "AU", "INR": "IN",
                "SEK": "SE", "PLN": "PL", "AED": "AE", "SAR": "SA", "SGD": "SG", "BRL": "BR", "TRY": "TR"}


def marketplace(value: str) -> tuple[str, str | None, str | None]:
    """``Amazon.de`` / ``amazon.com`` / ``DE`` -> (channel, time zone, currency)."""
    v = str(value or "").strip().lower()
    if v.startswith("www."):
        v = v[4:]
    if v in MARKETPLACES:
        code, tz, cur = MARKETPLACES[v]
        return f"Amazon {code}", tz, cur
    code = country_code(v).upper()
    code = "UK" if code == "GB" else code
    if code in _BY_CODE:
        _, c, tz, cur = _BY_CODE[code]
        return f"Amazon {c}", tz, cur
    return "Amazon", None, None


def _channel_from_currency(cur: str | None) -> str:
    code = _BY_CURRENCY.get(cur or "")
    return f"Amazon {code}" if code else "Amazon"


ORDER_TYPES = {"order", "bestellung", "ordine", "commande", "pedido", "订单"}
REFUND_TYPES = {"refund", "erstattung", "rimborso", "remboursement", "reembolso", "退款"}


# ----------------------------------------------------------------------------- All Orders
def parse_all_orders(t: RawTable, ctx: Context) -> Parsed:
    f = ALL_ORDERS
    problems: dict[int, str] = {}
    mk = t.get(f, "sales_channel").map(marketplace)
    channel = mk.map(lambda x: x[0])
    tz = mk.map(lambda x: x[1])
    cur = t.get(f, "currency").where(~blank(t.get(f, "currency")), mk.map(lambda x: x[2] or ctx.base_currency))
    dc = sniff_decimal_comma(t.get(f, "item_price"))
    price = money(t.get(f, "item_price"), "item-price", problems, dc)
    qty = counts(t.get(f, "quantity"), "quantity", problems)
    day = days(t.get(f, "purchase_date"), "purchase-date", problems, tz)
    disc = (money(t.get(f, "item_promo"), "item-promotion-discount", problems, dc).fillna(0).abs()
            + money(t.get(f, "ship_promo"), "ship-promotion-discount", problems, dc).fillna(0).abs())
    status = t.get(f, "order_status").str.lower()
    item_status = t.get(f, "item_status").str.lower()
    reasons = first_reason(
        t.frame.index,
        (blank(t.get(f, "order_id")), "no amazon-order-id"),
        (blank(t.get(f, "sku")), "no sku"),
        (status.str.startswith("cancel") | item_status.str.startswith("cancel"), "cancelled order"),
        (t.get(f, "sales_channel").str.lower() == "non-amazon",
         "Non-Amazon: a Multi-Channel Fulfillment shipment, not an Amazon sale"),
        problems,
        (status.str.startswith("pending") & price.isna(), "pending order: no price yet (import it once shipped)"),
        (price.isna(), "no item-price"),
        (qty.fillna(0) <= 0, "quantity is 0"),
    )
    keep, rejected = split_rejects(t, reasons)
    orders = canonical_frame("Orders", {
        "order_id": t.get(f, "order_id"), "order_date": day, "channel": channel, "sku": t.get(f, "sku"),
        "quantity": qty, "item_price": price, "discount": disc,
        "shipping_charged": money(t.get(f, "shipping_price"), "shipping-price", {}, dc),
        "country": t.get(f, "ship_country").map(country_code), "currency": cur,
        "promo": t.get(f, "promotion_ids"),
    }, t.frame.index).loc[keep]
    return Parsed({"Orders": orders}, set(keep), rejected,
                  totals(price, cur), totals(orders["item_price"], orders["currency"]))


ALL_ORDERS = register(Format(
    name="amazon_all_orders", family="amazon", sheet="Orders",
    label="Amazon All Orders report (亚马逊 所有订单报告)",
    fields={
        "order_id": ("amazon-order-id",), "merchant_order_id": ("merchant-order-id",),
        "purchase_date": ("purchase-date",), "order_status": ("order-status",),
        "sales_channel": ("sales-channel",), "sku": ("sku",), "item_status": ("item-status",),
        "quantity": ("quantity", "quantity-purchased"), "currency": ("currency",),
        "item_price": ("item-price", "item price"), "shipping_price": ("shipping-price",),
        "item_promo": ("item-promotion-discount",), "ship_promo": ("ship-promotion-discount",),
        "ship_country": ("ship-country",), "promotion_ids": ("promotion-ids",),
    },
    required=("order_id", "purchase_date", "order_status", "sales_channel", "sku", "quantity", "item_price"),
    parse=parse_all_orders, money_label="item-price",
))


# ----------------------------------------------------------------------------- Business Report
_PERIOD = re.compile(r"(20\d{2})[-_.](\d{2})(?:[-_.](\d{2}))?(?!\d)")
_MARKET_IN_NAME = re.compile(r"(?:^|[_\-. ])(US|CA|MX|UK|GB|DE|FR|IT|ES|NL|SE|PL|BE|JP|AU|IN|AE|SA|SG|BR|TR)(?=[_\-. ]|$)")


def parse_business_report(t: RawTable, ctx: Context) -> Parsed:
    """By Child Item has no date column: the period comes from a Date column or the file name."""
    f = BUSINESS_REPORT
    problems: dict[int, str] = {}
    date_col = t.col(f, "date")
    if date_col is not None:
        day = days(date_col, "Date", problems)
    else:
        m = _PERIOD.search(t.path.stem)
        start = pd.Timestamp(int(m.group(1)), int(m.group(2)), int(m.group(3) or 1)).date() if m else None
        day = pd.Series(start, index=t.frame.index, dtype=object)
    mm = _MARKET_IN_NAME.search(t.path.stem.upper())
    if mm:
        channel = marketplace(mm.group(1))[0]
    else:
        channel = _channel_from_currency(next((money_currency(v) for v in t.get(f, "sales") if money_currency(v)),
                                              None))
    sessions = counts(t.get(f, "sessions"), "Sessions - Total", problems)
    views = counts(t.get(f, "page_views"), "Page Views - Total", problems)
    sku = t.get(f, "sku").where(~blank(t.get(f, "sku")), t.get(f, "child_asin"))
    reasons = first_reason(
        t.frame.index,
        (day.isna(), "no date: this report has no date column; put its period in the file name, "
                     "e.g. BusinessReport_2026-03.csv (month) or BusinessReport_2026-03-01.csv"),
        (blank(sku), "no SKU or (Child) ASIN (a totals line)"),
        problems,
        (sessions.isna(), "no sessions"),
    )
    keep, rejected = split_rejects(t, reasons)
    traffic = canonical_frame("Traffic", {
        "date": day, "channel": channel, "sku": sku, "sessions": sessions, "page_views": views,
    }, t.frame.index).loc[keep]
    return Parsed({"Traffic": traffic}, set(keep), rejected)


BUSINESS_REPORT = register(Format(
    name="amazon_business_report", family="amazon", sheet="Traffic",
    label="Amazon Business Report: Detail Page Sales and Traffic By Child Item (业务报告 详情页面上的销售量与访问量 子商品)",
    fields={
        "parent_asin": ("(Parent) ASIN", "（父）ASIN"), "child_asin": ("(Child) ASIN", "（子）ASIN"),
        "title": ("Title", "商品名称"), "sku": ("SKU",),
        # "Sessions - Total - B2B" is a different column: matching is exact, never by substring.
        "sessions": ("Sessions - Total", "Sessions", "会话次数 – 总计", "会话次数"),
        "page_views": ("Page Views - Total", "Page Views", "页面浏览量 – 总计", "页面浏览次数 – 总计", "页面浏览量"),
        "units": ("Units Ordered", "已订购商品数量"), "sales": ("Ordered Product Sales", "已订购商品销售额"),
        "date": ("Date", "日期"),
    },
    required=("child_asin", "sessions", "page_views", "units", "sales"),
    parse=parse_business_report, money_label="",
))


# ----------------------------------------------------------------------------- Sponsored Products
_AD_FIELDS = {
    "date": ("Date", "Start Date", "日期", "开始日期"), "campaign": ("Campaign Name", "Campaign", "广告活动名称"),
    "ad_group": ("Ad Group Name", "广告组名称"), "search_term": ("Customer Search Term", "客户搜索词"),
    "targeting": ("Targeting", "Keyword", "投放", "关键词"), "advertised_sku": ("Advertised SKU", "广告SKU"),
    "impressions": ("Impressions", "展示量"), "clicks": ("Clicks", "点击量"), "spend": ("Spend", "Cost", "花费"),
    "sales": ("7 Day Total Sales", "14 Day Total Sales", "Total Sales", "7天总销售额"),
    "orders": ("7 Day Total Orders (#)", "14 Day Total Orders (#)", "Total Orders (#)", "7天总订单数(#)"),
    "currency": ("Currency", "货币"), "country": ("Country", "国家/地区"),
}


def _parse_ads(fmt: Format, keyword_field: str | None, sku_field: str | None):
    def parse(t: RawTable, ctx: Context) -> Parsed:
        problems: dict[int, str] = {}
        dc = sniff_decimal_comma(t.get(fmt, "spend"), t.get(fmt, "sales"))
        spend = money(t.get(fmt, "spend"), "Spend", problems, dc)
        sales = money(t.get(fmt, "sales"), "Sales", problems, dc)
        cur = t.get(fmt, "currency")
        sym = t.get(fmt, "spend").map(lambda v: money_currency(v) or "")
        cur = cur.where(~blank(cur), sym.where(sym != "", ctx.base_currency))
        country = t.get(fmt, "country")
        channel = country.map(lambda c: marketplace(c)[0]).where(~blank(country), cur.map(_channel_from_currency))
        keyword = t.get(fmt, keyword_field) if keyword_field else pd.Series("", index=t.frame.index)
        if keyword_field == "search_term":
            keyword = keyword.where(~blank(keyword), t.get(fmt, "targeting"))
        reasons = first_reason(
            t.frame.index,
            (blank(t.get(fmt, "campaign")), "no campaign name"),
            problems,
            (days(t.get(fmt, "date"), "Date", {}).isna(), "no date"),
            (spend.isna(), "no spend"),
        )
        day = days(t.get(fmt, "date"), "Date", {})
        keep, rejected = split_rejects(t, reasons)
        ads = canonical_frame("Ads", {
            "date": day, "channel": channel, "campaign": t.get(fmt, "campaign"), "ad_group": t.get(fmt, "ad_group"),
            "keyword": keyword, "sku": t.get(fmt, sku_field) if sku_field else "",
            "impressions": counts(t.get(fmt, "impressions"), "Impressions", {}),
            "clicks": counts(t.get(fmt, "clicks"), "Clicks", {}), "spend": spend, "sales": sales,
            "orders": counts(t.get(fmt, "orders"), "Orders", {}), "currency": cur,
        }, t.frame.index).loc[keep]
        return Parsed({"Ads": ads}, set(keep), rejected, totals(spend, cur), totals(ads["spend"], ads["currency"]))
    return parse


def _ads_format(name, label, required, keyword_field, sku_field):
    fmt = Format(name=name, family="amazon", sheet="Ads", label=label, fields=_AD_FIELDS, required=required,
                 parse=lambda t, c: None, money_label="Spend")
    object.__setattr__(fmt, "parse", _parse_ads(fmt, keyword_field, sku_field))
    return register(fmt)


ADS_SEARCH_TERM = _ads_format(
    "amazon_ads_search_term", "Sponsored Products Search term report (商品推广 搜索词报告)",
    ("date", "campaign", "ad_group", "search_term", "impressions", "clicks", "spend"), "search_term", None)
ADS_ADVERTISED_PRODUCT = _ads_format(
    "amazon_ads_advertised_product", "Sponsored Products Advertised product report (商品推广 推广的商品报告)",
    ("date", "campaign", "ad_group", "advertised_sku", "impressions", "clicks", "spend"), None, "advertised_sku")
ADS_CAMPAIGN = _ads_format(
    "amazon_ads_campaign", "Sponsored Products Campaign report (商品推广 广告活动报告)",
    ("date", "campaign", "impressions", "clicks", "spend"), None, None)


# ----------------------------------------------------------------------------- Date Range transactions
def parse_date_range(t: RawTable, ctx: Context) -> Parsed:
    """Order rows give fees, Refund rows refunds; both merge onto the Orders line (channel+order+sku)."""
    f = DATE_RANGE
    problems: dict[int, str] = {}
    cols = ["product_sales", "shipping_credits", "promo_rebates", "selling_fees", "fba_fees", "other_fees", "total"]
    dc = sniff_decimal_comma(*(t.col(f, c) for c in cols))
    amt = {c: money(t.get(f, c), f.fields[c][0], problems, dc) for c in cols}
    kind = t.get(f, "type").str.strip().str.lower()
    is_order, is_refund = kind.isin(ORDER_TYPES), kind.isin(REFUND_TYPES)
    mk = t.get(f, "marketplace").map(marketplace)
    pre = " ".join(t.preamble)
    file_cur = next((c for c in re.findall(r"\b([A-Z]{3})\b", pre) if c not in {"FBA", "UTC", "PST", "PDT"}), None)
    cur = mk.map(lambda x: x[2]).fillna(file_cur or ctx.base_currency)
    qty = counts(t.get(f, "quantity"), "quantity", problems).abs()
    # Printed in the report's zone (PST/PDT, UTC...): converted to the marketplace's own day.
    day = days(t.get(f, "datetime"), "date/time", problems, mk.map(lambda x: x[1]))
    reasons = first_reason(
        t.frame.index,
        (~(is_order | is_refund), "not an order line (" + t.get(f, "type") + "): account-level entry, not imported"),
        (blank(t.get(f, "order_id")) | blank(t.get(f, "sku")), "no order id or sku"),
        problems,
    )
    keep, rejected = split_rejects(t, reasons)
    fee = -(amt["selling_fees"].fillna(0) + amt["other_fees"].fillna(0))
    merge_cols = pd.Series("", index=t.frame.index, dtype=object)
    merge_cols[is_order] = "platform_fee,fulfillment_fee"
    merge_cols[is_refund] = "refund_amount,refunded_qty"
    orders = canonical_frame("Orders", {
        "order_id": t.get(f, "order_id"), "order_date": day.where(is_order), "channel": mk.map(lambda x: x[0]),
        "sku": t.get(f, "sku"), "quantity": qty.where(is_order),
        "item_price": amt["product_sales"].where(is_order),
        "discount": (-amt["promo_rebates"]).where(is_order).clip(lower=0),
        "shipping_charged": amt["shipping_credits"].where(is_order),
        "platform_fee": fee.where(is_order), "fulfillment_fee": (-amt["fba_fees"].fillna(0)).where(is_order),
        "refund_amount": (-amt["product_sales"].fillna(0)).where(is_refund),
        "refunded_qty": qty.where(is_refund), "currency": cur,
    }, t.frame.index)
    orders["_merge_cols"] = merge_cols
    orders["_can_add"] = is_order
    orders = orders.loc[keep]
    return Parsed({"Orders": orders}, set(keep), rejected,
                  totals(amt["total"], cur), totals(amt["total"].loc[keep], cur.loc[keep]))


DATE_RANGE = register(Format(
    name="amazon_date_range", family="amazon", sheet="Orders", mode="merge",
    label="Amazon Date Range transaction report (付款 日期范围报告)",
    fields={
        "datetime": ("date/time", "Datum/Uhrzeit", "Data/Ora:", "date/heure", "日期/时间"),
        "settlement": ("settlement id", "Abrechnungsnummer", "Numero pagamento", "结算编号"),
        "type": ("type", "Typ", "Tipo", "类型"),
        "order_id": ("order id", "Bestellnummer", "Numero ordine", "numéro de la commande", "订单编号"),
        "sku": ("sku",), "quantity": ("quantity", "Menge", "Quantità", "quantité", "数量"),
        "marketplace": ("marketplace", "商城"),
        "product_sales": ("product sales", "Umsätze", "Vendite", "ventes de produits", "商品销售"),
        "shipping_credits": ("shipping credits", "Gutschrift für Versandkosten", "Accrediti per le spedizioni",
                             "运费抵扣"),
        "promo_rebates": ("promotional rebates", "Rabatte aus Werbeaktionen", "Sconti promozionali", "促销返点"),
        "selling_fees": ("selling fees", "Verkaufsgebühren", "Commissioni di vendita", "销售佣金"),
        "fba_fees": ("fba fees", "Gebühren zu Versand durch Amazon", "亚马逊物流配送费"),
        "other_fees": ("other transaction fees", "Andere Transaktionsgebühren", "其他交易费用"),
        "total": ("total", "Gesamt", "Totale", "总计"),
    },
    required=("datetime", "settlement", "type", "order_id", "product_sales", "total"),
    parse=parse_date_range, money_label="total",
))


# ----------------------------------------------------------------------------- FBA customer returns
def parse_returns(t: RawTable, ctx: Context) -> Parsed:
    f = FBA_RETURNS
    problems: dict[int, str] = {}
    qty = counts(t.get(f, "quantity"), "quantity", problems)
    reasons = first_reason(t.frame.index, (blank(t.get(f, "order_id")), "no order id"),
                           (blank(t.get(f, "sku")), "no sku"), problems, (qty.fillna(0) <= 0, "quantity is 0"))
    keep, rejected = split_rejects(t, reasons)
    orders = canonical_frame("Orders", {
        "order_id": t.get(f, "order_id"), "channel": "Amazon", "sku": t.get(f, "sku"), "refunded_qty": qty,
    }, t.frame.index)
    orders["_merge_cols"] = "refunded_qty"
    orders["_can_add"] = False
    return Parsed({"Orders": orders.loc[keep]}, set(keep), rejected)


FBA_RETURNS = register(Format(
    name="amazon_fba_returns", family="amazon", sheet="Orders", mode="merge",
    label="Amazon FBA customer returns report (亚马逊物流买家退货报告)",
    fields={
        "return_date": ("return-date",), "order_id": ("order-id", "amazon-order-id"), "sku": ("sku",),
        "asin": ("asin",), "fnsku": ("fnsku",), "quantity": ("quantity",),
        "disposition": ("detailed-disposition",), "reason": ("reason",),
    },
    required=("return_date", "order_id", "sku", "fnsku", "quantity", "disposition"),
    parse=parse_returns, money_label="",
))


# ----------------------------------------------------------------------------- FBA inventory
def parse_inventory(t: RawTable, ctx: Context) -> Parsed:
    f = FBA_INVENTORY
    problems: dict[int, str] = {}
    on_hand = counts(t.get(f, "warehouse_qty"), "afn-warehouse-quantity", problems)
    fallback = sum(counts(t.get(f, c), f.fields[c][0], problems).fillna(0)
                   for c in ("fulfillable_qty", "reserved_qty", "unsellable_qty"))
    stock = on_hand.where(on_hand.notna(), fallback)
    reasons = first_reason(t.frame.index, (blank(t.get(f, "sku")), "no sku"), problems)
    keep, rejected = split_rejects(t, reasons)
    products = canonical_frame("Products", {
        "sku": t.get(f, "sku"), "name": t.get(f, "name"), "stock_qty": stock,
    }, t.frame.index)
    products["_merge_cols"] = "stock_qty"
    products["_can_add"] = True
    return Parsed({"Products": products.loc[keep]}, set(keep), rejected)


FBA_INVENTORY = register(Format(
    name="amazon_fba_inventory", family="amazon", sheet="Products", mode="merge",
    label="Amazon Manage FBA Inventory report (管理亚马逊库存报告)",
    fields={
        "sku": ("sku",), "fnsku": ("fnsku",), "asin": ("asin",), "name": ("product-name",),
        "fulfillable_qty": ("afn-fulfillable-quantity",), "warehouse_qty": ("afn-warehouse-quantity",),
        "reserved_qty": ("afn-reserved-quantity",), "unsellable_qty": ("afn-unsellable-quantity",),
    },
    required=("sku", "asin", "name", "fulfillable_qty"),
    parse=parse_inventory, money_label="",
))

__all__ = ["MARKETPLACES", "marketplace", "parse_datetime"]
