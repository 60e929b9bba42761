"""The ribbon checked against Microsoft's published files (../shared/office/, see its README):
the customUI 2009/07 schema ([MS-CUSTOMUI], customui14.xsd) and Excel's control-id list
(OfficeDev/office-fluent-ui-command-identifiers, excelcontrols.xlsx) for every ``imageMso``."""
from __future__ import annotations

import os
import zipfile
from pathlib import Path

import openpyxl
import pytest
from lxml import etree

from xlreview.excel import package as pkg

ROOT = Path(__file__).resolve().parents[2]
CUI = "{http://schemas.microsoft.com/office/2009/07/customui}"


@pytest.fixture(scope="module")
def office() -> Path:
    """../shared/office next to the project (a worktree may sit one level deeper); fails in CI when absent."""
    for base in (ROOT.parent, ROOT.parent.parent):
        if (base / "shared" / "office" / "customui14.xsd").is_file():
            return base / "shared" / "office"
    if os.environ.get("CI"):
        pytest.fail("../shared/office (Microsoft's ribbon schema and Excel control ids) is required in CI")
    pytest.skip("../shared/office not present")


@pytest.fixture(scope="module")
def excel_control_ids(office) -> set[str]:
    wb = openpyxl.load_workbook(office / "excelcontrols.xlsx", read_only=True)
    try:
        rows = wb.worksheets[0].iter_rows(values_only=True)
        header = next(rows)
        col = header.index("Control Name")
        return {r[col] for r in rows if r[col]}
    finally:
        wb.close()


XSD = "{http://www.w3.org/2001/XMLSchema}"


def customui14_schema(office: Path) -> etree.XMLSchema:
    """customui14.xsd as libxml2 accepts it.

    Microsoft's file re-adds, in some extensions (CT_ButtonRegular: AG_Enabled), an attribute group
    its base type already has; .NET's validator tolerates that, libxml2 reports "Duplicate attribute
    use". Each such redundant declaration in an extension is dropped (the attribute stays, from the
    base type); nothing else is changed: the rules for our XML are Microsoft's.
    """
    import re
    tree = etree.parse(str(office / "customui14.xsd"))
    groups = {g.get("name"): {a.get("name") for a in g.iter(XSD + "attribute")}
              for g in tree.getroot().iter(XSD + "attributeGroup") if g.get("name")}
    for _ in range(50):
        try:
            return etree.XMLSchema(tree)
        except etree.XMLSchemaParseError as exc:
            m = re.search(r"complex type '(\w+)': Duplicate attribute use '(\w+)'", str(exc))
            if not m:
                raise
            ctype = tree.getroot().find(f"{XSD}complexType[@name='{m.group(1)}']")
            extension = ctype.find(f".//{XSD}extension")
            again = next((r for r in extension.iter(XSD + "attributeGroup") if m.group(2) in groups.get(r.get("ref"), ())),
                         None)
            if again is None:      # declared once more as a plain attribute
                again = next(a for a in extension.iter(XSD + "attribute") if a.get("name") == m.group(2))
            again.getparent().remove(again)
    raise AssertionError("customui14.xsd: too many duplicate attribute uses")


def shipped_ribbons() -> dict[str, bytes]:
    with zipfile.ZipFile(ROOT / "workbook_template.xlsm") as z:
        template = z.read(pkg.RIBBON_PART)
    return {"package": pkg.ribbon_xml(), "workbook_template.xlsm": template}


@pytest.mark.parametrize("source", ["package", "workbook_template.xlsm"])
def test_the_ribbon_is_valid_customui14(office, source):
    schema = customui14_schema(office)
    doc = etree.fromstring(shipped_ribbons()[source])
    assert schema.validate(doc), schema.error_log.filter_from_errors()


def test_the_schema_check_would_see_a_mistake(office):
    schema = customui14_schema(office)
    bad = pkg.ribbon_xml().replace(b'size="large"', b'size="huge"', 1)
    assert not schema.validate(etree.fromstring(bad))


@pytest.mark.parametrize("source", ["package", "workbook_template.xlsm"])
def test_every_icon_is_an_excel_control_id(excel_control_ids, source):
    root = etree.fromstring(shipped_ribbons()[source])
    icons = {el.get("id"): el.get("imageMso") for el in root.iter() if el.get("imageMso")}
    assert len(icons) >= 6
    assert {i for i, m in icons.items() if m not in excel_control_ids} == set()
    buttons = [el for el in root.iter(CUI + "button")]
    assert all(b.get("imageMso") or b.get("image") for b in buttons)


def test_the_list_knows_the_ids_that_were_wrong(excel_control_ids):
    # Access and Outlook ids that Excel does not publish (the ribbon showed blank icons)
    assert not {"ImportExcel", "DateAndTimeInsert", "AcceptInvitation"} & excel_control_ids
    assert {"Refresh", "Help", "GoalSeek"} <= excel_control_ids
