"""Turn an openpyxl .xlsx into the macro-enabled .xlsm of our template: VBA project, ribbon, codeNames.

Used by the template builder (:func:`make_macro_enabled`) and by tests (:func:`check_macro_package`).
The zip, relationships and content types are the OOXML package layer's (:mod:`xlreview.ooxml.package`);
this module only knows what a macro-enabled workbook of ours must hold. Everything written is
deterministic (fixed zip dates, pinned core.xml dates), so the template rebuilds byte for byte.
"""
from __future__ import annotations

import importlib.metadata
import importlib.resources
import importlib.util
import io
import os
import re
from collections.abc import Iterable
from pathlib import Path

import olefile
from lxml import etree

from xlreview.excel.ovba import build_vba_project
from xlreview.ooxml.package import (
    COPY,
    CT_MACRO_WORKBOOK,
    CT_VBA,
    NS_CT,
    REL_RIBBON,
    REL_RIBBON_2006,
    REL_VBA,
    REL_WORKSHEET,
    RIBBON_PART,
    RIBBON_PARTS,
    VBA_PART,
    Package,
    m,
    new_relationships,
    parse,
    pin_core_properties,
    relative,
    rels_name,
    ribbon_relationship_missing,
    serialize,
    set_relationship,
    write_package,
)

__all__ = [
    "XLWINGS_CONF_VERSION_KEY",
    "assign_codenames",
    "check_macro_package",
    "make_macro_enabled",
    "ribbon_xml",
    "sheet_codenames",
    "vba_modules_for_template",
    "vba_document_modules",
    "xlwings_conf_entries",
    "xlwings_vba_modules",
    "xlwings_version",
]

XLWINGS_CONF_VERSION_KEY = "xlreview: xlwings version"
_EXCEL = importlib.resources.files("xlreview.excel")
# Children of <workbook> that precede <workbookPr> (ECMA-376 Part 1, CT_Workbook).
_BEFORE_WORKBOOK_PR = ("fileVersion", "fileSharing")
# Children of <worksheet> that follow <sheetPr> (it is the first in CT_Worksheet), ending the search.
_AFTER_SHEET_PR = {"dimension", "sheetViews", "sheetFormatPr", "cols", "sheetData"}


# ---------------------------------------------------------------------------------------------------------------
# codeNames: ThisWorkbook and one per worksheet, each with a document module in the VBA project
# ---------------------------------------------------------------------------------------------------------------
def _free_codenames(existing: list[str | None]) -> list[str]:
    """Each worksheet's codeName: the one it has, else the first free ``SheetN`` counting from its position."""
    taken = {c for c in existing if c}
    names = []
    for i, name in enumerate(existing, start=1):
        if not name:
            n = i
            while f"Sheet{n}" in taken:
                n += 1
            name = f"Sheet{n}"
            taken.add(name)
        names.append(name)
    return names


def assign_codenames(wb) -> list[str]:
    """Give the openpyxl workbook ``wb`` and each of its worksheets a codeName before it is saved.

    The workbook's is ``ThisWorkbook``; a worksheet keeps its own, else gets the first free ``SheetN``
    counting from its tab position. Returns the worksheets' codeNames in tab order. Set this way, the
    (possibly large) sheet parts never need rewriting when the workbook is made macro-enabled.
    """
    wb.code_name = "ThisWorkbook"
    names = _free_codenames([ws.sheet_properties.codeName for ws in wb.worksheets])
    for ws, name in zip(wb.worksheets, names):
        ws.sheet_properties.codeName = name
    return names


def _sheet_codename(pkg: Package, part: str) -> str | None:
    """``sheetPr/@codeName`` of a worksheet part, read from its first elements only."""
    with pkg.open(part) as fh:
        for _, el in etree.iterparse(fh, events=("start",), huge_tree=True):
            local = etree.QName(el).localname
            if local == "sheetPr":
                return el.get("codeName")
            if local in _AFTER_SHEET_PR:
                return None
    return None


def _worksheets(pkg: Package) -> list[str]:
    return [s.part for s in pkg.sheets() if s.rel.type == REL_WORKSHEET]


def sheet_codenames(xlsx_path: str | os.PathLike) -> list[str]:
    """The worksheet codeNames ``make_macro_enabled`` gives the sheets of ``xlsx_path``, in tab order.

    Pass them to :func:`vba_modules_for_template` so there is one document module per worksheet.
    """
    with Package(xlsx_path) as pkg:
        return _free_codenames([_sheet_codename(pkg, p) for p in _worksheets(pkg)])


