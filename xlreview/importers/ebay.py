"""eBay Seller Hub reports: the Orders report (-> Orders) and the Transaction report (fees,
promoted-listing cost, shipping labels and refunds -> merged onto Orders, Ads)."""
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
    country_code,
    counts,
    days,
    first_of_group,
    first_reason,
    money,
    money_currency,
    occurrence_refs,
    register,
    sniff_decimal_comma,
    split_rejects,
    totals,
)
from .notes import note
from .vocab import EBAY_TYPES, norm

CHANNEL = "eBay"


#: not a rejection: an order summary row whose money is folded into its item rows
_FOLDED = Phrase("summary_row_folded")

def _currency(values: pd.Series, default: str) -> pd.Series:
    sym = values.map(lambda v: money_currency(v) or "")
    return sym.where(sym != "", default)


# ----------------------------------------------------------------------------- Orders report
def parse_orders(t: RawTable, ctx: Context) -> Parsed:
    """A multi-item order is one summary row (buyer, shipping, total) then one row per item."""
    f = ORDERS
    problems: dict[int, Phrase] = {}
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
    buyer = t.get(f, "buyer").where(~blank(t.get(f, "buyer")), item_order.map(by_order["buyer"]).astype(object).fillna(""))
    country = t.get(f, "country").where(~blank(t.get(f, "country")), item_order.map(by_order["country"]).astype(object).fillna(""))
    sale_date = t.get(f, "sale_date").where(~blank(t.get(f, "sale_date")), item_order.map(by_order["date"]).astype(object).fillna(""))
    day = days(sale_date.where(is_item, ""), "Sale Date", problems,
               default_day_first=not country.map(country_code).isin(["US", ""]).all())
    sku = t.get(f, "sku").where(~blank(t.get(f, "sku")), t.get(f, "item_number"))
    reasons = first_reason(
        t.frame.index,
        (footer, note("reject_footer")),
        (is_summary & order.isin(item_order.dropna()), _FOLDED),
        (~is_item, note("reject_missing", column="Quantity / Sold For")),
        (blank(order), note("reject_missing", column="Order Number")),
        (blank(sku), note("reject_missing", column="Custom Label / Item Number")),
        problems, (day.isna(), note("reject_missing", column="Sale Date")),
    )
    merged = reasons[reasons.map(lambda r: r is _FOLDED)].index     # summary rows folded into their items
    reasons[merged] = None
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
    # en-US, en-GB (postage), de-DE spellings (docs/importers.md)
    fields={
        "record": ("Sales Record Number", "Verkaufsprotokollnummer"),
        "order_id": ("Order Number", "Order ID", "Bestellnummer"),
        "buyer": ("Buyer Username", "User Id", "Nutzername des Käufers", "Käufer-Nutzername"),
        "item_number": ("Item Number", "Item ID", "Artikelnummer"),
        "title": ("Item Title", "Artikelbezeichnung"), "sku": ("Custom Label", "Bestandseinheit"),
        "quantity": ("Quantity", "Anzahl", "Stückzahl"),
        "sold_for": ("Sold For", "Sale Price", "Verkauft für", "Verkaufspreis"),
        "shipping": ("Shipping And Handling", "Postage And Packaging", "Verpackung und Versand", "Versand und Verpackung"),
        "total": ("Total Price", "Gesamtpreis"), "sale_date": ("Sale Date", "Verkaufsdatum"),
        "country": ("Ship To Country", "Post To Country", "Buyer Country", "Versand an Land", "Lieferland",
                    "Land des Käufers"),
        "seller_tax": ("Seller Collected Tax",), "ebay_tax": ("eBay Collected Tax",),
        "ebay_charges": ("eBay Collected Charges",),
        "ebay_tax_included": ("eBay Collected Tax and Fees Included in Total",),
        "recycling": ("Electronic Waste Recycling Fee", "Mattress Recycling Fee", "Battery Recycling Fee",
                      "White Goods Disposal Tax", "Tire Recycling Fee", "Additional Fee", "Lumber Fee",
                      "Prepaid Wireless Fee", "Road Improvement And Food Delivery Fee"),
    },
    required=("record", "order_id", "item_number", "quantity", "sold_for", "sale_date"),
    parse=parse_orders, money_label="Sold For x Quantity",
    money={"sold_for": "unit", "shipping": "order", "total": "info", "seller_tax": "tax", "ebay_tax": "tax",
           "ebay_charges": "tax", "ebay_tax_included": "info", "recycling": "tax"},
    id_fields=("order_id",),
))


