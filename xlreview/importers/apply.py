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

The workbook is never loaded whole: the dedupe index is read from the target sheets only (calamine
headlessly, the open book in Excel), and rows and changed cells go in through the backend's ``upsert``
(headlessly at the XML level, appended rows after the last row, every other row and part copied as it
is). The CLI and the ribbon run the same path: :func:`import_backend` on a backend, then its ``save``
(headless: atomic replace and the verify step).
"""
from __future__ import annotations

import functools
import hashlib
import math
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import NotAWorkbook, XlreviewError
from ..model.schema import SHEETS_BY_NAME, sheet_for_name
from ..ooxml.sheetdata import _ILLEGAL as XML_ILLEGAL
from ..text import Phrase, render, tr
from ..workbook.base import column_plan
from ..workbook.cache import read_key_index, write_key_index
from .base import DEDUPE_KEYS, ImportBatch, ImportError_, Rejected, key_text, key_texts, read_export
from .files import EXCEL_CELL_LIMIT
from .notes import note
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
    notes: list[Phrase] = field(default_factory=list)     # rendered at the edge: ``render(n, lang)``

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
    store_part: Path | None = None        # the order store part this import wrote (published after the save)
    pending_part: object = None           # model.store.PendingPart until then
    #: (currency, months "YYYY-MM") of imported rows the book's FX sheet has no rate for (``missing_fx_rates``)
    rates_missing: list[tuple[str, list[str]]] = field(default_factory=list)
    written_keys: dict = field(default_factory=dict)   # sheet -> its key index as written (keep_written_keys)

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
        was not imported), notes (booked FX rates, spread periods). A file of which nothing was imported is an
        error (:attr:`errors`)."""
        out = []
        for f in self.files:
            for m in f.unmapped:
                out.append(tr("msg.import_unmapped_money", lang, file=f.path.name, column=m.column, format=f.format,
                              in_file=f"{m.in_file:,.2f}", missing=f"{m.difference:,.2f}", sheet=self.log_sheet))
            out += [f"{f.path.name}: {render(n, lang)}" for n in f.notes]
        for currency, months in self.rates_missing:
            out.append(tr("msg.import_fx_missing", lang, currency=currency, months=", ".join(months) or "—"))
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


def cell_value(value, is_int: bool = False):
    """The plain value a cell gets: None for blanks, whole numbers of int columns as int, else as is."""
    if _is_blank(value) or (isinstance(value, str) and value == ""):
        return None
    if isinstance(value, str):
        return value[:EXCEL_CELL_LIMIT]
    if isinstance(value, bool) or isinstance(value, (datetime, date)):
        return value
    if isinstance(value, (int, float)) or hasattr(value, "dtype"):
        v = float(value)
        return int(v) if is_int and v.is_integer() else v
    return str(value)


def _same(a, b) -> bool:
    if _is_blank(a) and _is_blank(b):
        return True
    try:
        return math.isclose(float(a), float(b), abs_tol=0.005)
    except (TypeError, ValueError):
        return key_text(a) == key_text(b)


#: input sheets whose dedupe key index is kept in the user's cache (the big one; the others read in no time)
KEY_INDEX_SHEETS = {"Orders"}


@functools.cache
def _key_folding_id() -> bytes:
    """The source of the key folding (``importers/base.py``: ``key_text``, ``key_texts``, ``DEDUPE_KEYS``)."""
    return hashlib.sha256(Path(key_texts.__code__.co_filename).read_bytes()).digest()


def key_index_id(backend, sheet: str) -> str | None:
    """The id a key index of ``sheet`` is kept under: the sheet's content (``backend.content_id``) and the code
    that folds its keys, so a changed folding never meets an index folded the old way. None: keep nothing."""
    content = backend.content_id(sheet)
    return hashlib.sha256(content.encode() + _key_folding_id()).hexdigest()[:40] if content else None


