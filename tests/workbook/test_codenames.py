"""A headless rebuild after Excel has saved the workbook leaves no ghost module in the VBA project.

When Excel saves an .xlsm, every sheet -- the generated ones too -- gets a codeName (``<sheetPr
codeName="Sheet12"/>``) and a document module of that name in ``vbaProject.bin``. A build never touches
the VBA project, so if the rebuilt sheets came without codeNames, the old document modules would be
left without a sheet (a "ghost" per generated sheet and rebuild) and Excel would add new ones on the
next save. The transplant therefore gives each new generated sheet the codeName of the generated sheet
it replaces (same name first, then in order): the project's document modules and the book's codeNames
stay one to one. Simulated here: codeNames and document modules written as Excel does, read back with
olefile.
"""
from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import olefile
import pytest
import worked_example as we
from lxml import etree

from xlreview.excel.ovba import build_vba_project
from xlreview.excel.package import check_macro_package, vba_modules_for_template
from xlreview.pipeline import build
from xlreview.template import write_workbook

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}
REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def _sheet_parts(parts: dict[str, bytes]) -> list[tuple[str, str]]:
    """(sheet name, worksheet part) in tab order."""
    wb = etree.fromstring(parts["xl/workbook.xml"])
    rels = {r.get("Id"): r.get("Target") for r in etree.fromstring(parts["xl/_rels/workbook.xml.rels"])}
    out = []
    for s in wb.iterfind("m:sheets/m:sheet", NS):
        target = rels[s.get(f"{{{NS['r']}}}id")].lstrip("/")
        out.append((s.get("name"), target if target.startswith("xl/") else "xl/" + target))
    return out


def codenames(path: Path) -> dict[str, str | None]:
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    out = {}
    for name, part in _sheet_parts(parts):
        pr = etree.fromstring(parts[part]).find("m:sheetPr", NS)
        out[name] = pr.get("codeName") if pr is not None else None
    return out


def document_modules(path: Path) -> set[str]:
    with zipfile.ZipFile(path) as z:
        ole = olefile.OleFileIO(io.BytesIO(z.read("xl/vbaProject.bin")))
    project = ole.openstream("PROJECT").read().decode("cp1252")
    return set(re.findall(r"^Document=([^/\r\n]+)/", project, re.M))


def save_as_excel_does(path: Path, generated: list[str]) -> list[str]:
    """Give every generated sheet a codeName and the VBA project a document module for each (as Excel's save)."""
    with zipfile.ZipFile(path) as z:
        entries = [(i, z.read(i)) for i in z.infolist()]
    parts = {i.filename: data for i, data in entries}
    taken = {c for c in codenames(path).values() if c}
    new, n = {}, 100
    for name, part in _sheet_parts(parts):
        if name not in generated:
            continue
        while f"Sheet{n}" in taken:
            n += 1
        code = f"Sheet{n}"
        taken.add(code)
        root = etree.fromstring(parts[part])
        pr = root.find("m:sheetPr", NS)
        if pr is None:
            pr = etree.Element(f"{{{NS['m']}}}sheetPr")
            root.insert(0, pr)
        pr.set("codeName", code)
        new[part] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    all_codes = [c for c in codenames(path).values() if c] + [etree.fromstring(d).find("m:sheetPr", NS).get("codeName")
                                                              for d in new.values()]
    new["xl/vbaProject.bin"] = build_vba_project(vba_modules_for_template(all_codes))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in entries:
            z.writestr(info, new.get(info.filename, data))
    return all_codes


@pytest.mark.parametrize("second_language", ["zh", "en"])
def test_a_rebuild_after_excel_saved_leaves_no_ghost_module(tmp_path, second_language):
    path = write_workbook(tmp_path / "shop.xlsm", we.frames(), macros=True)
    build(path)
    from xlreview.workbook.transplant import generated_sheet_names
    generated = generated_sheet_names(path)
    save_as_excel_does(path, generated)
    assert check_macro_package(path) == []
    before_codes = codenames(path)
    assert document_modules(path) == {"ThisWorkbook", *before_codes.values()}
    with zipfile.ZipFile(path) as z:
        project_before = z.read("xl/vbaProject.bin")

    build(path, lang=second_language) if second_language == "en" else build(path)

    with zipfile.ZipFile(path) as z:
        assert z.read("xl/vbaProject.bin") == project_before           # a build never touches the VBA project
    after = codenames(path)
    assert all(after.values()), {k: v for k, v in after.items() if not v}
    assert document_modules(path) == {"ThisWorkbook", *after.values()}, "ghost or missing document modules"
    if second_language == "zh":
        assert after == before_codes                                   # each sheet keeps its own codeName
    assert check_macro_package(path) == []
