"""Each kind of real-world variation of issue 10, in at least two languages or marketplaces: localized headers
and values, every money column reconciled (an unknown one reported), statuses, day-first dates, Excel-rounded ids,
periods, the sheet holding the data, account-level costs, damaged files, refunds across files, new formats."""
from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xlreview.importers import UnknownFormat, read_export
from xlreview.importers.base import ImportError_, date_order
from xlreview.pipeline import import_files

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).parents[1] / "data"

AMZ_US_HEAD = ('"date/time","settlement id","type","order id","sku","description","quantity","marketplace","fulfillment",'
               '"product sales","shipping credits","promotional rebates","selling fees","fba fees","other transaction fees",'
               '"other","total"\n')
AMZ_DE_HEAD = ('"Datum/Uhrzeit";"Abrechnungsnummer";"Typ";"Bestellnummer";"SKU";"Beschreibung";"Menge";"Marketplace";'
               '"Versand";"Umsätze";"Gutschrift für Versandkosten";"Rabatte aus Werbeaktionen";"Verkaufsgebühren";'
               '"Gebühren zu Versand durch Amazon";"Andere Transaktionsgebühren";"Andere";"Gesamt"\n')
AMZ_FR_HEAD = ('"date/heure","numéro de versement","type","numéro de la commande","sku","description","quantité",'
               '"marketplace","traitement","ventes de produits","crédits d\'expédition","Rabais promotionnels",'
               '"frais de vente","Frais Expédié par Amazon","frais de transaction","autres","total"\n')
AMZ_JP_HEAD = ('"日付/時間","決済番号","トランザクションの種類","注文番号","SKU","説明","数量","Amazon 出品サービス",'
               '"フルフィルメント","商品売上","配送料","プロモーション割引額","手数料","FBA 手数料",'
               '"トランザクションに関するその他の手数料","その他","合計"\n')


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


def workbook(tmp_path: Path) -> Path:
    wb = tmp_path / "review.xlsm"
    if not wb.exists():
        shutil.copy(ROOT / "workbook_template.xlsm", wb)
    return wb


def rows(wb: Path, sheet: str) -> list[dict]:
    ws = openpyxl.load_workbook(wb)[sheet]
    head = [c.value for c in ws[1]]
    return [dict(zip(head, r)) for r in ws.iter_rows(min_row=2, values_only=True) if any(v is not None for v in r)]


