"""Amazon Seller Central and Amazon Ads reports -> Orders, Traffic, Ads, Products.

Headers and their sources are listed in docs/importers.md. Each format is a :class:`Format`
registered at import time; ``parse`` functions are DataFrame in / DataFrame out.
"""
from __future__ import annotations

import re
from datetime import timedelta

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
    country_code,
    counts,
    days,
    first_reason,
    fold,
    money,
    money_currency,
    occurrence_refs,
    parse_datetime,
    per_value,
    register,
    sniff_decimal_comma,
    split_rejects,
    totals,
)
from .notes import note
from .vocab import AMAZON_TYPES, norm

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




# ----------------------------------------------------------------------------- All Orders
def parse_all_orders(t: RawTable, ctx: Context) -> Parsed:
    f = ALL_ORDERS
    problems: dict[int, Phrase] = {}
    mk = per_value(t.get(f, "sales_channel"), marketplace)
    channel = per_value(mk, lambda x: x[0])
    tz = per_value(mk, lambda x: x[1])
    cur = t.get(f, "currency").where(~blank(t.get(f, "currency")), per_value(mk, lambda x: x[2] or ctx.base_currency))
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
        (blank(t.get(f, "order_id")), note("reject_missing", column="amazon-order-id")),
        (blank(t.get(f, "sku")), note("reject_missing", column="sku")),
        (status.str.startswith("cancel") | item_status.str.startswith("cancel"),
         note("reject_cancelled", status=t.get(f, "order_status").where(status.str.startswith("cancel"),
                                                                         t.get(f, "item_status")))),
        (t.get(f, "sales_channel").str.lower() == "non-amazon", note("reject_non_amazon")),
        problems,
        (status.str.startswith("pending") & price.isna(), note("reject_pending")),
        (price.isna(), note("reject_missing", column="item-price")),
        (qty.fillna(0) <= 0, note("reject_zero_quantity")),
    )
    keep, rejected = split_rejects(t, reasons)
    orders = canonical_frame("Orders", {
        "order_id": t.get(f, "order_id"), "order_date": day, "channel": channel, "sku": t.get(f, "sku"),
        "quantity": qty, "item_price": price, "discount": disc,
        "shipping_charged": money(t.get(f, "shipping_price"), "shipping-price", {}, dc),
        "country": per_value(t.get(f, "ship_country"), country_code), "currency": cur,
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
        "item_tax": ("item-tax",), "shipping_tax": ("shipping-tax",), "gift_wrap_price": ("gift-wrap-price",),
        "gift_wrap_tax": ("gift-wrap-tax",), "vat_exclusive_item_price": ("vat-exclusive-item-price",),
        "vat_exclusive_shipping_price": ("vat-exclusive-shipping-price",),
        "vat_exclusive_giftwrap_price": ("vat-exclusive-giftwrap-price",),
    },
    required=("order_id", "purchase_date", "order_status", "sales_channel", "sku", "quantity", "item_price"),
    parse=parse_all_orders, money_label="item-price",
    # item-price and shipping-price are per line (the line's quantity included); gift wrap is not a figure
    money={"item_price": "line", "shipping_price": "line", "item_promo": "line", "ship_promo": "line",
           "item_tax": "tax", "shipping_tax": "tax", "gift_wrap_tax": "tax", "gift_wrap_price": "info",
           "vat_exclusive_item_price": "info", "vat_exclusive_shipping_price": "info",
           "vat_exclusive_giftwrap_price": "info"},
    id_fields=("order_id",),
))


# ----------------------------------------------------------------------------- Business Report
_PERIOD = re.compile(r"(20\d{2})[-_.](\d{2})(?:[-_.](\d{2}))?(?!\d)")
_MARKET_IN_NAME = re.compile(r"(?:^|[_\-. ])(US|CA|MX|UK|GB|DE|FR|IT|ES|NL|SE|PL|BE|JP|AU|IN|AE|SA|SG|BR|TR)(?=[_\-. ]|$)")


