"""Every printed page says which row each figure on it belongs to (issue 12 item 7, continuation pages): read
back from LibreOffice's PDF of the demo's generated sheets, zh and en, page by page (pdftotext -layout)."""
from __future__ import annotations

import re
import subprocess

import openpyxl
import pytest
from openpyxl.utils import column_index_from_string

from xlreview.core.review import compute_review
from xlreview.demo import demo_frames
from xlreview.libreoffice import convert
from xlreview.model.read import frames_to_raw, read_inputs
from xlreview.sheets import render
from xlreview.sheets.printing import column_points, effective_scale, printable_points, used_extent

FIGURE = re.compile(r"\d,\d{3}|\d\.\d\d|\d%")


def _sheets(lang: str, tmp_path):
    f = demo_frames()
    s = f["Settings"]
    f["Settings"] = s.assign(value=[(lang if k == "language" else v) for k, v in zip(s["key"], s["value"])])
    inputs, report = read_inputs(frames_to_raw(f))
    assert report.ok
    path = tmp_path / f"sheets_{lang}.xlsx"
    render(compute_review(inputs)).save(path)
    return path


def _title_columns(ws) -> int:
    cols = str(ws.print_title_cols or "").replace("$", "").split("!")[-1]
    return column_index_from_string(cols.split(":")[-1]) if cols else 0


def _key_texts(ws, keys: int) -> set[str]:
    """The texts of the title columns below the title rows (names of channels, campaigns, SKUs, goals ...)."""
    out = set()
    for row in ws.iter_rows(min_row=3, max_col=keys):
        for c in row:
            if isinstance(c.value, str) and len(c.value.strip()) >= 2:
                out.update(w for w in re.split(r"\s{2,}|\n", c.value.strip()) if len(w) >= 2)
    return out


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_sheet_split_by_columns_repeats_the_columns_that_name_its_rows(lang, tmp_path):
    """From the page setup: a sheet wider than a page at its scale repeats title columns holding text."""
    wb = openpyxl.load_workbook(_sheets(lang, tmp_path))
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            continue
        last_col, _ = used_extent(ws)
        width = sum(column_points(ws, c) for c in range(1, last_col + 1)) * effective_scale(ws)
        if width > printable_points()[0] * 1.02:
            keys = _title_columns(ws)
            assert keys and _key_texts(ws, keys), (ws.title, width, ws.print_title_cols)


@pytest.mark.libreoffice
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_printed_page_with_figures_names_their_rows(soffice, lang, tmp_path):
    """Each page of LibreOffice's PDF belongs to the sheet whose title it shows (title rows and columns repeat,
    so every page shows one); a page of a sheet split by columns that carries figures also carries text of the
    sheet's title columns (a continuation page with only CTR/CPC/CPA and no campaign name fails)."""
    path = _sheets(lang, tmp_path)
    wb = openpyxl.load_workbook(path)
    visible = [ws for ws in wb.worksheets if ws.sheet_state == "visible"]
    titles = {ws.title: str(ws["A1"].value) for ws in visible}
    pdf = convert(path, "pdf", tmp_path)
    n = int(re.search(r"^Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True,
                                                         check=True).stdout, flags=re.M).group(1))
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = text.split("\f")[:n]
    seen = {name: 0 for name in titles}
    for i, page in enumerate(pages, start=1):
        owner = [name for name, title in titles.items() if title in page]
        assert owner, f"page {i} shows no sheet title: {page[:300]}"
        ws = wb[owner[0]]
        seen[ws.title] += 1
        keys = _title_columns(ws)
        if keys and FIGURE.search(page.replace(titles[ws.title], "")):
            names = _key_texts(ws, keys)
            squeezed = re.sub(r"\s+", "", page)
            assert any(re.sub(r"\s+", "", t) in squeezed for t in names), \
                f"{ws.title} page {i}: figures without their row names: {page[:600]}"
    assert all(seen.values()), seen
