"""The one workbook path behind the CLI, the Excel macros and the tests.

Every command runs: open (a backend: the file headlessly, the open book in Excel) -> lock check (the
Office lock file ``~$name.xlsm``) -> read -> validate -> compute (or, for ``import``, parse the export
files) -> write (generated sheets, or the upsert of imported rows and the Import Log) -> save (headless:
atomic temp file + rename) -> verify (the saved file reopens and still holds the VBA project and the
ribbon relationship; else ``SaveRefused`` and the file is left as it was).

``build`` / ``build_backend`` and ``import_files`` / ``import_backend_files`` are the two writing
commands; ``check`` stops after validate. Nothing is written until everything has been computed;
input errors raise ``InputProblems`` with the whole report and leave the workbook as it was.
"""
from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from .core.review import Review, compute_review, review_json
from .errors import InputProblems, XlreviewError
from .model.problems import Report
from .model.read import read_inputs
from .text import DEFAULT_LANGUAGE, sheet_name
from .workbook.base import Backend

Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    pass


@dataclass
class BuildResult:
    review: Review
    report: Report
    sheets: list[str]          # the visible generated sheets
    timings: dict[str, float] = field(default_factory=dict)


def open_backend(path) -> Backend:
    from .workbook.headless import HeadlessBackend
    return HeadlessBackend(Path(path))


def workbook_language(backend: Backend) -> str:
    """The language ("zh" / "en") of an open workbook: its Settings ``language``; zh when there is none.

    The CLI and the ribbon call this once per command (unless ``--lang`` overrides it) and pass the
    result down; nothing else reads the language (docs/architecture.md, "Words and language").
    """
    from .model.read import settings_language
    from .model.schema import sheet_for_name
    names = [n for n in backend.sheet_names() if (spec := sheet_for_name(n)) is not None and spec.name == "Settings"]
    return settings_language(backend.read_sheets(names[:1])) if names else DEFAULT_LANGUAGE


def file_language(path) -> str:
    """``workbook_language`` of a workbook file; zh when the file is missing or cannot be read."""
    from .workbook.headless import HeadlessBackend
    try:
        return workbook_language(HeadlessBackend(Path(path), any_extension=True))
    except XlreviewError:
        return DEFAULT_LANGUAGE


def check_backend(backend: Backend, progress: Progress = _quiet, lang: str | None = None):
    """Read and validate every input sheet. Returns (Inputs or None, Report).

    ``lang`` (the command's language, when resolved) replaces Settings ``language`` for the report and the review.
    """
    progress("read")
    raw = backend.read_sheets()
    progress("validate")
    inputs, report = read_inputs(raw, backend.workbook_path())
    if lang is not None:
        report.language = lang
        if inputs is not None:
            inputs.settings.language = lang
    return inputs, report


def read_frozen_plan(backend: Backend):
    """The plan a previous build stored in the hidden ``xlr_plan`` sheet (None when there is none)."""
    from .core.plan import frozen_from_rows
    name = sheet_name("plan_data")
    if name not in backend.sheet_names():
        return None
    raw = backend.read_sheets([name]).get(name)
    return frozen_from_rows(raw.rows) if raw is not None else None


def build_backend(backend: Backend, progress: Progress = _quiet, json_out: Path | None = None,
                  replan: bool = False, lang: str | None = None) -> BuildResult:
    """Run the whole review on an open backend and replace its generated sheets (then save).

    The plan of a previous build stays frozen for unchanged goals unless ``replan`` is true.
    ``lang``: the command's language (None: Settings ``language``).
    """
    from .sheets import render
    t = {}
    t0 = time.perf_counter()
    inputs, report = check_backend(backend, progress, lang)
    t["read"] = time.perf_counter() - t0
    if inputs is None:
        raise InputProblems(report)
    progress("compute")
    t1 = time.perf_counter()
    review = compute_review(inputs, frozen_plan=None if replan else read_frozen_plan(backend))
    review = replace(review, warnings=[p.text(review.lang) for p in report.warnings if p.code != "unknown_sku"])
    payload = review_json(review) if json_out is not None else None
    t["compute"] = time.perf_counter() - t1
    progress("write")
    t2 = time.perf_counter()
    wb = render(review)
    backend.write_generated(wb, activate=wb.sheetnames[0] if wb.sheetnames else None)
    names = [ws.title for ws in wb.worksheets if ws.sheet_state == "visible"]   # what the seller sees
    backend.save()
    t["write"] = time.perf_counter() - t2
    if json_out is not None:
        write_json(payload, json_out)
    return BuildResult(review, report, names, t)


