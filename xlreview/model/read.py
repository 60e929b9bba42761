"""Raw sheets -> typed, validated, base-currency frames (``Inputs``) plus one ``Report`` of problems.

The reader of a workbook backend hands over ``RawSheet`` objects (rows of cell values as the file holds
them, row 0 = Excel row 1). Everything here is pandas: no openpyxl, no Excel.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from ..core.inputs import Inputs, Settings
from ..core.thresholds import INTEGER_THRESHOLDS, THRESHOLDS
from ..text import DEFAULT_LANGUAGE, Phrase, normalize_language
from . import schema
from .parse import Kinds, is_blank, is_error_literal, parse_dates, parse_numbers, parse_text
from .problems import Report


class RawSheet:
    """One sheet as a reader found it: ``rows`` of cell values (rows[0] is Excel row 1, the header) and
    ``errors``, its Excel error cells ((row0, col0) -> ``"#N/A"``), which a reader gives as empty.

    A backend that reads typed columns (``workbook.columns.TypedSheet``) passes ``typed``, whose
    ``header`` is row 1; it then passes ``load_rows`` (-> (rows, errors)) instead of the rows, which are
    read only when something asks for them (Settings, or validation when a column cannot be typed).
    """

    def __init__(self, name: str, rows: list[list] | None = None, errors: dict[tuple[int, int], str] | None = None,
                 *, typed=None, load_rows=None):
        self.name = name
        self._rows = rows
        self._errors = errors
        self.typed = typed
        self._load_rows = load_rows

    def _load(self) -> None:
        if self._rows is None:
            self._rows, self._errors = self._load_rows() if self._load_rows is not None else ([], {})
        if self._errors is None:
            self._errors = {}

    @property
    def rows(self) -> list[list]:
        self._load()
        return self._rows

    @property
    def errors(self) -> dict[tuple[int, int], str]:
        self._load()
        return self._errors

    @property
    def header(self) -> list:
        """Row 1's values (``[]`` for an empty sheet)."""
        if self.typed is not None:
            return self.typed.header
        return list(self.rows[0]) if self.rows else []

    def __repr__(self) -> str:
        return f"RawSheet({self.name!r})"


def empty_frame(spec: schema.SheetSpec) -> pd.DataFrame:
    cols = {}
    for c in spec.columns:
        if c.type == "date":
            cols[c.key] = pd.Series(dtype="datetime64[ns]")
        elif c.type == "text":
            cols[c.key] = pd.Series(dtype=object)
        else:
            cols[c.key] = pd.Series(dtype="float64")
    cols["_row"] = pd.Series(dtype="int64")
    return pd.DataFrame(cols)


def past_row_limit(spec: schema.SheetSpec, name: str, n_rows: int, report: Report) -> bool:
    """True (and an error naming the way out) when a sheet holds more rows (``n_rows``, the header
    included) than Excel can keep.

    Such a sheet is never read, so no figure is computed from a truncated copy of it.
    """
    if n_rows <= schema.EXCEL_MAX_ROWS:
        return False
    report.error(name, schema.EXCEL_MAX_ROWS + 1, None, None,
                 "sheet_past_row_limit" if spec.name == "Orders" else "sheet_past_row_limit_other",
                 rows=n_rows, limit=schema.EXCEL_MAX_ROWS)
    return True


NAN_DEFAULT = {("Products", "rating"), ("Goals", "baseline"), ("Goals", "target")}


def absent_column(spec: schema.SheetSpec, c: schema.Column, index) -> pd.Series:
    """The values of an optional column the sheet does not have: NaT, "", NaN or 0 as for a blank cell."""
    if c.type == "date":
        return pd.Series(pd.NaT, index=index, dtype="datetime64[ns]")
    if c.type == "text":
        return pd.Series("", index=index)
    return pd.Series(np.nan if (spec.name, c.key) in NAN_DEFAULT else 0.0, index=index, dtype="float64")


