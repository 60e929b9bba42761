"""The SMART Check, Plan and Tracking sheets (METRICS 6-8) and the hidden ``xlr_plan`` sheet.

``xlr_plan`` holds the plan as a machine-readable table (``core.plan.FROZEN_COLUMNS``); the next build
reads it back (pipeline) so the plan stays frozen unless the user asks to re-plan (``--replan``).
"""
from __future__ import annotations

import pandas as pd
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook

from ..core.metric_table import number_kind
from ..core.plan import FROZEN_COLUMNS, frozen_table
from ..core.review import Review
from ..core.tracking import LEFT_OUT, latest_week
from ..text import label, render, sheet_name
from .layout import (
    BOX,
    HEADER_FILL,
    HEADER_FONT,
    SUB_FONT,
    Col,
    add_chart_over,
    change_font,
    fit_column,
    grow_row,
    put,
    wrapped_lines,
    write_block_title,
    write_table,
    write_title,
)

GREEN, AMBER, RED = "C6EFCE", "FFEB9C", "FFC7CE"
LETTERS = ("S", "M", "A", "R", "T")
MAX_CHARTS = 10
WRAP = Alignment(wrap_text=True, vertical="top")


def _header(ws, row: int, col: int, texts: list[str]) -> None:
    for j, t in enumerate(texts):
        put(ws, row, col + j, t, font=HEADER_FONT, fill=HEADER_FILL, border=BOX,
            align=Alignment(horizontal="center", vertical="center", wrap_text=True))


def _text_rule(ws, area: str, cell: str, text: str, color: str) -> None:
    text = text.replace('"', '""')
    ws.conditional_formatting.add(area, FormulaRule(formula=[f'{cell}="{text}"'],
                                                    fill=PatternFill("solid", bgColor=color), stopIfTrue=True))


# -------------------------------------------------------------------------------------------- SMART
SMART_COLS = ["goal_id", "description", "metric", "scope", *LETTERS, "smart", "baseline", "target", "required_growth",
              "reference_growth", "achievability", "suggestion", "S_reason", "M_reason", "A_reason", "R_reason",
              "T_reason"]
HEAD_LABELS = {"baseline": "goal_baseline", "suggestion": "goal_suggestion"}
# the widest each text column gets (longer text wraps); other columns fit their content
WIDTHS = {"goal_id": 10, "description": 30, "metric": 18, "scope": 24, "achievability": 12, "suggestion": 60,
          "S_reason": 40, "M_reason": 40, "A_reason": 40, "R_reason": 40, "T_reason": 40}


