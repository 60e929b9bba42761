"""The ``xlwings_udfs`` VBA module of the template, written by xlwings' own generator.

xlwings makes a worksheet function callable from Excel through a VBA wrapper per function
(``Function XLR_NET_SALES(orders, Optional scope, ...)`` calling ``XLPy.CallUDF``). Normally the
"Import Functions" button writes that module into the open workbook, which needs "Trust access to
the VBA project object model". The template ships it instead, so ``=XLR_...`` works on first open.

The module is produced by ``xlwings.udfs.generate_vba_wrapper`` (the code behind Import Functions),
headed as ``xlwings.udfs.import_udfs`` heads it. That code only exists on Windows with pywin32, so
here its three COM imports (``pythoncom``, ``pywintypes``, ``win32com.client``) are stubbed while it
runs: wrapper generation itself never touches COM. ``xlreview.excel.udfs`` is then loaded once more
(under its own name, not registered in ``sys.modules``) with xlwings' Windows decorators in place of
the no-op ones, so every function carries the ``__xlfunc__`` description the generator reads.
Everything is restored afterwards; the output depends only on the udfs module and the xlwings version.
"""
from __future__ import annotations

import importlib.util
import io
import sys
import types
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["UDF_MODULE", "UDF_VBA_MODULE", "udf_vba_source", "windows_udf_module"]

UDF_MODULE = "xlreview.excel.udfs"       # the "UDF Modules" entry of the xlwings.conf sheet
UDF_VBA_MODULE = "xlwings_udfs"          # the module name Import Functions writes (and replaces)
_COM_MODULES = ("pythoncom", "pywintypes", "win32com", "win32com.client")


def _stub_modules() -> dict[str, types.ModuleType]:
    def module(name: str, **attrs) -> types.ModuleType:
        m = types.ModuleType(name)
        m.__dict__.update(attrs)
        return m

    def unavailable(*args, **kwargs):
        raise RuntimeError("COM is not available while generating the UDF VBA module")

    client = module("win32com.client", Dispatch=unavailable)
    return {
        "pythoncom": module("pythoncom", CoInitialize=lambda: None, CoMarshalInterThreadInterfaceInStream=unavailable,
                            IID_IDispatch=None),
        "pywintypes": module("pywintypes", com_error=type("com_error", (Exception,), {})),
        "win32com": module("win32com", client=client),
        "win32com.client": client,
    }


@contextmanager
def _xlwings_windows_udfs() -> Iterator[types.ModuleType]:
    """``xlwings.udfs`` importable off Windows for as long as the block runs (COM imports stubbed)."""
    import xlwings
    if sys.platform.startswith("win") and getattr(xlwings, "has_pywin32", False):
        import xlwings.udfs
        yield xlwings.udfs
        return
    names = (*_COM_MODULES, "xlwings.udfs")
    saved = {n: sys.modules[n] for n in names if n in sys.modules}
    had_attr, old_attr = hasattr(xlwings, "udfs"), getattr(xlwings, "udfs", None)
    try:
        for name, stub in _stub_modules().items():
            sys.modules[name] = stub
        sys.modules.pop("xlwings.udfs", None)
        spec = importlib.util.find_spec("xlwings.udfs")
        udfs = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(udfs)
        yield udfs
    finally:
        for name in names:
            sys.modules.pop(name, None)
        sys.modules.update(saved)
        if had_attr:
            xlwings.udfs = old_attr
        elif hasattr(xlwings, "udfs"):
            del xlwings.udfs


def windows_udf_module(udfs) -> types.ModuleType:
    """A fresh copy of ``xlreview.excel.udfs`` decorated by ``udfs`` (xlwings.udfs: xlfunc/xlarg/xlret).

    What the module is on Windows: every ``@xw.func`` function carries its ``__xlfunc__`` description.
    """
    import xlwings
    decorators = {"func": udfs.xlfunc, "arg": udfs.xlarg, "ret": udfs.xlret}
    saved = {k: getattr(xlwings, k) for k in decorators}
    try:
        for k, v in decorators.items():
            setattr(xlwings, k, v)
        spec = importlib.util.find_spec(UDF_MODULE)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        for k, v in saved.items():
            setattr(xlwings, k, v)
    return module


class _Workbook:
    """What ``generate_vba_wrapper`` asks of the workbook: its name (an add-in uses ActiveWorkbook)."""

    Name = "workbook_template.xlsm"


def udf_vba_source() -> str:
    """The ``xlwings_udfs`` module text, exactly as xlwings' Import Functions writes it for our UDFs.

    Header lines as ``xlwings.udfs.import_udfs`` writes them, then ``generate_vba_wrapper`` for
    ``xlreview.excel.udfs``. Deterministic for a given udfs module and xlwings version.
    """
    with _xlwings_windows_udfs() as udfs:
        module = windows_udf_module(udfs)
        out = io.StringIO()
        vba = udfs.VBAWriter(out)
        vba.writeln(f'Attribute VB_Name = "{UDF_VBA_MODULE}"')
        vba.writeln("'Autogenerated code by xlwings - changes will be lost with next import!")
        vba.writeln("""#Const App = "Microsoft Excel" 'Adjust when using outside of Excel""")
        udfs.generate_vba_wrapper(UDF_MODULE, module, out, _Workbook())
    return out.getvalue()
