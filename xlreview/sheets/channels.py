"""The Channels sheet: per-channel money block, traffic, growth, profit per hour, class and rank, two bar charts."""
from __future__ import annotations

from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook

from ..core.channels import fmt_money, fmt_pct
from ..core.review import Review
from ..text import label
from .layout import SUB_FONT, Col, put, start_sheet, write_table

CLASS_FILLS = {"problem": "F8CBAD", "rising_star": "C6E0B4", "cash_cow": "FFE699", "steady": "D9E1F2"}

COLUMNS = [Col("rank", width=7), Col("channel", kind="text", width=16), Col("class_label", "class", "text", 12),
           Col("action", kind="text", width=60), Col("reason", kind="text", width=50), Col("net_sales"), Col("share"), Col("net_profit"), Col("net_margin"), Col("profit_per_hour"),
           Col("hours_per_week"), Col("growth"), Col("gross_sales"), Col("discounts"), Col("refunds"), Col("cogs"),
           Col("gross_profit"), Col("gross_margin"), Col("platform_fees"), Col("fulfillment_fees"),
           Col("shipping_costs"), Col("ad_spend"), Col("other_costs"), Col("tacos"), Col("contribution_profit"), Col("marketing_costs"),
           Col("fixed_costs"), Col("orders"), Col("units"), Col("aov"), Col("refund_rate"), Col("unit_refund_rate"),
           Col("sessions"), Col("conversion_rate"), Col("unit_session_rate"), Col("cart_abandonment_rate")]


def write_channels(wb: Workbook, review: Review) -> None:
    """Add the Channels sheet (nothing when the review has no channel table)."""
    table = review.channels
    if table is None:
        return
    lang, s = review.lang, review.settings
    ws, row = start_sheet(wb, "channels", review, "channels_title")
    put(ws, row - 1, 1, label("channels_rules", lang, star=fmt_pct(s.t("star_growth")),
                              cow=fmt_pct(s.t("cow_profit_share"))), font=SUB_FONT)
    frame = table.assign(class_label=[label(f"cclass_{c}", lang) for c in table["class"]])
    first, last = write_table(ws, frame, COLUMNS, row, 1, lang)
    class_col = next(j for j, c in enumerate(COLUMNS, start=1) if c.key == "class_label")
    for i, cls in enumerate(table["class"]):
        cell = ws.cell(row=first + i, column=class_col)
        cell.fill = PatternFill("solid", fgColor=CLASS_FILLS.get(cls, "FFFFFF"))
        cell.alignment = Alignment(horizontal="center", vertical="top")
    ws.freeze_panes = ws.cell(row=first, column=class_col + 1)

    summary = review.summary
    note_row = last + 2
    content = max(0.0, summary.get("marketing_costs", 0.0) - float(table["marketing_costs"].sum()))
    put(ws, note_row, 1, label("channels_not_allocated", lang, content=fmt_money(content),
                               overhead=fmt_money(s.fixed_overhead),
                               net_profit=fmt_money(summary.get("net_profit"))), font=SUB_FONT)
    if len(table):
        _charts(ws, first, last, note_row + 2, lang, s.base_currency)


def _charts(ws, first: int, last: int, at_row: int, lang: str, currency: str) -> None:
    col = {c.key: j for j, c in enumerate(COLUMNS, start=1)}
    cats = Reference(ws, min_col=col["channel"], min_row=first, max_row=last)
    for n, (key, title, unit) in enumerate((("net_profit", "chart_channel_profit", currency),
                                            ("profit_per_hour", "chart_channel_pph", f"{currency} / h"))):
        chart = BarChart()
        chart.type = "bar"              # horizontal bars: channel names stay readable
        chart.title = label(title, lang)
        chart.add_data(Reference(ws, min_col=col[key], min_row=first - 1, max_row=last), titles_from_data=True)
        chart.set_categories(cats)
        chart.legend = None
        chart.x_axis.delete = False
        chart.y_axis.delete = False
        chart.y_axis.title = unit
        chart.x_axis.tickLblPos = "low"                 # names stay left of negative bars
        chart.y_axis.numFmt = "#,##0"
        chart.x_axis.scaling.orientation = "maxMin"     # rank 1 on top
        chart.height, chart.width = 7.5, 16
        anchor = f"{get_column_letter(1 + n * 5)}{at_row}"
        ws.add_chart(chart, anchor)