def column_rules(spec: schema.SheetSpec, c: schema.Column, vals: pd.Series, blank: pd.Series, bad: pd.Series | None,
                 shown: pd.Series, sheet: str, name: str, report: Report) -> pd.Series:
    """Every rule of DATA_MODEL for one parsed column, and its final values (blank numbers -> 0 or NaN).

    ``vals``, ``blank`` (empty cells) and ``bad`` (non-empty cells that did not parse) are indexed by the row
    number a message shows; ``shown`` holds the values as found. Shared by the sheet and the order store.
    """
    if c.required:
        for r in blank[blank].index:
            report.error(sheet, r, name, None, "required_blank")
    if c.type == "text":
        return vals
    for r in bad[bad].index:
        report.error(sheet, r, name, shown[r], "bad_date" if c.type == "date" else "bad_number")
    if c.type == "date":
        return vals
    ok = vals.notna()
    if c.type in ("money+", "int+", "number+"):
        neg = ok & (vals < 0)
        for r in neg[neg].index:
            report.error(sheet, r, name, shown[r], "negative")
    if c.type == "int+":
        frac = ok & (vals != np.floor(vals))
        for r in frac[frac].index:
            report.error(sheet, r, name, shown[r], "not_integer")
    if c.type == "rate+":
        nonpos = ok & (vals <= 0)
        for r in nonpos[nonpos].index:
            report.error(sheet, r, name, shown[r], "not_positive")
    if c.type == "rating":
        outr = ok & ((vals < 0) | (vals > 5))
        for r in outr[outr].index:
            report.error(sheet, r, name, shown[r], "rating_range")
    if (spec.name, c.key) not in NAN_DEFAULT:
        vals = vals.fillna(0.0)
    return vals.astype("float64")


def _header_columns(spec: schema.SheetSpec, header: list, sheet: str):
    """(key -> 0-based column, key -> header as found, problems) of a header row by the spec's aliases."""
    aliases = schema.alias_table(spec)
    col_of: dict[str, int] = {}
    shown: dict[str, str] = {}
    problems: list[tuple] = []
    for j, h in enumerate(header):
        if h is None or str(h).strip() == "":
            continue
        key = aliases.get(schema.normalize_header(h))
        if key is None:
            continue
        if key in col_of:
            problems.append((sheet, 1, str(h), None, "duplicate_column", {"key": key}))
            continue
        col_of[key] = j
        shown[key] = str(h)
    for c in spec.columns:
        if c.required and c.key not in col_of:
            problems.append((sheet, 1, c.key, None, "missing_column", {"key": c.key, "zh": c.zh}))
    return col_of, shown, problems


def _row_kinds(raw: RawSheet, used: list[int]) -> tuple[int, dict[int, Kinds]]:
    """(rows below the header, {column: Kinds}) of a sheet read cell by cell; Excel error cells hold their text."""
    rows = raw.rows
    width = max((len(r) for r in rows), default=0)
    body = pd.DataFrame(rows[1:], columns=range(width), dtype=object) if len(rows) > 1 else \
        pd.DataFrame(columns=range(width), dtype=object)
    errs: dict[int, dict[int, str]] = {}
    for (r0, c0), v in raw.errors.items():
        if r0 >= 1 and r0 - 1 < len(body):
            errs.setdefault(c0, {})[r0 - 1] = v
    out = {}
    for j in used:
        col = body[j].to_numpy(dtype=object, copy=True) if j < width else np.full(len(body), None, dtype=object)
        for i, v in errs.get(j, {}).items():
            col[i] = v
        out[j] = Kinds(pd.Series(col, dtype=object))
    return len(body), out


class _Shown:
    """A cell's value as a message shows it, by Excel row: a typed date column's cell as the date (or date
    and time) a cell-by-cell reader gives, not a pandas Timestamp."""

    def __init__(self, col: pd.Series):
        self.col = col

    def __getitem__(self, row: int):
        v = self.col[row]
        if isinstance(v, pd.Timestamp):
            v = v.to_pydatetime()
            return v.date() if v.time() == dt.time(0) else v
        return v