# ----------------------------------------------------------------------------- 1. localized headers and values
@pytest.mark.parametrize("head, rows_, sep, channel, currency", [
    (AMZ_DE_HEAD, ['"01.03.2026 10:00:00 MEZ";"9001";"Bestellung";"302-1-1";"TASSE";"Tasse";"2";"amazon.de";'
                   '"Amazon";"39,98";"0";"-2,00";"-6,00";"-5,10";"0";"0";"26,88"',
                   '"05.03.2026 10:00:00 MEZ";"9001";"Versand durch Amazon Lagergebühr";"";"";"Lagergebühr";"";"";"";'
                   '"0";"0";"0";"0";"0";"0";"-1.234,56";"-1.234,56"',
                   '"06.03.2026 10:00:00 MEZ";"9001";"Übertrag";"";"";"An Konto";"";"";"";"0";"0";"0";"0";"0";"0";'
                   '"-100,00";"-100,00"'], ";", "Amazon DE", "EUR"),
    (AMZ_FR_HEAD, ['"1 mars 2026 10:00:00 UTC","9002","Commande","402-1-1","TASSE","Tasse","2","amazon.fr","Amazon",'
                   '"39,98","0","-2,00","-6,00","-5,10","0","0","26,88"',
                   '"5 mars 2026 10:00:00 UTC","9002","Frais de stock Expédié par Amazon","","","Frais de stockage",'
                   '"","","","0","0","0","0","0","0","-1 234,56","-1 234,56"',
                   '"6 mars 2026 10:00:00 UTC","9002","Transfert","","","Vers compte","","","","0","0","0","0","0","0",'
                   '"-100,00","-100,00"'], ",", "Amazon FR", "EUR"),
    (AMZ_JP_HEAD, ['"2026/03/01 10:00:00 JST","9003","注文","503-1-1","TASSE","カップ","2","amazon.co.jp","Amazon",'
                   '"3998","0","-200","-600","-510","0","0","2688"',
                   '"2026/03/05 10:00:00 JST","9003","FBA 在庫関連の手数料","","","在庫保管手数料","","","","0","0","0","0",'
                   '"0","0","-123456","-123456"',
                   '"2026/03/06 10:00:00 JST","9003","振込み","","","口座","","","","0","0","0","0","0","0","-10000",'
                   '"-10000"'], ",", "Amazon JP", "JPY"),
])
def test_amazon_date_range_in_other_languages(tmp_path, head, rows_, sep, channel, currency):
    p = write(tmp_path, "daterange.csv", head + "\n".join(rows_) + "\n")
    b = read_export(p)
    assert b.format == "amazon_date_range"
    orders, costs = b.frames["Orders"], b.frames["Costs"]
    assert orders["channel"].tolist() == [channel] and orders["currency"].tolist() == [currency]
    assert orders["platform_fee"].sum() == pytest.approx(orders["item_price"].sum() * 6 / 39.98 if currency != "JPY"
                                                         else 600)
    assert costs["kind"].tolist() == ["storage"] and costs["channel"].tolist() == [channel]
    assert costs["amount"].tolist() == pytest.approx([123456 if currency == "JPY" else 1234.56])
    assert [r.reason.code for r in b.rejected] == ["import.reject_payout"]
    assert all(m.difference == 0 for m in b.money_columns() if m.role not in ("info", "tax"))


EBAY_DE_ORDERS = ("Verkaufsprotokollnummer;Bestellnummer;Nutzername des Käufers;Artikelnummer;Artikelbezeichnung;"
                  "Bestandseinheit;Anzahl;Verkauft für;Verpackung und Versand;Gesamtpreis;Verkaufsdatum;Versand an Land\n"
                  "101;12-34567-89012;kaeufer1;123456789012;Tasse;TASSE;2;1.234,56 €;4,99 €;2.474,11 €;03.02.2026;Deutschland\n"
                  "102;12-34567-89013;kaeufer2;123456789013;Teller;TELLER;1;12,50 €;0,00 €;12,50 €;13.02.2026;Österreich\n")


def test_ebay_de_orders_semicolon_decimal_comma_day_first(tmp_path):
    b = read_export(write(tmp_path, "ebay_de.csv", EBAY_DE_ORDERS))
    o = b.frames["Orders"]
    assert b.format == "ebay_orders"
    assert o["item_price"].tolist() == pytest.approx([2469.12, 12.50])
    assert [d.isoformat() for d in o["order_date"]] == ["2026-02-03", "2026-02-13"]
    assert o["currency"].tolist() == ["EUR", "EUR"]


def test_a_refused_ebay_de_file_is_pointed_to_ebay_not_amazon(tmp_path):
    # an eBay DE file with a renamed column: still named as the closest format, by its eBay-only headers
    text = EBAY_DE_ORDERS.replace("Verkauft für", "Verkaufspreis je Stück").replace("Verkaufsprotokollnummer", "Protokoll")
    with pytest.raises(UnknownFormat) as exc:
        read_export(write(tmp_path, "ebay_de_renamed.csv", text))
    assert exc.value.candidates[0].format.family == "ebay"


