"""xlsx -> xlsm at the zip level: VBA project, ribbon, codeNames, determinism; LibreOffice opens the result."""
from __future__ import annotations

import datetime as dt
import importlib.metadata
import re
import zipfile
from pathlib import Path

import olefile
import openpyxl
import pytest
from lxml import etree

from xlreview.excel import package as pkg
from xlreview.excel.ovba import build_vba_project
from xlreview.libreoffice import convert
from xlreview.ooxml import package as ooxml

EXCEL_DIR = Path(__file__).parents[2] / "xlreview" / "excel"
CUI = "{http://schemas.microsoft.com/office/2009/07/customui}"
CALLBACKS = {"XlrImport": "import_files", "XlrBuild": "build_review", "XlrCheck": "check_goals",
             "XlrPlan": "make_plan", "XlrTrack": "track_week", "XlrHelp": "show_help", "XlrDeck": "make_deck"}


def _write_xlsx(path: Path, created: dt.datetime = dt.datetime(2024, 5, 1, 12, 0, 0)) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "说明"
    ws["A1"] = "跨境复盘"
    orders = wb.create_sheet("Orders")
    orders.sheet_properties.tabColor = "FF0000"
    orders.append(["order_id", "amount"])
    orders.append(["A-1", 12.5])
    named = wb.create_sheet("Sheet2")  # a tab *named* like a codeName, to test clashes
    named.sheet_properties.codeName = "Sheet2"
    wb.create_sheet("xlwings.conf")
    wb.properties.created = wb.properties.modified = created
    wb.save(path)
    return path


@pytest.fixture()
def xlsm(tmp_path) -> Path:
    src = _write_xlsx(tmp_path / "book.xlsx")
    return pkg.make_macro_enabled(src, tmp_path / "book.xlsm")


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def _rels(xml: bytes) -> list[dict[str, str]]:
    return [dict(el.attrib) for el in etree.fromstring(xml)]


def test_building_twice_is_byte_identical(tmp_path):
    a = _write_xlsx(tmp_path / "a.xlsx", dt.datetime(2024, 1, 1))
    b = _write_xlsx(tmp_path / "b.xlsx", dt.datetime(2025, 6, 30, 8, 15))
    assert a.read_bytes() != b.read_bytes()
    out_a = pkg.make_macro_enabled(a, tmp_path / "a.xlsm")
    out_b = pkg.make_macro_enabled(b, tmp_path / "b.xlsm")
    assert out_a.read_bytes() == out_b.read_bytes()
    infos = zipfile.ZipFile(out_a).infolist()
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert [i.filename for i in infos][:2] == ["[Content_Types].xml", "_rels/.rels"]


def test_parts_relationships_and_content_types(xlsm):
    parts = _parts(xlsm)
    assert parts["customUI/customUI14.xml"] == pkg.ribbon_xml()
    root_rels = _rels(parts["_rels/.rels"])
    assert {"Type": ooxml.REL_RIBBON, "Target": "customUI/customUI14.xml"}.items() <= next(
        r for r in root_rels if r["Type"] == ooxml.REL_RIBBON).items()
    wb_rels = _rels(parts["xl/_rels/workbook.xml.rels"])
    assert [r["Target"] for r in wb_rels if r["Type"] == ooxml.REL_VBA] == ["vbaProject.bin"]
    assert len({r["Id"] for r in wb_rels}) == len(wb_rels)
    types = etree.fromstring(parts["[Content_Types].xml"])
    overrides = {el.get("PartName"): el.get("ContentType") for el in types if el.get("PartName")}
    defaults = {el.get("Extension"): el.get("ContentType") for el in types if el.get("Extension")}
    assert overrides["/xl/workbook.xml"] == "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
    assert defaults["bin"] == "application/vnd.ms-office.vbaProject"
    assert pkg.check_macro_package(xlsm) == []


def test_codenames_match_document_modules(tmp_path, xlsm):
    parts = _parts(xlsm)
    assert b'<workbookPr codeName="ThisWorkbook"' in parts["xl/workbook.xml"]
    codes = [re.search(rb'<sheetPr[^>]*codeName="([^"]+)"', parts[f"xl/worksheets/sheet{i}.xml"]).group(1).decode()
             for i in range(1, 5)]
    # the sheet that already had codeName Sheet2 keeps it; the others skip it
    assert codes == ["Sheet1", "Sheet3", "Sheet2", "Sheet4"]
    assert pkg.sheet_codenames(tmp_path / "book.xlsx") == codes
    # the tab colour of Orders survives the new attribute
    assert b'<tabColor rgb="00FF0000"/>' in parts["xl/worksheets/sheet2.xml"]
    project = olefile.OleFileIO(parts["xl/vbaProject.bin"]).openstream("PROJECT").read().decode("ascii")
    assert re.findall(r"^Document=(\w+)/&H00000000\r$", project, re.M) == ["ThisWorkbook", *codes]


def test_vba_bin_without_matching_document_modules_is_refused(tmp_path):
    src = _write_xlsx(tmp_path / "book.xlsx")
    wrong = build_vba_project(pkg.vba_modules_for_template(["Sheet1"]))
    with pytest.raises(ValueError, match="document modules"):
        pkg.make_macro_enabled(src, tmp_path / "book.xlsm", wrong)


def test_openpyxl_save_drops_ribbon_relationship_and_we_restore_it(tmp_path, xlsm):
    wb = openpyxl.load_workbook(xlsm, keep_vba=True)
    wb["Orders"]["C1"] = "note"
    resaved = tmp_path / "resaved.xlsm"
    wb.save(resaved)
    problems = pkg.check_macro_package(resaved)
    assert problems and all("customUI" in p for p in problems)
    assert ooxml.ensure_ribbon_relationship(resaved) is True
    assert pkg.check_macro_package(resaved) == []
    assert ooxml.ensure_ribbon_relationship(resaved) is False  # idempotent