def read_sheet(spec: schema.SheetSpec, raw: RawSheet | None, report: Report, empty_ok: bool = False,
               whole: bool = False) -> pd.DataFrame:
    """Parse one input sheet by its spec, adding every problem to ``report``.

    ``empty_ok``: an Orders sheet without lines is fine (the order store holds them).
    ``whole``: read even past Excel's row limit (only to move the lines into the order store).
    The sheet is read a column at a time (typed columns when the backend gives them, ``RawSheet.typed``).
    """
    header = raw.header if raw is not None else []
    if raw is None or not header and not raw.rows:
        if spec.required:
            report.error(spec.name, None, None, None, "missing_sheet")
        return empty_frame(spec)
    sheet = raw.name
    col_of, shown, header_problems = _header_columns(spec, header, sheet)
    used = list(col_of.values())
    text_cols = {c.key for c in spec.columns if c.type == "text"}
    typed = raw.typed.columns({j: k in text_cols for k, j in col_of.items()}) \
        if raw.typed is not None and header else None
    if typed is None:
        if not whole and past_row_limit(spec, sheet, len(raw.rows), report):
            return empty_frame(spec)
        height, kinds_of = _row_kinds(raw, used)
    else:
        height, kinds_of = typed
        if not whole and past_row_limit(spec, sheet, height + 1, report):
            return empty_frame(spec)
    for where, row, column, value, code, params in header_problems:
        report.error(where, row, column, value, code, **params)
    missing = [p for p in header_problems if p[4] == "missing_column"]

    if used and height:
        keep = ~np.logical_and.reduce([kinds_of[j].blank for j in used])
    else:
        keep = np.zeros(height, dtype=bool)
    index = pd.Index(np.arange(2, height + 2)[keep])        # Excel row numbers of the rows read
    if len(index) == 0:
        if spec.name == "Orders" and not missing and not empty_ok:
            report.error(sheet, None, None, None, "empty_sheet")
        return empty_frame(spec)

    out: dict[str, pd.Series] = {}
    for c in spec.columns:
        if c.key not in col_of:
            out[c.key] = absent_column(spec, c, index)
            continue
        kinds = kinds_of[col_of[c.key]].take(keep)
        rawcol = pd.Series(kinds.values, index=index, dtype=object if kinds.values.dtype == object else None)
        name = shown[c.key]
        errmask = is_error_literal(rawcol, kinds)      # Excel error values: real error cells or their text
        if errmask.any():
            for r in errmask[errmask].index:
                report.error(sheet, r, name, rawcol[r], "excel_error", err=rawcol[r])
            rawcol = rawcol.where(~errmask, None)      # parse the rest as if the error cells were blank
            kinds = kinds.blanked(errmask.to_numpy())
        blank = is_blank(rawcol, kinds) & ~errmask
        if c.type == "text":
            vals, bad = parse_text(rawcol, kinds), None
        elif c.type == "date":
            vals, bad = parse_dates(rawcol, kinds)
        else:
            vals, bad = parse_numbers(rawcol, kinds)
        out[c.key] = column_rules(spec, c, vals, blank, None if bad is None else bad & ~errmask, _Shown(rawcol),
                                  sheet, name, report)
    frame = pd.DataFrame(out, index=index)
    frame["_row"] = index.to_numpy(dtype="int64")
    return frame.reset_index(drop=True)


def _check_unique(frame: pd.DataFrame, sheet: str, key: str, report: Report) -> None:
    vals = frame[key]
    dup = vals.duplicated(keep="first") & vals.ne("")
    if dup.any():
        first_row = frame.drop_duplicates(key).set_index(key)["_row"]
        for i in dup[dup].index:
            report.error(sheet, frame.at[i, "_row"], key, vals[i], "duplicate_key", key=vals[i],
                         first=int(first_row[vals[i]]))


def _billed_ads_once(costs: pd.DataFrame, ads: pd.DataFrame, sheet: str, report: Report) -> pd.DataFrame:
    """Platform-billed advertising counts once (``schema.BILLED_ADVERTISING``): a Costs row billing ads of a channel
    is left out (one warning each) when the Ads sheet holds rows of that channel in the same month."""
    if not len(costs) or not len(ads):
        return costs
    desc = costs["description"].astype(str).str.casefold()
    billed = costs["kind"].eq("advertising_other") & desc.map(
        lambda d: any(w in d for w in schema.BILLED_ADVERTISING))
    if not billed.any():
        return costs
    detail = set(zip(ads["channel"], ads["date"].dt.to_period("M")))
    month = costs["date"].dt.to_period("M")
    dup = billed & pd.Series([(c, m) in detail for c, m in zip(costs["channel"], month)], index=costs.index)
    for i in dup[dup].index:
        report.warning(sheet, costs.at[i, "_row"], "description", costs.at[i, "description"],
                       "billed_ads_counted_in_campaigns", channel=costs.at[i, "channel"], month=str(month[i]))
    return costs[~dup].reset_index(drop=True)