EBAY_UK_TX = ('Transaction creation date,Type,Order number,Net amount,Payout currency,Item ID,Custom label,Quantity,'
              'Item subtotal,Postage and packaging,Final value fee – fixed,Final value fee – variable,'
              '"Very high \'item not as described\' fee",Gross transaction amount,Transaction currency,Description\n'
              '"5 Jan 2026",Order,21-00001-00001,29.22,GBP,400000000001,MUG-1,2,30.00,4.00,-0.30,-4.48,-1.00,34.00,GBP,--\n'
              '"6 Jan 2026",Postage label,21-00001-00001,-3.10,GBP,--,--,--,--,--,--,--,--,--,GBP,Royal Mail\n'
              '"7 Jan 2026",Other fee,--,-25.00,GBP,--,--,--,--,--,--,--,--,--,GBP,Store subscription fee\n'
              '"8 Jan 2026",Payout,--,-100.00,GBP,--,--,--,--,--,--,--,--,--,GBP,Payout\n')


def test_ebay_uk_postage_label_quoted_fee_and_subscription(tmp_path):
    wb = workbook(tmp_path)
    report = import_files(wb, [write(tmp_path, "ebay_uk_tx.csv", EBAY_UK_TX)])
    f = report.files[0]
    order = rows(wb, "Orders")
    assert len(order) == 1 and order[0]["shipping_cost"] == pytest.approx(3.10)
    assert order[0]["platform_fee"] == pytest.approx(5.78)          # the quoted fee name is a fee too
    assert [(c["kind"], c["amount"]) for c in rows(wb, "Costs")] == [("subscription", 25.0)]
    assert [r.reason.code for r in f.rejected] == ["import.reject_payout"]
    assert not f.unmapped


# ----------------------------------------------------------------------------- 2. every money column reconciled
def test_an_unknown_money_column_is_reported_on_the_log_and_in_the_output(tmp_path):
    src = (DATA / "imports" / "shopify_orders.csv").read_text("utf-8").splitlines()
    head = src[0] + ",Gift card fee"
    body = [line + ",1.50" for line in src[1:]]
    p = write(tmp_path, "shopify_extra_column.csv", "\n".join([head, *body]) + "\n")
    wb = workbook(tmp_path)
    report = import_files(wb, [p])
    unmapped = report.files[0].unmapped
    assert [m.column for m in unmapped] == ["Gift card fee"]
    assert unmapped[0].in_file == pytest.approx(1.5 * len(body)) and unmapped[0].difference != 0
    assert any("Gift card fee" in w for w in report.warning_lines("en"))
    assert any("Gift card fee" in w for w in report.warning_lines("zh"))
    log = openpyxl.load_workbook(wb)["导入日志"]
    assert any(c.value == "Gift card fee" for row in log.iter_rows() for c in row)


# ----------------------------------------------------------------------------- 3. statuses in every language
TIKTOK_HEAD = ("Order ID,Order Status,Order Substatus,Cancelation/Return Type,SKU ID,Seller SKU,Quantity,"
               "Sku Quantity of return,SKU Subtotal Before Discount,SKU Seller Discount,Shipping Fee After Discount,"
               "Order Amount,Order Refund Amount,Created Time,Buyer Username,Country\n")


@pytest.mark.parametrize("country, cancelled, dates", [
    ("Vietnam", "Đã hủy", ("14/04/2026 10:00:00", "02/04/2026 10:00:00")),
    ("Malaysia", "Dibatalkan", ("02/04/2026 10:00:00", "03/04/2026 10:00:00")),    # no day > 12: MY custom
    ("United States", "Canceled", ("04/02/2026 10:00:00 AM", "04/03/2026 10:00:00 AM")),
])
def test_tiktok_cancelled_in_other_languages_and_the_regions_date_order(tmp_path, country, cancelled, dates):
    text = TIKTOK_HEAD + (f"5800000000000001,Completed,Delivered,,1,SKU-A,1,0,100,0,10,110,0,{dates[0]},b1,{country}\n"
                          f"5800000000000002,{cancelled},{cancelled},,2,SKU-B,1,0,50,0,10,60,0,{dates[1]},b2,{country}\n")
    b = read_export(write(tmp_path, "tt.csv", text))
    assert b.frames["Orders"]["order_id"].tolist() == ["5800000000000001"]
    assert b.rejected[0].reason.code == "import.reject_cancelled"
    assert b.frames["Orders"]["order_date"].iloc[0].month == 4


