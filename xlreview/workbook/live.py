"""The live backend: the workbook open in Excel, through xlwings (Windows / macOS only).

Two halves, kept apart on purpose:

- **pure translation** (tested anywhere): ``sheet_plan(ws)`` turns one generated openpyxl sheet into
  blocks of values (one write each), number-format / font / fill / alignment / border ranges grouped
  into A1 unions, merged ranges, column widths, freeze panes, conditional formats and chart specs;
  ``raw_sheet(name, values)`` turns what ``Range.value`` returns into a ``RawSheet``.
- **thin xlwings calls** (``XlwingsBackend``, needs Excel): each plan item is one or two xlwings calls.

xlwings is imported lazily (only ``XlwingsBackend`` touches it), so this module imports on Linux.

Example (in Excel, from a macro)::

    book = xw.Book.caller()
    build_backend(XlwingsBackend(book))
"""
from __future__ import annotations

import datetime as dt
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl.utils import get_column_letter, range_boundaries

from ..errors import XlreviewError
from ..model.parse import EXCEL_ERRORS
from ..model.read import RawSheet
from .base import Backend
from .transplant import GENERATED_NAME, SheetNameCollision

MAX_ADDRESS = 250           # Excel's Range("a,b,c") string is limited to 255 characters
CM_TO_POINTS = 72 / 2.54    # openpyxl chart sizes are in cm, Excel's in points
DEFAULT_COL_WIDTH_POINTS = 48.0   # 8.43 characters of Calibri 11, for chart anchors
DEFAULT_ROW_HEIGHT_POINTS = 15.0

# openpyxl chart class -> xlwings chart_type (grouping / bar direction refine bar charts)
CHART_TYPES = {"BarChart": "column_clustered", "LineChart": "line", "ScatterChart": "xy_scatter",
               "AreaChart": "area", "PieChart": "pie", "DoughnutChart": "doughnut", "RadarChart": "radar"}
_BAR = {("col", "clustered"): "column_clustered", ("col", "stacked"): "column_stacked",
        ("col", "percentStacked"): "column_stacked_100", ("bar", "clustered"): "bar_clustered",
        ("bar", "stacked"): "bar_stacked", ("bar", "percentStacked"): "bar_stacked_100"}
# openpyxl cellIs operator -> xlwings conditional-format operator
CF_OPERATORS = {"between": "between", "notBetween": "not_between", "equal": "equal_to",
                "notEqual": "not_equal_to", "greaterThan": "greater_than", "lessThan": "less_than",
                "greaterThanOrEqual": "greater_than_or_equal", "lessThanOrEqual": "less_than_or_equal"}
_BORDER_WEIGHT = {"hair": ("continuous", "hairline"), "thin": ("continuous", "thin"),
                  "medium": ("continuous", "medium"), "thick": ("continuous", "thick"),
                  "dashed": ("dash", "thin"), "dotted": ("dot", "thin"), "double": ("double", "thick"),
                  "dashDot": ("dash_dot", "thin"), "dashDotDot": ("dash_dot_dot", "thin"),
                  "mediumDashed": ("dash", "medium"), "mediumDashDot": ("dash_dot", "medium"),
                  "mediumDashDotDot": ("dash_dot_dot", "medium"), "slantDashDot": ("slant_dash_dot", "medium")}


# ------------------------------------------------------------------------------------ reading
def raw_sheet(name: str, values) -> RawSheet:
    """``Range.options(ndim=2, err_to_str=True).value`` of A1:last cell -> ``RawSheet``.

    Error cells (xlwings returns their text, e.g. ``"#N/A"``) go to ``RawSheet.errors`` and read as
    empty, as the headless reader does; trailing empty rows and columns are dropped; an empty sheet
    has no rows.
    """
    rows = [list(r) for r in (values or [])]
    errors: dict[tuple[int, int], str] = {}
    for i, row in enumerate(rows):
        for j, v in enumerate(row):
            if isinstance(v, str) and v.strip().upper() in EXCEL_ERRORS:
                errors[(i, j)] = v.strip()
                row[j] = None
            elif isinstance(v, float) and math.isnan(v):
                row[j] = None
    while rows and all(v is None or v == "" for v in rows[-1]) and not any(r0 == len(rows) - 1 for r0, _ in errors):
        rows.pop()
    width = max((j + 1 for row in rows for j, v in enumerate(row) if v is not None and v != ""), default=0)
    width = max([width, *(c0 + 1 for _, c0 in errors)])
    rows = [(row + [None] * width)[:width] for row in rows]
    return RawSheet(name, rows, errors)


