"""Write the importer fixtures: small exports shaped like the real downloads (headers as documented
in docs/importers.md) and, next to each, ``<file>.expected.json`` with what reading it must give.

Run ``python tests/data/imports/make_fixtures.py`` to regenerate; tests parametrize over every
file that has an ``.expected.json``, so adding a fixture here adds a test. Files under
``unknown/`` must be rejected by detection.
"""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

HERE = Path(__file__).parent
UNKNOWN = HERE / "unknown"


def write_text(name: str, text: str, encoding: str = "utf-8", folder: Path = HERE) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


def csv_text(rows, delimiter=",", quote_all=False) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n",
                   quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL)
    w.writerows(rows)
    return buf.getvalue()


def tsv_text(rows) -> str:
    return "".join("\t".join(map(str, r)) + "\r\n" for r in rows)


def expect(name: str, fmt: str, rows_read: int, rejected: int, sheets: dict[str, int],
           sums: dict[str, float] | None = None, **extra) -> None:
    data = {"format": fmt, "rows_read": rows_read, "rejected": rejected, "sheets": sheets, "sums": sums or {}}
    data.update(extra)
    (HERE / f"{name}.expected.json").write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", "utf-8")


# ----------------------------------------------------------------------------- Amazon All Orders
ALL_ORDERS = ["amazon-order-id", "merchant-order-id", "purchase-date", "last-updated-date", "order-status",
              "fulfillment-channel", "sales-channel", "order-channel", "url", "ship-service-level", "product-name",
              "sku", "asin", "item-status", "quantity", "currency", "item-price", "item-tax", "shipping-price",
              "shipping-tax", "gift-wrap-price", "gift-wrap-tax", "item-promotion-discount",
              "ship-promotion-discount", "ship-city", "ship-state", "ship-postal-code", "ship-country",
              "promotion-ids", "is-business-order", "purchase-order-number", "price-designation"]


def ao_row(oid, when, status, channel, sku, qty, cur, price, promo="", country="US", ship="0.00"):
    row = dict.fromkeys(ALL_ORDERS, "")
    row.update({"amazon-order-id": oid, "purchase-date": when, "last-updated-date": when, "order-status": status,
                "fulfillment-channel": "Amazon", "sales-channel": channel, "ship-service-level": "Standard",
                "product-name": "Mug, large", "sku": sku, "asin": "B0TEST0001", "item-status": status,
                "quantity": qty, "currency": cur, "item-price": price, "shipping-price": ship,
                "item-promotion-discount": promo, "ship-country": country, "is-business-order": "false"})
    return [row[h] for h in ALL_ORDERS]


def amazon_all_orders():
    rows = [ALL_ORDERS,
            # 03:04 UTC on Jan 1 is Dec 31 in Seattle: the order's local day.
            ao_row("111-0000001-0000001", "2026-01-01T03:04:21+00:00", "Shipped", "Amazon.com", "MUG-1", 2, "USD",
                   "39.98", "-5.00"),
            ao_row("111-0000002-0000002", "2026-01-02T10:00:00+00:00", "Shipped", "Amazon.com", "MUG-1", 1, "USD",
                   "19.99"),
            ao_row("111-0000002-0000002", "2026-01-02T10:00:00+00:00", "Shipped", "Amazon.com", "LID-1", 1, "USD",
                   "5.00"),
            ao_row("302-0000003-0000003", "2026-01-03T23:30:00+00:00", "Shipped", "Amazon.de", "MUG-1", 1, "EUR",
                   "24.90", country="DE"),
            ao_row("111-0000004-0000004", "2026-01-04T10:00:00+00:00", "Cancelled", "Amazon.com", "MUG-1", 0, "USD",
                   ""),
            ao_row("S01-0000005-0000005", "2026-01-05T10:00:00+00:00", "Shipped", "Non-Amazon", "MUG-1", 1, "USD",
                   "0.00")]
    write_text("amazon_all_orders.txt", tsv_text(rows))
    expect("amazon_all_orders.txt", "amazon_all_orders", 6, 2, {"Orders": 4},
           {"Orders.item_price": 89.87, "Orders.quantity": 5},
           first={"Orders": {"order_date": "2025-12-31", "channel": "Amazon US", "discount": 5.0}})
    # Older version of the report: quantity-purchased; saved by Excel with a UTF-8 BOM.
    old = [["quantity-purchased" if h == "quantity" else h for h in ALL_ORDERS]] + rows[1:3]
    write_text("amazon_all_orders_old_headers_bom.txt", "\ufeff" + tsv_text(old))
    expect("amazon_all_orders_old_headers_bom.txt", "amazon_all_orders", 2, 0, {"Orders": 2},
           {"Orders.item_price": 59.97})


