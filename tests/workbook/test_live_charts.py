"""The Build button's charts, series by series, on the stand-in book (tests/xlwings_fake.py).

Every chart goes through xlwings' own ``xw.Chart`` / ``xw.ChartSeries`` classes (their validation runs)
around a recording impl whose methods bind to xlwings' ``base_classes`` signatures; each series is
added with its own values and X values the way Excel's object model does it (``NewSeries``). The
expected series are read here straight from the openpyxl charts the sheet writers made.
"""
from __future__ import annotations

import inspect

import pytest
import xlwings.base_classes as xwb
import xlwings_fake as fake
from openpyxl.utils import range_boundaries
from xlwings_fake import FakeBook

from xlreview.core.review import compute_review
from xlreview.demo import demo_frames
from xlreview.model.read import frames_to_raw, read_inputs
from xlreview.sheets import render
from xlreview.text import sheet_name
from xlreview.workbook import live


@pytest.fixture(scope="module")
def written():
    """(generated openpyxl workbook, the fake Excel book it was written into)."""
    frames = demo_frames(n_order_lines=600)
    inputs, _ = read_inputs(frames_to_raw(frames))
    wb = render(compute_review(inputs))
    book = FakeBook()
    book.sheets.add("Orders")                 # the generated sheets need no input sheet in the book
    live.XlwingsBackend(book).write_generated(wb)
    return wb, book


def _local(source) -> str | None:
    """The A1 address of a chart data source (numRef / strRef, or a bare reference)."""
    if source is None:
        return None
    ref = getattr(source, "numRef", None) or getattr(source, "strRef", None) or source
    return ref.f.rsplit("!", 1)[1].replace("$", "") if getattr(ref, "f", None) else None


def defined_series(ws) -> list[list[tuple]]:
    """Per openpyxl chart of ``ws``: (values, x values, name) of each series, in the chart's order."""
    out = []
    for chart in ws._charts:
        series = []
        for part in [chart, *[c for c in chart._charts if c is not chart]]:
            for s in part.series:
                scatter = type(part).__name__ == "ScatterChart"
                values, xs = (_local(s.yVal), _local(s.xVal)) if scatter else (_local(s.val), _local(s.cat))
                if s.tx is not None and s.tx.strRef is not None:
                    name = ws[_local(s.tx.strRef)].value
                else:
                    name = s.tx.v if s.tx is not None else None
                series.append((values, xs, name))
        out.append(series)
    return out


def written_series(sheet) -> list[list[tuple]]:
    return [[(s.values, s.x_values, s.attrs.get("name")) for s in chart.impl.series] for chart in sheet.charts]


def test_every_chart_has_every_series_exactly_as_defined(written):
    wb, book = written
    charts = 0
    for ws in wb.worksheets:
        expected = defined_series(ws)
        assert written_series(book.sheets[ws.title]) == expected, ws.title
        charts += len(expected)
    assert charts >= 15


def test_the_quadrant_scatter_has_one_series_per_quadrant_and_median_each_with_its_own_x(written):
    wb, book = written
    (chart,) = book.sheets[sheet_name("quadrant")].charts
    series = chart.impl.series
    assert chart.impl.kwargs.get("source") is None
    assert len(series) == 6                       # 4 quadrants + 2 median lines
    assert len({s.x_values for s in series}) == 6
    for s in series:
        (c0, r0, c1, r1), (xc0, xr0, xc1, xr1) = range_boundaries(s.values), range_boundaries(s.x_values)
        assert (r0, r1) == (xr0, xr1) and c0 == c1 == xc0 + 1 == xc1 + 1
    types = [s.attrs["chart_type"] for s in series]
    assert types == ["xy_scatter"] * 4 + ["xy_scatter_lines_no_markers"] * 2
    assert chart.impl.chart_type == "xy_scatter"


def test_a_series_named_from_a_cell_is_named_by_the_header_of_its_own_column(written):
    """The promotion charts' columns are AO (daily sales), AP (baseline), AQ (promo days), listed AQ, AO, AP:
    each series must carry the name and type of its own column."""
    wb, book = written
    checked = 0
    for ws in wb.worksheets:
        for chart in book.sheets[ws.title].charts:
            for s in chart.impl.series:
                c0, r0, _, _ = range_boundaries(s.values)
                header = ws.cell(r0 - 1, c0).value
                if isinstance(header, str) and header == s.attrs.get("name"):
                    checked += 1
    assert checked >= 20
    promo = [c for c in book.sheets[sheet_name("marketing")].charts if len(c.impl.series) == 3]
    assert len(promo) >= 2
    for chart in promo:
        kinds = {s.attrs["name"]: (s.attrs["chart_type"], range_boundaries(s.values)[0]) for s in chart.impl.series}
        (bar_type, bar_col), (sales_type, sales_col), (base_type, base_col) = (
            kinds["活动期间"], kinds["日净销售额"], kinds["日均基准"])
        assert (bar_type, sales_type, base_type) == ("column_clustered", "line", "line")
        assert sales_col + 1 == base_col and base_col + 1 == bar_col


def test_charts_are_created_empty_and_typed_after_their_first_series(written):
    _, book = written
    for sheet in book.sheets:
        for chart in sheet.charts:
            assert chart.impl.kwargs.get("source") is None and chart.impl.chart_type
            assert all("chart_type" in s.attrs for s in chart.impl.series)


def test_a_multi_area_source_is_refused_by_the_stand_in():
    book = FakeBook()
    sheet = book.sheets.add("S")
    with pytest.raises(AssertionError, match="Excel's own rules"):
        sheet.charts.add(source=sheet.range("D16:D27,D28:D33"), chart_type="xy_scatter")


def test_the_stand_in_impls_only_have_what_xlwings_impls_have():
    recording = {"added", "axes", "kwargs", "sheet", "xl", "com", "attrs", "values", "x_values"}
    for cls, base in ((fake.FakeChartImpl, xwb.Chart), (fake.ChartSeries, xwb.ChartSeries),
                      (fake.FakeAxisImpl, xwb.ChartAxis)):
        for name, member in vars(cls).items():
            if name.startswith("_") or name in recording:
                continue
            assert hasattr(base, name), f"{cls.__name__}.{name} is not in xlwings {base.__name__}"
            if callable(member):
                assert list(inspect.signature(member).parameters)[0] == "self"
    # what xlwings' wrappers call on the impl binds to xlwings' own impl signatures
    fake.check_call(xwb.ChartSeries, "set", name="x", chart_type="line", axis_group="secondary")
    with pytest.raises(TypeError):
        fake.check_call(xwb.ChartSeries, "set", values="A1:A3")


def test_the_scatter_chart_xml_has_its_required_scatter_style(written, tmp_path):
    """CT_ScatterChart (ECMA-376 Part 1, dml-chart.xsd) requires c:scatterStyle first; openpyxl leaves it out
    unless set."""
    import zipfile

    from lxml import etree
    wb, _ = written
    wb.save(tmp_path / "g.xlsx")
    ns = {"c": "http://schemas.openxmlformats.org/drawingml/2006/chart"}
    with zipfile.ZipFile(tmp_path / "g.xlsx") as z:
        scatters = [etree.fromstring(z.read(n)).find(".//c:scatterChart", ns) for n in z.namelist()
                    if n.startswith("xl/charts/chart")]
    scatters = [s for s in scatters if s is not None]
    assert len(scatters) == 1
    first = scatters[0][0]
    assert etree.QName(first).localname == "scatterStyle" and first.get("val") == "lineMarker"
