"""One contract for every workbook backend (xlreview.workbook.base.Backend), run on each of them.

- ``headless``: the file backend (always);
- ``xlwings-fake``: the live backend on tests/xlwings_fake.py, an in-memory book that checks every
  xlwings call against the installed xlwings (always; catches wrong names and arguments on Linux);
- ``excel``: the live backend on a real Excel through xlwings -- only with ``pytest --excel`` on a
  Windows/macOS machine with Excel (see docs/excel.md).

Below the contract: the pure half of the live backend (openpyxl sheet -> blocks, format ranges,
charts; Range values -> RawSheet) on real openpyxl workbooks.
"""
from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pandas as pd
import pytest
import worked_example as we
from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference, ScatterChart, Series
from openpyxl.formatting.rule import CellIsRule, ColorScaleRule
from openpyxl.styles import Font, PatternFill
from xlwings_fake import FakeBook

from xlreview.core.review import compute_review
from xlreview.model.read import frames_to_raw, read_inputs
from xlreview.sheets import render
from xlreview.template import write_workbook
from xlreview.workbook import live
from xlreview.workbook.headless import HeadlessBackend
from xlreview.workbook.transplant import GENERATED_NAME, SheetNameCollision

INPUTS = ["Settings", "Orders", "Products", "FX", "Ads", "Marketing", "Content", "Channels", "Traffic"]


def generated_workbook() -> Workbook:
    inputs, _ = read_inputs(frames_to_raw(we.frames()))
    return render(compute_review(inputs))


class Handle:
    """A backend over a copy of the worked-example workbook, plus what the contract needs to inspect it."""

    def __init__(self, kind: str, path: Path):
        self.kind, self.path = kind, path
        self.book = self.app = None
        if kind == "headless":
            self.backend = HeadlessBackend(path)
        elif kind == "xlwings-fake":
            self.book = FakeBook.from_file(path)
            self.backend = live.XlwingsBackend(self.book)
        else:
            import xlwings as xw
            self.app = xw.App(visible=False, add_book=False)
            self.book = self.app.books.open(str(path))
            self.backend = live.XlwingsBackend(self.book)

    def generated(self) -> list[str]:
        return self.backend.generated_names()

    def close(self) -> None:
        if self.kind == "headless":
            self.backend.close()
        elif self.kind == "excel":
            self.book.close()
            self.app.quit()


@pytest.fixture(params=["headless", "xlwings-fake", pytest.param("excel", marks=pytest.mark.excel)])
def handle(request, tmp_path):
    if request.param == "excel" and not request.config.getoption("--excel"):
        pytest.skip("live Excel: run pytest --excel on a machine with Excel")
    path = write_workbook(tmp_path / "book.xlsm", we.frames(), macros=True)
    h = Handle(request.param, path)
    yield h
    h.close()


def norm_value(v):
    if v == "":
        return None
    if isinstance(v, bool):
        return v
    if isinstance(v, int):
        return float(v)
    if isinstance(v, dt.date) and not isinstance(v, dt.datetime):
        return dt.datetime(v.year, v.month, v.day)
    return v


def norm(raw) -> tuple[list[list], dict]:
    """Rows as both backends may give them: int/float, date/datetime and ""/None alike, no trailing blanks."""
    rows = [[norm_value(v) for v in r] for r in raw.rows]
    while rows and all(v is None for v in rows[-1]):
        rows.pop()
    width = max((j + 1 for r in rows for j, v in enumerate(r) if v is not None), default=0)
    return [(r + [None] * width)[:width] for r in rows], dict(raw.errors)


def headless_reading(path: Path, names=None):
    b = HeadlessBackend(path)
    try:
        return {n: norm(r) for n, r in b.read_sheets(names).items()}
    finally:
        b.close()


# ------------------------------------------------------------------------------------ contract
def test_reads_inputs_like_the_headless_backend(handle):
    expected = headless_reading(handle.path)
    got = {n: norm(r) for n, r in handle.backend.read_sheets().items()}
    assert got == expected
    assert set(INPUTS) <= set(got)


def test_sheet_names_in_workbook_order(handle):
    b = HeadlessBackend(handle.path)
    assert handle.backend.sheet_names() == b.sheet_names()
    assert set(INPUTS) <= set(b.sheet_names())


