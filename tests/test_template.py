"""workbook_template.xlsm is produced by the builder, never by hand: a rebuild gives the same bytes."""
from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from xlreview.excel.package import XLWINGS_CONF_VERSION_KEY, check_macro_package, xlwings_version
from xlreview.model import schema
from xlreview.template import build_template

ROOT = Path(__file__).resolve().parent.parent
COMMITTED = ROOT / "workbook_template.xlsm"


def test_rebuild_is_byte_identical(tmp_path):
    a = build_template(tmp_path / "a.xlsm")
    b = build_template(tmp_path / "b.xlsm")
    assert a.read_bytes() == b.read_bytes()


def test_committed_template_is_what_the_builder_makes(tmp_path):
    with zipfile.ZipFile(COMMITTED) as z:
        embedded = [p for p in z.namelist() if p == "xl/vbaProject.bin"]
        assert embedded
    import openpyxl
    conf = {r[0]: r[1] for r in openpyxl.load_workbook(COMMITTED)["xlwings.conf"].iter_rows(values_only=True)}
    fresh = build_template(tmp_path / "t.xlsm")
    if conf.get(XLWINGS_CONF_VERSION_KEY) != xlwings_version():
        pytest.skip(f"installed xlwings {xlwings_version()} differs from the committed template's: "
                    "run `xlreview template` to refresh it")
    assert fresh.read_bytes() == COMMITTED.read_bytes(), "run `xlreview template` and commit the result"


def test_template_has_every_input_sheet_macros_and_ribbon():
    assert check_macro_package(COMMITTED) == []
    import openpyxl
    book = openpyxl.load_workbook(COMMITTED, keep_vba=True)
    for spec in schema.INPUT_SHEETS:
        ws = book[spec.name]
        if spec.key_value:
            keys = [r[0].value for r in ws.iter_rows(min_row=2)]
            assert set(schema.SETTINGS_DEFAULTS) <= set(keys)
            continue
        header = [c.value for c in ws[1]][: len(spec.columns)]
        assert header == spec.keys, spec.name
        assert all(ws.cell(1, j + 1).comment is not None for j in range(len(spec.columns)))
    assert book["xlwings.conf"].sheet_state == "hidden"


@pytest.mark.parametrize("platform, rows", [
    ("win32", {"Interpreter_Win": "C:\\Py\\python.exe"}),
    ("darwin", {"Interpreter_Mac": "C:\\Py\\python.exe"}),
    ("linux", {}),
])
def test_the_interpreter_is_recorded_only_for_its_own_platform(platform, rows):
    from xlreview.template import xlwings_conf_rows
    conf = dict(xlwings_conf_rows("C:\\Py\\python.exe", platform=platform))
    assert {k: v for k, v in conf.items() if k.startswith("Interpreter")} == rows
    assert conf["UDF Modules"] == "xlreview.excel.udfs"


def test_data_rows_written_as_xml_read_back_as_the_openpyxl_cells_would(tmp_path):
    """write_workbook splices rows 3+ as XML; calamine must read exactly what openpyxl cells give."""
    import datetime as dt

    import pandas as pd

    from xlreview.demo import demo_frames
    from xlreview.template import finish_package, make_workbook, write_workbook
    from xlreview.workbook.headless import HeadlessBackend

    frames = demo_frames(seed=3, n_order_lines=400)
    odd = frames["Orders"].copy()                   # text needing escapes, spaces, blanks, a time of day
    odd.loc[odd.index[1], "promo"] = "A&B <x> \"q\""
    odd.loc[odd.index[2], "customer_id"] = "  lead space"
    odd.loc[odd.index[3], "country"] = None
    odd.loc[odd.index[4], "order_date"] = pd.Timestamp(dt.datetime(2026, 3, 1, 13, 30))
    odd.loc[odd.index[5], "discount"] = float("nan")
    frames["Orders"] = odd
    fast = write_workbook(tmp_path / "fast.xlsm", frames)
    wb = make_workbook(frames)                      # every cell through openpyxl
    wb.save(tmp_path / "plain.xlsx")
    slow = tmp_path / "slow.xlsm"
    finish_package(tmp_path / "plain.xlsx", slow, macros=True)
    a, b = HeadlessBackend(fast).read_sheets(), HeadlessBackend(slow).read_sheets()
    assert a.keys() == b.keys()
    for name in a:
        assert a[name].rows == b[name].rows, name
    assert check_macro_package(fast) == []


