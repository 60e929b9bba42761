"""The importers' words: rejection reasons and notes are codes rendered in the command's language (Settings
``language``, ``--lang``) on the Import Log and in the command output; the figures and codes do not change."""
from __future__ import annotations

import ast
import re
import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

import xlreview.importers as importers_pkg
from xlreview import text
from xlreview.cli import cli
from xlreview.importers import read_export
from xlreview.ooxml.package import ensure_ribbon_relationship
from xlreview.text import CATALOGUE, sheet_name

ROOT = Path(__file__).resolve().parents[2]
IMPORTS = Path(__file__).parents[1] / "data" / "imports"
ORDERS = IMPORTS / "amazon_all_orders.txt"          # a cancelled line and a Non-Amazon (MCF) line: 2 rejected
FOOTER = IMPORTS / "ebay_orders.csv"                 # two report footer lines


def _book(tmp_path: Path, lang: str) -> Path:
    wb = tmp_path / lang / "review.xlsm"
    wb.parent.mkdir()
    shutil.copy(ROOT / "workbook_template.xlsm", wb)
    book = openpyxl.load_workbook(wb, keep_vba=True)
    for row in book["Settings"].iter_rows(min_row=2):
        if row[0].value == "language":
            row[1].value = lang
    book.save(wb)
    ensure_ribbon_relationship(wb)
    return wb


def _two_sheet_export(tmp_path: Path) -> Path:
    """An .xlsx export of the All Orders report split over two sheets: 'Jan' (every line) and 'Feb' (two)."""
    rows = [line.split("\t") for line in ORDERS.read_text("utf-8-sig").splitlines() if line.strip()]
    book = openpyxl.Workbook()
    jan = book.active
    jan.title = "Jan"
    feb = book.create_sheet("Feb")
    for r in rows:
        jan.append(r)
    for r in rows[:3]:
        feb.append(r)
    out = tmp_path / "orders_two_sheets.xlsx"
    book.save(out)
    return out


def _log(wb: Path, lang: str) -> list[tuple]:
    return [tuple(r) for r in openpyxl.load_workbook(wb)[sheet_name("import_log", lang)].iter_rows(values_only=True)]


def test_reasons_and_notes_follow_the_workbook_language_with_the_same_codes_and_figures(tmp_path):
    xlsx = _two_sheet_export(tmp_path)
    files = [ORDERS, FOOTER]
    logs, outputs = {}, {}
    for lang in ("zh", "en"):
        wb = _book(tmp_path, lang)
        result = CliRunner().invoke(cli, ["import", str(wb), *map(str, files), str(xlsx)])
        assert result.exit_code == 0, result.output
        logs[lang], outputs[lang] = _log(wb, lang), result.output

    batches = [read_export(p) for p in (*files, xlsx)]
    codes = {(b.path.name, r.line, r.reason.code) for b in batches for r in b.rejected}
    assert {c for _, _, c in codes} == {"import.reject_cancelled", "import.reject_non_amazon", "import.reject_footer"}
    for lang in ("zh", "en"):
        reasons = {(row[0], row[1], row[2]) for row in logs[lang] if isinstance(row[1], int) and row[2]}
        expected = {(b.path.name, r.line, r.reason.render(lang)) for b in batches for r in b.rejected}
        assert expected <= reasons                   # every rejected line with its reason in the log's language
    zh_words = " ".join(str(c) for row in logs["zh"] for c in row if c)
    en_words = " ".join(str(c) for row in logs["en"] for c in row if c)
    assert "已取消的订单（Cancelled）" in zh_words and "报告页脚，不是订单" in zh_words
    assert "cancelled order (Cancelled)" in en_words and "report footer, not an order" in en_words
    assert not re.search(r"cancelled order|report footer|Multi-Channel Fulfillment shipment, not", zh_words)
    assert not re.search(r"[\u4e00-\u9fff]", " ".join(str(row[2]) for row in logs["en"]
                                                    if isinstance(row[1], int) and row[2]))

    # the same figures in both languages: every number of the log, cell by cell
    def numbers(log):
        return [[c for c in row if isinstance(c, (int, float)) and not isinstance(c, bool)] for row in log]
    assert numbers(logs["zh"]) == numbers(logs["en"])

    # the sheets an .xlsx export leaves out are named on the log and in the output, in the language
    left_out = [n for n in batches[2].notes if n.code == "import.notice_sheets_left_out"]
    assert [(dict(n.params)["sheet"], dict(n.params)["left_out"]) for n in left_out] == [("Jan", "Feb (2)")]
    for lang in ("zh", "en"):
        said = left_out[0].render(lang)
        assert "Feb (2)" in said
        assert said in " ".join(str(c) for row in logs[lang] for c in row if c)
        assert said in outputs[lang]
    assert "只导入了「Jan」表" in outputs["zh"] and "only sheet 'Jan'" in outputs["en"]
    assert "只导入" not in outputs["en"] and "only sheet" not in outputs["zh"]
    assert not {k for k in text.MISSING if k.startswith(("import.", "msg.import"))}


