"""Layout helpers shared by every sheet writer: tables from frames, KPI tiles, formats, styles.

Writers lay out sheets on a fresh openpyxl ``Workbook``; the workbook backend puts them into the
user's file. Rules kept here once:

- numbers get number formats by their kind (money, pct, int, ratio, date), never long floats;
- NaN (an empty ratio) is an empty cell, infinity is "∞", never #DIV/0!;
- text from data is written as text, even when it starts with ``=`` (never a formula).
"""
from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from dataclasses import dataclass

import pandas as pd
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..core.metric_table import LOWER_IS_BETTER, NUMBER_KIND
from ..text import label, render

FORMATS = {
    "money": '#,##0.00;[Red]-#,##0.00',
    "money0": '#,##0;[Red]-#,##0',
    "pct": '0.0%;[Red]-0.0%',
    "pct2": '0.00%;[Red]-0.00%',
    "pp": '+0.0" pp";[Red]-0.0" pp";0.0" pp"',
    "int": '#,##0',
    "ratio": '0.00',
    "num": '#,##0.0',
    "date": 'yyyy-mm-dd',
    "text": '@',
    # changes coloured per cell by whether they are good or bad for the seller (see ``change_font``)
    "pct_change": '+0.0%;-0.0%;0.0%',
    "pp_change": '+0.0" pp";-0.0" pp";0.0" pp"',
}

GOOD_FONT = Font(color="00803C")
BAD_FONT = Font(color="C00000")

# number format kind per column key: every metric from the metrics table, then the sheets' other columns
KIND: dict[str, str] = dict(NUMBER_KIND)
KIND.update({k: "money" for k in (
    "baseline", "uplift", "dip", "incremental_sales", "profit_per_hour", "plan", "actual", "cum_plan", "cum_actual",
    "forecast", "target", "unit_cost", "promo_profit", "ad_profit")})
KIND.update({k: "pct" for k in (
    "share", "growth", "deviation", "pull_forward_ratio", "required_growth", "reference_growth", "yoy")})
KIND.update({k: "int" for k in ("stock_qty", "months_sold", "rank")})
KIND.update({"days_of_cover": "num", "cv": "ratio", "rating": "ratio", "hours_per_week": "num"})
# marketing and customers sheets
KIND.update({k: "money" for k in ("new_net_sales", "returning_net_sales", "promo_net_sales", "predicted_12m_value",
                                  "ad_sales", "aov_net", "promo_profit_total")})
KIND.update({k: "pct" for k in ("break_even_acos", "returning_share", "retention",
                                *(f"m{i}" for i in range(12)))})
KIND.update({k: "int" for k in ("pieces", "size", "baseline_days", "promo_orders", "days", "waste_keywords")})

NAVY = "1F3864"
HEADER_FILL = PatternFill("solid", fgColor=NAVY)
HEADER_FONT = Font(bold=True, color="FFFFFF")
TITLE_FONT = Font(bold=True, size=16, color=NAVY)
SUB_FONT = Font(italic=True, size=9, color="808080")
BLOCK_FONT = Font(bold=True, size=12, color=NAVY)
TOTAL_FONT = Font(bold=True)
THIN = Side(style="thin", color="BFBFBF")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
TILE_FILL = PatternFill("solid", fgColor="EEF3FA")
TILE_VALUE_FONT = Font(bold=True, size=14, color=NAVY)
TILE_LABEL_FONT = Font(size=9, color="595959")


def cell_value(v):
    """A Python value a cell can hold: NaN/None -> None, inf -> "∞", numpy -> float/int, Timestamp -> datetime."""
    if v is None:
        return None
    if isinstance(v, float) or hasattr(v, "dtype"):
        try:
            f = float(v)
        except (TypeError, ValueError):
            return v
        if math.isnan(f):
            return None
        if math.isinf(f):
            return "∞"
        return int(f) if isinstance(v, (int,)) else f
    if isinstance(v, pd.Timestamp):
        return None if pd.isna(v) else v.to_pydatetime()
    if v is pd.NaT:
        return None
    return v


