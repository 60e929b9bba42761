"""What every importer shares: the format registry, detection by header signature, file reading
(CSV/TSV/XLSX, UTF-8/BOM/GBK), and the parsing of platform money and date strings.

A format is data (:class:`Format`): a name, the canonical sheet it feeds, the headers that
identify it (each field with the spellings seen across report versions and languages) and a
``parse`` function ``(table, ctx) -> Parsed``. Detection scores every registered format against
the first lines of a file, so the header may sit below preamble lines.
"""
from __future__ import annotations

import functools
import hashlib
import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..errors import XlreviewError
from ..model.schema import SHEETS_BY_NAME
from ..text import DEFAULT_LANGUAGE, Phrase, tr
from .files import EXCEL_CELL_LIMIT, SheetRows, TextLines, UnreadableFileError, read_sheets
from .notes import note
from .reconcile import MoneyColumn, line_amounts, reconcile

#: How many lines from the top of a file may hold preamble before the header.
HEADER_SCAN_LINES = 40


class ImportError_(XlreviewError):
    """Base of the importers' errors (kept apart from the builtin ``ImportError``)."""


class UnreadableFile(ImportError_):
    """The file is missing, empty or not a text/xlsx export."""


class UnknownFormat(ImportError_):
    """No registered format matches; the message names the closest ones and their missing headers."""

    def __init__(self, path, candidates: list[FormatMatch]):
        self.path = Path(path)
        self.candidates = candidates
        super().__init__("import_unknown_format", file=self.path.name)

    def message(self, lang: str = DEFAULT_LANGUAGE) -> str:
        lines = [tr("msg.import_unknown_format", lang, file=self.path.name)]
        if self.candidates:
            lines.append(tr("msg.import_closest_formats", lang))
            for m in self.candidates:
                miss = ", ".join(f'"{h}"' for h in m.missing) or "-"
                lines.append(tr("msg.import_closest_format", lang, label=m.format.label, name=m.format.name,
                                share=f"{m.score:.0%}", missing=miss))
        return "\n".join(lines)


# ----------------------------------------------------------------------------- header folding
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"), "-")
_QUOTES = dict.fromkeys(map(ord, "\"'\u2018\u2019\u201a\u201c\u201d\u201e\u00ab\u00bb"), None)


def fold(text: object) -> str:
    """Fold a header for matching: NFKC, dashes, case, quotes, `-`/`_`/spaces; keeps `(#)` etc."""
    s = unicodedata.normalize("NFKC", str(text)).translate(_DASHES).translate(_QUOTES).strip().lower()
    s = re.sub(r"[\s_\-]+", " ", s)
    return s.strip()


# ----------------------------------------------------------------------------- formats
@dataclass
class Parsed:
    """What a format's ``parse`` returns: canonical frames plus the bookkeeping of every file row.

    ``used`` holds the file line numbers that went into a canonical row; every other data line
    must be in ``rejected``. ``total_before`` / ``total_after`` are per-currency sums of the
    format's reconciliation figure (``money_label``) over all rows / the imported rows.
    """

    frames: dict[str, pd.DataFrame]
    used: set[int]
    rejected: list[Rejected]
    total_before: dict[str, float] = field(default_factory=dict)
    total_after: dict[str, float] = field(default_factory=dict)
    notes: list[Phrase] = field(default_factory=list)      # what the log should say (booked FX rate, spread periods)


@dataclass(frozen=True)
class Format:
    name: str                       # registry key, e.g. "amazon_all_orders"
    family: str                     # amazon / ebay / shopify / tiktok / mabang / dianxiaomi
    label: str                      # what the seller calls it (en / zh)
    sheet: str                      # main canonical sheet it feeds
    fields: dict[str, tuple[str, ...]]   # field -> header spellings (first = documented one)
    required: tuple[str, ...]       # fields that identify the format (the signature)
    parse: Callable[[RawTable, Context], Parsed]
    mode: str = "add"               # add: skip rows already present; merge: set columns on existing rows
    money_label: str = ""           # which figure the Import Log reconciles
    skip_after_header: Callable[[list[str]], bool] | None = None   # e.g. TikTok's description row
    #: every money-like source field -> its role (see :data:`MONEY_ROLES`); a money-like column of a file
    #: that no field of the format names is reported as having no role.
    money: dict[str, str] = field(default_factory=dict)
    order_field: str = "order_id"   # the field grouping lines into orders (grain of ``order`` amounts)
    id_fields: tuple[str, ...] = ()  # fields holding long ids (checked for Excel's rounding)

    def folded(self, fld: str) -> tuple[str, ...]:
        return _folded(self.fields[fld])


