"""Worksheet functions (``=XLR_NET_SALES(Orders!A1:P999)``): thin wrappers over the build's core functions.

Each function takes ranges as xlwings passes them with ``ndim=2`` (lists of rows, the header row
first, ``None`` for empty cells, floats for numbers, datetimes for dates), turns them into frames with
the same reader the build uses (``model.read.read_inputs``: zh/en headers, money text, FX), calls the
same core function as the build, and returns a number or an array. A bad argument returns a short
``#XLR! reason`` text instead of raising into Excel, in the language of the calling cell's workbook
(its Settings ``language``; see ``book_language_of``). An empty ratio (zero denominator) is an empty cell.

Every function ends with a ``caller`` parameter that Excel never shows: xlwings reserves that name
(``xlwings.udfs.call_udf`` puts the calling cell there as an xlwings ``Range``; ``generate_vba_wrapper``
leaves it out of the VBA function and passes ``Nothing`` in its place). Called as plain Python it is None
and the message is zh, the default.

The decorators are no-ops where Excel is absent (Linux), so the functions are plain Python there:
``XLR_NET_SALES([["order_id", "order_date", ...], [...]])``.
"""
from __future__ import annotations

import functools
import inspect
import math
import re
import time

import numpy as np
import pandas as pd
import xlwings as xw

from ..errors import InputProblems, XlreviewError
from ..model.read import RawSheet
from ..text import DEFAULT_LANGUAGE, tr

MAX_REASON = 120            # characters of the reason: a cell, not a report
LANGUAGE_SECONDS = 10.0     # how long a book's language is reused before its Settings are read again
_book_languages: dict[str, tuple[str, float]] = {}     # book fullname -> (language, when read)


def book_language_of(caller) -> str:
    """The language ("zh" / "en") of the workbook holding ``caller`` (the calling cell, as xlwings passes it).

    Read from the book's Settings ``language`` with the ribbon's own reading (``excel.macros.book_language``),
    only when a message is to be shown, and kept per book (by full name) for ``LANGUAGE_SECONDS``: one
    recalculation of many ``=XLR_`` cells reads Settings once, and a changed language shows on the next
    recalculation after that. zh (the default) without a caller (plain Python, a call from VBA) or when the
    book cannot be read.
    """
    from .macros import book_language
    return _of_book(caller, _book_languages, book_language, DEFAULT_LANGUAGE)


def _of_book(caller, kept: dict, read, default):
    """``read(book)`` of the workbook holding ``caller``, kept per book (by full name) in ``kept`` for
    ``LANGUAGE_SECONDS``; ``default`` without a caller or when ``caller`` is not a cell of a workbook."""
    if caller is None:
        return default
    try:
        book = caller.sheet.book
        key = str(book.fullname)
    except Exception:   # noqa: BLE001 - not a cell of a workbook: the default
        return default
    now = time.monotonic()
    known = kept.get(key)
    if known is not None and now - known[1] < LANGUAGE_SECONDS:
        return known[0]
    value = read(book)
    kept[key] = (value, now)
    return value


_book_stores: dict[str, tuple[object, float]] = {}     # book fullname -> (order store folder or None, when read)
_store_parts: dict = {}       # store parts read, by (file, size, modification time): ``model.store.read_store``


def book_store_of(caller):
    """The order store folder (``model.store``) the Settings ``order_store`` of the workbook holding ``caller``
    names, found next to the book's file as ``check`` and ``build`` find it; None without a caller, without
    the setting, or for a relative folder of a book never saved. Kept per book for ``LANGUAGE_SECONDS``.
    """
    return _of_book(caller, _book_stores, _store_folder, None)


def _store_folder(book):
    from pathlib import Path

    from ..model.problems import Report
    from ..model.read import read_settings
    from ..model.schema import sheet_for_name
    from ..model.store import STORE_SETTING, resolve_folder
    from ..workbook.live import XlwingsBackend
    backend = XlwingsBackend(book)
    names = [n for n in backend.sheet_names() if (spec := sheet_for_name(n)) is not None and spec.name == "Settings"]
    setting = read_settings(backend.read_sheets(names[:1])[names[0]], Report()).get(STORE_SETTING) if names else None
    home = backend.workbook_path()
    if setting is None or (home is None and not Path(str(setting[0]).strip()).is_absolute()):
        return None
    return resolve_folder(home, setting[0])


