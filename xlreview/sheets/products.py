"""The Products sheet (per-SKU true profit, class, action, reason; coloured by class) and the Quadrant
sheet (sessions vs conversion with the median lines, the seed's four-quadrant analysis)."""
from __future__ import annotations

import math

import pandas as pd
from openpyxl.chart import Reference, ScatterChart, Series
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook

from ..core.channels import fmt_num, fmt_pct
from ..core.products import PRODUCT_CLASSES, QUADRANTS
from ..core.review import Review
from ..text import label, sheet_name
from .layout import SUB_FONT, Col, hide_columns, put, start_sheet, write_block_title, write_table, write_title

CLASS_FILLS = {"problem": "F8CBAD", "hero": "C6E0B4", "evergreen": "DDEBF7", "long_tail": "EDEDED"}
CHART_DATA_COL = 40         # chart source data (median lines) in hidden columns from AN on
QUADRANT_COLOURS = {"star": "548235", "fix_listing": "C55A11", "needs_traffic": "2F5597", "rethink": "7F7F7F"}

# a SKU without a cost is marked in the first column; SKU net_profit is its contribution profit (METRICS 1),
# so the sheet says so (the JSON key stays products[].net_profit)
COLUMNS = [Col("incomplete_label", "incomplete", "text", width=10, wrap=True), Col("sku", kind="text"),
           Col("name", kind="text", width=30, wrap=True),
           Col("class_label", "class", "text"), Col("action", kind="text", width=40, wrap=True),
           Col("return_reasons_text", "return_reasons", "text", width=24, wrap=True),
           Col("reason", kind="text", width=40, wrap=True), Col("quadrant_label", "quadrant", "text", width=22, wrap=True),
           Col("net_sales"), Col("share"), Col("net_profit", "sku_contribution_profit"),
           Col("net_margin", "sku_contribution_margin"), Col("units"), Col("orders"),
           Col("gross_sales"), Col("discounts"), Col("refunds"), Col("cogs"), Col("gross_margin"),
           Col("platform_fees"), Col("fulfillment_fees"), Col("shipping_costs"), Col("ad_spend"), Col("other_costs"),
           Col("tacos"), Col("refund_rate"), Col("unit_refund_rate"), Col("sessions"), Col("conversion_rate"),
           Col("stock_qty"), Col("days_of_cover"), Col("months_sold"), Col("cv"), Col("category", kind="text")]


def return_reasons_text(reasons: list[dict], lang: str) -> str:
    """``质量 3 件 50.0% · 尺寸 1 件 16.7%`` from a SKU's ``return_reasons`` ("" when none)."""
    return " · ".join(label("return_reason_item", lang, reason=r["reason"], qty=fmt_num(r["qty"], 0),
                            share=fmt_pct(r["share"])) for r in reasons or [])


def _labelled(products: pd.DataFrame, lang: str) -> pd.DataFrame:
    return products.assign(
        class_label=[label(f"pclass_{c}", lang) for c in products["class"]],
        quadrant_label=[label(f"quad_{q}", lang) if q else "" for q in products["quadrant"]],
        incomplete_label=[label("incomplete_flag", lang) if f else "" for f in products["incomplete"]],
        return_reasons_text=[return_reasons_text(r, lang) for r in products["return_reasons"]])


def write_products(wb: Workbook, review: Review) -> None:
    """Add the Products sheet (nothing when the review has no product table)."""
    products = review.products
    if products is None:
        return
    lang, s = review.lang, review.settings
    ws, row = start_sheet(wb, "products", review, "products_title")
    put(ws, row - 1, 1, label("products_rules", lang, refund=fmt_pct(s.t("problem_refund_rate")),
                              cover=fmt_num(s.t("problem_cover_days"), 0), hero=fmt_pct(s.t("hero_sales_share")),
                              months=fmt_num(s.t("evergreen_months"), 0), cv=fmt_num(s.t("evergreen_cv"), 2)),
        font=SUB_FONT)

    # by class: SKUs, net sales, share, net profit
    row = write_block_title(ws, row, 1, label("class_summary", lang))
    g = products.groupby("class")
    summary = pd.DataFrame({"class": PRODUCT_CLASSES})
    summary["class_label"] = [label(f"pclass_{c}", lang) for c in PRODUCT_CLASSES]
    summary["sku_count"] = [int(g.size().get(c, 0)) for c in PRODUCT_CLASSES]
    summary["net_sales"] = [float(g["net_sales"].sum().get(c, 0.0)) for c in PRODUCT_CLASSES]
    summary["share"] = [float(g["share"].sum().get(c, 0.0)) for c in PRODUCT_CLASSES]
    summary["net_profit"] = [float(g["net_profit"].sum().get(c, 0.0)) for c in PRODUCT_CLASSES]
    sfirst, slast = write_table(ws, summary, [Col("class_label", "class", "text"), Col("sku_count", kind="int"),
                                              Col("net_sales"), Col("share"),
                                              Col("net_profit", "sku_contribution_profit")], row, 1, lang)
    for i, c in enumerate(PRODUCT_CLASSES):
        ws.cell(row=sfirst + i, column=1).fill = PatternFill("solid", fgColor=CLASS_FILLS[c])

    row = write_block_title(ws, slast + 2, 1, label("sku_table", lang))
    first, last = write_table(ws, _labelled(products, lang), COLUMNS, row, 1, lang)
    _class_rules(ws, first, last, lang)
    col_of = {c.key: j for j, c in enumerate(COLUMNS, start=1)}
    for r in range(first, last + 1):
        ws.cell(row=r, column=col_of["days_of_cover"]).alignment = Alignment(horizontal="right", vertical="top")
    ws.freeze_panes = ws.cell(row=first, column=col_of["class_label"] + 1)