def _check_cost_kinds(costs: pd.DataFrame, sheet: str, report: Report) -> pd.DataFrame:
    """Costs.kind as its canonical key (``仓储费`` -> ``storage``); an unknown kind is a warning and counts as
    ``other``."""
    if not len(costs):
        return costs
    kinds = costs["kind"].map(lambda v: schema.cost_kind(v) if str(v).strip() else "")
    unknown = kinds.isna()
    for i in unknown[unknown].index:
        report.warning(sheet, costs.at[i, "_row"], "kind", costs.at[i, "kind"], "unknown_cost_kind",
                       kind=costs.at[i, "kind"], kinds=", ".join(schema.COST_KINDS))
    return costs.assign(kind=kinds.fillna("other"))


def _check_unit_costs(unit_costs: pd.DataFrame, products: pd.DataFrame, sheet: str, report: Report) -> pd.DataFrame:
    """Two rows with the same sku and effective_from are an error; a SKU absent from Products a warning.
    Returns the rows sorted by sku then effective_from."""
    if not len(unit_costs):
        return unit_costs
    key = unit_costs[["sku", "effective_from"]]
    dup = key.duplicated(keep="first") & unit_costs["sku"].ne("") & unit_costs["effective_from"].notna()
    if dup.any():
        first = unit_costs[~key.duplicated(keep="first")].set_index(["sku", "effective_from"])["_row"]
        for i in dup[dup].index:
            sku, day = unit_costs.at[i, "sku"], unit_costs.at[i, "effective_from"]
            report.error(sheet, unit_costs.at[i, "_row"], "effective_from", day.date(), "duplicate_unit_cost",
                         sku=sku, date=day.date().isoformat(), first=int(first[(sku, day)]))
    known = set(products["sku"])
    stray = unit_costs[~unit_costs["sku"].isin(known) & unit_costs["sku"].ne("")].drop_duplicates("sku")
    for _, r in stray.iterrows():
        report.warning(sheet, r["_row"], "sku", r["sku"], "unit_cost_unknown_sku", sku=r["sku"])
    return unit_costs.sort_values(["sku", "effective_from"], kind="stable").reset_index(drop=True)


def read_settings(raw: RawSheet | None, report: Report) -> dict[str, object]:
    """Settings key -> raw value (only non-blank values; keys normalised)."""
    values: dict[str, object] = {}
    if raw is None or past_row_limit(schema.SETTINGS, raw.name, len(raw.rows), report):
        return values
    for i, row in enumerate(raw.rows):
        if not row or row[0] is None or str(row[0]).strip() == "":
            continue
        key = schema.normalize_header(row[0]).replace(" ", "_")
        if i == 0 and key in ("key", "参数", "键"):
            continue
        zh_keys = {schema.normalize_header(v[1]): k for k, v in schema.SETTINGS_DEFAULTS.items()}
        key = zh_keys.get(schema.normalize_header(row[0]), key)
        value = row[1] if len(row) > 1 else None
        if value is None or (isinstance(value, str) and value.strip() == ""):
            continue
        if key not in schema.SETTINGS_DEFAULTS and key not in THRESHOLDS:
            report.warning(raw.name, i + 1, str(row[0]), value, "unknown_setting")
            continue
        values[key] = (value, i + 1)
    return values


def _setting_number(values, key, raw_name, report, integer=False, default=None):
    if key not in values:
        return default
    value, row = values[key]
    vals, bad = parse_numbers(pd.Series([value], dtype=object))
    v = vals.iloc[0]
    if bad.iloc[0] or np.isnan(v) or (integer and v != int(v)):
        report.error(raw_name, row, key, value, "bad_setting", key=key,
                     why=Phrase.of("msg.why_integer" if integer else "msg.why_number"))
        return default
    return int(v) if integer else float(v)


def _language(values: dict) -> str:
    if "language" not in values:
        return DEFAULT_LANGUAGE
    return normalize_language(values["language"][0]) or DEFAULT_LANGUAGE


