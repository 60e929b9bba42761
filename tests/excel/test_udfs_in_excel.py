"""Every ``=XLR_...`` function on a built demo workbook, called the way xlwings calls it from Excel.

``xlwings.udfs.call_udf`` (Windows) converts each argument with ``xlwings.conversion.read`` and the
options of the function's ``@xw.arg`` decorators, calls the function, and converts the result with
``xlwings.conversion.write`` and the ``@xw.ret`` options. Here the same calls run on the module as
Windows decorates it (xlwings' own ``xlfunc/xlarg/xlret``, see xlreview.excel.udf_module), with the
ranges of the built demo as Excel hands them over (2-D, numbers as floats, dates as datetimes, empty
cells as None). Off Windows xlwings has no "excel" engine, whose only part conversion uses is the
per-cell clean-up; ``WindowsValues`` does what ``xlwings._xlwindows.Engine`` does for these values.
"""
from __future__ import annotations

import datetime as dt
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xlwings
from python_calamine import CalamineWorkbook
from xlwings import conversion
from xlwings_fake import com_value as excel_value

from xlreview.excel.udf_module import _xlwings_windows_udfs, windows_udf_module
from xlreview.text import label, sheet_name


class WindowsValues:
    """``clean_value_data`` / ``prepare_xl_data_element`` of ``xlwings._xlwindows.Engine`` for values that
    are already Python (no COM times or error codes: the ranges below have none)."""

    name = "excel"

    @staticmethod
    def clean_value_data(data, datetime_builder, empty_as, number_builder, err_to_str):
        def clean(v):
            if v in ("", None):
                return empty_as
            if number_builder is not None and isinstance(v, float):
                return number_builder(v)
            return v
        return [[clean(v) for v in row] for row in data]

    @staticmethod
    def prepare_xl_data_element(x, options):
        if isinstance(x, (dt.date, dt.datetime)):
            return x
        if pd.isna(x) if not isinstance(x, (list, tuple)) else False:
            return ""
        if isinstance(x, (np.floating, float)) and np.isnan(x):
            return ""
        if isinstance(x, np.number):
            return float(x)
        return "" if x is None else x


@pytest.fixture(scope="module")
def windows_udfs():
    """The udfs module as on Windows (every function with its ``__xlfunc__``), an "excel" engine registered."""
    engine = xlwings.main.Engine(impl=WindowsValues())
    with _xlwings_windows_udfs() as udfs:
        module = windows_udf_module(udfs)
    xlwings.engines.engines_by_name["excel"] = engine
    try:
        yield module
    finally:
        xlwings.engines.engines_by_name.pop("excel", None)


def call_udf(module, name: str, *args, caller=None):
    """``xlwings.udfs.call_udf`` minus COM: the calling cell into the reserved ``caller`` argument, read each
    argument, call, write the result."""
    func = getattr(module, name)
    info = func.__xlfunc__
    args_info = info["args"]
    values = list(args) + [a.get("optional") for a in args_info[len(args):]]
    for a in args_info:
        if a["name"] == "caller":
            values[a["pos"]] = caller
    read = [conversion.read(None, v, args_info[i]["options"]) for i, v in enumerate(values)]
    return conversion.write(func(*read), None, info["ret"]["options"])


class Book:
    """The built demo's cells (python-calamine, a reader independent of openpyxl)."""

    def __init__(self, path):
        self.wb = CalamineWorkbook.from_path(str(path))
        self.cache: dict[str, list[list]] = {}

    def rows(self, sheet: str) -> list[list]:
        if sheet not in self.cache:
            self.cache[sheet] = [[excel_value(v) for v in r] for r in self.wb.get_sheet_by_name(sheet).to_python()]
        return self.cache[sheet]

    def range(self, sheet: str, r0: int, c0: int, r1: int, c1: int) -> tuple:
        """1-based, inclusive; as a tuple of row tuples (what pywin32 returns for Range.Value)."""
        rows = self.rows(sheet)
        return tuple(tuple((rows[r][c] if r < len(rows) and c < len(rows[r]) else None)
                           for c in range(c0 - 1, c1)) for r in range(r0 - 1, r1))

    def used(self, sheet: str) -> tuple:
        rows = self.rows(sheet)
        return self.range(sheet, 1, 1, len(rows), max(len(r) for r in rows))

    def find(self, sheet: str, text: str, col: int | None = None) -> tuple[int, int]:
        for i, row in enumerate(self.rows(sheet), start=1):
            for j, v in enumerate(row, start=1):
                if v == text and (col is None or j == col):
                    return i, j
        raise AssertionError(f"{text!r} not on {sheet}")


