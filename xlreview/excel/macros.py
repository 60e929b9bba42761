"""What the ribbon buttons run (``RunPython "import xlreview.excel.macros as m; m.build_review()"``).

One function per button, each a few lines over the same pipeline as the CLI
(``xlreview.pipeline.build_backend`` / ``check_backend`` on an ``XlwingsBackend``):

- progress goes to Excel's status bar;
- nothing is written until every figure and sheet is computed (the pipeline's guarantee);
- problems are shown in a short message box and listed on the generated Log sheet; an unexpected
  error shows "internal error, see the Log sheet" and only the Log sheet holds the traceback.

xlwings is imported inside the functions, so this module imports anywhere (tests call the functions
with a mock caller book: ``xw.Book.set_mock_caller()`` on Windows, a fake book on Linux).
"""
from __future__ import annotations

import traceback
from collections.abc import Callable
from pathlib import Path

from ..errors import InputProblems, XlreviewError
from ..text import sheet_name, tr

TITLE = "xlreview"


# ---------------------------------------------------------------------------------- the buttons
def build_review() -> None:
    """生成复盘 / Build review: validate the inputs, rebuild every generated sheet, save."""
    run(lambda backend, progress, lang: _built(build_backend_(backend, progress, lang), lang))


def check_goals() -> None:
    """检查目标 / Check goals: build, then show the SMART Check sheet and how many goals pass."""
    def action(backend, progress, lang):
        result = build_backend_(backend, progress, lang)
        goals = result.review.goals or []
        _show(backend, "smart", lang)
        if not goals:
            return tr("macro.no_goals", lang)
        return tr("macro.goals", lang, smart=sum(bool(g.get("smart")) for g in goals), n=len(goals))
    run(action)


def make_plan() -> None:
    """生成计划 / Make plan: build, then show the Plan sheet."""
    run(lambda backend, progress, lang: _after_build(backend, progress, lang, "plan"))


def track_week() -> None:
    """周跟踪 / Track week: build (plan_year orders are the actuals), then show the Tracking sheet."""
    run(lambda backend, progress, lang: _after_build(backend, progress, lang, "tracking"))


def make_deck() -> None:
    """汇报PPT / Deck: compute the review of the open book (nothing written to it) and write the year-end deck
    next to the workbook file (same name, .pptx)."""
    def action(backend, progress, lang):
        from ..deck import deck_path, write_deck
        from ..pipeline import review_backend
        path = Path(backend.book.fullname)
        if not path.parent.is_dir() or not path.is_file():
            return tr("macro.deck_save_first", lang)
        target = deck_path(path)
        review = review_backend(backend, progress, lang)
        progress("deck")
        slides = write_deck(review, target)
        return tr("deck.written", lang, path=target, n=len(slides))
    run(action)


def import_files() -> None:
    """导入数据 / Import: pick export files, import them with the CLI's importer, update the sheets."""
    def action(backend, progress, lang):
        files = pick_files(backend.book, tr("macro.pick", lang))
        if not files:
            return None
        return import_into_book(backend, files, progress, lang)
    run(action)


def show_help() -> None:
    """帮助 / Help: what each button does."""
    import xlwings as xw
    book = xw.Book.caller()
    book.app.alert(tr("macro.help", book_language(book)), title=TITLE, mode="info")


# ---------------------------------------------------------------------------------- the machinery
def build_backend_(backend, progress, lang: str):
    from ..pipeline import build_backend
    return build_backend(backend, progress, lang=lang)


def run(action: Callable, book=None) -> str | None:
    """Run ``action(backend, progress, lang) -> message`` on the calling book; never raise into Excel.

    Returns the message shown (for tests). On a failure only the Log sheet is written.
    """
    import xlwings as xw

    from ..workbook.live import XlwingsBackend
    book = book if book is not None else xw.Book.caller()
    app = book.app
    lang = book_language(book)
    backend = XlwingsBackend(book)
    try:
        message, mode, log = action(backend, status_bar(app, lang), lang), "info", None
    except InputProblems as exc:
        exc.report.language = lang
        log = exc.report.lines() + [exc.report.summary_line()]
        message, mode = tr("macro.input_errors", lang, e=len(exc.report.errors), log=_log_name(lang)), "critical"
    except XlreviewError as exc:
        log = [exc.message(lang)]
        message, mode = tr("macro.failed", lang, text=_short(exc.message(lang)), log=_log_name(lang)), "critical"
    except Exception:   # noqa: BLE001 - the one place that turns any bug into a message
        log = [tr("macro.internal", lang, log=_log_name(lang)), "", traceback.format_exc()]
        message, mode = tr("macro.internal", lang, log=_log_name(lang)), "critical"
    finally:
        app.status_bar = False
    if log is not None:
        try:
            write_log_sheet(book, log, lang)
        except Exception:   # noqa: BLE001 - the message box still tells the user
            pass
    if message:
        app.alert(message, title=TITLE, mode=mode)
    return message


