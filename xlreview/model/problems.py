"""The one report of input problems: every error and warning with sheet, Excel row, column, value, fix."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..text import tr


@dataclass(frozen=True)
class Problem:
    severity: str          # "error" | "warning"
    sheet: str
    row: int | None        # Excel row number (1-based), None for sheet/column-level problems
    column: str | None     # header as found in the workbook (or the canonical key when missing)
    value: object
    code: str              # message key in xlreview.text ("msg." + code)
    params: tuple = ()     # (name, value) pairs for the message

    def text(self, lang: str = "zh") -> str:
        """One line a seller can act on: where, what, and what to do."""
        where = tr("msg.where_sheet", lang, sheet=self.sheet)
        if self.row is not None:
            where += tr("msg.where_row", lang, row=self.row)
        if self.column:
            where += tr("msg.where_col", lang, column=self.column)
        shown = "" if self.value is None or self.value == "" else tr("msg.where_value", lang, value=_short(self.value))
        return f"{where}{shown}: {tr('msg.' + self.code, lang, **dict(self.params))}"

    def as_dict(self, lang: str = "zh") -> dict:
        return {"severity": self.severity, "sheet": self.sheet, "row": self.row, "column": self.column,
                "value": None if self.value is None else str(self.value), "code": self.code,
                "message": self.text(lang)}


def _short(value: object) -> str:
    s = str(value)
    return s if len(s) <= 60 else s[:57] + "..."


@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)
    language: str = "zh"

    def add(self, severity, sheet, row, column, value, code, **params):
        self.problems.append(Problem(severity, sheet, None if row is None else int(row), column,
                                     value, code, tuple(params.items())))

    def error(self, sheet, row, column, value, code, **params):
        self.add("error", sheet, row, column, value, code, **params)

    def warning(self, sheet, row, column, value, code, **params):
        self.add("warning", sheet, row, column, value, code, **params)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary_line(self) -> str:
        return tr("msg.report_summary", self.language, errors=len(self.errors), warnings=len(self.warnings))

    def lines(self) -> list[str]:
        order = sorted(self.problems, key=lambda p: (p.severity != "error", p.sheet, p.row or 0, p.column or ""))
        tag = {"error": tr("msg.tag_error", self.language), "warning": tr("msg.tag_warning", self.language)}
        return [f"{tag[p.severity]} {p.text(self.language)}" for p in order]