def review_backend(backend: Backend, progress: Progress = _quiet, lang: str | None = None) -> Review:
    """Read, validate and compute the review of an open backend without writing anything (the deck's way in).

    The frozen plan of the last build is used, so the deck shows the plan the sheets show.
    ``lang``: the command's language (None: Settings ``language``). Raises InputProblems (with the whole
    report) on input errors.
    """
    inputs, report = check_backend(backend, progress, lang)
    if inputs is None:
        raise InputProblems(report)
    progress("compute")
    review = compute_review(inputs, frozen_plan=read_frozen_plan(backend))
    return replace(review, warnings=[p.text(review.lang) for p in report.warnings if p.code != "unknown_sku"])


def deck(path, out=None, progress: Progress = _quiet, lang: str | None = None, force: bool = False):
    """Write the year-end deck of the workbook at ``path`` to ``out`` (default: next to it, same name, .pptx;
    an existing deck is kept unless ``force``, see ``deck.deck_path``).

    The workbook is only read. Returns (deck path, slides, review).
    """
    from .deck import deck_path, write_deck
    target = deck_path(Path(path), Path(out) if out else None, force)
    backend = open_backend(path)
    try:
        review = review_backend(backend, progress, lang)
    finally:
        close = getattr(backend, "close", None)
        if close:
            close()
    progress("deck")
    slides = write_deck(review, target)
    return target, slides, review


def write_json(payload: dict, path: Path) -> None:
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(payload, ensure_ascii=False, indent=1, allow_nan=False), encoding="utf-8")
    tmp.replace(path)


def check(path, progress: Progress = _quiet, lang: str | None = None) -> Report:
    """Validate a workbook file; returns the report (errors and warnings) in ``lang`` (None: Settings)."""
    _, report = check_backend(open_backend(path), progress, lang)
    return report


@contextmanager
def open_for_writing(path) -> Iterator[Backend]:
    """Open -> lock check: the headless backend of the workbook file at ``path``, closed afterwards.

    Raises NotAWorkbook (missing, damaged, .xlsm renamed .xlsx) or WorkbookLocked (open in Excel,
    WPS or LibreOffice, or read-only) before anything is read.
    """
    from .workbook.headless import check_not_locked
    backend = open_backend(path)
    try:
        check_not_locked(Path(path))
        yield backend
    finally:
        backend.close()


def build(path, json_out=None, progress: Progress = _quiet, replan: bool = False,
          lang: str | None = None) -> BuildResult:
    """Build the review into the workbook file at ``path`` (and the JSON result when asked).

    ``replan``: recompute the plan of every goal instead of keeping the frozen one.
    ``lang``: the command's language (None: Settings ``language``).
    """
    with open_for_writing(path) as backend:
        return build_backend(backend, progress, Path(json_out) if json_out else None, replan=replan, lang=lang)


def import_backend_files(backend: Backend, workbook, files, source: str | None = None, lang: str | None = None,
                         progress: Progress = _quiet, to_store: bool = False):
    """Import export files into an open backend: parse -> upsert rows -> Import Log -> save (-> verify).

    Returns the ``ImportReport``. ``workbook``: the book's path (named on the report). The export files
    are all parsed before the workbook is touched.
    """
    from .importers.apply import import_backend, import_log_blocks, keep_written_keys, read_batches
    lang = lang or workbook_language(backend)
    progress("import")
    batches = read_batches(files, source, lang)
    progress("write")
    report = import_backend(backend, Path(workbook), batches, lang, to_store=to_store)
    report.log_sheet = write_import_log(backend, import_log_blocks(report, lang), lang)
    part, report.pending_part = report.pending_part, None
    try:
        backend.save()
    except BaseException:
        if part is not None:
            part.discard()
        raise
    if part is not None:                 # the store part becomes visible once the workbook names it
        report.store_part = part.publish()
    keep_written_keys(backend, report)
    return report


def write_import_log(backend: Backend, blocks: list[dict], lang: str) -> str:
    """The Import Log (``sheets.import_log``: formatted, set up for print) in place of the log in either
    language, so a change of Settings ``language`` leaves one log. Returns its name."""
    from openpyxl import Workbook

    from .sheets.import_log import write_import_log as lay_out
    from .text import LANGUAGES, sheet_name
    wb = Workbook()
    wb.remove(wb.active)
    name = lay_out(wb, blocks, lang).title
    backend.put_sheets(wb, [sheet_name("import_log", other) for other in LANGUAGES])
    return name


def import_files(path, files, source: str | None = None, lang: str | None = None, progress: Progress = _quiet,
                 to_store: bool = False):
    """``xlreview import``: import export files into the workbook file at ``path`` (see import_backend_files).

    ``to_store``: every new order line goes to the order store (lines past the sheet's limit go there anyway).
    """
    with open_for_writing(path) as backend:
        return import_backend_files(backend, path, files, source, lang, progress, to_store=to_store)
