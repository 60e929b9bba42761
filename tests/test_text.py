"""The text catalogue (xlreview/text.py): both languages everywhere, every key the code uses exists."""
import ast
import re
import string
from pathlib import Path

import pytest

import xlreview
from xlreview import text
from xlreview.errors import XlreviewError
from xlreview.text import CATALOGUE, tr

PACKAGE = Path(xlreview.__file__).parent
# lookup functions -> the prefix they put before their first argument
LOOKUPS = {"tr": "", "label": "label.", "sheet_name": "sheet."}


def _placeholders(s: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(s) if name}


def test_every_entry_has_zh_and_en_with_the_same_placeholders():
    bad = [key for key, (zh, en) in CATALOGUE.items()
           if not (zh.strip() and en.strip()) or _placeholders(zh) != _placeholders(en)
           or not re.fullmatch(r"[a-z_]+\.[A-Za-z0-9_]+", key)]
    assert len(CATALOGUE) > 300 and not bad, bad


def _error_classes() -> set[str]:
    import xlreview.cli  # noqa: F401 - load every module that defines errors
    import xlreview.excel.udfs  # noqa: F401
    import xlreview.importers  # noqa: F401
    import xlreview.workbook.transplant  # noqa: F401
    out, todo = set(), [XlreviewError]
    while todo:
        c = todo.pop()
        out.add(c.__name__)
        todo.extend(c.__subclasses__())
    return out


def _literal_prefix(node) -> tuple[str, bool] | None:
    """(text, complete) of a string argument: a literal, or the literal start of an f-string / "a" + x."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value, True
    if isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
        return node.values[0].value, False
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left = _literal_prefix(node.left)
        return (left[0], False) if left else None
    return None


def _uses():
    errors = _error_classes()
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else (
                node.func.attr if isinstance(node.func, ast.Attribute) else None)
            lit = _literal_prefix(node.args[0])
            if lit is None:
                continue
            where = f"{path.relative_to(PACKAGE.parent)}:{node.lineno}"
            if name in LOOKUPS:
                yield where, LOOKUPS[name] + lit[0], lit[1]
            elif name in errors and lit[1] and re.fullmatch(r"[a-z][a-z_]+", lit[0]):
                yield where, "msg." + lit[0], True


def test_every_key_used_in_code_exists():
    uses = list(_uses())
    assert len(uses) > 150                    # the scan sees the code (not a test that cannot fail)
    missing = [f"{where}: {key}" for where, key, complete in uses
               if (key not in CATALOGUE if complete else not any(k.startswith(key) for k in CATALOGUE))]
    assert not missing, "\n".join(missing)


def test_an_error_code_renders_in_either_language():
    exc = XlreviewError("file_missing", path="x.xlsm")
    assert exc.message("zh") == "找不到文件：x.xlsm" and exc.message("en") == "file not found: x.xlsm"
    assert str(exc) == exc.message("zh")


def test_unknown_key_shows_the_key_and_is_recorded():
    text.MISSING.discard("label.no_such_word")
    assert tr("label.no_such_word", "en") == "no_such_word"
    assert "label.no_such_word" in text.MISSING
    text.MISSING.discard("label.no_such_word")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_rendering_a_full_review_meets_no_missing_word(lang):
    """Every sheet of the demo review rendered: dynamic keys (classes, statuses, verdicts) all exist."""
    from xlreview.core.review import compute_review
    from xlreview.demo import demo_frames
    from xlreview.model.read import frames_to_raw, read_inputs
    from xlreview.sheets import render
    frames = demo_frames(seed=3, n_order_lines=1500)
    s = frames["Settings"]
    frames["Settings"] = s.assign(value=s["value"].where(s["key"] != "language", lang))
    inputs, report = read_inputs(frames_to_raw(frames))
    assert inputs is not None, report.lines()
    text.MISSING.clear()
    wb = render(compute_review(inputs))
    assert len(wb.sheetnames) > 8
    assert not text.MISSING, sorted(text.MISSING)
