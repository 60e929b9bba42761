"""The Risks sheet: the whole checklist of METRICS 9 with a traffic light per risk."""
from __future__ import annotations

import pandas as pd
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.workbook import Workbook

from ..core.review import Review
from ..text import label, sheet_name
from .layout import BOX, SUB_FONT, Col, put, write_table, write_title

# traffic light: status -> (fill, font colour)
LIGHTS = {"triggered": ("F8CBAD", "9C0006"), "ok": ("C6EFCE", "006100"), "advice": ("DDEBF7", "1F3864")}
UNIT_KIND = {"pct": "pct", "int": "int", "money": "money", "days": "int"}
# counts and days carry their unit (catalogue label.risk_unit_<unit>) in the cell format, so "1" next to "10.0%"
# reads as 1 SKU
UNIT_WORDS = ("int", "days")
TEXT_WIDTH = 46          # message and contingency wrap at this width: the sheet prints one page wide


def _status(risks: pd.DataFrame) -> list[str]:
    return ["advice" if k == "flexible_budget" else ("triggered" if t else "ok")
            for k, t in zip(risks["kind"], risks["triggered"])]


def write_risks(wb: Workbook, review: Review) -> None:
    """Add the Risks sheet (nothing when the review has no risk table)."""
    risks = review.risks
    if risks is None:
        return
    lang, s = review.lang, review.settings
    ws = wb.create_sheet(sheet_name("risks", lang))
    ws.sheet_view.showGridLines = False
    status = _status(risks)
    row = write_title(ws, label("risks_title", lang, year=s.review_year),
                      label("risks_sub", lang, n=status.count("triggered"),
                            total=len(risks) - status.count("advice")))
    put(ws, row - 1, 1, label("dashboard_sub", lang, cur=s.base_currency), font=SUB_FONT)
    frame = risks.assign(status_label=[label(f"status_{x}", lang) for x in status],
                         risk_label=[label(f"risk_{k}", lang) for k in risks["kind"]])
    cols = [Col("status_label", "triggered", "text", 12), Col("risk_label", "risk", "text", 16),
            Col("figure", kind="text", width=12), Col("threshold", kind="text", width=10),
            Col("message", kind="text", width=TEXT_WIDTH, wrap=True),
            Col("contingency", kind="text", width=TEXT_WIDTH, wrap=True)]
    first, last = write_table(ws, frame[["status_label", "risk_label", "message", "contingency"]], cols, row, 1,
                              lang)
    wrap = Alignment(wrap_text=True, vertical="top")
    for i, r in enumerate(risks.itertuples(index=False)):
        rr = first + i
        for c, value, unit in ((3, r.figure, r.figure_unit), (4, r.threshold, r.threshold_unit)):
            cell = put(ws, rr, c, value, kind=UNIT_KIND[unit], border=BOX)
            if unit in UNIT_WORDS and cell.value is not None:
                cell.number_format = f'0 "{label("risk_unit_" + unit, lang)}"'
        for c in (1, 2, 3, 4):
            ws.cell(row=rr, column=c).alignment = Alignment(vertical="top")
        for c in (5, 6):        # wrapped rows got their height in write_table
            ws.cell(row=rr, column=c).alignment = wrap
    if last >= first:
        area = f"A{first}:A{last}"
        for key, (fill, colour) in LIGHTS.items():
            text = label(f"status_{key}", lang).replace('"', '""')
            ws.conditional_formatting.add(area, FormulaRule(
                formula=[f'$A{first}="{text}"'], fill=PatternFill("solid", bgColor=fill),
                font=Font(bold=True, color=colour), stopIfTrue=True))
    ws.freeze_panes = ws.cell(row=first, column=1)
