"""Reconciliation of every money column of an imported file.

Each format's table gives every money-like source column a role (:data:`.base.MONEY_ROLES`). Per
column, the amount *in the file* (summed once at its own grain: per line, once per order, unit price x
quantity) must equal what was *imported* plus what was *rejected* (logged on the Import Log), to the cent.
A money-like column that no field of the format names has no role: it is reported on the Import Log and
in the command output with the amount that was not imported, so a renamed or new column never loses
money silently.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

#: Words of money-column headers (folded, substrings), per language: a column whose header holds one of
#: them and whose values read as amounts is money-like.
MONEY_WORDS = (
    "amount", "price", "fee", "total", "cost", "tax", "sales", "credit", "rebate", "refund", "discount", "shipping",
    "postage", "subtotal", "commission", "payout", "net", "gross", "revenue", "charge", "vat", "dut", "income",
    "proceeds", "earning", "payment", "sold for", "packaging",
    "金额", "费", "价", "税", "收入", "退款", "佣金", "优惠", "折扣", "成本", "销售额", "小计", "合计", "总计", "货款",
    "gebühr", "betrag", "preis", "versand", "umsatz", "umsätze", "steuer", "gutschrift", "rabatt", "gesamt",
    "verpackung", "verkauft für", "erstattung", "auszahlung",
    "frais", "montant", "prix", "vente", "taxe", "remise", "crédit", "rembours",
    "importe", "tarifa", "precio", "venta", "impuesto", "descuento", "abono", "reembolso",
    "commission", "prezz", "importo", "vendit", "sconto", "impost", "accredit", "rimbors", "totale",
    "手数料", "金額", "価格", "売上", "送料", "配送料", "割引", "合計", "返金",
    "ค่า", "ราคา", "ยอด", "ส่วนลด",
)
_NOT_MONEY = re.compile(r"(rate|ratio|percent|%|roas|acos|ctr|\bid\b|number|nummer|numéro|编号|单号|百分比|率|zip|postal|"
                        r"postcode|post code|\bcode\b|phone|address|method|name|status|country|province|city|"
                        r"street|company|provider|carrier|tracking|weight|date|time|service|option|plz|"
                        r"postleitzahl|邮编|电话|地址|方式|国家|状态|"
                        # counts that share a money word ("Page Views - Total", "页面浏览量 - 总计"): traffic and
                        # volume columns of Business Reports and ads exports are never money
                        r"session|page view|views|visits|clicks|impressions|\bunits\b|\bitems\b|quantity|\bqty\b|"
                        r"\bcount\b|会话|浏览|访客|访问|点击|曝光|展示|数量|件数|种类数|订单数)")
_AMOUNT = re.compile(r"^[(+\-−]?\s*(?:[A-Z]{0,3}\$|[€£¥￥]|[A-Z]{3}\s)?\s*[+\-−]?[\d.,' \u00a0]*\d\s*(?:[€£¥]|[A-Z]{3})?\)?-?$")


def money_like(header: str, values: pd.Series) -> bool:
    """A column is money-like when its header says so and its non-blank values read as amounts (not %)."""
    h = str(header).strip().lower()
    if not any(w in h for w in MONEY_WORDS) or _NOT_MONEY.search(h):
        return False
    text = values.astype(str).str.strip()
    text = text[text != ""]
    if text.empty or text.str.contains("%", regex=False).any():
        return False
    return bool(text.str.match(_AMOUNT).mean() >= 0.8)


@dataclass
class MoneyColumn:
    """One money column of a file on the Import Log: ``difference = in_file - imported - rejected``."""

    column: str
    role: str               # a key of MONEY_ROLES, or "" when the format has no role for it
    in_file: float
    imported: float | None  # None for tax, informational and role-less columns (nothing of them is imported)
    rejected: float
    currency: str = ""

    @property
    def difference(self) -> float:
        return round(self.in_file - (self.imported or 0.0) - self.rejected, 2)

    @property
    def unmapped(self) -> bool:
        return self.role == ""


def line_amounts(table, fmt, parse_money_text, decimal_comma: bool | None) -> tuple[pd.DataFrame, dict[str, str]]:
    """Each money-like column of ``table`` as amounts per file line at the column's grain, and its role.

    Returns (frame indexed by file line with one float column per source header, {header: role}).
    ``order`` amounts count on the first line of each order that carries a value; ``unit`` amounts are
    multiplied by the line's quantity (the format's ``quantity`` field).
    """
    from .base import fold

    folded_fields = {sp: fld for fld in fmt.fields for sp in fmt.folded(fld)}
    order = table.col(fmt, fmt.order_field) if fmt.order_field in fmt.fields else None
    qty_field = next((q for q in ("quantity", "qty") if q in fmt.fields), None)
    qty = table.col(fmt, qty_field) if qty_field else None
    out, roles = {}, {}
    for j, header in enumerate(table.header):
        if not str(header).strip():
            continue
        values = table.frame.iloc[:, j]
        fld = folded_fields.get(fold(header))
        if fld is not None and fld not in fmt.money:
            continue                    # a known non-money field (ids, quantities, dates, text)
        role = fmt.money.get(fld, "") if fld is not None else ""
        if fld is None and not money_like(header, values):
            continue
        amounts = _amounts(values, parse_money_text, decimal_comma)
        if role == "order" and order is not None:
            has = amounts.ne(0)
            first = ~order[has].duplicated()
            amounts = amounts.where(amounts.index.isin(first[first].index), 0.0)
        elif role == "unit" and qty is not None:
            amounts = amounts * _amounts(qty, parse_money_text, False)
        if header in out:               # the same header twice: keep both, apart
            header = f"{header} ({j + 1})"
        out[header] = amounts
        roles[header] = role
    return pd.DataFrame(out, index=table.frame.index), roles


def _amounts(values: pd.Series, parse_money_text, decimal_comma) -> pd.Series:
    """Amounts of a text column, each distinct value parsed once (unreadable or blank -> 0)."""
    codes, uniques = pd.factorize(values.to_numpy(dtype=object), use_na_sentinel=False)
    parsed = np.array([_amount(v, parse_money_text, decimal_comma) for v in uniques] or [0.0], dtype="float64")
    return pd.Series(parsed[codes], index=values.index, dtype="float64")


def _amount(v, parse_money_text, decimal_comma) -> float:
    try:
        x = parse_money_text(v, decimal_comma=decimal_comma)
    except ValueError:
        return 0.0
    return 0.0 if x is None or math.isnan(x) else float(x)


def reconcile(amounts: pd.DataFrame, roles: dict[str, str], rejected_lines: set[int],
              currency: str = "") -> list[MoneyColumn]:
    """Per money column: in the file, imported (lines not rejected), rejected, for the Import Log."""
    out = []
    rej = amounts.index.isin(list(rejected_lines))
    for col in amounts.columns:
        a = amounts[col]
        in_file = round(float(a.sum()), 2)
        rejected = round(float(a[rej].sum()), 2)
        imported = None if roles[col] in ("", "info", "tax") else round(float(a[~rej].sum()), 2)
        out.append(MoneyColumn(col, roles[col], in_file, imported, rejected, currency))
    return out