def write_smart(wb: Workbook, review: Review) -> None:
    """The SMART Check sheet: five letters ✓/✗ with reasons, growths, achievability, suggestion."""
    goals = review.goals or []
    lang, s = review.lang, review.settings
    ws = wb.create_sheet(sheet_name("smart", lang))
    ws.sheet_view.showGridLines = False
    row = write_title(ws, label("smart_title", lang, year=s.plan_year), label("smart_sub", lang, year=s.review_year))
    if not goals:
        put(ws, row, 1, label("no_goals", lang))
        return
    _header(ws, row, 1, [label(HEAD_LABELS.get(c, c), lang) for c in SMART_COLS])
    first = row + 1
    for i, g in enumerate(goals):
        r = first + i
        kind = number_kind(g["metric"])
        values = {"goal_id": g["goal_id"], "description": g["description"], "metric": g["metric"], "scope": g["scope"],
                  "smart": "✓" if g["smart"] else "✗", "baseline": g["baseline"], "target": g["target"],
                  "required_growth": g["required_growth"], "reference_growth": g["reference_growth"],
                  "achievability": label("band_" + g["achievability"], lang) if g["achievability"] else "",
                  "suggestion": render(g["suggestion"], lang)}
        for letter in LETTERS:
            values[letter] = "✓" if g[letter]["pass"] else "✗"
            values[letter + "_reason"] = render(g[letter]["reason"], lang)
        for j, c in enumerate(SMART_COLS, start=1):
            k = kind if c in ("baseline", "target") else ("pct_change" if c.endswith("growth") else None)
            align = Alignment(horizontal="center", vertical="top") if c in LETTERS or c == "smart" else WRAP
            # growths green when they improve the metric (a fall of a refund rate), red when they worsen it
            font = change_font(g["metric"], values[c]) if c.endswith("growth") else None
            put(ws, r, j, values[c], kind=k, border=BOX, align=align, font=font)
    last = first + len(goals) - 1
    col = {c: get_column_letter(j) for j, c in enumerate(SMART_COLS, start=1)}
    marks = f"{col['S']}{first}:{col['smart']}{last}"
    _text_rule(ws, marks, f"{col['S']}{first}", "✓", GREEN)
    _text_rule(ws, marks, f"{col['S']}{first}", "✗", RED)
    band = f"{col['achievability']}{first}:{col['achievability']}{last}"
    for b, color in (("ok", GREEN), ("stretch", AMBER), ("unrealistic", RED)):
        _text_rule(ws, band, f"{col['achievability']}{first}", label("band_" + b, lang), color)
    for j, c in enumerate(SMART_COLS, start=1):
        if c in LETTERS or c == "smart":
            ws.column_dimensions[col[c]].width = 8 if c == "smart" else 5
        else:
            fit_column(ws, j, row, last, max_width=WIDTHS.get(c, 16), min_width=10)
    ws.freeze_panes = ws.cell(row=first, column=3)
    put(ws, last + 2, 1, label("smart_rules", lang, ok=s.t("ok_growth_margin"), stretch=s.t("stretch_growth_margin"),
                               max=s.t("max_growth")), font=SUB_FONT)


