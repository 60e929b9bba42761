"""One hierarchy of errors; the CLI and the Excel macros turn each into a message, never a traceback.

An error a user can cause is raised with a message code of the catalogue and its parameters::

    raise NotAWorkbook("file_missing", path=path)

and rendered at the edge in the command's language: ``exc.message(lang)`` (``str(exc)`` is the zh
text). The raiser does not need to know the language; the CLI and the macros resolve it once per
command (docs/architecture.md, "Words and language").
"""
from __future__ import annotations

from .text import CATALOGUE, DEFAULT_LANGUAGE, tr


class XlreviewError(Exception):
    """Base of every error xlreview raises on purpose (bad input, locked file, ...).

    ``XlreviewError(code, **params)`` with ``"msg." + code`` a catalogue key. A text that is not a
    code is kept as it is (the same in both languages): use codes for anything a seller reads.
    """

    exit_code = 1

    def __init__(self, code: str = "", /, **params):
        self.code = code if ("msg." + code) in CATALOGUE else None
        self.text = None if self.code else code
        self.params = params
        super().__init__(self.message(DEFAULT_LANGUAGE))

    def message(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """The message in ``lang`` (zh / en)."""
        if self.code is None:
            return self.text or ""
        return tr("msg." + self.code, lang, **{k: _shown(v) for k, v in self.params.items()})


def _shown(value) -> str:
    return value if isinstance(value, str) else str(value)


class InputProblems(XlreviewError):
    """The workbook's input data has errors; ``report`` holds every problem found."""

    def __init__(self, report):
        self.report = report
        super().__init__(report.summary_line())

    def message(self, lang: str = DEFAULT_LANGUAGE) -> str:
        self.report.language = lang
        return self.report.summary_line()


class NotAWorkbook(XlreviewError):
    """The file is missing, not a zip/xlsx/xlsm, or damaged."""


class WorkbookLocked(XlreviewError):
    """The file is open in Excel/WPS/LibreOffice or not writable."""


class SaveRefused(XlreviewError):
    """A save was checked and refused (the VBA project or the ribbon would be lost, the file would not
    reopen); nothing was written. A bug of xlreview, never of the seller's data."""


class UsageError(XlreviewError):
    """A command used the wrong way (an existing target without --force, --json onto the workbook, ...)."""

    exit_code = 2
