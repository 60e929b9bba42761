"""The workbook backend interface: six methods, one headless and one live implementation.

A backend stands for one open workbook. The pipeline only ever:

1. asks which sheets exist (``sheet_names``),
2. reads sheets as raw rows (``read_sheets``),
3. replaces the generated sheets in one go (``write_generated``) -- all sheets are computed
   before this is called, so a failure never leaves a half-written workbook,
4. upserts plain values into an input sheet (``upsert``: set cells of existing rows, append rows,
   or replace the sheet's content; the importer uses it), and puts a laid-out sheet in place of others
   (``put_sheets``: the Import Log, formatted and set up for print, replacing the log in either language),
5. saves (``save``; for the headless backend an atomic temp-file + rename, then the verify step).

Generated sheets are laid out once, as an openpyxl ``Workbook`` (the ``sheets`` package), which both
backends accept: the headless one transplants its parts into the package at the zip level, the live
one copies values, formats and charts into the open Excel workbook.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:   # pragma: no cover
    import pandas as pd
    from openpyxl import Workbook

    from ..model.read import RawSheet


class Backend(ABC):
    @abstractmethod
    def sheet_names(self) -> list[str]:
        """Every sheet name in workbook order."""

    @abstractmethod
    def read_sheets(self, names: list[str] | None = None) -> dict[str, RawSheet]:
        """Raw rows of the named sheets (default: all that are not generated)."""

    @abstractmethod
    def write_generated(self, generated: Workbook, activate: str | None = None) -> list[str]:
        """Replace every previously generated sheet by the sheets of ``generated``; returns their names."""

    @abstractmethod
    def upsert(self, sheet: str, rows, cells: dict[tuple[int, int], object] | None = None,
               replace: bool = False, header: bool = False, hidden: bool = False) -> None:
        """Put plain values into sheet ``sheet`` (added after the last sheet when absent).

        rows : appended below the last used row: a frame whose columns are 0-based column numbers
            (one dtype per column: the headless backend writes it a column at a time) or a list of
            lists (column A first); with ``replace`` the sheet's content becomes exactly these rows
            (``header``: the first is a header row, shown bold).
        cells : (row0, col0) -> value set in existing rows (row0 0 is the header row).
        hidden : a sheet added by this call is hidden (bookkeeping sheets such as the import ledger).
        Values are numbers, booleans, dates or text; text stays text even when it starts with ``=``.
        """

    @abstractmethod
    def put_sheets(self, laid_out: Workbook, replaces: list[str]) -> list[str]:
        """Put every sheet of ``laid_out`` (values, formats, widths, print setup) into the book in place of
        the sheets named ``replaces`` (any case; absent ones skipped), new ones after the last sheet.

        Unlike generated sheets they are not marked, so a build keeps them (the Import Log). Returns their names.
        """

    def read_columns(self, sheet: str, pick) -> tuple[list, int, dict[int, list]]:
        """(header row, Excel row number of the last row, {col0: values of rows 2..last}) of ``sheet``, for the
        columns ``pick(header)`` returns: what an import needs to find duplicates without the whole sheet."""
        rows = self.read_sheets([sheet])[sheet].rows
        header = list(rows[0]) if rows else []
        return header, len(rows), {j: [r[j] if j < len(r) else None for r in rows[1:]] for j in pick(header)}

    def content_id(self, sheet: str) -> str | None:
        """An id of exactly what the cell values of ``sheet`` are read from (a file's bytes), under which
        facts read from it may be kept (``workbook.cache``); None when there is none (a book open in Excel
        changes under us) or the sheet is absent."""
        return None

    def workbook_path(self) -> Path | None:
        """The workbook's file (where a relative Settings ``order_store`` is found); None when it has none."""
        return None

    @abstractmethod
    def save(self) -> None:
        """Make every change durable (headless: atomic replace of the file, then verify)."""

    def append_rows(self, sheet: str, frame: pd.DataFrame) -> int:
        """Append canonical rows (``frame`` columns are schema keys) under the sheet's matching headers.

        Headers are matched through the schema aliases; a missing column is added at the right end.
        Returns the number of rows appended.
        """
        header = []
        if sheet in self.sheet_names():
            raw = self.read_sheets([sheet])[sheet]
            header = list(raw.rows[0]) if raw.rows else []
        col_of, new_header = column_plan(header, sheet, frame.columns)
        cells = {(0, j): key for j, key in new_header.items()}
        width = max([len(header), *(j + 1 for j in col_of.values())])
        rows = []
        for rec in frame.to_dict(orient="records"):
            row = [None] * width
            for key, v in rec.items():
                row[col_of[key]] = v
            rows.append(row)
        if not header:
            self.upsert(sheet, [[new_header.get(j) for j in range(width)], *rows], header=True)
        else:
            self.upsert(sheet, rows, cells)
        return len(rows)


def column_plan(header: list, sheet: str, keys: Iterable[str]) -> tuple[dict[str, int], dict[int, str]]:
    """Where canonical ``keys`` go on a sheet whose first row is ``header``.

    Returns (key -> 0-based column, new header cells {column: key} for keys the header lacks, added at
    the right end). Headers are matched through the schema aliases of the canonical sheet that
    ``sheet`` names (a zh header ``订单号`` takes ``order_id``); the first match wins.
    """
    from ..model.schema import alias_table, normalize_header, sheet_for_name
    spec = sheet_for_name(sheet)
    aliases = alias_table(spec) if spec else {}
    col_of: dict[str, int] = {}
    last = -1
    for j, h in enumerate(header):
        if h is None or str(h).strip() == "":
            continue
        last = j
        key = aliases.get(normalize_header(h)) if spec else str(h)
        if key is not None and key not in col_of:
            col_of[key] = j
    new: dict[int, str] = {}
    for key in keys:
        if key not in col_of:
            last += 1
            col_of[key] = last
            new[last] = key
    return col_of, new
