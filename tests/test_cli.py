"""The command line as a user runs it: exit codes, messages, idempotent builds, untouched inputs."""
from __future__ import annotations

import json
import zipfile

import openpyxl
import pytest
from click.testing import CliRunner
from worked_example import frames

from xlreview.cli import cli
from xlreview.template import write_workbook


@pytest.fixture
def wb(tmp_path):
    return write_workbook(tmp_path / "review.xlsm", frames())


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def parts(path):
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def test_build_writes_json_and_keeps_inputs_vba_and_ribbon(wb, tmp_path):
    before = parts(wb)
    out = tmp_path / "r.json"
    res = run("build", wb, "--json", out)
    assert res.exit_code == 0, res.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["summary"]["net_sales"] == pytest.approx(91.0)
    assert data["review_year"] == 2026 and data["plan_year"] == 2027 and data["base_currency"] == "USD"
    after = parts(wb)
    assert after["xl/vbaProject.bin"] == before["xl/vbaProject.bin"]
    assert b"ui/extensibility" in after["_rels/.rels"]
    assert after["customUI/customUI14.xml"] == before["customUI/customUI14.xml"]
    # every input sheet part is byte-identical
    book = openpyxl.load_workbook(wb, read_only=True)
    assert "仪表盘" in book.sheetnames
    for n, data_ in before.items():
        if n.startswith("xl/worksheets/sheet"):
            assert after[n] == data_, n


def test_build_twice_is_idempotent(wb):
    assert run("build", wb).exit_code == 0
    first = wb.read_bytes()
    assert run("build", wb).exit_code == 0
    assert wb.read_bytes() == first


def test_bad_input_exit_1_message_no_traceback_file_untouched(wb):
    book = openpyxl.load_workbook(wb, keep_vba=True)
    book["Orders"]["B3"] = "someday"
    book.save(wb)
    from xlreview.ooxml.package import ensure_ribbon_relationship
    ensure_ribbon_relationship(wb)
    before = wb.read_bytes()
    res = CliRunner().invoke(cli, ["build", str(wb)])
    assert res.exit_code == 1
    assert "Traceback" not in res.output
    assert "Orders" in res.output and "第 3 行" in res.output and "someday" in res.output
    assert wb.read_bytes() == before


def test_check_lists_problems_and_exit_codes(wb, tmp_path):
    res = run("check", wb)
    assert res.exit_code == 0
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a zip")
    res = CliRunner().invoke(cli, ["check", str(bad)])
    assert res.exit_code == 1 and "Traceback" not in res.output


def test_usage_error_exit_2(tmp_path):
    res = CliRunner().invoke(cli, ["build"])
    assert res.exit_code == 2
    res = CliRunner().invoke(cli, ["frobnicate"])
    assert res.exit_code == 2


def test_new_writes_interpreter_and_refuses_to_overwrite(tmp_path):
    import sys
    p = tmp_path / "n.xlsm"
    assert run("new", p).exit_code == 0
    conf = openpyxl.load_workbook(p)["xlwings.conf"]
    rows = {r[0].value: r[1].value for r in conf.iter_rows()}
    from xlreview.template import INTERPRETER_KEYS
    key = INTERPRETER_KEYS.get(sys.platform)
    written = {k: v for k, v in rows.items() if str(k).startswith("Interpreter")}
    assert written == ({key: sys.executable} if key else {})     # never another platform's path
    assert CliRunner().invoke(cli, ["new", str(p)]).exit_code == 2


def test_locked_file_is_reported(wb):
    lock = wb.with_name("~$" + wb.name)
    lock.write_text("x")
    res = CliRunner().invoke(cli, ["build", str(wb)])
    assert res.exit_code == 1 and ("打开" in res.output or "open" in res.output)


def test_every_command_has_an_example_in_its_help():
    for name, cmd in cli.commands.items():
        assert "Example" in (cmd.help or ""), name


def test_import_lists_formats_without_a_workbook():
    res = run("import", "--list-formats")
    assert res.exit_code == 0 and "amazon_all_orders" in res.output


def test_help_says_what_lang_and_verbose_do():
    """`template --lang` only changes the messages (the file is the same for both languages); -v prints every
    step's time, and steps over 1 s are printed without it."""
    import inspect

    from xlreview import cli as cli_module
    from xlreview.template import build_template
    assert "lang" not in inspect.signature(build_template).parameters      # the template cannot follow --lang
    out = " ".join(run("template", "--help").output.split())
    assert "messages only" in out and "sheets written" not in out
    for command in ("build", "demo", "deck"):
        out = " ".join(run(command, "--help").output.split())
        assert "without -v only the steps that took over 1 s are printed" in out, command
    assert "> 1.0" in inspect.getsource(cli_module.Progress.__call__)        # the 1 s the help names