def _reason(exc: Exception, lang: str) -> str:
    """``#XLR! reason`` in ``lang``: the catalogue message of an XlreviewError (an input problem: its first
    error with sheet, row and column), else the internal-error message naming the exception."""
    if isinstance(exc, InputProblems) and exc.report.errors:
        text = exc.report.errors[0].text(lang)
    elif isinstance(exc, XlreviewError):
        text = exc.message(lang)
    else:
        text = tr("msg.udf_internal", lang, error=f"{type(exc).__name__}: {exc}")
    text = " ".join(text.split())
    return tr("msg.udf_answer", lang, reason=text if len(text) <= MAX_REASON else text[: MAX_REASON - 1] + "…")


class BadArgument(XlreviewError, ValueError):
    """A UDF argument that cannot be used: ``BadArgument(code, **params)`` with ``msg.<code>`` a catalogue
    key; the message, in the book's language, becomes the ``#XLR!`` text."""


def excel_safe(fn):
    """Turn any exception into ``#XLR! reason`` (in the calling book's language, from the ``caller``
    argument) and NaN/inf into an empty cell: a worksheet function never raises into Excel."""
    at = list(inspect.signature(fn).parameters).index("caller")

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return _cell(fn(*args, **kwargs))
        except Exception as exc:   # noqa: BLE001 - a worksheet function must always return a value
            caller = args[at] if len(args) > at else kwargs.get("caller")
            lang = book_language_of(caller)
            try:
                return _reason(exc, lang)
            except Exception:   # noqa: BLE001 - a message that cannot be rendered still answers, naming the error
                return tr("msg.udf_answer", lang, reason=tr("msg.udf_internal", lang, error=type(exc).__name__))
    return wrapper


def _cell(v):
    if isinstance(v, list):
        return [_cell(x) for x in v]
    if isinstance(v, (np.floating, float)):
        f = float(v)
        return "" if math.isnan(f) or math.isinf(f) else f
    if isinstance(v, np.integer):
        return int(v)
    return v


# ------------------------------------------------------------------------------ ranges -> inputs
def _rows(value, name: str, required: bool = True) -> list[list] | None:
    """An ndim=2 range (header row + rows); trailing empty rows dropped."""
    if value is None or value == "" or value == [[None]]:
        if required:
            raise BadArgument("udf_range_empty", name=name)
        return None
    if not isinstance(value, list):
        raise BadArgument("udf_not_a_range", name=name)
    rows = [list(r) if isinstance(r, (list, tuple)) else [r] for r in value]
    while rows and all(v is None or v == "" for v in rows[-1]):
        rows.pop()
    if required and len(rows) < 2:
        raise BadArgument("udf_no_data_row", name=name)
    return rows


YEARS = (1990, 2200)       # a review year a function accepts


def _year(year) -> int | None:
    if year is None or year == "":
        return None
    try:
        y = int(float(year))
    except (TypeError, ValueError):
        raise BadArgument("udf_not_a_year", value=year) from None
    if not YEARS[0] <= y <= YEARS[1]:
        raise BadArgument("udf_year_out_of_range", value=y, first=YEARS[0], last=YEARS[1])
    return y


def _float(value, name: str) -> float:
    """A number argument (a cell: float, or number text) as float."""
    try:
        if isinstance(value, bool):
            raise ValueError
        return float(value)
    except (TypeError, ValueError):
        raise BadArgument("udf_not_a_number", name=name, value=value) from None


def _scope(scope) -> dict:
    from ..core.metrics import parse_scope
    parsed = parse_scope("" if scope is None else str(scope))
    if parsed is None:
        raise BadArgument("udf_bad_scope", value=scope)
    return parsed


