"""The headless backend reads an import's key columns straight from the worksheet XML
(:func:`xlreview.ooxml.sheetdata.read_columns`); it must read what calamine reads from the whole sheet."""
from __future__ import annotations

import datetime as dt

import openpyxl
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from xlreview.workbook.base import Backend
from xlreview.workbook.headless import HeadlessBackend


def test_columns_read_from_the_xml_equal_calamines_rows(tmp_path):
    wb = openpyxl.Workbook()                 # openpyxl writes shared strings (t="s"), Excel's way
    ws = wb.active
    ws.title = "Orders"
    ws.append(["order_id", "order_date", "channel", "sku", "quantity"])
    rows = [
        ["A&B <1>", dt.date(2026, 3, 1), "Amazon US", "SKU-1", 2],
        [1234567890123, dt.datetime(2026, 3, 2, 10, 30), "eBay", None, 1.5],
        ["  padded ", None, "Shopify", True, None],
        [None, dt.date(2026, 3, 4), CellRichText("rich ", TextBlock(InlineFont(b=True), "run")), "Ä-ß", 0],
        ["=not a formula", 46082, "'quoted'", "x\ny", -3],
    ]
    for r in rows:
        ws.append(r)
    ws["B7"].number_format = "yyyy-mm-dd hh:mm"
    ws["B7"] = 46082.25
    ws["E7"] = 5
    path = tmp_path / "book.xlsx"
    wb.save(path)
    backend = HeadlessBackend(path)
    everything = list(range(5))
    fast = backend.read_columns("Orders", lambda header: everything)
    whole = Backend.read_columns(backend, "Orders", lambda header: everything)
    assert fast[0] == whole[0] and fast[1] == whole[1] == 7
    for j in everything:
        assert list(fast[2][j]) == list(whole[2][j]), j


def test_a_sheet_with_a_cell_without_its_reference_is_read_whole(tmp_path):
    from xlreview.ooxml.package import COPY, Package, write_package
    from xlreview.ooxml.sheetdata import read_columns

    wb = openpyxl.Workbook()
    wb.active.append(["a", "b"])
    wb.active.append(["x", "y"])
    path = tmp_path / "book.xlsx"
    wb.save(path)
    with Package(path) as pkg:
        part = pkg.sheet_parts()["Sheet"]
        xml = pkg.read(part).replace(b'<c r="B2"', b"<c", 1)
        write_package(tmp_path / "edited.xlsx", [(n, xml if n == part else COPY) for n in pkg.names], pkg)
    with Package(tmp_path / "edited.xlsx") as pkg:
        assert read_columns(pkg, part, lambda header: [0, 1]) is None


def test_phonetic_runs_are_left_out_of_inline_and_shared_strings_alike():
    # ECMA-376 18.4.6: <rPh> holds the reading (furigana) of the text, not the text; one rule for both readers
    from lxml import etree

    from xlreview.ooxml.sheetdata import _cell_text, _cell_value
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    item = (b'<r><t>\xe6\x9d\xb1\xe4\xba\xac</t></r><rPh sb="0" eb="2"><t>\xe3\x83\x88\xe3\x82\xa6</t></rPh>'
            b'<r><t xml:space="preserve"> &amp; Co</t></r><phoneticPr fontId="1"/>')
    shared = _cell_text(etree.fromstring(f'<si xmlns="{ns}">'.encode() + item + b"</si>"))
    inline = _cell_value(b' r="A1" t="inlineStr"', b"<is>" + item + b"</is>", None)
    assert shared == inline == "東京 & Co"


def test_date_formats_are_openpyxls():
    from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format

    from xlreview.ooxml.sheetdata import is_date_number_format
    for fid, code in BUILTIN_FORMATS.items():
        assert is_date_number_format(str(fid), {}) == is_date_format(code), fid
    custom = {"164": 'yyyy"年"m"月"d"日"', "165": '#,##0.00 "days"', "166": "[h]:mm", "167": "0.0%"}
    assert [is_date_number_format(k, custom) for k in custom] == [True, False, True, False]
