"""Every command tried with the mistakes a new user makes (issue 9, item 8).

Each case runs one command the way a user would and asserts: the exit code, the message (in the
workbook's language where a workbook is read; for a command creating one, or without one, the
``--lang`` override, else zh), no traceback, and that no file in the
folder changed, appeared or disappeared (hash of every file before and after).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from worked_example import frames

from xlreview.cli import cli
from xlreview.template import write_workbook
from xlreview.text import tr

EXPORT = Path(__file__).parent / "data" / "imports" / "shopify_orders.csv"


def _book(folder: Path, lang: str, name: str = "wb.xlsm", **changes) -> Path:
    f = frames()
    f["Settings"] = pd.concat([f["Settings"], pd.DataFrame({"key": ["language"], "value": [lang]})])
    for sheet, frame in changes.items():
        f[sheet] = frame
    return write_workbook(folder / name, f)


def _hashes(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _run(folder: Path, *args) -> tuple[int, str]:
    res = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    return res.exit_code, res.output


# (command line, exit code, message code, message params); paths relative to the test folder.
# "wb.xlsm" is a readable workbook in the parametrised language; "nope.xlsm" does not exist.
CASES = {
    # a missing path
    "new: missing folder": (["new", "no/dir/x.xlsm"], 2, "folder_missing", {"path": "no/dir"}),
    "demo: missing folder": (["demo", "no/dir/x.xlsm", "--lines", "300"], 2, "folder_missing", {"path": "no/dir"}),
    "template: missing folder": (["template", "no/dir/t.xlsm"], 2, "folder_missing", {"path": "no/dir"}),
    "check: missing workbook": (["check", "nope.xlsm"], 1, "file_missing", {"path": "nope.xlsm"}),
    "build: missing workbook": (["build", "nope.xlsm"], 1, "file_missing", {"path": "nope.xlsm"}),
    "track: missing workbook": (["track", "nope.xlsm"], 1, "file_missing", {"path": "nope.xlsm"}),
    "import: missing workbook": (["import", "nope.xlsm", EXPORT], 1, "file_missing", {"path": "nope.xlsm"}),
    "deck: missing workbook": (["deck", "nope.xlsm"], 1, "file_missing", {"path": "nope.xlsm"}),
    # a missing folder for --json (checked before the workbook is touched)
    "demo: --json folder missing": (["demo", "d.xlsm", "--lines", "300", "--json", "nodir/o.json"], 2,
                                    "folder_missing", {"path": "nodir"}),
    "check: --json folder missing": (["check", "wb.xlsm", "--json", "nodir/o.json"], 2, "folder_missing",
                                     {"path": "nodir"}),
    "build: --json folder missing": (["build", "wb.xlsm", "--json", "nodir/o.json"], 2, "folder_missing",
                                     {"path": "nodir"}),
    "track: --json folder missing": (["track", "wb.xlsm", "--json", "nodir/o.json"], 2, "folder_missing",
                                     {"path": "nodir"}),
    # --json pointing at the workbook
    "demo: --json is the workbook": (["demo", "d.xlsm", "--lines", "300", "--json", "d.xlsm"], 2,
                                     "json_is_workbook", {"path": "d.xlsm"}),
    "check: --json is the workbook": (["check", "wb.xlsm", "--json", "wb.xlsm"], 2, "json_is_workbook",
                                      {"path": "wb.xlsm"}),
    "build: --json is the workbook": (["build", "wb.xlsm", "--json", "wb.xlsm"], 2, "json_is_workbook",
                                      {"path": "wb.xlsm"}),
    "track: --json is the workbook": (["track", "wb.xlsm", "--json", "./wb.xlsm"], 2, "json_is_workbook",
                                      {"path": "wb.xlsm"}),
    # an existing target
    "new: existing target": (["new", "wb.xlsm"], 2, "target_exists", {"path": "wb.xlsm"}),
    "demo: existing target": (["demo", "wb.xlsm", "--lines", "300"], 2, "target_exists", {"path": "wb.xlsm"}),
    # a workbook open in Excel (its ~$ lock file exists)
    "build: locked": (["build", "wb.xlsm"], 1, "file_locked", {"path": "wb.xlsm"}),
    "track: locked": (["track", "wb.xlsm"], 1, "file_locked", {"path": "wb.xlsm"}),
    "import: locked": (["import", "wb.xlsm", EXPORT], 1, "file_locked", {"path": "wb.xlsm"}),
    "new --force: locked": (["new", "wb.xlsm", "--force"], 1, "file_locked", {"path": "wb.xlsm"}),
    "demo --force: locked": (["demo", "wb.xlsm", "--force", "--lines", "300"], 1, "file_locked",
                             {"path": "wb.xlsm"}),
    "template: locked": (["template", "wb.xlsm"], 1, "file_locked", {"path": "wb.xlsm"}),
    # an .xlsm renamed .xlsx
    "check: macros named .xlsx": (["check", "wb.xlsx"], 1, "macros_in_xlsx", {"path": "wb.xlsx", "name": "wb.xlsm"}),
    "build: macros named .xlsx": (["build", "wb.xlsx"], 1, "macros_in_xlsx", {"path": "wb.xlsx", "name": "wb.xlsm"}),
    "track: macros named .xlsx": (["track", "wb.xlsx"], 1, "macros_in_xlsx", {"path": "wb.xlsx", "name": "wb.xlsm"}),
    "import: macros named .xlsx": (["import", "wb.xlsx", EXPORT], 1, "macros_in_xlsx",
                                   {"path": "wb.xlsx", "name": "wb.xlsm"}),
    "deck: macros named .xlsx": (["deck", "wb.xlsx"], 1, "macros_in_xlsx", {"path": "wb.xlsx", "name": "wb.xlsm"}),
}
LOCKED = {k for k in CASES if k.endswith("locked")}
RENAMED = {k for k in CASES if "named .xlsx" in k}
NO_BOOK = {k for k in CASES if "missing folder" in k or "missing workbook" in k}
CREATING = {"new", "demo", "template"}    # they speak the language of the book they create: --lang, else zh


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    folder = tmp_path_factory.mktemp("books")
    return {lang: _book(folder, lang, f"{lang}.xlsm") for lang in ("zh", "en")}


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_a_mistake_answers_with_a_message_an_exit_code_and_untouched_files(case, lang, books, tmp_path,
                                                                          monkeypatch):
    args, code, key, params = CASES[case]
    if lang == "en" and (args[0] in CREATING or case in NO_BOOK):
        args = [*args, "--lang", "en"]        # no book to read the language from: the override
    monkeypatch.chdir(tmp_path)
    book = tmp_path / ("wb.xlsx" if case in RENAMED else "wb.xlsm")
    shutil.copyfile(books[lang], book)
    if case in LOCKED:
        (tmp_path / "~$wb.xlsm").write_bytes(b"owner")
    before = _hashes(tmp_path)
    exit_code, output = _run(tmp_path, *args)
    assert exit_code == code, output
    assert "Traceback" not in output
    rendered = {k: str(Path(v)) for k, v in params.items()}
    assert tr("msg." + key, lang, **rendered) in output
    assert _hashes(tmp_path) == before


def test_check_of_a_locked_workbook_reads_it_and_writes_nothing(books, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copyfile(books["en"], tmp_path / "wb.xlsm")
    (tmp_path / "~$wb.xlsm").write_bytes(b"owner")
    before = _hashes(tmp_path)
    exit_code, output = _run(tmp_path, "check", "wb.xlsm")
    assert exit_code == 0 and "0 error(s)" in output, output
    assert _hashes(tmp_path) == before


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("command", ["check", "build"])
def test_a_date_out_of_range_is_a_problem_of_its_cell(command, lang, tmp_path, monkeypatch):
    """9999-12-31 (Excel's last date) in Goals.deadline and Traffic.date: a per-cell message, not a crash."""
    monkeypatch.chdir(tmp_path)
    traffic = frames()["Traffic"].copy()
    traffic["date"] = [dt.datetime(9999, 12, 31), traffic["date"].iloc[1]]
    goals = pd.DataFrame({"goal_id": ["G1"], "description": ["grow"], "metric": ["net_sales"], "scope": ["all"],
                          "target": [200], "deadline": [dt.datetime(9999, 12, 31)], "pillar": ["growth"]})
    _book(tmp_path, lang, Traffic=traffic, Goals=goals)
    before = _hashes(tmp_path)
    exit_code, output = _run(tmp_path, command, "wb.xlsm")
    assert exit_code == 1 and "Traceback" not in output, output
    bad = tr("msg.bad_date", lang)
    where = [line for line in output.splitlines() if bad in line]
    assert any("Traffic" in w and "9999-12-31" in w for w in where), output
    assert any("Goals" in w and "deadline" in w for w in where), output
    assert _hashes(tmp_path) == before


def test_json_written_only_after_checks_and_next_to_an_unchanged_workbook_on_error(books, tmp_path, monkeypatch):
    """The reported defect: --json into a missing folder used to fail AFTER the workbook was rewritten."""
    monkeypatch.chdir(tmp_path)
    shutil.copyfile(books["zh"], tmp_path / "wb.xlsm")
    before = (tmp_path / "wb.xlsm").read_bytes()
    exit_code, _ = _run(tmp_path, "build", "wb.xlsm", "--json", "nodir/out.json")
    assert exit_code == 2 and (tmp_path / "wb.xlsm").read_bytes() == before
    exit_code, output = _run(tmp_path, "build", "wb.xlsm", "--json", "out.json")
    assert exit_code == 0 and (tmp_path / "out.json").is_file(), output


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_import_refusing_every_row_says_so_exits_1_and_writes_nothing(lang, books, tmp_path, monkeypatch):
    """Every row of the file refused (Excel-rounded ids): not "1/1 imported" with exit 0."""
    monkeypatch.chdir(tmp_path)
    shutil.copyfile(books[lang], tmp_path / "wb.xlsm")
    export = Path(__file__).parent / "data" / "field" / "F12_tiktok_US_orders_excel_resaved_scientific_ids.csv"
    shutil.copyfile(export, tmp_path / export.name)
    before = _hashes(tmp_path)
    exit_code, output = _run(tmp_path, "import", "wb.xlsm", export.name)
    assert exit_code == 1 and "Traceback" not in output, output
    summary = tr("msg.import_summary", lang, ok=1, files=1, book="wb.xlsm", added=0, updated=0, duplicates=0,
                 rejected=3, sheet="x").split("{")[0][:8]
    assert summary not in output
    assert tr("msg.import_all_rows_refused", lang, file=export.name, rows=3, reasons="").strip() in output
    assert tr("msg.import_nothing_written", lang, files="").strip() in output
    assert _hashes(tmp_path) == before


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_import_with_one_refused_file_imports_none_of_the_files(lang, books, tmp_path, monkeypatch):
    """All or nothing: F05 alone imports, but with F12 (every row refused) beside it nothing is written."""
    monkeypatch.chdir(tmp_path)
    shutil.copyfile(books[lang], tmp_path / "wb.xlsm")
    field = Path(__file__).parent / "data" / "field"
    names = ["F12_tiktok_US_orders_excel_resaved_scientific_ids.csv", "F05_amazon_daterange_UK_postage_credits_Sept.csv"]
    for name in names:
        shutil.copyfile(field / name, tmp_path / name)
    before = _hashes(tmp_path)
    exit_code, output = _run(tmp_path, "import", "wb.xlsm", *names)
    assert exit_code == 1 and "Traceback" not in output, output
    assert tr("msg.import_all_rows_refused", lang, file=names[0], rows=3, reasons="").strip() in output
    assert tr("msg.import_nothing_written", lang, files="").strip() in output
    assert names[1] not in output                    # the good file is not named as failed
    assert _hashes(tmp_path) == before
    exit_code, output = _run(tmp_path, "import", "wb.xlsm", names[1])     # what the message says to do
    assert exit_code == 0, output


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_import_in_a_currency_without_an_fx_rate_warns_which_months_the_build_would_refuse(lang, tmp_path,
                                                                                              monkeypatch):
    """F13 (TikTok Shop TH, THB, May 2026) into a USD book with no THB rate: imported (exit 0), but the output
    says in the book's language which currency and months need an FX row -- else the next build fails."""
    monkeypatch.chdir(tmp_path)
    export = Path(__file__).parent / "data" / "field" / "F13_tiktok_TH_orders_ddmm_dates_thai_status.csv"
    _book(tmp_path, lang)
    exit_code, output = _run(tmp_path, "import", "wb.xlsm", export)
    assert exit_code == 0, output
    assert tr("msg.import_fx_missing", lang, currency="THB", months="2026-05") in output
    exit_code, output = _run(tmp_path, "check", "wb.xlsm")
    assert exit_code == 1 and "THB" in output                 # what the warning foretold
    fx = pd.DataFrame({"currency": ["EUR", "THB"], "rate_to_base": [1.2, 0.028]})
    _book(tmp_path, lang, "rated.xlsm", FX=fx)
    exit_code, output = _run(tmp_path, "import", "rated.xlsm", export)
    assert exit_code == 0 and "THB" not in output, output
