"""Transplanting generated sheets into real workbooks built here with openpyxl (and LibreOffice)."""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from lxml import etree
from openpyxl.chart import BarChart, LineChart, Reference, ScatterChart, Series
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Font, PatternFill
from openpyxl.styles.differential import DifferentialStyle
from openpyxl.worksheet.datavalidation import DataValidation
from python_calamine import CalamineWorkbook

from xlreview.libreoffice import convert
from xlreview.ooxml.package import NS_MAIN
from xlreview.workbook.transplant import GENERATED_NAME, generated_sheet_names, transplant

REWRITABLE = {"xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml", "xl/styles.xml",
              "docProps/app.xml"}
VBA = b"\xd0\xcf\x11\xe0fake vba project"
CUSTOM_UI = b'<customUI xmlns="http://schemas.microsoft.com/office/2009/07/customui"><ribbon/></customUI>'
RIBBON_REL = ('<Relationship Id="rIdUI" Type="http://schemas.microsoft.com/office/2007/relationships/ui/extensibility" '
              'Target="customUI/customUI14.xml"/>')
EXCEL_APP_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
    'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><Application>Microsoft Excel'
    '</Application><HeadingPairs><vt:vector size="4" baseType="variant"><vt:variant><vt:lpstr>Worksheets</vt:lpstr>'
    '</vt:variant><vt:variant><vt:i4>{n}</vt:i4></vt:variant><vt:variant><vt:lpstr>Named Ranges</vt:lpstr></vt:variant>'
    '<vt:variant><vt:i4>1</vt:i4></vt:variant></vt:vector></HeadingPairs><TitlesOfParts><vt:vector size="{size}" '
    'baseType="lpstr">{titles}<vt:lpstr>Notes!Print_Area</vt:lpstr></vt:vector></TitlesOfParts></Properties>')


def entries(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def rewrite_zip(path: Path, changes: dict[str, bytes]) -> None:
    parts = entries(path) | changes
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)


def make_target(folder: Path, *, xlsm: bool = False, titles: bool = False, extra_sheet: str | None = None) -> Path:
    """A user's workbook: order rows, a note sheet with a sheet-scoped print area, a custom number format."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Orders"
    ws.append(["order_id", "qty", "amount"])
    for i in range(1, 200):
        ws.append([f"A-{i}", i, i * 2.5])
    ws["C2"].number_format = "0.000"
    ws["A1"].font = Font(italic=True, color="FF0000FF")
    notes = wb.create_sheet("Notes")
    notes["A1"] = "my notes"
    notes.print_area = "A1:B5"
    if extra_sheet:
        wb.create_sheet(extra_sheet)
    path = folder / ("shop.xlsm" if xlsm else "shop.xlsx")
    wb.save(path)
    changes = {}
    if titles:
        names = [s.title for s in wb.worksheets]
        changes["docProps/app.xml"] = EXCEL_APP_XML.format(
            n=len(names), size=len(names) + 1, titles="".join(f"<vt:lpstr>{n}</vt:lpstr>" for n in names)).encode()
    if xlsm:
        parts = entries(path)
        types = parts["[Content_Types].xml"].decode().replace(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
            "application/vnd.ms-excel.sheet.macroEnabled.main+xml").replace(
            "<Default Extension=\"xml\"",
            '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/><Default Extension="xml"')
        wb_rels = parts["xl/_rels/workbook.xml.rels"].decode().replace(
            "</Relationships>", '<Relationship Id="rIdVBA" Type="http://schemas.microsoft.com/office/2006/relationships/'
            'vbaProject" Target="vbaProject.bin"/></Relationships>')
        root_rels = parts["_rels/.rels"].decode().replace("</Relationships>", RIBBON_REL + "</Relationships>")
        changes |= {"[Content_Types].xml": types.encode(), "xl/_rels/workbook.xml.rels": wb_rels.encode(),
                    "_rels/.rels": root_rels.encode(), "xl/vbaProject.bin": VBA,
                    "customUI/customUI14.xml": CUSTOM_UI}
    if changes:
        rewrite_zip(path, changes)
    return path


def make_generated(folder: Path, names=("Dashboard", "数据 it's"), stem: str = "generated") -> Path:
    """Generated sheets as the sheet writers lay them out: styles, formats, CF, validation, charts."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = names[0]
    ws["A1"] = "Revenue"
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = "=not a formula"
    ws["A2"].data_type = "s"
    ws["A3"] = "  padded  "
    for row, (label, value, share) in enumerate([("Amazon", 1234.5, 0.25), ("eBay", 2500.0, 0.5),
                                                 ("Shopify", 1250.25, 0.25)], start=4):
        ws.cell(row, 1, label)
        ws.cell(row, 2, value).number_format = "#,##0.00"
        ws.cell(row, 3, share).number_format = "0.0%"
    ws["B4"].fill = PatternFill("solid", fgColor="FFFFFF00")
    ws.merge_cells("D1:F1")
    ws.column_dimensions["A"].width = 24
    ws.freeze_panes = "A4"
    ws.conditional_formatting.add(
        "B4:B6", CellIsRule(operator="greaterThan", formula=["2000"], font=Font(color="FFFF0000", bold=True)))
    dv = DataValidation(type="list", formula1='"yes,no"')
    ws.add_data_validation(dv)
    dv.add("E4")
    bar = BarChart()
    bar.add_data(Reference(ws, min_col=2, min_row=4, max_row=6))
    bar.set_categories(Reference(ws, min_col=1, min_row=4, max_row=6))
    ws.add_chart(bar, "H2")
    line = LineChart()
    line.add_data(Reference(ws, min_col=3, min_row=4, max_row=6))
    ws.add_chart(line, "H20")
    for extra in names[1:]:
        other = wb.create_sheet(extra)
        other["A1"] = "x"
        other["B1"] = "y"
        for i in range(2, 6):
            other.cell(i, 1, i)
            other.cell(i, 2, i * i)
        scatter = ScatterChart()
        scatter.series.append(Series(Reference(other, min_col=2, min_row=2, max_row=5),
                                     Reference(other, min_col=1, min_row=2, max_row=5)))
        other.add_chart(scatter, "D2")
        other.print_area = "A1:B5"
    path = folder / f"{stem}.xlsx"
    wb.save(path)
    return path