# ------------------------------------------------------------------------------ writing: plans
@dataclass
class Block:
    """Values of a rectangle whose top-left cell is (row, col), 1-based: one ``Range.value`` write."""

    row: int
    col: int
    values: list[list]

    @property
    def address(self) -> str:
        last_col = self.col + max(len(r) for r in self.values) - 1
        return f"{get_column_letter(self.col)}{self.row}:{get_column_letter(last_col)}{self.row + len(self.values) - 1}"


@dataclass
class SeriesSpec:
    """One chart series exactly as the openpyxl chart defines it: written as one series, never laid out by Excel."""

    values: str                       # A1 address on the same sheet, e.g. "H5:H16"
    name: str | None = None           # the series title (resolved from its cell when it is a reference)
    chart_type: str | None = None     # the series' own xlwings chart type (combination charts differ per series)
    secondary: bool = False
    x_values: str | None = None       # its categories (bar/line) or X values (scatter), e.g. "G5:G16"


@dataclass
class ChartSpec:
    chart_type: str
    anchor: tuple[int, int]           # top-left cell (row, col), 1-based
    width: float                      # points
    height: float
    series: list[SeriesSpec]
    title: str | None = None
    y_title: str | None = None
    x_title: str | None = None
    y_number_format: str | None = None


@dataclass
class CondSpec:
    address: str
    kind: str                         # "cell_value" | "custom" | "color_scale" | "data_bar"
    params: dict = field(default_factory=dict)


@dataclass
class SheetPlan:
    name: str
    hidden: bool = False
    blocks: list[Block] = field(default_factory=list)
    number_formats: dict[str, list[str]] = field(default_factory=dict)       # format -> union addresses
    fonts: list[tuple[dict, list[str]]] = field(default_factory=list)        # xlwings Font attrs -> addresses
    fills: list[tuple[str, list[str]]] = field(default_factory=list)         # "#RRGGBB" -> addresses
    alignments: list[tuple[dict, list[str]]] = field(default_factory=list)
    borders: list[tuple[dict, list[str]]] = field(default_factory=list)
    merges: list[str] = field(default_factory=list)
    column_widths: dict[str, float] = field(default_factory=dict)
    row_heights: dict[int, float] = field(default_factory=dict)
    freeze: str | None = None          # xlwings freeze_at argument ("1:3", "A:A", "A1:B3")
    show_gridlines: bool = True
    conditional: list[CondSpec] = field(default_factory=list)
    charts: list[ChartSpec] = field(default_factory=list)


def excel_value(cell):
    """What to write for an openpyxl cell so that Excel stores the same value.

    Excel parses strings written through ``Range.value`` as if typed (``2026-01`` becomes a date,
    ``=x`` a formula, ``001`` a number), so text gets the ``'`` prefix that keeps it text; formulas
    (openpyxl data type ``f``) are written as formulas.
    """
    v = cell.value
    if v is None:
        return None
    if cell.data_type == "f":
        return v if isinstance(v, str) else None   # array formulas etc. are not produced by our writers
    if isinstance(v, str):
        return "'" + v if v else None
    if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
        return None
    return v


def value_blocks(ws) -> list[Block]:
    """The sheet's values as blocks: runs of consecutive non-empty rows, each spanning its used columns."""
    rows: dict[int, dict[int, object]] = defaultdict(dict)
    for row in ws.iter_rows():
        for cell in row:
            v = excel_value(cell)
            if v is not None and not type(cell).__name__ == "MergedCell":
                rows[cell.row][cell.column] = v
    blocks: list[Block] = []
    band: list[int] = []
    for r in sorted(rows) + [None]:
        if band and (r is None or r != band[-1] + 1):
            c0 = min(min(rows[x]) for x in band)
            c1 = max(max(rows[x]) for x in band)
            blocks.append(Block(band[0], c0, [[rows[x].get(c) for c in range(c0, c1 + 1)] for x in band]))
            band = []
        if r is not None:
            band.append(r)
    return blocks


