"""The headless backend: a workbook file on disk, no Excel needed.

Reads with python-calamine (fast), writes generated sheets by zip-level transplant (input sheets,
VBA project and ribbon are copied byte for byte), saves atomically (temp file + rename).
"""
from __future__ import annotations

import os
import re
import shutil
import tempfile
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

from ..errors import NotAWorkbook, WorkbookLocked, XlreviewError
from ..model.read import RawSheet
from .base import Backend

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
      "rel": "http://schemas.openxmlformats.org/package/2006/relationships"}
_ERR_CELL = re.compile(rb'<c\b([^>]*?)\bt="e"([^>]*)>(?:<f\b[^>]*/>|<f\b[^>]*>.*?</f>)?<v>([^<]*)</v>', re.S)
_CELL_REF = re.compile(rb'\br="([A-Z]+)(\d+)"')
RIBBON_REL = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"


def col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def sheet_parts(z: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> worksheet part path, from workbook.xml and its relationships."""
    wb = ET.fromstring(z.read("xl/workbook.xml"))
    rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    target = {r.get("Id"): r.get("Target") for r in rels}
    out = {}
    for s in wb.find("m:sheets", NS):
        rid = s.get(f"{{{NS['r']}}}id")
        t = target.get(rid, "")
        t = t.lstrip("/") if t.startswith("/") else "xl/" + t
        out[s.get("name")] = os.path.normpath(t).replace(os.sep, "/")
    return out


def error_cells(z: zipfile.ZipFile, part: str) -> dict[tuple[int, int], str]:
    """(row0, col0) -> error text of every cell holding an Excel error value (calamine shows them blank)."""
    data = z.read(part)
    if b't="e"' not in data:
        return {}
    out = {}
    for m in _ERR_CELL.finditer(data):
        ref = _CELL_REF.search(m.group(1) + m.group(2))
        if ref:
            out[(int(ref.group(2)) - 1, col_index(ref.group(1).decode()))] = m.group(3).decode()
    return out


def check_not_locked(path: Path) -> None:
    """Raise WorkbookLocked when Excel/WPS/LibreOffice has the file open or it is read-only."""
    lockfiles = [path.with_name("~$" + path.name), path.with_name(".~lock." + path.name + "#")]
    if any(p.exists() for p in lockfiles):
        raise WorkbookLocked("file_locked", path=path)
    try:
        with open(path, "r+b"):
            pass
    except FileNotFoundError as exc:
        raise NotAWorkbook("file_missing", path=path) from exc
    except PermissionError as exc:
        raise WorkbookLocked("file_locked", path=path) from exc


def open_zip(path: Path) -> zipfile.ZipFile:
    path = Path(path)
    if not path.exists():
        raise NotAWorkbook("file_missing", path=path)
    try:
        z = zipfile.ZipFile(path)
        if "xl/workbook.xml" not in z.namelist():
            raise zipfile.BadZipFile("no xl/workbook.xml")
    except (zipfile.BadZipFile, OSError) as exc:
        raise NotAWorkbook("not_a_workbook", path=path) from exc
    return z


def check_extension(path: Path, z: zipfile.ZipFile) -> None:
    """Refuse a macro-enabled package named .xlsx (an .xlsm renamed): Excel will not open it."""
    if path.suffix.lower() in (".xlsx", ".xltx") and holds_macros(z):
        raise NotAWorkbook("macros_in_xlsx", path=path, name=path.with_suffix(".xlsm").name)


def holds_macros(z: zipfile.ZipFile) -> bool:
    """True when the package is macro-enabled: a VBA project part, or the workbook part's content type
    ``application/vnd.ms-excel.sheet.macroEnabled.main+xml`` (ECMA-376 Part 2 [Content_Types].xml).
    Excel refuses to open such a package under the .xlsx extension."""
    if "xl/vbaProject.bin" in z.namelist():
        return True
    try:
        return b"macroEnabled" in z.read("[Content_Types].xml")
    except KeyError:
        return False


class HeadlessBackend(Backend):
    """A workbook file (.xlsx / .xlsm) edited without Excel."""

    def __init__(self, path: str | os.PathLike, any_extension: bool = False):
        """Open the workbook file ``path``; ``NotAWorkbook`` when it is missing or damaged, or (unless
        ``any_extension``, for reading only) when its extension does not match its content."""
        self.path = Path(path)
        with open_zip(self.path) as z:
            if not any_extension:
                check_extension(self.path, z)
        self._pending: Path | None = None
        self._tmpdir = None

    # -- reading -------------------------------------------------------------------------------
    def sheet_names(self) -> list[str]:
        with open_zip(self._current()) as z:
            return list(sheet_parts(z))

    def generated_names(self) -> list[str]:
        from .transplant import generated_sheet_names
        return generated_sheet_names(self._current())

    def _current(self) -> Path:
        return self._pending or self.path

    def read_sheets(self, names: list[str] | None = None) -> dict[str, RawSheet]:
        import python_calamine as pc
        src = self._current()
        try:
            book = pc.CalamineWorkbook.from_path(str(src))
        except Exception as exc:   # calamine raises its own error types for damaged files
            raise NotAWorkbook("not_a_workbook", path=src) from exc
        if names is None:
            skip = set(self.generated_names())
            names = [n for n in book.sheet_names if n not in skip]
        out = {}
        with zipfile.ZipFile(src) as z:
            parts = sheet_parts(z)
            for name in names:
                rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
                errs = error_cells(z, parts[name]) if name in parts and parts[name] in z.namelist() else {}
                out[name] = RawSheet(name, rows, errs)
        return out

    # -- writing -------------------------------------------------------------------------------
    def _tmp(self) -> Path:
        if self._tmpdir is None:
            self._tmpdir = tempfile.TemporaryDirectory(prefix=".xlreview-", dir=self.path.parent)
        return Path(self._tmpdir.name)

    def write_generated(self, generated, activate: str | None = None) -> list[str]:
        from .transplant import transplant
        tmp = self._tmp()
        gen = tmp / "generated.xlsx"
        generated.save(gen)
        out = tmp / f"out-{len(os.listdir(tmp))}{self.path.suffix}"
        transplant(self._current(), gen, out, activate=activate)
        self._pending = out
        return list(generated.sheetnames)

    def append_rows(self, sheet: str, frame) -> int:
        from .appender import append_rows
        tmp = self._tmp()
        out = tmp / f"out-{len(os.listdir(tmp))}{self.path.suffix}"
        n = append_rows(self._current(), out, sheet, frame)
        self._pending = out
        return n

    def save(self) -> None:
        """Check the pending file, then atomically replace the workbook with it."""
        if self._pending is None:
            return
        check_not_locked(self.path)
        verify_preserved(self.path, self._pending)
        shutil.copymode(self.path, self._pending) if self.path.exists() else None
        os.replace(self._pending, self.path)
        self._pending = None
        self.close()

    def close(self) -> None:
        if self._tmpdir is not None:
            self._tmpdir.cleanup()
            self._tmpdir = None


def verify_preserved(before: Path, after: Path) -> None:
    """Refuse to save when the VBA project or the ribbon relationship did not survive."""
    with zipfile.ZipFile(before) as a, zipfile.ZipFile(after) as b:
        names_a, names_b = set(a.namelist()), set(b.namelist())
        if "xl/vbaProject.bin" in names_a:
            if "xl/vbaProject.bin" not in names_b or a.read("xl/vbaProject.bin") != b.read("xl/vbaProject.bin"):
                raise XlreviewError("vba_would_change", path=before)
        if "_rels/.rels" in names_a and RIBBON_REL.encode() in a.read("_rels/.rels"):
            if RIBBON_REL.encode() not in b.read("_rels/.rels"):
                raise XlreviewError("ribbon_would_be_lost", path=before)