def settings_language(raw_sheets: dict[str, RawSheet]) -> str:
    """The Settings sheet's ``language`` ("zh" / "en") among ``raw_sheets``; zh when absent or not zh/en.

    The one reading of the workbook's language; the CLI and the ribbon resolve a command's language
    with it (docs/architecture.md, "Words and language").
    """
    raw = next((r for n, r in raw_sheets.items() if (spec := schema.sheet_for_name(n)) and spec.name == "Settings"),
               None)
    return _language(read_settings(raw, Report())) if raw is not None else DEFAULT_LANGUAGE


def build_settings(values: dict, orders: pd.DataFrame, raw_name: str, report: Report) -> Settings:
    s = Settings()
    if "base_currency" in values:
        v, row = values["base_currency"]
        code = str(v).strip().upper()
        if len(code) != 3 or not code.isalpha():
            report.error(raw_name, row, "base_currency", v, "bad_currency")
        else:
            s.base_currency = code
    if "language" in values:
        v, row = values["language"]
        lang = normalize_language(v)
        if lang is None:
            report.error(raw_name, row, "language", v, "bad_setting", key="language", why="zh / en")
        else:
            s.language = lang
    latest = orders["order_date"].max() if len(orders) else pd.NaT
    default_year = int(latest.year) if pd.notna(latest) else pd.Timestamp.today().year - 1
    s.review_year = _setting_number(values, "review_year", raw_name, report, integer=True, default=default_year)
    if "review_year" not in values and pd.notna(latest) and latest.month < 12 \
            and (orders["order_date"].dt.year == default_year - 1).any():
        report.warning(raw_name, None, "review_year", None, "review_year_partial", year=default_year,
                       latest=latest.date().isoformat(), prev=default_year - 1)
    s.plan_year = _setting_number(values, "plan_year", raw_name, report, integer=True, default=s.review_year + 1)
    s.fixed_overhead = _setting_number(values, "fixed_overhead", raw_name, report, default=0.0)
    s.next_year_budget = _setting_number(values, "next_year_budget", raw_name, report, default=None)
    if s.next_year_budget is not None and s.next_year_budget < 0:
        v, row = values["next_year_budget"]
        report.error(raw_name, row, "next_year_budget", v, "bad_setting", key="next_year_budget",
                     why=Phrase.of("msg.why_not_negative"))
        s.next_year_budget = None
    if "strategy_pillars" in values:
        v, _ = values["strategy_pillars"]
        s.strategy_pillars = [p.strip() for p in str(v).replace("，", ",").replace("、", ",").split(",") if p.strip()]
    for key in THRESHOLDS:
        if key in values:
            s.thresholds[key] = _setting_number(values, key, raw_name, report,
                                                integer=key in INTEGER_THRESHOLDS, default=THRESHOLDS[key])
    return s


def fx_rates(fx: pd.DataFrame) -> pd.DataFrame:
    """FX rows with a normalised currency and month (NaT = every month)."""
    out = fx[["currency", "rate_to_base", "month", "_row"]].copy()
    out["currency"] = out["currency"].str.upper().str.strip()
    out["month"] = out["month"].dt.to_period("M").dt.to_timestamp()
    return out


#: the column whose date picks the FX rate of a sheet's money (the month's rate, see convert_money); the
#: sheets whose money read_inputs converts to the base currency
FX_DATE_COLUMN = {"Orders": "order_date", "Ads": "date", "Marketing": "start_date", "Costs": "date"}