def workbook_xml(path: Path) -> str:
    return entries(path)["xl/workbook.xml"].decode()


def test_input_parts_byte_identical_and_vba_ribbon_kept(tmp_path):
    target, generated = make_target(tmp_path, xlsm=True), make_generated(tmp_path)
    out = tmp_path / "out.xlsm"
    transplant(target, generated, out)
    before, after = entries(target), entries(out)
    for name, data in before.items():
        if name not in REWRITABLE:
            assert after[name] == data, name
    assert after["xl/vbaProject.bin"] == VBA
    assert after["customUI/customUI14.xml"] == CUSTOM_UI
    assert RIBBON_REL.encode() in after["_rels/.rels"]
    assert b"ms-excel.sheet.macroEnabled.main+xml" in after["[Content_Types].xml"]
    assert b'Target="vbaProject.bin"' in after["xl/_rels/workbook.xml.rels"]
    assert generated_sheet_names(out) == ["Dashboard", "数据 it's"]
    assert generated_sheet_names(target) == []
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Orders", "Notes", "Dashboard", "数据 it's"]


def test_rerun_replaces_and_is_idempotent(tmp_path):
    target, generated = make_target(tmp_path), make_generated(tmp_path)
    first, second = tmp_path / "first.xlsx", tmp_path / "second.xlsx"
    transplant(target, generated, first, activate="Dashboard")
    transplant(first, generated, second, activate="Dashboard")
    assert first.read_bytes() == second.read_bytes()
    assert all(i.date_time == (1980, 1, 1, 0, 0, 0) for i in zipfile.ZipFile(first).infolist())

    other = make_generated(tmp_path, names=("Plan",), stem="other")
    third = tmp_path / "third.xlsx"
    transplant(second, other, third)
    wb = openpyxl.load_workbook(third)
    assert wb.sheetnames == ["Orders", "Notes", "Plan"]
    assert generated_sheet_names(third) == ["Plan"]
    parts = entries(third)
    xlr = sorted(n for n in parts if "xlr_" in n)
    # one sheet, its drawing with two charts, and their rels: nothing left over from the first build
    assert xlr == ["xl/charts/xlr_chart1.xml", "xl/charts/xlr_chart2.xml", "xl/drawings/_rels/xlr_drawing1.xml.rels",
                   "xl/drawings/xlr_drawing1.xml", "xl/worksheets/_rels/xlr_sheet1.xml.rels",
                   "xl/worksheets/xlr_sheet1.xml"]
    overrides = re.findall(r'PartName="/([^"]+)"', parts["[Content_Types].xml"].decode())
    assert sorted(o for o in overrides if "xlr_" in o) == [n for n in xlr if "_rels" not in n]
    assert workbook_xml(third).count(GENERATED_NAME) == 1
    assert workbook_xml(third).count("_xlnm.Print_Area") == 1  # the user's; the generated one went with its sheet