class _Sheet:
    """An input sheet with its canonical column positions (1-based), key index and pending changes.

    Only the dedupe key columns are read at first (``backend.read_columns``: the headless backend reads just
    those cells of the XML); the whole sheet is read when a merge needs a value of an existing row. Changes
    are collected and written by :meth:`flush` in one ``upsert``: new header cells, changed cells, appended rows.
    """

    def __init__(self, backend, sheet: str):
        self.spec = SHEETS_BY_NAME[sheet]
        self.backend = backend
        self.name = next((n for n in backend.sheet_names() if (s := sheet_for_name(n)) and s.name == sheet), None)
        self.created = self.name is None
        self.name = self.name or sheet
        self.keys = DEDUPE_KEYS[sheet]
        self._rows: list[list] | None = [] if self.created else None
        header, last, existing = ([], 0, {}) if self.created else self._existing_keys()
        self.header, self.existing = header, existing
        self.first_new = max(last, 1) + 1      # Excel row of the first appended row
        col_of, new = column_plan(header, sheet, self.spec.keys)
        self.cols = {k: j + 1 for k, j in col_of.items()}
        self.header_cells = {(0, j): k for j, k in new.items()}
        self.types = {c.key: c.type for c in self.spec.columns}
        self.cells: dict[tuple[int, int], object] = {}
        self.appended: list[pd.DataFrame] = []
        self.index: dict[tuple, int] = {}
        self._by_order: dict[tuple, list[int]] | None = None
        self._existing_orders: tuple[np.ndarray, np.ndarray] | None = None
        self.last_row = max(last, 1)
        self.appended_keys: list[list[np.ndarray]] = []
        self.written_keys: tuple[list, int, dict[str, np.ndarray]] | None = None
        if last > 1:
            self._index_existing(existing)

    def _key_columns(self, header: list) -> list[int]:
        col_of, _ = column_plan(header, self.name, self.spec.keys)
        return sorted({col_of[k] for k in self.keys})

    def _existing_keys(self) -> tuple[list, int, dict[str, np.ndarray]]:
        """(header row, Excel row of the last row, {dedupe key column: key texts of rows 2..last}).

        Orders: from the key index the import that wrote the sheet kept in the user's cache for exactly this
        content (``workbook.cache.read_key_index`` under ``backend.content_id``; :func:`keep_written_keys`): a
        book saved by Excel since has another id and is read fresh. Otherwise the key columns are read
        (``backend.read_columns``) and folded once per column.
        """
        content = key_index_id(self.backend, self.name) if self.spec.name in KEY_INDEX_SHEETS else None
        kept = read_key_index(content, self.keys) if content else None
        if kept is not None:
            return kept
        header, last, values = self.backend.read_columns(self.name, self._key_columns)
        col_of, _ = column_plan(header, self.spec.name, self.spec.keys)
        texts = {k: key_texts(np.array(values[col_of[k]], dtype=object)) if last > 1 else np.array([], dtype=object)
                 for k in self.keys}
        return header, last, texts

    @property
    def rows(self) -> list[list]:
        """Every row of the sheet as it was before this import (read on first use)."""
        if self._rows is None:
            raw = self.backend.read_sheets([self.name])[self.name]
            self._rows = list(raw.rows)
        return self._rows

    def _index_existing(self, keys: dict[str, np.ndarray]) -> None:
        """The key index of the rows already in the sheet from their key texts (``key_texts`` of each column)."""
        rows = list(zip(*(keys[k] for k in self.keys)))
        self.index = dict(zip(reversed(rows), range(self.last_row, 1, -1)))     # the first row of a key wins
        self.index.pop(("",) * len(self.keys), None)
        if self.spec.name == "Orders":
            self._existing_orders = (keys["order_id"], keys["sku"])

    @property
    def by_order(self) -> dict[tuple, list[int]]:
        """Orders: (order id, sku) and (order id, None) -> Excel rows (existing and appended), built on first use."""
        if self._by_order is None:
            self._by_order = {}
            if self._existing_orders is not None:
                self._add_orders(range(2, self.last_row_existing() + 1), *self._existing_orders, skip_blank=True)
            first = self.first_new
            for chunk in self.appended:
                self._add_orders(range(first, first + len(chunk)), key_texts(chunk["order_id"].to_numpy(dtype=object)),
                                 key_texts(chunk["sku"].to_numpy(dtype=object)))
                first += len(chunk)
        return self._by_order

    def last_row_existing(self) -> int:
        return self.first_new - 1

    def _add_orders(self, rows_1, oid, sku, skip_blank: bool = False) -> None:
        for r, o, k in zip(rows_1, oid, sku):
            if o or k or not skip_blank:
                self._by_order.setdefault((o, k), []).append(r)
                self._by_order.setdefault((o, None), []).append(r)

    def _appended_at(self, r: int) -> tuple[pd.DataFrame, int] | None:
        """(chunk, position) of appended Excel row ``r``; None when ``r`` is not appended."""
        pos = r - self.first_new
        for chunk in self.appended:
            if 0 <= pos < len(chunk):
                return chunk, pos
            pos -= len(chunk)
        return None

    def value(self, r: int, k: str):
        """The value of canonical column ``k`` on Excel row ``r`` (pending changes included)."""
        j = self.cols[k] - 1
        if (r - 1, j) in self.cells:
            return self.cells[(r - 1, j)]
        found = self._appended_at(r)
        if found is not None:
            chunk, pos = found
            return chunk[k].iat[pos] if k in chunk else None
        row = self.rows[r - 1] if r - 1 < len(self.rows) else []
        return row[j] if j < len(row) else None

    def set(self, r: int, k: str, value) -> None:
        """Set canonical column ``k`` on Excel row ``r`` (written by :meth:`flush`)."""
        value = cell_value(value, self.types.get(k) in INT_TYPES)
        found = self._appended_at(r)
        if found is not None:
            chunk, pos = found
            if k not in chunk or chunk[k].dtype != object:
                chunk[k] = (chunk[k] if k in chunk else pd.Series(None, index=chunk.index)).astype(object)
            chunk.iat[pos, chunk.columns.get_loc(k)] = value
        else:
            self.cells[(r - 1, self.cols[k] - 1)] = value

    def key(self, row: dict) -> tuple:
        return tuple(key_text(row.get(k)) for k in self.keys)

    def append(self, row: dict) -> int:
        """Append one canonical row below the last one; returns its Excel row number."""
        return self.append_frame(pd.DataFrame([row]))[0]

    def append_frame(self, frame: pd.DataFrame) -> list[int]:
        """Append canonical rows (``frame`` columns are schema keys); returns their Excel row numbers."""
        first = self.first_new + sum(len(c) for c in self.appended)
        rows_1 = list(range(first, first + len(frame)))
        if not len(frame):
            return rows_1
        chunk = frame.reset_index(drop=True).copy()
        self.appended.append(chunk)
        keys = [key_texts(chunk[k].to_numpy(dtype=object)) if k in chunk else np.full(len(chunk), "", dtype=object)
                for k in self.keys]
        self.appended_keys.append(keys)
        for r, key in zip(rows_1, zip(*keys)):
            self.index.setdefault(key, r)
        if self.spec.name == "Orders" and self._by_order is not None:
            self._add_orders(rows_1, key_texts(chunk["order_id"].to_numpy(dtype=object)),
                             key_texts(chunk["sku"].to_numpy(dtype=object)))
        self.last_row = rows_1[-1]
        return rows_1

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

    def _appended_columns(self) -> pd.DataFrame:
        """The appended rows as a frame whose columns are 0-based column numbers (the sheet's layout)."""
        if not self.appended:
            return pd.DataFrame()
        frame = pd.concat(self.appended, ignore_index=True)
        out = {}
        for k in frame.columns:
            if k not in self.cols:
                continue
            col = frame[k]
            if self.types.get(k) in INT_TYPES and pd.api.types.is_float_dtype(col) and \
                    bool(((col.dropna() % 1) == 0).all()):
                col = col.astype("Int64").astype(object).where(col.notna(), None)
            elif not pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_datetime64_any_dtype(col):
                values = col.to_numpy(dtype=object, copy=True)
                values[pd.isna(values)] = None                  # None, NaN, NaT, pd.NA: no cell
                long = (col.str.len() > EXCEL_CELL_LIMIT).fillna(False).to_numpy(dtype=bool) \
                    if isinstance(col.dtype, pd.StringDtype) else \
                    np.fromiter((isinstance(v, str) and len(v) > EXCEL_CELL_LIMIT for v in values), bool, len(values))
                if long.any():
                    values[long] = [v[:EXCEL_CELL_LIMIT] for v in values[long]]
                col = pd.Series(values, index=col.index, dtype=object)
            out[self.cols[k] - 1] = col
        return pd.DataFrame(out)

    def flush(self, backend) -> None:
        """Write the pending header cells, changed cells and appended rows in one ``upsert``."""
        if not (self.appended or self.cells or self.header_cells or self.created):
            return
        rows = self._appended_columns()
        if self.created:
            head = pd.DataFrame([{j: k for (_, j), k in self.header_cells.items()}], dtype=object)
            backend.upsert(self.name, pd.concat([head, rows.astype(object)], ignore_index=True), dict(self.cells),
                           replace=True, header=True)
        else:
            backend.upsert(self.name, rows, {**self.header_cells, **self.cells})
        self.written_keys = self._keys_written()
        self.cells, self.appended, self.header_cells = {}, [], {}

    def _keys_written(self) -> tuple[list, int, dict[str, np.ndarray]] | None:
        """What :meth:`_existing_keys` will read from the sheet as :meth:`flush` writes it, known without reading
        it: the existing rows' key texts and the appended ones. None when that is not certain (a sheet not
        indexed, created, given header cells (new columns, the order store's note) or changed key cells, or appended key text that the XML does
        not keep as is: characters XML 1.0 forbids, a carriage return, text over Excel's cell limit)."""
        key_cols = {self.cols[k] - 1 for k in self.keys}
        if self.spec.name not in KEY_INDEX_SHEETS or self.created or self.header_cells or \
                any(r0 == 0 or c0 in key_cols for r0, c0 in self.cells):
            return None
        text = [v for chunk in self.appended for k in self.keys if k in chunk
                for v in chunk[k].to_numpy(dtype=object) if isinstance(v, str)]
        joined = "\n".join(text)
        if "\r" in joined or XML_ILLEGAL.search(joined) or max(map(len, text), default=0) > EXCEL_CELL_LIMIT:
            return None
        texts = {k: np.concatenate([self.existing[k], *(keys[i] for keys in self.appended_keys)])
                 for i, k in enumerate(self.keys)}
        return self.header, self.last_row, texts