def convert_money(frame: pd.DataFrame, spec: schema.SheetSpec, date_col: str | None, fx: pd.DataFrame,
                  base: str, report: Report, sheet_name: str) -> pd.DataFrame:
    """Convert the sheet's money columns to base currency with the FX sheet (month-specific rate wins).

    The rate is looked up once per distinct (currency, month) of the foreign rows, not per row.
    """
    money = [k for k in spec.money_keys if k in frame.columns]
    if not len(frame) or "currency" not in spec.keys:
        return frame
    codes, distinct = pd.factorize(frame["currency"], use_na_sentinel=False)
    given = np.array(["" if v is None or v != v else str(v) for v in distinct], dtype=object)
    upper = np.array([v.strip().upper() for v in given], dtype=object)
    upper[upper == ""] = base
    cur = frame["currency"] if (upper == given).all() else pd.Series(upper.take(codes), index=frame.index)
    cur = cur.astype(str)
    frame = frame.assign(currency=cur)
    foreign_code = upper != base
    if not foreign_code.any():
        return frame
    foreign = pd.Series(foreign_code.take(codes), index=frame.index)
    bad_code = foreign & ~cur.str.fullmatch(r"[A-Z]{3}")
    for i in bad_code[bad_code].index:
        report.error(sheet_name, frame.at[i, "_row"], "currency", cur[i], "bad_currency")
    rates = fx_rates(fx)
    specific = rates.dropna(subset=["month"]).drop_duplicates(["currency", "month"], keep="last")
    general = rates[rates["month"].isna()].drop_duplicates(["currency"], keep="last")
    specific_rate = {(c, m.to_datetime64().astype("datetime64[M]")): r
                     for c, m, r in zip(specific["currency"], specific["month"], specific["rate_to_base"])}
    general_rate = dict(zip(general["currency"], general["rate_to_base"]))
    if date_col:
        month = frame[date_col].to_numpy(dtype="datetime64[ns]").astype("datetime64[M]")
    else:
        month = np.full(len(frame), np.datetime64("NaT"), dtype="datetime64[M]")
    at = np.flatnonzero(foreign.to_numpy())
    # one key per (currency code, month): months since 1970 (NaT as one more value), then distinct currencies
    m_at = month[at]
    first, none = np.datetime64("1900-01", "M"), 0xFFFFFFFF        # dates are 1900-2200 (parse.FIRST_DATE)
    m_int = np.where(np.isnat(m_at), none, (m_at - first).astype("int64"))
    where, pairs = pd.factorize(codes[at].astype("int64") * (1 << 32) + m_int)
    pair_rate = np.empty(len(pairs), dtype="float64")
    for k, pair in enumerate(pairs):
        c, m = upper[pair >> 32], int(pair & 0xFFFFFFFF)
        m = None if m == none else first + np.timedelta64(m, "M")
        r = specific_rate.get((c, m)) if m is not None else None
        pair_rate[k] = r if r is not None and r == r else general_rate.get(c, np.nan)
    rate = np.ones(len(frame), dtype="float64")
    rate[at] = pair_rate[where]
    rate = pd.Series(rate, index=frame.index)
    missing = rate.isna() & ~bad_code
    if missing.any():
        counts = cur[missing].value_counts()
        for i in cur[missing].drop_duplicates().index:      # one problem per currency, at its first row
            c = cur[i]
            report.error(sheet_name, frame.at[i, "_row"], "currency", c, "unknown_currency", currency=c, base=base,
                         count=int(counts[c]))
    rate = rate.fillna(0.0)
    for k in money:
        frame[k] = frame[k] * rate
    return frame


