"""The Import Log as a seller reads and prints it (issue 12): formatted, set up for print, one log whatever the
language -- written into the package at the zip level, every other part keeping its bytes."""
from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
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


def _log_with_rejected_rows(tmp_path: Path, lang: str) -> tuple[Path, openpyxl.Workbook]:
    """The log of three exports with rejected rows (cancelled orders, report footers), alone in a workbook."""
    book = tmp_path / f"review_{lang}.xlsm"
    shutil.copy(ROOT / "workbook_template.xlsm", book)
    data = ROOT / "tests" / "data" / "imports"
    import_files(book, [data / "amazon_all_orders.txt", data / "ebay_orders.csv", SHOPIFY], lang=lang)
    wb = openpyxl.load_workbook(book)
    for name in wb.sheetnames:
        if name != sheet_name("import_log", lang):
            del wb[name]
    out = tmp_path / f"log_{lang}.xlsx"
    wb.save(out)
    return out, wb


def test_each_table_of_the_log_reads_on_its_own(tmp_path):
    from xlreview.sheets.layout import BREAKABLE, text_width
    _, wb = _log_with_rejected_rows(tmp_path, "en")
    ws = wb.active
    cells = {c.value: c for row in ws.iter_rows() for c in row if c.value is not None}
    # one name for one fact: the summary calls the file's total, the imported and the rejected amount as the
    # reconciliation block does
    for key in ("import.money_in_file", "import.money_imported", "import.money_rejected"):
        assert sum(1 for c in ws.iter_rows() for x in c if x.value == tr(key, "en")) == 2, key
    # a rejected row's raw values wrap over the wide columns on the right, not in a column the counts share
    raw = cells[tr("import.rej_raw", "en")]
    spans = {(r.min_row, r.min_col): r for r in ws.merged_cells.ranges}
    assert (raw.row, raw.column) in spans and spans[(raw.row, raw.column)].max_col == ws.max_column
    rows_read = cells[tr("import.col_rows_read", "en")]
    assert ws.column_dimensions[rows_read.column_letter].width <= 20      # was as wide as a raw row (48)
    # an English header wraps between words: its column is as wide as its longest word
    for c in ws[1]:
        if c.value:
            longest = max(text_width(w) for w in BREAKABLE.findall(c.value))
            assert ws.column_dimensions[c.column_letter].width >= longest * 1.1 + 1, (c.value, c.column_letter)
    # every body cell reads from the top (File and Line beside a wrapped raw row too)
    body = [c for row in ws.iter_rows(min_row=2) for c in row if c.value is not None and not c.font.b]
    assert body and all(c.alignment.vertical == "top" for c in body)


@pytest.mark.libreoffice
def test_the_log_prints_one_page_wide_with_whole_header_words(soffice, tmp_path):
    import subprocess

    from xlreview.libreoffice import convert
    path, wb = _log_with_rejected_rows(tmp_path, "en")
    assert not wb.active.col_breaks.brk
    text = subprocess.run(["pdftotext", "-layout", str(convert(path, "pdf", tmp_path)), "-"], capture_output=True,
                          text=True, check=True).stdout
    for word in ("Currency", "(skipped)", "Imported", "Explanation", "Reason"):
        assert re.search(rf"(?<!\S){re.escape(word)}(?!\S)", text), word
    for page in text.split("\f"):
        if re.search(r"\d\.\d\d", page):               # every page with amounts shows the file they come from
            assert re.search(r"\w+\.(csv|txt)", page), page[:400]