def rectangles(keys: dict[tuple[int, int], object]) -> dict[object, list[tuple[int, int, int, int]]]:
    """Group cells by key into rectangles (min_row, min_col, max_row, max_col).

    Vertical runs of equal keys per column, then side-by-side runs with the same rows and key are
    joined, so a formatted table column or a whole table body is one rectangle.
    """
    by_col: dict[int, list[tuple[int, object]]] = defaultdict(list)
    for (r, c), k in keys.items():
        by_col[c].append((r, k))
    runs: list[tuple[int, int, int, object]] = []          # (col, r0, r1, key)
    for c, cells in by_col.items():
        cells.sort(key=lambda x: x[0])
        start, prev, key = cells[0][0], cells[0][0], cells[0][1]
        for r, k in cells[1:] + [(None, None)]:
            if r is not None and r == prev + 1 and k == key:
                prev = r
                continue
            runs.append((c, start, prev, key))
            if r is not None:
                start, prev, key = r, r, k
    runs.sort(key=lambda x: (repr(x[3]), x[1], x[2], x[0]))
    out: dict[object, list[tuple[int, int, int, int]]] = defaultdict(list)
    current = None
    for c, r0, r1, key in runs:
        if current and current[4] == key and current[0] == r0 and current[2] == r1 and current[3] == c - 1:
            current[3] = c
            continue
        if current:
            out[current[4]].append((current[0], current[1], current[2], current[3]))
        current = [r0, c, r1, c, key]
    if current:
        out[current[4]].append((current[0], current[1], current[2], current[3]))
    return {k: sorted(v) for k, v in out.items()}


def a1(rect: tuple[int, int, int, int]) -> str:
    r0, c0, r1, c1 = rect
    first = f"{get_column_letter(c0)}{r0}"
    return first if (r0, c0) == (r1, c1) else f"{first}:{get_column_letter(c1)}{r1}"


def union_addresses(rects: list[tuple[int, int, int, int]], limit: int = MAX_ADDRESS) -> list[str]:
    """A1 unions ("A1:B3,D1:D3") of at most ``limit`` characters each, for ``sheet.range(addr)``."""
    out, cur = [], ""
    for rect in rects:
        part = a1(rect)
        if cur and len(cur) + 1 + len(part) > limit:
            out.append(cur)
            cur = ""
        cur = f"{cur},{part}" if cur else part
    if cur:
        out.append(cur)
    return out


def _rgb(color) -> str | None:
    """openpyxl Color -> "#RRGGBB" (theme/indexed colours are left to Excel's default)."""
    if color is None or getattr(color, "type", "rgb") != "rgb" or not isinstance(color.rgb, str):
        return None
    rgb = color.rgb[-6:]
    return None if rgb.upper() == "000000" and color.rgb.upper().startswith("00") else "#" + rgb.upper()


def _font_key(font) -> tuple:
    size = float(font.sz) if font.sz is not None and float(font.sz) != 11 else None
    color = _rgb(font.color)
    return (bool(font.b), bool(font.i), size, None if color == "#000000" else color)


def _font_attrs(key: tuple) -> dict:
    bold, italic, size, color = key
    attrs = {}
    if bold:
        attrs["bold"] = True
    if italic:
        attrs["italic"] = True
    if size:
        attrs["size"] = size
    if color:
        attrs["color"] = color
    return attrs


def _border_key(border) -> tuple | None:
    sides = []
    for side in (border.left, border.right, border.top, border.bottom):
        style = side.style if side is not None else None
        sides.append((style, _rgb(side.color) if style else None))
    if not any(s for s, _ in sides):
        return None
    return tuple(sides)


def _border_attrs(key: tuple) -> dict:
    """One uniform box (all sides alike) -> {"which": "all", ...}; otherwise per edge."""
    names = ("edge_left", "edge_right", "edge_top", "edge_bottom")
    uniform = len(set(key)) == 1
    out = {}
    for name, (style, color) in zip(names, key):
        if not style:
            continue
        line, weight = _BORDER_WEIGHT.get(style, ("continuous", "thin"))
        out[name] = {"line_style": line, "weight": weight, **({"color": color} if color else {})}
    if uniform:
        # identical boxes around every cell of a rectangle = all edges + inside lines
        return {"all": out["edge_left"]}
    return out


def freeze_range(top_left: str | None) -> str | None:
    """openpyxl ``freeze_panes`` (first scrolling cell, e.g. "A4") -> xlwings ``freeze_at`` ("1:3")."""
    if not top_left or top_left == "A1":
        return None
    m = re.fullmatch(r"([A-Z]+)(\d+)", top_left)
    if not m:
        return None
    col = range_boundaries(f"{m.group(1)}1")[0]
    row = int(m.group(2))
    if col == 1:
        return f"1:{row - 1}"
    last_col = get_column_letter(col - 1)
    if row == 1:
        return f"A:{last_col}"
    return f"A1:{last_col}{row - 1}"