def put(ws: Worksheet, row: int, col: int, value, kind: str | None = None, font=None, fill=None, border=None,
        align=None):
    """Write one cell; text stays text (even ``=SUM(...)`` typed by a user), numbers get their format."""
    c = ws.cell(row=row, column=col)
    v = cell_value(value)
    if isinstance(v, str):
        c.value = v
        c.data_type = "s"          # never a formula, whatever the text starts with
    else:
        c.value = v
    if kind and v is not None and not isinstance(v, str):
        c.number_format = FORMATS[kind]
    elif isinstance(v, (dt.date, dt.datetime)):
        c.number_format = FORMATS["date"]
    if font is not None:
        c.font = font
    if fill is not None:
        c.fill = fill
    if border is not None:
        c.border = border
    if align is not None:
        c.alignment = align
    return c


@dataclass
class Col:
    key: str                   # column of the frame
    label: str | None = None   # label key (default: key)
    kind: str | None = None    # number format kind (default: KIND.get(key))
    width: float | None = None   # the widest the column may get from its content (then text wraps)
    wrap: bool = False           # wrap long text (with ``width`` as the column width) instead of widening


def change_font(metric: str, change) -> Font | None:
    """Font of a change of ``metric``: green when it is good for the seller, red when bad, None when 0/empty.

    An increase is good unless the metric is lower-is-better (costs, fees, refunds, loss rates)."""
    v = cell_value(change)
    if not isinstance(v, (int, float)) or v == 0:
        return None
    good = (v > 0) != (metric in LOWER_IS_BETTER)
    return GOOD_FONT if good else BAD_FONT


# ------------------------------------------------------------------------------------------ widths
MAX_WIDTH = 60       # the widest a column gets from its content; longer text wraps
MIN_WIDTH = 6
TILE_COL_WIDTH = 11  # a KPI tile is two columns: wide enough for "1,234,567.89" in 14 pt, narrow enough to print
LINE_HEIGHT = 15     # points per line of an 11 pt body cell
BREAKABLE = re.compile(r"[\u3000-\u9fff\uff00-\uffef]|[^\s\u3000-\u9fff\uff00-\uffef]+")   # units a line breaks between


def text_width(text) -> float:
    """Width of ``text`` in column units: East Asian wide characters count double."""
    return float(sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(text)))