def _with_workbook_codename(workbook_xml: bytes) -> bytes:
    root = parse(workbook_xml)
    pr = root.find(m("workbookPr"))
    if pr is None:
        pr = etree.Element(m("workbookPr"))
        before = [c for c in root if isinstance(c.tag, str) and etree.QName(c).localname in _BEFORE_WORKBOOK_PR]
        if before:
            before[-1].addnext(pr)
        else:
            root.insert(0, pr)
    pr.set("codeName", "ThisWorkbook")
    return serialize(root)


def _with_sheet_codename(sheet_xml: bytes, codename: str) -> bytes:
    root = parse(sheet_xml)
    pr = root.find(m("sheetPr"))
    if pr is None:
        pr = etree.Element(m("sheetPr"))
        root.insert(0, pr)
    pr.set("codeName", codename)
    return serialize(root)


# ---------------------------------------------------------------------------------------------------------------
# Public: the template's VBA modules and ribbon
# ---------------------------------------------------------------------------------------------------------------
def _xlwings_dir() -> Path:
    spec = importlib.util.find_spec("xlwings")  # locate without importing (it is platform-bound)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("xlwings is not installed: pip install xlwings")
    return Path(list(spec.submodule_search_locations)[0])


def xlwings_version() -> str:
    """Version of the installed xlwings, whose standalone VBA module the template embeds."""
    return importlib.metadata.version("xlwings")


def xlwings_vba_modules() -> list[tuple[str, str, str]]:
    """The standalone xlwings VBA modules, as ``xlwings quickstart --standalone`` / ``release`` embed them.

    ``xlwings.bas`` (the RunPython client, tied to the DLL of the same xlwings version) and the
    ``Dictionary`` class it uses on macOS, read from the installed xlwings package.
    """
    base = _xlwings_dir()
    bas = (base / "xlwings.bas").read_text(encoding="ascii")
    version = xlwings_version()
    m = re.search(r"^'Version:\s*(\S+)", bas, re.M)
    if m and m.group(1) != version:
        raise RuntimeError(f"xlwings.bas says version {m.group(1)} but xlwings {version} is installed")
    cls = (base / "addin" / "Dictionary.cls").read_text(encoding="ascii")
    return [("xlwings", "standard", bas), ("Dictionary", "class", cls)]


def xlwings_conf_entries() -> list[tuple[str, str]]:
    """Rows the template builder adds to its ``xlwings.conf`` sheet to record what the workbook embeds."""
    from xlreview import __version__

    return [(XLWINGS_CONF_VERSION_KEY, xlwings_version()), ("xlreview: version", __version__)]


def _info_module() -> str:
    from xlreview import __version__

    return "\r\n".join([
        "'Generated by xlreview when the template was built: the versions this workbook embeds.",
        "'The xlwings module's own XLWINGS_VERSION names the xlwings it calls: pip install xlwings==<that>.",
        "Option Explicit",
        "",
        f'Public Const XLREVIEW_VERSION As String = "{__version__}"',
        "",
    ])


def vba_document_modules(sheet_codenames: Iterable[str]) -> list[tuple[str, str, str]]:
    """Empty document modules: ``ThisWorkbook`` and one per worksheet codeName."""
    return [("ThisWorkbook", "document", "")] + [(name, "document", "") for name in sheet_codenames]


def vba_modules_for_template(sheet_codenames: list[str]) -> list[tuple[str, str, str]]:
    """Every module of the template's VBA project, ready for :func:`~xlreview.excel.ovba.build_vba_project`.

    ThisWorkbook, one document module per worksheet codeName (see :func:`sheet_codenames`), the xlwings
    standalone modules from the installed xlwings, ``xlwings_udfs`` (the ``=XLR_...`` wrappers as xlwings'
    Import Functions writes them, see :mod:`xlreview.excel.udf_module`), ``XlreviewRibbon`` (ribbon
    callbacks) and the generated ``XlreviewInfo`` (xlreview version).
    """
    from xlreview.excel.udf_module import UDF_VBA_MODULE, udf_vba_source
    ribbon_bas = (_EXCEL / "vba" / "XlreviewRibbon.bas").read_text(encoding="ascii")
    return (vba_document_modules(sheet_codenames) + xlwings_vba_modules()
            + [(UDF_VBA_MODULE, "standard", udf_vba_source()), ("XlreviewRibbon", "standard", ribbon_bas),
               ("XlreviewInfo", "standard", _info_module())])


def _default_ribbon() -> bytes:
    return (_EXCEL / "ribbon" / "customUI.xml").read_bytes()


