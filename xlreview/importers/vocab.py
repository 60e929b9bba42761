"""Value vocabularies of platform exports, per marketplace and language, as data.

Header spellings live in each format's ``fields`` table (one table per format family, in the family's
module); the words found *inside* cells live here: transaction types, order statuses, account-level
fee descriptions. Sources are cited in docs/importers.md. Matching folds case, width and accents
(:func:`norm`), so ``Übertrag`` / ``ubertrag`` and full-width forms match.
"""
from __future__ import annotations

import re
import unicodedata

from ..model.schema import BILLED_ADVERTISING


def norm(text: object) -> str:
    """Fold a cell for vocabulary matching: NFKC, case, accents removed, spaces collapsed."""
    s = unicodedata.normalize("NFKC", str(text or "")).strip().casefold()
    s = "".join(c for c in unicodedata.normalize("NFD", s) if unicodedata.category(c) != "Mn")
    return re.sub(r"\s+", " ", s)


def table(spellings: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """{canonical: spellings} -> {folded spelling: canonical} (the canonical key is a spelling too)."""
    out: dict[str, str] = {}
    for key, words in spellings.items():
        for w in (key, *words):
            out.setdefault(norm(w), key)
    return out


# ----------------------------------------------------------------------------- Amazon transaction types
#: Amazon Date Range / transaction report ``type`` column, per marketplace language (US/UK/CA/AU en,
#: DE, FR, IT, ES, JP, zh). ``order`` and ``refund`` rows belong to an order line; ``transfer`` is a
#: payout (neither sale nor cost); every other type is an account-level row (a Costs row).
AMAZON_TYPES = table({
    "order": ("Order", "Bestellung", "Commande", "Ordine", "Pedido", "注文", "订单", "Order_Retrocharge"),
    "refund": ("Refund", "Erstattung", "Rückerstattung", "Remboursement", "Rimborso", "Reembolso", "返金", "退款",
               "Refund_Retrocharge"),
    "transfer": ("Transfer", "Übertrag", "Transfert", "Trasferimento", "Transferir", "Transferencia", "振込み",
                 "振込", "转账", "Disbursement"),
    "service_fee": ("Service Fee", "Servicegebühr", "Frais de service", "Commissione di servizio",
                    "Tariffa di servizio", "Tarifa de servicio", "Tarifa de prestación de servicio", "サービス料",
                    "服务费"),
    "fba_inventory_fee": ("FBA Inventory Fee", "Versand durch Amazon Lagergebühr", "Lagergebühr",
                          "Frais de stock Expédié par Amazon", "Costo di stoccaggio Logistica di Amazon",
                          "Tarifas de inventario de Logística de Amazon", "FBA 在庫関連の手数料", "FBA 库存费用",
                          "亚马逊物流库存费"),
    "adjustment": ("Adjustment", "Anpassung", "Ajustement", "Modifica", "Rettifica", "Ajuste", "調整", "调整"),
    "chargeback": ("Chargeback Refund", "Rückbuchung", "Rétrofacturation", "Riaccredito", "Devolución de cargo",
                   "チャージバック", "退单退款"),
    "guarantee_claim": ("A-to-z Guarantee Claim", "A-bis-z-Garantieantrag", "Réclamation au titre de la garantie A à Z",
                        "Reclamo Garanzia dalla A alla Z", "Reclamación de la Garantía de la A a la Z",
                        "Amazonマーケットプレイス保証申請", "亚马逊商城交易保障索赔"),
    "deal_fee": ("Deal Fee", "Lightning Deal Fee", "Blitzangebotsgebühr", "Frais de vente flash",
                 "Tariffa Offerta lampo", "Tarifa de Oferta flash", "タイムセール手数料", "秒杀费"),
    "coupon_fee": ("Coupon Redemption Fee", "Coupon", "Gutscheineinlösegebühr", "Frais d'utilisation de coupon",
                   "Commissione per l'utilizzo di coupon", "Tarifa por canje de cupón", "クーポン利用料", "优惠券兑换费"),
    "liquidations": ("Liquidations", "Liquidations Adjustments", "Liquidationen", "Liquidations Amazon"),
    "shipping_services": ("Shipping Services", "Versanddienstleistungen", "Services d'expédition", "配送サービス",
                          "购买配送"),
    "debt": ("Debt", "Schulden", "Dette", "Debito", "Deuda", "負債"),
})

#: Account-level rows: Costs.kind from the row's description (or its type), per language. The first
#: matching pattern wins, so the more specific pattern comes first (long-term before storage).
COST_KIND_PATTERNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    # platform-billed Sponsored Ads (the model counts it once against the Ads sheet: schema.BILLED_ADVERTISING)
    ("advertising_other", tuple(norm(w) for w in BILLED_ADVERTISING)),
    ("long_term_storage", ("long-term storage", "long term storage", "langzeitlagergebuhr", "langzeitlager",
                           "stockage de longue duree", "stoccaggio a lungo termine", "almacenamiento prolongado",
                           "長期在庫保管手数料", "长期仓储费", "aged inventory surcharge")),
    ("storage", ("storage", "lagergebuhr", "stockage", "stoccaggio", "almacenamiento", "在庫保管手数料", "仓储费",
                 "保管手数料")),
    ("removal", ("removal", "disposal", "remissions", "ruecksendung", "rucksendung", "entsorgung", "retrait",
                 "elimination", "rimozione", "smaltimento", "retirada", "eliminacion", "返送", "所有権の放棄", "移除",
                 "弃置")),
    ("inbound", ("inbound", "placement", "einlagerung", "platzierung", "placement des stocks",
                 "posizionamento dell'inventario", "colocacion del inventario", "納品", "入库", "入庫")),
    ("subscription", ("subscription", "abonnement", "abbonamento", "suscripcion", "月間登録料", "订阅费", "月租")),
    ("coupon", ("coupon", "gutschein", "cupon", "クーポン", "优惠券")),
    ("deal", ("deal", "blitzangebot", "vente flash", "offerta lampo", "oferta flash", "タイムセール", "秒杀",
              "prime exclusive discount", "prime day")),
    ("vine", ("vine",)),
    ("reimbursement", ("reimbursement", "safe-t", "erstattung fur", "ruckerstattung fur", "remboursement pour",
                       "rimborso per", "reembolso por", "補填", "赔偿", "compensated clawback", "lost:warehouse",
                       "damaged:warehouse", "warehouse lost", "warehouse damage")),
    ("advertising_other", ("sponsored", "advertis", "werbung", "publicite", "pubblicita", "publicidad", "广告")),
    ("adjustment", ("adjustment", "anpassung", "ajustement", "modifica", "rettifica", "ajuste", "調整", "调整",
                    "debt", "liquidation", "a-to-z", "guarantee claim", "chargeback")),
)