@pytest.fixture(scope="module")
def demo(demo_build):
    return Book(demo_build[0])


def sku_table(demo: Book, lang: str = "zh") -> tuple[tuple, int, int]:
    """The generated Products sheet's SKU table (header row to last SKU): (range from column A, first row, last row)."""
    sheet = sheet_name("products", lang)
    head, sku_col = demo.find(sheet, label("sku", lang))
    rows = demo.rows(sheet)
    last = head
    while last < len(rows) and len(rows[last]) >= sku_col and rows[last][sku_col - 1] not in (None, ""):
        last += 1
    width = max(j for j, v in enumerate(rows[head - 1], start=1) if v not in (None, ""))
    return demo.range(sheet, head, 1, last, width), head, last


def is_value(v) -> bool:
    if isinstance(v, list):
        return bool(v) and all(is_value(x) for row in v for x in (row if isinstance(row, list) else [row]))
    if isinstance(v, str):
        return not v.startswith("#XLR!")
    return isinstance(v, (int, float)) and not (isinstance(v, float) and math.isnan(v))


def test_xlr_classify_on_the_generated_products_table_gives_its_classes(windows_udfs, demo):
    table, head, last = sku_table(demo)
    out = call_udf(windows_udfs, "XLR_CLASSIFY", table)
    assert out[0] == ["class"] and len(out) == last - head + 1
    header = list(table[0])
    shown = [r[header.index(label("class"))] for r in table[1:]]
    codes = {label(f"pclass_{c}"): c for c in ("problem", "hero", "evergreen", "long_tail")}
    assert [r[0] for r in out[1:]] == [codes[s] for s in shown]


def test_xlr_classify_reads_the_english_table_too(windows_udfs, demo):
    import worked_example as we

    from xlreview.core.review import compute_review
    from xlreview.model.read import frames_to_raw, read_inputs
    from xlreview.sheets import render
    inputs, _ = read_inputs(frames_to_raw(we.frames()))
    inputs.settings.language = "en"
    ws = render(compute_review(inputs))[sheet_name("products", "en")]
    rows = [[excel_value(c.value) for c in r] for r in ws.iter_rows()]
    head = next(i for i, r in enumerate(rows) if "SKU" in r)
    sku = rows[head].index("SKU")
    table = tuple(tuple(r) for r in rows[head:] if r[sku] not in (None, ""))
    out = call_udf(windows_udfs, "XLR_CLASSIFY", table)
    assert [r[0] for r in out[1:]] == ["problem", "problem"]


def test_every_worksheet_function_returns_a_value_on_the_demo(windows_udfs, demo):
    orders, products, ads = demo.used("Orders"), demo.used("Products"), demo.used("Ads")
    traffic, fx, settings = demo.used("Traffic"), demo.used("FX"), demo.used("Settings")
    goals = demo.range("Goals", 1, 1, 2, 9)
    table, _, _ = sku_table(demo)
    header = list(table[0])
    sessions = tuple((r[header.index(label("sessions"))],) for r in table)
    conversion_rate = tuple((r[header.index(label("conversion_rate"))],) for r in table)
    # a promotion's daily net sales and its days, from the Marketing sheet's chart data
    marketing = sheet_name("marketing")
    day_row, day_col = demo.find(marketing, label("daily_net_sales"))
    rows = demo.rows(marketing)
    days = []
    r = day_row
    while r < len(rows) and rows[r][day_col - 1] is not None:
        days.append((rows[r][day_col - 1], rows[r][day_col + 1]))
        r += 1
    daily = tuple((v,) for v, _ in days)
    promo = [i for i, (_, p) in enumerate(days, start=1) if p not in (None, 0.0)]
    monthly = tuple(tuple(float(m) * 1000 for m in range(1, 13)) for _ in range(1))
    calls = {
        "XLR_NET_SALES": (orders, None, None, fx),
        "XLR_GROSS_MARGIN": (orders, products, None, None, fx),
        "XLR_NET_MARGIN": (orders, products, ads, 12000.0, None, None, fx),
        "XLR_AOV": (orders, None, None, fx),
        "XLR_REFUND_RATE": (orders, None, None, fx),
        "XLR_ROAS": (orders, ads, None, None, fx),
        "XLR_ACOS": (orders, ads, None, None, fx),
        "XLR_TACOS": (orders, ads, None, None, fx),
        "XLR_CONVERSION": (orders, traffic, None, None, fx),
        "XLR_LTV": (orders, products, None, None, fx),
        "XLR_CLASSIFY": (table,),
        "XLR_QUADRANT": (sessions, conversion_rate),
        "XLR_SMART": (goals, orders, products, ads, traffic, settings, fx),
        "XLR_PLAN": (600000.0, monthly),
        "XLR_PROMO_LIFT": (daily, float(promo[0]), float(promo[-1]), "verdict"),
    }
    assert sorted(calls) == sorted(n for n in dir(windows_udfs) if n.startswith("XLR_"))
    results = {name: call_udf(windows_udfs, name, *args) for name, args in calls.items()}
    assert {n: v for n, v in results.items() if not is_value(v)} == {}
    assert results["XLR_PLAN"] and sum(results["XLR_PLAN"][0]) == pytest.approx(600000.0)


