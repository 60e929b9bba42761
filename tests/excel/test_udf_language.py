"""``#XLR!`` answers in the language of the calling cell's workbook.

xlwings hands a worksheet function the calling cell when it has a parameter named ``caller``
(``xlwings.udfs.call_udf``: "If there is the 'reserved' argument "caller", assign the caller object"), and
its wrapper generator leaves that parameter out of the VBA function, passing ``Nothing`` in its slot
(``generate_vba_wrapper``). Checked here: with xlwings' own generator (the wrappers the template ships)
and with the stand-in workbook of tests/xlwings_fake.py as the caller's book (its Settings read through the
live backend); tests/excel/test_udfs_in_excel.py passes the cell through xlwings' own argument conversion.
"""
from __future__ import annotations

import re

import pandas as pd
import pytest
from xlwings_fake import FakeBook

from xlreview.excel import udfs as u
from xlreview.excel.udf_module import _xlwings_windows_udfs, udf_vba_source, windows_udf_module
from xlreview.template import write_workbook
from xlreview.text import tr


def said(code: str, lang: str, **params) -> str:
    return tr("msg.udf_answer", lang, reason=tr("msg." + code, lang, **params))


def book_in(tmp_path, lang: str) -> FakeBook:
    settings = pd.DataFrame({"key": ["language"], "value": [lang]})
    return FakeBook.from_file(write_workbook(tmp_path / f"{lang}.xlsx", {"Settings": settings}, macros=False))


@pytest.fixture(autouse=True)
def no_cached_languages():
    u._book_languages.clear()
    yield
    u._book_languages.clear()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_answer_follows_the_calling_books_settings_language(tmp_path, lang):
    book = book_in(tmp_path, lang)
    cell = book.sheets["Orders"].range("T5")
    assert u.XLR_NET_SALES(None, caller=cell) == said("udf_range_empty", lang, name="orders")
    assert u.XLR_PLAN("lots", [[1.0]] * 12, "net_sales", None, cell) == said(
        "udf_not_a_number", lang, name="target", value="lots")     # positional, as call_udf passes it
    assert u.XLR_NET_SALES([["order_id"], ["O1"]], caller=cell).startswith("#XLR! ")
    assert ("order_date" in u.XLR_NET_SALES([["order_id"], ["O1"]], caller=cell))


def test_no_caller_or_an_unreadable_one_is_zh():
    assert u.XLR_NET_SALES(None) == said("udf_range_empty", "zh", name="orders")
    assert u.XLR_NET_SALES(None, caller=object()) == said("udf_range_empty", "zh", name="orders")


def test_an_unexpected_exception_is_named_in_the_books_language(tmp_path, monkeypatch):
    cell = book_in(tmp_path, "en").sheets["Orders"].range("A1")
    monkeypatch.setattr(u, "_period_figure", lambda *a, **k: {}["net_sales"])
    assert u.XLR_NET_SALES([["x"]], caller=cell) == said("udf_internal", "en", error="KeyError: 'net_sales'")


def test_a_message_that_cannot_be_rendered_still_answers(tmp_path, monkeypatch):
    cell = book_in(tmp_path, "en").sheets["Orders"].range("A1")

    def broken(exc, lang):
        raise ValueError("Unknown format code")
    monkeypatch.setattr(u, "_reason", broken)
    assert u.XLR_NET_SALES(None, caller=cell) == tr("msg.udf_answer", "en", reason=tr(
        "msg.udf_internal", "en", error="BadArgument"))