def load_inputs(orders, products=None, ads=None, traffic=None, fx=None, goals=None, year=None, settings=None,
                caller=None):
    """Ranges -> validated ``Inputs`` through the build's reader (the same parsing and checks).

    When the calling cell's workbook keeps order lines in an order store (``book_store_of``), the store's
    lines are read after the ``orders`` range, as ``check`` and ``build`` read them after the Orders sheet.
    """
    from ..model.read import read_inputs
    # Products is a required sheet of the workbook; a function that needs no costs gets an empty one
    folder = book_store_of(caller)      # with a store, an Orders range of its header row alone is fine
    raw = {"Orders": RawSheet("Orders", _rows(orders, "orders", required=folder is None) or []),
           "Products": RawSheet("Products", [["sku", "unit_cost"]])}
    for name, value in (("Products", products), ("Ads", ads), ("Traffic", traffic), ("FX", fx), ("Goals", goals)):
        rows = _rows(value, name.lower(), required=False)
        if rows:
            raw[name] = RawSheet(name, rows)
    setting_rows = [list(r[:2]) for r in (_rows(settings, "settings", required=False) or [])]
    y = _year(year)
    if y is not None:
        setting_rows = [r for r in setting_rows if str(r[0]).strip().lower() != "review_year"]
        setting_rows.append(["review_year", y])
    if folder is not None:
        setting_rows = [r for r in setting_rows if str(r[0]).strip().lower() != "order_store"]
        setting_rows.append(["order_store", str(folder)])
    if setting_rows:
        raw["Settings"] = RawSheet("Settings", setting_rows)
    inputs, report = read_inputs(raw, kept_parts=_store_parts)
    if inputs is None:
        raise InputProblems(report)
    return inputs


def _period_figure(key: str, orders, scope=None, year=None, products=None, ads=None, traffic=None, fx=None,
                   overhead=None, caller=None):
    """One METRICS 1-3 figure for review_year (or ``year``) and a scope: ``metrics.period_summary``."""
    from ..core.metrics import period_summary, year_bounds
    settings = [["fixed_overhead", _float(overhead, "overhead")]] if overhead not in (None, "") else None
    inputs = load_inputs(orders, products, ads, traffic, fx, year=year,
                         settings=[["key", "value"], *settings] if settings else None, caller=caller)
    start, end = year_bounds(inputs.settings.review_year)
    return period_summary(inputs, start, end, _scope(scope))[key]


# ------------------------------------------------------------------------- sections 1-3 (+ ads)
@xw.func
@xw.arg("orders", ndim=2)
@xw.arg("fx", ndim=2)
@excel_safe
def XLR_NET_SALES(orders, scope=None, year=None, fx=None, caller=None):
    """Net sales (gross − discounts − refunds) of an Orders range, review year or ``year``, optional scope.

    Example: ``=XLR_NET_SALES(Orders!A1:P500, "channel=Amazon US")``
    """
    return _period_figure("net_sales", orders, scope, year, fx=fx, caller=caller)


@xw.func
@xw.arg("orders", ndim=2)
@xw.arg("products", ndim=2)
@xw.arg("fx", ndim=2)
@excel_safe
def XLR_GROSS_MARGIN(orders, products, scope=None, year=None, fx=None, caller=None):
    """Gross margin = (net sales − COGS) / net sales; COGS from the Products range's unit_cost.

    Example: ``=XLR_GROSS_MARGIN(Orders!A1:P500, Products!A1:F80)``
    """
    return _period_figure("gross_margin", orders, scope, year, products=products, fx=fx, caller=caller)


@xw.func
@xw.arg("orders", ndim=2)
@xw.arg("products", ndim=2)
@xw.arg("ads", ndim=2)
@xw.arg("fx", ndim=2)
@excel_safe
def XLR_NET_MARGIN(orders, products, ads=None, overhead=None, scope=None, year=None, fx=None, caller=None):
    """Net margin = net profit / net sales, with the ad spend of ``ads`` and a yearly ``overhead``.

    Marketing, content and channel fixed costs count only in the build (their sheets are not passed).
    Example: ``=XLR_NET_MARGIN(Orders!A1:P500, Products!A1:F80, Ads!A1:L300, 12000)``
    """
    return _period_figure("net_margin", orders, scope, year, products=products, ads=ads, fx=fx, overhead=overhead, caller=caller)


@xw.func
@xw.arg("orders", ndim=2)
@xw.arg("fx", ndim=2)
@excel_safe
def XLR_AOV(orders, scope=None, year=None, fx=None, caller=None):
    """Average order value = (gross sales − discounts) / orders.  ``=XLR_AOV(Orders!A1:P500)``"""
    return _period_figure("aov", orders, scope, year, fx=fx, caller=caller)