def _style_groups(ws) -> tuple[dict, dict, dict, dict, dict]:
    fmts, fonts, fills, aligns, borders = {}, {}, {}, {}, {}
    for row in ws.iter_rows():
        for cell in row:
            if not cell.has_style:
                continue
            pos = (cell.row, cell.column)
            if cell.number_format and cell.number_format != "General":
                fmts[pos] = cell.number_format
            fk = _font_key(cell.font)
            if fk != (False, False, None, None):
                fonts[pos] = fk
            fill = cell.fill
            if fill is not None and fill.fill_type == "solid":
                color = _rgb(fill.fgColor)
                if color:
                    fills[pos] = color
            al = cell.alignment
            ak = (al.horizontal, al.vertical, bool(al.wrap_text))
            if ak != (None, None, False):
                aligns[pos] = ak
            bk = _border_key(cell.border)
            if bk:
                borders[pos] = bk
    return fmts, fonts, fills, aligns, borders


def _align_attrs(key: tuple) -> dict:
    h, v, wrap = key
    out = {}
    if h:
        out["horizontal_alignment"] = {"centerContinuous": "center_across_selection"}.get(h, h)
    if v:
        out["vertical_alignment"] = v
    if wrap:
        out["wrap_text"] = True
    return out


def _text_of(rich_holder) -> str | None:
    """Plain text of an openpyxl Title / axis title (rich text runs)."""
    if rich_holder is None:
        return None
    tx = getattr(rich_holder, "tx", None)
    rich = getattr(tx, "rich", None) if tx is not None else None
    if rich is None:
        return None
    parts = []
    for p in rich.p or []:
        for r in p.r or []:
            parts.append(r.t or "")
    return "".join(parts) or None


def _local_ref(ref: str | None, sheet_title: str) -> str | None:
    """"'Sheet'!$H$5:$H$16" -> "H5:H16" (None for references to other sheets)."""
    if not ref:
        return None
    if "!" in ref:
        sheet, addr = ref.rsplit("!", 1)
        sheet = sheet.strip("'").replace("''", "'")
        if sheet != sheet_title:
            return None
    else:
        addr = ref
    return addr.replace("$", "")


def _ref_of(data_source) -> str | None:
    if data_source is None:
        return None
    for attr in ("numRef", "strRef"):
        ref = getattr(data_source, attr, None)
        if ref is not None and ref.f:
            return ref.f
    return None


def _series_name(series, ws) -> str | None:
    tx = series.tx
    if tx is None:
        return None
    if tx.strRef is not None and tx.strRef.f:
        addr = _local_ref(tx.strRef.f, ws.title)
        if addr:
            v = ws[addr.split(":")[0]].value
            return None if v is None else str(v)
        return None
    return tx.v


def _chart_type(chart) -> str:
    name = type(chart).__name__
    if name == "BarChart":
        return _BAR.get((chart.type or "col", chart.grouping or "clustered"), "column_clustered")
    if name == "LineChart" and chart.grouping == "stacked":
        return "line_stacked"
    return CHART_TYPES.get(name, "column_clustered")


def _series_type(series, part_type: str) -> str:
    """A scatter series' own type from its line and marker: markers only (line hidden), a line without
    markers (marker symbol none, as the quadrant's median lines), else a line with markers."""
    if part_type != "xy_scatter":
        return part_type
    line = series.spPr.ln if series.spPr is not None else None
    if line is not None and line.noFill:
        return "xy_scatter"
    if series.marker is not None and series.marker.symbol is None:   # openpyxl reads symbol "none" as None
        return "xy_scatter_lines_no_markers"
    return "xy_scatter_lines"


def chart_specs(ws) -> list[ChartSpec]:
    """Every openpyxl chart of ``ws`` as a ChartSpec: each series with its own values, X values / categories,
    name and type, in the chart's order (combination charts: the first chart's series, then the others')."""
    out = []
    for chart in getattr(ws, "_charts", []):
        parts = [chart] + [c for c in getattr(chart, "_charts", []) if c is not chart]
        series = []
        for k, part in enumerate(parts):
            ctype = _chart_type(part)
            secondary = k > 0 and getattr(getattr(part, "y_axis", None), "axId", 100) != 100
            for s in part.series:
                if type(part).__name__ == "ScatterChart":
                    values, xs = _local_ref(_ref_of(s.yVal), ws.title), _local_ref(_ref_of(s.xVal), ws.title)
                else:
                    values, xs = _local_ref(_ref_of(s.val), ws.title), _local_ref(_ref_of(s.cat), ws.title)
                if values:
                    series.append(SeriesSpec(values, _series_name(s, ws), _series_type(s, ctype), secondary, xs))
        if not series:
            continue
        anchor = chart.anchor._from if hasattr(chart.anchor, "_from") else None
        if anchor is not None:
            pos = (anchor.row + 1, anchor.col + 1)
        else:
            c, r = range_boundaries(str(chart.anchor))[:2]
            pos = (r, c)
        y_axis = getattr(chart, "y_axis", None)
        x_axis = getattr(chart, "x_axis", None)
        out.append(ChartSpec(
            chart_type=_chart_type(chart), anchor=pos,
            width=round(float(chart.width) * CM_TO_POINTS, 1), height=round(float(chart.height) * CM_TO_POINTS, 1),
            series=series, title=_text_of(chart.title),
            y_title=_text_of(getattr(y_axis, "title", None)), x_title=_text_of(getattr(x_axis, "title", None)),
            y_number_format=getattr(y_axis, "numFmt", None) and y_axis.numFmt.formatCode))
    return out