DOC = (Path(__file__).resolve().parents[2] / "docs" / "excel.md").read_text(encoding="utf-8")


def _a1(ref: str) -> tuple[int, int, int, int]:
    from openpyxl.utils import range_boundaries
    c0, r0, c1, r1 = range_boundaries(ref)
    return r0, c0, r1, c1


def test_documented_input_ranges_cover_every_column_of_their_sheet():
    from xlreview.model import schema
    refs = re.findall(r"\b(\w+)!A1:([A-Z]+)\d+", DOC)
    assert len(refs) > 20
    from openpyxl.utils import column_index_from_string
    for sheet, last in refs:
        spec = schema.SHEETS_BY_NAME[sheet]
        width = 3 if spec.key_value else len(spec.columns)       # Settings: key, value, meaning
        assert column_index_from_string(last) >= width, f"{sheet}!A1:{last}... misses columns"


@pytest.mark.parametrize("lang, sheet_ref", [("zh", "产品复盘"), ("en", "'Product Review'")])
def test_documented_product_table_examples_work_on_the_demo(windows_udfs, demo, lang, sheet_ref):
    classify = re.search(rf"=XLR_CLASSIFY\({re.escape(sheet_ref)}!(\w+:\w+)\)", DOC).group(1)
    quadrant = re.search(rf"=XLR_QUADRANT\({re.escape(sheet_ref)}!(\w+:\w+), {re.escape(sheet_ref)}!(\w+:\w+)\)", DOC)
    if lang == "en":      # the demo is Chinese; the English table has the same layout (checked here)
        assert (classify, quadrant.groups()) == (
            re.search(r"=XLR_CLASSIFY\(产品复盘!(\w+:\w+)\)", DOC).group(1),
            re.search(r"=XLR_QUADRANT\(产品复盘!(\w+:\w+), 产品复盘!(\w+:\w+)\)", DOC).groups())
        return
    sheet = sheet_name("products")
    table, head, last = sku_table(demo)
    r0, c0, r1, c1 = _a1(classify)
    assert r0 == head and r1 >= last and (c0, c1) == (1, len(table[0])), "the documented range is the whole table"
    out = call_udf(windows_udfs, "XLR_CLASSIFY", demo.range(sheet, r0, c0, r1, c1))
    assert out[0] == ["class"] and len(out) == last - head + 1
    (s0, sc, s1, _), (q0, qc, q1, _) = (_a1(x) for x in quadrant.groups())
    assert demo.rows(sheet)[s0 - 1][sc - 1] == label("sessions") and demo.rows(sheet)[q0 - 1][qc - 1] == label(
        "conversion_rate")
    labels = call_udf(windows_udfs, "XLR_QUADRANT", demo.range(sheet, s0, sc, s1, sc), demo.range(sheet, q0, qc, q1, qc))
    assert labels[0] == ["quadrant"] and len(labels) == last - head + 1


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_bad_argument_answers_in_the_calling_books_language(windows_udfs, tmp_path, lang):
    """The calling cell goes through xlwings' own ``conversion.read`` unchanged, and its book's Settings
    ``language`` (the stand-in book, read through the live backend) chooses the words of the answer."""
    from xlwings_fake import FakeBook

    from xlreview.template import write_workbook
    from xlreview.text import tr
    settings = pd.DataFrame({"key": ["language"], "value": [lang]})
    book = FakeBook.from_file(write_workbook(tmp_path / "b.xlsx", {"Settings": settings}, macros=False))
    udfs = windows_udfs                    # the module call_udf runs: its own per-book caches
    udfs._book_languages.clear()
    out = call_udf(windows_udfs, "XLR_PLAN", "lots", ((1.0,),) * 12, caller=book.sheets["Goals"].range("K3"))
    udfs._book_languages.clear()
    assert out == [[tr("msg.udf_answer", lang, reason=tr("msg.udf_not_a_number", lang, name="target", value="lots"))]]