def read_inputs(raw_sheets: dict[str, RawSheet], workbook: Path | None = None,
                kept_parts: dict | None = None) -> tuple[Inputs | None, Report]:
    """Parse and validate every input sheet. Returns (Inputs or None when there are errors, Report).

    ``workbook``: the file the sheets come from; a relative Settings ``order_store`` is found next to it
    (without a workbook, e.g. ranges passed to an ``=XLR_`` formula, a relative store is not read).
    ``kept_parts``: store parts read before (``store.read_store``), reused while their files are unchanged.
    Orders = the Orders sheet's lines, then the order store's (``model.store``), each checked by the same rules.
    """
    from .store import STORE_SETTING, read_store, resolve_folder
    by_spec: dict[str, RawSheet] = {}
    for name, raw in raw_sheets.items():
        spec = schema.sheet_for_name(name)
        if spec is not None and spec.name not in by_spec:
            by_spec[spec.name] = raw
    report = Report()
    settings_raw = by_spec.get("Settings")
    settings_name = settings_raw.name if settings_raw else "Settings"
    values = read_settings(settings_raw, report)
    report.language = _language(values)
    store = values.get(STORE_SETTING)
    if store is not None and workbook is None and not Path(str(store[0]).strip()).is_absolute():
        store = None          # ranges without their workbook (the =XLR_ formulas): only what was passed is read
    frames = {spec.name: read_sheet(spec, by_spec.get(spec.name), report, empty_ok=store is not None)
              for spec in schema.INPUT_SHEETS if spec.name != "Settings"}
    name_of = {k: (by_spec[k].name if k in by_spec else k) for k in frames}
    # every source of order lines: (name shown in messages, typed frame)
    sources = [(name_of["Orders"], frames["Orders"])]
    if store is not None:
        sources += read_store(resolve_folder(workbook, store[0]), report, settings_name, store[1], kept_parts)
    all_dates = pd.concat([f["order_date"] for _, f in sources], ignore_index=True)
    settings = build_settings(values, pd.DataFrame({"order_date": all_dates}), settings_name, report)
    report.language = settings.language

    base = settings.base_currency
    sources = [(name, convert_money(f, schema.ORDERS, FX_DATE_COLUMN["Orders"], frames["FX"], base, report, name))
               for name, f in sources]
    for sheet, date_col in FX_DATE_COLUMN.items():
        if sheet != "Orders":
            frames[sheet] = convert_money(frames[sheet], schema.SHEETS_BY_NAME[sheet], date_col, frames["FX"], base,
                                          report, name_of[sheet])
    _check_unique(frames["Products"], name_of["Products"], "sku", report)
    _check_unique(frames["Goals"], name_of["Goals"], "goal_id", report)
    _check_unique(frames["Marketing"], name_of["Marketing"], "name", report)
    frames["Costs"] = _check_cost_kinds(frames["Costs"], name_of["Costs"], report)
    frames["Costs"] = _billed_ads_once(frames["Costs"], frames["Ads"], name_of["Costs"], report)
    frames["UnitCosts"] = _check_unit_costs(frames["UnitCosts"], frames["Products"], name_of["UnitCosts"], report)
    mk = frames["Marketing"]
    if len(mk):
        back = mk["end_date"] < mk["start_date"]
        for i in back[back].index:
            report.error(name_of["Marketing"], mk.at[i, "_row"], "end_date", mk.at[i, "end_date"].date(),
                         "end_before_start")

    unknown: set[str] = set()
    known = set(frames["Products"]["sku"])
    promos = set(mk["name"]) if len(mk) else set()
    seen_promos: set[str] = set()
    for name, orders in sources:      # each unknown SKU / promotion once, where it first appears
        if not len(orders):
            continue
        miss = orders[~orders["sku"].isin(known | unknown) & orders["sku"].ne("")].drop_duplicates("sku")
        for _, r in miss.iterrows():
            unknown.add(r["sku"])
            report.warning(name, r["_row"], "sku", r["sku"], "unknown_sku", sku=r["sku"])
        pm = orders[orders["promo"].ne("") & ~orders["promo"].isin(promos | seen_promos)].drop_duplicates("promo")
        for _, r in pm.iterrows():
            seen_promos.add(r["promo"])
            report.warning(name, r["_row"], "promo", r["promo"], "unknown_promo", promo=r["promo"])
    filled = [f for _, f in sources if len(f)]
    orders = filled[0] if len(filled) == 1 else pd.concat(filled, ignore_index=True) if filled else sources[0][1]
    if store is not None and not len(orders) and report.ok:
        report.error(name_of["Orders"], None, None, None, "empty_sheet")
    if len(orders) and report.ok and not (orders["order_date"].dt.year == settings.review_year).any():
        report.error(settings_name, None, "review_year",
                     settings.review_year, "no_review_year_orders", year=settings.review_year)

    if not report.ok:
        return None, report
    f = {k: v for k, v in frames.items()}
    inputs = Inputs(orders=orders, products=f["Products"], traffic=f["Traffic"], ads=f["Ads"],
                    marketing=f["Marketing"], content=f["Content"], channels=f["Channels"], costs=f["Costs"],
                    unit_costs=f["UnitCosts"], fx=f["FX"],
                    goals=f["Goals"], settings=settings, unknown_skus=sorted(unknown))
    return inputs, report


def frames_to_raw(frames: dict[str, pd.DataFrame]) -> dict[str, RawSheet]:
    """Canonical frames (e.g. the demo's) as RawSheets, as if read from a workbook (for tests and demo)."""
    out = {}
    for name, frame in frames.items():
        rows = [list(frame.columns)]
        rows += frame.astype(object).where(frame.notna(), None).values.tolist()
        out[name] = RawSheet(name, rows)
    return out
