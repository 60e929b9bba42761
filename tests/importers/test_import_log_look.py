"""The Import Log as a seller reads and prints it (issue 12): formatted, set up for print, one log whatever the
language -- written into the package at the zip level, every other part keeping its bytes."""
from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
from openpyxl.utils import column_index_from_string

from xlreview.pipeline import import_files
from xlreview.sheets.printing import MIN_SCALE, effective_scale
from xlreview.text import sheet_name, tr
from xlreview.workbook.transplant import generated_sheet_names

ROOT = Path(__file__).parents[2]
SHOPIFY = ROOT / "tests" / "data" / "imports" / "shopify_orders.csv"


def _export_with_unmapped_money(tmp_path: Path) -> Path:
    """The Shopify orders export with a money column no field reads ('Gift card fee')."""
    src = SHOPIFY.read_text("utf-8").splitlines()
    out = tmp_path / "shopify_extra_column.csv"
    out.write_text("\n".join([src[0] + ",Gift card fee", *(line + ",1.50" for line in src[1:])]) + "\n", "utf-8")
    return out


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def test_import_log_is_formatted_and_set_up_for_print(tmp_path):
    book = tmp_path / "review.xlsm"
    shutil.copy(ROOT / "workbook_template.xlsm", book)
    report = import_files(book, [_export_with_unmapped_money(tmp_path)], lang="zh")
    wb = openpyxl.load_workbook(book)
    ws = wb[sheet_name("import_log", "zh")]
    assert report.log_sheet == ws.title
    cells = {c.value: c for row in ws.iter_rows() for c in row if c.value is not None}
    # headers bold; the unmapped money column's row bold red, its amounts as money
    assert cells[tr("import.col_file", "zh")].font.b
    gift = cells["Gift card fee"]
    assert gift.font.b and gift.font.color.rgb.endswith("C00000")
    amounts = [ws.cell(gift.row, c) for c in range(4, 8) if ws.cell(gift.row, c).value is not None]
    assert amounts and all(c.number_format.startswith("#,##0.00") for c in amounts), [c.number_format for c in amounts]
    assert all(ws.cell(gift.row, c).font.color.rgb.endswith("C00000") for c in range(1, 9))
    money_head = cells[tr("import.money_column", "zh")].row
    mapped = [ws.cell(r, 2) for r in range(money_head + 1, ws.max_row + 1)
              if r != gift.row and isinstance(ws.cell(r, 5).value, (int, float))]     # amounts a field imported
    assert mapped and not any(c.font.color is not None and str(c.font.color.rgb).endswith("C00000") for c in mapped)
    # the file totals as money, counts as integers
    first = ws.cell(2, 11)
    assert isinstance(first.value, (int, float)) and first.number_format.startswith("#,##0.00")
    assert ws.cell(2, 3).number_format == "#,##0"
    # widths from what the columns hold (the file name is not cut)
    assert ws.column_dimensions["A"].width >= len(SHOPIFY.name)
    # print: landscape, readable, every used column, the header row on every page
    assert ws.page_setup.orientation == "landscape" and effective_scale(ws) >= MIN_SCALE
    m = re.fullmatch(r"A1:([A-Z]+)(\d+)", str(ws.print_area).split("!")[-1].replace("$", ""))
    assert m and column_index_from_string(m.group(1)) >= ws.max_column and int(m.group(2)) >= ws.max_row
    assert str(ws.print_title_rows).endswith("$1:$1")
    assert ws.title not in generated_sheet_names(book)          # a build keeps the log


def test_one_log_in_the_commands_language_and_other_parts_untouched(tmp_path):
    book = tmp_path / "review.xlsm"
    shutil.copy(ROOT / "workbook_template.xlsm", book)
    import_files(book, [SHOPIFY], lang="zh")
    before = _members(book)
    import_files(book, [SHOPIFY], lang="en")       # the same rows again: duplicates only, the log in English
    names = openpyxl.load_workbook(book, read_only=True).sheetnames
    assert sheet_name("import_log", "en") in names and sheet_name("import_log", "zh") not in names
    assert names.count(sheet_name("import_log", "en")) == 1
    after = _members(book)
    changed = {n for n in before.keys() & after.keys() if before[n] != after[n]}
    # only the book's index parts, the styles and the log itself change; input sheets, VBA, ribbon keep their bytes
    allowed = re.compile(r"\[Content_Types\]\.xml|xl/workbook\.xml|xl/_rels/workbook\.xml\.rels|xl/styles\.xml|"
                         r"docProps/app\.xml|xl/worksheets/.*")
    assert all(allowed.fullmatch(n) for n in changed), changed
    log_parts = {n for n in changed | (after.keys() - before.keys()) if n.startswith("xl/worksheets/")}
    assert len([n for n in log_parts if not n.startswith("xl/worksheets/_rels")]) <= 2, log_parts
    for name in before:
        if name.startswith("xl/vbaProject") or name.startswith("customUI"):
            assert after.get(name) == before[name], name