def parse_business_report(t: RawTable, ctx: Context, f: Format | None = None) -> Parsed:
    """By Child Item has no date column: the period comes from the file name. By date: one row per day of
    the whole account (channel-level traffic, sku blank)."""
    f = f or BUSINESS_REPORT
    problems: dict[int, Phrase] = {}
    mm = _MARKET_IN_NAME.search(t.path.stem.upper())
    if mm:
        channel = marketplace(mm.group(1))[0]
    else:
        channel = _channel_from_currency(next((money_currency(v) for v in t.get(f, "sales") if money_currency(v)),
                                              None))
    date_col = t.col(f, "date")
    if date_col is not None:
        day = days(date_col, "Date", problems, default_day_first=channel not in ("Amazon US", "Amazon CA"))
    else:
        m = _PERIOD.search(t.path.stem)
        start = pd.Timestamp(int(m.group(1)), int(m.group(2)), int(m.group(3) or 1)).date() if m else None
        day = pd.Series(start, index=t.frame.index, dtype=object)
    sessions = counts(t.get(f, "sessions"), "Sessions - Total", problems)
    views = counts(t.get(f, "page_views"), "Page Views - Total", problems)
    sku = t.get(f, "sku").where(~blank(t.get(f, "sku")), t.get(f, "child_asin"))
    by_date = date_col is not None and t.col(f, "child_asin") is None
    reasons = first_reason(
        t.frame.index,
        (blank(sku) & ~by_date, note("reject_totals_line")),
        (day.isna(), note("reject_no_report_period")),
        problems,
        (sessions.isna(), note("reject_missing", column="Sessions")),
    )
    keep, rejected = split_rejects(t, reasons)
    traffic = canonical_frame("Traffic", {
        "date": day, "channel": channel, "sku": sku, "sessions": sessions, "page_views": views,
    }, t.frame.index).loc[keep]
    return Parsed({"Traffic": traffic}, set(keep), rejected)


#: Business Report columns (en and zh Seller Central; both the older ``会话次数 – 总计`` and today's
#: ``会话数 - 总计``). "Sessions - Total - B2B" is a different column: matching is exact, never by substring.
_BR_FIELDS = {
    "parent_asin": ("(Parent) ASIN", "（父）ASIN"), "child_asin": ("(Child) ASIN", "（子）ASIN"),
    "title": ("Title", "商品名称", "标题"), "sku": ("SKU",),
    "sessions": ("Sessions - Total", "Sessions", "会话数 - 总计", "会话次数 – 总计", "会话次数 - 总计", "会话数",
                 "会话次数"),
    "sessions_b2b": ("Sessions - Total - B2B", "会话 - 总计 - B2B", "会话次数 – 总计 – B2B", "会话数 - 总计 - B2B"),
    "page_views": ("Page Views - Total", "Page Views", "页面浏览量 - 总计", "页面浏览量 – 总计", "页面浏览次数 – 总计",
                   "页面浏览量"),
    "units": ("Units Ordered", "已订购商品数量"), "units_b2b": ("Units Ordered - B2B", "已订购商品数量 - B2B"),
    "sales": ("Ordered Product Sales", "已订购商品销售额"),
    "sales_b2b": ("Ordered Product Sales - B2B", "已订购商品销售额 - B2B"),
    "avg_sales": ("Average Sales per Order Item", "每种订单商品的平均销售额"),
    "avg_sales_b2b": ("Average Sales per Order Item - B2B", "每种订单商品的平均销售额 - B2B"),
    "order_items": ("Total Order Items", "订单商品总数"),
    "date": ("Date", "日期"),
}
_BR_MONEY = {"sales": "line", "sales_b2b": "info", "avg_sales": "info", "avg_sales_b2b": "info"}

BUSINESS_REPORT = register(Format(
    name="amazon_business_report", family="amazon", sheet="Traffic",
    label="Amazon Business Report: Detail Page Sales and Traffic By Child Item (业务报告 详情页面上的销售量与访问量 子商品)",
    fields=_BR_FIELDS, required=("child_asin", "sessions", "page_views", "units", "sales"),
    parse=parse_business_report, money_label="", money=_BR_MONEY, order_field="",
))
BUSINESS_REPORT_BY_DATE = register(Format(
    name="amazon_business_report_by_date", family="amazon", sheet="Traffic",
    label="Amazon Business Report: Sales and Traffic by date (业务报告 按日期 销售量与访问量)",
    fields=_BR_FIELDS, required=("date", "sessions", "page_views", "units", "sales"),
    parse=lambda t, c: parse_business_report(t, c, BUSINESS_REPORT_BY_DATE), money_label="", money=_BR_MONEY,
    order_field="",
))