def _rows(frame: pd.DataFrame) -> list[dict]:
    return [{k: (None if _is_blank(v) else v) for k, v in rec.items()} for rec in frame.to_dict("records")]


# ----------------------------------------------------------------------------- the order store
def _setting(backend, key: str):
    """(Settings sheet name, row0, value) of a Settings key; (name or None, None, None) when it is absent."""
    from ..model.schema import normalize_header
    name = next((n for n in backend.sheet_names() if (s := sheet_for_name(n)) and s.name == "Settings"), None)
    if name is None:
        return None, None, None
    for r0, row in enumerate(backend.read_sheets([name])[name].rows):
        if row and row[0] is not None and normalize_header(row[0]).replace(" ", "_") == key:
            return name, r0, row[1] if len(row) > 1 else None
    return name, None, None


def _key_frame(frame: pd.DataFrame, keys: list[str]) -> pd.Series:
    """The dedupe key of every row as one string, folded like ``base.key_text`` (NFKC, stripped, case-folded)."""
    parts = [key_texts(frame[k].to_numpy(dtype=object)) if k in frame else [""] * len(frame) for k in keys]
    return pd.Series(["\x1f".join(t) for t in zip(*parts)], index=frame.index, dtype=object) if len(frame) else \
        pd.Series([], dtype=object)