def telling_decimals(values: pd.Series, median: float, least: int = 2, most: int = 6) -> int:
    """Decimals of a percentage (at least ``least``) at which every value below ``median`` shows below the shown
    median, so no SKU classed low shows the same figure as the median (METRICS 5: high = value ≥ median)."""
    v = values.dropna().astype("float64")
    low = v[v < median]
    for d in range(least, most + 1):
        shown_median = round(median * 100, d)
        if (low.mul(100).round(d) < shown_median).all():
            return d
    return most


def _class_rules(ws, first: int, last: int, lang: str) -> None:
    """Fill each SKU row by its class with a conditional-format formula on the class column text."""
    if last < first:
        return
    class_col = get_column_letter(next(j for j, c in enumerate(COLUMNS, start=1) if c.key == "class_label"))
    area = f"A{first}:{get_column_letter(len(COLUMNS))}{last}"
    for cls in PRODUCT_CLASSES:
        text = label(f"pclass_{cls}", lang).replace('"', '""')
        ws.conditional_formatting.add(area, FormulaRule(
            formula=[f'${class_col}{first}="{text}"'], fill=PatternFill("solid", bgColor=CLASS_FILLS[cls]),
            stopIfTrue=True))


# ------------------------------------------------------------------------------------------ quadrant
QUADRANT_WIDTH = 20      # a quadrant's label wraps: the SKU table and the chart under it print one page wide


