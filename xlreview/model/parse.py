"""Vectorised parsing of raw cell values (as a reader returns them) into typed pandas columns.

Each parser takes an object Series of raw cell values (str, float, int, bool, date, datetime,
None/"" for empty) and returns ``(values, bad)``: the typed Series and a boolean mask of
non-empty cells that could not be parsed. Empty cells are never "bad"; callers decide
whether an empty cell is an error (required) or a default.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata

import numpy as np
import pandas as pd

EXCEL_ERRORS = {"#N/A", "#VALUE!", "#REF!", "#DIV/0!", "#NUM!", "#NAME?", "#NULL!", "#SPILL!", "#CALC!",
                "#GETTING_DATA", "#N/A N/A"}
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")
# dates a review can hold: Excel's own dates start in 1900; 2200 is far past any plan and well inside
# pandas' datetime64[ns] range (1677-2262), so 9999-12-31 is a bad cell, not an OutOfBoundsDatetime
FIRST_DATE, LAST_DATE = pd.Timestamp("1900-01-01"), pd.Timestamp("2200-12-31")
_LAST_SERIAL = (LAST_DATE - _EXCEL_EPOCH).days + 1

_CURRENCY_TOKENS = re.compile(r"(US\$|CA\$|AU\$|HK\$|NZ\$|C\$|A\$|RMB|CNY|USD|EUR|GBP|JPY|CAD|AUD|MXN|[$€£¥￥₩₹])",
                              re.IGNORECASE)
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def _nfkc(s: pd.Series) -> pd.Series:
    return s.map(lambda v: unicodedata.normalize("NFKC", v) if isinstance(v, str) else v)


NONE, STR, NUM, BOOL, DATE, OTHER = range(6)
_TYPE_CODE = {type(None): NONE, str: STR, float: NUM, int: NUM, bool: BOOL, np.float64: NUM, np.int64: NUM,
              np.float32: NUM, np.int32: NUM, np.bool_: BOOL, dt.date: DATE, dt.datetime: DATE,
              pd.Timestamp: DATE, np.datetime64: DATE, type(pd.NaT): NONE}


# infer_dtype kinds whose every value has one code (dates are not: NaT is a datetime that is blank)
_ONE_TYPE = {"string": STR, "floating": NUM, "integer": NUM, "mixed-integer-float": NUM, "boolean": BOOL}


def _type_codes(vals: np.ndarray) -> np.ndarray:
    """The type code of every value: for a column of one type (pandas' C-level ``infer_dtype``) at once,
    else value by value; a column of one type with blanks ("") is classified per distinct type."""
    kind = pd.api.types.infer_dtype(vals, skipna=False)
    if kind in _ONE_TYPE:
        return np.full(len(vals), _ONE_TYPE[kind], dtype=np.int8)
    types = pd.Series(vals, dtype=object).map(type)             # a C loop, then one lookup per value
    return types.map(_TYPE_CODE).fillna(OTHER).to_numpy(dtype=np.int8)


class Kinds:
    """The type of every cell of a raw column, found in one pass (the parsers share it).

    Masks are numpy bool arrays: ``text`` (non-blank str), ``num`` (int/float, not NaN, not bool),
    ``date`` (date/datetime/Timestamp), ``boolean``, ``blank`` (None, NaN, "" or whitespace).
    """

    def __init__(self, raw: pd.Series):
        vals = raw.to_numpy(dtype=object)
        code = _type_codes(vals)
        is_str = code == STR
        num = code == NUM
        nan = np.zeros(len(vals), dtype=bool)
        if num.any():
            nan[num] = np.isnan(vals[num].astype("float64"))
        empty_str = np.zeros(len(vals), dtype=bool)
        if is_str.any():
            strs = pd.Series(vals[is_str], dtype=object)
            empty_str[is_str] = (strs.str.strip() == "").to_numpy(dtype=bool)
        self.boolean = code == BOOL
        self.date = code == DATE
        self.blank = (code == NONE) | nan | empty_str
        self.num = num & ~nan
        self.text = is_str & ~empty_str
        self.values = vals
        self.stripped = self.hashy = None

    # the masks and arrays a Kinds holds, all of one length
    _FIELDS = ("boolean", "date", "blank", "num", "text", "values", "stripped", "hashy")

    @classmethod
    def of_typed(cls, values: np.ndarray, kind: int, blank: np.ndarray, stripped: np.ndarray | None = None,
                 hashy: np.ndarray | None = None) -> Kinds:
        """The kinds of a column whose non-blank cells are all of one ``kind`` (``NUM``, ``DATE``, ``BOOL`` or
        ``STR``), as a typed reader (Arrow) returns it: no per-cell look at Python objects.

        ``values``: float64 (NUM), datetime64[ns] (DATE), bool (BOOL) or object str (STR) array;
        ``blank``: empty cells (for STR also "" and whitespace); ``stripped``: for STR the values without
        surrounding whitespace (object array); ``hashy``: for STR where the stripped text starts with ``#``.
        """
        out = object.__new__(cls)
        n = len(values)
        none = np.zeros(n, dtype=bool)
        filled = ~blank
        out.values, out.blank = values, blank
        out.num = filled if kind == NUM else none
        out.date = filled if kind == DATE else none
        out.boolean = filled if kind == BOOL else none
        out.text = filled if kind == STR else none
        out.stripped, out.hashy = stripped, hashy
        return out

    def take(self, keep: np.ndarray) -> Kinds:
        """The kinds of the cells where ``keep`` is true (a column already classified, rows filtered)."""
        out = object.__new__(Kinds)
        for name in self._FIELDS:
            v = getattr(self, name, None)
            setattr(out, name, None if v is None else v[keep])
        return out

    def blanked(self, mask: np.ndarray) -> Kinds:
        """The same column with the cells of ``mask`` read as empty (e.g. Excel error cells, once reported)."""
        out = self.take(slice(None))
        for name in ("boolean", "date", "num", "text"):
            setattr(out, name, getattr(out, name) & ~mask)
        out.blank = out.blank | mask
        return out

    def other(self) -> np.ndarray:
        """Non-empty cells of no kind a column can hold (a time of day or a duration, e.g. calamine's reading
        of a date before 1900): bad in a number or date column, never read as empty."""
        return ~(self.blank | self.num | self.text | self.date | self.boolean)

    def text_values(self) -> np.ndarray:
        """The non-blank text cells without surrounding whitespace (object array)."""
        if self.stripped is not None:
            return self.stripped[self.text]
        return pd.Series(self.values[self.text], dtype=object).str.strip().to_numpy(dtype=object)


def is_blank(raw: pd.Series, kinds: Kinds | None = None) -> pd.Series:
    """True where a cell is empty: None, NaN, "" or whitespace only."""
    k = kinds or Kinds(raw)
    return pd.Series(k.blank, index=raw.index)


def is_error_literal(raw: pd.Series, kinds: Kinds | None = None) -> pd.Series:
    """True where a cell holds an Excel error value (#N/A, #VALUE!...) as text."""
    k = kinds or Kinds(raw)
    out = np.zeros(len(raw), dtype=bool)
    if k.text.any():
        if getattr(k, "hashy", None) is not None:
            cand = np.flatnonzero(k.text & k.hashy)
        else:
            strs = pd.Series(k.values[k.text], dtype=object)
            cand = np.flatnonzero(k.text)[strs.str.lstrip().str.startswith("#").to_numpy(dtype=bool)]
        if len(cand):
            strs = pd.Series(k.values[cand], dtype=object)
            out[cand] = strs.str.strip().str.upper().isin(EXCEL_ERRORS).to_numpy(dtype=bool)
    return pd.Series(out, index=raw.index)


def parse_text(raw: pd.Series, kinds: Kinds | None = None) -> pd.Series:
    """Text column: str values, blanks -> "" (numbers that are really ids keep no trailing .0)."""
    k = kinds or Kinds(raw)
    out = np.full(len(raw), "", dtype=object)
    if k.text.any():
        out[k.text] = k.text_values()
    if k.num.any():
        nums = k.values[k.num].astype("float64")
        out[k.num] = [str(int(v)) if v.is_integer() else repr(v) for v in nums]
    other = ~(k.text | k.num | k.blank)
    if other.any():
        out[other] = [v.isoformat() if isinstance(v, (dt.date, dt.datetime)) else str(v).strip()
                      for v in k.values[other]]
    return pd.Series(out, index=raw.index, dtype=object)


def _text_numbers(texts: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse unique number strings; returns (values, ok) aligned with ``texts``."""
    uniq = pd.Series(pd.unique(texts.to_numpy(dtype=object)), dtype=object)
    s = _nfkc(uniq).str.strip()
    s = s.str.replace("\u2212", "-", regex=False)
    neg_paren = s.str.match(r"^\(.*\)$")
    s = s.str.replace(r"^\((.*)\)$", r"\1", regex=True)
    pct = s.str.endswith("%")
    s = s.str.rstrip("%")
    s = s.str.replace(_CURRENCY_TOKENS, "", regex=True).str.strip()
    # a leading minus may sit before or after the currency symbol: "-$3.20" / "$-3.20"
    s = s.str.replace(r"^-\s*", "-", regex=True)
    s = s.str.replace(r"(?<=\d),(?=\d{3}(\D|$))", "", regex=True)   # thousands separators
    s = s.str.replace(" ", "", regex=False)
    ok = s.str.match(_NUMBER).astype(bool)
    vals = pd.to_numeric(s.where(ok), errors="coerce").astype("float64")
    vals = vals.where(~neg_paren.astype(bool), -vals)
    vals = vals.where(~pct.astype(bool), vals / 100.0)
    lookup_v = dict(zip(uniq, vals))
    lookup_ok = dict(zip(uniq, ok))
    return texts.map(lookup_v).astype("float64"), texts.map(lookup_ok).astype(bool)


def parse_numbers(raw: pd.Series, kinds: Kinds | None = None) -> tuple[pd.Series, pd.Series]:
    """Numbers from real numbers or text like ``1,234.50``, ``$12.00``, ``12.5%``, ``(3.20)``, ``￥1,000``.

    Returns float64 values (NaN for empty or bad) and the mask of bad non-empty cells.
    """
    k = kinds or Kinds(raw)
    out = np.full(len(raw), np.nan, dtype="float64")
    bad = np.zeros(len(raw), dtype=bool)
    if k.num.any():
        out[k.num] = k.values[k.num].astype("float64")
    if k.text.any():
        vals, ok = _text_numbers(pd.Series(k.values[k.text], dtype=object))
        out[k.text] = vals.to_numpy()
        bad[k.text] = ~ok.to_numpy()
    bad |= k.boolean | k.date | k.other()
    return pd.Series(out, index=raw.index), pd.Series(bad, index=raw.index)


_DATE_YMD = re.compile(
    r"^(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
    r"(?:[ T]+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:\.\d+)?)?)?\s*(?:Z|[+-]\d{2}:?\d{2}|UTC|GMT)?$"
)
_DATE_COMPACT = re.compile(r"^(?P<y>(19|20)\d{2})(?P<m>\d{2})(?P<d>\d{2})$")


def _text_dates(texts: pd.Series) -> pd.Series:
    uniq = pd.Series(pd.unique(texts.to_numpy(dtype=object)), dtype=object)
    s = _nfkc(uniq).str.strip()
    m = s.str.extract(_DATE_YMD)
    c = s.str.extract(_DATE_COMPACT)
    def part(key):   # the Y-M-D form, else the compact YYYYMMDD form
        return pd.to_numeric(m[key], errors="coerce").fillna(pd.to_numeric(c[key], errors="coerce"))
    y, mo, d = part("y"), part("m"), part("d")
    stamps = pd.to_datetime(pd.DataFrame({"year": y, "month": mo, "day": d}), errors="coerce")
    stamps = stamps.where(stamps.between(FIRST_DATE, LAST_DATE))       # out of range: bad, like any non-date
    return texts.map(dict(zip(uniq, stamps.astype("datetime64[ns]"))))


def parse_dates(raw: pd.Series, kinds: Kinds | None = None) -> tuple[pd.Series, pd.Series]:
    """Dates from Excel dates, Excel serial numbers, ``2026-03-01``, ``2026/3/1``, ``2026年3月1日`` or
    datetime text. Returns datetime64[ns] normalised to the day (NaT for empty/bad) and the bad mask.

    Day-first or month-first text such as ``03/01/2026`` is ambiguous and reported as bad, and so is
    a date before ``FIRST_DATE`` or after ``LAST_DATE`` (1900-01-01 .. 2200-12-31).
    """
    k = kinds or Kinds(raw)
    out = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns]")
    bad = np.zeros(len(raw), dtype=bool)
    if k.date.any() and k.values.dtype.kind == "M":          # a typed column: datetime64, no time zone
        day = k.values[k.date].astype("datetime64[D]")         # days first: ms or s units may pass ns' range
        ok = (day >= FIRST_DATE.to_datetime64()) & (day <= LAST_DATE.to_datetime64())
        idx = np.flatnonzero(k.date)
        out.iloc[idx[ok]] = day[ok].astype("datetime64[ns]")
        bad[idx[~ok]] = True
    elif k.date.any():
        given = [pd.Timestamp(v) for v in k.values[k.date]]
        ok = np.array([not pd.isna(v) and FIRST_DATE <= v.tz_localize(None).normalize() <= LAST_DATE
                       for v in given], dtype=bool)
        idx = np.flatnonzero(k.date)
        if ok.any():
            stamps = pd.Series([v.tz_localize(None) for v, good in zip(given, ok) if good], dtype=object)
            out.iloc[idx[ok]] = stamps.astype("datetime64[ns]").dt.normalize().to_numpy()
        bad[idx[~ok]] = True
    if k.num.any():
        serial = k.values[k.num].astype("float64")
        ok = (serial >= 1) & (serial < _LAST_SERIAL)
        days = np.floor(np.where(ok, serial, 0)).astype("int64")
        stamps = (_EXCEL_EPOCH + pd.to_timedelta(days, unit="D")).to_numpy(dtype="datetime64[ns]")
        idx = np.flatnonzero(k.num)
        out.iloc[idx[ok]] = stamps[ok]
        bad[idx[~ok]] = True
    if k.text.any():
        stamps = _text_dates(pd.Series(k.values[k.text], dtype=object))
        idx = np.flatnonzero(k.text)
        out.iloc[idx] = stamps.to_numpy(dtype="datetime64[ns]")
        bad[idx] = stamps.isna().to_numpy()
    bad |= k.boolean | k.other()
    return out, pd.Series(bad, index=raw.index)