@functools.cache
def _folded(spellings: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(fold(h) for h in spellings)


REGISTRY: dict[str, Format] = {}

#: Roles of money columns: how each is summed for the reconciliation (at its own grain).
MONEY_ROLES = {
    "line": "line amount (summed over lines)",
    "order": "order-level amount repeated on each line of the order (summed once per order)",
    "unit": "unit price (summed as unit price x quantity)",
    "tax": "tax (summed over lines; not a figure of the review)",
    "fee": "fee or charge (summed over lines)",
    "info": "informational (a total or ratio of other columns; not imported)",
}


def register(fmt: Format) -> Format:
    """Add a format to the registry (modules call this at import time)."""
    REGISTRY[fmt.name] = fmt
    return fmt


@dataclass
class FormatMatch:
    format: Format
    score: float                    # share of the signature fields found
    missing: list[str]              # documented spellings of the missing signature fields
    header_row: int = 0             # 0-based index of the header among the raw rows
    sheet: str | None = None        # xlsx sheet the header was found on

    @property
    def name(self) -> str:
        return self.format.name

    @property
    def matched(self) -> int:
        return len(self.format.required) - len(self.missing)


# ----------------------------------------------------------------------------- raw tables
@dataclass
class RawTable:
    """Rows of a file below its header: ``frame`` has one str column per header (blank -> "")."""

    path: Path
    header: list[str]
    frame: pd.DataFrame             # str values, stripped; index = file line number (1-based)
    preamble: list[str]
    encoding: str = ""
    sheet: str | None = None

    def col(self, fmt: Format, fld: str) -> pd.Series | None:
        """The column for a field (first spelling present), or None."""
        folded = _folded(tuple(self.header))
        for spelling in fmt.folded(fld):
            if spelling in folded:
                return self.frame.iloc[:, folded.index(spelling)]
        return None

    def get(self, fmt: Format, fld: str, default: str = "") -> pd.Series:
        s = self.col(fmt, fld)
        return s if s is not None else pd.Series(default, index=self.frame.index, dtype=object)

    def raw(self, line: int) -> dict[str, str]:
        row = self.frame.loc[line]
        return {h: v for h, v in zip(self.header, row.tolist()) if v != ""}


@dataclass
class Rejected:
    line: int                       # file line number (xlsx: sheet row number)
    reason: Phrase                  # code + params, rendered at the edge: ``reason.render(lang)``
    raw: dict[str, str]


@dataclass
class Context:
    base_currency: str = "USD"


def read_rows(path: Path) -> list[SheetRows]:
    """Every sheet of a file as rows of strings (see :mod:`.files`); unreadable -> :class:`UnreadableFile`."""
    try:
        return read_sheets(Path(path))
    except UnreadableFileError as exc:
        raise UnreadableFile(exc.code, **exc.params) from exc


def _clean(v: str) -> str:
    # TikTok pads values with tabs so Excel keeps long ids as text; Excel "="-guards too.
    v = v.replace("\ufeff", "").strip().strip("\t").strip()
    if v.startswith('="') and v.endswith('"'):
        v = v[2:-1]
    return "" if v in ("--", "—") else v      # eBay prints "--" for an empty cell


def _header_score(fmt: Format, cells: set[str]) -> tuple[float, list[str]]:
    missing = [fmt.fields[f][0] for f in fmt.required if not (set(fmt.folded(f)) & cells)]
    return 1 - len(missing) / len(fmt.required), missing


def _data_rows(rows, header_row: int) -> int:
    if isinstance(rows, TextLines):
        return rows.filled_after(header_row)
    return sum(1 for r in rows[header_row + 1:] if any(map(str.strip, r)))


def match_formats(sheets, formats: list[Format] | None = None) -> list[FormatMatch]:
    """Score each format against each of the first lines of each sheet; best match per format.

    Of two sheets that both carry a format's header (a hidden or header-only template sheet first, the data
    on the next), the visible one with more data rows wins.
    """
    best: dict[str, tuple[tuple, FormatMatch]] = {}
    heads = [[{fold(_clean(c)) for c in row if c and c.strip()} for row in sh[1][:HEADER_SCAN_LINES]] for sh in sheets]
    data_rows: dict[tuple[int, int], int] = {}
    for fmt in formats if formats is not None else REGISTRY.values():
        for k, sh in enumerate(sheets):
            sheet, rows, _enc = sh
            visible = getattr(sh, "visible", True)
            for i, cells in enumerate(heads[k]):
                if len(cells) < 2:
                    continue
                score, missing = _header_score(fmt, cells)
                if score == 1.0 and (k, i) not in data_rows:
                    data_rows[(k, i)] = _data_rows(rows, i)
                rank = (score, score == 1.0 and visible, data_rows[(k, i)] if score == 1.0 else 0)
                cur = best.get(fmt.name)
                if cur is None or rank > cur[0]:
                    best[fmt.name] = (rank, FormatMatch(fmt, score, missing, i, sheet))
    # A full match first (the fuller signature winning a tie: "campaign + search term" beats
    # "campaign"), then the formats that found the most of their headers.
    return sorted((m for _, m in best.values()), key=lambda m: (m.score == 1.0, m.matched, m.score), reverse=True)


def sheets_left_out(sheets, m: FormatMatch) -> list[tuple[str, int]]:
    """The other sheets of a workbook export that carry ``m``'s full header and data rows, as (name, data rows).

    Only ``m.sheet`` is imported; the log and the command output name these so no row is lost without a word.
    """
    out = []
    for name, rows, _enc in sheets:
        if name is None or name == m.sheet:
            continue
        for i, row in enumerate(rows[:HEADER_SCAN_LINES]):
            cells = {fold(_clean(c)) for c in row if c and c.strip()}
            if len(cells) >= 2 and _header_score(m.format, cells)[0] == 1.0:
                if (n := _data_rows(rows, i)):
                    out.append((name, n))
                break
    return out


def closest_formats(sheets, formats: list[Format], n: int = 3) -> list[FormatMatch]:
    """The formats a refused file most resembles, by platform-distinctive headers.

    Every header cell of the file's first lines is matched against every spelling of every field of
    every format; a spelling known to k formats weighs 1/k, so a generic header (``SKU``, ``Date``,
    ``Quantity``) hardly counts while ``Verkaufsprotokollnummer`` points to eBay alone.
    """
    known: dict[str, set[str]] = {}
    for fmt in formats:
        for fld in fmt.fields:
            for sp in fmt.folded(fld):
                known.setdefault(sp, set()).add(fmt.name)
    weight = {fmt.name: 0.0 for fmt in formats}
    for _sheet, rows, _enc in sheets:
        for row in rows[:HEADER_SCAN_LINES]:
            cells = {fold(_clean(c)) for c in row if c and c.strip()}
            for c in cells:
                owners = known.get(c, ())
                for name in owners:
                    weight[name] += 1.0 / len(owners)
    matches = {m.format.name: m for m in match_formats(sheets, formats)}
    ranked = sorted((f for f in formats if weight[f.name] > 0), key=lambda f: weight[f.name], reverse=True)
    return [matches[f.name] for f in ranked[:n] if f.name in matches]


def build_table(path: Path, sheets, m: FormatMatch) -> RawTable:
    """The rows below ``m``'s header as a :class:`RawTable`: every cell cleaned (:func:`_clean`, once per
    distinct value of a column), rows cut or padded to the header's width, blank rows left out.

    A quote-free text file is read column-wise by Arrow (:meth:`.files.TextLines.columns`); other files from
    their rows. Either way each column is dictionary-encoded, so Python only sees distinct values.
    """
    sheet, rows, enc = next(s for s in sheets if s[0] == m.sheet)
    header = [_clean(c) for c in rows[m.header_row]]
    width = len(header)
    start = m.header_row + 1
    if m.format.skip_after_header and start < len(rows) and m.format.skip_after_header(rows[start]):
        start += 1
    columns = rows.columns(start, width) if isinstance(rows, TextLines) and width else None
    if columns is None:
        columns = _row_columns(rows[start:], width)
    n = len(columns[0]) if columns else len(rows) - start
    data, filled = {}, np.zeros(n, dtype=bool)
    for j, col in enumerate(columns):
        encoded = col.dictionary_encode()
        cleaned = [_clean(v) for v in encoded.dictionary.to_pylist()]
        if cleaned:
            filled |= np.array([v != "" for v in cleaned])[encoded.indices.to_numpy(zero_copy_only=False)]
        data[j] = pd.array(pa.array(cleaned, pa.large_string()).take(encoded.indices), dtype=_STR)
    frame = pd.DataFrame(data, index=pd.RangeIndex(n))
    frame.index = pd.Index(np.arange(start + 1, start + 1 + n), name="line")
    if width:
        frame = frame[filled]
    preamble = [" ".join(c for c in r if c) for r in rows[: m.header_row]]
    return RawTable(path, header, frame, preamble, enc, sheet)


#: pandas' text dtype (Arrow-backed, NaN for missing): what a frame of Python strings is inferred as
_STR = pd.StringDtype("pyarrow", na_value=np.nan)


def _row_columns(body: list[list[str]], width: int) -> list:
    """Rows of cells -> ``width`` Arrow string columns (short rows padded with "", long ones cut)."""
    pad = [""] * width
    body = [r if len(r) == width else r[:width] if len(r) > width else r + pad[len(r):] for r in body]
    columns = list(zip(*body)) if body else [()] * width
    return [pa.array(c, pa.large_string()) for c in columns]


# ----------------------------------------------------------------------------- money
_CURRENCY_SYMBOLS = {
    "US$": "USD", "CA$": "CAD", "C$": "CAD", "AU$": "AUD", "A$": "AUD", "MX$": "MXN", "NZ$": "NZD",
    "S$": "SGD", "HK$": "HKD", "R$": "BRL", "$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "￥": "JPY",
    "₹": "INR", "zł": "PLN", "kr": "SEK", "AED": "AED", "SAR": "SAR", "TL": "TRY", "₺": "TRY",
}
_ISO = re.compile(r"\b[A-Z]{3}\b")
_NUM_RE = re.compile(r"^[+-]?[\d.,' ]*\d[\d.,' ]*$")


def money_currency(text: str) -> str | None:
    """The currency a money string names (``$12`` -> USD, ``12,00 €`` -> EUR, ``EUR 12``), or None."""
    t = str(text)
    m = _ISO.search(t)
    if m and m.group(0) in {"USD", "EUR", "GBP", "JPY", "CAD", "AUD", "MXN", "CNY", "RMB", "SEK", "PLN",
                            "INR", "SGD", "HKD", "BRL", "TRY", "AED", "SAR", "NZD", "CHF"}:
        return "CNY" if m.group(0) == "RMB" else m.group(0)
    for sym in sorted(_CURRENCY_SYMBOLS, key=len, reverse=True):
        if sym in t:
            return _CURRENCY_SYMBOLS[sym]
    return None


def parse_money(text, decimal_comma: bool | None = None) -> float:
    """A platform money string as a float; blank -> NaN; unparseable -> ValueError.

    Handles ``$1,234.50``, ``US$5,000.00``, ``1.234,56 €`` (DE), ``(3.20)``, ``-3.20``, ``3.20-``,
    ``1 234,56``, ``1'234.50``. ``decimal_comma`` forces the reading of a lone comma; by default
    ``1,234`` is a thousands separator and ``12,5``/``12,50`` a decimal comma.
    """
    if text is None:
        return math.nan
    if isinstance(text, (int, float)):
        return float(text)
    s = str(text).strip().replace("\u00a0", " ").replace("\u202f", " ")
    if s in ("", "-", "--", "—", "N/A", "n/a", "nan"):
        return math.nan
    neg = False
    if s.startswith("(") and s.endswith(")"):
        neg, s = True, s[1:-1].strip()
    s = _ISO.sub("", s)
    for sym in sorted(_CURRENCY_SYMBOLS, key=len, reverse=True):
        s = s.replace(sym, "")
    s = s.strip()
    if s.endswith("-"):
        neg, s = not neg, s[:-1].strip()
    if s.startswith("-"):
        neg, s = not neg, s[1:].strip()
    elif s.startswith("+"):
        s = s[1:].strip()
    s = s.replace("%", "")
    if not s or not _NUM_RE.match(s):
        raise ValueError(f"not an amount: {text!r}")
    s = s.replace(" ", "").replace("'", "")
    if "," in s and "." in s:
        dec = "," if s.rfind(",") > s.rfind(".") else "."
    elif "," in s:
        if s.count(",") > 1:
            dec = "."
        elif decimal_comma is not None:
            dec = "," if decimal_comma else "."
        else:
            dec = "." if re.search(r",\d{3}$", s) else ","
    elif "." in s and s.count(".") > 1:
        dec = ","
    elif "." in s and decimal_comma and re.search(r"\.\d{3}$", s):
        dec = ","                      # DE "1.234" = one thousand two hundred thirty-four
    else:
        dec = "."
    thou = "," if dec == "." else "."
    s = s.replace(thou, "").replace(dec, ".")
    value = float(s)
    return -value if neg else value


# ----------------------------------------------------------------------------- dates
_TZ_ABBR = {
    "UTC": 0, "GMT": 0, "Z": 0, "PST": -8, "PDT": -7, "MST": -7, "MDT": -6, "CST": -6, "CDT": -5,
    "EST": -5, "EDT": -4, "AKST": -9, "AKDT": -8, "HST": -10, "BST": 1, "CET": 1, "CEST": 2,
    "MEZ": 1, "MESZ": 2, "WET": 0, "WEST": 1, "EET": 2, "EEST": 3, "JST": 9, "KST": 9, "IST": 5.5,
    "AEST": 10, "AEDT": 11, "SGT": 8, "HKT": 8, "CST+8": 8,
}
_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)}
_MONTHS.update({"mär": 3, "mrz": 3, "mai": 5, "okt": 10, "dez": 12, "sept": 9,
                # fr / it / es abbreviations as Amazon prints them in its local reports
                "janv": 1, "févr": 2, "fevr": 2, "fév": 2, "avr": 4, "juin": 6, "juil": 7, "août": 8, "aout": 8,
                "déc": 12, "gen": 1, "mag": 5, "giu": 6, "lug": 7, "ago": 8, "set": 9, "ott": 10, "dic": 12,
                "ene": 1, "abr": 4})
