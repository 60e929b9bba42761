"""Write imported rows into a workbook's input sheets, idempotently, with an Import Log sheet.

``import_files`` is the one entry point (the CLI's ``xlreview import`` and the ribbon's Import
button call it). Rules:

- a canonical sheet absent from the workbook is created with the canonical header row; an
  existing sheet's headers are matched through the schema aliases (extra columns are kept, a
  missing canonical column is added at the right end);
- add-mode formats append rows whose dedupe key (``base.DEDUPE_KEYS``) is not in the sheet yet,
  so importing a file twice, or two overlapping date ranges, adds each row once;
- merge-mode formats (Amazon Date Range, FBA returns, FBA inventory, eBay Transactions) set their
  columns (fees, refunds, stock) on the matching row; setting, never adding, keeps them idempotent;
- every file row ends up imported, a duplicate, or on the Import Log with the reason.

The workbook is loaded with openpyxl (``keep_vba=True``), saved to a temp file next to it, the
ribbon relationship re-added, then renamed over the original.
"""
from __future__ import annotations

import math
import os
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from ..errors import NotAWorkbook, WorkbookLocked, XlreviewError
from ..model.schema import SHEETS_BY_NAME, alias_table, normalize_header, sheet_for_name
from ..ooxml.package import ensure_ribbon_relationship
from ..text import sheet_name, tr
from .base import DEDUPE_KEYS, ImportBatch, Rejected, key_text, read_export

INT_TYPES = ("int+",)


@dataclass
class FileReport:
    """What happened to one file: the Import Log's row for it."""

    path: Path
    format: str = ""
    label: str = ""
    rows_read: int = 0
    rows_imported: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    added: int = 0
    updated: int = 0
    duplicates: int = 0
    totals_before: dict[str, float] = field(default_factory=dict)
    totals_after: dict[str, float] = field(default_factory=dict)
    money_label: str = ""
    sheets: dict[str, int] = field(default_factory=dict)      # canonical rows per sheet
    error: str = ""

    @property
    def balanced(self) -> bool:
        """Nothing lost: every file row was imported or rejected."""
        return self.rows_read == self.rows_imported + len(self.rejected)


@dataclass
class ImportReport:
    workbook: Path
    files: list[FileReport]
    log_sheet: str = ""

    @property
    def added(self) -> int:
        return sum(f.added for f in self.files)

    @property
    def duplicates(self) -> int:
        return sum(f.duplicates for f in self.files)

    @property
    def rejected(self) -> int:
        return sum(len(f.rejected) for f in self.files)

    @property
    def errors(self) -> list[str]:
        return [f.error for f in self.files if f.error]

    def summary_line(self, lang: str = "zh") -> str:
        ok = [f for f in self.files if not f.error]
        return tr("msg.import_summary", lang, ok=len(ok), files=len(self.files), book=self.workbook.name,
                  added=self.added, updated=sum(f.updated for f in self.files), duplicates=self.duplicates,
                  rejected=self.rejected, sheet=self.log_sheet)


# ----------------------------------------------------------------------------- cells
def _is_blank(v) -> bool:
    if v is None:
        return True
    if isinstance(v, float) and math.isnan(v):
        return True
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def write_cell(cell, value, is_int: bool = False) -> None:
    """Write a value as its type; text stays text even when it starts with ``=``."""
    if _is_blank(value) or (isinstance(value, str) and value == ""):
        cell.value = None
        return
    if isinstance(value, (datetime, date)):
        cell.value = value
        cell.number_format = "yyyy-mm-dd"
    elif isinstance(value, bool):
        cell.value = value
    elif isinstance(value, (int, float)) or hasattr(value, "dtype"):
        v = float(value)
        cell.value = int(v) if is_int and v.is_integer() else v
    else:
        text = str(value)
        cell.value = text
        if text.startswith("="):
            cell.data_type = "s"


def _same(a, b) -> bool:
    if _is_blank(a) and _is_blank(b):
        return True
    try:
        return math.isclose(float(a), float(b), abs_tol=0.005)
    except (TypeError, ValueError):
        return key_text(a) == key_text(b)