# ----------------------------------------------------------------------------- Transaction report
_FEES = ("fvf_fixed", "fvf_variable", "regulatory", "inad_fee", "below_standard", "international")


def parse_transactions(t: RawTable, ctx: Context) -> Parsed:
    """Order rows: the sale's fees; Refund rows: the refund and the fees eBay credits back; Shipping (UK:
    Postage) label rows: the seller's label cost on its order (a label without order: a Costs row); Other fee
    "Promoted Listings": ad spend (Ads sheet, campaign "Promoted Listings"); other fees, claims, adjustments and
    charges: Costs rows; a Payout: logged, neither a sale nor a cost. Amounts are added once per transaction
    (a refund arriving in a later file than its order is applied once)."""
    f = TRANSACTIONS
    problems: dict[int, Phrase] = {}
    money_cols = ("net", "subtotal", "gross", "shipping") + _FEES
    dc = sniff_decimal_comma(*(t.col(f, c) for c in money_cols))
    amt = {c: money(t.get(f, c), f.fields[c][0], problems, dc).fillna(0.0) for c in money_cols}
    cur = t.get(f, "currency").where(~blank(t.get(f, "currency")), t.get(f, "payout_currency"))
    cur = cur.where(~blank(cur), ctx.base_currency)
    kind = t.get(f, "type").map(lambda v: EBAY_TYPES.get(norm(v), "other"))
    desc = t.get(f, "description")
    has_order = ~blank(t.get(f, "order_id"))
    promoted = kind.eq("other_fee") & desc.str.contains(r"promoted listing|anzeigen|promoted", case=False)
    is_order, is_refund = kind.eq("order") & has_order, kind.eq("refund") & has_order
    is_label = kind.eq("shipping_label") & has_order
    is_payout = kind.eq("payout")
    account = ~(is_order | is_refund | is_label | is_payout | promoted)
    day = days(t.get(f, "date"), "Transaction creation date", problems, default_day_first=False)
    qty = counts(t.get(f, "quantity"), "Quantity", problems).abs().fillna(0.0)
    sku = t.get(f, "sku").where(~blank(t.get(f, "sku")), t.get(f, "item_id"))
    reasons = first_reason(
        t.frame.index,
        (is_payout, note("reject_payout", type=t.get(f, "type"))),
        ((is_order | is_refund) & blank(sku), note("reject_missing", column="Custom label / Item ID")),
        problems,
        (day.isna(), note("reject_missing", column="Transaction creation date")),
    )
    keep, rejected = split_rejects(t, reasons)
    ref = occurrence_refs(pd.DataFrame({"d": t.get(f, "date"), "t": t.get(f, "type"), "o": t.get(f, "order_id"),
                                        "i": t.get(f, "item_id"), "x": desc, "n": amt["net"].round(2)}), "ebay-")
    fee = -sum(amt[c] for c in _FEES)
    line = is_order | is_refund | is_label
    orders = canonical_frame("Orders", {
        "order_id": t.get(f, "order_id"), "order_date": day.where(is_order), "channel": CHANNEL,
        "sku": sku.where(~is_label, ""), "quantity": qty.where(is_order, 0.0),
        "item_price": amt["subtotal"].where(is_order, 0.0), "shipping_charged": amt["shipping"].where(is_order, 0.0),
        "platform_fee": fee.where(is_order | is_refund, 0.0), "shipping_cost": (-amt["net"]).where(is_label, 0.0),
        "refund_amount": (-amt["gross"].where(amt["gross"].ne(0), amt["net"])).abs().where(is_refund, 0.0),
        "refunded_qty": qty.where(is_refund, 0.0), "currency": cur,
    }, t.frame.index)
    orders["_add_cols"] = "platform_fee"
    orders.loc[is_refund, "_add_cols"] = "platform_fee,refund_amount,refunded_qty"
    orders.loc[is_label, "_add_cols"] = "shipping_cost"
    orders["_ref"] = ref
    orders["_can_add"] = is_order
    orders = orders.loc[keep.intersection(line[line].index)]
    ads = canonical_frame("Ads", {
        "date": day, "channel": CHANNEL, "campaign": "Promoted Listings", "ad_group": "",
        "keyword": "", "sku": sku, "spend": -amt["net"], "currency": cur,
    }, t.frame.index).loc[keep.intersection(promoted[promoted].index)]
    label_desc = desc.where(~blank(desc), t.get(f, "type"))
    costs = account_costs(keep.intersection(account[account].index), date=day, amount=-amt["net"], channel=CHANNEL,
                          sku=sku.where(~blank(t.get(f, "sku")), ""), currency=cur, description=label_desc, ref=ref,
                          kind_from=(desc, t.get(f, "type")))
    return Parsed({"Orders": orders, "Ads": ads, "Costs": costs}, set(keep), rejected,
                  totals(amt["net"], cur), totals(amt["net"].loc[keep], cur.loc[keep]))


