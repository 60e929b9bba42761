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
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from ..errors import NotAWorkbook, WorkbookLocked, XlreviewError
from ..model.schema import SHEETS_BY_NAME, alias_table, normalize_header, sheet_for_name
from ..ooxml.package import ensure_ribbon_relationship
from ..text import sheet_name, tr
from .base import DEDUPE_KEYS, ImportBatch, Rejected, key_text, read_export
from .files import EXCEL_CELL_LIMIT
from .reconcile import MoneyColumn

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
    money_columns: list[MoneyColumn] = field(default_factory=list)   # every money column, reconciled
    notes: list[str] = field(default_factory=list)

    @property
    def unmapped(self) -> list[MoneyColumn]:
        """Money columns of the file that no role covers (reported, never silently ignored)."""
        return [m for m in self.money_columns if m.unmapped and (m.in_file or m.rejected)]

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

    def warning_lines(self, lang: str = "zh") -> list[str]:
        """What the command output must say besides the summary: money columns without a role (their amount
        was not imported), files of which nothing was imported, notes (booked FX rates, spread periods)."""
        out = []
        for f in self.files:
            for m in f.unmapped:
                out.append(tr("msg.import_unmapped_money", lang, file=f.path.name, column=m.column, format=f.format,
                              in_file=f"{m.in_file:,.2f}", missing=f"{m.difference:,.2f}", sheet=self.log_sheet))
            if not f.error and f.rows_read and not f.rows_imported:
                out.append(tr("msg.import_nothing_imported", lang, file=f.path.name, rows=f.rows_read,
                              sheet=self.log_sheet))
            out += [f"{f.path.name}: {n}" for n in f.notes]
        return out

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
        text = ILLEGAL_CHARACTERS_RE.sub("", str(value))[:EXCEL_CELL_LIMIT]
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


#: Hidden sheet recording the source reference of every transaction whose amounts were *added* to a row
#: (Amazon / eBay transaction rows: a refund or fee credit arriving in a later file than its order is added
#: once; re-importing either file changes nothing).
LEDGER_SHEET = "_xlr_applied"


class _Ledger:
    def __init__(self, wb):
        if LEDGER_SHEET in wb.sheetnames:
            self.ws = wb[LEDGER_SHEET]
        else:
            self.ws = wb.create_sheet(LEDGER_SHEET)
            self.ws.append(["ref", "sheet", "file"])
            self.ws.sheet_state = "hidden"
        self.refs = {str(r[0]) for r in self.ws.iter_rows(min_row=2, max_col=1, values_only=True) if r[0]}

    def seen(self, ref: str) -> bool:
        return ref in self.refs

    def record(self, ref: str, sheet: str, source: str) -> None:
        self.refs.add(ref)
        self.ws.append([ref, sheet, source])


def _add_amounts(target: _Sheet, r: int, row: dict, cols: list[str]) -> bool:
    """Add a transaction's amounts to an existing row (a total never goes below 0: credits beyond it are
    capped, as a fee cannot be negative)."""
    changed = False
    for c in cols:
        v = row.get(c)
        if v is None or float(v) == 0:
            continue
        cur = target.value(r, c)
        try:
            base = float(cur) if not _is_blank(cur) else 0.0
        except (TypeError, ValueError):
            base = 0.0
        new = round(base + float(v), 2)
        if target.types.get(c, "").endswith("+"):
            new = max(new, 0.0)
        write_cell(target.ws.cell(r, target.cols[c]), new, target.types.get(c) in INT_TYPES)
        changed = True
    return changed