# ----------------------------------------------------------------------------- Business Report
BR_EN = ["(Parent) ASIN", "(Child) ASIN", "Title", "SKU", "Sessions - Mobile App", "Sessions - Mobile App - B2B",
         "Sessions - Browser", "Sessions - Browser - B2B", "Sessions - Total", "Sessions - Total - B2B",
         "Session Percentage - Total", "Page Views - Total", "Page Views - Total - B2B",
         "Featured Offer (Buy Box) Percentage", "Units Ordered", "Units Ordered - B2B", "Unit Session Percentage",
         "Ordered Product Sales", "Ordered Product Sales - B2B", "Total Order Items", "Total Order Items - B2B"]
BR_ZH = ["（父）ASIN", "（子）ASIN", "商品名称", "SKU", "会话次数 – 移动应用", "会话次数 – 浏览器", "会话次数 – 总计",
         "会话百分比 – 总计", "页面浏览量 – 总计", "推荐报价（购买按钮）百分比", "已订购商品数量", "商品会话百分比",
         "已订购商品销售额", "订单商品总数"]


def amazon_business_report():
    rows = [BR_EN,
            ["B0PARENT01", "B0TEST0001", "Mug, large", "MUG-1", "900", "4", "334", "2", "1,234", "6", "0.05%",
             "2,001", "9", "98%", "100", "3", "8.10%", "$1,999.00", "$57.00", "95", "3"],
            ["B0PARENT01", "B0TEST0002", "Lid", "LID-1", "10", "0", "5", "0", "15", "0", "0.00%", "20", "0", "100%",
             "2", "0", "13.33%", "$10.00", "$0.00", "2", "0"]]
    write_text("amazon_business_report_US_2026-03.csv", csv_text(rows, quote_all=True))
    expect("amazon_business_report_US_2026-03.csv", "amazon_business_report", 2, 0, {"Traffic": 2},
           {"Traffic.sessions": 1249, "Traffic.page_views": 2021},
           first={"Traffic": {"date": "2026-03-01", "channel": "Amazon US", "sku": "MUG-1", "sessions": 1234}})
    # Chinese Seller Central, saved from WPS/Excel as GBK.
    zh = [BR_ZH, ["B0PARENT01", "B0TEST0001", "马克杯", "MUG-1", "800", "100", "900", "0.05%", "1,500", "98%",
                  "80", "8.8%", "US$1,599.20", "78"]]
    write_text("amazon_business_report_zh_gbk_2026-04.csv", csv_text(zh), "gbk")
    expect("amazon_business_report_zh_gbk_2026-04.csv", "amazon_business_report", 1, 0, {"Traffic": 1},
           {"Traffic.sessions": 900, "Traffic.page_views": 1500})
    # An older version: plain "Sessions" / "Page Views", no B2B twins.
    old = [["(Parent) ASIN", "(Child) ASIN", "Title", "SKU", "Sessions", "Session Percentage", "Page Views",
            "Page Views Percentage", "Buy Box Percentage", "Units Ordered", "Unit Session Percentage",
            "Ordered Product Sales", "Total Order Items"],
           ["B0PARENT01", "B0TEST0001", "Mug", "MUG-1", "700", "1%", "800", "1%", "99%", "50", "7%", "$999.50", "49"]]
    write_text("amazon_business_report_old_headers_2026-02.csv", csv_text(old))
    expect("amazon_business_report_old_headers_2026-02.csv", "amazon_business_report", 1, 0, {"Traffic": 1},
           {"Traffic.sessions": 700})