def conditional_specs(ws) -> list[CondSpec]:
    """openpyxl conditional formats that xlwings can recreate: cell value, formula, colour scale, data bar."""
    out = []
    for cf in ws.conditional_formatting:
        address = ",".join(str(r) for r in cf.sqref.ranges)
        for rule in cf.rules:
            style = {}
            dxf = rule.dxf
            if dxf is not None:
                if dxf.fill is not None:
                    color = _rgb(dxf.fill.bgColor) or _rgb(dxf.fill.fgColor)
                    if color:
                        style["fill_color"] = color
                if dxf.font is not None:
                    if _rgb(dxf.font.color):
                        style["font_color"] = _rgb(dxf.font.color)
                    if dxf.font.b:
                        style["font_bold"] = True
            if rule.type == "cellIs" and rule.operator in CF_OPERATORS and rule.formula:
                params = {"operator": CF_OPERATORS[rule.operator], "formula1": _cf_value(rule.formula[0]), **style}
                if len(rule.formula) > 1:
                    params["formula2"] = _cf_value(rule.formula[1])
                out.append(CondSpec(address, "cell_value", params))
            elif rule.type == "expression" and rule.formula:
                out.append(CondSpec(address, "custom", {"formula": "=" + rule.formula[0].lstrip("="), **style}))
            elif rule.type == "colorScale" and rule.colorScale is not None:
                colors = [_rgb(c) for c in rule.colorScale.color]
                if all(colors) and len(colors) in (2, 3):
                    out.append(CondSpec(address, "color_scale", {"colors": colors}))
            elif rule.type == "dataBar" and rule.dataBar is not None:
                color = _rgb(rule.dataBar.color)
                if color:
                    out.append(CondSpec(address, "data_bar", {"color": color}))
    return out


def _cf_value(text: str):
    try:
        return float(text)
    except ValueError:
        return "=" + text.lstrip("=")


def sheet_plan(ws) -> SheetPlan:
    """Everything needed to recreate one generated openpyxl sheet in Excel, in few calls (pure)."""
    plan = SheetPlan(ws.title, hidden=ws.sheet_state != "visible")
    plan.blocks = value_blocks(ws)
    fmts, fonts, fills, aligns, borders = _style_groups(ws)
    plan.number_formats = {k: union_addresses(v) for k, v in rectangles(fmts).items()}
    plan.fonts = [(_font_attrs(k), union_addresses(v)) for k, v in rectangles(fonts).items()]
    plan.fills = [(k, union_addresses(v)) for k, v in rectangles(fills).items()]
    plan.alignments = [(_align_attrs(k), union_addresses(v)) for k, v in rectangles(aligns).items()]
    plan.borders = [(_border_attrs(k), union_addresses(v)) for k, v in rectangles(borders).items()]
    plan.merges = sorted(str(r) for r in ws.merged_cells.ranges)
    plan.column_widths = {k: float(d.width) for k, d in sorted(ws.column_dimensions.items())
                          if d.width and d.customWidth}
    plan.row_heights = {r: float(d.height) for r, d in sorted(ws.row_dimensions.items()) if d.height}
    plan.freeze = freeze_range(ws.freeze_panes)
    plan.show_gridlines = ws.sheet_view.showGridLines is not False
    plan.conditional = conditional_specs(ws)
    plan.charts = chart_specs(ws)
    return plan


def workbook_plans(generated) -> list[SheetPlan]:
    """``sheet_plan`` of every sheet of the generated openpyxl Workbook, in order."""
    return [sheet_plan(ws) for ws in generated.worksheets]


def chart_position(plan: SheetPlan, anchor: tuple[int, int]) -> tuple[float, float]:
    """(left, top) in points of a cell from the plan's column widths and row heights (approximate:
    character widths -> points at Calibri 11, 7 px per character + 5 px padding at 96 dpi)."""
    row, col = anchor
    left = 0.0
    for c in range(1, col):
        w = plan.column_widths.get(get_column_letter(c))
        left += (w * 7 + 5) * 0.75 if w else DEFAULT_COL_WIDTH_POINTS
    top = sum(plan.row_heights.get(r, DEFAULT_ROW_HEIGHT_POINTS) for r in range(1, row))
    return left, top


