"""The Dashboard sheet: KPI tiles, this year vs last year, the monthly table and its chart."""
from __future__ import annotations

import pandas as pd
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook

from ..core.review import Review
from ..text import label, render, tr
from .layout import (
    BOX,
    HEADER_FILL,
    HEADER_FONT,
    KIND,
    LINE_HEIGHT,
    Col,
    change_font,
    column_width,
    fit_column,
    put,
    start_sheet,
    wrapped_lines,
    write_block_title,
    write_table,
    write_tiles,
)
from .marketing import write_note

TILES = [("net_sales", "money0"), ("net_profit", "money0"), ("gross_margin", "pct"), ("net_margin", "pct"),
         ("aov", "money"), ("refund_rate", "pct"), ("orders", "int"), ("conversion_rate", "pct"),
         ("new_customers", "int"), ("returning_customers", "int"), ("gross_profit_per_customer", "money"), ("tacos", "pct")]

COMPARE = ["gross_sales", "discounts", "refunds", "net_sales", "cogs", "gross_profit", "gross_margin",
           "platform_fees", "fulfillment_fees", "shipping_costs", "ad_spend", "other_costs", "marketing_costs",
           "contribution_profit", "fixed_costs", "net_profit", "net_margin", "orders", "units", "aov",
           "refund_rate", "unit_refund_rate", "tacos", "sessions", "conversion_rate", "unit_session_rate",
           "cart_abandonment_rate", "customers", "new_customers", "returning_customers", "repeat_rate",
           "gross_profit_per_customer", "ltv"]

MONTHLY = ["net_sales", "gross_profit", "net_profit", "net_margin", "orders", "units", "aov", "sessions",
           "conversion_rate", "new_customers", "ad_spend", "other_costs", "tacos", "refund_rate"]


def write_dashboard(wb: Workbook, review: Review) -> None:
    lang, s = review.lang, review.settings
    ws, row = start_sheet(wb, "dashboard", review, "dashboard_title")
    row = write_block_title(ws, row, 1, label("kpi_block", lang))
    tiles = [(k, review.summary.get(k), kind) for k, kind in TILES]
    row = write_tiles(ws, tiles, row, per_row=6, lang=lang) + 1
    row = _actions(ws, review, row, lang)

    # this year vs previous year
    row = write_block_title(ws, row, 1, f"{s.review_year} vs {s.review_year - 1}")
    prev = review.previous or {}
    comp = pd.DataFrame({
        "metric": [label(k, lang) for k in COMPARE],
        "this": [review.summary.get(k) for k in COMPARE],
        "prev": [prev.get(k) for k in COMPARE],
    })
    yoy = []
    for k in COMPARE:      # ratios change by percentage points, amounts and counts by percent
        a, b = review.summary.get(k), prev.get(k)
        known = a is not None and b is not None and pd.notna(a) and pd.notna(b)
        if k in review.not_comparable:          # an artefact of where the data starts: n/a, reason below
            yoy.append((None, label("not_applicable", lang)))
        elif known and KIND.get(k) == "pct":
            yoy.append(("pp_change", (a - b) * 100))
        else:
            yoy.append(("pct_change", a / b - 1 if known and b > 0 and a >= 0 else None))
    comp["yoy"] = yoy
    heads = [label("kpi_block", lang), str(s.review_year), label("prev_year", lang), label("yoy", lang)]
    for j, h in enumerate(heads, start=1):
        put(ws, row, j, h, font=HEADER_FONT, fill=HEADER_FILL, border=BOX, align=Alignment(horizontal="center"))
    first = row + 1
    for i, k in enumerate(COMPARE):
        kind = KIND.get(k, "money")
        put(ws, first + i, 1, comp["metric"][i], border=BOX)
        put(ws, first + i, 2, comp["this"][i], kind=kind, border=BOX)
        put(ws, first + i, 3, comp["prev"][i], kind=kind, border=BOX)
        kind_yoy, change = comp["yoy"][i]
        # coloured by whether the change is good for the seller (a rise in costs or refunds is bad)
        put(ws, first + i, 4, change, kind=kind_yoy, border=BOX,
            font=change_font(k, change) if kind_yoy else None, align=Alignment(horizontal="right"))
    last = first + len(COMPARE) - 1
    for j in range(1, 5):
        fit_column(ws, j, row, last, min_width=11 if j > 1 else 16, max_width=13 if j > 1 else 24)
    for reason in dict.fromkeys(review.not_comparable.values()):     # one note per reason, in key order
        keys = [label(k, lang) for k in COMPARE if review.not_comparable.get(k) == reason]
        if len(keys) == len(COMPARE):
            keys = [label("all_figures", lang)]
        last = write_note(ws, last + 1, label(f"na_{reason}", lang, prev=s.review_year - 1, year=s.review_year,
                                              keys="、".join(keys) if lang == "zh" else ", ".join(keys)), 4) - 1
    compare_end = last

    # monthly table below the comparison (side by side the sheet is too wide to print readably on one page)
    mcol = 1
    r0 = write_block_title(ws, compare_end + 2, mcol, label("monthly_block", lang))
    monthly = review.monthly.reset_index()
    monthly["month"] = [f"{s.review_year}-{m:02d}" for m in monthly["month"]]
    # whole currency units: the monthly trend reads at a glance and the table prints on one page wide
    # headers wrap at 11 characters (numbers never wrap)
    cols = [Col("month", "month", "text", 10)] + [Col(k, kind="money0" if KIND.get(k) == "money" else None,
                                                      width=11, wrap=True) for k in MONTHLY]
    total = {k: review.summary.get(k) for k in MONTHLY}
    mfirst, mlast = write_table(ws, monthly, cols, r0, mcol, lang, total=total)

    # chart: monthly net sales (bars) and net profit (line)
    bar = BarChart()
    bar.title = label("chart_monthly", lang)
    bar.y_axis.title = s.base_currency
    bar.y_axis.numFmt = "#,##0"
    cats = Reference(ws, min_col=mcol, min_row=mfirst, max_row=mfirst + 11)
    ns = Reference(ws, min_col=mcol + 1, min_row=mfirst - 1, max_row=mfirst + 11)
    bar.add_data(ns, titles_from_data=True)
    bar.set_categories(cats)
    line = LineChart()
    npf = Reference(ws, min_col=mcol + 3, min_row=mfirst - 1, max_row=mfirst + 11)
    line.add_data(npf, titles_from_data=True)
    line.set_categories(cats)
    for series in line.series:
        series.smooth = False
    line.y_axis.numFmt = "#,##0"
    bar += line
    bar.height, bar.width = 8, 22
    ws.add_chart(bar, f"{get_column_letter(mcol)}{mlast + 3}")

    # data warnings (unknown SKUs)
    wrow = max(compare_end, mlast + 20) + 2
    if review.unknown_skus or review.warnings:
        wrow = write_block_title(ws, wrow, 1, label("warnings_block", lang))
        rec = review.reconciliation
        if review.unknown_skus and review.products is not None:
            ns = rec["cost_unknown_net_sales"]
            put(ws, wrow, 1, label("cost_unknown_count", lang, n=int(rec["cost_unknown_skus"]), net_sales=f"{ns:,.2f}",
                                   share=f"{ns / review.summary['net_sales']:.1%}" if review.summary.get("net_sales")
                                   else "—", currency=s.base_currency), font=Font(bold=True, color="C00000"))
            wrow += 1
        for sku in review.unknown_skus:
            put(ws, wrow, 1, tr("msg.unknown_sku", lang, sku=sku))
            wrow += 1
        for w in review.warnings:
            put(ws, wrow, 1, w)
            wrow += 1
    ws.freeze_panes = "A4"


