"""The ribbon entry points on a fake calling book (tests/xlwings_fake.py): status bar, message box,
Log sheet, nothing written on failure, never a traceback in the message."""
from __future__ import annotations

from pathlib import Path

import pytest
import worked_example as we
import xlwings as xw
from xlwings_fake import FakeBook

from xlreview.excel import macros
from xlreview.template import write_workbook
from xlreview.text import sheet_name
from xlreview.workbook.live import is_generated

IMPORTS = Path(__file__).parents[1] / "data" / "imports"


@pytest.fixture
def book(tmp_path, monkeypatch):
    path = write_workbook(tmp_path / "shop.xlsm", we.frames(), macros=True)
    fake = FakeBook.from_file(path)
    monkeypatch.setattr(xw.Book, "caller", classmethod(lambda cls: fake))
    return fake


def names(book) -> list[str]:
    return [s.name for s in book.sheets]


def generated(book) -> list[str]:
    return [s.name for s in book.sheets if is_generated(s)]


def test_ribbon_callbacks_have_a_python_function():
    vba = (Path(macros.__file__).parent / "vba" / "XlreviewRibbon.bas").read_text(encoding="utf-8")
    import re
    called = re.findall(r'XlrRun "(\w+)"', vba)
    assert called and all(callable(getattr(macros, fn, None)) for fn in called)


def test_build_review_writes_sheets_and_reports(book):
    macros.build_review()
    gen = generated(book)
    assert sheet_name("dashboard") in gen and sheet_name("log") not in gen
    (prompt, title, mode), = book.app.alerts
    visible = [n for n in gen if not n.startswith("xlr_")]       # xlr_plan is a hidden data sheet
    assert mode == "info" and title == "xlreview" and f"{len(visible)} " in prompt
    assert book.app.status_bar is False
    assert any(isinstance(s, str) and s.startswith("xlreview: ") for s in book.app.status_history)
    assert book.saves == 1 and book.unsafe_text == []


def test_input_errors_write_only_the_log(book):
    orders = book.sheets["Orders"]
    orders.range("B2").value = "'not a date"
    before = names(book)
    macros.build_review()
    assert generated(book) == [sheet_name("log")]
    assert names(book) == before + [sheet_name("log")]
    log = book.sheets[sheet_name("log")]
    texts = [v for v in log.cells.values() if isinstance(v, str)]
    assert any("not a date" in t for t in texts)
    (prompt, _, mode), = book.app.alerts
    assert mode == "critical" and sheet_name("log") in prompt and "Traceback" not in prompt
    assert book.saves == 0


def test_a_bug_shows_a_short_message_and_the_traceback_only_on_the_log(book, monkeypatch):
    def boom(backend, progress, lang):
        raise ZeroDivisionError("deep inside")
    monkeypatch.setattr(macros, "build_backend_", boom)
    macros.build_review()
    (prompt, _, mode), = book.app.alerts
    assert mode == "critical" and "Traceback" not in prompt and "deep inside" not in prompt
    log = book.sheets[sheet_name("log")]
    assert any("Traceback" in v for v in log.cells.values() if isinstance(v, str))
    assert any("ZeroDivisionError" in v for v in log.cells.values() if isinstance(v, str))
    assert book.app.status_bar is False


def test_second_build_replaces_the_log(book):
    book.sheets["Orders"].range("B2").value = "'not a date"
    macros.build_review()
    book.sheets["Orders"].range("B2").value = we.frames()["Orders"].iloc[0]["order_date"]
    macros.build_review()
    assert sheet_name("log") not in names(book)
    assert sheet_name("dashboard") in generated(book)


@pytest.mark.parametrize("fn, sheet_id", [("check_goals", "smart"), ("make_plan", "plan"),
                                          ("track_week", "tracking")])
def test_goal_buttons_build_then_show_their_sheet(book, fn, sheet_id):
    getattr(macros, fn)()
    (prompt, _, mode), = book.app.alerts
    assert mode == "info"
    if sheet_name(sheet_id) in names(book):
        assert book.active.name == sheet_name(sheet_id)
    else:
        assert sheet_name(sheet_id) in prompt       # says the sheet is not made (yet)


def test_show_help(book):
    macros.show_help()
    (prompt, _, mode), = book.app.alerts
    assert "XLR_NET_SALES" in prompt and mode == "info"


def test_import_runs_the_cli_path_on_the_open_book(book, monkeypatch):
    export = IMPORTS / "amazon_all_orders.txt"
    if not export.exists():
        pytest.skip("importer fixtures not present")
    monkeypatch.setattr(macros, "pick_files", lambda book, title: [export])
    before_orders = len(book.sheets["Orders"].used_range.options(ndim=2).value)
    message = macros.run(lambda backend, progress, lang: macros.import_into_book(backend, [export], progress, lang),
                         book=book)
    assert book.app.alerts[-1][2] == "info", message
    after_orders = len(book.sheets["Orders"].used_range.options(ndim=2).value)
    assert after_orders > before_orders
    assert book.saves == 1 and book.unsafe_text == []


def test_import_cancelled_does_nothing(book, monkeypatch):
    monkeypatch.setattr(macros, "pick_files", lambda book, title: [])
    before = names(book)
    macros.import_files()
    assert names(book) == before and book.app.alerts == [] and book.saves == 0


def test_language_from_settings(book):
    assert macros.book_language(book) == "zh"
    settings = book.sheets["Settings"]
    rows = settings.range("A1:B40").options(ndim=2).value
    row = next((i for i, r in enumerate(rows, start=1) if r[0] == "language"), None)
    if row is None:
        pytest.skip("template has no language row")
    settings.range(f"B{row}").value = "'en"
    assert macros.book_language(book) == "en"


def test_a_failure_while_writing_undoes_everything_and_says_what_failed(book, monkeypatch):
    from xlreview.workbook import live
    macros.build_review()                                   # a book with generated sheets already
    book.app.alerts.clear()
    before = [(s.name, dict(s.cells), len(s.charts)) for s in book.sheets if s.name != sheet_name("log")]

    def refuse(sheet, plan, spec):
        raise RuntimeError("Excel refused the chart")
    monkeypatch.setattr(live, "write_chart", refuse)
    macros.build_review()
    (prompt, _, mode), = book.app.alerts
    assert mode == "critical" and "Excel refused the chart" in prompt and "Traceback" not in prompt
    assert sheet_name("dashboard") in prompt                # the first sheet with a chart
    assert "工作簿与点击前相同" in prompt
    after = [(s.name, dict(s.cells), len(s.charts)) for s in book.sheets if s.name != sheet_name("log")]
    assert after == before
    assert book.saves == 1                                  # only the first, successful build saved