def cost_kind_of(*texts: object) -> str:
    """Costs.kind of an account-level row from its description and type (``other`` when none matches)."""
    folded = " | ".join(norm(t) for t in texts if t)
    for kind, patterns in COST_KIND_PATTERNS:
        if any(p in folded for p in patterns):
            return kind
    return "other"


# ----------------------------------------------------------------------------- order statuses
#: Order / item status words meaning the order did not happen (cancelled, voided, unpaid and closed),
#: seen in TikTok Shop (per region), Shopify, Amazon, eBay and ERP exports.
CANCELLED_STATUSES = frozenset(norm(w) for w in (
    "cancelled", "canceled", "cancel", "cancellation", "voided", "void", "unpaid and cancelled",
    "ยกเลิกแล้ว", "ยกเลิก", "คำสั่งซื้อถูกยกเลิก",                      # Thai
    "đã hủy", "đã huỷ", "hủy", "huỷ",                              # Vietnamese
    "dibatalkan", "dibatalkan oleh pembeli", "pembatalan",           # Indonesian / Malay
    "kinansela", "nakansela",                                        # Filipino
    "已取消", "取消", "已关闭", "交易关闭", "已作废", "作废",           # Chinese
    "キャンセル", "キャンセル済み", "取消済み",                          # Japanese
    "storniert", "annulé", "annulee", "annulée", "annullato", "cancelado", "cancelada", "anulado", "anulada",
    "geannuleerd", "anulowane",
))


def is_cancelled(*statuses: object) -> bool:
    """True when any status word of the row means cancelled (in any language of :data:`CANCELLED_STATUSES`)."""
    for s in statuses:
        n = norm(s)
        if n and (n in CANCELLED_STATUSES or n.startswith("cancel")):
            return True
    return False


# ----------------------------------------------------------------------------- eBay transaction types
#: eBay Transaction report ``Type`` (en-US, en-GB, de-DE).
EBAY_TYPES = table({
    "order": ("Order", "Bestellung"),
    "refund": ("Refund", "Rückerstattung", "Erstattung"),
    "shipping_label": ("Shipping label", "Postage label", "Versandetikett"),
    "other_fee": ("Other fee", "Sonstige Gebühr", "Andere Gebühr"),
    "payout": ("Payout", "Auszahlung"),
    "claim": ("Claim", "Fall", "Anspruch"),
    "payment_dispute": ("Payment dispute", "Zahlungsstreitigkeit"),
    "adjustment": ("Adjustment", "Anpassung"),
    "charge": ("Charge", "Belastung"),
    "credit": ("Credit", "Gutschrift"),
    "hold": ("Hold", "Einbehalt"),
})
