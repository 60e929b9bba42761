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

import shutil
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path

from ..errors import InputProblems, XlreviewError

TITLE = "xlreview"
TEXTS: dict[str, tuple[str, str]] = {
    "built": ("复盘已生成：{n} 张工作表。", "Review built: {n} sheet(s)."),
    "built_warnings": ("另有 {w} 条数据提示，见仪表盘。", "{w} data warning(s): see the Dashboard."),
    "input_errors": ("输入数据有 {e} 个错误，工作簿的复盘表未改动。详情见「{log}」表。",
                     "The input data has {e} error(s); the review sheets were not changed. See the '{log}' sheet."),
    "failed": ("{text}\n详情见「{log}」表。", "{text}\nSee the '{log}' sheet."),
    "internal": ("内部错误，复盘表未改动。详情见「{log}」表，请把该表内容发给开发者。",
                 "Internal error; the review sheets were not changed. See the '{log}' sheet and send it to the developers."),
    "goals": ("{smart}/{n} 个目标符合 SMART。", "{smart} of {n} goal(s) are SMART."),
    "no_goals": ("「Goals」表还没有目标。", "The Goals sheet has no goals yet."),
    "plan": ("计划已生成，见「{sheet}」表。", "Plan made: see the '{sheet}' sheet."),
    "track": ("周跟踪已更新，见「{sheet}」表。", "Tracking updated: see the '{sheet}' sheet."),
    "not_yet": ("本版本尚未生成「{sheet}」表。", "This version does not make the '{sheet}' sheet yet."),
    "save_first": ("请先保存工作簿（.xlsm），再导入数据。", "Save the workbook (.xlsm) first, then import."),
    "imported": ("已导入 {added} 行，跳过重复 {dup} 行，拒绝 {rej} 行（见导入日志）。",
                 "Imported {added} row(s); {dup} duplicate(s) skipped, {rej} rejected (see the Import Log)."),
    "pick": ("选择要导入的平台/ERP 导出文件", "Choose platform / ERP export files to import"),
    "help": ("xlreview 跨境复盘\n\n"
             "导入数据：读取亚马逊、eBay、Shopify、TikTok、马帮、店小秘的导出文件，写入输入表。\n"
             "生成复盘：检查输入表并重建全部复盘表和图表（输入表不会被修改）。\n"
             "检查目标：按 SMART 检查 Goals 表的目标。\n"
             "生成计划：把年度目标拆到月、季度和周。\n"
             "周跟踪：用今年的订单对比计划。\n\n"
             "公式：=XLR_NET_SALES(Orders!A1:P500) 等，见 docs/excel.md。",
             "xlreview year-end review\n\n"
             "Import: read Amazon, eBay, Shopify, TikTok, Mabang, Dianxiaomi exports into the input sheets.\n"
             "Build review: check the input sheets and rebuild every review sheet and chart (inputs are never changed).\n"
             "Check goals: SMART check of the Goals sheet.\n"
             "Make plan: split the yearly goals into months, quarters and weeks.\n"
             "Track week: compare this year's orders with the plan.\n\n"
             "Formulas: =XLR_NET_SALES(Orders!A1:P500) and more, see docs/excel.md."),
}


def text(key: str, lang: str, **params) -> str:
    zh, en = TEXTS[key]
    return (zh if lang == "zh" else en).format(**params)


# ---------------------------------------------------------------------------------- the buttons
def build_review() -> None:
    """生成复盘 / Build review: validate the inputs, rebuild every generated sheet, save."""
    run(lambda backend, progress, lang: _built(build_backend_(backend, progress), lang))


def check_goals() -> None:
    """检查目标 / Check goals: build, then show the SMART Check sheet and how many goals pass."""
    def action(backend, progress, lang):
        result = build_backend_(backend, progress)
        goals = result.review.goals or []
        _show(backend, "smart", lang)
        if not goals:
            return text("no_goals", lang)
        return text("goals", lang, smart=sum(bool(g.get("smart")) for g in goals), n=len(goals))
    run(action)


def make_plan() -> None:
    """生成计划 / Make plan: build, then show the Plan sheet."""
    run(lambda backend, progress, lang: _after_build(backend, progress, lang, "plan"))


def track_week() -> None:
    """周跟踪 / Track week: build (plan_year orders are the actuals), then show the Tracking sheet."""
    run(lambda backend, progress, lang: _after_build(backend, progress, lang, "tracking"))


