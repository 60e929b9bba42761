"""The Marketing sheet: campaigns, keywords (ranked, waste in red), promotions (verdict, daily charts), content."""
from __future__ import annotations

import pandas as pd
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from ..core.marketing import AD_SUMS, ad_ratios
from ..core.review import Review
from ..text import label
from .layout import (
    LINE_HEIGHT,
    SUB_FONT,
    Col,
    column_width,
    hide_columns,
    put,
    start_sheet,
    wrapped_lines,
    write_block_title,
    write_table,
    write_tiles,
)

MAX_KEYWORDS = 200          # best-ranked keywords shown (all waste keywords are shown too, up to the same cap)
MAX_PROMO_CHARTS = 6
CHART_DATA_COL = 40         # chart source data lives in hidden columns from AN on, out of the way of the tables

WASTE_FILL = PatternFill("solid", fgColor="F8CBAD")
VERDICT_FILLS = {"incremental": "C6E0B4", "pulled_forward": "FFE699", "no_lift": "F8CBAD"}
SUGGESTION_FILLS = {"negate": "F8CBAD", "lower_bid": "FFE699", "raise_bid": "C6E0B4",
                    "pause": "F8CBAD", "scale": "C6E0B4"}
NOTE_ALIGN = Alignment(wrap_text=True, vertical="top")

KEY_WIDTH = 16       # channel, campaign and keyword (columns A:C) repeat on every printed page: a quarter of a page
CAMPAIGN_COLS = [Col("channel", kind="text", width=14), Col("campaign", kind="text", width=KEY_WIDTH, wrap=True), Col("spend"),
                 Col("sales"), Col("orders"), Col("roas"), Col("acos"), Col("break_even_acos"), Col("ad_profit"),
                 Col("suggestion_label", "suggestion", "text", 14), Col("clicks"), Col("impressions"),
                 Col("ctr"), Col("cpc"), Col("cvr"), Col("cpa")]
KEYWORD_COLS = [Col("channel", kind="text", width=14), Col("campaign", kind="text", width=KEY_WIDTH, wrap=True),
                Col("keyword", kind="text", width=KEY_WIDTH, wrap=True), Col("rank", width=7), Col("spend"), Col("sales"), Col("orders"),
                Col("clicks"), Col("roas"), Col("acos"), Col("cvr"), Col("cpa"), Col("break_even_acos"),
                Col("waste_label", "waste", "text", 9), Col("suggestion_label", "suggestion", "text", 14)]
PROMO_COLS = [Col("channel_label", "channel", "text"), Col("name", "promo_name", "text", KEY_WIDTH, wrap=True),
              Col("start_date", kind="date"),
              Col("end_date", kind="date"), Col("baseline"), Col("uplift"), Col("dip"), Col("incremental_sales"),
              Col("pull_forward_ratio"), Col("verdict_label", "verdict", "text", 16), Col("orders", "promo_orders"),
              Col("net_sales", "promo_net_sales"), Col("discounts"), Col("cost"), Col("promo_profit")]
CONTENT_COLS = [Col("format_label", "format", "text", 12), Col("pieces"), Col("visits"), Col("orders"),
                Col("revenue"), Col("cost"), Col("conversion_rate"), Col("revenue_per_visit"), Col("cost_per_order"),
                Col("roi")]


def write_note(ws: Worksheet, row: int, text: str, width_cols: int = 13) -> int:
    """A grey explanatory line under a block title, merged over ``width_cols`` columns. Returns the next row."""
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width_cols)
    put(ws, row, 1, text, font=SUB_FONT, align=NOTE_ALIGN)
    # as many lines as the text takes over the merged columns' widths (their widths so far; unsized = 8.43),
    # so a long note is never clipped
    width = sum(column_width(ws, c) or 8.43 for c in range(1, width_cols + 1))
    ws.row_dimensions[row].height = LINE_HEIGHT * max(1, wrapped_lines(text, width))
    return row + 1