def ribbon_xml() -> bytes:
    """The ribbon (customUI 2009/07, UTF-8) stored as ``customUI/customUI14.xml``."""
    return _default_ribbon()


# ---------------------------------------------------------------------------------------------------------------
# Public: make and check macro-enabled packages
# ---------------------------------------------------------------------------------------------------------------
def _project_documents(vba_bin: bytes) -> list[str] | None:
    """Document module names from the PROJECT stream of ``vba_bin`` (read with olefile); None when unreadable."""
    if not olefile.isOleFile(io.BytesIO(vba_bin)):
        return None
    try:
        with olefile.OleFileIO(io.BytesIO(vba_bin)) as ole:
            text = ole.openstream("PROJECT").read().decode("cp1252", "replace")
    except (OSError, ValueError):
        return None
    return re.findall(r"^Document=([^/\r\n]+)/", text, re.M)


def check_vba_project(vba_bin: bytes, codenames: list[str]) -> None:
    """Raise ValueError unless ``vba_bin`` is a VBA project olefile can read (a compound file with a PROJECT
    stream) whose document modules include ThisWorkbook and each of ``codenames`` (the worksheets' codeNames,
    :func:`sheet_codenames`)."""
    documents = _project_documents(vba_bin)
    if documents is None:
        raise ValueError("vba_bin is not a readable VBA project (no PROJECT stream)")
    missing = [n for n in ["ThisWorkbook", *codenames] if n not in documents]
    if missing:
        raise ValueError(f"vba_bin lacks the document modules {missing}; build it from "
                         f"vba_modules_for_template(sheet_codenames(xlsx)) = {codenames}")


def _macro_content_types(types_xml: bytes, workbook: str, default_bin_ok: bool) -> bytes:
    """[Content_Types].xml with the workbook macro-enabled and ``xl/vbaProject.bin`` typed."""
    root = parse(types_xml)
    for el in root.iter(f"{{{NS_CT}}}Override"):
        if el.get("PartName") == "/" + workbook:
            el.set("ContentType", CT_MACRO_WORKBOOK)
    overrides = {el.get("PartName"): el for el in root.iter(f"{{{NS_CT}}}Override")}
    default_bin = next((el for el in root.iter(f"{{{NS_CT}}}Default") if el.get("Extension", "").lower() == "bin"),
                       None)
    if "/" + VBA_PART in overrides or (default_bin is not None and default_bin.get("ContentType") == CT_VBA):
        return serialize(root)
    if default_bin is None and default_bin_ok:
        root.insert(0, etree.Element(f"{{{NS_CT}}}Default", Extension="bin", ContentType=CT_VBA))
    else:
        etree.SubElement(root, f"{{{NS_CT}}}Override", PartName="/" + VBA_PART, ContentType=CT_VBA)
    return serialize(root)