# --------------------------------------------------------------------------------------------- Plan
def write_plan(wb: Workbook, review: Review) -> None:
    """The Plan sheet: goals, months (+ last year) and quarters per goal with a chart per goal right of it
    (stacked down past the actions and weeks), actions, weeks. The tables are stacked from column A; text that would widen a shared column wraps
    (goal descriptions, scopes) or spans several columns (actions)."""
    lang, s = review.lang, review.settings
    ws = wb.create_sheet(sheet_name("plan", lang))
    ws.sheet_view.showGridLines = False
    row = write_title(ws, label("plan_title", lang, year=s.plan_year), label("plan_sub", lang))
    goals = [g for g in (review.goals or []) if g.get("planned")]
    plan = review.plan
    if not goals or plan is None or not len(plan):
        put(ws, row, 1, label("no_plan", lang))
        return
    value_cols = max(2 * len(goals), 6)        # columns B.. the goals, months and actions tables take

    # months and quarters first (their numbers set the shared column widths): period | per goal: target, last year
    row = write_block_title(ws, row, 1, label("plan_goals_block", lang))
    goals_row = row
    row += len(goals) + 2                       # the goals table is written after the months (text wraps)
    mtitle = row
    row = write_block_title(ws, row, 1, label("plan_month_block", lang))
    head = [label("period", lang)]
    for g in goals:
        head += [f"{g['goal_id']} {label('target', lang)}", f"{g['goal_id']} {label('last_year', lang, year=s.review_year)}"]
    _header(ws, row, 1, head)
    mfirst = row + 1
    months = [f"{s.plan_year}-{m:02d}" for m in range(1, 13)]
    quarters = [f"{s.plan_year}-Q{q}" for q in range(1, 5)]
    for i, period in enumerate(months + quarters):
        bold = Font(bold=True) if i >= 12 else None
        put(ws, mfirst + i, 1, period, border=BOX, font=bold)
    for j, g in enumerate(goals):
        p = plan[plan["goal_id"] == g["goal_id"]].set_index("period")
        kind = number_kind(g["metric"])
        for i, period in enumerate(months + quarters):
            bold = Font(bold=True) if i >= 12 else None
            if period in p.index:
                put(ws, mfirst + i, 2 + 2 * j, p.at[period, "target"], kind=kind, border=BOX, font=bold)
                put(ws, mfirst + i, 3 + 2 * j, p.at[period, "last_year"], kind=kind, border=BOX, font=bold)
    mlast = mfirst + 15
    for c in range(1, 2 + 2 * len(goals)):
        fit_column(ws, c, mfirst, mlast, min_width=12, max_width=18)
        _wrap_header(ws, row, c)

    # goals planned (above the months): descriptions and scopes wrap in the months' column widths
    gframe = pd.DataFrame([{"goal_id": g["goal_id"], "description": g["description"], "metric": g["metric"],
                            "scope": g["scope"], "smart": "✓" if g["smart"] else "✗ " + label("not_smart", lang),
                            "frozen": label("frozen_yes" if g["plan_frozen"] else "frozen_new", lang)}
                           for g in goals])
    cols = [Col("goal_id", width=10, wrap=True), Col("description", width=24, wrap=True),
            Col("metric", width=18, wrap=True), Col("scope", width=20, wrap=True),
            Col("smart", kind="text", width=18, wrap=True), Col("frozen", kind="text", width=18, wrap=True)]
    first, last = write_table(ws, gframe, cols, goals_row, 1, lang)
    for i, g in enumerate(goals):
        put(ws, first + i, 7, g["target"], kind=number_kind(g["metric"]), border=BOX,
            align=Alignment(vertical="top"))
    _header(ws, goals_row, 7, [label("target", lang)])
    fit_column(ws, 7, first, last, max_width=18)

    # one chart per goal right of the tables, stacked from the months table down: monthly plan (bars) vs
    # last year (line)
    chart_col = 3 + value_cols                  # one narrow column after the months table (and the goals)
    span_cols, rows_per_chart = 9, 15           # each chart over 9 columns of 8.43 (about 16 cm) and 14 rows
    for c in range(chart_col - 1, chart_col + span_cols):
        letter = get_column_letter(c)
        if letter not in ws.column_dimensions:
            ws.column_dimensions[letter].width = 2 if c == chart_col - 1 else 8.43
    for j, g in enumerate(goals[:MAX_CHARTS]):
        chart = BarChart()
        chart.title = f"{g['goal_id']} {label(g['metric'], lang)}: {label('chart_plan', lang, year=s.plan_year)}"
        cats = Reference(ws, min_col=1, min_row=mfirst, max_row=mfirst + 11)
        chart.add_data(Reference(ws, min_col=2 + 2 * j, min_row=mfirst - 1, max_row=mfirst + 11), titles_from_data=True)
        chart.set_categories(cats)
        line = LineChart()
        line.add_data(Reference(ws, min_col=3 + 2 * j, min_row=mfirst - 1, max_row=mfirst + 11), titles_from_data=True)
        line.set_categories(cats)
        for series in line.series:
            series.smooth = False
        chart += line
        chart.legend.position = "b"
        add_chart_over(ws, chart, chart_col, mtitle + j * rows_per_chart, span_cols, rows_per_chart - 1)
    row = mlast + 2

    # actions: goal | kind | action (spanning the months table's columns, wrapped)
    actions = review.plan_actions
    if actions is not None and len(actions):
        row = write_block_title(ws, row, 1, label("plan_actions_block", lang))
        span_end = 1 + value_cols
        _header(ws, row, 1, [label("goal_id", lang), label("action_kind", lang), label("goal_action", lang)])
        _merge(ws, row, 3, span_end, header=True)
        span = sum(ws.column_dimensions[get_column_letter(c)].width or 8.43 for c in range(3, span_end + 1))
        for i, rec in enumerate(actions.itertuples(index=False)):
            r = row + 1 + i
            put(ws, r, 1, rec.goal_id, border=BOX, align=WRAP)
            put(ws, r, 2, label("action_" + rec.kind, lang), border=BOX, align=WRAP)
            action = render(rec.action, lang)
            put(ws, r, 3, action, border=BOX, align=WRAP)
            _merge(ws, r, 3, span_end)
            grow_row(ws, r, wrapped_lines(action, span))
        row = row + len(actions) + 2

    # weeks: week | per goal target
    row = write_block_title(ws, row, 1, label("plan_week_block", lang))
    _header(ws, row, 1, [label("week", lang)] + [f"{g['goal_id']} {label('target', lang)}" for g in goals])
    weeks = plan.loc[plan["grain"] == "week", "period"].drop_duplicates().tolist()
    weeks = sorted(weeks)
    for i, wk in enumerate(weeks):
        put(ws, row + 1 + i, 1, wk, border=BOX)
    for j, g in enumerate(goals):
        p = plan[(plan["goal_id"] == g["goal_id"]) & (plan["grain"] == "week")].set_index("period")["target"]
        kind = number_kind(g["metric"])
        for i, wk in enumerate(weeks):
            put(ws, row + 1 + i, 2 + j, p.get(wk), kind=kind, border=BOX)
    for c in range(1, 2 + len(goals)):
        fit_column(ws, c, row + 1, row + len(weeks), max_width=18)
        _wrap_header(ws, row, c)
    ws.freeze_panes = "B4"