def test_user_sheet_with_generated_name_raises(tmp_path):
    target = make_target(tmp_path, extra_sheet="DASHBOARD")
    with pytest.raises(ValueError, match="DASHBOARD"):
        transplant(target, make_generated(tmp_path), tmp_path / "out.xlsx")
    assert not (tmp_path / "out.xlsx").exists()


def test_print_area_and_active_tab_follow_sheets_in_front(tmp_path):
    target, generated = make_target(tmp_path), make_generated(tmp_path)
    end, front = tmp_path / "end.xlsx", tmp_path / "front.xlsx"
    transplant(target, generated, end, activate="Dashboard")
    transplant(end, generated, front, order="front", activate="Dashboard")
    wb = openpyxl.load_workbook(front)
    assert wb.sheetnames == ["Dashboard", "数据 it's", "Orders", "Notes"]
    assert wb["Notes"].print_area == "'Notes'!$A$1:$B$5"
    assert wb["数据 it's"].print_area == "'数据 it''s'!$A$1:$B$5"
    assert wb.active.title == "Dashboard"
    assert 'firstSheet="0" activeTab="0"' in workbook_xml(front)
    markers = re.findall(rf'name="{GENERATED_NAME}" localSheetId="(\d)"', workbook_xml(front))
    assert markers == ["0", "1"]
    # only the active generated sheet is selected, so tabs are never grouped
    parts = entries(front)
    selected = [n for n, d in parts.items() if n.startswith("xl/worksheets/") and b'tabSelected="1"' in d]
    assert selected == ["xl/worksheets/xlr_sheet1.xml"]


def test_activate_ignored_when_user_sheet_selected(tmp_path):
    target = make_target(tmp_path)
    wb = openpyxl.load_workbook(target)
    wb.active = wb["Notes"]
    wb["Notes"].sheet_view.tabSelected = True
    wb["Orders"].sheet_view.tabSelected = False
    wb.save(target)
    out = tmp_path / "out.xlsx"
    transplant(target, make_generated(tmp_path), out, order="front", activate="Dashboard")
    assert openpyxl.load_workbook(out).active.title == "Notes"


def test_styles_survive_and_merge(tmp_path):
    target, generated = make_target(tmp_path), make_generated(tmp_path)
    out = tmp_path / "out.xlsx"
    transplant(target, generated, out)
    wb = openpyxl.load_workbook(out)
    orders, dash = wb["Orders"], wb["Dashboard"]
    assert orders["C2"].number_format == "0.000"
    assert orders["A1"].font.italic and orders["A1"].font.color.rgb == "FF0000FF"
    assert dash["A1"].font.bold and dash["A1"].font.size == 14
    assert dash["B4"].number_format == "#,##0.00"
    assert dash["C4"].number_format == "0.0%"
    assert dash["B4"].fill.fgColor.rgb == "FFFFFF00"
    assert [str(r) for r in dash.merged_cells.ranges] == ["D1:F1"]
    assert dash.column_dimensions["A"].width == 24
    assert dash.freeze_panes == "A4"
    assert dash.data_validations.dataValidation[0].formula1 == '"yes,no"'
    (rule,) = [r for cf in dash.conditional_formatting for r in cf.rules]
    assert isinstance(rule.dxf, DifferentialStyle)
    assert rule.dxf.font.color.rgb == "FFFF0000" and rule.dxf.font.b
    styles = entries(out)["xl/styles.xml"].decode()
    ids = re.findall(r'numFmtId="(\d+)" formatCode="([^"]+)"', styles)
    assert sorted(ids) == [("164", "0.000"), ("165", "0.0%")]  # the user's 164 keeps its id
    root = etree.fromstring(styles.encode())
    for container in root:
        if container.get("count") is not None:
            assert int(container.get("count")) == len(container), container.tag