def _store_key_set(folder: Path, keys: list[str]) -> set[str]:
    from ..model.store import store_keys
    if not folder.is_dir():
        return set()
    k = store_keys(folder, keys)
    folded = [k[c].str.normalize("NFKC").str.strip().str.casefold() for c in keys]
    return set(pd.Series(folded[0]).str.cat(folded[1:], sep="\x1f")) if len(k) else set()


class StoreRouting:
    """Order lines of add-mode files that go to the order store instead of the Orders sheet.

    Lines go to the store when the seller asks (``import --store``) or when the Orders sheet would pass
    ``schema.EXCEL_MAX_ROWS``: the sheet keeps what fits, the rest goes to a new store part. Lines already
    in the store count as already present; merge-mode rows whose line is in the store are rejected with
    the reason (a part is never rewritten), so nothing is dropped silently.
    """

    def __init__(self, backend, home: Path, to_store: bool, indexed: dict[str, _Sheet]):
        from ..model.store import STORE_SETTING, default_folder_name, resolve_folder
        self.backend, self.to_store, self.indexed = backend, to_store, indexed
        self.settings_name, self.setting_row, value = _setting(backend, STORE_SETTING)
        self.folder_setting = str(value).strip() if value not in (None, "") else default_folder_name(home)
        self.folder = resolve_folder(home, self.folder_setting)
        self.keys = DEDUPE_KEYS["Orders"]
        self.in_store: set[str] | None = None      # read on the first batch with order lines
        self.spill: list[pd.DataFrame] = []
        self.kept: set[str] = set()           # keys of lines this import leaves to the sheet

    @property
    def sheet(self) -> _Sheet:
        """The Orders sheet, read once and shared with ``apply_batch``."""
        if "Orders" not in self.indexed:
            self.indexed["Orders"] = _Sheet(self.backend, "Orders")
        return self.indexed["Orders"]

    def route(self, batch: ImportBatch, report: FileReport) -> None:
        from ..model.schema import EXCEL_MAX_ROWS
        frame = batch.frames.get("Orders")
        if frame is None or not len(frame):
            return
        if self.in_store is None:
            self.in_store = _store_key_set(self.folder, self.keys)
            self.room = EXCEL_MAX_ROWS - self.sheet.last_row
        frame = frame.reset_index(drop=True)
        helpers = batch.merge.get("Orders")
        merge = pd.Series(False, index=frame.index) if helpers is None or "_merge_cols" not in helpers else \
            helpers["_merge_cols"].astype(str).str.strip().ne("").reset_index(drop=True)
        key = _key_frame(frame, self.keys)
        stored = key.isin(self.in_store)
        in_sheet = pd.Series([tuple(k.split("\x1f")) in self.sheet.index or k in self.kept for k in key],
                             index=frame.index)
        for i in frame.index[merge & stored & ~in_sheet]:
            lines = str(helpers["_lines"].iat[i]) if "_lines" in helpers else ""
            nums = [int(x) for x in lines.split(",") if x.strip().isdigit()]
            raw = {k: str(v) for k, v in frame.loc[i].items() if v is not None and v == v}
            for ln in nums or [0]:
                report.rejected.append(Rejected(ln, "this order line is in the order store: reports that complete "
                                                    "existing lines update the Orders sheet only", raw))
            report.rows_imported -= len(nums)
        new = ~merge & ~stored & ~in_sheet & ~key.duplicated()
        if not self.to_store:                     # the sheet keeps what fits
            fits = new & (new.cumsum() <= max(self.room, 0))
            self.room -= int(fits.sum())
            self.kept.update(key[fits])
            new &= ~fits
        report.duplicates += int((~merge & stored & ~in_sheet).sum())
        report.added += int(new.sum())
        if new.any():
            self.spill.append(frame[new])
            self.in_store.update(key[new])
        keep = ~(new | (stored & ~in_sheet))
        batch.frames["Orders"] = frame[keep].reset_index(drop=True)
        if helpers is not None:
            batch.merge["Orders"] = helpers.reset_index(drop=True)[keep.to_numpy()].reset_index(drop=True)

    def write(self, lang: str):
        """The new store part (hidden until published), with Settings ``order_store`` and the Orders note set."""
        from ..model.store import write_part
        if not self.spill:
            return None
        part = write_part(self.folder, pd.concat(self.spill, ignore_index=True))
        self.point_to_store(len(self.in_store), lang)
        return part

    def point_to_store(self, lines: int, lang: str) -> None:
        """Settings ``order_store`` names the folder; a note right of the Orders header says what is there."""
        from ..model.store import STORE_SETTING
        if self.setting_row is None:
            self.backend.upsert(self.settings_name or "Settings", [[STORE_SETTING, self.folder_setting]])
        else:
            self.backend.upsert(self.settings_name, [], {(self.setting_row, 1): self.folder_setting})
        note = tr("import.store_note", lang, lines=lines, folder=self.folder_setting)
        self.sheet.cells[(0, max(self.sheet.cols.values()) + 1)] = note