def test_date_order_is_decided_per_file_and_ambiguity_is_an_error():
    assert date_order(pd.Series(["10/05/2026", "13/05/2026"]), "d") is True
    assert date_order(pd.Series(["05/10/2026", "05/13/2026"]), "d") is False
    assert date_order(pd.Series(["05/10/2026"]), "d", default_day_first=True) is True
    with pytest.raises(ImportError_):
        date_order(pd.Series(["13/05/2026", "05/13/2026"]), "d")
    with pytest.raises(ImportError_):
        date_order(pd.Series(["03/04/2026"]), "d")


# ----------------------------------------------------------------------------- 4. Shopify order-level discounts
def test_shopify_order_level_discount_usd_blank_skus(tmp_path):
    text = ("Name,Email,Financial Status,Currency,Subtotal,Shipping,Taxes,Total,Discount Code,Discount Amount,Created at,"
            "Lineitem quantity,Lineitem name,Lineitem price,Lineitem sku,Lineitem discount,Cancelled at,Notes\n"
            "#1001,a@x.com,paid,USD,90.00,5.00,0,95.00,SAVE10,10.00,2026-03-01 10:00:00 -0500,1,Mug,40.00,,0.00,,"
            "\"first line\nsecond line\"\n"
            "#1001,a@x.com,,,,,,,,,2026-03-01 10:00:00 -0500,1,Plate,60.00,,0.00,,\n"
            "#1002,b@x.com,voided,USD,20.00,0,0,20.00,,0.00,2026-03-02 10:00:00 -0500,1,Cup,20.00,CUP,0.00,,\n")
    b = read_export(write(tmp_path, "shopify_usd.csv", text))
    o = b.frames["Orders"]
    assert o["sku"].tolist() == ["Mug", "Plate"]
    assert o["discount"].tolist() == pytest.approx([4.0, 6.0])        # 10.00 shared by line value
    assert b.rejected[0].reason.code == "import.reject_voided"


# ----------------------------------------------------------------------------- 5. Excel-rounded ids
@pytest.mark.parametrize("oid", ["5.77301E+17", "577301000000000000"])
def test_excel_rounded_order_ids_are_refused(tmp_path, oid):
    text = TIKTOK_HEAD + (f"{oid},Completed,Delivered,,1,SKU-A,1,0,100,0,10,110,0,04/02/2026 10:00:00 AM,b1,United States\n"
                          f"{oid},Completed,Delivered,,1,SKU-A,2,0,200,0,10,210,0,04/03/2026 10:00:00 AM,b2,United States\n")
    b = read_export(write(tmp_path, "tt.csv", text))
    assert "Orders" not in b.frames and len(b.rejected) == 2
    assert all(r.reason.code == "import.reject_rounded_id" for r in b.rejected)


# ----------------------------------------------------------------------------- 6. period rows
def test_ads_start_end_date_across_the_year_end_spread_over_days(tmp_path):
    text = ("Start Date,End Date,Campaign Name,Ad Group Name,Targeting,Impressions,Clicks,Spend,7 Day Total Sales,"
            "7 Day Total Orders (#),Currency\n"
            "2026-12-29,2027-01-04,SP - Mugs,Mugs,mug,700,7,70.00,300.00,3,USD\n")
    b = read_export(write(tmp_path, "ads_period.csv", text))
    ads = b.frames["Ads"]
    assert len(ads) == 7 and ads["spend"].sum() == pytest.approx(70.0) and ads["orders"].sum() == 3
    in_2026 = ads[pd.to_datetime(ads["date"]).dt.year == 2026]
    assert in_2026["spend"].sum() == pytest.approx(30.0)             # 3 of the 7 days
    assert b.notes and b.notes[0].code == "import.notice_periods_spread"