def test_check_reports_a_plain_xlsx(tmp_path):
    problems = pkg.check_macro_package(_write_xlsx(tmp_path / "plain.xlsx"))
    joined = "\n".join(problems)
    assert "macroEnabled" in joined and "vbaProject.bin" in joined and "customUI" in joined
    (tmp_path / "junk.xlsm").write_bytes(b"not a zip")
    assert len(pkg.check_macro_package(tmp_path / "junk.xlsm")) == 1


def test_write_zip_deterministic_and_pinned_core(tmp_path):
    entries = [("b.txt", b"b" * 1000), ("a.txt", b"a")]
    one = ooxml.write_package(tmp_path / "one.zip", entries).read_bytes()
    two = ooxml.write_package(tmp_path / "two.zip", entries).read_bytes()
    assert one == two
    assert zipfile.ZipFile(tmp_path / "one.zip").namelist() == ["b.txt", "a.txt"]
    assert list(tmp_path.glob("*.tmp")) == []
    with pytest.raises(ValueError, match="duplicate"):
        ooxml.write_package(tmp_path / "dup.zip", entries + entries[:1])
    core = (b'<cp:coreProperties xmlns:cp="x" xmlns:dcterms="http://purl.org/dc/terms/" '
            b'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            b'<dcterms:created xsi:type="dcterms:W3CDTF">2024-05-01T12:00:00Z</dcterms:created>'
            b'<dcterms:modified xsi:type="dcterms:W3CDTF">2024-05-02T12:00:00Z</dcterms:modified></cp:coreProperties>')
    pinned = ooxml.pin_core_properties(core)
    assert pinned.count(ooxml.FIXED_DATE.encode()) == 2 and b"2024" not in pinned


def test_ribbon_xml():
    root = etree.fromstring(pkg.ribbon_xml())
    assert root.tag == CUI + "customUI"
    tab = root.find(f"{CUI}ribbon/{CUI}tabs/{CUI}tab")
    assert tab.get("label") == "跨境复盘 xlreview"
    buttons = {b.get("onAction"): b for b in tab.iter(CUI + "button")}
    assert set(buttons) == set(CALLBACKS)
    labels = {b.get("label") for b in buttons.values()}
    assert labels == {"导入数据", "生成复盘", "检查目标", "生成计划", "周跟踪", "帮助", "汇报PPT"}
    for b in buttons.values():
        assert b.get("imageMso") and b.get("screentip").isascii() and b.get("supertip").isascii()


def test_vba_sources_are_ascii_and_call_the_macros():
    for path in (EXCEL_DIR / "vba").glob("*.bas"):
        assert path.read_bytes().isascii(), path
    ribbon = (EXCEL_DIR / "vba" / "XlreviewRibbon.bas").read_text("ascii")
    for sub in CALLBACKS:
        assert re.search(rf"^Public Sub {sub}\(control As IRibbonControl\)$", ribbon, re.M)
    assert 'RunPython "import xlreview.excel.macros as m; m." & fn & "()"' in ribbon
    assert re.search(r"^Public Sub XlrOnLoad\(ribbon As IRibbonUI\)$", ribbon, re.M)
    root = etree.fromstring(pkg.ribbon_xml())
    assert root.get("onLoad") == "XlrOnLoad"


def test_vba_modules_for_template():
    modules = pkg.vba_modules_for_template(["Sheet1", "Sheet2"])
    assert [(n, k) for n, k, _ in modules] == [
        ("ThisWorkbook", "document"), ("Sheet1", "document"), ("Sheet2", "document"),
        ("xlwings", "standard"), ("Dictionary", "class"), ("xlwings_udfs", "standard"),
        ("XlreviewRibbon", "standard"), ("XlreviewInfo", "standard")]
    source = dict((n, s) for n, _, s in modules)
    version = importlib.metadata.version("xlwings")
    assert f"'Version: {version}" in source["xlwings"]
    assert f'Public Const XLWINGS_VERSION As String = "{version}"' in source["xlwings"]
    assert "XLWINGS_VERSION" not in source["XlreviewInfo"].replace("'", "\n'").split("\n'")[0]
    assert (pkg.XLWINGS_CONF_VERSION_KEY, version) in pkg.xlwings_conf_entries()
    assert all(s.isascii() for s in source.values())


@pytest.mark.libreoffice
def test_libreoffice_opens_the_xlsm_and_sees_every_module(soffice, tmp_path, xlsm):
    pdf = convert(xlsm, "pdf", tmp_path / "pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    # LibreOffice imports VBA modules into a Basic library when it loads VBA code (its default)
    ods = convert(xlsm, "ods", tmp_path / "ods")
    with zipfile.ZipFile(ods) as zf:
        basic = {n for n in zf.namelist() if n.startswith("Basic/VBAProject/")}
        ribbon = zf.read("Basic/VBAProject/XlreviewRibbon.xml").decode("utf-8")
        dictionary = zf.read("Basic/VBAProject/Dictionary.xml").decode("utf-8")
    names = [n for n, _, _ in pkg.vba_modules_for_template(pkg.sheet_codenames(tmp_path / "book.xlsx"))]
    assert basic >= {f"Basic/VBAProject/{n}.xml" for n in names}
    assert "RunPython &quot;import xlreview.excel.macros as m; m.&quot;" in ribbon
    assert 'script:moduleType="class"' in dictionary