#: Hidden sheet recording the source reference of every transaction whose amounts were *added* to a row
#: (Amazon / eBay transaction rows: a refund or fee credit arriving in a later file than its order is added
#: once; re-importing either file changes nothing).
LEDGER_SHEET = "_xlr_applied"


class _Ledger:
    """The references already applied (read once through the backend); new ones written by :meth:`flush`."""

    def __init__(self, backend):
        self.exists = LEDGER_SHEET in backend.sheet_names()
        rows = backend.read_sheets([LEDGER_SHEET])[LEDGER_SHEET].rows[1:] if self.exists else []
        self.refs = {str(r[0]) for r in rows if r and r[0] not in (None, "")}
        self.new: list[list] = []

    def seen(self, ref: str) -> bool:
        return ref in self.refs

    def record(self, ref: str, sheet: str, source: str) -> None:
        self.refs.add(ref)
        self.new.append([ref, sheet, source])

    def flush(self, backend) -> None:
        if self.new:
            rows = self.new if self.exists else [["ref", "sheet", "file"], *self.new]
            backend.upsert(LEDGER_SHEET, rows, hidden=True, header=not self.exists)
            self.exists, self.new = True, []


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
        target.set(r, c, new)
        changed = True
    return changed


def apply_batch(backend, sheets: dict[str, _Sheet], ledger: _Ledger, batch: ImportBatch, report: FileReport) -> None:
    """Append / merge one batch's canonical rows into the target sheets (``sheets``: read once per import,
    changes pending until :meth:`_Sheet.flush`; ``ledger``: the transactions already added)."""
    for sheet, frame in batch.frames.items():
        if sheet not in sheets:
            sheets[sheet] = _Sheet(backend, sheet)
        target = sheets[sheet]
        helpers = batch.merge.get(sheet)
        report.sheets[sheet] = len(frame)

        def helper(name, default="", helpers=helpers, frame=frame):
            return helpers[name] if helpers is not None and name in helpers else \
                pd.Series(default, index=range(len(frame)), dtype=object)
        merge, add = (helper(n).fillna("").astype(str).str.strip() for n in ("_merge_cols", "_add_cols"))
        plain = (merge.eq("") & add.eq("")).to_numpy()
        if plain.any():                              # add-mode rows: keys folded per column, appended at once
            rows = frame[plain]
            keys = zip(*[key_texts(rows[k].to_numpy(dtype=object)) for k in target.keys])
            new, seen = [], set()
            for pos, key in enumerate(keys):
                if key in target.index or key in seen:
                    report.duplicates += 1
                else:
                    seen.add(key)
                    new.append(pos)
            target.append_frame(rows.iloc[new])
            report.added += len(new)
        lines_of, can_add, refs = helper("_lines"), helper("_can_add", False), helper("_ref")
        rest = np.flatnonzero(~plain)
        # rows that may create their order line go first, so a refund later in the same file finds it
        rest = sorted(rest, key=lambda i: not bool(can_add.iat[i]))
        rows = dict(zip(rest, _rows(frame.iloc[rest]))) if len(rest) else {}
        for i in rest:
            row = rows[i]
            lines = str(lines_of.iat[i])
            merge_cols = [c for c in merge.iat[i].split(",") if c]
            add_cols = [c for c in add.iat[i].split(",") if c]
            ref = str(refs.iat[i] or "")
            if add_cols and ref and ledger.seen(ref):
                report.duplicates += 1
                continue
            r = target.find_for_merge(row)
            if r is not None:
                changed = False
                for c in merge_cols:
                    if row.get(c) is not None and not _same(target.value(r, c), row[c]):
                        target.set(r, c, row[c])
                        changed = True
                changed = _add_amounts(target, r, row, add_cols) or changed
                report.updated += changed
                report.duplicates += not changed
            elif bool(can_add.iat[i]) and all(
                    row.get(c.key) is not None for c in target.spec.columns if c.required and c.type != "money+"):
                target.append(row)
                report.added += 1
            else:
                nums = [int(x) for x in lines.split(",") if x.strip().isdigit()]
                raw = {k: str(v) for k, v in row.items() if v is not None}
                for ln in nums or [0]:
                    report.rejected.append(Rejected(ln, note("reject_no_matching_row", sheet=sheet,
                                                             order=row.get("order_id") or "", sku=row.get("sku") or ""),
                                                    raw))
                report.rows_imported -= len(nums) or 0
                continue
            if add_cols and ref:
                ledger.record(ref, sheet, batch.path.name)