# ----------------------------------------------------------------------------- Sponsored Products
def amazon_ads():
    from openpyxl import Workbook

    head = ["Date", "Portfolio name", "Currency", "Campaign Name", "Ad Group Name", "Retailer", "Country",
            "Targeting", "Match Type", "Customer Search Term", "Impressions", "Clicks", "Click-Thru Rate (CTR)",
            "Cost Per Click (CPC)", "Spend", "7 Day Total Sales ", "Total Advertising Cost of Sales (ACOS) ",
            "Total Return on Advertising Spend (ROAS)", "7 Day Total Orders (#)", "7 Day Total Units (#)"]
    rows = [["2026-03-01", "", "USD", "SP - Mugs", "Mugs exact", "Amazon", "United States", "mug", "EXACT",
             "coffee mug", 1000, 20, 0.02, 0.5, 10.0, 50.0, 0.2, 5, 2, 2],
            # The same search term reached through a second target: summed, not dropped as a duplicate.
            ["2026-03-01", "", "USD", "SP - Mugs", "Mugs exact", "Amazon", "United States", "mugs", "PHRASE",
             "coffee mug", 500, 10, 0.02, 0.5, 5.0, 0.0, None, 0, 0, 0],
            ["2026-03-02", "", "USD", "SP - Mugs", "Mugs exact", "Amazon", "United States", "mug", "EXACT",
             "=cheap mug", 300, 3, 0.01, 0.4, 1.2, 0.0, None, 0, 0, 0]]
    wb = Workbook()
    ws = wb.active
    ws.title = "Sponsored Product Search Term R"
    ws.append(head)
    for r in rows:
        ws.append(r)
        ws.cell(ws.max_row, 10).data_type = "s"
    wb.save(HERE / "amazon_ads_search_term.xlsx")
    expect("amazon_ads_search_term.xlsx", "amazon_ads_search_term", 3, 0, {"Ads": 2},
           {"Ads.spend": 16.2, "Ads.clicks": 33})
    camp = [["Start Date", "End Date", "Portfolio name", "Currency", "Campaign Name", "Impressions", "Clicks",
             "Click-Thru Rate (CTR)", "Cost Per Click (CPC)", "Spend", "7 Day Total Sales",
             "Total Advertising Cost of Sales (ACOS)", "7 Day Total Orders (#)"],
            ["Mar 01, 2026", "Mar 01, 2026", "", "EUR", "SP - Tassen", "2000", "40", "2,00%", "0,45 €", "18,00 €",
             "1.234,56 €", "1,46%", "30"]]
    write_text("amazon_ads_campaign_de.csv", csv_text(camp, delimiter=";"))
    expect("amazon_ads_campaign_de.csv", "amazon_ads_campaign", 1, 0, {"Ads": 1},
           {"Ads.spend": 18.0, "Ads.sales": 1234.56})
    adv = [["Date", "Portfolio name", "Currency", "Campaign Name", "Ad Group Name", "Retailer", "Country",
            "Advertised SKU", "Advertised ASIN", "Impressions", "Clicks", "Click-Thru Rate (CTR)",
            "Cost Per Click (CPC)", "Spend", "7 Day Total Sales", "7 Day Total Orders (#)"],
           ["2026-03-01", "", "USD", "SP - Mugs", "Mugs auto", "Amazon", "United States", "MUG-1", "B0TEST0001",
            "800", "8", "1%", "$0.50", "$4.00", "$39.98", "2"],
           ["", "", "", "", "", "", "", "", "", "", "", "", "", "", "", ""],
           ["2026-03-01", "", "USD", "", "", "", "", "", "", "", "", "", "", "$1.00", "", ""]]
    write_text("amazon_ads_advertised_product.csv", csv_text(adv))
    expect("amazon_ads_advertised_product.csv", "amazon_ads_advertised_product", 2, 1, {"Ads": 1},
           {"Ads.spend": 4.0})


# ----------------------------------------------------------------------------- Date Range report
DR_EN = ["date/time", "settlement id", "type", "order id", "sku", "description", "quantity", "marketplace",
         "account type", "fulfillment", "order city", "order state", "order postal", "tax collection model",
         "product sales", "product sales tax", "shipping credits", "shipping credits tax", "gift wrap credits",
         "giftwrap credits tax", "Regulatory Fee", "Tax On Regulatory Fee", "promotional rebates",
         "promotional rebates tax", "marketplace withheld tax", "selling fees", "fba fees",
         "other transaction fees", "other", "total", "Transaction Status", "Transaction Release Date"]


def dr_row(when, kind, oid, sku, qty, mkt, sales, promo, sell, fba, total, desc="Mug, large"):
    row = dict.fromkeys(DR_EN, "0")
    row.update({"date/time": when, "settlement id": "1234567", "type": kind, "order id": oid, "sku": sku,
                "description": desc, "quantity": qty, "marketplace": mkt, "account type": "Standard Orders",
                "fulfillment": "Amazon", "order city": "", "order state": "", "order postal": "",
                "tax collection model": "", "product sales": sales, "promotional rebates": promo,
                "selling fees": sell, "fba fees": fba, "total": total, "Transaction Status": "Released",
                "Transaction Release Date": when})
    return [row[h] for h in DR_EN]


