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
from dataclasses import dataclass

import pandas as pd
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .labels import label

FORMATS = {
    "money": '#,##0.00;[Red]-#,##0.00',
    "money0": '#,##0;[Red]-#,##0',
    "pct": '0.0%;[Red]-0.0%',
    "pp": '+0.0" pp";[Red]-0.0" pp";0.0" pp"',
    "int": '#,##0',
    "ratio": '0.00',
    "num": '#,##0.0',
    "date": 'yyyy-mm-dd',
    "text": '@',
}

# the kind of every METRICS key (number format by kind)
KIND: dict[str, str] = {k: "money" for k in (
    "gross_sales", "discounts", "refunds", "net_sales", "cogs", "gross_profit", "platform_fees", "fulfillment_fees",
    "shipping_costs", "ad_spend", "marketing_costs", "contribution_profit", "fixed_costs", "net_profit", "aov", "ltv",
    "spend", "sales", "cpc", "cpa", "revenue", "cost", "baseline", "uplift", "dip", "incremental_sales",
    "profit_per_hour", "revenue_per_visit", "cost_per_order", "plan", "actual", "cum_plan", "cum_actual", "forecast",
    "target", "unit_cost", "promo_profit")}
KIND.update({k: "pct" for k in (
    "gross_margin", "net_margin", "refund_rate", "unit_refund_rate", "tacos", "conversion_rate", "unit_session_rate",
    "cart_abandonment_rate", "repeat_rate", "acos", "ctr", "cvr", "share", "growth", "deviation", "pull_forward_ratio",
    "required_growth", "reference_growth", "yoy")})
KIND.update({k: "int" for k in (
    "orders", "units", "sessions", "customers", "new_customers", "returning_customers", "clicks", "impressions",
    "visits", "stock_qty", "months_sold", "rank", "refunded_qty")})
KIND.update({"roas": "ratio", "days_of_cover": "num", "cv": "ratio", "rating": "ratio", "hours_per_week": "num"})
# marketing and customers sheets
KIND.update({k: "money" for k in ("new_net_sales", "returning_net_sales", "promo_net_sales", "predicted_12m_value",
                                  "ad_sales", "wasted_spend", "aov_net", "promo_profit_total")})
KIND.update({k: "pct" for k in ("break_even_acos", "returning_share", "roi", "retention",
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
    width: float | None = None


def write_title(ws: Worksheet, title: str, subtitle: str = "", row: int = 1) -> int:
    put(ws, row, 1, title, font=TITLE_FONT)
    if subtitle:
        put(ws, row + 1, 1, subtitle, font=SUB_FONT)
    return row + 3


def write_block_title(ws: Worksheet, row: int, col: int, text: str) -> int:
    put(ws, row, col, text, font=BLOCK_FONT)
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
    values = {c.key: frame[c.key].tolist() if c.key in frame.columns else [None] * len(frame) for c in cols}
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
        letter = get_column_letter(col + j)
        width = c.width or max(10, min(40, len(label(c.label or c.key, lang)) * (2 if lang == "zh" else 1.2) + 2))
        if (ws.column_dimensions[letter].width or 0) < width:
            ws.column_dimensions[letter].width = width
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
        if (ws.column_dimensions[letter].width or 0) < 13:
            ws.column_dimensions[letter].width = 13
    return row + rows * 3
