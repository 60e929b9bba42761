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

_CURRENCY_TOKENS = re.compile(r"(US\$|CA\$|AU\$|HK\$|NZ\$|C\$|A\$|RMB|CNY|USD|EUR|GBP|JPY|CAD|AUD|MXN|[$€£¥￥₩₹])",
                              re.IGNORECASE)
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def _nfkc(s: pd.Series) -> pd.Series:
    return s.map(lambda v: unicodedata.normalize("NFKC", v) if isinstance(v, str) else v)


def is_blank(raw: pd.Series) -> pd.Series:
    """True where a cell is empty: None, NaN, "" or whitespace only."""
    out = raw.isna()
    is_str = raw.map(lambda v: isinstance(v, str))
    if is_str.any():
        out = out | (is_str & raw.where(is_str, "x").astype(str).str.strip().eq(""))
    return out.astype(bool)


def is_error_literal(raw: pd.Series) -> pd.Series:
    """True where a cell holds an Excel error value (#N/A, #VALUE!...) as text."""
    is_str = raw.map(lambda v: isinstance(v, str))
    if not is_str.any():
        return pd.Series(False, index=raw.index)
    return (is_str & raw.where(is_str, "").astype(str).str.strip().str.upper().isin(EXCEL_ERRORS)).astype(bool)


def parse_text(raw: pd.Series) -> pd.Series:
    """Text column: str values, blanks -> "" (numbers that are really ids keep no trailing .0)."""
    def one(v):
        if v is None or (isinstance(v, float) and np.isnan(v)):
            return ""
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        if isinstance(v, (dt.datetime, dt.date)):
            return v.isoformat()
        return str(v).strip()
    return raw.map(one).astype(object)


def parse_numbers(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Numbers from real numbers or text like ``1,234.50``, ``$12.00``, ``12.5%``, ``(3.20)``, ``￥1,000``.

    Returns float64 values (NaN for empty or bad) and the mask of bad non-empty cells.
    """
    blank = is_blank(raw)
    out = pd.Series(np.nan, index=raw.index, dtype="float64")
    is_num = raw.map(lambda v: isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool))
    num_idx = is_num & ~blank
    if num_idx.any():
        out[num_idx] = raw[num_idx].astype("float64")
    txt_idx = ~is_num & ~blank
    bad = pd.Series(False, index=raw.index)
    if txt_idx.any():
        s = _nfkc(raw[txt_idx].astype(str)).str.strip()
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
        ok = s.str.match(_NUMBER)
        vals = pd.to_numeric(s.where(ok), errors="coerce")
        vals = vals.where(~neg_paren, -vals)
        vals = vals.where(~pct, vals / 100.0)
        out[txt_idx] = vals
        bad[txt_idx] = ~ok.astype(bool)
    if bool(raw.map(lambda v: isinstance(v, bool)).any()):
        bool_idx = raw.map(lambda v: isinstance(v, bool))
        bad = bad | bool_idx
    return out, bad.astype(bool)


_DATE_YMD = re.compile(
    r"^(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
    r"(?:[ T]+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:\.\d+)?)?)?\s*(?:Z|[+-]\d{2}:?\d{2}|UTC|GMT)?$"
)
_DATE_COMPACT = re.compile(r"^(?P<y>(19|20)\d{2})(?P<m>\d{2})(?P<d>\d{2})$")


def parse_dates(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Dates from Excel dates, Excel serial numbers, ``2026-03-01``, ``2026/3/1``, ``2026年3月1日`` or
    datetime text. Returns datetime64[ns] normalised to the day (NaT for empty/bad) and the bad mask.

    Day-first or month-first text such as ``03/01/2026`` is ambiguous and reported as bad.
    """
    blank = is_blank(raw)
    out = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns]")
    bad = pd.Series(False, index=raw.index)

    is_dt = raw.map(lambda v: isinstance(v, (dt.date, dt.datetime, pd.Timestamp, np.datetime64)))
    if is_dt.any():
        out[is_dt] = pd.to_datetime(raw[is_dt].map(lambda v: pd.Timestamp(v))).dt.normalize().astype("datetime64[ns]")
    is_num = raw.map(lambda v: isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)) & ~blank
    if is_num.any():
        serial = raw[is_num].astype("float64")
        ok = (serial >= 1) & (serial < 2958466)
        days = np.floor(serial.where(ok, 0)).astype("int64")
        stamps = _EXCEL_EPOCH + pd.to_timedelta(days, unit="D")
        out[is_num & ok.reindex(raw.index, fill_value=False)] = stamps[ok].astype("datetime64[ns]")
        bad[is_num] = ~ok
    is_txt = ~is_dt & ~is_num & ~blank
    if is_txt.any():
        s = _nfkc(raw[is_txt].astype(str)).str.strip()
        m = s.str.extract(_DATE_YMD)
        c = s.str.extract(_DATE_COMPACT)
        y = pd.to_numeric(m["y"].fillna(c["y"]), errors="coerce")
        mo = pd.to_numeric(m["m"].fillna(c["m"]), errors="coerce")
        d = pd.to_numeric(m["d"].fillna(c["d"]), errors="coerce")
        stamps = pd.to_datetime(pd.DataFrame({"year": y, "month": mo, "day": d}), errors="coerce")
        out[is_txt] = stamps.astype("datetime64[ns]")
        bad[is_txt] = stamps.isna()
    return out, bad.astype(bool)