def col_after(ws: Worksheet, start_col: int, cm: float) -> int:
    """The first column at least ``cm`` to the right of ``start_col`` (for placing charts side by side)."""
    acc, c = 0.0, start_col
    while acc < cm:
        acc += (ws.column_dimensions[get_column_letter(c)].width or 8.43) * 0.19
        c += 1
    return c


def axes_visible(chart) -> None:
    chart.x_axis.delete = False
    chart.y_axis.delete = False


def write_marketing(wb: Workbook, review: Review) -> None:
    """Add the Marketing sheet (campaigns, keywords, promotions, content)."""
    if review.campaigns is None:
        return
    lang, s = review.lang, review.settings
    ws, row = start_sheet(wb, "marketing", review, "marketing_title")
    camp, kw, promos = review.campaigns, review.keywords, review.promotions
    content = review.content if review.content is not None else pd.DataFrame()
    spend, sales = float(camp["spend"].sum()), float(camp["sales"].sum())
    judged = promos[promos["verdict"].notna()] if promos is not None else pd.DataFrame(columns=["verdict"])
    tiles = [("ad_spend", spend, "money0"), ("ad_sales", sales, "money0"),
             ("roas", sales / spend if spend else None, "ratio"), ("acos", spend / sales if sales else None, "pct"),
             ("wasted_spend", float(kw.loc[kw["waste"], "spend"].sum()), "money0"),
             ("waste_keywords", int(kw["waste"].sum()), "int"),
             ("promo_verdicts", f"{int((judged['verdict'] == 'incremental').sum())} / {len(judged)}", None),
             ("promo_profit_total", float(promos["promo_profit"].sum()) if promos is not None and len(promos)
              else None, "money0")]
    row = write_tiles(ws, tiles, row, per_row=4, lang=lang) + 1

    row = _campaigns(ws, camp, row, lang)
    row = _keywords(ws, kw, row, lang, s)
    row = _promotions(ws, promos, review.promo_daily, row, lang, s)
    row = _content(ws, content, row, lang)
    ws.freeze_panes = "D4"        # channel, campaign, keyword / promotion name: repeated on every printed page


def _campaigns(ws, camp: pd.DataFrame, row: int, lang: str) -> int:
    row = write_block_title(ws, row, 1, label("campaigns_block", lang))
    row = write_note(ws, row, label("campaigns_note", lang))
    if camp.empty:
        put(ws, row, 1, label("no_ads", lang))
        return row + 2
    total = ad_ratios(camp[AD_SUMS].sum().to_frame().T).iloc[0].to_dict()
    if "ad_profit" in camp.columns:
        total["ad_profit"] = float(camp["ad_profit"].sum())
        camp = camp.assign(suggestion_label=[label(f"sugg_{x}", lang) for x in camp["suggestion"]])
    first, last = write_table(ws, camp, CAMPAIGN_COLS, row, 1, lang, total=total)
    if "suggestion" in camp.columns:
        sug_col = _pos(CAMPAIGN_COLS, "suggestion_label")
        for i, sug in enumerate(camp["suggestion"]):
            if sug in SUGGESTION_FILLS:
                ws.cell(row=first + i, column=sug_col).fill = PatternFill("solid", fgColor=SUGGESTION_FILLS[sug])
    if last - 1 > first:
        roas_col = get_column_letter(_pos(CAMPAIGN_COLS, "roas"))
        acos_col = get_column_letter(_pos(CAMPAIGN_COLS, "acos"))
        ws.conditional_formatting.add(f"{roas_col}{first}:{roas_col}{last - 1}", ColorScaleRule(
            start_type="min", start_color="F8696B", mid_type="percentile", mid_value=50, mid_color="FFEB84",
            end_type="max", end_color="63BE7B"))
        ws.conditional_formatting.add(f"{acos_col}{first}:{acos_col}{last - 1}", ColorScaleRule(
            start_type="min", start_color="63BE7B", mid_type="percentile", mid_value=50, mid_color="FFEB84",
            end_type="max", end_color="F8696B"))
    return last + 3