class _Sheet:
    """An input sheet of the workbook with its canonical column positions and key index."""

    def __init__(self, wb, sheet: str):
        self.spec = SHEETS_BY_NAME[sheet]
        self.ws = next((ws for ws in wb.worksheets if (s := sheet_for_name(ws.title)) and s.name == sheet), None)
        if self.ws is None:
            self.ws = wb.create_sheet(sheet)
            for i, k in enumerate(self.spec.keys, 1):
                self.ws.cell(1, i, k)
        aliases = alias_table(self.spec)
        self.cols: dict[str, int] = {}
        last = 0
        for cell in self.ws[1]:
            if cell.value is not None and str(cell.value).strip():
                last = cell.column
                key = aliases.get(normalize_header(cell.value))
                if key and key not in self.cols:
                    self.cols[key] = cell.column
        for k in self.spec.keys:
            if k not in self.cols:
                last += 1
                self.ws.cell(1, last, k)
                self.cols[k] = last
        self.types = {c.key: c.type for c in self.spec.columns}
        self.keys = DEDUPE_KEYS[sheet]
        self.index: dict[tuple, int] = {}
        self.by_order: dict[tuple, list[int]] = {}
        self.last_row = 1
        for r, row in enumerate(self.ws.iter_rows(min_row=2, values_only=True), start=2):
            if not any(v is not None and str(v).strip() for v in row):
                continue
            self.last_row = r
            self._remember(r, lambda k, row=row: row[self.cols[k] - 1] if self.cols[k] - 1 < len(row) else None)

    def _remember(self, r: int, get) -> None:
        self.index.setdefault(tuple(key_text(get(k)) for k in self.keys), r)
        if self.spec.name == "Orders":
            oid, sku = key_text(get("order_id")), key_text(get("sku"))
            self.by_order.setdefault((oid, sku), []).append(r)
            self.by_order.setdefault((oid, None), []).append(r)

    def value(self, r: int, k: str):
        return self.ws.cell(r, self.cols[k]).value

    def key(self, row: dict) -> tuple:
        return tuple(key_text(row.get(k)) for k in self.keys)

    def append(self, row: dict) -> int:
        self.last_row += 1
        r = self.last_row
        for k, v in row.items():
            write_cell(self.ws.cell(r, self.cols[k]), v, self.types.get(k) in INT_TYPES)
        self._remember(r, lambda k: row.get(k))
        return r

    def find_for_merge(self, row: dict) -> int | None:
        """Exact key, else (Orders) the same order+sku on a channel of the same platform."""
        r = self.index.get(self.key(row))
        if r is not None or self.spec.name != "Orders":
            return r
        family = key_text(row.get("channel")).split(" ")[0]
        sku = key_text(row.get("sku")) or None
        for cand in self.by_order.get((key_text(row.get("order_id")), sku), []):
            if key_text(self.value(cand, "channel")).split(" ")[0] == family:
                return cand
        return None


# ----------------------------------------------------------------------------- applying a batch
def _rows(frame: pd.DataFrame) -> list[dict]:
    return [{k: (None if _is_blank(v) else v) for k, v in rec.items()} for rec in frame.to_dict("records")]


def apply_batch(wb, batch: ImportBatch, report: FileReport) -> None:
    """Append / merge one batch's canonical rows into the workbook (in memory)."""
    for sheet, frame in batch.frames.items():
        target = _Sheet(wb, sheet)
        helpers = batch.merge.get(sheet)
        report.sheets[sheet] = len(frame)
        for i, row in enumerate(_rows(frame)):
            lines = str(helpers["_lines"].iat[i]) if helpers is not None and "_lines" in helpers else ""
            merge_cols = [c for c in str(helpers["_merge_cols"].iat[i]).split(",") if c] \
                if helpers is not None and "_merge_cols" in helpers else []
            if not merge_cols:
                if target.key(row) in target.index:
                    report.duplicates += 1
                else:
                    target.append(row)
                    report.added += 1
                continue
            r = target.find_for_merge(row)
            if r is not None:
                changed = False
                for c in merge_cols:
                    if row.get(c) is not None and not _same(target.value(r, c), row[c]):
                        write_cell(target.ws.cell(r, target.cols[c]), row[c], target.types.get(c) in INT_TYPES)
                        changed = True
                report.updated += changed
                report.duplicates += not changed
            elif bool(helpers["_can_add"].iat[i]) and all(
                    row.get(c.key) is not None for c in target.spec.columns if c.required and c.type != "money+"):
                target.append(row)
                report.added += 1
            else:
                nums = [int(x) for x in lines.split(",") if x.strip().isdigit()]
                raw = {k: str(v) for k, v in row.items() if v is not None}
                for ln in nums or [0]:
                    report.rejected.append(Rejected(
                        ln, f"no matching {sheet} row in the workbook for order {row.get('order_id') or ''} "
                            f"{row.get('sku') or ''}: import the orders report first", raw))
                report.rows_imported -= len(nums) or 0


# ----------------------------------------------------------------------------- import log
LOG_COLUMNS = ["file", "format", "rows_read", "rows_imported", "added", "updated", "duplicates", "rejected",
               "money_label", "currency", "total_before", "total_after", "difference", "error"]