# ----------------------------------------------------------------------------- 7. the sheet holding the data
def test_xlsx_with_a_hidden_header_only_first_sheet(tmp_path):
    book = openpyxl.Workbook()
    first = book.active
    first.title = "Template"
    head = ["Order ID", "Order Status", "Seller SKU", "Quantity", "SKU Subtotal Before Discount", "Created Time",
            "Country"]
    first.append(head)
    first.sheet_state = "hidden"
    data = book.create_sheet("Orders")
    data.append(head)
    data.append(["5800000000000001", "Completed", "SKU-A", 1, 100, "2026-04-02 10:00:00", "United States"])
    data.append(["5800000000000002", "Completed", "SKU-B", 2, 50, "2026-04-03 10:00:00", "United States"])
    p = tmp_path / "tiktok.xlsx"
    book.save(p)
    b = read_export(p)
    assert b.rows_read == 2 and len(b.frames["Orders"]) == 2


# ----------------------------------------------------------------------------- 8. damaged files
def test_excel_unicode_text_save_utf16_tabs_quoted_multiline(tmp_path):
    text = ("Name\tEmail\tFinancial Status\tCurrency\tCreated at\tLineitem quantity\tLineitem name\tLineitem price\t"
            "Lineitem sku\tNotes\r\n"
            "#1\ta@x.com\tpaid\tUSD\t2026-03-01 10:00:00 -0500\t1\tMug\t10.00\tMUG\t\"call me\tplease\r\nthanks\"\r\n"
            "#2\tb@x.com\tpaid\tUSD\t2026-03-02 10:00:00 -0500\t2\tCup\t5.00\tCUP\t\r\n")
    p = tmp_path / "shopify_unicode.txt"
    p.write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
    b = read_export(p)
    assert b.format == "shopify_orders" and b.rows_read == 2 and len(b.frames["Orders"]) == 2


def test_ctrl_z_stray_quote_and_oversized_cell_never_crash(tmp_path):
    wb = workbook(tmp_path)
    base = (DATA / "field" / "F13_tiktok_TH_orders_ddmm_dates_thai_status.csv").read_bytes()
    ctrl_z = write(tmp_path, "ctrlz.csv", base.decode("utf-8-sig") + "\x1a")
    lines = base.decode("utf-8-sig").splitlines()
    stray = write(tmp_path, "stray.csv", "\n".join(lines[:2] + [lines[2].replace(",Serum A,", ',"Serum A,')]
                                                   + ["x" * 140_000] + lines[3:]) + "\n")
    long_cell = write(tmp_path, "long.csv", "\n".join(lines[:2] + [lines[2].replace("buyer_th_1", "b" * 40_000)]
                                                      + lines[3:]) + "\n")
    report = import_files(wb, [ctrl_z, stray, long_cell])
    by = {f.path.name: f for f in report.files}
    assert not by["ctrlz.csv"].error and by["ctrlz.csv"].rows_imported == 2
    assert not by["stray.csv"].error and by["stray.csv"].balanced and by["stray.csv"].rows_imported == 2
    assert any(n.code == "import.notice_repaired_stray_quote" for n in by["stray.csv"].notes)
    assert any("32,767" in r.reason.render("en") for r in by["long.csv"].rejected)
    assert openpyxl.load_workbook(wb)["导入日志"] is not None


# ----------------------------------------------------------------------------- 9. refunds across files
def test_a_refund_in_a_later_file_is_applied_once(tmp_path):
    wb = workbook(tmp_path)
    pre = '"All amounts in USD, unless specified"\n'
    jan = write(tmp_path, "jan.csv", pre + AMZ_US_HEAD +
                '"Jan 5, 2026 10:00:00 AM PST","1","Order","113-1-1","MUG","Mug","1","amazon.com","Amazon","20.00","0",'
                '"0","-3.00","-4.00","0","0","13.00"\n')
    feb = write(tmp_path, "feb.csv", pre + AMZ_US_HEAD +
                '"Feb 5, 2026 10:00:00 AM PST","2","Refund","113-1-1","MUG","Mug","1","amazon.com","Amazon","-20.00","0",'
                '"0","2.40","0","0","0","-17.60"\n')
    import_files(wb, [jan])
    import_files(wb, [feb])
    once = rows(wb, "Orders")
    for f in (feb, jan, feb):
        again = import_files(wb, [f])
        assert again.added == 0 and again.files[0].updated == 0
    assert rows(wb, "Orders") == once
    assert once[0]["refund_amount"] == pytest.approx(20.0) and once[0]["platform_fee"] == pytest.approx(0.60)