def _keywords(ws, kw: pd.DataFrame, row: int, lang: str, s) -> int:
    row = write_block_title(ws, row, 1, label("keywords_block", lang))
    row = write_note(ws, row, label("keywords_note", lang, min=f"{s.t('waste_min_spend'):g}",
                                    share=f"{s.t('raise_bid_acos_share'):.0%}"), len(KEYWORD_COLS))
    if kw.empty:
        put(ws, row, 1, label("no_keywords", lang))
        return row + 2
    shown = kw[(kw["rank"] <= MAX_KEYWORDS) & ~kw["waste"]]
    shown = pd.concat([shown, kw[kw["waste"]].head(MAX_KEYWORDS)])
    if len(shown) < len(kw):
        row = write_note(ws, row, label("keywords_cut", lang, n=MAX_KEYWORDS, total=len(kw)), len(KEYWORD_COLS))
    frame = shown.assign(waste_label=[label("waste_yes", lang) if w else "" for w in shown["waste"]],
                         suggestion_label=[label(f"sugg_{x}", lang) for x in shown["suggestion"]])
    first, last = write_table(ws, frame, KEYWORD_COLS, row, 1, lang)
    sug_col = _pos(KEYWORD_COLS, "suggestion_label")
    for i, (waste, sug) in enumerate(zip(frame["waste"], frame["suggestion"], strict=True)):
        if waste:
            for j in range(1, len(KEYWORD_COLS) + 1):
                ws.cell(row=first + i, column=j).fill = WASTE_FILL
            ws.cell(row=first + i, column=_pos(KEYWORD_COLS, "waste_label")).font = Font(bold=True, color="C00000")
        elif sug in SUGGESTION_FILLS:
            ws.cell(row=first + i, column=sug_col).fill = PatternFill("solid", fgColor=SUGGESTION_FILLS[sug])
    return last + 3