_MONTH_WORD = r"([^\W\d_]{3,5})"


def _tz_of(text: str) -> tuple[str, timezone | None]:
    m = re.search(r"\s*(?:([A-Z]{1,4}T?|MESZ|MEZ|UTC|GMT)\s*)?([+-]\d{2}:?\d{2})?\s*$", text)
    tz = None
    if m and (m.group(1) or m.group(2)):
        if m.group(2):
            off = m.group(2).replace(":", "")
            hours = int(off[1:3]) + int(off[3:5]) / 60
            tz = timezone(timedelta(hours=hours if off[0] == "+" else -hours))
        elif m.group(1) in _TZ_ABBR:
            tz = timezone(timedelta(hours=_TZ_ABBR[m.group(1)]))
        else:
            return text, None
        text = text[: m.start()].strip()
    return text, tz


def parse_datetime(text, day_first: bool = False) -> datetime | None:
    """A platform date/time string as a datetime (aware when the text names an offset/zone).

    Blank -> None; unparseable -> ValueError. Accepts ISO 8601 (``2026-03-01T08:04:21+00:00``),
    ``2026/3/1 10:00``, ``Jan 15, 2026 12:00:00 AM PST``, ``1 May 2026 10:00:00 am UTC``,
    ``15.01.2026 10:00:00 UTC``, ``Sep-27-26``, ``10/03/2026 9:15:02 AM`` (month first unless
    ``day_first``), ``2026-08-04 05:24:22 +0500`` and Excel date serials.
    """
    if text is None:
        return None
    if isinstance(text, datetime):
        return text
    if isinstance(text, date):
        return datetime(text.year, text.month, text.day)
    s = str(text).strip()
    if not s:
        return None
    if re.fullmatch(r"\d{5}(\.\d+)?", s):            # Excel serial from an xlsx
        return datetime(1899, 12, 30) + timedelta(days=float(s))
    s = s.replace("T", " ") if re.match(r"\d{4}-\d{2}-\d{2}T", s) else s
    s = re.sub(r"\s+", " ", s)
    body, tz = _tz_of(s)
    ampm = None
    m = re.search(r"\s?(am|pm|AM|PM|a\.m\.|p\.m\.|上午|下午)\s*$", body)
    if m:
        ampm = "pm" if m.group(1).lower().startswith(("p", "下")) else "am"
        body = body[: m.start()].strip()
    t = re.search(r"(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$", body)
    hh = mm = ss = 0
    if t:
        hh, mm, ss = int(t.group(1)), int(t.group(2)), int(t.group(3) or 0)
        body = body[: t.start()].strip().rstrip(",").strip()
        if ampm == "pm" and hh < 12:
            hh += 12
        if ampm == "am" and hh == 12:
            hh = 0
    y = mo = d = None
    if (m := re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", body)):
        y, mo, d = map(int, m.groups())
    elif (m := re.fullmatch(r"(\d{1,2})[./-](\d{1,2})[./-](\d{2,4})", body)):
        a, b, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
        dotted = "." in body
        if dotted or day_first or a > 12:
            d, mo = a, b
        else:
            mo, d = a, b
    elif (m := re.fullmatch(_MONTH_WORD + r"\.?[ -](\d{1,2}),?[ -](\d{2,4})", body)):
        mo, d, y = _month(m.group(1)), int(m.group(2)), int(m.group(3))
    elif (m := re.fullmatch(r"(\d{1,2})\.?[ -]" + _MONTH_WORD + r"\.?,?[ -](\d{2,4})", body)):
        d, mo, y = int(m.group(1)), _month(m.group(2)), int(m.group(3))
    if not (y and mo and d):
        raise ValueError(f"not a date: {text!r}")
    if y < 100:
        y += 2000
    out = datetime(y, mo, d, hh, mm, ss)
    return out.replace(tzinfo=tz) if tz else out


def _month(word: str) -> int | None:
    w = word.lower()
    return _MONTHS.get(w) or _MONTHS.get(w[:4]) or _MONTHS.get(w[:3])


_NUMERIC_DATE = re.compile(r"^\s*(\d{1,2})[/-](\d{1,2})[/-](\d{2,4})\b")


def date_order(values: pd.Series, what: str, default_day_first: bool | None = None) -> bool:
    """Whether a file's ``nn/nn/yyyy`` dates are day-first, decided once for the whole file (never per cell).

    A first number above 12 anywhere means day-first, a second number above 12 month-first; both in one
    file is an error. When no value decides, the marketplace's custom (``default_day_first``) applies;
    without one, dates whose two numbers differ are truly ambiguous and the file is refused.
    """
    distinct = pd.Series(pd.unique(values.astype(str)), dtype=object)
    parts = distinct.str.extract(_NUMERIC_DATE).dropna()
    if parts.empty:
        return bool(default_day_first)
    a, b = parts[0].astype(int), parts[1].astype(int)
    if (a > 12).any() and (b > 12).any():
        raise ImportError_("import_mixed_date_order", column=what, day_first=distinct[(a > 12).idxmax()],
                           month_first=distinct[(b > 12).idxmax()])
    if (a > 12).any():
        return True
    if (b > 12).any():
        return False
    if default_day_first is not None:
        return default_day_first
    if (a != b).any():
        raise ImportError_("import_ambiguous_date_order", column=what, value=distinct[(a != b).idxmax()])
    return False


def local_day(ts: datetime | None, tz: str | None = None) -> date | None:
    """The calendar day of a timestamp where the order was placed.

    An aware timestamp is converted to ``tz`` (the marketplace's zone) when given; otherwise its
    own wall clock is the local one (Shopify, Amazon's payment reports print local time).
    """
    if ts is None:
        return None
    if tz and ts.tzinfo is not None:
        ts = ts.astimezone(ZoneInfo(tz))
    return ts.date()


# ----------------------------------------------------------------------------- frame helpers
def per_value(values: pd.Series, func: Callable) -> pd.Series:
    """``values.map(func)`` with ``func`` called once per distinct value (a file's columns repeat few values:
    channels, countries, days), same index."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    out = np.empty(len(uniques), dtype=object)
    out[:] = [func(v) for v in uniques]
    return pd.Series(out[codes], index=values.index)


def parse_column(values: pd.Series, parser: Callable, what: str, problems: dict[int, Phrase], **kw) -> pd.Series:
    """Parse a column at the edge, each distinct value once; unparseable cells add a problem for their line."""
    codes, uniques = pd.factorize(values.to_numpy(dtype=object), use_na_sentinel=False)
    parsed, failed = [], []
    for v in uniques:
        try:
            parsed.append(parser(v, **kw))
            failed.append(False)
        except ValueError:
            parsed.append(None)
            failed.append(True)
    if any(failed):
        for line, v, bad in zip(values.index, values, np.array(failed)[codes]):
            if bad:
                problems.setdefault(line, note("reject_unreadable", column=what, value=v))
    out = np.empty(len(parsed), dtype=object)
    out[:] = parsed
    return pd.Series(out[codes], index=values.index, dtype=object)


def money(values: pd.Series, what: str, problems: dict[int, str], decimal_comma=None) -> pd.Series:
    return pd.to_numeric(parse_column(values, parse_money, what, problems, decimal_comma=decimal_comma),
                         errors="coerce")


def days(values: pd.Series, what: str, problems: dict[int, str], tz: str | pd.Series | None = None,
         day_first: bool | None = None, default_day_first: bool | None = None) -> pd.Series:
    """Calendar days of a date/time column; ``nn/nn/yyyy`` read day- or month-first as
    :func:`date_order` decides for the whole column (unless ``day_first`` is given).

    Each distinct text is parsed once and each distinct (time stamp, zone) pair turned into a day once."""
    if day_first is None:
        day_first = date_order(values, what, default_day_first)
    stamps = parse_column(values, parse_datetime, what, problems, day_first=day_first)
    zones = tz if isinstance(tz, pd.Series) else pd.Series(tz, index=values.index, dtype=object)
    # by text, not by stamp: two texts of one instant at different offsets can fall on different days
    text_codes, _ = _codes(values)
    zone_codes, zone_values = _codes(zones)
    _, pair_first, pair_codes = np.unique(text_codes * len(zone_values) + zone_codes,
                                          return_index=True, return_inverse=True)
    stamp_of, zone_of = stamps.to_numpy(dtype=object), np.array(zone_values, dtype=object)[zone_codes]
    out = np.empty(len(pair_first), dtype=object)
    out[:] = [local_day(stamp_of[i], z if isinstance(z := zone_of[i], str) else None) for i in pair_first]
    return pd.Series(out[pair_codes], index=values.index, dtype=object)


def _codes(values: pd.Series) -> tuple[np.ndarray, list]:
    """(int64 code per value, distinct values); every missing value (None, NaN) is the one value None."""
    codes, uniques = pd.factorize(values.to_numpy(dtype=object))
    return np.where(codes < 0, len(uniques), codes).astype(np.int64), [*uniques, None]


def canonical_frame(sheet: str, data: dict[str, object], index) -> pd.DataFrame:
    """A frame with exactly the sheet's canonical columns (absent ones blank), in schema order."""
    spec = SHEETS_BY_NAME[sheet]
    out = pd.DataFrame(index=index)
    for key in spec.keys:
        v = data.get(key)
        out[key] = v if v is not None else None
    out.index.name = "line"
    return out


def account_costs(rows, *, date: pd.Series, amount: pd.Series, channel, sku, currency, description: pd.Series,
                  ref: pd.Series, kind_from: tuple[pd.Series, ...]) -> pd.DataFrame:
    """Costs rows (DATA_MODEL.md Costs) of a transaction report's account-level rows (``rows``: their lines).

    ``amount`` is the row's charge (positive = cost, negative = credit); ``kind`` comes from ``kind_from``
    (description, type...) through :func:`.vocab.cost_kind_of`, the vocabulary of every language.
    """
    from .vocab import cost_kind_of

    index = date.index
    kind = pd.Series([cost_kind_of(*parts) for parts in zip(*kind_from)], index=index, dtype=object)
    return canonical_frame("Costs", {
        "date": date, "kind": kind, "amount": amount, "channel": channel, "sku": sku, "currency": currency,
        "description": description, "ref": ref,
    }, index).loc[rows]


def totals(values: pd.Series, currency: pd.Series) -> dict[str, float]:
    """Per-currency sum of a money column (NaN counts 0), rounded to cents."""
    if values is None or len(values) == 0:
        return {}
    frame = pd.DataFrame({"v": pd.to_numeric(values, errors="coerce").fillna(0.0), "c": currency.astype(str)})
    return {c: round(float(v), 2) for c, v in frame.groupby("c")["v"].sum().items()}


def reject_lines(table: RawTable, lines, reason: Phrase | pd.Series) -> list[Rejected]:
    """Rejected rows of ``lines`` with one reason, or each line's own (a Series of Phrases)."""
    lines = list(lines)
    if isinstance(reason, pd.Series):
        return [Rejected(int(ln), reason.loc[ln], table.raw(ln)) for ln in lines]
    return [Rejected(int(ln), reason, table.raw(ln)) for ln in lines]


def split_rejects(table: RawTable, reasons: pd.Series) -> tuple[pd.Index, list[Rejected]]:
    """Lines kept (no reason) and the rejected ones."""
    bad = reasons[reasons.notna()]
    return reasons.index.difference(bad.index), reject_lines(table, bad.index, bad)


def first_reason(index, *checks: tuple[pd.Series, Phrase] | dict[int, Phrase]) -> pd.Series:
    """The first failing check per line (a :class:`~xlreview.text.Phrase`, or None when every check passes).

    Each check is ``(mask_of_failures, note)`` or ``{line: note}``; a parameter of the note given as a Series
    (the row's own status or type) is taken per line.
    """
    out = pd.Series(None, index=index, dtype=object)
    for chk in reversed(checks):
        if isinstance(chk, dict):
            s = pd.Series(chk, dtype=object).reindex(index)
            out = s.where(s.notna(), out)
            continue
        mask, reason = chk
        mask = mask.reindex(index, fill_value=False).astype(bool) if isinstance(mask, pd.Series) \
            else pd.Series(bool(mask), index=index)
        if not mask.any():
            continue
        per_line = {k for k, v in reason.params if isinstance(v, pd.Series)}
        if per_line:
            notes = [Phrase(reason.code, tuple((k, v.loc[ln] if k in per_line else v) for k, v in reason.params))
                     for ln in mask[mask].index]
        else:
            notes = [reason] * int(mask.sum())
        out.loc[mask[mask].index] = pd.Series(notes, index=mask[mask].index, dtype=object)
    return out


def blank(s: pd.Series) -> pd.Series:
    return s.fillna("").astype(str).str.strip() == ""


def fill_down_groups(frame: pd.DataFrame, key: str, cols: list[str]) -> pd.DataFrame:
    """Fill order-level cells left blank on an order's later rows (merged cells, Shopify, ERPs)."""
    out = frame.copy()
    out[key] = out[key].replace("", pd.NA).ffill().fillna("")
    for c in cols:
        if c in out:
            out[c] = out[c].replace("", pd.NA).groupby(out[key]).ffill().fillna("")
    return out


def first_of_group(keys: pd.Series) -> pd.Series:
    """True on the first line of each group (order-level money goes on one line only)."""
    return ~keys.duplicated()


COUNTRY_NAMES = {
    "united states": "US", "usa": "US", "united states of america": "US", "us": "US", "美国": "US",
    "united kingdom": "GB", "uk": "GB", "great britain": "GB", "英国": "GB", "germany": "DE", "deutschland": "DE",
    "德国": "DE", "france": "FR", "法国": "FR", "italy": "IT", "意大利": "IT", "spain": "ES", "西班牙": "ES",
    "canada": "CA", "加拿大": "CA", "japan": "JP", "日本": "JP", "australia": "AU", "澳大利亚": "AU",
    "mexico": "MX", "墨西哥": "MX", "netherlands": "NL", "荷兰": "NL", "poland": "PL", "sweden": "SE",
    "belgium": "BE", "ireland": "IE", "austria": "AT", "china": "CN", "中国": "CN", "brazil": "BR",
    "india": "IN", "singapore": "SG", "united arab emirates": "AE", "saudi arabia": "SA", "turkey": "TR",
    "new zealand": "NZ", "switzerland": "CH", "malaysia": "MY", "philippines": "PH", "thailand": "TH",
    "vietnam": "VN", "indonesia": "ID",
}


def country_code(value: str) -> str:
    v = str(value or "").strip()
    if len(v) == 2 and v.isalpha():
        return v.upper()
    return COUNTRY_NAMES.get(v.lower(), v)


def parse_count(text) -> float:
    """A count such as ``1,234`` / ``1.234`` (DE) / ``12``; blank -> NaN; fractions -> ValueError."""
    s = str(text if text is not None else "").strip().replace("\u00a0", " ")
    if s == "":
        return math.nan
    if re.fullmatch(r"\d{1,3}([.,' ]\d{3})+", s):
        s = re.sub(r"[.,' ]", "", s)
    value = parse_money(s, decimal_comma=False)
    if math.isnan(value):
        return value
    if not float(value).is_integer():
        raise ValueError(f"not a whole number: {text!r}")
    return value


def counts(values: pd.Series, what: str, problems: dict[int, str]) -> pd.Series:
    return pd.to_numeric(parse_column(values, parse_count, what, problems), errors="coerce")


def sniff_decimal_comma(*columns: pd.Series | None) -> bool | None:
    """True when a file's amounts use a decimal comma (``12,50``), False for a point, None if unsure."""
    comma = point = 0
    for col in columns:
        if col is None:
            continue
        seen = col.astype(str).value_counts(dropna=False)    # each distinct text tested once, weighted
        text = seen.index.to_series()
        comma += int(seen[text.str.contains(r"\d,\d{2}(?:\D*)$", regex=True).to_numpy()].sum())
        point += int(seen[text.str.contains(r"\d\.\d{2}(?:\D*)$", regex=True).to_numpy()].sum())
    if comma == point:
        return None
    return comma > point


#: the ASCII characters Python's ``str.strip`` removes
_ASCII_SPACE = "".join(chr(c) for c in range(128) if chr(c).isspace())


def key_texts(values: pd.Series) -> np.ndarray:
    """:func:`key_text` of every value of ``values`` (an object ndarray), computed once per distinct value.

    Distinct strings are folded with pandas' vectorised string methods; other distinct values
    (numbers, dates, blanks) go through :func:`key_text`.
    """
    codes, uniques = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=False)
    uniques = pd.Series(uniques, dtype=object)
    is_str = uniques.map(type).eq(str).to_numpy()
    out = np.empty(len(uniques), dtype=object)
    if is_str.any():
        text = pa.array(uniques[is_str].to_numpy(dtype=object), pa.large_string())
        if pc.all(pc.string_is_ascii(text)).as_py():   # NFKC changes no ASCII text; casefold is lower
            out[is_str] = pc.utf8_lower(pc.utf8_trim(text, _ASCII_SPACE)).to_numpy(zero_copy_only=False)
        else:
            out[is_str] = uniques[is_str].str.normalize("NFKC").str.strip().str.casefold().to_numpy(dtype=object)
    if (~is_str).any():
        out[~is_str] = [key_text(v) for v in uniques[~is_str]]
    return out[codes]