def amazon_date_range():
    pre = [['Includes Amazon Marketplace, Fulfillment by Amazon (FBA), and Amazon Webstore transactions'],
           ['All amounts in USD, unless specified'], ['Definitions:'],
           ['Sales tax collected: Includes sales tax collected from buyers for product sales, shipping, and gift wrap.'],
           ['Selling fees: Includes variable closing fees and referral fees.']]
    rows = pre + [DR_EN,
                  dr_row("Jan 1, 2026 12:10:00 AM PST", "Order", "111-0000001-0000001", "MUG-1", "2", "amazon.com",
                         "39.98", "-5.00", "-6.00", "-8.50", "20.48"),
                  dr_row("Jan 2, 2026 3:00:00 PM PST", "Order", "111-0000002-0000002", "MUG-1", "1", "amazon.com",
                         "19.99", "0", "-3.00", "-4.25", "12.74"),
                  dr_row("Jan 20, 2026 9:00:00 AM PST", "Refund", "111-0000002-0000002", "MUG-1", "1", "amazon.com",
                         "-19.99", "0", "2.40", "0", "-17.59"),
                  dr_row("Jan 21, 2026 9:00:00 AM PST", "Order", "111-0000009-0000009", "MUG-1", "1", "amazon.com",
                         "19.99", "0", "-3.00", "-4.25", "12.74"),
                  dr_row("Jan 22, 2026 1:00:00 AM PST", "Service Fee", "", "", "", "", "0", "0", "0", "0", "-39.99",
                         "Subscription"),
                  dr_row("Jan 23, 2026 1:00:00 AM PST", "Transfer", "", "", "", "", "0", "0", "0", "0", "-500.00",
                         "To account ending in: 429")]
    write_text("amazon_date_range_us.csv", csv_text(rows, quote_all=True))
    expect("amazon_date_range_us.csv", "amazon_date_range", 6, 2, {"Orders": 3},
           {"Orders.platform_fee": 12.0, "Orders.fulfillment_fee": 17.0, "Orders.refund_amount": 19.99},
           totals_before={"USD": -511.62}, totals_after={"USD": 28.37})
    de_head = ["Datum/Uhrzeit", "Abrechnungsnummer", "Typ", "Bestellnummer", "SKU", "Beschreibung", "Menge",
               "Marketplace", "Versand", "Ort der Bestellung", "Bundesland", "Postleitzahl", "Steuererhebungsmodell",
               "Umsätze", "Produktumsatzsteuer", "Gutschrift für Versandkosten", "Steuer auf Versandgutschrift",
               "Gutschrift für Geschenkverpackung", "Steuer auf Geschenkverpackungsgutschriften",
               "Rabatte aus Werbeaktionen", "Steuer auf Aktionsrabatte", "Einbehaltene Steuer auf Marketplace",
               "Verkaufsgebühren", "Gebühren zu Versand durch Amazon", "Andere Transaktionsgebühren", "Andere",
               "Gesamt"]
    de = [["Enthält Transaktionen auf Amazon Marketplace, Versand durch Amazon (FBA) und Amazon Webstore"],
          ["Alle Beträge in EUR, sofern nicht anders angegeben"], de_head,
          ["03.01.2026 23:30:00 UTC", "555", "Bestellung", "302-0000003-0000003", "MUG-1", "Tasse", "1", "amazon.de",
           "Amazon", "Berlin", "", "10115", "", "1.024,90", "0", "0", "0", "0", "0", "0", "0", "0", "-153,74",
           "-3,50", "0", "0", "867,66"]]
    write_text("amazon_date_range_de_bom.csv", "\ufeff" + csv_text(de, quote_all=True))
    expect("amazon_date_range_de_bom.csv", "amazon_date_range", 1, 0, {"Orders": 1},
           {"Orders.item_price": 1024.90, "Orders.platform_fee": 153.74},
           first={"Orders": {"channel": "Amazon DE", "order_date": "2026-01-04", "currency": "EUR"}})