def import_files() -> None:
    """导入数据 / Import: pick export files, import them with the CLI's importer, update the sheets."""
    def action(backend, progress, lang):
        files = pick_files(backend.book, text("pick", lang))
        if not files:
            return None
        return import_into_book(backend, files, progress, lang)
    run(action)


def show_help() -> None:
    """帮助 / Help: what each button does."""
    import xlwings as xw
    book = xw.Book.caller()
    book.app.alert(text("help", book_language(book)), title=TITLE, mode="info")


# ---------------------------------------------------------------------------------- the machinery
def build_backend_(backend, progress):
    from ..pipeline import build_backend
    return build_backend(backend, progress)


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
        message, mode = text("input_errors", lang, e=len(exc.report.errors), log=_log_name(lang)), "critical"
    except XlreviewError as exc:
        log = [str(exc)]
        message, mode = text("failed", lang, text=_short(str(exc)), log=_log_name(lang)), "critical"
    except Exception:   # noqa: BLE001 - the one place that turns any bug into a message
        log = [text("internal", lang, log=_log_name(lang)), "", traceback.format_exc()]
        message, mode = text("internal", lang, log=_log_name(lang)), "critical"
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
    from ..cli import STEP_NAMES

    def progress(step: str) -> None:
        zh, en = STEP_NAMES.get(step, (step, step))
        app.status_bar = f"xlreview: {zh if lang == 'zh' else en}…"
    return progress


def book_language(book) -> str:
    """The Settings sheet's ``language`` (zh/en) read from the open book; zh when absent or unreadable."""
    from ..model.schema import normalize_header
    try:
        names = [s.name for s in book.sheets]
        settings = next((n for n in names if normalize_header(n) in ("settings", "设置")), None)
        if settings is None:
            return "zh"
        rows = book.sheets[settings].range("A1:B60").options(ndim=2).value
        for key, value in rows:
            if key is not None and normalize_header(key) in ("language", "语言") and value:
                return "en" if str(value).strip().lower().startswith("en") else "zh"
    except Exception:   # noqa: BLE001 - language is a nicety; never fail on it
        pass
    return "zh"


def _log_name(lang: str) -> str:
    from ..sheets.labels import sheet_name
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
    out = text("built", lang, n=len(result.sheets))
    warnings = len(result.review.warnings) + len(result.review.unknown_skus)
    return out + ("\n" + text("built_warnings", lang, w=warnings) if warnings else "")


def _show(backend, sheet_id: str, lang: str) -> str | None:
    from ..sheets.labels import sheet_name
    name = sheet_name(sheet_id, lang)
    if name in backend.sheet_names():
        backend.book.sheets[name].activate()
        return name
    return None


def _after_build(backend, progress, lang: str, sheet_id: str) -> str:
    from ..sheets.labels import sheet_name
    build_backend_(backend, progress)
    shown = _show(backend, sheet_id, lang)
    if shown is None:
        return text("not_yet", lang, sheet=sheet_name(sheet_id, lang))
    return text("plan" if sheet_id == "plan" else "track", lang, sheet=shown)


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
    """Run the CLI's importer on a saved copy of the open book, then copy the changed cells back.

    The importer works on files (openpyxl); Excel keeps the open file locked, so it runs on a copy:
    save -> copy -> import into the copy -> write every changed cell (one write per block) and every
    new sheet into the open book -> save. Nothing is written to the open book if the import fails.
    """
    from ..importers.apply import import_files as import_into_file
    from ..workbook.headless import HeadlessBackend
    from ..workbook.live import copy_changes
    book = backend.book
    path = Path(book.fullname)
    if not path.parent.is_dir() or not path.is_file():
        return text("save_first", lang)
    progress("import")
    book.save()
    with tempfile.TemporaryDirectory(prefix="xlreview-import-") as tmp:
        copy = Path(tmp) / ("copy" + path.suffix)
        shutil.copyfile(path, copy)
        before = HeadlessBackend(copy).read_sheets(backend.sheet_names())
        report = import_into_file(copy, files)
        after_backend = HeadlessBackend(copy)
        after = after_backend.read_sheets(after_backend.sheet_names())
        progress("write")
        copy_changes(book, before, after, copy)
    book.save()
    return text("imported", lang, added=report.added, dup=report.duplicates, rej=report.rejected)


__all__ = ["build_review", "check_goals", "make_plan", "track_week", "import_files", "show_help"]
