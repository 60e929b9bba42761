"""End to end through an independent client: LibreOffice opens, recalculates and renders the demo."""
from __future__ import annotations

import subprocess
import zipfile

import pytest
import python_calamine as pc

from xlreview.libreoffice import convert

pytestmark = pytest.mark.libreoffice
ONE_PAGE_PER_SHEET = 'pdf:calc_pdf_Export:{"SinglePageSheets":{"type":"boolean","value":"true"}}'


def values(path, sheet):
    return pc.CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python(skip_empty_area=False)


def flat_numbers(rows):
    return [v for r in rows for v in r if isinstance(v, float)]


def test_demo_renders_to_pdf(soffice, demo_build, tmp_path):
    path, _ = demo_build
    pdf = convert(path, ONE_PAGE_PER_SHEET, tmp_path)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout \
        if subprocess.run(["which", "pdfinfo"], capture_output=True).returncode == 0 else ""
    sheets = pc.CalamineWorkbook.from_path(str(path)).sheet_names
    assert pdf.stat().st_size > 50_000
    if info:
        pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages")))
        assert pages >= len([s for s in sheets if s != "xlwings.conf"]) - 1


def test_libreoffice_reads_the_same_figures_and_recalculates_formulas(soffice, demo_build, tmp_path):
    path, result = demo_build
    out = convert(path, "xlsx", tmp_path)
    ours, theirs = values(path, "仪表盘"), values(out, "仪表盘")
    assert flat_numbers(ours) == pytest.approx(flat_numbers(theirs))
    assert any(v == pytest.approx(result["summary"]["net_sales"]) for v in flat_numbers(theirs))
    # the Goals sheet's pillar list is a formula over Settings: LibreOffice computes it on load
    goals = values(out, "Goals")
    header = goals[0]
    col = header.index("xlr_pillars")
    pillars = [r[col] for r in goals[1:] if len(r) > col and r[col]]
    settings = {r[0]: r[1] for r in values(out, "Settings") if r and r[0]}
    expected = [p.strip() for p in str(settings["strategy_pillars"]).replace("，", ",").split(",") if p.strip()]
    assert pillars == expected


def test_generated_sheets_hold_values_not_formulas(demo_build):
    path, _ = demo_build
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/xlr_"):
                assert b"<f>" not in z.read(name) and b"<f " not in z.read(name), name