def amazon_fba():
    ret = [["return-date", "order-id", "sku", "asin", "fnsku", "product-name", "quantity", "fulfillment-center-id",
            "detailed-disposition", "reason", "status", "license-plate-number", "customer-comments"],
           ["2026-01-25T10:00:00+00:00", "111-0000002-0000002", "MUG-1", "B0TEST0001", "X00TEST01", "Mug", "1",
            "PHX7", "SELLABLE", "NOT_AS_DESCRIBED", "Unit returned to inventory", "LPN1", ""]]
    write_text("amazon_fba_returns.txt", tsv_text(ret))
    expect("amazon_fba_returns.txt", "amazon_fba_returns", 1, 0, {"Orders": 1}, {"Orders.refunded_qty": 1})
    inv = [["sku", "fnsku", "asin", "product-name", "condition", "your-price", "mfn-listing-exists",
            "mfn-fulfillable-quantity", "afn-listing-exists", "afn-warehouse-quantity", "afn-fulfillable-quantity",
            "afn-unsellable-quantity", "afn-reserved-quantity", "afn-total-quantity", "per-unit-volume",
            "afn-inbound-working-quantity", "afn-inbound-shipped-quantity", "afn-inbound-receiving-quantity"],
           ["MUG-1", "X00TEST01", "B0TEST0001", "Mug, large", "New", "19.99", "No", "", "Yes", "120", "100", "5",
            "15", "150", "0.1", "0", "30", "0"],
           ["LID-1", "X00TEST02", "B0TEST0002", "Lid", "New", "5.00", "No", "", "Yes", "8", "8", "0", "0", "8",
            "0.01", "0", "0", "0"]]
    write_text("amazon_fba_inventory.txt", tsv_text(inv))
    expect("amazon_fba_inventory.txt", "amazon_fba_inventory", 2, 0, {"Products": 2}, {"Products.stock_qty": 128})


# ----------------------------------------------------------------------------- eBay
EBAY_ORDERS = ["Sales Record Number", "Order Number", "Buyer Username", "Buyer Name", "Buyer Email", "Buyer Note",
               "Buyer Address 1", "Buyer City", "Buyer State", "Buyer Zip", "Buyer Country", "Ship To Name",
               "Ship To Country", "Item Number", "Item Title", "Custom Label", "Sold Via Promoted Listings",
               "Quantity", "Sold For", "Shipping And Handling", "Seller Collected Tax", "eBay Collected Tax",
               "Total Price", "Payment Method", "Sale Date", "Paid On Date", "Shipped On Date", "Tracking Number",
               "Transaction ID"]


def eb(**kw):
    row = dict.fromkeys(EBAY_ORDERS, "")
    row.update(kw)
    return [row[h] for h in EBAY_ORDERS]


