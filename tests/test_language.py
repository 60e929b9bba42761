"""One language per command: Settings ``language`` of the workbook, or the ``--lang`` override, everywhere."""
from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from test_cli_mistakes import EXPORT, _book

from xlreview.cli import cli
from xlreview.text import sheet_name, tr


def _run(*args):
    res = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    return res.exit_code, res.output


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_import_speaks_the_workbooks_language(lang, tmp_path):
    book = _book(tmp_path, lang)
    code, out = _run("import", book, EXPORT, tmp_path / "missing.csv")
    assert code == 1, out
    assert tr("msg.file_missing", lang, path=tmp_path / "missing.csv") in out
    assert ("个文件已导入" in out) == (lang == "zh") and ("file(s) imported" in out) == (lang == "en")
    names = openpyxl.load_workbook(book, read_only=True).sheetnames
    assert sheet_name("import_log", lang) in names
    assert sheet_name("import_log", "en" if lang == "zh" else "zh") not in names


def test_progress_and_sheets_follow_settings_and_lang_overrides_them(tmp_path, monkeypatch):
    monkeypatch.setenv("XLREVIEW_LANG", "zh")           # no longer read by anything
    book = _book(tmp_path, "en")
    code, out = _run("build", book, "-v")
    assert code == 0, out
    assert tr("step.read", "en") in out and tr("step.read", "zh") not in out
    assert sheet_name("dashboard", "en") in openpyxl.load_workbook(book, read_only=True).sheetnames
    code, out = _run("build", book, "--lang", "zh", "-v")
    assert code == 0, out
    assert tr("step.read", "zh") in out and "已生成" in out
    names = openpyxl.load_workbook(book, read_only=True).sheetnames
    assert sheet_name("dashboard", "zh") in names and sheet_name("dashboard", "en") not in names


def test_new_and_demo_write_the_language_into_settings(tmp_path):
    from xlreview.model.read import settings_language
    from xlreview.workbook.headless import HeadlessBackend
    for args in (["new", tmp_path / "n.xlsx", "--lang", "en"],
                 ["demo", tmp_path / "d.xlsx", "--lines", "300", "--lang", "en"]):
        code, out = _run(*args)
        assert code == 0, out
        assert settings_language(HeadlessBackend(Path(args[1])).read_sheets()) == "en"