def test_write_generated_twice_gives_the_same_sheets_and_leaves_inputs(handle):
    before = {n: norm(r) for n, r in handle.backend.read_sheets(INPUTS).items()}
    wb = generated_workbook()
    written = handle.backend.write_generated(wb, activate=wb.sheetnames[0])
    assert written == wb.sheetnames
    assert handle.generated() == written
    handle.backend.write_generated(generated_workbook(), activate=wb.sheetnames[0])
    assert handle.generated() == written
    assert {n: norm(r) for n, r in handle.backend.read_sheets(INPUTS).items()} == before
    assert not set(handle.backend.read_sheets()) & set(written)    # default read skips generated sheets


def test_sheet_names_follow_write_generated(handle, request):
    user = handle.backend.sheet_names()
    wb = generated_workbook()
    written = handle.backend.write_generated(wb)
    assert handle.backend.sheet_names() == user + written
    handle.backend.write_generated(generated_workbook())
    assert handle.backend.sheet_names() == user + written


def test_write_generated_refuses_to_replace_a_user_sheet(handle):
    wb = Workbook()
    wb.active.title = "Orders"
    with pytest.raises(SheetNameCollision):
        handle.backend.write_generated(wb)


def test_save_keeps_generated_sheets_and_the_vba_project(handle):
    vba_before = zipfile.ZipFile(handle.path).read("xl/vbaProject.bin")
    wb = generated_workbook()
    handle.backend.write_generated(wb, activate=wb.sheetnames[0])
    handle.backend.save()
    if handle.kind == "xlwings-fake":
        assert handle.book.saves == 1
        return
    if handle.kind == "excel":
        handle.close()
        handle.kind = "closed"
    with zipfile.ZipFile(handle.path) as z:
        vba_after = z.read("xl/vbaProject.bin")
    if handle.kind == "headless":
        assert vba_after == vba_before
    else:   # Excel rewrites the project's binary layout; the module sources must survive
        assert vba_modules(vba_after) == vba_modules(vba_before)
    after = HeadlessBackend(handle.path)
    assert after.generated_names() == wb.sheetnames
    assert {n: norm(r) for n, r in after.read_sheets(INPUTS).items()} == headless_reading(handle.path, INPUTS)


def book_state(handle) -> tuple:
    """Everything a failed write must leave as it was: sheet names, which are generated, every sheet's
    content (the fake: cells, names, charts, active sheet; headless: the file's bytes)."""
    names = handle.backend.sheet_names()
    state = (names, handle.generated(), {n: norm(r) for n, r in handle.backend.read_sheets(names).items()})
    if handle.kind == "xlwings-fake":
        sheets = [(s.name, dict(s.cells), [n.name for n in s.names], len(s.charts), s.visible) for s in handle.book.sheets]
        return state + (sheets, handle.book.sheets.active.name)
    if handle.kind == "headless":
        return state + (handle.path.read_bytes(),)
    return state