def ebay():
    rows = [[""], EBAY_ORDERS,
            eb(**{"Sales Record Number": "1001", "Order Number": "01-00001-00001", "Buyer Username": "buyer_a",
                  "Ship To Country": "United States", "Item Number": "400000000001", "Item Title": "Mug",
                  "Custom Label": "MUG-1", "Sold Via Promoted Listings": "Yes", "Quantity": "2", "Sold For": "$15.00",
                  "Shipping And Handling": "$4.00", "Total Price": "$34.00", "Sale Date": "Jan-05-26",
                  "Paid On Date": "Jan-05-26", "Transaction ID": "1"}),
            # a two-item order: one summary row, then the item rows
            eb(**{"Sales Record Number": "1002", "Order Number": "02-00002-00002", "Buyer Username": "buyer_b",
                  "Ship To Country": "United Kingdom", "Shipping And Handling": "£6.00", "Total Price": "£31.00",
                  "Sale Date": "Jan-06-26", "Paid On Date": "Jan-06-26"}),
            eb(**{"Sales Record Number": "1002", "Order Number": "02-00002-00002", "Item Number": "400000000001",
                  "Item Title": "Mug", "Custom Label": "MUG-1", "Quantity": "1", "Sold For": "£15.00",
                  "Sale Date": "Jan-06-26", "Transaction ID": "2"}),
            eb(**{"Sales Record Number": "1002", "Order Number": "02-00002-00002", "Item Number": "400000000002",
                  "Item Title": "Lid", "Custom Label": "", "Quantity": "2", "Sold For": "£5.00",
                  "Sale Date": "Jan-06-26", "Transaction ID": "3"}),
            [""], ["3 record(s) downloaded,2 record(s) matched"], ["Seller ID : test_seller"]]
    write_text("ebay_orders.csv", csv_text(rows))
    expect("ebay_orders.csv", "ebay_orders", 6, 2, {"Orders": 3}, {"Orders.item_price": 55.0,
           "Orders.shipping_charged": 10.0})
    tx_head = ["Transaction creation date", "Type", "Order number", "Legacy order ID", "Buyer username",
               "Buyer name", "Ship to city", "Ship to province/region/state", "Ship to zip", "Ship to country",
               "Net amount", "Payout currency", "Payout date", "Payout ID", "Payout status", "Reason for hold",
               "Item ID", "Transaction ID", "Item title", "Custom label", "Quantity", "Item subtotal",
               "Shipping and handling", "Seller collected tax", "eBay collected tax", "Final Value Fee - fixed",
               "Final Value Fee - variable", "Regulatory operating fee", 'Very high "item not as described" fee',
               "Below standard performance fee", "International fee", "Gross transaction amount",
               "Transaction currency", "Exchange rate", "Reference ID", "Description"]

    def tx(**kw):
        row = dict.fromkeys(tx_head, "--")
        row.update(kw)
        return [row[h] for h in tx_head]
    pre = [["Transaction report"], ["Start date", "Jan 01, 2026"], ["End date", "Jan 31, 2026"], [""]]
    rows = pre + [tx_head,
                  tx(**{"Transaction creation date": "Jan 5, 2026", "Type": "Order", "Order number": "01-00001-00001",
                        "Net amount": "29.22", "Transaction currency": "USD", "Item ID": "400000000001",
                        "Custom label": "MUG-1", "Quantity": "2", "Item subtotal": "30.00",
                        "Shipping and handling": "4.00", "Final Value Fee - fixed": "-0.30",
                        "Final Value Fee - variable": "-4.48", "Gross transaction amount": "34.00"}),
                  tx(**{"Transaction creation date": "Jan 6, 2026", "Type": "Shipping label",
                        "Order number": "01-00001-00001", "Net amount": "-5.10", "Transaction currency": "USD",
                        "Description": "USPS Ground Advantage"}),
                  tx(**{"Transaction creation date": "Jan 6, 2026", "Type": "Other fee",
                        "Order number": "01-00001-00001", "Net amount": "-2.10", "Transaction currency": "USD",
                        "Item ID": "400000000001", "Custom label": "MUG-1",
                        "Description": "Promoted Listings - General fee"}),
                  tx(**{"Transaction creation date": "Jan 15, 2026", "Type": "Refund", "Order number": "01-00001-00001",
                        "Net amount": "-15.00", "Transaction currency": "USD", "Item ID": "400000000001",
                        "Custom label": "MUG-1", "Quantity": "1", "Gross transaction amount": "-15.00"}),
                  tx(**{"Transaction creation date": "Jan 20, 2026", "Type": "Payout", "Net amount": "-7.02",
                        "Transaction currency": "USD", "Description": "Payout"})]
    write_text("ebay_transactions.csv", csv_text(rows))
    expect("ebay_transactions.csv", "ebay_transactions", 5, 1, {"Orders": 2, "Ads": 1},
           {"Orders.platform_fee": 4.78, "Orders.shipping_cost": 5.10, "Orders.refund_amount": 15.0,
            "Ads.spend": 2.10}, totals_before={"USD": 0.0}, totals_after={"USD": 7.02})
    # The UK site spells the fee columns with an en dash and lower case.
    uk_head = [h.replace("Final Value Fee - ", "Final value fee – ") for h in tx_head]
    uk = [uk_head, [c.replace("USD", "GBP") for c in rows[5]]]
    write_text("ebay_transactions_uk_renamed.csv", csv_text(uk))
    expect("ebay_transactions_uk_renamed.csv", "ebay_transactions", 1, 0, {"Orders": 1},
           {"Orders.platform_fee": 4.78})


# ----------------------------------------------------------------------------- Shopify
SHOP = ["Name", "Email", "Financial Status", "Paid at", "Fulfillment Status", "Fulfilled at", "Accepts Marketing",
        "Currency", "Subtotal", "Shipping", "Taxes", "Total", "Discount Code", "Discount Amount", "Shipping Method",
        "Created at", "Lineitem quantity", "Lineitem name", "Lineitem price", "Lineitem compare at price",
        "Lineitem sku", "Lineitem requires shipping", "Lineitem taxable", "Lineitem fulfillment status",
        "Billing Name", "Shipping Country", "Cancelled at", "Refunded Amount", "Id"]


def sh(**kw):
    row = dict.fromkeys(SHOP, "")
    row.update(kw)
    return [row[h] for h in SHOP]


