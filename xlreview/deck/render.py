"""Draw the deck's slides (``story.Slide``) as a PowerPoint file with python-pptx.

Charts are native chart objects (their data sits in an embedded workbook, so a seller can edit them in
PowerPoint, WPS or LibreOffice Impress), tables are native tables, texts are text boxes: nothing is a picture.
16:9 slides; Chinese text gets an East Asian font (``EA_FONT``) next to the Latin one.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from pptx import Presentation
from pptx.chart.data import CategoryChartData, XyChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from .story import Chart, Slide, Table

LATIN_FONT = "Calibri"
EA_FONT = "Microsoft YaHei"        # 微软雅黑: present in Windows/Office; WPS and LibreOffice substitute
NAVY = RGBColor(0x1F, 0x38, 0x64)
GREY = RGBColor(0x59, 0x59, 0x59)
TILE = RGBColor(0xDD, 0xEB, 0xF7)
WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.5)
CHART_TYPES = {"column": XL_CHART_TYPE.COLUMN_CLUSTERED, "bar": XL_CHART_TYPE.BAR_CLUSTERED,
               "line": XL_CHART_TYPE.LINE_MARKERS, "scatter": XL_CHART_TYPE.XY_SCATTER}
MAX_TABLE_ROWS = 10


def _font(run, size: float, bold: bool = False, color: RGBColor | None = None) -> None:
    f = run.font
    f.size = Pt(size)
    f.bold = bold
    f.name = LATIN_FONT
    if color is not None:
        f.color.rgb = color
    rpr = run._r.get_or_add_rPr()
    ea = rpr.find(qn("a:ea"))
    if ea is None:
        ea = rpr.makeelement(qn("a:ea"), {})
        rpr.append(ea)
    ea.set("typeface", EA_FONT)


def _text(slide, left, top, width, height, text: str, size: float, bold=False, color=None, align=None):
    box = slide.shapes.add_textbox(left, top, width, height)
    tf = box.text_frame
    tf.word_wrap = True
    for i, line in enumerate(str(text).split("\n")):
        p = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
        run = p.add_run()
        run.text = line
        _font(run, size, bold, color)
        if align is not None:
            p.alignment = align
    return box


def _kpis(slide, kpis: list[tuple[str, str]], top) -> Emu:
    n = len(kpis)
    gap = Inches(0.15)
    w = (WIDTH - 2 * MARGIN - gap * (n - 1)) / n
    for i, (name, value) in enumerate(kpis):
        left = MARGIN + i * (w + gap)
        shape = slide.shapes.add_shape(1, int(left), top, int(w), Inches(0.9))      # 1 = rectangle
        shape.fill.solid()
        shape.fill.fore_color.rgb = TILE
        shape.line.fill.background()
        tf = shape.text_frame
        tf.vertical_anchor = MSO_ANCHOR.MIDDLE
        p = tf.paragraphs[0]
        p.alignment = PP_ALIGN.CENTER
        _font(p.add_run(), 11, color=GREY)
        p.runs[0].text = name
        q = tf.add_paragraph()
        q.alignment = PP_ALIGN.CENTER
        r = q.add_run()
        r.text = value
        _font(r, 16, bold=True, color=NAVY)
    return top + Inches(1.05)


def _chart(slide, chart: Chart, left, top, width, height) -> None:
    if chart.kind == "scatter":
        data = XyChartData()
        for s in chart.series:
            series = data.add_series(s.name, number_format=chart.number_format)
            for x, y in zip(s.x_values or [], s.values):
                series.add_data_point(x, y)
    else:
        data = CategoryChartData(number_format=chart.number_format)
        data.categories = chart.categories
        for s in chart.series:
            data.add_series(s.name, [None if v is None or v != v else float(v) for v in s.values])
    frame = slide.shapes.add_chart(CHART_TYPES[chart.kind], left, top, width, height, data)
    c = frame.chart
    c.has_legend = len(chart.series) > 1
    if c.has_legend:
        c.legend.position = XL_LEGEND_POSITION.BOTTOM
        c.legend.include_in_layout = False
        c.legend.font.size = Pt(10)
    if chart.title:
        c.has_title = True
        c.chart_title.text_frame.text = chart.title
        _font(c.chart_title.text_frame.paragraphs[0].runs[0], 12)
    else:
        c.has_title = False
    c.font.size = Pt(10)
    c.font.name = LATIN_FONT
    c.value_axis.tick_labels.number_format = chart.number_format
    c.value_axis.tick_labels.number_format_is_linked = False
    c.value_axis.has_major_gridlines = True
    if chart.kind == "bar":                  # horizontal bars: the first category on top, as in the table
        c.category_axis.reverse_order = True
    if chart.kind == "scatter":
        c.category_axis.tick_labels.number_format = "#,##0"
        c.category_axis.tick_labels.number_format_is_linked = False


def _table(slide, table: Table, left, top, width, height) -> None:
    rows = table.rows[:MAX_TABLE_ROWS]
    shape = slide.shapes.add_table(len(rows) + 1, len(table.header), left, top, width,
                                   min(height, Inches(0.4) * (len(rows) + 1)))
    t = shape.table
    longest = [max([len(str(h))] + [len(str(r[j])) for r in rows]) for j, h in enumerate(table.header)]
    weights = [min(max(n, 4), 60) for n in longest]
    total = sum(weights)
    for j, w in enumerate(weights):
        t.columns[j].width = int(width * w / total)
    small = 9 if max(longest) > 40 or len(rows) > 7 else 10.5
    for j, h in enumerate(table.header):
        cell = t.cell(0, j)
        cell.text = ""
        _font(cell.text_frame.paragraphs[0].add_run(), small, bold=True)
        cell.text_frame.paragraphs[0].runs[0].text = str(h)
    for i, row in enumerate(rows, start=1):
        for j, v in enumerate(row):
            cell = t.cell(i, j)
            cell.text = ""
            run = cell.text_frame.paragraphs[0].add_run()
            run.text = str(v)
            _font(run, small)
            cell.text_frame.word_wrap = True


def draw(prs, slide_spec: Slide) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[6])           # blank
    if slide_spec.key == "cover":
        _text(slide, MARGIN, Inches(2.4), WIDTH - 2 * MARGIN, Inches(1.4), slide_spec.title, 40, True, NAVY,
              PP_ALIGN.CENTER)
        _text(slide, MARGIN, Inches(4.0), WIDTH - 2 * MARGIN, Inches(0.8), slide_spec.subtitle, 18, False, GREY,
              PP_ALIGN.CENTER)
        return
    if slide_spec.section:
        _text(slide, MARGIN, Inches(0.2), Inches(6), Inches(0.35), slide_spec.section, 12, True, GREY)
    _text(slide, MARGIN, Inches(0.5), WIDTH - 2 * MARGIN, Inches(0.9), slide_spec.title, 26, True, NAVY)
    top = Inches(1.45)
    if slide_spec.kpis:
        top = _kpis(slide, slide_spec.kpis, top)
    bottom = HEIGHT - Inches(0.4)
    if slide_spec.bullets:
        bottom -= Inches(0.35) * len(slide_spec.bullets)
        _text(slide, MARGIN, bottom, WIDTH - 2 * MARGIN, Inches(0.35) * len(slide_spec.bullets),
              "\n".join(slide_spec.bullets), 11, color=GREY)
    height = bottom - top
    full = WIDTH - 2 * MARGIN
    if slide_spec.chart and slide_spec.table:
        split = int(full * 0.48)
        _chart(slide, slide_spec.chart, MARGIN, top, split, height)
        _table(slide, slide_spec.table, MARGIN + split + Inches(0.2), top, full - split - Inches(0.2), height)
    elif slide_spec.chart:
        _chart(slide, slide_spec.chart, MARGIN, top, full, height)
    elif slide_spec.table:
        _table(slide, slide_spec.table, MARGIN, top, full, height)


def write_pptx(slides: list[Slide], out: Path) -> Path:
    """Write ``slides`` to ``out`` (.pptx) atomically: a temporary file in the same folder, then a rename, so a
    failure leaves any earlier deck as it was."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = WIDTH, HEIGHT
    for s in slides:
        draw(prs, s)
    out = Path(out)
    fd, tmp = tempfile.mkstemp(prefix=out.stem + ".", suffix=".pptx.tmp", dir=out.parent)
    os.close(fd)
    try:
        prs.save(tmp)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)          # mkstemp makes 0600; a deck is an ordinary file
        os.replace(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return out