def test_a_failed_write_leaves_the_workbook_as_before(handle, monkeypatch):
    """Same promise on every backend: an error while writing the generated sheets changes nothing."""
    handle.backend.write_generated(generated_workbook())        # a book that already has generated sheets
    if handle.kind == "headless":
        handle.backend.save()
        handle.backend = HeadlessBackend(handle.path)
    before = book_state(handle)
    wb = generated_workbook()
    calls = []

    def fail_on_the_second_chart(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("Excel refused the chart")
        return write_chart(*args, **kwargs)

    import xlreview.workbook.transplant as transplant_module
    write_chart = live.write_chart
    if handle.kind == "headless":      # the file backend writes every sheet in one transplant: fail inside it
        def failing_transplant(*args, **kwargs):
            raise RuntimeError("Excel refused the chart")
        monkeypatch.setattr(transplant_module, "transplant", failing_transplant)
    else:                              # the live backend writes sheet by sheet: fail on the second chart
        monkeypatch.setattr(live, "write_chart", fail_on_the_second_chart)
    with pytest.raises(Exception, match="Excel refused the chart") as raised:
        handle.backend.write_generated(wb)
    if handle.kind != "headless":
        assert isinstance(raised.value, live.LiveWriteFailed)
        assert "Excel refused the chart" in raised.value.message("en") and "as it was before" in raised.value.message("en")
        assert raised.value.params["sheet"] in wb.sheetnames
    if handle.kind == "headless":
        handle.backend.save()                                     # nothing staged: the file stays as it was
    assert book_state(handle) == before


def vba_modules(data: bytes) -> dict[str, str]:
    from oletools.olevba import VBA_Parser
    parser = VBA_Parser("vbaProject.bin", data=data)
    return {name: code.replace("\r\n", "\n") for _, _, name, code in parser.extract_macros()}


def test_append_rows_then_read_back(handle):
    frame = pd.DataFrame({"sku": ["Z9"], "unit_cost": [7.5], "stock_qty": [3]})
    assert handle.backend.append_rows("Products", frame) == 1
    if handle.kind == "headless":
        handle.backend.save()
    raw = handle.backend.read_sheets(["Products"])["Products"]
    header = raw.rows[0]
    last = dict(zip(header, raw.rows[-1]))
    assert (last["sku"], float(last["unit_cost"]), float(last["stock_qty"])) == ("Z9", 7.5, 3.0)


# ------------------------------------------------------------- the live backend on the fake book
def test_live_writes_one_block_per_band_and_text_stays_text(tmp_path):
    book = FakeBook.from_file(write_workbook(tmp_path / "b.xlsx", we.frames(), macros=False))
    backend = live.XlwingsBackend(book)
    wb = generated_workbook()
    backend.write_generated(wb)
    sheet = book.sheets[wb.sheetnames[0]]
    assert sheet.writes == len(live.value_blocks(wb.worksheets[0]))
    assert book.unsafe_text == []
    ws = wb.worksheets[0]
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is not None and not isinstance(cell.value, float):
                assert sheet.cells.get((cell.row, cell.column)) == cell.value
    assert [n.name.rsplit("!", 1)[1] for n in sheet.names] == [GENERATED_NAME]
    assert sheet.names[0].api.Visible is False
    assert len(sheet.charts) == 1 and sheet.frozen == "1:3" and sheet.show_gridlines is False


def test_live_append_rows_matches_zh_headers_and_adds_missing_columns():
    book = FakeBook()
    book.sheets.add("产品")
    sheet = book.sheets["产品"]
    sheet.range("A1").value = [["'SKU", "'单位成本", "'备注"], ["'A1", 5.0, "'x"]]
    backend = live.XlwingsBackend(book)
    n = backend.append_rows("产品", pd.DataFrame({"sku": ["001", "B"], "unit_cost": [1.5, 2.0],
                                                 "stock_qty": [4, 0]}))
    assert n == 2
    rows = sheet.range("A1:D4").options(ndim=2).value
    assert rows[0][3] == "stock_qty"
    assert rows[2] == ["001", 1.5, None, 4.0] and rows[3] == ["B", 2.0, None, 0.0]
    assert book.unsafe_text == []


# ------------------------------------------------------------------- pure parts of the live backend
def test_raw_sheet_maps_error_strings_and_trims():
    values = [["sku", "unit_cost", None], ["A", "#N/A", None], [None, None, None]]
    raw = live.raw_sheet("Products", values)
    assert raw.rows == [["sku", "unit_cost"], ["A", None]]
    assert raw.errors == {(1, 1): "#N/A"}
    assert live.raw_sheet("Empty", [[None]]).rows == []


def test_value_blocks_are_row_bands():
    wb = Workbook()
    ws = wb.active
    ws["A1"], ws["C2"], ws["B5"], ws["D6"] = "title", 3, "=SUM(1,2)", dt.date(2026, 1, 2)
    ws["A2"].value = "2026-01"
    blocks = live.value_blocks(ws)
    assert [(b.row, b.col, b.address) for b in blocks] == [(1, 1, "A1:C2"), (5, 2, "B5:D6")]
    assert blocks[0].values == [["'title", None, None], ["'2026-01", None, 3]]
    assert blocks[1].values == [["=SUM(1,2)", None, None], [None, None, dt.date(2026, 1, 2)]]


def test_text_that_looks_like_a_formula_stays_text():
    wb = Workbook()
    ws = wb.active
    from xlreview.sheets.layout import put
    put(ws, 1, 1, "=cmd|' /C calc'!A0")
    assert live.value_blocks(ws)[0].values == [["'=cmd|' /C calc'!A0"]]


def test_rectangles_join_columns_and_union_addresses_respect_the_limit():
    keys = {(r, c): "x" for r in range(2, 6) for c in (2, 3)} | {(r, 5): "x" for r in range(2, 6)}
    keys[(9, 1)] = "y"
    rects = live.rectangles(keys)
    assert rects == {"x": [(2, 2, 5, 3), (2, 5, 5, 5)], "y": [(9, 1, 9, 1)]}
    assert live.union_addresses(rects["x"]) == ["B2:C5,E2:E5"]
    many = [(r, 1, r, 1) for r in range(1, 200, 2)]
    parts = live.union_addresses(many, limit=50)
    assert all(len(p) <= 50 for p in parts) and ",".join(parts).count(",") == len(many) - 1


def test_freeze_range():
    assert [live.freeze_range(x) for x in (None, "A1", "A4", "C1", "B3")] == [None, None, "1:3", "A:B", "A1:A2"]


def test_sheet_plan_formats_fonts_fills_merges_widths_conditional():
    wb = Workbook()
    ws = wb.active
    ws.title = "T"
    for r in range(1, 6):
        ws.cell(r, 1, r).number_format = "0.0%"
        ws.cell(r, 2, r * 2.0).number_format = "0.0%"
    ws["A1"].font = Font(bold=True, color="FFFFFF")
    ws["A1"].fill = PatternFill("solid", fgColor="1F3864")
    ws.merge_cells("D1:E1")
    ws.column_dimensions["A"].width = 22
    ws.conditional_formatting.add("B1:B5", CellIsRule(operator="lessThan", formula=["0"],
                                                      fill=PatternFill("solid", bgColor="FFC7CE")))
    ws.conditional_formatting.add("A1:A5", ColorScaleRule(start_type="min", start_color="F8696B",
                                                          end_type="max", end_color="63BE7B"))
    plan = live.sheet_plan(ws)
    assert plan.number_formats == {"0.0%": ["A1:B5"]}
    assert plan.fonts == [({"bold": True, "color": "#FFFFFF"}, ["A1"])]
    assert plan.fills == [("#1F3864", ["A1"])]
    assert plan.merges == ["D1:E1"] and plan.column_widths == {"A": 22.0}
    kinds = {(c.address, c.kind): c.params for c in plan.conditional}
    assert kinds[("B1:B5", "cell_value")] == {"operator": "less_than", "formula1": 0.0, "fill_color": "#FFC7CE"}
    assert kinds[("A1:A5", "color_scale")] == {"colors": ["#F8696B", "#63BE7B"]}


def test_chart_specs_from_the_dashboard():
    wb = generated_workbook()
    (spec,) = live.chart_specs(wb.worksheets[0])
    assert spec.chart_type == "column_clustered"
    assert [s.chart_type for s in spec.series] == ["column_clustered", "line"]
    assert [s.name for s in spec.series] == ["净销售额", "净利润"]
    assert all(":" in s.values and ":" in s.x_values for s in spec.series)
    assert spec.series[0].x_values == spec.series[1].x_values
    assert spec.title == "月度净销售额与净利润" and spec.y_number_format == "#,##0"
    assert spec.width == pytest.approx(22 / 2.54 * 72, abs=0.1)


def test_chart_specs_line_and_scatter():
    wb = Workbook()
    ws = wb.active
    for r in range(1, 6):
        ws.append([r, r * r])
    line = LineChart()
    line.add_data(Reference(ws, min_col=2, min_row=1, max_row=5))
    ws.add_chart(line, "D1")
    sc = ScatterChart()
    sc.series.append(Series(Reference(ws, min_col=2, min_row=1, max_row=5),
                            Reference(ws, min_col=1, min_row=1, max_row=5)))
    ws.add_chart(sc, "D20")
    specs = live.chart_specs(ws)
    assert [s.chart_type for s in specs] == ["line", "xy_scatter"]
    assert specs[0].anchor == (1, 4) and specs[1].anchor == (20, 4)
    assert specs[1].series[0].x_values == "A1:A5" and specs[1].series[0].values == "B1:B5"
    bar = BarChart()
    bar.type = "bar"
    assert live._chart_type(bar) == "bar_clustered"