def test_strings_inline_and_readable_by_calamine(tmp_path):
    target, generated = make_target(tmp_path), make_generated(tmp_path)
    out = tmp_path / "out.xlsx"
    transplant(target, generated, out)
    book = CalamineWorkbook.from_path(str(out))
    dash = book.get_sheet_by_name("Dashboard").to_python()
    assert dash[0][0] == "Revenue"
    assert dash[1][0] == "=not a formula"
    assert dash[2][0] == "  padded  "
    assert dash[3][:3] == ["Amazon", 1234.5, 0.25]
    assert book.get_sheet_by_name("Orders").to_python()[2] == ["A-2", 2.0, 5.0]
    sheet = next(d for n, d in entries(out).items() if n == "xl/worksheets/xlr_sheet1.xml")
    assert b't="s"' not in sheet and b"<f>" not in sheet
    assert b'<t xml:space="preserve">=not a formula</t>' in sheet


def test_charts_parts_and_rels(tmp_path):
    out = tmp_path / "out.xlsx"
    transplant(make_target(tmp_path), make_generated(tmp_path), out)
    parts = entries(out)
    drawing_rels = parts["xl/drawings/_rels/xlr_drawing1.xml.rels"].decode()
    assert 'Target="../charts/xlr_chart1.xml"' in drawing_rels and 'Target="../charts/xlr_chart2.xml"' in drawing_rels
    assert 'Target="../drawings/xlr_drawing1.xml"' in parts["xl/worksheets/_rels/xlr_sheet1.xml.rels"].decode()
    assert b"'Dashboard'!$B$4:$B$6" in parts["xl/charts/xlr_chart1.xml"]
    assert b"scatterChart" in parts["xl/charts/xlr_chart3.xml"]
    assert b'PartName="/xl/charts/xlr_chart3.xml"' in parts["[Content_Types].xml"]


def test_shared_parts_are_never_removed(tmp_path):
    first = tmp_path / "first.xlsx"
    transplant(make_target(tmp_path), make_generated(tmp_path), first)
    # the user points one of their sheets at the drawing of a generated sheet
    rels = ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId9" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/drawing" '
            'Target="../drawings/xlr_drawing1.xml"/></Relationships>')
    rewrite_zip(first, {"xl/worksheets/_rels/sheet2.xml.rels": rels.encode()})
    second = tmp_path / "second.xlsx"
    transplant(first, make_generated(tmp_path), second)
    parts = entries(second)
    assert parts["xl/drawings/xlr_drawing1.xml"] == entries(first)["xl/drawings/xlr_drawing1.xml"]
    assert "xl/charts/xlr_chart1.xml" in parts
    assert 'Target="../drawings/xlr_drawing1_2.xml"' in parts["xl/worksheets/_rels/xlr_sheet1.xml.rels"].decode()


def test_app_xml_titles_updated(tmp_path):
    target = make_target(tmp_path, titles=True)
    out = tmp_path / "out.xlsx"
    transplant(target, make_generated(tmp_path), out, order="front")
    app = entries(out)["docProps/app.xml"].decode()
    titles = re.findall(r"<vt:lpstr>([^<]*)</vt:lpstr>", app.split("TitlesOfParts")[1])
    assert titles == ["Dashboard", "数据 it's", "Orders", "Notes", "Notes!Print_Area"]
    assert '<vt:vector size="5" baseType="lpstr">' in app and "<vt:i4>4</vt:i4>" in app
    again = tmp_path / "again.xlsx"
    transplant(out, make_generated(tmp_path, names=("Plan",)), again)
    app = entries(again)["docProps/app.xml"].decode()
    assert re.findall(r"<vt:lpstr>([^<]*)</vt:lpstr>", app.split("TitlesOfParts")[1])[:3] == ["Orders", "Notes", "Plan"]