def status_bar(app, lang: str) -> Callable[[str], None]:
    """A pipeline progress callback showing each step in Excel's status bar."""
    def progress(step: str) -> None:
        app.status_bar = f"xlreview: {tr('step.' + step, lang)}…"
    return progress


def book_language(book) -> str:
    """The language of the calling book: ``pipeline.workbook_language`` (its Settings) read live; zh when unreadable."""
    from ..pipeline import workbook_language
    from ..workbook.live import XlwingsBackend
    try:
        return workbook_language(XlwingsBackend(book))
    except Exception:   # noqa: BLE001 - a book we cannot read still gets a (zh) message box, never a traceback
        return "zh"


def _log_name(lang: str) -> str:
    return sheet_name("log", lang)


def _short(s: str, n: int = 300) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"


def write_log_sheet(book, lines: list[str], lang: str) -> None:
    """Replace (only) the Log sheet of the open book by one listing ``lines``."""
    from openpyxl import Workbook

    from ..sheets.log import write_log
    from ..workbook.live import replace_generated_sheets
    wb = Workbook()
    wb.remove(wb.active)
    write_log(wb, lines, lang)
    replace_generated_sheets(book, wb)


def _built(result, lang: str) -> str:
    out = tr("macro.built", lang, n=len(result.sheets))
    warnings = len(result.review.warnings) + len(result.review.unknown_skus)
    return out + ("\n" + tr("macro.built_warnings", lang, w=warnings) if warnings else "")


def _show(backend, sheet_id: str, lang: str) -> str | None:
    name = sheet_name(sheet_id, lang)
    if name in backend.sheet_names():
        backend.book.sheets[name].activate()
        return name
    return None


def _after_build(backend, progress, lang: str, sheet_id: str) -> str:
    build_backend_(backend, progress, lang)
    shown = _show(backend, sheet_id, lang)
    if shown is None:
        return tr("macro.not_yet", lang, sheet=sheet_name(sheet_id, lang))
    return tr("macro.plan" if sheet_id == "plan" else "track", lang, sheet=shown)


# ---------------------------------------------------------------------------------- import
EXPORT_FILTER = "Exports (*.csv;*.txt;*.tsv;*.xlsx;*.xls),*.csv;*.txt;*.tsv;*.xlsx;*.xls,All files (*.*),*.*"


def pick_files(book, title: str) -> list[Path]:
    """Excel's own multi-select file dialog on Windows; a Tk dialog elsewhere. [] when cancelled."""
    import sys
    if sys.platform.startswith("win"):
        picked = book.app.api.GetOpenFilename(EXPORT_FILTER, 1, title, None, True)
        if not picked:                      # False when cancelled
            return []
        return [Path(p) for p in (picked if isinstance(picked, (list, tuple)) else [picked])]
    from tkinter import Tk, filedialog
    root = Tk()
    root.withdraw()
    try:
        return [Path(p) for p in filedialog.askopenfilenames(title=title)]
    finally:
        root.destroy()


def import_into_book(backend, files: list[Path], progress, lang: str) -> str:
    """Import the picked files into the open book: the CLI's path (``pipeline.import_backend_files``) on
    the live backend -- rows go into the book's sheets through xlwings, then the book is saved.

    Every file is parsed before the book is touched, so a file that cannot be read changes nothing.
    """
    from ..pipeline import import_backend_files
    book = backend.book
    path = Path(book.fullname)
    if not path.parent.is_dir() or not path.is_file():
        return tr("macro.save_first", lang)
    report = import_backend_files(backend, path, files, lang=lang, progress=progress)
    return "\n".join([tr("macro.imported", lang, added=report.added, dup=report.duplicates, rej=report.rejected),
                      *report.warning_lines(lang)])      # what the CLI prints too: FX rates missing, unmapped money


__all__ = ["build_review", "check_goals", "make_plan", "track_week", "import_files", "show_help"]