def _wrap_header(ws, row: int, col: int) -> None:
    """Give header cell (row, col) the lines it needs in its column's width."""
    c = ws.cell(row=row, column=col)
    width = ws.column_dimensions[get_column_letter(col)].width or 8.43
    grow_row(ws, row, wrapped_lines(c.value or "", width / 1.15))


def _merge(ws, row: int, first_col: int, last_col: int, header: bool = False) -> None:
    """Merge (row, first_col..last_col), with the table's border (and header fill) on every cell."""
    for c in range(first_col + 1, last_col + 1):
        cell = ws.cell(row=row, column=c)
        cell.border = BOX
        if header:
            cell.fill = HEADER_FILL
    ws.merge_cells(start_row=row, start_column=first_col, end_row=row, end_column=last_col)


# ----------------------------------------------------------------------------------------- Tracking
TRACK_COLS = ["goal_id", "week", "plan", "actual", "cum_plan", "cum_actual", "deviation", "status_label", "forecast"]


def write_tracking(wb: Workbook, review: Review) -> None:
    """The Tracking sheet: latest status per goal, weekly plan vs actual, cumulative chart per goal."""
    lang, s = review.lang, review.settings
    ws = wb.create_sheet(sheet_name("tracking", lang))
    ws.sheet_view.showGridLines = False
    row = write_title(ws, label("tracking_title", lang, year=s.plan_year),
                      label("tracking_sub", lang, on=f"{s.t('on_track_deviation'):.0%}",
                            risk=f"{s.t('at_risk_deviation'):.0%}"))
    tr = review.tracking
    if tr is None or not len(tr):
        put(ws, row, 1, label("no_tracking", lang, year=s.plan_year))
        return
    goals = {g["goal_id"]: g for g in review.goals or []}
    tr = tr.assign(status_label=[label("status_" + v, lang) if isinstance(v, str) else "" for v in tr["status"]])

    # latest week per goal
    row = write_block_title(ws, row, 1, label("tracking_latest_block", lang))
    report = latest_week(review.goals, review.tracking)
    latest = report[~report["status"].isin(("no_data", *LEFT_OUT))].reset_index(drop=True).assign(
        status_label=lambda f: [label("status_" + v, lang) if isinstance(v, str) else "" for v in f["status"]])
    lcols = [Col("goal_id", width=10), Col("description", width=28), Col("week", kind="text", width=10),
             Col("cum_plan"), Col("cum_actual"), Col("deviation"), Col("status_label", "status", "text", 12),
             Col("forecast"), Col("target")]
    first, last = write_table(ws, latest, lcols, row, 1, lang)
    _kinds(ws, latest, lcols, first, goals)
    _status_rules(ws, f"A{first}:{get_column_letter(len(lcols))}{last}", f"$G{first}", lang)
    row = last + 1
    untracked = report[report["status"].eq("not_additive")]
    if len(untracked):     # METRICS 8 tracks additive metrics; say where the ratio goals are followed instead
        ids = ", ".join(f"{g} ({label(m, lang)})" for g, m in zip(untracked["goal_id"], untracked["metric"]))
        put(ws, row, 1, label("tracking_ratio_note", lang, goals=ids), font=SUB_FONT)
        row += 1
    row += 1

    # weekly table (all goals, one block per goal) and a chart per goal
    row = write_block_title(ws, row, 1, label("tracking_weekly_block", lang))
    cols = [Col(c, "status" if c == "status_label" else None, "text" if c in ("week", "status_label") else None)
            for c in TRACK_COLS]
    first, last = write_table(ws, tr, cols, row, 1, lang)
    _kinds(ws, tr, cols, first, goals)
    _status_rules(ws, f"A{first}:{get_column_letter(len(cols))}{last}", f"$H{first}", lang)
    ws.freeze_panes = ws.cell(row=first, column=3)
    chart_col = len(cols) + 2
    for j, (gid, block) in enumerate(list(tr.groupby("goal_id", sort=False))[:MAX_CHARTS]):
        r0 = first + int(block.index[0])
        r1 = first + int(block.index[-1])
        chart = LineChart()
        chart.title = f"{gid} {label(goals[gid]['metric'], lang)}: {label('chart_tracking', lang)}"
        chart.add_data(Reference(ws, min_col=5, min_row=r0, max_row=r1), titles_from_data=False)
        chart.add_data(Reference(ws, min_col=6, min_row=r0, max_row=r1), titles_from_data=False)
        from openpyxl.chart.series import SeriesLabel
        chart.series[0].tx = SeriesLabel(v=label("cum_plan", lang))
        chart.series[1].tx = SeriesLabel(v=label("cum_actual", lang))
        chart.set_categories(Reference(ws, min_col=2, min_row=r0, max_row=r1))
        for series in chart.series:
            series.smooth = False
        chart.height, chart.width = 7, 18
        ws.add_chart(chart, f"{get_column_letter(chart_col)}{first + j * 15}")