@pytest.mark.libreoffice
def test_libreoffice_reads_values_and_renders_charts(tmp_path, soffice):
    out = tmp_path / "out.xlsm"
    transplant(make_target(tmp_path, xlsm=True), make_generated(tmp_path), out, activate="Dashboard")
    pdf = convert(out, "pdf", tmp_path / "pdf")
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 5000
    back = convert(out, "xlsx", tmp_path / "lo")
    wb = openpyxl.load_workbook(back)
    assert wb.sheetnames == ["Orders", "Notes", "Dashboard", "数据 it's"]
    assert wb["Dashboard"]["A2"].value == "=not a formula"
    assert wb["Dashboard"]["B5"].value == 2500
    assert wb["Dashboard"]["C4"].number_format == "0.0%"
    assert wb["Orders"]["A200"].value == "A-199"
    assert any(n.startswith("xl/charts/") for n in entries(back))


@pytest.mark.libreoffice
def test_foreign_writer_target_and_shared_string_source(tmp_path, soffice):
    """A target written by LibreOffice (sharedStrings, relative rels) and a generated file with shared strings."""
    target = convert(make_target(tmp_path), "xlsx", tmp_path / "lo-target")
    generated = convert(make_generated(tmp_path), "xlsx", tmp_path / "lo-gen")
    assert b't="s"' in entries(generated)["xl/worksheets/sheet1.xml"]
    out = tmp_path / "out.xlsx"
    transplant(target, generated, out, order="front")
    before, after = entries(target), entries(out)
    assert after["xl/sharedStrings.xml"] == before["xl/sharedStrings.xml"]
    assert after["xl/worksheets/sheet1.xml"] == before["xl/worksheets/sheet1.xml"]
    assert b't="s"' not in after["xl/worksheets/xlr_sheet1.xml"]
    dash = CalamineWorkbook.from_path(str(out)).get_sheet_by_name("Dashboard").to_python()
    assert dash[0][0] == "Revenue" and dash[1][0] == "=not a formula" and dash[4][1] == 2500.0
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[:2] == ["Dashboard", "数据 it's"] and wb["Notes"].print_area == "'Notes'!$A$1:$B$5"
    assert wb["Dashboard"]["B4"].number_format == "#,##0.00"
    back = convert(out, "xlsx", tmp_path / "lo-back")
    assert openpyxl.load_workbook(back)["Dashboard"]["A4"].value == "Amazon"


@pytest.mark.parametrize("sheet_id, dropped", [("3", True), ("1", False)])
def test_calc_chain_dropped_only_when_it_lists_a_removed_sheet(tmp_path, sheet_id, dropped):
    first = tmp_path / "first.xlsx"
    transplant(make_target(tmp_path), make_generated(tmp_path), first)  # generated sheets get sheetId 3 and 4
    parts = entries(first)
    chain = f'<calcChain xmlns="{NS_MAIN}"><c r="A1" i="{sheet_id}"/></calcChain>'.encode()
    rewrite_zip(first, {
        "xl/calcChain.xml": chain,
        "xl/_rels/workbook.xml.rels": parts["xl/_rels/workbook.xml.rels"].replace(
            b"</Relationships>", b'<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/'
            b'2006/relationships/calcChain" Target="calcChain.xml"/></Relationships>'),
        "[Content_Types].xml": parts["[Content_Types].xml"].replace(
            b"</Types>", b'<Override PartName="/xl/calcChain.xml" ContentType="application/vnd.openxmlformats-'
            b'officedocument.spreadsheetml.calcChain+xml"/></Types>')})
    second = tmp_path / "second.xlsx"
    transplant(first, make_generated(tmp_path), second)
    after = entries(second)
    assert ("xl/calcChain.xml" not in after) is dropped
    assert (b"calcChain" not in after["xl/_rels/workbook.xml.rels"]) is dropped
    assert (b"calcChain" not in after["[Content_Types].xml"]) is dropped
    if not dropped:
        assert after["xl/calcChain.xml"] == chain
    openpyxl.load_workbook(second)


def test_activate_must_name_a_generated_sheet(tmp_path):
    with pytest.raises(ValueError, match="Dashbord"):
        transplant(make_target(tmp_path), make_generated(tmp_path), tmp_path / "out.xlsx", activate="Dashbord")