def test_lang_option_overrides_the_settings_language(tmp_path):
    wb = _book(tmp_path, "zh")
    result = CliRunner().invoke(cli, ["import", str(wb), str(ORDERS), "--lang", "en"])
    assert result.exit_code == 0, result.output
    words = " ".join(str(c) for row in _log(wb, "en") for c in row if c)
    assert "cancelled order (Cancelled)" in words and "已取消" not in words


def test_unknown_file_is_refused_in_the_command_language(tmp_path):
    bad = tmp_path / "bank.csv"
    bad.write_text("Datum,Betrag,Verwendungszweck\n2026-01-01,12.00,Miete\n", encoding="utf-8")
    for lang, words in (("zh", "不是已知的导出文件"), ("en", "not a known export")):
        wb = _book(tmp_path, lang)
        result = CliRunner().invoke(cli, ["import", str(wb), str(bad)])
        assert result.exit_code != 0 and words in result.output and "Traceback" not in result.output


def _codes_used_by_importers() -> set[str]:
    """Every catalogue key the importers name: ``note("...")`` (an ``import.`` key), the message codes of the
    errors they raise (``msg.`` keys), and the repair codes of files.py (``import.notice_repaired_``)."""
    errors = {"ImportError_", "UnknownFormat", "UnreadableFile", "UnreadableFileError", "XlreviewError",
              "NotAWorkbook", "WorkbookLocked"}
    keys = set()
    for path in Path(importers_pkg.__file__).parent.glob("*.py"):
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args or not isinstance(node.args[0], ast.Constant) \
                    or not isinstance(node.args[0].value, str):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name == "note":
                keys.add("import." + node.args[0].value)
            elif name in errors:
                keys.add("msg." + node.args[0].value)
            elif name == "append" and path.name == "files.py" and getattr(node.func.value, "id", "") == "notes":
                keys.add("import.notice_repaired_" + node.args[0].value)
            elif name == "tr":
                keys.add(node.args[0].value)
    return keys


def test_every_code_the_importers_use_is_in_the_catalogue_in_both_languages():
    keys = _codes_used_by_importers()
    assert {"import.reject_missing", "import.reject_rounded_id", "import.notice_sheets_left_out",
            "import.notice_repaired_ctrl_z", "msg.import_mixed_date_order", "msg.import_old_xls"} <= keys
    missing = sorted(k for k in keys if k not in CATALOGUE)
    assert not missing
    for k in keys:
        zh, en = CATALOGUE[k]
        assert zh.strip() and en.strip(), k
        assert set(re.findall(r"{(\w+)", zh)) == set(re.findall(r"{(\w+)", en)), k   # same placeholders


@pytest.mark.parametrize("name", ["ctrl_z", "stray_quote"])
def test_repair_notes_render_in_both_languages(name):
    from xlreview.importers.notes import note
    n = note("notice_repaired_" + name)
    assert n.render("zh") != n.render("en") and "repaired" in n.render("en") and "已修复" in n.render("zh")