def make_macro_enabled(xlsx_path: str | os.PathLike, out_path: str | os.PathLike,
                       vba_bin: bytes | None = None, ribbon_xml: bytes | None = None) -> Path:
    """Turn an openpyxl-written .xlsx into a macro-enabled .xlsm with VBA project and ribbon.

    Parameters
    ----------
    xlsx_path : path
        The .xlsx (or an .xlsm, whose VBA part and ribbon are replaced). Worksheets without a codeName
        get one here (their parts are rewritten); :func:`assign_codenames` before saving avoids that.
    out_path : path
        The .xlsm to write (atomically, deterministically: fixed zip dates, pinned core.xml dates).
    vba_bin : bytes, optional
        ``vbaProject.bin``; its document modules must be ThisWorkbook and one per worksheet codeName
        from :func:`sheet_codenames`. Default: built from :func:`vba_modules_for_template`.
    ribbon_xml : bytes, optional
        customUI 2009/07 XML stored as ``customUI/customUI14.xml``. Default: :func:`ribbon_xml`.

    Sets the workbook content type to macro-enabled, adds ``xl/vbaProject.bin`` and its relationship,
    the customUI part and its package relationship, ``<workbookPr codeName="ThisWorkbook"/>`` and a
    ``<sheetPr codeName=.../>`` in each worksheet. Raises ValueError when ``vba_bin`` lacks a document
    module; NotAWorkbook when ``xlsx_path`` is not a workbook.
    """
    with Package(xlsx_path) as pkg:
        workbook = pkg.workbook
        sheets = _worksheets(pkg)
        present = [_sheet_codename(pkg, p) for p in sheets]
        codenames = _free_codenames(present)
        if vba_bin is None:
            vba_bin = build_vba_project(vba_modules_for_template(codenames))
        if ribbon_xml is None:
            ribbon_xml = _default_ribbon()
        check_vba_project(vba_bin, codenames)

        new: dict[str, bytes] = {workbook: _with_workbook_codename(pkg.read(workbook))}
        for part, had, name in zip(sheets, present, codenames):
            if had != name:
                new[part] = _with_sheet_codename(pkg.read(part), name)
        other_bins = any(n.endswith(".bin") and n != VBA_PART for n in pkg.names)
        new["[Content_Types].xml"] = _macro_content_types(pkg.read("[Content_Types].xml"), workbook,
                                                          default_bin_ok=not other_bins)
        wb_rels_part = rels_name(workbook)
        wb_rels = parse(pkg.read(wb_rels_part)) if wb_rels_part in pkg else new_relationships()
        set_relationship(wb_rels, REL_VBA, relative(workbook, VBA_PART), "rIdVBA")
        new[wb_rels_part] = serialize(wb_rels)
        pkg_rels = parse(pkg.read("_rels/.rels")) if "_rels/.rels" in pkg else new_relationships()
        for el in list(pkg_rels):   # an older customUI.xml (2006) is replaced by ours
            if el.get("Type") == REL_RIBBON_2006:
                pkg_rels.remove(el)
        set_relationship(pkg_rels, REL_RIBBON, RIBBON_PART, "xlrRibbon")
        new["_rels/.rels"] = serialize(pkg_rels)
        if "docProps/core.xml" in pkg:
            new["docProps/core.xml"] = pin_core_properties(pkg.read("docProps/core.xml"))
        new[VBA_PART] = bytes(vba_bin)
        new[RIBBON_PART] = bytes(ribbon_xml)

        dropped = {"customUI/customUI.xml", "customUI/_rels/customUI.xml.rels"}
        out = [(name, new.pop(name, COPY)) for name in pkg.names if name not in dropped]
        out += sorted(new.items())
        return write_package(out_path, _package_order(out), pkg)


def _package_order(entries: list[tuple[str, bytes | None]]) -> list[tuple[str, bytes | None]]:
    """``[Content_Types].xml`` and ``_rels/.rels`` first (as Excel writes them), the rest as given."""
    head = ("[Content_Types].xml", "_rels/.rels")
    return sorted(entries, key=lambda e: head.index(e[0]) if e[0] in head else len(head))


def check_macro_package(path: str | os.PathLike) -> list[str]:
    """Problems that would lose the macros or the ribbon of the .xlsm at ``path``; empty when sound.

    Checks the zip, the macro-enabled workbook content type, ``xl/vbaProject.bin`` (present, typed,
    related from the workbook, a compound file with PROJECT and VBA/dir), the customUI part and its
    relationship, and that ThisWorkbook and every worksheet codeName have a document module.
    """
    from xlreview.errors import NotAWorkbook
    try:
        pkg = Package(path)
    except NotAWorkbook as exc:
        return [exc.message("en")]
    with pkg:
        problems: list[str] = []
        workbook = pkg.workbook
        if pkg.content_type(workbook) != CT_MACRO_WORKBOOK:
            problems.append(f"{workbook} content type is not {CT_MACRO_WORKBOOK} (Excel would refuse the macros)")
        vba_rels = [r.target for r in pkg.rels(workbook) if r.type == REL_VBA]
        vba_part = vba_rels[0] if vba_rels else VBA_PART
        if vba_part not in pkg:
            problems.append(f"{vba_part} (the VBA project) missing")
        else:
            if not vba_rels:
                problems.append(f"relationship {REL_VBA} missing from {rels_name(workbook)}")
            if pkg.content_type(vba_part) != CT_VBA:
                problems.append(f"{vba_part} content type is not {CT_VBA}")
            documents = _project_documents(pkg.read(vba_part))
            if documents is None:
                problems.append(f"{vba_part} is not a readable VBA project")
            else:
                codenames = [_sheet_codename(pkg, s) for s in _worksheets(pkg) if s in pkg]
                pr = pkg.xml(workbook).find(m("workbookPr"))
                wb_code = pr.get("codeName") if pr is not None else None
                if wb_code is None:
                    problems.append("workbookPr has no codeName (ThisWorkbook's module would be orphaned)")
                for name in [wb_code, *codenames]:
                    if name and name not in documents:
                        problems.append(f"codeName {name} has no document module in {vba_part}")
        if not any(p in pkg for p in RIBBON_PARTS):
            problems.append(f"{RIBBON_PART} (the ribbon) missing")
        for part in ribbon_relationship_missing(pkg):
            problems.append(f"relationship to {part} missing from _rels/.rels (the ribbon tab would not show)")
        return problems