def _merge_cols_text(values) -> str:
    return ",".join(sorted({p for v in values if isinstance(v, str) for p in v.split(",") if p}))


def collapse(frame: pd.DataFrame, key: list[str]) -> pd.DataFrame:
    """One row per dedupe key: numbers summed, text first non-blank (merge flags unioned).

    Rows of one file sharing a key (two search-term rows of one ad group, an order split in
    shipments) must add up, or the second would be taken for a duplicate and lost.

    ``frame``: canonical columns plus the helpers ``_lines`` (file line numbers, text),
    ``_merge_cols`` (comma-separated canonical keys) and ``_can_add`` (bool). Returns the same
    columns, groups in order of first appearance: numeric columns summed (NaN when every value is
    blank), other columns the first non-blank value (None, NaN, NaT and "" are blank), ``_can_add``
    any, ``_lines`` joined with commas, ``_merge_cols`` the sorted union. Vectorised: only groups
    of more than one row reach Python, for the two text helpers.
    """
    if frame.empty:
        return frame
    keys = pd.DataFrame({i: key_texts(frame[k].to_numpy(dtype=object)) for i, k in enumerate(key)})
    gid = keys.groupby(list(keys.columns), sort=False).ngroup().to_numpy()
    _, first = np.unique(gid, return_index=True)      # gid counts groups in order of first appearance
    sizes = np.bincount(gid)
    out = frame.iloc[first].reset_index(drop=True)
    multi = sizes[gid] > 1
    for c in frame.columns:
        col = frame[c]
        if c == "_merge_cols":
            codes, uniques = pd.factorize(col.astype(object).where(col.notna(), ""))
            normal = np.array([_merge_cols_text([u]) for u in uniques] or [""], dtype=object)
            values = normal[codes[first]]
            if multi.any():
                joined = col[multi].groupby(gid[multi], sort=False).agg(_merge_cols_text)
                values[joined.index.to_numpy()] = joined.to_numpy(dtype=object)
            out[c] = values
        elif c == "_can_add":
            out[c] = col.astype(bool).groupby(gid, sort=False).any().to_numpy()
        elif c == "_lines":
            values = col.astype(str).to_numpy(dtype=object)[first]
            if multi.any():
                joined = col[multi].astype(str).groupby(gid[multi], sort=False).agg(",".join)
                values[joined.index.to_numpy()] = joined.to_numpy(dtype=object)
            out[c] = values
        elif pd.api.types.is_numeric_dtype(col):
            out[c] = col.groupby(gid, sort=False).sum(min_count=1).to_numpy()
        elif multi.any():
            blank = col.isna().to_numpy() | (col.astype(str).to_numpy() == "")
            found = col.where(~blank).groupby(gid, sort=False).first()   # first non-null of each group
            has = pd.Series(~blank).groupby(gid, sort=False).any().to_numpy()
            out[c] = out[c].where(~has, pd.Series(found.to_numpy(), dtype=col.dtype))
    return out[frame.columns]