# ----------------------------------------------------------------------------- import log
LOG_COLUMNS = ["file", "format", "rows_read", "rows_imported", "added", "updated", "duplicates", "rejected",
               "money_label", "currency", "total_before", "total_after", "difference", "error"]
# one name for one fact: the file's total, what was imported and the rejected rows' amount are called as in the
# money reconciliation block under the summary
LOG_HEADERS = {"total_before": "import.money_in_file", "total_after": "import.money_imported",
               "difference": "import.money_rejected"}
REJECTED_COLUMNS = ["rej_file", "rej_line", "rej_reason", "rej_raw"]
MONEY_COLUMNS = ["money_file", "money_column", "money_role", "money_in_file", "money_imported", "money_rejected",
                 "money_difference", "money_note"]


def import_log_blocks(report: ImportReport, lang: str) -> list[dict]:
    """The Import Log's content, block by block, in ``lang``: one row per file and currency, the rejected rows
    with their reasons, every money column reconciled. Laid out by ``sheets.import_log``.

    Each block: ``{"title": str | None, "header": [str], "rows": [[value]], "money": {0-based column},
    "alert": {0-based row of the block}}`` -- ``money`` columns hold amounts (in the file's currency),
    ``alert`` rows are money columns no field of the format reads (their amount was not imported).
    """
    files: list[list] = []
    for f in report.files:
        currencies = sorted(set(f.totals_before) | set(f.totals_after)) or [""]
        for cur in currencies:
            before, after = f.totals_before.get(cur), f.totals_after.get(cur)
            values = [f.path.name, f.format or "?", f.rows_read, f.rows_imported, f.added, f.updated, f.duplicates,
                      len(f.rejected), f.money_label, cur, before, after,
                      None if before is None or after is None else round(before - after, 2), f.error]
            files.append([cell_value(v, isinstance(v, int)) for v in values])
    rejected = [[cell_value(v, True) for v in (f.path.name, rej.line, render(rej.reason, lang),
                                               "; ".join(f"{k}={v}" for k, v in rej.raw.items()))]
                for f in report.files for rej in f.rejected]
    money: list[list] = []
    alert: set[int] = set()
    for f in report.files:
        for m in f.money_columns:
            explanation = tr("import.note_" + {"info": "info", "tax": "tax", "": "none"}.get(m.role, "ok"), lang)
            if any(m is u for u in f.unmapped):
                alert.add(len(money))
            money.append([cell_value(v) for v in (f.path.name, m.column, tr("import.role_" + (m.role or "none"), lang),
                                                  m.in_file, m.imported, m.rejected, m.difference, explanation)])
        money += [[f.path.name, None, None, None, None, None, None, render(n, lang)] for n in f.notes]
    return [
        {"title": None, "header": [tr(LOG_HEADERS.get(c, "import.col_" + c), lang) for c in LOG_COLUMNS], "rows": files,
         "money": {10, 11, 12}, "alert": set()},
        {"title": tr("import.rejected_block", lang), "header": [tr("import." + c, lang) for c in REJECTED_COLUMNS],
         "rows": rejected, "money": set(), "alert": set()},
        {"title": tr("import.money_block", lang), "header": [tr("import." + h, lang) for h in MONEY_COLUMNS],
         "rows": money, "money": {3, 4, 5, 6}, "alert": alert},
    ]