def _plain(v):
    """pandas/numpy scalars -> what xlwings writes (NaN/NaT -> empty, Timestamp -> datetime)."""
    if v is None:
        return None
    if hasattr(v, "to_pydatetime"):
        return None if v != v else v.to_pydatetime()
    if hasattr(v, "item"):
        v = v.item()
    if isinstance(v, float) and math.isnan(v):
        return None
    if isinstance(v, str):
        return "'" + v if v else None
    if isinstance(v, dt.date) and not isinstance(v, dt.datetime):
        return dt.datetime(v.year, v.month, v.day)
    return v


# ------------------------------------------------------------------------------ the backend
class XlwingsBackend(Backend):
    """A workbook open in Excel (``xw.Book``). Changes are live; ``save`` saves the file.

    Example::

        backend = XlwingsBackend(xw.Book.caller())
        raw = backend.read_sheets()
    """

    def __init__(self, book):
        import xlwings  # noqa: F401  (fails early with a clear ImportError where xlwings is missing)
        self.book = book

    # -- reading ---------------------------------------------------------------------------
    def sheet_names(self) -> list[str]:
        return [s.name for s in self.book.sheets]

    def generated_names(self) -> list[str]:
        return [s.name for s in self.book.sheets if is_generated(s)]

    def workbook_path(self) -> Path | None:
        full = Path(self.book.fullname)           # a book never saved has no folder: no order store
        return full if full.parent != Path(".") and full.is_file() else None

    def read_sheets(self, names: list[str] | None = None) -> dict[str, RawSheet]:
        if names is None:
            skip = set(self.generated_names())
            names = [n for n in self.sheet_names() if n not in skip]
        out = {}
        for name in names:
            sheet = self.book.sheets[name]
            last = sheet.used_range.last_cell
            values = sheet.range((1, 1), (last.row, last.column)).options(ndim=2, err_to_str=True).value
            out[name] = raw_sheet(name, values)
        return out

    # -- writing ---------------------------------------------------------------------------
    def write_generated(self, generated, activate: str | None = None) -> list[str]:
        plans = workbook_plans(generated)           # everything computed before Excel is touched
        new_names = [p.name for p in plans]
        old = [s for s in self.book.sheets if is_generated(s)]
        old_names = {s.name.casefold() for s in old}
        clashes = [s.name for s in self.book.sheets
                   if s.name.casefold() in {n.casefold() for n in new_names} and s.name.casefold() not in old_names]
        if clashes:
            raise SheetNameCollision("sheet_name_collision", sheets=", ".join(f"'{c}'" for c in clashes))
        if activate is not None and activate not in new_names:
            raise ValueError(f"activate={activate!r} is not one of the generated sheets {new_names}")
        put_sheets(self.book, plans, old)
        if activate is not None:
            self.book.sheets[activate].activate()
        return new_names

    def put_sheets(self, laid_out, replaces: list[str]) -> list[str]:
        plans = workbook_plans(laid_out)            # everything computed before Excel is touched
        wanted = {n.casefold() for n in replaces}
        put_sheets(self.book, plans, [s for s in self.book.sheets if s.name.casefold() in wanted], mark=False)
        return [p.name for p in plans]

    def upsert(self, sheet: str, rows, cells: dict[tuple[int, int], object] | None = None,
               replace: bool = False, header: bool = False, hidden: bool = False) -> None:
        if sheet in self.sheet_names():
            ws = self.book.sheets[sheet]
            if replace:
                ws.clear()
        else:
            ws = self.book.sheets.add(sheet, after=self.book.sheets[-1])
            if hidden:
                ws.visible = False
        for (r0, c0), v in sorted((cells or {}).items()):
            ws.range((r0 + 1, c0 + 1)).value = _plain(v)
        if hasattr(rows, "columns"):              # a frame whose columns are 0-based column numbers
            width = int(max(rows.columns)) + 1 if len(rows.columns) else 0
            grid = [[None] * width for _ in range(len(rows))]
            for j in rows.columns:
                for i, v in enumerate(rows[j].tolist()):
                    grid[i][int(j)] = v
            rows = grid
        if not rows:
            return
        if replace or ws.used_range.last_cell.row == 1 and ws.range((1, 1)).value is None:
            next_row = 1
        else:
            last = ws.used_range.last_cell
            used = ws.range((1, 1), (last.row, last.column)).options(ndim=2).value
            next_row = len(raw_sheet(sheet, used).rows) + 1
        width = max(len(r) for r in rows)
        ws.range((next_row, 1)).value = [[_plain(v) for v in r] + [None] * (width - len(r)) for r in rows]
        if header and next_row == 1:
            ws.range((1, 1), (1, width)).font.bold = True

    def save(self) -> None:
        self.book.save()


