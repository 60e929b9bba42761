"""The Customers sheet: KPI tiles, new vs returning by month (stacked columns), markets (bars), cohorts."""
from __future__ import annotations

from openpyxl.chart import BarChart, Reference
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook

from ..core.customers import COHORT_OFFSETS, UNKNOWN_COUNTRY
from ..core.review import Review
from ..text import label
from .layout import SUB_FONT, Col, put, start_sheet, write_block_title, write_table, write_tiles
from .marketing import axes_visible, write_note

MAX_MARKETS_CHART = 12

MONTHLY_COLS = [Col("month_label", "month", "text", 10), Col("customers"), Col("new_customers"),
                Col("returning_customers"), Col("returning_share"), Col("repeat_rate"), Col("new_net_sales"),
                Col("returning_net_sales")]
MARKET_COLS = [Col("country_label", "country", "text", 14), Col("customers"), Col("orders"), Col("net_sales"),
               Col("share")]
COHORT_COLS = ([Col("cohort", "cohort", "text", 10), Col("size")]
               + [Col(f"m{k}", width=8) for k in COHORT_OFFSETS])


def write_customers(wb: Workbook, review: Review) -> None:
    """Add the Customers sheet (new vs returning, LTV, markets, cohorts)."""
    if review.markets is None:
        return
    lang = review.lang
    ws, row = start_sheet(wb, "customers", review, "customers_title")
    value = review.customer_value or {}
    sm = review.summary
    tiles = [("customers", sm.get("customers"), "int"), ("new_customers", sm.get("new_customers"), "int"),
             ("returning_customers", sm.get("returning_customers"), "int"),
             ("repeat_rate", sm.get("repeat_rate"), "pct"),
             ("gross_profit_per_customer", sm.get("gross_profit_per_customer"), "money"), ("ltv", sm.get("ltv"), "money"),
             ("retention", value.get("retention"), "pct"),
             ("predicted_12m_value", value.get("predicted_12m_value"), "money")]
    row = write_tiles(ws, tiles, row, per_row=7, lang=lang)
    if value:
        row = write_note(ws, row, label(
            "customers_value_note", lang, retention=_fmt(value.get("retention"), "{:.1%}"),
            frequency=_fmt(value.get("frequency"), "{:.2f}"), aov=_fmt(value.get("aov_net"), "{:,.2f}"),
            gm=_fmt(value.get("gross_margin"), "{:.1%}"),
            basis=label(f"basis_{value.get('retention_basis', 'repeat_rate')}", lang)), 14)
    if not sm.get("customers"):
        row = write_note(ws, row, label("no_customers", lang), 14)
    row += 1
    row = _monthly(ws, review, row, lang)
    row = _markets(ws, review, row, lang)
    row = _cohorts(ws, review, row, lang)
    ws.freeze_panes = "A4"


def _fmt(v, pattern: str) -> str:
    return "—" if v is None or v != v else pattern.format(v)