def read_batches(files: list[Path], source: str | None, lang: str) -> list[tuple[FileReport, ImportBatch | None]]:
    """Read every export file (nothing is written). Files that cannot be read get their error on the
    report; when none can be read, the first error is raised (``UnknownFormat`` names the closest formats)."""
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
    return batches


def all_rows_refused(rep: FileReport, lang: str) -> ImportError_:
    """The error of a file whose every row was refused: its most frequent reasons, each with a line number."""
    by_reason: dict[str, list[int]] = {}
    for r in rep.rejected:
        by_reason.setdefault(render(r.reason, lang), []).append(r.line)
    top = sorted(by_reason.items(), key=lambda kv: (-len(kv[1]), kv[1][0]))[:3]
    reasons = "; ".join(tr("msg.import_refusal_reason", lang, reason=text, count=len(lines), lines=lines[0])
                        for text, lines in top)
    return ImportError_("import_all_rows_refused", file=rep.path.name, rows=rep.rows_read, reasons=reasons)


def missing_fx_rates(backend, batches: list[ImportBatch]) -> list[tuple[str, list[str]]]:
    """(currency, its months as "YYYY-MM") of the imported rows whose money the next check/build could not
    convert to the book's base currency: no FX row of that currency for that month nor for every month.

    The book's Settings ``base_currency`` and FX sheet are read from ``backend``; each distinct (currency,
    month) of the imported rows is put through the build's own rule (``model.read.convert_money``), so the
    import warns exactly when the build would refuse. Nothing is raised: the import goes on.
    """
    from ..model.problems import Report
    from ..model.read import FX_DATE_COLUMN, build_settings, convert_money, empty_frame, read_settings, read_sheet
    from ..model.schema import FX, ORDERS
    frames = [(sheet, f) for b in batches for sheet, f in b.frames.items()
              if sheet in FX_DATE_COLUMN and "currency" in f.columns and len(f)]
    if not frames:
        return []
    names = {spec.name: n for n in backend.sheet_names() if (spec := sheet_for_name(n)) is not None}
    raw = backend.read_sheets([names[k] for k in ("Settings", "FX") if k in names])
    quiet = Report()
    base = build_settings(read_settings(raw.get(names.get("Settings")), quiet), empty_frame(ORDERS),
                          names.get("Settings", "Settings"), quiet).base_currency
    fx = read_sheet(FX, raw.get(names.get("FX")), quiet, empty_ok=True)
    missing: dict[str, set[str]] = {}
    for sheet, f in frames:
        date_col = FX_DATE_COLUMN[sheet]
        month = pd.to_datetime(f[date_col], errors="coerce").dt.strftime("%Y-%m") if date_col in f.columns \
            else pd.Series("", index=f.index)
        pairs = pd.DataFrame({"currency": f["currency"], date_col: f.get(date_col), "month": month}) \
            .drop_duplicates(["currency", "month"])
        for _, row in pairs.iterrows():
            one = pd.DataFrame({"currency": [row["currency"]], date_col: [row[date_col]], "_row": [0]})
            found = Report()
            convert_money(one, SHEETS_BY_NAME[sheet], date_col, fx, base, found, sheet)
            for p in found.errors:
                if p.code == "unknown_currency":
                    missing.setdefault(str(p.value), set()).add(row["month"])
    return [(c, sorted(m for m in months if isinstance(m, str) and m)) for c, months in sorted(missing.items())]