TRANSACTIONS = register(Format(
    name="ebay_transactions", family="ebay", sheet="Orders", mode="merge",
    label="eBay Transaction report (eBay 交易报告)",
    # en-US, en-GB (postage, quoted fee names), de-DE spellings; sources in docs/importers.md
    fields={
        "date": ("Transaction creation date", "Erstellungsdatum der Transaktion", "Transaktionsdatum"),
        "type": ("Type", "Typ"), "order_id": ("Order number", "Bestellnummer"),
        "legacy_order": ("Legacy order ID", "Alte Bestellnummer"),
        "net": ("Net amount", "Nettobetrag"), "payout_currency": ("Payout currency", "Auszahlungswährung"),
        "item_id": ("Item ID", "Artikelnummer"), "sku": ("Custom label", "Bestandseinheit"),
        "quantity": ("Quantity", "Anzahl"), "subtotal": ("Item subtotal", "Zwischensumme Artikel"),
        "shipping": ("Shipping and handling", "Postage and packaging", "Verpackung und Versand"),
        "fvf_fixed": ("Final Value Fee - fixed", "Final value fee - fixed", "Verkaufsprovision - Fixbetrag",
                      "Verkaufsprovision - fix"),
        "fvf_variable": ("Final Value Fee - variable", "Final value fee - variable", "Verkaufsprovision - variabel"),
        "regulatory": ("Regulatory operating fee", "Regulatorische Betriebsgebühr"),
        "inad_fee": ('Very high "item not as described" fee', "Sehr hohe Gebühr für Artikel entspricht nicht der "
                     "Beschreibung"),
        "below_standard": ("Below standard performance fee", "Gebühr für unzureichenden Verkäuferstatus"),
        "international": ("International fee", "Internationale Gebühr", "Gebühr für internationale Verkäufe"),
        "gross": ("Gross transaction amount", "Bruttobetrag der Transaktion", "Transaktionsbetrag brutto"),
        "currency": ("Transaction currency", "Transaktionswährung"),
        "description": ("Description", "Beschreibung"),
        "exchange_rate": ("Exchange rate", "Wechselkurs"),
        "charity": ("Charity donation", "Spende"), "seller_tax": ("Seller collected tax", "Vom Verkäufer erhobene Steuer"),
        "ebay_tax": ("eBay collected tax", "Von eBay erhobene Steuer"),
        "deposit_fee": ("Deposit processing fee",), "payout_id": ("Payout ID", "Auszahlungs-ID"),
        "reference": ("Reference ID", "Referenz-ID"),
    },
    required=("date", "type", "order_id", "net", "gross", "fvf_variable"),
    parse=parse_transactions, money_label="Net amount",
    money={"net": "line", "subtotal": "info", "shipping": "info", "gross": "info", "fvf_fixed": "fee",
           "fvf_variable": "fee", "regulatory": "fee", "inad_fee": "fee", "below_standard": "fee",
           "international": "fee", "deposit_fee": "fee", "charity": "info", "seller_tax": "tax", "ebay_tax": "tax"},
    order_field="order_id", id_fields=("order_id", "item_id"),
))