def _actions(ws, review: Review, row: int, lang: str) -> int:
    """The to-do list (core/actions.py): area | item | what to do | money at stake, one merged row each."""
    acts = review.actions
    if acts is None or acts.empty:
        return row
    row = write_block_title(ws, row, 1, label("actions_block", lang))
    heads = [(1, 1, "actions_area"), (2, 3, "actions_item"), (4, 11, "actions_what"), (12, 12, "actions_stake")]
    for c0, c1, key in heads:
        if c1 > c0:
            ws.merge_cells(start_row=row, start_column=c0, end_row=row, end_column=c1)
        put(ws, row, c0, label(key, lang), font=HEADER_FONT, fill=HEADER_FILL, border=BOX,
            align=Alignment(horizontal="center"))
    wrap = Alignment(wrap_text=True, vertical="top")
    for i, rec in enumerate(acts.itertuples(index=False)):
        r = row + 1 + i
        ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=3)
        ws.merge_cells(start_row=r, start_column=4, end_row=r, end_column=11)
        action = render(rec.action, lang)
        put(ws, r, 1, tr("action.area_" + rec.area, lang), border=BOX, align=wrap)
        put(ws, r, 2, render(rec.item, lang), border=BOX, align=wrap)
        put(ws, r, 4, action, border=BOX, align=wrap)
        put(ws, r, 12, rec.at_stake, kind="money0", border=BOX, align=wrap)
        # as many lines as the action takes over its merged columns (their widths so far: later tables only
        # widen them), the area and item columns too, so no text is clipped
        item, area = render(rec.item, lang), tr("action.area_" + rec.area, lang)
        lines = max(wrapped_lines(action, sum(column_width(ws, c) or 8.43 for c in range(4, 12))),
                    wrapped_lines(item, sum(column_width(ws, c) or 8.43 for c in (2, 3))),
                    wrapped_lines(area, column_width(ws, 1) or 8.43))
        ws.row_dimensions[r].height = LINE_HEIGHT * max(1, lines)
    return row + len(acts) + 2