@xw.func
@xw.arg("orders", ndim=2)
@xw.arg("fx", ndim=2)
@excel_safe
def XLR_REFUND_RATE(orders, scope=None, year=None, fx=None, caller=None):
    """Refund rate = refunds / (gross sales − discounts).  ``=XLR_REFUND_RATE(Orders!A1:P500, "country=DE")``"""
    return _period_figure("refund_rate", orders, scope, year, fx=fx, caller=caller)


@xw.func
@xw.arg("orders", ndim=2)
@xw.arg("ads", ndim=2)
@xw.arg("fx", ndim=2)
@excel_safe
def XLR_ROAS(orders, ads, scope=None, year=None, fx=None, caller=None):
    """ROAS = ad sales / ad spend of the Ads range (period and scope as the build).

    Example: ``=XLR_ROAS(Orders!A1:P500, Ads!A1:L300, "channel=Amazon US")``
    """
    return _period_figure("roas", orders, scope, year, ads=ads, fx=fx, caller=caller)


@xw.func
@xw.arg("orders", ndim=2)
@xw.arg("ads", ndim=2)
@xw.arg("fx", ndim=2)
@excel_safe
def XLR_ACOS(orders, ads, scope=None, year=None, fx=None, caller=None):
    """ACoS = ad spend / ad sales.  ``=XLR_ACOS(Orders!A1:P500, Ads!A1:L300)``"""
    return _period_figure("acos", orders, scope, year, ads=ads, fx=fx, caller=caller)


@xw.func
@xw.arg("orders", ndim=2)
@xw.arg("ads", ndim=2)
@xw.arg("fx", ndim=2)
@excel_safe
def XLR_TACOS(orders, ads, scope=None, year=None, fx=None, caller=None):
    """TACoS = ad spend / net sales (total, not only ad-attributed, sales).  ``=XLR_TACOS(Orders!A1:P500, Ads!A1:L300)``"""
    return _period_figure("tacos", orders, scope, year, ads=ads, fx=fx, caller=caller)


@xw.func
@xw.arg("orders", ndim=2)
@xw.arg("traffic", ndim=2)
@xw.arg("fx", ndim=2)
@excel_safe
def XLR_CONVERSION(orders, traffic, scope=None, year=None, fx=None, caller=None):
    """Conversion rate = orders / sessions (channel-level Traffic rows; SKU rows for a sku scope).

    Example: ``=XLR_CONVERSION(Orders!A1:P500, Traffic!A1:F400, "channel=Shopify")``
    """
    return _period_figure("conversion_rate", orders, scope, year, traffic=traffic, fx=fx, caller=caller)


@xw.func
@xw.arg("orders", ndim=2)
@xw.arg("products", ndim=2)
@xw.arg("fx", ndim=2)
@excel_safe
def XLR_LTV(orders, products, scope=None, year=None, fx=None, caller=None):
    """LTV (METRICS 3 ``ltv``): mean gross profit of the customers first seen in the year before, over the 365
    days from each one's first order; empty when no such customer's window ends inside the data.

    Example: ``=XLR_LTV(Orders!A1:P500, Products!A1:F80)``
    """
    return _period_figure("ltv", orders, scope, year, products=products, fx=fx, caller=caller)