# ----------------------------------------------------------------------------- 10. formats that were missing
def test_business_report_by_date_zh_and_en(tmp_path):
    en = write(tmp_path, "BusinessReport_US.csv",
               "Date,Ordered Product Sales,Ordered Product Sales - B2B,Units Ordered,Sessions - Total,"
               "Sessions - Total - B2B,Page Views - Total\n"
               '03/13/2026,"$1,200.00",$10.00,40,"1,000",5,"1,500"\n03/14/2026,$800.00,$0.00,20,800,0,900\n')
    zh = write(tmp_path, "BusinessReport_DE.csv",
               "日期,已订购商品销售额,已订购商品数量,会话数 - 总计,页面浏览量 - 总计\n"
               "13/03/2026,\"€1.200,00\",40,1000,1500\n14/03/2026,\"€800,00\",20,800,900\n")
    for p, channel in ((en, "Amazon US"), (zh, "Amazon DE")):
        b = read_export(p)
        t = b.frames["Traffic"]
        assert b.format == "amazon_business_report_by_date"
        assert t["sessions"].tolist() == [1000, 800] and set(t["channel"]) == {channel}
        assert [d.isoformat() for d in t["date"]] == ["2026-03-13", "2026-03-14"]


def test_mabang_booked_exchange_rate_and_return_reason(tmp_path):
    text = ("订单编号,交易编号,店铺名,平台,站点,付款时间,币种,汇率,SKU,数量,商品销售单价,商品总金额,运费收入,优惠金额,退货原因\n"
            "MB1,111-222-333,US店,Amazon,US,2026-03-01 10:00:00,USD,7.1,MUG,2,10.00,20.00,3.00,1.00,\n"
            "MB2,111-222-334,US店,Amazon,US,2026-03-02 10:00:00,USD,7.1,CUP,1,5.00,5.00,0,0,尺寸不合适\n")
    b = read_export(write(tmp_path, "mabang.csv", text))
    o = b.frames["Orders"]
    assert o["currency"].tolist() == ["CNY", "CNY"]
    assert o["item_price"].tolist() == pytest.approx([142.0, 35.5])
    assert o["return_reason"].tolist() == ["", "尺寸不合适"]
    assert b.notes and "7.1" in dict(b.notes[0].params)["rates"]


def test_fba_returns_report_fills_return_reason(tmp_path):
    b = read_export(DATA / "imports" / "amazon_fba_returns.txt")
    assert b.frames["Orders"]["return_reason"].ne("").all()