def _monthly(ws, review: Review, row: int, lang: str) -> int:
    year = review.settings.review_year
    row = write_block_title(ws, row, 1, label("customers_monthly_block", lang))
    row = write_note(ws, row, label("customers_monthly_note", lang), 14)
    t = review.customers_monthly
    frame = t.assign(month_label=[f"{year}-{m:02d}" for m in t["month"]])
    sm = review.summary
    total = {"customers": sm.get("customers"), "new_customers": sm.get("new_customers"),
             "returning_customers": sm.get("returning_customers"), "repeat_rate": sm.get("repeat_rate"),
             "new_net_sales": float(t["new_net_sales"].sum()),
             "returning_net_sales": float(t["returning_net_sales"].sum())}
    first, last = write_table(ws, frame, MONTHLY_COLS, row, 1, lang, total=total)
    # buyers are counted once over the year here, so this row is not the sum of the months above
    ws.cell(row=last, column=1).value = label("year_distinct", lang)
    # reconciling rows: order lines without a customer id are in net sales but neither new nor returning
    no_id = review.reconciliation["net_sales_without_customer_id"]
    col = {c.key: j for j, c in enumerate(MONTHLY_COLS, start=1)}
    put(ws, last + 1, 1, label("reconcile_no_customer_id", lang), font=SUB_FONT)
    put(ws, last + 1, col["returning_net_sales"], no_id, kind="money", font=SUB_FONT)
    put(ws, last + 2, 1, label("reconcile_net_sales", lang), font=SUB_FONT)
    put(ws, last + 2, col["returning_net_sales"], sm.get("net_sales"), kind="money", font=SUB_FONT)
    last += 2
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.title = label("chart_customers_monthly", lang)
    chart.add_data(Reference(ws, min_col=3, max_col=4, min_row=first - 1, max_row=first + 11), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=first, max_row=first + 11))
    chart.series[0].graphicalProperties.solidFill = "4472C4"
    chart.series[1].graphicalProperties.solidFill = "ED7D31"
    chart.legend.position = "b"
    axes_visible(chart)
    chart.width, chart.height = 15, 7.5
    ws.add_chart(chart, f"{get_column_letter(len(MONTHLY_COLS) + 2)}{row}")
    return max(last, row + 15) + 2


def _markets(ws, review: Review, row: int, lang: str) -> int:
    row = write_block_title(ws, row, 1, label("markets_block", lang))
    t = review.markets
    frame = t.assign(country_label=[label("unknown_country", lang) if c == UNKNOWN_COUNTRY else c
                                    for c in t["country"]])
    total = {"customers": None, "orders": float(t["orders"].sum()), "net_sales": float(t["net_sales"].sum()),
             "share": float(t["share"].sum()) if len(t) else None}
    first, last = write_table(ws, frame, MARKET_COLS, row, 1, lang, total=total)
    # reconciling row: a buyer shipping to two countries counts in each, so the markets' customers sum above
    # the distinct total
    twice = review.reconciliation["market_customers_counted_more_than_once"]
    put(ws, last + 1, 1, label("reconcile_multi_country", lang), font=SUB_FONT)
    put(ws, last + 1, 2, twice, kind="int", font=SUB_FONT)
    put(ws, last + 2, 1, label("reconcile_distinct_customers", lang), font=SUB_FONT)
    put(ws, last + 2, 2, review.summary.get("customers"), kind="int", font=SUB_FONT)
    last += 2
    if len(t):
        n = min(len(t), MAX_MARKETS_CHART)
        chart = BarChart()
        chart.type = "bar"
        chart.title = label("chart_markets", lang)
        chart.add_data(Reference(ws, min_col=4, min_row=first - 1, max_row=first + n - 1), titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=first, max_row=first + n - 1))
        chart.x_axis.scaling.orientation = "maxMin"       # biggest market on top
        chart.y_axis.numFmt = "#,##0"
        chart.legend = None
        axes_visible(chart)
        chart.width, chart.height = 13, max(5.0, 1.0 + 0.6 * n)
        ws.add_chart(chart, f"{get_column_letter(len(MARKET_COLS) + 4)}{row}")
        return max(last, row + int(chart.height / 0.5) + 1) + 2
    return last + 2


def _cohorts(ws, review: Review, row: int, lang: str) -> int:
    row = write_block_title(ws, row, 1, label("cohorts_block", lang))
    row = write_note(ws, row, label("cohorts_note", lang), 14)
    t = review.cohorts
    if t is None or t.empty:
        put(ws, row, 1, label("no_customers", lang))
        return row + 2
    first, last = write_table(ws, t, COHORT_COLS, row, 1, lang)
    if last > first or len(COHORT_OFFSETS) > 1:
        rng = f"D{first}:{get_column_letter(2 + len(COHORT_OFFSETS))}{last}"
        ws.conditional_formatting.add(rng, ColorScaleRule(start_type="num", start_value=0, start_color="FFFFFF",
                                                          end_type="max", end_color="63BE7B"))
    return last + 2