REJECTED_COLUMNS = ["rej_file", "rej_line", "rej_reason", "rej_raw"]


def write_import_log(wb, report: ImportReport, lang: str) -> str:
    from openpyxl.styles import Font

    for name in (sheet_name("import_log", "zh"), sheet_name("import_log", "en")):
        if name in wb.sheetnames:
            del wb[name]
    ws = wb.create_sheet(sheet_name("import_log", lang))
    labels = [tr("import.col_" + c, lang) for c in LOG_COLUMNS]
    for i, h in enumerate(labels, 1):
        ws.cell(1, i, h).font = Font(bold=True)
    r = 1
    for f in report.files:
        currencies = sorted(set(f.totals_before) | set(f.totals_after)) or [""]
        for cur in currencies:
            r += 1
            before, after = f.totals_before.get(cur), f.totals_after.get(cur)
            values = [f.path.name, f.format or "?", f.rows_read, f.rows_imported, f.added, f.updated, f.duplicates,
                      len(f.rejected), f.money_label, cur, before, after,
                      None if before is None or after is None else round(before - after, 2), f.error]
            for c, v in enumerate(values, 1):
                write_cell(ws.cell(r, c), v, isinstance(v, int))
                if c in (11, 12, 13):
                    ws.cell(r, c).number_format = "#,##0.00"
    r += 2
    ws.cell(r, 1, tr("import.rejected_block", lang)).font = Font(bold=True)
    r += 1
    for i, h in enumerate([tr("import." + c, lang) for c in REJECTED_COLUMNS], 1):
        ws.cell(r, i, h).font = Font(bold=True)
    for f in report.files:
        for rej in f.rejected:
            r += 1
            raw = "; ".join(f"{k}={v}" for k, v in rej.raw.items())
            for c, v in enumerate([f.path.name, rej.line, rej.reason, raw], 1):
                write_cell(ws.cell(r, c), v, True)
    for col, width in zip("ABCDEFGHIJKLMN", (34, 26, 10, 10, 8, 8, 12, 8, 22, 8, 14, 14, 14, 40)):
        ws.column_dimensions[col].width = width
    return ws.title


# ----------------------------------------------------------------------------- saving
def _save_atomically(wb, target: Path) -> None:
    tmp = target.with_name(f".{target.stem}.import-{os.getpid()}{target.suffix}")
    try:
        wb.save(tmp)
        ensure_ribbon_relationship(tmp)
        os.replace(tmp, target)
    except PermissionError as exc:
        raise WorkbookLocked("file_locked", path=target) from exc
    finally:
        if tmp.exists():
            tmp.unlink()


def import_files(workbook: Path, files: list[Path], source: str | None = None, lang: str = "zh") -> ImportReport:
    """Import downloaded reports into a workbook's input sheets and write its Import Log.

    Example::

        report = import_files(Path("review.xlsm"), [Path("orders.txt"), Path("BusinessReport_2026-03.csv")])
        print(report.summary_line("en"))

    ``lang``: the command's language (the Import Log's name and words, the file errors).
    Files that cannot be read are listed on the Import Log with the reason; when none can be
    read, the first error is raised (``UnknownFormat`` names the closest formats).
    """
    from openpyxl import load_workbook

    workbook = Path(workbook)
    if not workbook.is_file():
        raise NotAWorkbook("file_missing", path=workbook)
    batches: list[tuple[FileReport, ImportBatch | None]] = []
    first_error: XlreviewError | None = None
    for path in map(Path, files):
        rep = FileReport(path)
        try:
            if not path.is_file():
                raise NotAWorkbook("file_missing", path=path)
            batch = read_export(path, source)
        except XlreviewError as exc:
            rep.error = exc.message(lang)
            first_error = first_error or exc
            batches.append((rep, None))
            continue
        rep.format, rep.label, rep.money_label = batch.format, batch.label, batch.money_label
        rep.rows_read, rep.rows_imported, rep.rejected = batch.rows_read, batch.rows_imported, list(batch.rejected)
        rep.totals_before, rep.totals_after = batch.totals_before, batch.totals_after
        batches.append((rep, batch))
    if first_error is not None and all(b is None for _, b in batches):
        raise first_error
    try:
        wb = load_workbook(workbook, keep_vba=workbook.suffix.lower() in (".xlsm", ".xltm"))
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise NotAWorkbook("not_a_workbook", path=workbook) from exc
    for rep, batch in batches:
        if batch is not None:
            apply_batch(wb, batch, rep)
    report = ImportReport(workbook, [rep for rep, _ in batches])
    report.log_sheet = write_import_log(wb, report, lang)
    _save_atomically(wb, workbook)
    return report