def _kinds(ws, frame: pd.DataFrame, cols: list[Col], first: int, goals: dict) -> None:
    """Re-format the money-like columns by each row's goal metric (counts as integers, rates as %)."""
    money_like = {"plan", "actual", "cum_plan", "cum_actual", "forecast", "target"}
    from .layout import FORMATS
    for i, gid in enumerate(frame["goal_id"].tolist()):
        kind = number_kind(goals[gid]["metric"]) if gid in goals else "money"
        for j, c in enumerate(cols, start=1):
            if c.key in money_like:
                cell = ws.cell(row=first + i, column=j)
                if cell.value is not None and not isinstance(cell.value, str):
                    cell.number_format = FORMATS[kind]


def _status_rules(ws, area: str, cell: str, lang: str) -> None:
    for st, color in (("on_track", GREEN), ("at_risk", AMBER), ("off_track", RED)):
        _text_rule(ws, area, cell, label("status_" + st, lang), color)


# ---------------------------------------------------------------------------------- frozen plan data
def write_plan_data(wb: Workbook, review: Review) -> None:
    """The hidden ``xlr_plan`` sheet: the plan as a table the next build reads back (frozen plan)."""
    table = frozen_table(review.goals or [], review.plan, review.settings.plan_year)
    ws = wb.create_sheet(sheet_name("plan_data", review.lang))
    for j, key in enumerate(FROZEN_COLUMNS, start=1):
        put(ws, 1, j, key)
    for i, rec in enumerate(table.itertuples(index=False, name=None), start=2):
        for j, v in enumerate(rec, start=1):
            put(ws, i, j, v)     # text stays text (goal ids such as 001, scopes starting with =)
    ws.sheet_state = "hidden"