class LiveWriteFailed(XlreviewError):
    """Writing into the open workbook failed part-way; everything written was undone (``sheet``, ``error``)."""


def _free_name(book, prefix: str) -> str:
    taken = {s.name.casefold() for s in book.sheets}
    n = 0
    while f"{prefix}{n}".casefold() in taken:
        n += 1
    return f"{prefix}{n}"


def put_sheets(book, plans: list[SheetPlan], remove: list, mark: bool = True) -> None:
    """Write one new sheet per plan at the end of ``book``, then let them take the place of ``remove``.

    The workbook is never half-written:

    1. each plan is written in full (values, formats, charts) into a new sheet with a temporary name,
       marked as generated at once (``mark``), so even a crash leaves only sheets the next build removes;
    2. only when every sheet is written, the old sheets move to temporary names and the new ones take
       their final names; the old ones are deleted last (the one step that cannot be undone).

    On an error in 1 or 2 the new sheets are deleted, the old ones get their names back and the sheet
    that was active is active again; ``LiveWriteFailed`` names the sheet being written and the error.
    """
    sheets = book.sheets
    active = sheets.active
    added: list = []
    renamed: list[tuple[object, str]] = []
    current = None
    with book.app.properties(screen_updating=False, display_alerts=False):
        try:
            for plan in plans:
                current = plan.name
                sheet = sheets.add(_free_name(book, "~xlr"), after=sheets[-1])
                added.append(sheet)
                if mark:
                    mark_generated(sheet)
                write_plan(sheet, plan)
            for old in remove:
                current = old.name
                renamed.append((old, old.name))
                old.name = _free_name(book, "~xlr_old")
            for sheet, plan in zip(added, plans):
                current = plan.name
                sheet.name = plan.name
        except Exception as exc:
            _undo(added, renamed, active)
            error = exc.message() if isinstance(exc, XlreviewError) else f"{type(exc).__name__}: {exc}"
            raise LiveWriteFailed("live_write_failed", sheet=current or "", error=" ".join(error.split())[:200]) from exc
        for old, _ in renamed:
            old.delete()


def _undo(added: list, renamed: list, active) -> None:
    """Delete the sheets ``put_sheets`` added, give the old ones their names back, re-activate ``active``."""
    for sheet in reversed(added):
        try:
            sheet.delete()
        except Exception:   # noqa: BLE001 - undo as much as possible; the error raised says what failed
            pass
    for old, name in renamed:
        try:
            old.name = name
        except Exception:   # noqa: BLE001
            pass
    try:
        active.activate()
    except Exception:   # noqa: BLE001
        pass


def replace_generated_sheets(book, generated) -> list[str]:
    """Replace only the generated sheets named like the sheets of ``generated`` (e.g. just the Log)."""
    plans = workbook_plans(generated)
    wanted = {p.name.casefold() for p in plans}
    remove = []
    for s in book.sheets:
        if s.name.casefold() in wanted:
            if not is_generated(s):
                raise SheetNameCollision("sheet_name_collision", sheets=f"'{s.name}'")
            remove.append(s)
    put_sheets(book, plans, remove)
    return [p.name for p in plans]


def is_generated(sheet) -> bool:
    """True when the sheet carries xlreview's sheet-scoped marker name."""
    for n in sheet.names:
        if n.name.rsplit("!", 1)[-1] == GENERATED_NAME:
            return True
    return False


def mark_generated(sheet) -> None:
    """Add the sheet-scoped hidden name the headless transplant also uses."""
    name = sheet.names.add(GENERATED_NAME, '="1"')
    try:
        name.api.Visible = False          # Windows COM; on macOS the name stays visible (harmless)
    except Exception:   # noqa: BLE001 - hiding is cosmetic
        pass