def import_backend(backend, workbook: Path, batches: list[tuple[FileReport, ImportBatch | None]],
                   lang: str, to_store: bool = False, home: Path | None = None) -> ImportReport:
    """Upsert the read batches into the backend's input sheets (not saved; the caller writes the Import Log
    from ``import_log_blocks``).

    All or nothing: when any file could not be read or had every row refused, ImportError_
    (``import_nothing_written``, naming each such file with its reasons) is raised before anything is written.

    Order lines go to the order store (``StoreRouting``) with ``to_store`` or when the Orders sheet is full;
    the new part is ``report.pending_part`` until the caller saves and publishes it. ``home``: where the
    workbook lives (default ``workbook``).
    """
    sheets: dict[str, _Sheet] = {}
    ledger = _Ledger(backend)
    routing = StoreRouting(backend, Path(home) if home else Path(workbook), to_store, sheets)
    for rep, batch in batches:
        if batch is not None:
            routing.route(batch, rep)
            apply_batch(backend, sheets, ledger, batch, rep)
            rep.money_columns = batch.money_columns({r.line for r in rep.rejected})
            if rep.rows_read and not rep.rows_imported:
                rep.error = all_rows_refused(rep, lang).message(lang)
    failed = [rep.error for rep, _ in batches if rep.error]
    if failed:                       # all or nothing: a file refused entirely means nothing is written
        raise ImportError_("import_nothing_written", files="\n".join(failed))
    rates_missing = missing_fx_rates(backend, [b for _, b in batches if b is not None])
    part = routing.write(lang)
    for target in sheets.values():
        target.flush(backend)
    ledger.flush(backend)
    report = ImportReport(Path(workbook), [rep for rep, _ in batches])
    report.pending_part, report.rates_missing = part, rates_missing
    report.written_keys = {s.name: s.written_keys for s in sheets.values() if s.written_keys}
    return report


def keep_written_keys(backend, report: ImportReport) -> None:
    """After the save: keep the key index of each sheet the import wrote under the saved content's id
    (``workbook.cache.write_key_index``), so the next import finds its duplicates without reading the sheet."""
    for name, (header, last, texts) in report.written_keys.items():
        content = key_index_id(backend, name)
        if content:
            write_key_index(content, header, last, texts)


def move_orders_to_store(workbook: Path, lang: str = "zh") -> tuple[int, int, Path | None]:
    """Move every line of the Orders sheet (even past Excel's row limit) into the order store.

    The lines are checked by the sheet's rules first (any error: nothing is written, ``InputProblems``);
    lines whose dedupe key (``DEDUPE_KEYS["Orders"]``) the store already holds are not written again, so
    running it twice changes nothing. The rest become a new store part, the Orders sheet keeps its header
    row (and a note), Settings ``order_store`` names the folder. Returns (lines moved, lines already in the
    store, the new part or None when no line was new). The workbook is replaced atomically.
    """
    import os
    import tempfile

    from ..errors import InputProblems
    from ..model.problems import Report
    from ..model.read import read_sheet
    from ..model.schema import ORDERS
    from ..model.store import write_part
    from ..workbook.headless import HeadlessBackend, check_not_locked
    from ..workbook.shrink import keep_header_only

    workbook = Path(workbook)
    check_not_locked(workbook)
    backend = HeadlessBackend(workbook)
    name = next((n for n in backend.sheet_names() if (sp := sheet_for_name(n)) and sp.name == "Orders"), None)
    report = Report(language=lang)
    raw = backend.read_sheets([name]).get(name) if name else None
    frame = read_sheet(ORDERS, raw, report, empty_ok=True, whole=True)
    if not report.ok:
        raise InputProblems(report)
    folder = StoreRouting(backend, workbook, to_store=True, indexed={}).folder
    before = _store_key_set(folder, DEDUPE_KEYS["Orders"])
    stored = _key_frame(frame, DEDUPE_KEYS["Orders"]).isin(before).to_numpy() if before and len(frame) else \
        np.zeros(len(frame), dtype=bool)
    new = frame[~stored].drop(columns="_row")
    if not len(frame) and not folder.is_dir():
        return 0, 0, None                      # no lines and no store: nothing to move, nothing to point at
    with tempfile.TemporaryDirectory(prefix=".xlreview-", dir=workbook.parent) as tmp:
        small = Path(tmp) / ("small" + workbook.suffix)
        keep_header_only(workbook, small, name)
        target = HeadlessBackend(small)
        routing = StoreRouting(target, workbook, to_store=True, indexed={})
        part = write_part(routing.folder, new) if len(new) else None
        try:
            routing.point_to_store(len(before) + len(new), lang)
            routing.sheet.flush(target)
            target.save()
            check_not_locked(workbook)
            os.replace(small, workbook)
        except BaseException:
            if part is not None:
                part.discard()
            raise
    return len(new), int(stored.sum()), part.publish() if part is not None else None
