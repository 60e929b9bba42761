"""The ``=XLR_...`` wrappers, checked with xlwings' own code and the VBA language spec.

xlwings writes one VBA function per worksheet function, copying the Python parameter names
(``xlwings.udfs.generate_vba_wrapper``, the code behind "Import Functions"). A parameter named like a
VBA keyword (``end``, ``currency``) makes that module fail to compile, and with it every function.
Here the generator runs as on Windows -- its COM imports stubbed, the module decorated by xlwings'
Windows decorators -- and its output is checked against the reserved identifiers of [MS-VBAL] and the
module the template ships; then every standard module of the template's VBA project (read back with
oletools) is checked for public names declared twice ("Ambiguous name detected").
"""
from __future__ import annotations

import importlib.util
import io
import re
import sys
import types
import zipfile
from pathlib import Path

import pytest
import xlwings as xw
from oletools.olevba import VBA_Parser

from xlreview.excel.udf_module import UDF_VBA_MODULE, udf_vba_source

ROOT = Path(__file__).resolve().parents[2]

# [MS-VBAL] VBA Language Specification, 3.3.5.2 "Reserved Identifiers and IDENTIFIER"
# https://learn.microsoft.com/en-us/openspecs/microsoft_general_purpose_programming_languages/ms-vbal/7df907cb-ab6c-40d3-aa81-272742ce00c3
# reserved-identifier = statement-keyword / marker-keyword / operator-identifier / special-form /
#   reserved-type-identifier / reserved-name / literal-identifier / rem-keyword /
#   reserved-for-implementation-use / future-reserved
MS_VBAL_RESERVED = {
    "statement-keyword": """Call Case Close Const Declare DefBool DefByte DefCur DefDate DefDbl DefInt DefLng
        DefLngLng DefLngPtr DefObj DefSng DefStr DefVar Dim Do Else ElseIf End EndIf Enum Erase Event Exit For
        Friend Function Get Global GoSub GoTo If Implements Input Let Lock Loop LSet Next On Open Option Print
        Private Public Put RaiseEvent ReDim Resume Return RSet Seek Select Set Static Stop Sub Type Unlock Wend
        While With Write""",
    "rem-keyword": "Rem",
    "marker-keyword": """Any As ByRef ByVal Case Each Else In New Shared Until WithEvents Write Optional
        ParamArray Preserve Spc Tab Then To""",
    "operator-identifier": "AddressOf And Eqv Imp Is Like New Mod Not Or TypeOf Xor",
    "reserved-name": """Abs CBool CByte CCur CDate CDbl CDec CInt CLng CLngLng CLngPtr CSng CStr CVar CVErr Date
        Debug DoEvents Fix Int Len LenB Me PSet Scale Sgn String""",
    "special-form": "Array Circle Input InputB LBound Scale UBound",
    "reserved-type-identifier": "Boolean Byte Currency Date Double Integer Long LongLong LongPtr Single String Variant",
    "literal-identifier": "True False Nothing Empty Null",
    "reserved-for-implementation-use": """Attribute LINEINPUT VB_Base VB_Control VB_Creatable VB_Customizable
        VB_Description VB_Exposed VB_Ext_KEY VB_GlobalNameSpace VB_HelpID VB_Invoke_Func VB_Invoke_Property
        VB_Invoke_PropertyPut VB_Invoke_PropertyPutRef VB_MemberFlags VB_Name VB_PredeclaredId VB_ProcData
        VB_TemplateDerived VB_UserMemId VB_VarDescription VB_VarHelpID VB_VarMemberFlags VB_VarProcData
        VB_VarUserMemId""",
    "future-reserved": "CDecl Decimal DefDec",
}
# Keywords of the VBA reference that are not reserved in the grammar but have statement meanings
# (https://learn.microsoft.com/en-us/office/vba/language/reference/keywords-visual-basic-for-applications),
# plus the wrapper's own names: avoided as well, so no parameter shadows them.
VBA_CONTEXTUAL = """Alias Append Base Binary Compare Database Error Explicit Lib Line Mid Module Name Object
    Output Property PtrSafe Random Read Step Text Time Access
    Application ThisWorkbook XLPy argsArray failed k"""