MISSING_ARGUMENT = -2147352572      # what pywin32 hands over for an omitted Optional argument (xlwings.udfs)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_xlwings_own_call_udf_hands_the_calling_cell_to_the_function(windows_udfs, tmp_path, monkeypatch, lang):
    """``xlwings.udfs.call_udf`` itself, as the COM server runs it for ``=XLR_NET_SALES()`` in a cell: the VBA
    wrapper's argument array (``Nothing`` in the caller's slot, omitted optionals as pywin32's missing marker)
    and ``Application.Caller``. Only what needs Windows is replaced: the platform objects behind xlwings'
    Range/Sheet/Book (a cell of a book with a full name), COM marshalling and the event loop module.
    xlwings' own ``Range`` / ``ComRange`` / ``Sheet`` / ``Book`` carry the cell to ``caller``; the book's
    Settings (language, order store) are then read from the stand-in workbook of that full name."""
    import sys
    import types

    from xlwings_fake import FakeBook

    from xlreview.excel import macros
    from xlreview.template import write_workbook
    from xlreview.text import tr
    settings = pd.DataFrame({"key": ["language"], "value": [lang]})
    book = FakeBook.from_file(write_workbook(tmp_path / f"{lang}.xlsx", {"Settings": settings}, macros=False))

    class BookImpl:
        fullname = book.fullname

    class SheetImpl:
        book = BookImpl()

    class RangeImpl:                       # xlwings._xlwindows.Range(xl=<the COM Range of the calling cell>)
        def __init__(self, xl):
            self.xl, self.sheet = xl, SheetImpl()
            self.api = types.SimpleNamespace(CLSID="{00020846-0000-0000-C000-000000000046}")

    platform = types.ModuleType("xlwings._xlwindows")
    platform.Range, platform.is_range_instance = RangeImpl, lambda value: False
    monkeypatch.setattr(xlwings, "_xlwindows", platform, raising=False)
    monkeypatch.setitem(sys.modules, "xlwings.com_server", types.SimpleNamespace(loop=None))
    udfs = windows_udfs                    # the module call_udf runs (xlwings' Windows decorators), its own caches
    real_language, real_store = macros.book_language, udfs._store_folder
    read = []
    monkeypatch.setattr(macros, "book_language",
                        lambda b: read.append(b.fullname) or real_language(book if b.fullname == book.fullname else b))
    monkeypatch.setattr(udfs, "_store_folder", lambda b: real_store(book if b.fullname == book.fullname else b))
    udfs._book_languages.clear()
    udfs._book_stores.clear()
    try:
        with _xlwings_windows_udfs() as xw_udfs:
            monkeypatch.setattr(xw_udfs, "pythoncom", types.SimpleNamespace(
                IID_IDispatch=None, CoMarshalInterThreadInterfaceInStream=lambda iid, api: api))
            xw_udfs.udf_modules["xlreview.excel.udfs"] = {"filename": "", "filetime": None, "module": windows_udfs}
            args = (None, MISSING_ARGUMENT, MISSING_ARGUMENT, MISSING_ARGUMENT, None)   # Array(orders, scope, year, fx, Nothing)
            out = xw_udfs.call_udf("xlreview.excel.udfs", "XLR_NET_SALES", args, None, object())
    finally:
        udfs._book_languages.clear()
        udfs._book_stores.clear()
    assert read == [book.fullname]
    assert out == [[tr("msg.udf_answer", lang, reason=tr("msg.udf_range_empty", lang, name="orders"))]]
