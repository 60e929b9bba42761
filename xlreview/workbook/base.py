"""The workbook backend interface: five frame-level methods, one headless and one live implementation.

A backend stands for one open workbook. The pipeline only ever:

1. asks which sheets exist (``sheet_names``),
2. reads input sheets as raw rows (``read_sheets``),
3. replaces the generated sheets in one go (``write_generated``) -- all sheets are computed
   before this is called, so a failure never leaves a half-written workbook,
4. appends canonical rows to an input sheet (``append_rows``, for importers),
5. saves (``save``; for the headless backend an atomic temp-file + rename).

Generated sheets are laid out once, as an openpyxl ``Workbook`` (the ``sheets`` package), which both
backends accept: the headless one transplants its parts into the package at the zip level, the live
one copies values, formats and charts into the open Excel workbook.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
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
    def append_rows(self, sheet: str, frame: pd.DataFrame) -> int:
        """Append canonical rows to an input sheet (created with canonical headers if absent)."""

    @abstractmethod
    def save(self) -> None:
        """Make every change durable (headless: atomic replace of the file)."""