RESERVED = {w.casefold() for words in MS_VBAL_RESERVED.values() for w in words.split()}
AVOIDED = RESERVED | {w.casefold() for w in VBA_CONTEXTUAL.split()}


def _stubbed_com() -> dict[str, types.ModuleType]:
    client = types.ModuleType("win32com.client")
    client.Dispatch = None
    pythoncom = types.ModuleType("pythoncom")
    pythoncom.CoInitialize = lambda: None
    pywintypes = types.ModuleType("pywintypes")
    pywintypes.com_error = type("com_error", (Exception,), {})
    win32com = types.ModuleType("win32com")
    win32com.client = client
    return {"pythoncom": pythoncom, "pywintypes": pywintypes, "win32com": win32com, "win32com.client": client}


@pytest.fixture(scope="module")
def generated_vba() -> str:
    """What xlwings' Import Functions would write for xlreview.excel.udfs, generated here independently."""
    mp = pytest.MonkeyPatch()
    try:
        for name, module in _stubbed_com().items():
            mp.setitem(sys.modules, name, module)
        mp.delitem(sys.modules, "xlwings.udfs", raising=False)
        import xlwings.udfs as xw_udfs
        mp.setattr(xw, "func", xw_udfs.xlfunc)
        mp.setattr(xw, "arg", xw_udfs.xlarg)
        mp.setattr(xw, "ret", xw_udfs.xlret)
        spec = importlib.util.spec_from_file_location("xlreview.excel.udfs", ROOT / "xlreview" / "excel" / "udfs.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        assert all(hasattr(getattr(module, n), "__xlfunc__") for n in dir(module) if n.startswith("XLR_"))
        out = io.StringIO()
        xw_udfs.generate_vba_wrapper("xlreview.excel.udfs", module, out, types.SimpleNamespace(Name="t.xlsm"))
        return out.getvalue()
    finally:
        mp.undo()
        sys.modules.pop("xlwings.udfs", None)
        if hasattr(xw, "udfs"):
            del xw.udfs


def declared_names(vba: str) -> list[tuple[str, str]]:
    """(function, name) for every function name and parameter name declared in a wrapper module."""
    out = []
    for m in re.finditer(r"^(?:Public\s+|Private\s+)?(?:Function|Sub)\s+(\w+)\((.*)\)\s*$", vba, re.M):
        fn = m.group(1)
        out.append((fn, fn))
        for p in filter(None, (x.strip() for x in m.group(2).split(","))):
            p = re.sub(r"^(Optional|ParamArray|ByVal|ByRef)\s+", "", p)
            out.append((fn, re.match(r"\w+", p).group(0)))
    return out


def test_the_generator_saw_every_worksheet_function(generated_vba):
    from xlreview.excel import udfs
    names = [n for n, _ in {(f, f) for f, _ in declared_names(generated_vba)}]
    assert sorted(names) == sorted(n for n in dir(udfs) if n.startswith("XLR_"))
    assert len(names) == 15


def test_no_reserved_word_among_the_declared_names(generated_vba):
    declared = declared_names(generated_vba)
    assert len(declared) > 15
    bad = [(fn, name) for fn, name in declared if name.casefold() in AVOIDED]
    assert bad == [], f"VBA keywords as names in the generated wrappers: {bad}"


def test_the_check_knows_the_words_that_broke_it():
    # the defect this guards against: ``end`` (XLR_PROMO_LIFT) and ``currency`` (xlwings' own tracker)
    vba = "Function F(daily_sales, start, end, Optional currency)\nEnd Function\n"
    assert [n for _, n in declared_names(vba) if n.casefold() in RESERVED] == ["end", "currency"]
    assert len(RESERVED) > 150


def _template_modules(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as z:
        data = z.read("xl/vbaProject.bin")
    parser = VBA_Parser("vbaProject.bin", data=data)
    try:
        return {name.rsplit(".", 1)[0]: code.replace("\r\n", "\n")
                for _, _, name, code in parser.extract_macros()}
    finally:
        parser.close()


@pytest.fixture(scope="module")
def template_modules(tmp_path_factory) -> dict[str, str]:
    from xlreview.template import build_template
    return _template_modules(build_template(tmp_path_factory.mktemp("tpl") / "t.xlsm"))


def _code(text: str) -> list[str]:
    return [line for line in text.replace("\r\n", "\n").split("\n") if line and not line.startswith("Attribute ")]


def test_the_template_ships_exactly_what_xlwings_generates(generated_vba, template_modules):
    shipped = template_modules[UDF_VBA_MODULE]
    assert 'Attribute VB_Name = "xlwings_udfs"' in shipped
    assert _code(shipped)[2:] == _code(generated_vba)          # after the two header lines of import_udfs
    assert _code(udf_vba_source()) == _code(shipped)


def test_the_committed_template_ships_the_wrappers():
    modules = _template_modules(ROOT / "workbook_template.xlsm")
    assert "Function XLR_PROMO_LIFT(daily_sales, first_day, last_day" in modules[UDF_VBA_MODULE]
    from xlreview.template import xlwings_conf_rows
    assert dict(xlwings_conf_rows())["UDF Modules"] == "xlreview.excel.udfs"


_PUBLIC = [
    # procedures of a standard module are public unless Private (or Friend)
    re.compile(r"^(?!Private\b|Friend\b)(?:Public\s+|Global\s+)?(?:Static\s+)?"
               r"(?:Function|Sub|Property\s+(?:Get|Let|Set))\s+(\w+)", re.I),
    re.compile(r"^(?:Public|Global)\s+(?:Const\s+|WithEvents\s+)?(\w+)", re.I),
    re.compile(r"^(?:Public\s+)?Declare\s+(?:PtrSafe\s+)?(?:Function|Sub)\s+(\w+)", re.I),
    re.compile(r"^(?:Public\s+)?(?:Enum|Type)\s+(\w+)", re.I),
]


def public_names(code: str) -> set[str]:
    """Module-level public names of a standard module (each once, though #If branches repeat them)."""
    names = set()
    for line in code.split("\n"):
        line = line.strip()
        for pattern in _PUBLIC:
            m = pattern.match(line)
            if m and m.group(1).casefold() not in ("function", "sub", "property", "declare", "const"):
                names.add(m.group(1))
                break
    return names


def test_no_public_name_in_two_modules(template_modules):
    with zipfile.ZipFile(ROOT / "workbook_template.xlsm") as z:
        project = z.read("xl/vbaProject.bin")
    import io

    import olefile
    with olefile.OleFileIO(io.BytesIO(project)) as ole:   # read back by olefile, not by our writer
        project_stream = ole.openstream("PROJECT").read().decode("cp1252")
    standard = set(re.findall(r"^Module=(\w+)", project_stream, re.M))
    assert {"xlwings", UDF_VBA_MODULE, "XlreviewRibbon", "XlreviewInfo"} <= standard
    owners: dict[str, list[str]] = {}
    for module in sorted(standard):
        for name in public_names(template_modules[module]):
            owners.setdefault(name.casefold(), []).append(f"{module}.{name}")
    twice = {k: v for k, v in owners.items() if len(v) > 1}
    assert twice == {}, f"public names declared in two modules (Ambiguous name detected): {twice}"
    assert owners["xlwings_version"] == ["xlwings.XLWINGS_VERSION"]
    assert "runpython" in owners and "xlr_net_sales" in owners
    clash = [v for k, v in owners.items() if k in {m.casefold() for m in standard}]
    assert clash == [], f"public names equal to a module name: {clash}"


def test_the_public_name_check_sees_a_duplicate():
    a = "Option Explicit\nPublic Const XLWINGS_VERSION As String = \"1\"\nFunction Foo(x)\nEnd Function\n"
    b = "Private Sub Bar()\nEnd Sub\nPublic Const XLWINGS_VERSION As String = \"1\"\n"
    assert public_names(a) & public_names(b) == {"XLWINGS_VERSION"}
    assert "Bar" not in public_names(b) and "Foo" in public_names(a)


def test_our_own_modules_use_no_reserved_word_as_a_name(template_modules):
    for module in ("XlreviewRibbon", "XlreviewInfo", UDF_VBA_MODULE):
        names = public_names(template_modules[module]) | {n for _, n in declared_names(template_modules[module])}
        assert names and not [n for n in names if n.casefold() in RESERVED], module