# ------------------------------------------------------------------------------ classification
MONTH_HEADER = re.compile(r"^(?:m|month_?|月)?0?(1[0-2]|[1-9])(?:月)?$")
_MONTH_NAMES = {name: i for i, names in enumerate(
    (("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
     ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
     ("dec", "december")), start=1) for name in names}


SKU_COLUMNS = ("sku", "net_sales", "net_profit", "unit_refund_rate", "days_of_cover", "months_sold", "cv",
               "stock_qty", "units_90d")


def _column_key(header, keys) -> str:
    """A header cell -> its column key: the key itself (``net_sales``, ``Net sales``) or the zh / en label
    the generated Products sheet prints above that column (``贡献利润(SKU)`` for net_profit, ``CV of monthly
    units`` for cv: the labels of ``sheets.products.COLUMNS``); else the folded text."""
    from ..model.schema import normalize_header
    from ..sheets.products import COLUMNS
    from ..text import LANGUAGES, label
    if header is None:
        return ""
    folded = normalize_header(header)
    shown = {c.key: c.label or c.key for c in COLUMNS}
    for key in keys:
        if folded.replace(" ", "_") == key or any(
                folded == normalize_header(label(shown.get(key, key), lang)) for lang in LANGUAGES):
            return key
    return folded.replace(" ", "_")


def _table(value, name: str, keys=SKU_COLUMNS) -> pd.DataFrame:
    """A range with a header row -> DataFrame with column keys (keys, or the generated sheets' zh/en labels)."""
    rows = _rows(value, name)
    header = [_column_key(h, keys) for h in rows[0]]
    return pd.DataFrame(rows[1:], columns=header, dtype=object)


def _month_columns(frame: pd.DataFrame) -> list[str]:
    """The 12 monthly unit columns (1..12, m1..m12, 1月..12月, jan..dec) in month order, or []."""
    out = {}
    for c in frame.columns:
        m = MONTH_HEADER.match(c)
        k = int(m.group(1)) if m else _MONTH_NAMES.get(c)
        if k:
            out.setdefault(k, c)
    return [out[k] for k in range(1, 13)] if len(out) == 12 else []


INFINITY_TEXT = {"∞", "inf", "infinity", "无穷"}


def _numbers(col: pd.Series, name: str, allow_inf: bool = False) -> pd.Series:
    """Cells -> floats with the build's number parser; "∞" (how sheets show infinite cover) when allowed."""
    from ..model.parse import parse_numbers
    col = col.astype(object).where(col.notna(), None)
    inf = col.map(lambda v: isinstance(v, str) and v.strip().lower() in INFINITY_TEXT) if allow_inf else None
    if inf is not None and inf.any():
        col = col.where(~inf, None)
    vals, bad = parse_numbers(col)
    if inf is not None and inf.any():
        vals = vals.where(~inf, np.inf)
    if bad.any():
        raise BadArgument("udf_not_a_number", name=name, value=col[bad].iloc[0])
    return vals.astype("float64")


def _thresholds(settings):
    """Settings.t of the defaults, overridden by an optional Settings range (key, value rows)."""
    from ..model.problems import Report
    from ..model.read import build_settings, empty_frame, read_settings
    from ..model.schema import SHEETS_BY_NAME
    rows = _rows(settings, "settings", required=False)
    if not rows:
        from ..core.inputs import Settings
        return Settings()
    report = Report()
    s = build_settings(read_settings(RawSheet("Settings", [list(r[:2]) for r in rows]), report),
                       empty_frame(SHEETS_BY_NAME["Orders"]), "Settings", report)
    if not report.ok:
        raise InputProblems(report)
    return s


@xw.func
@xw.arg("skus", ndim=2)
@xw.arg("settings", ndim=2)
@xw.ret(expand="down")
@excel_safe
def XLR_CLASSIFY(skus, settings=None, caller=None):
    """Product class (problem / hero / evergreen / long_tail) per SKU row, as a column with a header.

    ``skus``: header row + one row per SKU with net_sales, net_profit, unit_refund_rate, days_of_cover and
    either months_sold + cv or 12 monthly unit columns (1..12, m1..m12, 1月..12月, Jan..Dec).
    Same rules and thresholds as the build (``core.products.classify_products``).
    Example: ``=XLR_CLASSIFY(A1:R40)`` next to the table.
    """
    from ..core.products import classify_products, sales_regularity, sales_shares
    frame = _table(skus, "skus")
    need = ["net_sales", "net_profit", "unit_refund_rate"]
    missing = [c for c in need if c not in frame.columns]
    if missing:
        raise BadArgument("udf_missing_columns", name="skus", columns=", ".join(missing))
    t = pd.DataFrame(index=frame.index)
    for c in need:
        t[c] = _numbers(frame[c], c)
    t["days_of_cover"] = _numbers(frame["days_of_cover"], "days_of_cover", True) if "days_of_cover" in frame else np.nan
    months = _month_columns(frame)
    if "months_sold" in frame and "cv" in frame:
        t["months_sold"], t["cv"] = _numbers(frame["months_sold"], "months_sold"), _numbers(frame["cv"], "cv")
    elif months:
        monthly = pd.concat([_numbers(frame[c], c).fillna(0.0) for c in months], axis=1)
        t = t.join(sales_regularity(monthly))
    else:
        raise BadArgument("udf_no_months", name="skus")
    for c in ("stock_qty", "units_90d"):
        t[c] = _numbers(frame[c], c) if c in frame else np.nan
    s = _thresholds(settings)
    t = t.join(sales_shares(t["net_sales"], s.t("hero_sales_share")))
    classes = classify_products(t, s.t)["class"]
    return [["class"]] + [[c] for c in classes]


@xw.func
@xw.arg("sessions", ndim=2)
@xw.arg("conversion", ndim=2)
@xw.ret(expand="down")
@excel_safe
def XLR_QUADRANT(sessions, conversion, caller=None):
    """Four-quadrant label per SKU (star / fix_listing / needs_traffic / rethink; empty without sessions).

    Two equally long columns; a text first cell is taken as a header and answered with "quadrant".
    Medians over SKUs with sessions > 0, as the build (``core.products.quadrant_labels``).
    Example: ``=XLR_QUADRANT(C1:C40, D1:D40)``
    """
    from ..core.products import quadrant_labels
    s_rows, c_rows = _column(sessions, "sessions"), _column(conversion, "conversion")
    header = isinstance(s_rows[0], str) or isinstance(c_rows[0], str)
    if header:
        s_rows, c_rows = s_rows[1:], c_rows[1:]
    if len(s_rows) != len(c_rows):
        raise BadArgument("udf_rows_differ", first="sessions", second="conversion", n_first=len(s_rows),
                          n_second=len(c_rows))
    while s_rows and s_rows[-1] in (None, "") and c_rows[-1] in (None, ""):
        s_rows, c_rows = s_rows[:-1], c_rows[:-1]
    s_vals = _numbers(pd.Series(s_rows, dtype=object), "sessions").fillna(0.0)
    c_vals = _numbers(pd.Series(c_rows, dtype=object), "conversion")
    labels = quadrant_labels(s_vals, c_vals).tolist()
    return ([["quadrant"]] if header else []) + [[x] for x in labels]


def _column(value, name: str) -> list:
    """A one-column (or one-row) range as a flat list, empty cells kept (positions matter)."""
    if not isinstance(value, list) or not value:
        raise BadArgument("udf_range_empty", name=name)
    rows = [list(r) if isinstance(r, (list, tuple)) else [r] for r in value]
    if len(rows[0]) != 1 and len(rows) == 1:
        return list(rows[0])                 # a row range
    if any(len(r) != 1 for r in rows):
        raise BadArgument("udf_one_column", name=name)
    return [r[0] for r in rows]


# ------------------------------------------------------------------------------- goals and plan
@xw.func
@xw.arg("goal", ndim=2)
@xw.arg("orders", ndim=2)
@xw.arg("products", ndim=2)
@xw.arg("ads", ndim=2)
@xw.arg("traffic", ndim=2)
@xw.arg("settings", ndim=2)
@xw.arg("fx", ndim=2)
@xw.ret(expand="down")
@excel_safe
def XLR_SMART(goal, orders, products=None, ads=None, traffic=None, settings=None, fx=None, caller=None):
    """SMART verdict per goal, e.g. ``S✓ M✓ A✗ R✓ T✓`` (a column when several goal rows are given).

    ``goal``: the Goals header row + goal row(s); the data ranges give the baseline and reference growth
    (``core.goals.smart_check``, as the build). Example: ``=XLR_SMART(Goals!A1:I2, Orders!A1:P500)``
    """
    from ..core.goals import smart_check
    inputs = load_inputs(orders, products, ads, traffic, fx, goals=goal, settings=settings, caller=caller)
    verdicts = [" ".join(f"{k}{'✓' if g[k]['pass'] else '✗'}" for k in "SMART") for g in smart_check(inputs)]
    if not verdicts:
        raise BadArgument("udf_no_goal", name="goal")
    return verdicts[0] if len(verdicts) == 1 else [[v] for v in verdicts]


@xw.func
@xw.arg("seasonality", ndim=2)
@xw.ret(expand="table")
@excel_safe
def XLR_PLAN(target, seasonality, metric="net_sales", plan_year=None, caller=None):
    """12 monthly targets summing EXACTLY to ``target`` (largest remainder; cents, counts as integers).

    ``seasonality``: 12 cells (a row or a column) of weights, e.g. last year's monthly sales; the result
    has the same orientation. ``core.plan.additive_plan``, as the build.
    Example: ``=XLR_PLAN(600000, B2:M2)``
    """
    from ..core.metric_table import ADDITIVE_METRICS
    from ..core.plan import additive_plan
    if target is None or isinstance(target, str) or isinstance(target, bool):
        raise BadArgument("udf_not_a_number", name="target", value="" if target is None else target)
    key = str(metric or "net_sales").strip().lower().replace(" ", "_")
    if key not in ADDITIVE_METRICS:
        raise BadArgument("udf_not_additive", value=metric, metrics=", ".join(ADDITIVE_METRICS))
    rows = _rows(seasonality, "seasonality", required=False) or []
    cells = [v for r in rows for v in r]
    if len(cells) != 12:
        raise BadArgument("udf_cells_needed", name="seasonality", n=12, got=len(cells))
    weights = _numbers(pd.Series(cells, dtype=object), "seasonality").fillna(0.0)
    if (weights < 0).any():
        raise BadArgument("udf_negative_weights", name="seasonality")
    months = [v for _, v in additive_plan(float(target), key, weights.to_numpy(), _year(plan_year) or 2027)["month"]]
    return [months] if len(rows) == 1 else [[v] for v in months]


# ------------------------------------------------------------------------------------ promotions
PROMO_FIELDS = ("incremental_sales", "verdict", "baseline", "uplift", "dip", "pull_forward_ratio")


@xw.func
@xw.arg("daily_sales", ndim=2)
@excel_safe
def XLR_PROMO_LIFT(daily_sales, first_day, last_day, figure="incremental_sales", baseline_days=None,
                   after_days=None, caller=None):
    """Incremental sales (or ``figure`` = verdict / baseline / uplift / dip / pull_forward_ratio) of a
    promotion on a column of daily net sales; ``first_day`` / ``last_day`` are the 1-based positions of
    the promotion's first and last day in that column (not ``start`` / ``end``: End is a VBA keyword, and
    xlwings copies parameter names into the VBA wrapper).

    Baseline = mean of up to ``promo_baseline_days`` (28) days before the first day inside the range, dip
    over up to ``promo_after_days`` (14) days after the last day: ``core.marketing.promotion_table``, as the build.
    Example: ``=XLR_PROMO_LIFT(B2:B120, 60, 66, "verdict")``
    """
    from ..core.inputs import Settings
    from ..core.marketing import promotion_table
    cells = _column(daily_sales, "daily_sales")
    while cells and cells[-1] in (None, ""):
        cells.pop()
    values = _numbers(pd.Series(cells, dtype=object), "daily_sales")
    if values.isna().any():
        raise BadArgument("udf_blank_day", name="daily_sales", day=int(np.flatnonzero(values.isna())[0]) + 1)
    n = len(values)
    try:
        s0, s1 = int(float(first_day)), int(float(last_day))
    except (TypeError, ValueError):
        raise BadArgument("udf_positions", name="daily_sales") from None
    if not 1 <= s0 <= s1 <= n:
        raise BadArgument("udf_positions_order", n=n)
    field = str(figure or "incremental_sales").strip().lower()
    if field not in PROMO_FIELDS:
        raise BadArgument("udf_one_of", name="figure", value=figure, choices=", ".join(PROMO_FIELDS))
    day0 = pd.Timestamp(2026, 1, 1)   # positions become days; only their order matters to the rule
    days = pd.date_range(day0, periods=n, freq="D")
    settings = Settings(review_year=days[s0 - 1].year)
    defaults = settings.thresholds
    before = s0 - 1 if baseline_days in (None, "") else int(_float(baseline_days, "baseline_days"))
    after = n - s1 if after_days in (None, "") else int(_float(after_days, "after_days"))
    settings.thresholds = {**defaults, "promo_baseline_days": min(before, int(defaults["promo_baseline_days"])),
                           "promo_after_days": min(after, int(defaults["promo_after_days"]))}
    if settings.thresholds["promo_baseline_days"] < 1:
        raise BadArgument("udf_no_baseline_day")
    lines = pd.DataFrame({"order_date": days, "channel": "", "net_sales": values.to_numpy(), "gross_profit": 0.0,
                          "discount": 0.0, "promo": "", "order_key": [f"d{i}" for i in range(n)],
                          "year": days.year.astype("int64")})
    promo = pd.DataFrame({"name": ["promotion"], "type": ["promotion"], "channel": [""],
                          "start_date": [days[s0 - 1]], "end_date": [days[s1 - 1]], "cost": [0.0]})
    row = promotion_table(lines, promo, settings).iloc[0]
    value = row[field]
    return "" if value is None else value
