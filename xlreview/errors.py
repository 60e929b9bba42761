"""One hierarchy of errors; the CLI and the Excel macros turn each into a message, never a traceback."""
from __future__ import annotations


class XlreviewError(Exception):
    """Base of every error xlreview raises on purpose (bad input, locked file, ...)."""

    exit_code = 1


class InputProblems(XlreviewError):
    """The workbook's input data has errors; ``report`` holds every problem found."""

    def __init__(self, report):
        self.report = report
        super().__init__(report.summary_line())


class NotAWorkbook(XlreviewError):
    """The file is missing, not a zip/xlsx/xlsm, or damaged."""


class WorkbookLocked(XlreviewError):
    """The file is open in Excel/WPS/LibreOffice or not writable."""


class UsageError(XlreviewError):
    exit_code = 2
