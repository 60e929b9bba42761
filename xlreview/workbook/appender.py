"""Append canonical rows to an input sheet of a workbook file (the headless backend's ``append_rows``).

This is the one path that writes into an input sheet (importers use the same sheet model): openpyxl
loads the workbook (keeping the VBA project for .xlsm), rows go below the last used row under the
matching headers (schema aliases), text stays text, and the ribbon relationship that openpyxl drops
is put back before the file is handed on.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd


def append_rows(src: Path, out: Path, sheet: str, frame: pd.DataFrame) -> int:
    """Write ``src`` + the rows of ``frame`` appended to ``sheet`` to ``out``; returns the rows written."""
    import openpyxl

    from ..importers.apply import _Sheet
    from ..ooxml.package import ensure_ribbon_relationship

    src, out = Path(src), Path(out)
    wb = openpyxl.load_workbook(src, keep_vba=src.suffix.lower() in (".xlsm", ".xltm"))
    target = _Sheet(wb, sheet)
    n = 0
    for rec in frame.to_dict("records"):
        target.append({k: (None if (v is None or (isinstance(v, float) and v != v)) else v) for k, v in rec.items()
                       if k in target.cols})
        n += 1
    wb.save(out)
    ensure_ribbon_relationship(out)
    return n