def test_walmart_reconciliation_report(tmp_path):
    text = ("Period Start Date,Period End Date,Total Payable,Currency,Transaction Key,Transaction Posted Timestamp,"
            "Transaction Type,Transaction Description,Customer Order #,Customer Order line #,Purchase Order #,"
            "Purchase Order line #,Amount,Amount Type,Ship Qty,Commission Rate,Transaction Reason Description,"
            "Partner Item Id,Partner GTIN,Partner Item Name\n"
            "03/01/2026,03/14/2026,,USD,K1,03/02/2026,Sale,Purchase,200001,1,PO1,1,25.00,Product Price,1,15,,MUG,1,Mug\n"
            "03/01/2026,03/14/2026,,USD,K1,03/02/2026,Sale,Purchase,200001,1,PO1,1,-3.75,Commission on Product,,15,,MUG,1,Mug\n"
            "03/01/2026,03/14/2026,,USD,K1,03/02/2026,Sale,Purchase,200001,1,PO1,1,2.00,Product Tax,,15,,MUG,1,Mug\n"
            "03/01/2026,03/14/2026,,USD,K2,03/10/2026,Refund,Return,200001,1,PO1,1,-25.00,Product Price,1,15,,MUG,1,Mug\n"
            "03/01/2026,03/14/2026,,USD,K2,03/10/2026,Refund,Return,200001,1,PO1,1,3.75,Commission on Product,,15,,MUG,1,Mug\n"
            "03/01/2026,03/14/2026,,USD,K3,03/12/2026,Adjustment,WFS Storage Fee,,,,,-4.20,Fee/Reimbursement,,,Storage,,,\n"
            "03/01/2026,03/14/2026,-4.20,USD,K4,03/14/2026,PaymentSummary,,,,,,0,,,,,,,\n")
    wb = workbook(tmp_path)
    report = import_files(wb, [write(tmp_path, "walmart.csv", text)])
    o = rows(wb, "Orders")
    assert len(o) == 1 and o[0]["item_price"] == pytest.approx(25.0) and o[0]["refund_amount"] == pytest.approx(25.0)
    assert o[0]["platform_fee"] == pytest.approx(0.0)
    assert [(c["kind"], c["amount"]) for c in rows(wb, "Costs")] == [("storage", 4.2)]
    assert report.files[0].balanced


def test_temu_fund_detail(tmp_path):
    text = ("账务时间,交易类型,订单号,SKU,数量,金额,币种,流水号,备注\n"
            "2026-03-01 10:00:00,结算-交易收入,PO-1,SKU-A,2,30.00,USD,T1,\n"
            "2026-03-05 10:00:00,结算-售后退款,PO-1,SKU-A,1,-15.00,USD,T2,\n"
            "2026-03-06 10:00:00,罚款-发货超时,,,,-5.00,USD,T3,发货超时罚款\n"
            "2026-03-07 10:00:00,提现,,,,-10.00,USD,T4,\n")
    wb = workbook(tmp_path)
    report = import_files(wb, [write(tmp_path, "temu.csv", text)])
    o = rows(wb, "Orders")
    assert o[0]["item_price"] == pytest.approx(30.0) and o[0]["refund_amount"] == pytest.approx(15.0)
    assert [c["amount"] for c in rows(wb, "Costs")] == [5.0]
    assert report.files[0].balanced


# ----------------------------------------------------------------------------- 11. idempotency (property)
FIXTURES = sorted([*(DATA / "field").glob("F*"), *(p for p in (DATA / "imports").iterdir()
                                                  if (DATA / "imports" / f"{p.name}.expected.json").exists())])


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(FIXTURES), min_size=1, max_size=3, unique=True))
def test_reimporting_any_fixture_adds_nothing(tmp_path_factory, files):
    wb = workbook(tmp_path_factory.mktemp("wb"))
    import_files(wb, files)
    before = {s: rows(wb, s) for s in ("Orders", "Ads", "Traffic", "Products", "Costs")}
    again = import_files(wb, list(reversed(files)))
    assert again.added == 0 and sum(f.updated for f in again.files) == 0
    assert {s: rows(wb, s) for s in before} == before


@pytest.mark.parametrize("header, money", [
    ("页面浏览量 - 总计 - B2B", False), ("Page Views - Total", False), ("Sessions - Total", False),
    ("会话数 - 总计", False), ("Units Ordered - B2B", False), ("Total Order Items", False),
    ("已订购商品销售额", True), ("Ordered Product Sales", True), ("Total cost", True), ("Sold For", True),
    ("Discount Amount", True), ("Lineitem discount", True), ("Total Discount", True),
])
def test_count_columns_sharing_a_money_word_are_not_money(header, money):
    from xlreview.importers.reconcile import money_like
    assert money_like(header, pd.Series(["1,204", "806", "24.00"])) is money