def key_text(v) -> str:
    """A dedupe key part: dates as ISO days, whole floats as ints, text stripped and case-folded."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    if isinstance(v, datetime):
        return v.date().isoformat()
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    try:
        if pd.isna(v):
            return ""
    except (TypeError, ValueError):
        pass
    return unicodedata.normalize("NFKC", str(v)).strip().casefold()


#: The dedupe key of each canonical sheet: a row whose key is already in the sheet is skipped.
DEDUPE_KEYS: dict[str, list[str]] = {
    "Orders": ["channel", "order_id", "sku"],
    "Ads": ["date", "channel", "campaign", "ad_group", "keyword", "sku"],
    "Traffic": ["date", "channel", "sku", "source"],
    "Products": ["sku"],
    "Costs": ["ref"],
    "UnitCosts": ["sku", "effective_from"],
}


# ----------------------------------------------------------------------------- the batch
@dataclass
class ImportBatch:
    """One export file read into canonical frames, with the bookkeeping of every file row.

    ``frames`` maps a DATA_MODEL sheet name ("Orders", "Ads", "Traffic", "Products") to a frame
    with exactly that sheet's canonical columns, one row per dedupe key. ``merge`` holds, for
    formats that complete existing rows (fees, refunds, stock), which columns each row sets
    (``_merge_cols``) and whether it may be appended when its row is absent (``_can_add``).
    ``rows_read == rows_imported + len(rejected)``.
    """

    path: Path
    format: str
    label: str
    mode: str
    frames: dict[str, pd.DataFrame]
    rows_read: int
    rows_imported: int
    rejected: list[Rejected]
    totals_before: dict[str, float]
    totals_after: dict[str, float]
    money_label: str = ""
    encoding: str = ""
    merge: dict[str, pd.DataFrame] = field(default_factory=dict)
    #: per money-like source column: amounts per file line at the column's grain, and the column's role
    money_lines: pd.DataFrame = field(default_factory=pd.DataFrame)
    money_roles: dict[str, str] = field(default_factory=dict)
    notes: list[Phrase] = field(default_factory=list)

    def money_columns(self, rejected_lines: set[int] | None = None) -> list[MoneyColumn]:
        """The reconciliation of every money column (in the file = imported + rejected), for the log."""
        lines = {r.line for r in self.rejected} if rejected_lines is None else rejected_lines
        cur = ",".join(sorted({c for f in self.frames.values() if "currency" in f for c in f["currency"].dropna()
                               if str(c)}))
        return reconcile(self.money_lines, self.money_roles, lines, cur)


def _formats_for(source: str | None) -> list[Format]:
    if not source:
        return list(REGISTRY.values())
    s = fold(source).replace(" ", "_")
    exact = [f for f in REGISTRY.values() if f.name == s]
    fam = [f for f in REGISTRY.values() if f.family == s or f.family == s.split("_")[0]]
    chosen = exact or fam
    if not chosen:
        names = ", ".join(sorted({f.family for f in REGISTRY.values()} | set(REGISTRY)))
        raise ImportError_("import_unknown_source", source=source, names=names)
    return chosen


def detect(path, source: str | None = None) -> FormatMatch:
    """The best matching format of a file (score 1.0 = every signature header found).

    Never raises for an unknown file: the returned match then has ``score < 1`` and lists the
    missing headers. Use :func:`read_export` to import.
    """
    sheets = read_rows(Path(path))
    matches = match_formats(sheets, _formats_for(source))
    if not matches:
        raise UnknownFormat(path, [])
    return matches[0]


def read_export(path, source: str | None = None, base_currency: str = "USD") -> ImportBatch:
    """Read one downloaded report into canonical frames.

    Parameters
    ----------
    path : the exported file (CSV, TSV/TXT or XLSX; UTF-8, UTF-8 BOM or GBK/GB18030).
    source : a format name (``amazon_all_orders``) or family (``amazon``) to skip detection.
    base_currency : currency assumed when neither the file nor the marketplace names one.

    Raises
    ------
    UnknownFormat : no format matches all its signature headers; the message names the
        three closest formats and the headers each is missing.
    """
    path = Path(path)
    sheets = read_rows(path)
    formats = _formats_for(source)
    matches = match_formats(sheets, formats)
    if not matches or matches[0].score < 1.0:
        raise UnknownFormat(path, closest_formats(sheets, formats) or [m for m in matches if m.score > 0][:3]
                            or matches[:3])
    m = matches[0]
    fmt = m.format
    table = build_table(path, sheets, m)
    refused = _refuse_unholdable(table, fmt) + _refuse_rounded_ids(table, fmt)
    refused_lines = {r.line for r in refused}
    whole = table
    if refused_lines:
        table = RawTable(table.path, table.header, table.frame.drop(index=sorted(refused_lines)), table.preamble,
                         table.encoding, table.sheet)
    parsed = fmt.parse(table, Context(base_currency=base_currency.upper()))
    rejected = refused + list(parsed.rejected)
    accounted = set(parsed.used) | {r.line for r in rejected}
    rejected += reject_lines(table, [ln for ln in table.frame.index if ln not in accounted],
                             note("reject_not_recognised"))
    used = set(parsed.used) - {r.line for r in rejected}
    frames, merge = {}, {}
    for sheet, frame in parsed.frames.items():
        if frame.empty:
            continue
        frame = frame.assign(_lines=[str(i) for i in frame.index])
        if "_ref" not in frame:         # rows with their own reference are applied one by one (added once each)
            frame = collapse(frame, DEDUPE_KEYS.get(sheet, [c for c in frame.columns if not c.startswith("_")]))
        helpers = [c for c in frame.columns if c.startswith("_")]
        if helpers:
            merge[sheet] = frame[helpers].reset_index(drop=True)
        frames[sheet] = frame.drop(columns=helpers).reset_index(drop=True)
    amounts, roles = line_amounts(whole, fmt, parse_money,
                                  sniff_decimal_comma(*(whole.col(fmt, fld) for fld in fmt.money)))
    notes = list(parsed.notes)
    for sh in sheets:
        if getattr(sh, "name", None) == m.sheet:
            notes += [note("notice_repaired_" + n) for n in getattr(sh, "notes", ())]
    left_out = sheets_left_out(sheets, m)
    if left_out:
        notes.append(note("notice_sheets_left_out", sheet=m.sheet, rows=len(whole.frame),
                          left_out=", ".join(f"{name} ({rows})" for name, rows in left_out)))
    return ImportBatch(
        path=path, format=fmt.name, label=fmt.label, mode=fmt.mode, frames=frames,
        rows_read=len(whole.frame), rows_imported=len(used), rejected=sorted(rejected, key=lambda r: r.line),
        totals_before=parsed.total_before, totals_after=parsed.total_after, money_label=fmt.money_label,
        encoding=table.encoding, merge=merge, money_lines=amounts, money_roles=roles, notes=notes)


def occurrence_refs(parts: pd.DataFrame, prefix: str) -> pd.Series:
    """A stable reference per row from the row's own identity (the source has no transaction id): the same
    settlement, time, type, order, sku, description and amount twice in one file are told apart by their
    occurrence number, so a re-import gives the same references."""
    key = parts.astype(str).agg("|".join, axis=1)
    n = key.groupby(key).cumcount().astype(str)
    digest = (key + "#" + n).map(lambda k: hashlib.sha1(k.encode("utf-8")).hexdigest()[:12])
    return prefix + parts.iloc[:, 0].astype(str) + "-" + digest


def _refuse_unholdable(table: RawTable, fmt: Format) -> list[Rejected]:
    """Rows with a cell longer than an Excel cell can hold, in a column the format reads: refused, never cut
    (a cut value would change the row's dedupe key, and a re-import would add the row again)."""
    read = {sp for fld in fmt.fields for sp in fmt.folded(fld)}
    out = []
    for j, h in enumerate(table.header):
        if fold(h) not in read:
            continue
        long = table.frame.iloc[:, j].str.len() > EXCEL_CELL_LIMIT
        for ln in long[long].index:
            raw = {k: (v[:200] + "...") if len(v) > 200 else v for k, v in table.raw(ln).items()}
            out.append(Rejected(int(ln), note("reject_cell_too_long", column=h, length=len(table.frame.at[ln, j]),
                                              limit=EXCEL_CELL_LIMIT), raw))
    return out


#: An id Excel turned into a number: scientific notation (``5.77301E+17``) or 15 significant digits then
#: at least 3 zeros (Excel keeps 15 digits: https://learn.microsoft.com/en-us/office/troubleshoot/excel/long-numbers-incorrectly-in-excel).
_ROUNDED_ID = re.compile(r"^(\d(\.\d+)?[eE]\+?\d+|\d{15}0{3,})$")


def _refuse_rounded_ids(table: RawTable, fmt: Format) -> list[Rejected]:
    out, seen = [], set()
    for fld in fmt.id_fields:
        col = table.col(fmt, fld)
        if col is None:
            continue
        bad = col.str.strip().str.match(_ROUNDED_ID)
        for ln in bad[bad].index:
            if ln in seen:
                continue
            seen.add(ln)
            out.append(Rejected(int(ln), note("reject_rounded_id", value=col[ln], column=fmt.fields[fld][0]),
                                table.raw(ln)))
    return out