def _promotions(ws, promos: pd.DataFrame | None, daily: pd.DataFrame | None, row: int, lang: str, s) -> int:
    row = write_block_title(ws, row, 1, label("promotions_block", lang))
    row = write_note(ws, row, label("promotions_note", lang, before=int(s.t("promo_baseline_days")),
                                    after=int(s.t("promo_after_days")), pf=f"{s.t('pull_forward_max'):.0%}"),
                     len(PROMO_COLS))
    if promos is None or promos.empty:
        put(ws, row, 1, label("no_promotions", lang))
        return row + 2
    frame = promos.assign(
        channel_label=[c or label("all_channels", lang) for c in promos["channel"]],
        verdict_label=[label(f"verdict_{v}", lang) if isinstance(v, str) and v else label("verdict_none", lang)
                       for v in promos["verdict"]])
    first, last = write_table(ws, frame, PROMO_COLS, row, 1, lang)
    vcol = _pos(PROMO_COLS, "verdict_label")
    for i, v in enumerate(promos["verdict"]):
        c = ws.cell(row=first + i, column=vcol)
        c.fill = PatternFill("solid", fgColor=VERDICT_FILLS.get(v, "EDEDED"))
        c.alignment = Alignment(horizontal="center")
    row = last + 2
    if daily is None or daily.empty:
        return row + 1
    names = list(promos["name"])[:MAX_PROMO_CHARTS]
    if len(promos) > MAX_PROMO_CHARTS:
        row = write_note(ws, row, label("promo_charts_cut", lang, n=MAX_PROMO_CHARTS), len(PROMO_COLS))
    put(ws, 1, CHART_DATA_COL, label("chart_data", lang), font=SUB_FONT)
    width_cm, height_cm, rows_per_chart = 16.0, 7.5, 16
    right_col = col_after(ws, 1, width_cm + 0.5)
    for n, name in enumerate(names):
        d = daily[daily["promotion"] == name]
        c0 = CHART_DATA_COL + 4 * n
        put(ws, 2, c0, name)
        frame = pd.DataFrame({"date": d["date"].to_numpy(), "daily_net_sales": d["net_sales"].to_numpy(),
                              "baseline": d["baseline"].to_numpy(),
                              "promo_days": d["net_sales"].where(d["phase"] == "promo").to_numpy()})
        cols = [Col("date", "date", "date", 11), Col("daily_net_sales", kind="money"),
                Col("baseline", kind="money"), Col("promo_days", "verdict_promo_days", "money")]
        first_d, last_d = write_table(ws, frame, cols, 3, c0, lang)
        chart = _promo_chart(ws, name, c0, first_d, last_d, lang, s.base_currency)
        chart.width, chart.height = width_cm, height_cm
        anchor_col = 1 if n % 2 == 0 else right_col
        ws.add_chart(chart, f"{get_column_letter(anchor_col)}{row + (n // 2) * rows_per_chart}")
    hide_columns(ws, CHART_DATA_COL, CHART_DATA_COL + 4 * len(names) - 1)
    return row + ((len(names) + 1) // 2) * rows_per_chart + 1


def _promo_chart(ws, name: str, c0: int, first: int, last: int, lang: str, currency: str):
    bars = BarChart()
    bars.add_data(Reference(ws, min_col=c0 + 3, min_row=first - 1, max_row=last), titles_from_data=True)
    bars.set_categories(Reference(ws, min_col=c0, min_row=first, max_row=last))
    bars.gapWidth = 10
    bars.series[0].graphicalProperties.solidFill = "BDD7EE"
    bars.series[0].graphicalProperties.line.noFill = True
    lines = LineChart()
    lines.add_data(Reference(ws, min_col=c0 + 1, max_col=c0 + 2, min_row=first - 1, max_row=last),
                   titles_from_data=True)
    lines.set_categories(Reference(ws, min_col=c0, min_row=first, max_row=last))
    lines.series[0].graphicalProperties.line.solidFill = "1F3864"
    lines.series[1].graphicalProperties.line.solidFill = "C00000"
    lines.series[1].graphicalProperties.line.dashStyle = "dash"
    for sr in lines.series:
        sr.smooth = False
    bars.title = name
    bars.y_axis.title = currency
    bars.y_axis.numFmt = "#,##0"
    bars.x_axis.number_format = "mm-dd"
    bars.x_axis.tickLblSkip = 7
    bars.legend.position = "b"
    axes_visible(bars)
    bars += lines
    bars.visible_cells_only = False     # the daily data is in hidden columns
    return bars


def _content(ws, content: pd.DataFrame, row: int, lang: str) -> int:
    row = write_block_title(ws, row, 1, label("content_block", lang))
    row = write_note(ws, row, label("content_note", lang), len(CONTENT_COLS))
    if content.empty:
        put(ws, row, 1, label("no_content", lang))
        return row + 2
    frame = content.assign(format_label=[_format_label(f, lang) for f in content["format"]])
    first, last = write_table(ws, frame, CONTENT_COLS, row, 1, lang)
    chart = BarChart()
    chart.title = label("chart_content", lang)
    for key in ("revenue", "cost"):
        j = _pos(CONTENT_COLS, key)
        chart.add_data(Reference(ws, min_col=j, min_row=first - 1, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=first, max_row=last))
    chart.y_axis.numFmt = "#,##0"
    chart.legend.position = "b"
    axes_visible(chart)
    chart.width, chart.height = 16, 7.5
    ws.add_chart(chart, f"A{last + 2}")
    return last + 18


def _format_label(fmt: str, lang: str) -> str:
    key = f"fmt_{fmt}"
    text = label(key, lang)
    return fmt if text == key else text


def _pos(cols: list[Col], key: str) -> int:
    return next(j for j, c in enumerate(cols, start=1) if c.key == key)