CJK = __import__("re").compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_new_workbooks_guide_notes_and_helpers_are_in_its_language(tmp_path, lang):
    """``xlreview new --lang``: the guide, the header notes, the Settings descriptions and the Goals helpers
    follow the language the workbook is made in (no zh+en side by side)."""
    import openpyxl
    from click.testing import CliRunner

    from xlreview.cli import cli
    from xlreview.text import MISSING, sheet_name, tr
    path = tmp_path / "new.xlsx"
    assert CliRunner().invoke(cli, ["new", "--lang", lang, str(path)]).exit_code == 0
    book = openpyxl.load_workbook(path)
    guide = book.worksheets[0]
    assert guide.title == sheet_name("guide", lang)
    texts = [v for row in guide.iter_rows(values_only=True) for v in row if v]
    assert texts[:3] == [tr("guide.title", lang), tr("guide.how", lang), tr("guide.step_paste", lang)]
    meanings = [r[1] for r in guide.iter_rows(min_row=10, values_only=True)]
    assert meanings == [tr("input." + s.name, lang) for s in schema.INPUT_SHEETS]
    for spec in schema.INPUT_SHEETS:
        if spec.key_value:
            continue
        for j, col in enumerate(spec.columns, start=1):
            note = book[spec.name].cell(1, j).comment.text
            assert tr(f"column.{spec.name}_{col.key}", lang) in note.split("\n")
    settings = {r[0]: r[2] for r in book["Settings"].iter_rows(min_row=2, values_only=True)}
    assert settings["base_currency"] == tr("setting.base_currency", lang)
    goals = book["Goals"]
    assert goals["K1"].value == tr("guide.examples", lang) and goals["L3"].value == tr("guide.example_g1", lang)
    prompts = [dv.prompt for dv in goals.data_validations.dataValidation]
    assert tr("guide.scope_prompt", lang) in prompts and tr("guide.metric_prompt", lang) in prompts
    # one language: every English sentence and meaning has no Chinese, every Chinese one has some
    shown = texts + meanings + list(settings.values())[:8] + [goals["K1"].value]
    if lang == "en":
        assert [t for t in shown if CJK.search(t) and "(" not in t] == []
    else:
        assert [t for t in shown if not CJK.search(t)] == []
    assert not {k for k in MISSING if k.startswith(("guide.", "input.", "column.", "setting."))}


def test_every_column_setting_and_sheet_has_its_words_in_both_languages():
    from xlreview.text import CATALOGUE
    keys = {f"column.{s.name}_{c.key}" for s in schema.INPUT_SHEETS for c in s.columns}
    keys |= {"input." + s.name for s in schema.INPUT_SHEETS} | {"setting." + k for k in schema.SETTINGS_DEFAULTS}
    assert keys <= set(CATALOGUE)
    assert schema.ORDERS.column("item_price").meaning == CATALOGUE["column.Orders_item_price"][1]


def test_the_cached_vba_project_is_the_one_built_for_the_book(tmp_path, monkeypatch):
    """``new`` and ``demo`` take the VBA project from the user's cache: byte for byte what the builder makes,
    under a key that changes with what it is made of (here: the worksheet codeNames)."""
    import openpyxl

    from xlreview.excel.ovba import build_vba_project
    from xlreview.excel.package import sheet_codenames, vba_modules_for_template
    from xlreview.template import vba_project

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "cache"))
    book = tmp_path / "plain.xlsx"
    openpyxl.Workbook().save(book)
    built = build_vba_project(vba_modules_for_template(sheet_codenames(book)))
    assert vba_project(book) == built                       # built, then kept
    cached = list((tmp_path / "cache" / "xlreview").iterdir())
    assert len(cached) == 1 and cached[0].read_bytes() == built
    assert vba_project(book) == built                       # read from the cache
    wb = openpyxl.Workbook()
    wb.create_sheet("Second")
    wb.save(book)
    assert vba_project(book) == build_vba_project(vba_modules_for_template(sheet_codenames(book)))
    assert len(list((tmp_path / "cache" / "xlreview").iterdir())) == 2


def test_a_damaged_cached_vba_project_is_built_again_and_replaced(tmp_path, monkeypatch):
    """Random bytes in the cache (a full disk, a crash, another tool) must not make every ``new`` fail: the
    file is checked with olefile, built again, and replaced; old project files beyond the kept count go."""
    import os

    import openpyxl

    from xlreview.excel.package import check_vba_project, sheet_codenames
    from xlreview.template import VBA_PROJECTS_KEPT, vba_project

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "cache"))
    folder = tmp_path / "cache" / "xlreview"
    book = tmp_path / "plain.xlsx"
    openpyxl.Workbook().save(book)
    good = vba_project(book)
    [cached] = folder.glob("vbaProject-*.bin")
    for damage in (os.urandom(len(good)), good[: len(good) // 2], b""):
        cached.write_bytes(damage)
        assert vba_project(book) == good and cached.read_bytes() == good
    check_vba_project(cached.read_bytes(), sheet_codenames(book))
    for k in range(VBA_PROJECTS_KEPT + 2):                # stale projects of other versions
        old = folder / f"vbaProject-old{k}.bin"
        old.write_bytes(b"x")
        os.utime(old, (1, 1))
    cached.unlink()
    vba_project(book)
    assert len(list(folder.glob("vbaProject-*.bin"))) == VBA_PROJECTS_KEPT and cached.is_file()
    assert list(folder.glob(".tmp-*")) == []
    # the command a seller runs: demo on a damaged cache works
    cached.write_bytes(os.urandom(4096))
    from click.testing import CliRunner

    from xlreview.cli import cli
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(cli, ["new", "n.xlsm"], catch_exceptions=False)
    assert res.exit_code == 0, res.output
