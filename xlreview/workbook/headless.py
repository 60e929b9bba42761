"""The headless backend: a workbook file on disk, no Excel needed.

Reads with python-calamine (fast), writes generated sheets by zip-level transplant (input sheets,
VBA project and ribbon are copied byte for byte), saves atomically (temp file + rename).
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from ..errors import NotAWorkbook, WorkbookLocked
from ..model.read import RawSheet
from ..ooxml.package import CT_MACRO_WORKBOOK, VBA_PART, Package, verify_saved
from ..ooxml.sheetdata import error_cells
from .base import Backend


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


def check_extension(path: Path, pkg: Package) -> None:
    """Refuse a macro-enabled package named .xlsx (an .xlsm renamed): Excel will not open it."""
    if path.suffix.lower() in (".xlsx", ".xltx") and holds_macros(pkg):
        raise NotAWorkbook("macros_in_xlsx", path=path, name=path.with_suffix(".xlsm").name)


def holds_macros(pkg: Package) -> bool:
    """True when the package is macro-enabled: a VBA project part, or the workbook part's content type
    ``application/vnd.ms-excel.sheet.macroEnabled.main+xml`` (ECMA-376 Part 2 [Content_Types].xml).
    Excel refuses to open such a package under the .xlsx extension."""
    return VBA_PART in pkg or pkg.content_type(pkg.workbook) == CT_MACRO_WORKBOOK


class HeadlessBackend(Backend):
    """A workbook file (.xlsx / .xlsm) edited without Excel."""

    def __init__(self, path: str | os.PathLike, any_extension: bool = False):
        """Open the workbook file ``path``; ``NotAWorkbook`` when it is missing or damaged, or (unless
        ``any_extension``, for reading only) when its extension does not match its content."""
        self.path = Path(path)
        with Package(self.path) as pkg:
            if not any_extension:
                check_extension(self.path, pkg)
        self._pending: Path | None = None
        self._tmpdir = None

    # -- reading -------------------------------------------------------------------------------
    def sheet_names(self) -> list[str]:
        with Package(self._current()) as pkg:
            return list(pkg.sheet_parts())

    def generated_names(self) -> list[str]:
        from .transplant import generated_sheet_names
        return generated_sheet_names(self._current())

    def workbook_path(self) -> Path:
        return self.path

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
        with Package(src) as pkg:
            parts = pkg.sheet_parts()
            for name in names:
                rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
                errs = error_cells(pkg, parts[name]) if name in parts else {}
                out[name] = RawSheet(name, rows, errs)
        return out

    # -- writing -------------------------------------------------------------------------------
    def _tmp(self) -> Path:
        if self._tmpdir is None:
            self._tmpdir = tempfile.TemporaryDirectory(prefix=".xlreview-", dir=self.path.parent)
        return Path(self._tmpdir.name)

    def _next_out(self) -> Path:
        tmp = self._tmp()
        return tmp / f"out-{len(os.listdir(tmp))}{self.path.suffix}"

    def write_generated(self, generated, activate: str | None = None) -> list[str]:
        from .transplant import transplant
        tmp = self._tmp()
        gen = tmp / "generated.xlsx"
        generated.save(gen)
        out = self._next_out()
        transplant(self._current(), gen, out, activate=activate)
        self._pending = out
        return list(generated.sheetnames)

    def upsert(self, sheet: str, rows, cells: dict[tuple[int, int], object] | None = None,
               replace: bool = False, header: bool = False, hidden: bool = False) -> None:
        """At the XML level (:func:`xlreview.ooxml.sheetdata.upsert_sheet`): appended rows go before
        ``</sheetData>``, so the rows already there keep their bytes; nothing else is loaded."""
        from ..ooxml.sheetdata import upsert_sheet
        out = self._next_out()
        upsert_sheet(self._current(), out, sheet, rows, cells, replace=replace, header=header, hidden=hidden)
        self._pending = out

    def save(self) -> None:
        """Check the pending file, then atomically replace the workbook with it."""
        if self._pending is None:
            return
        check_not_locked(self.path)
        verify_saved(self.path, self._pending)
        shutil.copymode(self.path, self._pending) if self.path.exists() else None
        os.replace(self._pending, self.path)
        self._pending = None
        self.close()

    def close(self) -> None:
        if self._tmpdir is not None:
            self._tmpdir.cleanup()
            self._tmpdir = None
