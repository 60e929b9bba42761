"""Golden snapshot of the generated sheets of the worked example: names, values, number formats, merges.

Compares what a reader sees (never zip bytes). After an intended change of a sheet, regenerate with
``XLREVIEW_UPDATE_GOLDEN=1 pytest tests/test_golden.py`` and review the JSON diff.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from worked_example import frames

from xlreview.pipeline import build
from xlreview.template import write_workbook
from xlreview.workbook.transplant import generated_sheet_names

GOLDEN = Path(__file__).parents[1] / "data" / "golden"


def snapshot(path: Path) -> dict:
    book = openpyxl.load_workbook(path)
    out = {}
    for name in generated_sheet_names(path):
        ws = book[name]
        cells = {}
        for row in ws.iter_rows():
            for c in row:
                if c.value is None:
                    continue
                v = c.value
                if isinstance(v, float):
                    v = float(f"{v:.9g}")
                elif isinstance(v, (dt.date, dt.datetime)):
                    v = v.isoformat()
                cells[c.coordinate] = [v, c.number_format] if c.number_format != "General" else [v]
        out[name] = {"cells": cells, "merged": sorted(str(r) for r in ws.merged_cells.ranges),
                     "state": ws.sheet_state}
    with zipfile.ZipFile(path) as z:
        out["_charts"] = len([n for n in z.namelist() if n.startswith("xl/charts/xlr_")])
    return out


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_generated_sheets_match_the_golden_snapshot(tmp_path, lang):
    f = frames()
    f["Settings"] = pd.concat([f["Settings"], pd.DataFrame({"key": ["language"], "value": [lang]})])
    wb = write_workbook(tmp_path / "we.xlsx", f, macros=False)
    build(wb)
    got = snapshot(wb)
    golden = GOLDEN / f"worked_example_{lang}.json"
    if os.environ.get("XLREVIEW_UPDATE_GOLDEN"):
        golden.write_text(json.dumps(got, ensure_ascii=False, indent=0, sort_keys=True), encoding="utf-8")
    expected = json.loads(golden.read_text(encoding="utf-8"))
    assert sorted(got) == sorted(expected)
    for sheet in expected:
        assert got[sheet] == expected[sheet], sheet