def shopify():
    rows = [SHOP,
            sh(Name="#1001", Email="Ada@Example.com", **{"Financial Status": "paid", "Currency": "USD",
               "Subtotal": "47.00", "Shipping": "6.00", "Total": "51.00", "Discount Code": "FALL5",
               "Discount Amount": "5.00", "Created at": "2026-09-03 23:14:00 -0400", "Lineitem quantity": "2",
               "Lineitem name": "Fern print", "Lineitem price": "16.00", "Lineitem sku": "FERN-1",
               "Shipping Country": "US", "Refunded Amount": "0.00", "Id": "5550000001"}),
            sh(Name="#1001", **{"Lineitem quantity": "1", "Lineitem name": "Canvas tote", "Lineitem price": "15.00",
                                "Lineitem sku": "TOTE-1"}),
            sh(Name="#1002", Email="bob@example.com", **{"Financial Status": "refunded", "Currency": "USD",
               "Shipping": "0.00", "Created at": "2026-09-04 10:00:00 -0400", "Lineitem quantity": "1",
               "Lineitem name": "Canvas tote", "Lineitem price": "15.00", "Lineitem sku": "TOTE-1",
               "Shipping Country": "CA", "Refunded Amount": "15.00"}),
            sh(Name="#1003", Email="c@example.com", **{"Financial Status": "voided", "Currency": "USD",
               "Created at": "2026-09-05 10:00:00 -0400", "Lineitem quantity": "1", "Lineitem name": "Mug",
               "Lineitem price": "20.00", "Lineitem sku": "MUG-1", "Cancelled at": "2026-09-05 11:00:00 -0400"})]
    write_text("shopify_orders.csv", csv_text(rows))
    expect("shopify_orders.csv", "shopify_orders", 4, 1, {"Orders": 3},
           {"Orders.item_price": 62.0, "Orders.discount": 5.0, "Orders.shipping_charged": 6.0,
            "Orders.refund_amount": 15.0},
           first={"Orders": {"order_date": "2026-09-03", "channel": "Shopify", "promo": "FALL5"}})
    ses = [["Day", "Online store visitors", "Sessions", "Sessions with cart additions",
            "Sessions that reached checkout", "Sessions that completed checkout", "Conversion rate", "Pageviews"],
           ["2026-09-01", "100", "120", "12", "6", "3", "2.50%", "400"],
           ["2026-09-02", "90", "100", "9", "5", "2", "2.00%", "300"]]
    write_text("shopify_sessions.csv", csv_text(ses))
    expect("shopify_sessions.csv", "shopify_sessions", 2, 0, {"Traffic": 2},
           {"Traffic.sessions": 220, "Traffic.add_to_cart": 21})


# ----------------------------------------------------------------------------- TikTok Shop
TT = ["Order ID", "Order Status", "Order Substatus", "Cancelation/Return Type", "Normal or Pre-order", "SKU ID",
      "Seller SKU", "Product Name", "Variation", "Quantity", "Sku Quantity of return", "SKU Unit Original Price",
      "SKU Subtotal Before Discount", "SKU Platform Discount", "SKU Seller Discount", "SKU Subtotal After Discount",
      "Shipping Fee After Discount", "Original Shipping Fee", "Shipping Fee Seller Discount",
      "Shipping Fee Platform Discount", "Payment platform discount", "Taxes", "Order Amount", "Order Refund Amount",
      "Created Time", "Paid Time", "RTS Time", "Shipped Time", "Delivered Time", "Cancelled Time", "Cancel By",
      "Cancel Reason", "Fulfillment Type", "Warehouse Name", "Tracking ID", "Delivery Option",
      "Shipping Provider Name", "Buyer Message", "Buyer Username", "Recipient", "Phone #", "Zipcode", "Country",
      "State", "City"]


def tt(**kw):
    row = dict.fromkeys(TT, "")
    row.update(kw)
    return [(v + "\t") if v else v for v in (row[h] for h in TT)]


def tiktok():
    desc = ["Platform unique order ID."] + ["Description of the column." for _ in TT[1:]]
    rows = [TT, desc,
            tt(**{"Order ID": "576461413038785752", "Order Status": "Completed", "SKU ID": "1729384756",
                  "Seller SKU": "MUG-1", "Quantity": "2", "Sku Quantity of return": "0",
                  "SKU Unit Original Price": "19.99", "SKU Subtotal Before Discount": "39.98",
                  "SKU Platform Discount": "2.00", "SKU Seller Discount": "4.00", "Shipping Fee After Discount": "3.99",
                  "Order Refund Amount": "0", "Created Time": "10/03/2026 9:15:02 PM", "Buyer Username": "tt_buyer",
                  "Country": "United States"}),
            tt(**{"Order ID": "576461413038785752", "Order Status": "Completed", "SKU ID": "1729384757",
                  "Seller SKU": "LID-1", "Quantity": "1", "SKU Subtotal Before Discount": "5.00",
                  "Shipping Fee After Discount": "3.99", "Created Time": "10/03/2026 9:15:02 PM",
                  "Country": "United States"}),
            tt(**{"Order ID": "576461413038785799", "Order Status": "Canceled", "Seller SKU": "MUG-1",
                  "Quantity": "1", "SKU Subtotal Before Discount": "19.99", "Created Time": "10/04/2026 9:15:02 AM",
                  "Country": "United States"})]
    write_text("tiktok_orders_bom_tabs.csv", "\ufeff" + csv_text(rows))
    expect("tiktok_orders_bom_tabs.csv", "tiktok_orders", 3, 1, {"Orders": 2},
           {"Orders.item_price": 44.98, "Orders.discount": 4.0, "Orders.shipping_charged": 3.99},
           first={"Orders": {"order_id": "576461413038785752", "order_date": "2026-10-03", "currency": "USD"}})