def shown_text(value, number_format: str = "General") -> str:
    """About the text a cell shows for ``value`` under ``number_format`` (for sizing columns)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (dt.date, dt.datetime)):
        return "0000-00-00"
    if isinstance(value, bool):
        return str(value)
    if not isinstance(value, (int, float)):
        return str(value)
    fmt = number_format or "General"
    first = fmt.split(";")[0]
    if "%" in first:
        decimals = len(first.split(".")[1].split("%")[0]) if "." in first else 0
        text = f"{value * 100:+.{decimals}f}%"
    else:
        decimals = len(first.split(".")[1].split('"')[0].rstrip("_)")) if "." in first else (
            0 if fmt != "General" else (0 if float(value).is_integer() else 2))
        text = f"{value:+,.{decimals}f}" if "," in first else f"{value:+.{decimals}f}"
    suffix = first.split('"')[1] if first.count('"') >= 2 else ""
    return text + suffix


def fit_column(ws: Worksheet, col: int, first_row: int, last_row: int, max_width: float = MAX_WIDTH,
               min_width: float = MIN_WIDTH, wrap: bool | None = None, header_rows: int = 0) -> float:
    """Size column ``col`` from the longest text its cells ``first_row..last_row`` show (East Asian
    characters count double), at most ``max_width``; the column only ever grows (tables share columns).

    Cells longer than the width wrap (``wrap=None``: only when too long; ``True``: always) and their rows
    get a height for the lines they take (LibreOffice does not grow rows on load). The first
    ``header_rows`` rows are headers: they wrap within the width instead of widening past ``max_width``.
    Returns the column width."""
    letter = get_column_letter(col)
    need = min_width
    for r in range(first_row, last_row + 1):
        c = ws.cell(row=r, column=col)
        w = text_width(shown_text(c.value, c.number_format))
        if c.font is not None and c.font.b:
            w *= 1.1
        need = max(need, w + 2)
    width = max(column_width(ws, col), min(need, max_width))
    ws.column_dimensions[letter].width = width
    for r in range(first_row, last_row + 1):
        c = ws.cell(row=r, column=col)
        if not isinstance(c.value, str) or (wrap is None and text_width(c.value) + 2 <= width):
            continue
        old = c.alignment
        c.alignment = Alignment(horizontal=old.horizontal, vertical="top" if old.vertical is None else old.vertical,
                                wrap_text=True)
        grow_row(ws, r, wrapped_lines(c.value, width))
    return width


def column_width(ws: Worksheet, col: int) -> float:
    """The width set on column ``col`` so far, 0 when none (openpyxl gives an untouched column 13)."""
    letter = get_column_letter(col)
    return (ws.column_dimensions[letter].width or 0) if letter in ws.column_dimensions else 0


def wrapped_lines(text: str, width: float) -> int:
    """Lines ``text`` takes when wrapped in a column ``width`` wide."""
    # text_width errs wide (for column widths); rendered text is about 15 % narrower than it says
    return sum(max(1, math.ceil(0.85 * text_width(part) / max(1.0, width - 1.5))) for part in str(text).split("\n"))


def grow_row(ws: Worksheet, row: int, lines: int) -> None:
    """Make ``row`` at least ``lines`` text lines tall."""
    if lines > 1:
        height = LINE_HEIGHT * lines
        if (ws.row_dimensions[row].height or 0) < height:
            ws.row_dimensions[row].height = height


def hide_columns(ws: Worksheet, first_col: int, last_col: int) -> None:
    """Hide columns ``first_col..last_col`` (chart source data the reader need not see)."""
    for c in range(first_col, last_col + 1):
        ws.column_dimensions[get_column_letter(c)].hidden = True


def add_chart_over(ws: Worksheet, chart, col: int, row: int, cols: int, rows: int) -> None:
    """Place ``chart`` over the cells (row, col) .. (row + rows, col + cols) (1-based; the chart stretches with
    the columns, so it lands in the same cells in Excel and LibreOffice, whose column units differ)."""
    from openpyxl.drawing.spreadsheet_drawing import AnchorMarker, TwoCellAnchor
    chart.anchor = TwoCellAnchor(_from=AnchorMarker(col=col - 1, row=row - 1),
                                 to=AnchorMarker(col=col - 1 + cols, row=row - 1 + rows))
    ws.add_chart(chart)


def start_sheet(wb, sheet_id: str, review, title_key: str):
    """A new generated sheet (no gridlines) with its title for the review year and the currency note.

    Returns (worksheet, first free row).
    """
    from ..text import sheet_name
    lang, s = review.lang, review.settings
    ws = wb.create_sheet(sheet_name(sheet_id, lang))
    ws.sheet_view.showGridLines = False
    row = write_title(ws, label(title_key, lang, year=s.review_year), label("dashboard_sub", lang, cur=s.base_currency))
    return ws, row


def write_title(ws: Worksheet, title: str, subtitle: str = "", row: int = 1) -> int:
    put(ws, row, 1, title, font=TITLE_FONT)
    ws.row_dimensions[row].height = 26          # a 16 pt title is clipped in a default 15 pt row
    if subtitle:
        put(ws, row + 1, 1, subtitle, font=SUB_FONT)
    return row + 3


def write_block_title(ws: Worksheet, row: int, col: int, text: str) -> int:
    """A block's title; its row is remembered so printing starts a block on a new page rather than leave
    it stranded at the bottom of one (``printing.layout_for_print``)."""
    put(ws, row, col, text, font=BLOCK_FONT)
    if not hasattr(ws, "xlr_block_rows"):
        ws.xlr_block_rows = []
    ws.xlr_block_rows.append(row)
    return row + 1


def write_table(ws: Worksheet, frame: pd.DataFrame, cols: list[Col], row: int, col: int = 1, lang: str = "zh",
                total: dict | None = None) -> tuple[int, int]:
    """Write ``frame`` (one row per record) as a header + body table. Returns (first body row, last row).

    ``total``: optional {key: value} written as a bold last row (first column gets "合计/Total").
    """
    for j, c in enumerate(cols):
        put(ws, row, col + j, label(c.label or c.key, lang), font=HEADER_FONT, fill=HEADER_FILL, border=BOX,
            align=Alignment(horizontal="center", vertical="center", wrap_text=True))
    first = row + 1
    values = {c.key: [render(v, lang) for v in frame[c.key].tolist()] if c.key in frame.columns else [None] * len(frame)
              for c in cols}
    for i in range(len(frame)):
        for j, c in enumerate(cols):
            put(ws, first + i, col + j, values[c.key][i], kind=c.kind or KIND.get(c.key), border=BOX)
    last = first + len(frame) - 1
    if total is not None:
        last += 1
        for j, c in enumerate(cols):
            v = label("total", lang) if j == 0 else total.get(c.key)
            put(ws, last, col + j, v, kind=c.kind or KIND.get(c.key), font=TOTAL_FONT, border=BOX)
    for j, c in enumerate(cols):
        fit_column(ws, col + j, row + 1, last, max_width=c.width if c.wrap and c.width else MAX_WIDTH,
                   min_width=c.width if c.width and not c.wrap else MIN_WIDTH, wrap=True if c.wrap else None)
        header = ws.cell(row=row, column=col + j)
        width = ws.column_dimensions[get_column_letter(col + j)].width
        words = BREAKABLE.findall(str(header.value or ""))      # a header wraps between words and CJK characters
        if words and text_width(header.value) * 1.1 + 2 > width:       # headers wrap in the width the body needs
            width = min(max(width, max(text_width(w) * 1.1 + 2 for w in words)), MAX_WIDTH)
            ws.column_dimensions[get_column_letter(col + j)].width = width
            grow_row(ws, row, wrapped_lines(header.value, width / 1.1))
    if not hasattr(ws, "xlr_table_rows"):
        ws.xlr_table_rows = []
    ws.xlr_table_rows.append((row, last))   # printing keeps a header with its first rows (layout_for_print)
    for r in range(first, last + 1):      # a row with wrapped text: every cell of it reads from the top
        if ws.row_dimensions[r].height:
            for j in range(len(cols)):
                c = ws.cell(row=r, column=col + j)
                if c.alignment.vertical is None:
                    a = c.alignment
                    c.alignment = Alignment(horizontal=a.horizontal, vertical="top", wrap_text=a.wrap_text)
    return first, last


def write_tiles(ws: Worksheet, tiles: list[tuple[str, object, str]], row: int, col: int = 1, per_row: int = 5,
                lang: str = "zh") -> int:
    """KPI tiles: (label key, value, kind) in a grid, two cells tall each. Returns the next free row."""
    for i, (key, value, kind) in enumerate(tiles):
        r = row + (i // per_row) * 3
        c = col + (i % per_row) * 2
        ws.merge_cells(start_row=r, start_column=c, end_row=r, end_column=c + 1)
        ws.merge_cells(start_row=r + 1, start_column=c, end_row=r + 1, end_column=c + 1)
        put(ws, r, c, label(key, lang), font=TILE_LABEL_FONT, fill=TILE_FILL,
            align=Alignment(horizontal="center"))
        put(ws, r + 1, c, value, kind=kind, font=TILE_VALUE_FONT, fill=TILE_FILL,
            align=Alignment(horizontal="center"))
        ws.cell(row=r, column=c + 1).fill = TILE_FILL
        ws.cell(row=r + 1, column=c + 1).fill = TILE_FILL
    rows = (len(tiles) + per_row - 1) // per_row
    for k in range(per_row * 2):
        letter = get_column_letter(col + k)
        # an untouched column reads as 13 in openpyxl (its ColumnDimension default): set it, never shrink
        if letter not in ws.column_dimensions or (ws.column_dimensions[letter].width or 0) < TILE_COL_WIDTH:
            ws.column_dimensions[letter].width = TILE_COL_WIDTH
    return row + rows * 3