# ----------------------------------------------------------------------------- Sponsored Products
#: Ads reports: the Sponsored Products reports of the Campaign Manager (2019-2025 spellings, en and zh)
#: and the 2026 Ads console exports (``Search term``, ``Total cost``, ``Purchases``, ``Date range``,
#: ``Budget currency``); sources in docs/importers.md.
_AD_FIELDS = {
    "date": ("Date", "Start Date", "Date range", "日期", "开始日期", "日期范围"),
    "end_date": ("End Date", "结束日期"),
    "campaign": ("Campaign Name", "Campaign", "广告活动名称", "广告活动"),
    "ad_group": ("Ad Group Name", "Ad group", "广告组名称", "广告组"),
    "search_term": ("Customer Search Term", "Search term", "客户搜索词", "搜索词"),
    "targeting": ("Targeting", "Keyword", "Target", "投放", "关键词"),
    "advertised_sku": ("Advertised SKU", "广告SKU", "推广的 SKU"),
    "impressions": ("Impressions", "展示量", "曝光量"), "clicks": ("Clicks", "点击量", "点击次数"),
    "spend": ("Spend", "Cost", "Total cost", "花费", "总花费"),
    "sales": ("7 Day Total Sales", "14 Day Total Sales", "Total Sales", "Sales", "7天总销售额", "销售额"),
    "orders": ("7 Day Total Orders (#)", "14 Day Total Orders (#)", "Total Orders (#)", "Purchases",
               "7天总订单数(#)", "购买次数"),
    "units": ("7 Day Total Units (#)", "Units sold", "7天总销售量(#)"),
    "currency": ("Currency", "Budget currency", "货币", "预算币种"), "country": ("Country", "国家/地区"),
    "cpc": ("Cost Per Click (CPC)", "CPC", "单次点击成本"), "cost_per_purchase": ("Cost per purchase",),
    "advertised_sales": ("7 Day Advertised SKU Sales", "7 Day Other SKU Sales", "Advertised SKU sales"),
}
_AD_MONEY = {"spend": "line", "sales": "line", "cpc": "info", "cost_per_purchase": "info",
             "advertised_sales": "info"}
_RANGE = re.compile(r"^\s*(.+?)\s+[-–—~至]\s+(.+?)\s*$")


def _ad_periods(t: RawTable, fmt: Format, problems: dict[int, str]) -> tuple[pd.Series, pd.Series]:
    """First and last day of each row: ``Date``, ``Start Date``/``End Date``, or a ``Date range`` cell."""
    raw = t.get(fmt, "date")
    ranges = raw.str.extract(_RANGE)
    is_range = ranges[0].notna() & ~raw.str.match(r"^\d{4}-\d{2}-\d{2}$")
    start_text = ranges[0].where(is_range, raw)
    end_text = ranges[1].where(is_range, t.get(fmt, "end_date"))
    start = days(start_text, "Date", problems)
    end = days(end_text.fillna(""), "End Date", problems)
    end = end.where(end.notna(), start)
    return start, end


