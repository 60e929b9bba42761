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
    assert code == 1, out                                  # all or nothing: the missing file stops the import
    assert tr("msg.file_missing", lang, path=tmp_path / "missing.csv") in out
    assert tr("msg.import_nothing_written", lang, files="").strip() in out
    code, out = _run("import", book, EXPORT)
    assert code == 0, out
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


def _without_texts(value):
    """The JSON minus its rendered text fields (each has ``<field>_codes`` beside it)."""
    if isinstance(value, list):
        return [_without_texts(v) for v in value]
    if isinstance(value, dict):
        return {k: _without_texts(v) for k, v in value.items() if k + "_codes" not in value}
    return value


def test_switching_language_changes_every_word_and_no_figure(tmp_path):
    """The worked example (with goals) built in zh and in en: the JSON is equal but for the rendered texts."""
    import datetime as dt
    import json

    import pandas as pd

    goals = pd.DataFrame({"goal_id": ["G1", "G2"], "description": ["grow Shop", "more"], "metric": ["net_sales", "bogus"],
                          "scope": ["channel=Shop", "all"], "target": [2000, None],
                          "deadline": [dt.date(2027, 12, 31), None], "pillar": ["growth", ""]})
    out = {}
    for lang in ("zh", "en"):
        _book(tmp_path, lang, name=f"{lang}.xlsx", Goals=goals)
        code, output = _run("build", tmp_path / f"{lang}.xlsx", "--json", tmp_path / f"{lang}.json")
        assert code == 0, output
        out[lang] = json.loads((tmp_path / f"{lang}.json").read_text(encoding="utf-8"))
    zh, en = out["zh"], out["en"]
    assert _without_texts(zh) == _without_texts(en)
    texts = [(a, b) for a, b in _text_pairs(zh, en)]
    assert len(texts) > 20                                   # channels, products, risks, goals, plan, actions
    assert all(a != b for a, b in texts if a), [p for p in texts if p[0] == p[1]][:5]
    assert any(p["reason_codes"][0]["code"].startswith("product.reason_") for p in zh["products"])


def _text_pairs(zh, en):
    if isinstance(zh, list):
        for a, b in zip(zh, en, strict=True):
            yield from _text_pairs(a, b)
    elif isinstance(zh, dict):
        for k, v in zh.items():
            if k + "_codes" in zh:
                yield v, en[k]
            else:
                yield from _text_pairs(v, en[k])