def write_plan(sheet, plan: SheetPlan) -> None:
    """The thin xlwings half: every item of ``plan`` onto ``sheet`` (values, then formats, then charts)."""
    for block in plan.blocks:
        sheet.range((block.row, block.col)).value = block.values
    for fmt, addresses in plan.number_formats.items():
        for addr in addresses:
            sheet.range(addr).number_format = fmt
    for attrs, addresses in plan.fonts:
        for addr in addresses:
            font = sheet.range(addr).font
            for k, v in attrs.items():
                setattr(font, k, v)
    for color, addresses in plan.fills:
        for addr in addresses:
            sheet.range(addr).color = color
    for attrs, addresses in plan.alignments:
        for addr in addresses:
            rng = sheet.range(addr)
            for k, v in attrs.items():
                setattr(rng, k, v)
    for attrs, addresses in plan.borders:
        for addr in addresses:
            borders = sheet.range(addr).borders
            for which, side in attrs.items():
                borders.set(which, **side)
    for addr in plan.merges:
        sheet.range(addr).merge()
    for letter, width in plan.column_widths.items():
        sheet.range(f"{letter}:{letter}").column_width = width
    for row, height in plan.row_heights.items():
        sheet.range(f"{row}:{row}").row_height = height
    for cond in plan.conditional:
        formats = sheet.range(cond.address).conditional_formats
        p = dict(cond.params)
        if cond.kind == "cell_value":
            formats.add_cell_value(p.pop("operator"), p.pop("formula1"), p.pop("formula2", None), **p)
        elif cond.kind == "custom":
            formats.add_custom(p.pop("formula"), **p)
        elif cond.kind == "color_scale":
            formats.add_color_scale(p["colors"])
        elif cond.kind == "data_bar":
            formats.add_data_bar(p["color"])
    for spec in plan.charts:
        write_chart(sheet, plan, spec)
    if not plan.show_gridlines:
        sheet.show_gridlines = False
    if plan.freeze:
        sheet.activate()                  # Excel freezes panes on the active window
        sheet.freeze_panes.freeze_at(plan.freeze)
    if plan.hidden:
        sheet.visible = False


def new_series(chart, values, x_values=None):
    """Append one series with explicit ``values`` and ``x_values`` (Ranges) to ``chart``; xlwings' ChartSeries.

    xlwings (up to 0.37.8) has no call that adds a series -- only ``set_source_data``, whose layout Excel
    decides (touching areas of one column merge into one series) -- so this is the one place that uses
    Excel's object model: ``Chart.SeriesCollection().NewSeries()`` with ``Series.Values`` / ``XValues``
    (https://learn.microsoft.com/en-us/office/vba/api/excel.seriescollection.newseries) on Windows,
    ``make new series`` with ``series values`` / ``xvalues`` on macOS. The result is xlwings' own
    ChartSeries around the new series, so its name and type go through xlwings' validated ``set``.
    """
    import sys

    import xlwings as xw
    impl = chart.impl
    platform = sys.modules[type(impl).__module__]          # xlwings._xlwindows / xlwings._xlmac
    kw = getattr(platform, "kw", None)
    if kw is None:                                          # Windows COM
        com = impl.xl.SeriesCollection().NewSeries()
        com.Values = values.api
        if x_values is not None:
            com.XValues = x_values.api
        return xw.ChartSeries(impl=platform.ChartSeries(com))
    impl.xl.make(at=impl.xl, new=kw.series)                 # macOS (appscript): appended last
    series = platform.ChartSeries(impl, len(impl.xl.series_collection.get()))
    series.xl.series_values.set(values.api)
    if x_values is not None:
        series.xl.xvalues.set(x_values.api)
    return xw.ChartSeries(impl=series)


def write_chart(sheet, plan: SheetPlan, spec: ChartSpec):
    """One native Excel chart from a ChartSpec, series by series: values, X values, name and type of each.

    The chart is created empty; its type is set once the first series exists (xy types need one), and each
    series gets its own type right after it is added, so a series is never addressed by a position that
    Excel might have laid out differently.
    """
    left, top = chart_position(plan, spec.anchor)
    chart = sheet.charts.add(left=left, top=top, width=spec.width, height=spec.height)
    for k, s in enumerate(spec.series):
        series = new_series(chart, sheet.range(s.values), sheet.range(s.x_values) if s.x_values else None)
        if k == 0:
            chart.chart_type = spec.chart_type
        attrs = {"chart_type": s.chart_type or spec.chart_type}
        if s.name:
            attrs["name"] = s.name
        if s.secondary:
            attrs["axis_group"] = "secondary"
        series.set(**attrs)
    if spec.title:
        chart.title = spec.title
    axis = {}
    if spec.y_title:
        axis["title"] = spec.y_title
    if spec.y_number_format:
        axis["number_format"] = spec.y_number_format
    if axis:
        chart.value_axis.set(**axis)
    if spec.x_title:
        chart.category_axis.set(title=spec.x_title)
    return chart