def spread_over_days(frame: pd.DataFrame, start: pd.Series, end: pd.Series, money_cols: list[str],
                     count_cols: list[str]) -> pd.DataFrame:
    """Rows covering a period (start..end) as one row per day: money split to the cent (the remainder on the
    last day), counts kept whole (spread by largest remainder), so every total stays exact."""
    multi = pd.Series([(end[ln] - start[ln]).days + 1 if start[ln] is not None and end[ln] is not None
                       and end[ln] > start[ln] else 1 for ln in frame.index], index=frame.index)
    if (multi <= 1).all():
        return frame
    out = []
    for line, row in frame.iterrows():
        s, n = start[line], int(multi[line])
        if n == 1:
            out.append(frame.loc[[line]])
            continue
        part = pd.DataFrame([row] * n)
        part["date"] = [s + timedelta(days=i) for i in range(n)]
        for c in money_cols:
            cents = round(float(row[c] or 0) * 100) if pd.notna(row[c]) else None
            if cents is None:
                continue
            each = [cents // n] * n
            each[-1] += cents - sum(each)
            part[c] = [x / 100 for x in each]
        for c in count_cols:
            if pd.isna(row[c]):
                continue
            total = int(row[c])
            base, extra = divmod(total, n)
            part[c] = [base + (1 if i < extra else 0) for i in range(n)]
        out.append(part)
    return pd.concat(out).astype(frame.dtypes.to_dict())


def _parse_ads(fmt: Format, keyword_field: str | None, sku_field: str | None):
    def parse(t: RawTable, ctx: Context) -> Parsed:
        problems: dict[int, Phrase] = {}
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
        start, end = _ad_periods(t, fmt, problems)
        reasons = first_reason(
            t.frame.index,
            (blank(t.get(fmt, "campaign")), note("reject_missing", column="Campaign Name")),
            problems,
            (start.isna(), note("reject_missing", column="Date")),
            (spend.isna(), note("reject_missing", column="Spend")),
        )
        keep, rejected = split_rejects(t, reasons)
        ads = canonical_frame("Ads", {
            "date": start, "channel": channel, "campaign": t.get(fmt, "campaign"), "ad_group": t.get(fmt, "ad_group"),
            "keyword": keyword, "sku": t.get(fmt, sku_field) if sku_field else "",
            "impressions": counts(t.get(fmt, "impressions"), "Impressions", {}),
            "clicks": counts(t.get(fmt, "clicks"), "Clicks", {}), "spend": spend, "sales": sales,
            "orders": counts(t.get(fmt, "orders"), "Orders", {}), "currency": cur,
        }, t.frame.index).loc[keep]
        periods = int((end.loc[keep] != start.loc[keep]).sum())
        ads = spread_over_days(ads, start, end, ["spend", "sales"], ["impressions", "clicks", "orders"])
        notes = [note("notice_periods_spread", rows=periods)] if periods else []
        return Parsed({"Ads": ads}, set(keep), rejected, totals(spend, cur), totals(ads["spend"], ads["currency"]),
                      notes=notes)
    return parse


def _ads_format(name, label, required, keyword_field, sku_field):
    fmt = Format(name=name, family="amazon", sheet="Ads", label=label, fields=_AD_FIELDS, required=required,
                 parse=lambda t, c: None, money_label="Spend", money=_AD_MONEY, order_field="")
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
#: which marketplace a Date Range report in a language belongs to when no row names one (the header's language)
_DR_LANGUAGE_MARKET = {"datum/uhrzeit": "DE", "date/heure": "FR", "data/ora:": "IT", "data/ora": "IT",
                       "fecha y hora": "ES", "fecha/hora": "ES", "日付/時間": "JP"}


def _report_market(t: RawTable, f: Format, mk: pd.Series) -> tuple[str, str | None, str | None]:
    """The report's own marketplace (channel, time zone, currency): the most frequent marketplace of its rows,
    else the currency its preamble names, else the language of its header."""
    named = mk[mk.map(lambda x: x[0] != "Amazon")]
    if len(named):
        return named.map(lambda x: x).value_counts().index[0]
    pre = " ".join(t.preamble)
    cur = next((c for c in re.findall(r"\b([A-Z]{3})\b", pre) if c not in {"FBA", "UTC", "PST", "PDT", "USt", "VAT"}),
               None)
    if cur and cur in _BY_CURRENCY:
        return marketplace(_BY_CURRENCY[cur])
    header = {fold(h) for h in t.header}
    lang = next((m for sp, m in _DR_LANGUAGE_MARKET.items() if fold(sp) in header), None)
    if lang:
        return marketplace(lang)
    return ("Amazon", None, cur)


def parse_date_range(t: RawTable, ctx: Context) -> Parsed:
    """Order rows give the sale and its fees, Refund rows the refund and the fee credit (Amazon refunds most
    of the referral fee: ``selling fees`` +6.95 on the Refund row lowers the order's platform fee); both are
    added once per transaction onto the Orders line (channel + order + sku). Account-level rows (storage,
    service fees, removal, subscriptions, coupons, deals, Vine, reimbursements...) become Costs rows; platform-
    billed advertising (``Cost of Advertising``) a Costs row of kind advertising_other, counted once against
    the Ads sheet (``schema.BILLED_ADVERTISING``); a Transfer (payout) is logged, neither a sale nor a cost."""
    f = DATE_RANGE
    problems: dict[int, Phrase] = {}
    cols = [c for c, role in f.money.items() if role in ("line", "fee")]
    dc = sniff_decimal_comma(*(t.col(f, c) for c in cols))
    amt = {c: money(t.get(f, c), f.fields[c][0], problems, dc).fillna(0.0) for c in cols}
    kind = t.get(f, "type").map(lambda v: AMAZON_TYPES.get(norm(v), "account"))
    is_order, is_refund, is_transfer = kind.eq("order"), kind.eq("refund"), kind.eq("transfer")
    mk = t.get(f, "marketplace").map(marketplace)
    home = _report_market(t, f, mk)
    mk = mk.map(lambda x: x if x[0] != "Amazon" else home)
    channel, tz = mk.map(lambda x: x[0]), mk.map(lambda x: x[1])
    pre = " ".join(t.preamble)
    file_cur = next((c for c in re.findall(r"\b([A-Z]{3})\b", pre) if c not in {"FBA", "UTC", "PST", "PDT"}), None)
    cur = mk.map(lambda x: x[2] or file_cur or ctx.base_currency)
    qty = counts(t.get(f, "quantity"), "quantity", problems).abs()
    # Printed in the report's zone (PST/PDT, UTC...): converted to the marketplace's own day.
    day = days(t.get(f, "datetime"), "date/time", problems, tz, default_day_first=home[0] != "Amazon US")
    desc = t.get(f, "description")
    account = ~(is_order | is_refund | is_transfer)
    # an account-level row's amount is its total (some reports leave every other column at 0)
    row_total = money(t.get(f, "total"), "total", problems, dc)
    total = sum(amt[c] for c in cols)
    row_total = row_total.where(row_total.notna() & row_total.ne(0), total)
    reasons = first_reason(
        t.frame.index,
        (is_transfer, note("reject_payout", type=t.get(f, "type"))),
        ((is_order | is_refund) & (blank(t.get(f, "order_id")) | blank(t.get(f, "sku"))), note("reject_missing", column="order id / sku")),
        problems,
        (day.isna(), note("reject_missing", column="date/time")),
    )
    keep, rejected = split_rejects(t, reasons)
    ref = occurrence_refs(pd.DataFrame({"s": t.get(f, "settlement"), "d": t.get(f, "datetime"),
                                         "t": t.get(f, "type"), "o": t.get(f, "order_id"), "k": t.get(f, "sku"),
                                         "x": desc, "a": total.round(2)}), "amz-")
    fee = -(amt["selling_fees"] + amt["other_fees"] + amt["regulatory_fee"] + amt["points"] + amt["other"])
    buyer_paid_shipping = amt["shipping_credits"] + amt["gift_wrap"]
    line = is_order | is_refund
    orders = canonical_frame("Orders", {
        "order_id": t.get(f, "order_id"), "order_date": day.where(is_order), "channel": channel,
        "sku": t.get(f, "sku"), "quantity": qty.where(is_order, 0.0),
        "item_price": amt["product_sales"].where(is_order, 0.0),
        "discount": (-amt["promo_rebates"]).where(is_order, 0.0).clip(lower=0),
        "shipping_charged": buyer_paid_shipping.where(is_order, 0.0),
        "platform_fee": fee, "fulfillment_fee": -amt["fba_fees"],
        "refund_amount": (-(amt["product_sales"] + buyer_paid_shipping + amt["promo_rebates"])).where(is_refund, 0.0),
        "refunded_qty": qty.where(is_refund, 0.0), "currency": cur,
    }, t.frame.index)
    orders["_add_cols"] = "platform_fee,fulfillment_fee"
    orders.loc[is_refund, "_add_cols"] = "platform_fee,fulfillment_fee,refund_amount,refunded_qty"
    orders["_ref"] = ref
    orders["_can_add"] = is_order
    orders = orders.loc[keep.intersection(line[line].index)]
    costs = account_costs(keep.intersection(account[account].index), date=day, amount=-row_total, channel=channel,
                          sku=t.get(f, "sku"), currency=cur, description=desc.where(~blank(desc), t.get(f, "type")),
                          ref=ref, kind_from=(desc, t.get(f, "type")))
    return Parsed({"Orders": orders, "Costs": costs}, set(keep), rejected,
                  totals(amt["product_sales"], cur), totals(amt["product_sales"].loc[keep], cur.loc[keep]))


DATE_RANGE = register(Format(
    name="amazon_date_range", family="amazon", sheet="Orders", mode="merge",
    label="Amazon Date Range transaction report (付款 日期范围报告)",
    # spellings: en-US, en-GB (postage/fulfilment), de-DE, fr-FR, it-IT, es-ES, ja-JP, zh-CN (docs/importers.md)
    fields={
        "datetime": ("date/time", "Datum/Uhrzeit", "date/heure", "Data/Ora:", "Data/Ora", "fecha y hora",
                     "fecha/hora", "日付/時間", "日期/时间"),
        "settlement": ("settlement id", "Abrechnungsnummer", "numéro de versement", "Numero pagamento",
                       "identificador de pago", "número de liquidación", "決済番号", "结算编号"),
        "type": ("type", "Typ", "Tipo", "トランザクションの種類", "类型"),
        "order_id": ("order id", "Bestellnummer", "numéro de la commande", "Numero ordine", "número de pedido",
                     "注文番号", "订单编号"),
        "sku": ("sku",), "description": ("description", "Beschreibung", "Descrizione", "descripción", "説明", "描述"),
        "quantity": ("quantity", "Menge", "quantité", "Quantità", "cantidad", "数量"),
        "marketplace": ("marketplace", "web de Amazon", "Amazon 出品サービス", "商城"),
        "fulfillment": ("fulfillment", "fulfilment", "Versand", "traitement", "Gestione", "gestión logística",
                        "フルフィルメント", "配送"),
        "product_sales": ("product sales", "Umsätze", "ventes de produits", "Vendite", "ventas de productos",
                          "商品売上", "商品销售"),
        "product_sales_tax": ("product sales tax", "Produktumsatzsteuer", "Taxes sur la vente des produits",
                              "imposta sulle vendite dei prodotti", "impuesto de ventas de productos", "商品の売上税",
                              "商品销售税"),
        "shipping_credits": ("shipping credits", "postage credits", "Gutschrift für Versandkosten",
                             "crédits d'expédition", "Accrediti per le spedizioni", "abonos de envío", "配送料",
                             "运费抵扣", "运费积分"),
        "shipping_credits_tax": ("shipping credits tax", "postage credits tax", "Steuer auf Versandgutschrift",
                                 "taxe sur les crédits d'expédition", "imposta accrediti per le spedizioni",
                                 "impuestos por abonos de envío", "配送料の税金", "运费积分税"),
        "gift_wrap": ("gift wrap credits", "Gutschrift für Geschenkverpackung", "crédits sur l'emballage cadeau",
                      "Accrediti per confezioni regalo", "abonos de envoltorio para regalo", "ギフト包装手数料",
                      "礼品包装积分"),
        "gift_wrap_tax": ("giftwrap credits tax", "gift wrap credits tax", "Steuer auf Geschenkverpackungsgutschriften",
                          "Taxes sur les crédits cadeaux", "imposta sui crediti confezione regalo",
                          "impuestos por abonos de envoltorio para regalo", "ギフト包装クレジットの税金", "礼品包装积分税"),
        "promo_rebates": ("promotional rebates", "Rabatte aus Werbeaktionen", "Rabais promotionnels",
                          "Sconti promozionali", "devoluciones promocionales", "プロモーション割引額", "促销返点"),
        "promo_rebates_tax": ("promotional rebates tax", "Steuer auf Aktionsrabatte",
                              "Taxes sur les remises promotionnelles", "imposta sugli sconti promozionali",
                              "impuestos de devoluciones promocionales", "プロモーション割引の税金", "促销返点税"),
        "sales_tax": ("sales tax collected",), "facilitator_tax": ("Marketplace Facilitator Tax",),
        "withheld_tax": ("marketplace withheld tax", "Einbehaltene Steuer auf Marketplace",
                         "Taxes retenues sur le site de vente", "trattenuta IVA del marketplace",
                         "impuesto retenido en el sitio web", "源泉徴収税を伴うマーケットプレイス", "市场预扣税"),
        "regulatory_fee": ("Regulatory Fee",), "regulatory_fee_tax": ("Tax On Regulatory Fee",),
        "points": ("Amazonポイントの費用", "Amazon points cost"),
        "selling_fees": ("selling fees", "Verkaufsgebühren", "frais de vente", "Commissioni di vendita",
                         "tarifas de venta", "手数料", "销售佣金"),
        "fba_fees": ("fba fees", "Gebühren zu Versand durch Amazon", "Frais Expédié par Amazon",
                     "Costi del servizio Logistica di Amazon", "tarifas de Logística de Amazon", "FBA 手数料",
                     "亚马逊物流配送费", "亚马逊物流费用"),
        "other_fees": ("other transaction fees", "Andere Transaktionsgebühren", "frais de transaction",
                       "Altri costi relativi alle transazioni", "tarifas de otras transacciones",
                       "トランザクションに関するその他の手数料", "トランザクションに関するその他の手数", "其他交易费用"),
        "other": ("other", "Andere", "autres", "Altro", "otro", "その他", "其他"),
        "total": ("total", "Gesamt", "Totale", "合計", "总计"),
    },
    required=("datetime", "settlement", "type", "order_id", "product_sales", "total"),
    parse=parse_date_range, money_label="product sales",
    money={"product_sales": "line", "shipping_credits": "line", "gift_wrap": "line", "promo_rebates": "line",
           "other": "line", "selling_fees": "fee", "fba_fees": "fee", "other_fees": "fee", "regulatory_fee": "fee",
           "points": "fee", "product_sales_tax": "tax", "shipping_credits_tax": "tax", "gift_wrap_tax": "tax",
           "promo_rebates_tax": "tax", "sales_tax": "tax", "facilitator_tax": "tax", "withheld_tax": "tax",
           "regulatory_fee_tax": "tax", "total": "info"},
    id_fields=("order_id",),
))


# ----------------------------------------------------------------------------- FBA customer returns
def parse_returns(t: RawTable, ctx: Context) -> Parsed:
    f = FBA_RETURNS
    problems: dict[int, Phrase] = {}
    qty = counts(t.get(f, "quantity"), "quantity", problems)
    reasons = first_reason(t.frame.index, (blank(t.get(f, "order_id")), note("reject_missing", column="order-id")),
                           (blank(t.get(f, "sku")), note("reject_missing", column="sku")), problems,
                           (qty.fillna(0) <= 0, note("reject_zero_quantity")))
    keep, rejected = split_rejects(t, reasons)
    # Amazon's reason codes (NOT_AS_DESCRIBED, DEFECTIVE...) as words; the free-text comments stay out so
    # that reasons can be ranked
    reason = t.get(f, "reason").map(lambda r: str(r).replace("_", " ").strip().capitalize())
    orders = canonical_frame("Orders", {
        "order_id": t.get(f, "order_id"), "channel": "Amazon", "sku": t.get(f, "sku"), "refunded_qty": qty,
        "return_reason": reason,
    }, t.frame.index)
    orders["_merge_cols"] = "refunded_qty,return_reason"
    orders["_can_add"] = False
    return Parsed({"Orders": orders.loc[keep]}, set(keep), rejected)


FBA_RETURNS = register(Format(
    name="amazon_fba_returns", family="amazon", sheet="Orders", mode="merge",
    label="Amazon FBA customer returns report (亚马逊物流买家退货报告)",
    fields={
        "return_date": ("return-date",), "order_id": ("order-id", "amazon-order-id"), "sku": ("sku",),
        "asin": ("asin",), "fnsku": ("fnsku",), "quantity": ("quantity",),
        "disposition": ("detailed-disposition",), "reason": ("reason",), "comments": ("customer-comments",),
    },
    required=("return_date", "order_id", "sku", "fnsku", "quantity", "disposition"),
    parse=parse_returns, money_label="",
))


# ----------------------------------------------------------------------------- FBA inventory
def parse_inventory(t: RawTable, ctx: Context) -> Parsed:
    f = FBA_INVENTORY
    problems: dict[int, Phrase] = {}
    on_hand = counts(t.get(f, "warehouse_qty"), "afn-warehouse-quantity", problems)
    fallback = sum(counts(t.get(f, c), f.fields[c][0], problems).fillna(0)
                   for c in ("fulfillable_qty", "reserved_qty", "unsellable_qty"))
    stock = on_hand.where(on_hand.notna(), fallback)
    reasons = first_reason(t.frame.index, (blank(t.get(f, "sku")), note("reject_missing", column="sku")), problems)
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
