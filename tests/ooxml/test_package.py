"""The OOXML package layer: copying stored bytes, the verify step, error cells read by lxml."""
from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest

from xlreview.errors import SaveRefused, XlreviewError
from xlreview.ooxml.package import COPY, REL_RIBBON, Package, verify_saved, write_package
from xlreview.ooxml.sheetdata import col_index, col_letters, error_cells, split_ref

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "workbook_template.xlsm"


def _stored(path: Path, name: str) -> bytes:
    with Package(path) as pkg:
        return pkg.raw_member(name)[1]


def test_unchanged_members_keep_their_stored_bytes(tmp_path):
    out = tmp_path / "copy.xlsm"
    with Package(TEMPLATE) as pkg:
        write_package(out, [(n, COPY) for n in pkg.names], pkg)
    with zipfile.ZipFile(out) as z:
        assert z.testzip() is None
    for name in ("xl/vbaProject.bin", "xl/worksheets/sheet2.xml", "customUI/customUI14.xml"):
        assert _stored(out, name) == _stored(TEMPLATE, name)
    verify_saved(TEMPLATE, out)


def test_a_copy_of_a_foreign_zip_is_recompressed_only_where_needed(tmp_path):
    src = tmp_path / "src.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = "x" * 5000
    wb.save(src)
    out = tmp_path / "out.xlsx"
    with Package(src) as pkg:
        write_package(out, [(n, b"<changed/>" if n == "docProps/app.xml" else COPY) for n in pkg.names], pkg)
    with zipfile.ZipFile(out) as z, zipfile.ZipFile(src) as s:
        assert z.read("docProps/app.xml") == b"<changed/>"
        assert {n: z.read(n) for n in z.namelist() if n != "docProps/app.xml"} == \
            {n: s.read(n) for n in s.namelist() if n != "docProps/app.xml"}
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def _rewrite(src: Path, out: Path, change: dict[str, bytes]) -> None:
    with Package(src) as pkg:
        write_package(out, [(n, change.get(n, COPY)) for n in pkg.names], pkg)


def test_verify_refuses_a_changed_vba_project_or_a_lost_ribbon(tmp_path):
    vba = tmp_path / "vba.xlsm"
    _rewrite(TEMPLATE, vba, {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0 something else"})
    with pytest.raises(SaveRefused) as err:
        verify_saved(TEMPLATE, vba)
    assert isinstance(err.value, XlreviewError) and "VBA" in err.value.message("en")
    ribbon = tmp_path / "ribbon.xlsm"
    with Package(TEMPLATE) as pkg:
        rels = pkg.read("_rels/.rels").replace(REL_RIBBON.encode(), b"http://example.com/not-the-ribbon")
    _rewrite(TEMPLATE, ribbon, {"_rels/.rels": rels})
    with pytest.raises(SaveRefused, match="ribbon|功能区"):
        verify_saved(TEMPLATE, ribbon)
    junk = tmp_path / "junk.xlsm"
    junk.write_bytes(b"PK not a zip")
    with pytest.raises(SaveRefused):
        verify_saved(TEMPLATE, junk)


def test_write_failure_leaves_the_target_as_it_was(tmp_path):
    out = tmp_path / "book.xlsm"
    shutil.copy(TEMPLATE, out)
    before = out.read_bytes()
    with Package(TEMPLATE) as pkg, pytest.raises(ValueError, match="duplicate"):
        write_package(out, [(n, COPY) for n in pkg.names] + [(pkg.names[0], b"x")], pkg)
    assert out.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["book.xlsm"]


def test_error_cells_are_found_whatever_the_quotes(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"], ws["B2"], ws["AB10"] = "e", 1, 2
    src = tmp_path / "e.xlsx"
    wb.save(src)
    with Package(src) as pkg:
        part = pkg.sheet_parts()["Sheet"]
        xml = pkg.read(part)
    xml = xml.replace(b'<c r="B2" t="n"><v>1</v></c>', b"<c r='B2' t='e'><f>1/0</f><v>#DIV/0!</v></c>")
    xml = xml.replace(b'<c r="AB10" t="n"><v>2</v></c>', b'<c r="AB10" t = "e"><v>#N/A</v></c>')
    out = tmp_path / "e2.xlsx"
    _rewrite(src, out, {part: xml})
    with Package(out) as pkg:
        assert error_cells(pkg, part) == {(1, 1): "#DIV/0!", (9, 27): "#N/A"}
    with Package(src) as pkg:
        assert error_cells(pkg, part) == {}


def test_cell_references():
    assert [col_letters(i) for i in (0, 25, 26, 701, 702)] == ["A", "Z", "AA", "ZZ", "AAA"]
    assert all(col_index(col_letters(i)) == i for i in range(2000))
    assert split_ref("AB10") == (9, 27)
