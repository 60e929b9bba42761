"""The architecture holds: the core is pandas only."""
import subprocess
import sys

FORBIDDEN = ("openpyxl", "xlwings", "click", "python_calamine", "lxml")


def test_core_imports_no_workbook_or_cli_library():
    code = ("import sys, importlib, pkgutil, xlreview.core as c\n"
            "for m in pkgutil.iter_modules(c.__path__):\n"
            "    importlib.import_module('xlreview.core.' + m.name)\n"
            "import xlreview.model.read, xlreview.model.parse\n"
            f"bad = [m for m in {FORBIDDEN!r} if m in sys.modules]\n"
            "print(','.join(bad))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"core/model import {out.stdout.strip()}"