def write_quadrant(wb: Workbook, review: Review) -> None:
    """Add the Quadrant sheet: medians, counts per quadrant, the SKU table and a scatter chart."""
    products = review.products
    if products is None:
        return
    lang, s = review.lang, review.settings
    ws = wb.create_sheet(sheet_name("quadrant", lang))
    ws.sheet_view.showGridLines = False
    row = write_title(ws, label("quadrant_title", lang, year=s.review_year))
    has = products[products["quadrant"].ne("")]
    if not len(has):
        put(ws, row, 1, label("quadrant_none", lang))
        return
    medians = review.quadrant_medians
    med_s, med_c = medians["sessions"], medians["conversion_rate"]
    # the shown precision tells every SKU's side of the median apart (8.46 % low vs 8.46 % high would contradict)
    digits = telling_decimals(has["conversion_rate"], med_c)
    pct_format = "0." + "0" * digits + "%"
    put(ws, row - 2, 1, label("quadrant_note", lang, sessions=fmt_num(med_s, 0),
                              conversion=f"{med_c * 100:.{digits}f}%"), font=SUB_FONT)
    put(ws, row, 1, label("median_sessions", lang), font=Font(bold=True))
    put(ws, row, 2, med_s, kind="int")
    put(ws, row + 1, 1, label("median_conversion", lang), font=Font(bold=True))
    put(ws, row + 1, 2, med_c).number_format = pct_format

    row = write_block_title(ws, row + 3, 1, label("quadrant_counts", lang))
    counts = pd.DataFrame({"quadrant_label": [label(f"quad_{q}", lang) for q in QUADRANTS],
                           "sku_count": [int((has["quadrant"] == q).sum()) for q in QUADRANTS],
                           "net_sales": [float(has.loc[has["quadrant"] == q, "net_sales"].sum()) for q in QUADRANTS]})
    cfirst, clast = write_table(ws, counts, [Col("quadrant_label", "quadrant", "text", QUADRANT_WIDTH, wrap=True),
                                             Col("sku_count", kind="int"), Col("net_sales")], row, 1, lang)
    for i, q in enumerate(QUADRANTS):
        ws.cell(row=cfirst + i, column=1).font = Font(bold=True, color=QUADRANT_COLOURS[q])

    # the SKU table, grouped by quadrant so each quadrant is one chart series
    order = {q: i for i, q in enumerate(QUADRANTS)}
    table = _labelled(has, lang).assign(_q=has["quadrant"].map(order)).sort_values(
        ["_q", "sessions", "sku"], ascending=[True, False, True])
    cols = [Col("sku", kind="text"), Col("name", kind="text", width=24, wrap=True), Col("sessions"),
            Col("conversion_rate", kind="pct2"), Col("quadrant_label", "quadrant", "text", QUADRANT_WIDTH, wrap=True),
            Col("class_label", "class", "text"), Col("net_sales"), Col("action", kind="text", width=44, wrap=True)]
    row = write_block_title(ws, clast + 2, 1, label("sku_table", lang))
    first, last = write_table(ws, table, cols, row, 1, lang)
    for r in range(first, last + 1):
        ws.cell(row=r, column=4).number_format = pct_format

    # explicit axis ranges, and two-point series for the median lines from axis min to axis max, in hidden
    # columns far right (chart data the reader need not see)
    x_min, x_max = 0.0, nice_max(float(has["sessions"].max()))
    y_min, y_max = 0.0, nice_max(float(has["conversion_rate"].max())) or 0.01
    hx = CHART_DATA_COL
    put(ws, 1, hx, label("chart_points", lang), font=SUB_FONT)
    put(ws, 2, hx, label("x", lang), font=Font(bold=True))
    put(ws, 2, hx + 1, label("y", lang), font=Font(bold=True))
    points = [(med_s, y_min), (med_s, y_max), (x_min, med_c), (x_max, med_c)]
    for i, (x, y) in enumerate(points):
        put(ws, 3 + i, hx, x, kind="int")
        put(ws, 3 + i, hx + 1, y, kind="pct")
    hide_columns(ws, hx, hx + 1)

    chart = ScatterChart()
    chart.scatterStyle = "lineMarker"         # required by the chart schema (CT_ScatterChart); openpyxl omits it
    chart.title = label("chart_quadrant", lang)
    chart.style = 13
    chart.x_axis.title = label("sessions", lang)
    chart.y_axis.title = label("conversion_rate", lang)
    chart.y_axis.numFmt = "0%"
    chart.x_axis.numFmt = "#,##0"
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.x_axis.scaling.min, chart.x_axis.scaling.max = x_min, x_max
    chart.y_axis.scaling.min, chart.y_axis.scaling.max = y_min, y_max
    chart.visible_cells_only = False          # the median lines' points are in hidden columns
    quadrants = table["quadrant"].tolist()
    for q in QUADRANTS:
        idx = [i for i, v in enumerate(quadrants) if v == q]
        if not idx:
            continue
        r0, r1 = first + idx[0], first + idx[-1]
        series = Series(Reference(ws, min_col=4, min_row=r0, max_row=r1),
                        Reference(ws, min_col=3, min_row=r0, max_row=r1), title=label(f"quad_{q}", lang))
        series.marker.symbol = "circle"
        series.marker.size = 8
        series.marker.graphicalProperties.solidFill = QUADRANT_COLOURS[q]
        series.marker.graphicalProperties.line.solidFill = QUADRANT_COLOURS[q]
        series.graphicalProperties.line.noFill = True
        chart.series.append(series)
    for i, title in ((0, "median_sessions"), (2, "median_conversion")):
        r = 3 + i
        line = Series(Reference(ws, min_col=hx + 1, min_row=r, max_row=r + 1),
                      Reference(ws, min_col=hx, min_row=r, max_row=r + 1), title=label(title, lang))
        line.marker.symbol = "none"
        line.graphicalProperties.line.solidFill = "A6A6A6"
        line.graphicalProperties.line.dashStyle = "dash"
        line.smooth = False
        chart.series.append(line)
    chart.legend.position = "b"
    chart.height, chart.width = 12, 22
    ws.add_chart(chart, f"A{last + 2}")      # under the table: beside it the sheet would print split by columns


def nice_max(value: float) -> float:
    """A round axis maximum a little above ``value`` (1, 2, 2.5, 5 or 10 times a power of ten)."""
    if not value or value <= 0 or math.isnan(value):
        return 0.0
    target = value * 1.05
    power = 10 ** math.floor(math.log10(target))
    for step in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if step * power >= target:
            return step * power
    return 10 * power