def apply_batch(wb, batch: ImportBatch, report: FileReport) -> None:
    """Append / merge one batch's canonical rows into the workbook (in memory)."""
    ledger = None
    for sheet, frame in batch.frames.items():
        target = _Sheet(wb, sheet)
        helpers = batch.merge.get(sheet)
        report.sheets[sheet] = len(frame)
        rows = _rows(frame)

        def helper(name, i, default="", helpers=helpers):
            return helpers[name].iat[i] if helpers is not None and name in helpers else default
        # rows that may create their order line go first, so a refund later in the same file finds it
        for i in sorted(range(len(rows)), key=lambda i: not bool(helper("_can_add", i, False))):
            row = rows[i]
            lines = str(helper("_lines", i))
            merge_cols = [c for c in str(helper("_merge_cols", i) or "").split(",") if c]
            add_cols = [c for c in str(helper("_add_cols", i) or "").split(",") if c]
            ref = str(helper("_ref", i) or "")
            if add_cols and ref:
                ledger = ledger or _Ledger(wb)
                if ledger.seen(ref):
                    report.duplicates += 1
                    continue
            if not merge_cols and not add_cols:
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
                changed = _add_amounts(target, r, row, add_cols) or changed
                report.updated += changed
                report.duplicates += not changed
            elif bool(helper("_can_add", i, False)) and all(
                    row.get(c.key) is not None for c in target.spec.columns if c.required and c.type != "money+"):
                target.append(row)
                report.added += 1
            else:
                nums = [int(x) for x in lines.split(",") if x.strip().isdigit()]
                raw = {k: str(v) for k, v in row.items() if v is not None}
                for ln in nums or [0]:
                    report.rejected.append(Rejected(
                        ln, f"no matching {sheet} row in the workbook for order {row.get('order_id') or ''} "
                            f"{row.get('sku') or ''}: import the orders report first (this row is then added "
                            "when you import this file again)", raw))
                report.rows_imported -= len(nums) or 0
                continue
            if add_cols and ref:
                ledger.record(ref, sheet, batch.path.name)


# ----------------------------------------------------------------------------- import log
LOG_COLUMNS = ["file", "format", "rows_read", "rows_imported", "added", "updated", "duplicates", "rejected",
               "money_label", "currency", "total_before", "total_after", "difference", "error"]
REJECTED_COLUMNS = ["rej_file", "rej_line", "rej_reason", "rej_raw"]


MONEY_COLUMNS = ["money_file", "money_column", "money_role", "money_in_file", "money_imported", "money_rejected",
                 "money_difference", "money_note"]


def _write_money_columns(ws, report: ImportReport, lang: str, r: int) -> int:
    """The per-money-column reconciliation: in the file, imported, rejected, difference (0 or explained)."""
    from openpyxl.styles import Font

    ws.cell(r, 1, tr("import.money_block", lang)).font = Font(bold=True)
    r += 1
    for i, h in enumerate(MONEY_COLUMNS, 1):
        ws.cell(r, i, tr("import." + h, lang)).font = Font(bold=True)
    for f in report.files:
        for m in f.money_columns:
            r += 1
            note = tr("import.note_" + {"info": "info", "tax": "tax", "": "none"}.get(m.role, "ok"), lang)
            values = [f.path.name, m.column, tr("import.role_" + (m.role or "none"), lang), m.in_file, m.imported,
                      m.rejected, m.difference, note]
            for c, v in enumerate(values, 1):
                write_cell(ws.cell(r, c), v)
                if c in (4, 5, 6, 7):
                    ws.cell(r, c).number_format = "#,##0.00"
            if m.unmapped:
                ws.cell(r, 8).font = Font(bold=True, color="C00000")
        for n in f.notes:
            r += 1
            write_cell(ws.cell(r, 1), f.path.name)
            write_cell(ws.cell(r, 8), n)
    return r


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
    r = _write_money_columns(ws, report, lang, r + 2)
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
        rep.notes = list(batch.notes)
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
            rep.money_columns = batch.money_columns({r.line for r in rep.rejected})
    report = ImportReport(workbook, [rep for rep, _ in batches])
    report.log_sheet = write_import_log(wb, report, lang)
    _save_atomically(wb, workbook)
    return report
