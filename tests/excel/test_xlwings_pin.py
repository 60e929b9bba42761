"""pyproject pins xlwings to the lowest version that has every API the Excel path calls.

The version each API appeared in is what xlwings itself documents (``versionadded`` in its docstrings);
scripts/test.sh then runs the Excel-path tests on exactly that version, so the pin is also exercised.
"""
from __future__ import annotations

import inspect
import re
from pathlib import Path

import tomllib
import xlwings.main as xwm

ROOT = Path(__file__).resolve().parents[2]

# (class, attribute) of every xlwings API the live backend and the macros use
USED = [
    ("App", "properties"), ("App", "alert"), ("App", "status_bar"), ("Book", "save"), ("Sheets", "add"),
    ("Sheet", "used_range"), ("Sheet", "visible"), ("Sheet", "show_gridlines"), ("Names", "add"),
    ("Range", "options"), ("Range", "color"), ("Range", "font"), ("Range", "borders"), ("Borders", "set"),
    ("Range", "horizontal_alignment"), ("Range", "vertical_alignment"), ("Range", "wrap_text"),
    ("Range", "column_width"), ("Range", "row_height"), ("Range", "merge"), ("Range", "conditional_formats"),
    ("ConditionalFormats", "add_cell_value"), ("ConditionalFormats", "add_custom"),
    ("ConditionalFormats", "add_color_scale"), ("ConditionalFormats", "add_data_bar"),
    ("Charts", "add"), ("Chart", "chart_type"), ("Chart", "title"), ("Chart", "value_axis"),
    ("Chart", "category_axis"), ("ChartAxis", "set"), ("ChartSeries", "set"), ("ChartSeries", "chart_type"),
    ("ChartSeries", "axis_group"), ("ChartSeries", "name"),
]


def version(text: str) -> tuple[int, ...]:
    return tuple(int(x) for x in text.split("."))


def added_in(cls_name: str, attr: str) -> tuple[int, ...]:
    cls = getattr(xwm, cls_name)
    docs = [inspect.getdoc(getattr(cls, attr)) or ""]
    if cls_name in ("ChartSeries", "ChartAxis", "ConditionalFormats", "Borders"):
        docs.append(inspect.getdoc(cls) or "")          # the class's own versionadded covers its methods
    found = [version(v) for d in docs for v in re.findall(r"versionadded\}\s*([\d.]+)", d)]
    return max(found, default=(0,))


def pinned() -> tuple[int, ...]:
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    (spec,) = [d for d in deps if d.startswith("xlwings")]
    return version(re.fullmatch(r"xlwings>=([\d.]+)", spec.split(";")[0].strip()).group(1))


def test_the_pin_is_the_lowest_version_with_every_api_used():
    needed = {f"{c}.{a}": added_in(c, a) for c, a in USED}
    newest = max(needed.values())
    assert pinned() == newest, (pinned(), sorted(needed.items(), key=lambda kv: kv[1])[-3:])
    assert newest == (0, 37, 6) and needed["ChartSeries.chart_type"] == newest


def test_every_used_api_exists_in_the_installed_xlwings():
    for cls_name, attr in USED:
        assert hasattr(getattr(xwm, cls_name), attr), f"{cls_name}.{attr}"