def test_the_language_is_read_once_per_book_and_again_after_a_while(tmp_path, monkeypatch):
    from xlreview.excel import macros
    book = book_in(tmp_path, "en")
    reads = []
    real = macros.book_language
    monkeypatch.setattr(macros, "book_language", lambda b: reads.append(b) or real(b))
    cell = book.sheets["Orders"].range("A1")
    for _ in range(5):
        assert u.XLR_NET_SALES(None, caller=cell).startswith(said("udf_range_empty", "en", name="orders"))
    assert len(reads) == 1
    assert u.XLR_NET_SALES([[1.0]] * 3) is not None and len(reads) == 1     # no caller, no read
    # the seller switches Settings to zh: shown once the cached language has expired
    settings = book.sheets["Settings"]
    row = next(r for (r, c), v in settings.cells.items() if c == 1 and v == "language")
    settings.cells[(row, 2)] = "zh"
    assert u.XLR_NET_SALES(None, caller=cell) == said("udf_range_empty", "en", name="orders")
    clock = u.time.monotonic() + u.LANGUAGE_SECONDS + 1
    monkeypatch.setattr(u.time, "monotonic", lambda: clock)
    assert u.XLR_NET_SALES(None, caller=cell) == said("udf_range_empty", "zh", name="orders")
    assert len(reads) == 2
    # a second book keeps its own language
    other = book_in(tmp_path / "..", "en").sheets["Orders"].range("A1")
    assert u.XLR_NET_SALES(None, caller=other) == said("udf_range_empty", "en", name="orders")


# ------------------------------------------------------------------------ xlwings' own code
WRAPPER = re.compile(r"^Function (XLR_\w+)\((.*?)\)\n(.*?)^End Function", re.M | re.S)


@pytest.fixture(scope="module")
def windows_module():
    with _xlwings_windows_udfs() as udfs:
        yield windows_udf_module(udfs)


def test_xlwings_wrappers_pass_nothing_in_the_callers_slot(windows_module):
    """What ``generate_vba_wrapper`` writes: no ``caller`` parameter in VBA, ``Nothing`` at its position of
    the argument array, the calling cell (``Application.Caller``) as CallUDF's last argument -- which
    ``call_udf`` turns into the ``caller`` argument."""
    wrappers = {m.group(1): (m.group(2), m.group(3)) for m in WRAPPER.finditer(udf_vba_source().replace("\r\n", "\n"))}
    names = [n for n in dir(u) if n.startswith("XLR_")]
    assert sorted(wrappers) == names
    for name in names:
        params, body = wrappers[name]
        assert "caller" not in params.lower()
        info = getattr(windows_module, name).__xlfunc__["args"]
        pos = next(a["pos"] for a in info if a["name"] == "caller")
        assert pos == len(info) - 1
        array = re.search(r'XLPy\.CallUDF\("xlreview\.excel\.udfs", "' + name + r'", Array\((.*?)\), ThisWorkbook, '
                          r'Application\.Caller\)', body)
        assert array, body
        assert [a.strip() for a in array.group(1).split(",")][pos] == "Nothing"



def test_a_books_order_store_is_read_after_the_orders_range(tmp_path):
    """=XLR_ formulas read the calling book's order store as check and build do (relative to the book)."""
    from worked_example import EXPECTED, frames

    from xlreview.model import store
    from xlreview.pipeline import build
    u._book_stores.clear()
    f = frames()
    whole = write_workbook(tmp_path / "whole.xlsx", f, macros=False)
    net_sales = build(whole).review.summary["net_sales"]
    assert net_sales == pytest.approx(EXPECTED["net_sales"])
    store.write_part(tmp_path / "split.orders", f["Orders"].iloc[2:]).publish()
    settings = pd.concat([f["Settings"], pd.DataFrame({"key": ["order_store"], "value": ["split.orders"]})])
    split = write_workbook(tmp_path / "split.xlsx", dict(f, Orders=f["Orders"].iloc[:2], Settings=settings),
                           macros=False)
    book = FakeBook.from_file(split)
    orders = [list(f["Orders"].columns)] + f["Orders"].iloc[:2].astype(object).values.tolist()
    cell = book.sheets["Orders"].range("T5")
    fx = [["currency", "rate_to_base"], ["EUR", 1.2]]
    # O1's first line (net 40 + 5 shipping - 4 discount) is on the sheet; O1's second line, O2, O3 in the store
    assert u.XLR_NET_SALES(orders, year=2026, fx=fx, caller=cell) == pytest.approx(net_sales)
    assert u.XLR_NET_SALES(orders[:1], year=2026, fx=fx, caller=cell) == pytest.approx(net_sales - 41)   # header only
    assert u.XLR_NET_SALES(orders, year=2026, fx=fx) == pytest.approx(41)           # no caller: the range alone
    assert len(u._store_parts) == 1                                          # the part is read once, then kept