# ----------------------------------------------------------------------------- Mabang / Dianxiaomi
def mabang():
    from openpyxl import Workbook

    head = ["订单编号", "交易编号", "平台", "站点", "店铺名", "付款时间", "币种", "SKU", "商品名称", "数量", "商品单价",
            "商品总金额", "运费收入", "平台费用", "物流费用", "商品成本", "利润", "国家"]
    rows = [["MB0001", "113-0000010-0000010", "Amazon", "US", "店铺A", "2026-02-01 10:00:00", "USD", "MUG-1", "马克杯",
             2, 19.99, 39.98, 0, 6.0, 5.5, 8.0, 20.48, "US"],
            [None, None, None, None, None, None, None, "LID-1", "杯盖", 1, 5.0, 5.0, None, None, None, 1.0, 4.0, None],
            ["MB0002", "", "速卖通", "", "店铺B", "2026/2/2 11:00", "USD", "MUG-1", "马克杯", 1, 18.0, 18.0, 0, 1.5,
             3.0, 4.0, 9.5, "法国"]]
    wb = Workbook()
    ws = wb.active
    ws.title = "订单利润报表"
    ws.append(head)
    for r in rows:
        ws.append(r)
    for col in "ABCDEFG":      # the order-level cells of MB0001 are merged over its two rows
        ws.merge_cells(f"{col}2:{col}3")
    for col in "MNOR":
        ws.merge_cells(f"{col}2:{col}3")
    wb.save(HERE / "mabang_orders_merged.xlsx")
    expect("mabang_orders_merged.xlsx", "mabang_orders", 3, 0, {"Orders": 3},
           {"Orders.item_price": 62.98, "Orders.platform_fee": 7.5, "Orders.shipping_cost": 8.5},
           first={"Orders": {"order_id": "113-0000010-0000010", "channel": "Amazon US"}})


def dianxiaomi():
    head = ["订单号", "平台订单号", "平台", "站点", "店铺账号", "付款时间", "币种", "产品SKU", "产品名称", "产品数量",
            "产品售价", "产品金额", "运费收入", "平台费", "物流费", "利润", "国家二字码", "买家账号"]
    rows = [head,
            ["XM001", "8100000001", "Shopee", "", "虾皮店", "2026-03-01 08:00", "USD", "MUG-1", "马克杯", "1", "10.00",
             "10.00", "1.00", "0.80", "2.00", "3.20", "SG", "buyer1"],
            ["", "", "", "", "", "", "", "LID-1", "杯盖", "2", "2.50", "5.00", "", "", "", "", "", ""],
            ["XM002", "8100000002", "TikTok", "", "TT店", "2026-03-02 09:00", "USD", "", "无SKU商品", "1", "9.00",
             "9.00", "0", "0", "0", "0", "US", "buyer2"]]
    write_text("dianxiaomi_orders_gbk.csv", csv_text(rows), "gbk")
    expect("dianxiaomi_orders_gbk.csv", "dianxiaomi_orders", 3, 1, {"Orders": 2},
           {"Orders.item_price": 15.0, "Orders.platform_fee": 0.8},
           first={"Orders": {"order_id": "8100000001", "channel": "Shopee"}})


def unknown():
    # An All Orders file whose price columns were deleted, and a file from no known platform.
    cut = [h for h in ALL_ORDERS if h not in ("item-price", "sales-channel")]
    write_text("amazon_orders_columns_deleted.txt", tsv_text([cut, ["111-1"] + [""] * (len(cut) - 1)]),
               folder=UNKNOWN)
    write_text("bank_statement.csv", csv_text([["Booking date", "Amount", "Counterparty"], ["2026-01-01", "1", "X"]]),
               folder=UNKNOWN)
    (UNKNOWN / "damaged.xlsx").write_bytes(b"PK\x03\x04 this is not really a workbook")


def main() -> None:
    for fn in (amazon_all_orders, amazon_business_report, amazon_ads, amazon_date_range, amazon_fba, ebay, shopify,
               tiktok, mabang, dianxiaomi, unknown):
        fn()


if __name__ == "__main__":
    main()
