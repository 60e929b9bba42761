"""Zip-level helpers that turn an openpyxl .xlsx into a macro-enabled .xlsm with our VBA project and ribbon.

Used by the template builder (``make_macro_enabled``) and after every save (``ensure_ribbon_relationship``
and ``check_macro_package``: openpyxl keeps ``vbaProject.bin`` with ``keep_vba=True`` but drops the
customUI relationship from ``_rels/.rels``). Parts are edited as text, so large worksheets are never
re-serialised; everything written is deterministic (fixed zip timestamps and order).
"""
from __future__ import annotations

import importlib.metadata
import importlib.resources
import importlib.util
import os
import re
import struct
import tempfile
import zipfile
from collections.abc import Iterable
from pathlib import Path
from xml.sax.saxutils import quoteattr

from xlreview.errors import NotAWorkbook
from xlreview.excel.ovba import build_vba_project, read_cfb

__all__ = [
    "FIXED_DATE",
    "REL_RIBBON",
    "REL_RIBBON_2006",
    "REL_VBA",
    "XLWINGS_CONF_VERSION_KEY",
    "check_macro_package",
    "ensure_ribbon_relationship",
    "make_macro_enabled",
    "pin_core_properties",
    "ribbon_xml",
    "sheet_codenames",
    "vba_modules_for_template",
    "vba_document_modules",
    "write_zip_deterministic",
    "xlwings_conf_entries",
    "xlwings_vba_modules",
    "xlwings_version",
]

CT_MACRO_WORKBOOK = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
CT_VBA = "application/vnd.ms-office.vbaProject"
REL_VBA = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
REL_RIBBON = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"        # customUI14.xml
REL_RIBBON_2006 = "http://schemas.microsoft.com/office/2006/relationships/ui/extensibility"   # customUI.xml
REL_WORKSHEET = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
RIBBON_PART = "customUI/customUI14.xml"
VBA_PART = "xl/vbaProject.bin"
FIXED_DATE = "2000-01-01T00:00:00Z"
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
XLWINGS_CONF_VERSION_KEY = "xlreview: xlwings version"

_RIBBON_PARTS = {"customUI/customUI14.xml": REL_RIBBON, "customUI/customUI.xml": REL_RIBBON_2006}
_EXCEL = importlib.resources.files("xlreview.excel")


# ---------------------------------------------------------------------------------------------------------------
# Deterministic zip
# ---------------------------------------------------------------------------------------------------------------
def write_zip_deterministic(entries: Iterable[tuple[str, bytes]], out_path: str | os.PathLike) -> Path:
    """Write ``entries`` (name, bytes) in the given order as a zip with fixed timestamps (1980-01-01).

    DEFLATE at a fixed level, fixed attributes and creator system, so equal entries give equal bytes.
    The file is written next to ``out_path`` and renamed over it.
    """
    out_path = Path(out_path)
    seen: set[str] = set()
    fd, tmp = tempfile.mkstemp(prefix=out_path.name + ".", suffix=".tmp", dir=out_path.parent)
    os.close(fd)
    try:
        with zipfile.ZipFile(tmp, "w") as zf:
            for name, data in entries:
                if name in seen:
                    raise ValueError(f"duplicate zip entry {name!r}")
                seen.add(name)
                info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.create_system = 0
                info.external_attr = 0
                zf.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=6)
        os.replace(tmp, out_path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return out_path


def pin_core_properties(core_xml: bytes, when: str = FIXED_DATE) -> bytes:
    """``docProps/core.xml`` with ``dcterms:created`` and ``dcterms:modified`` set to ``when`` (W3CDTF)."""
    text = core_xml.decode("utf-8")
    for tag in ("created", "modified"):
        text = re.sub(rf"(<dcterms:{tag}\b[^>]*>)[^<]*(</dcterms:{tag}>)", rf"\g<1>{when}\g<2>", text)
    return text.encode("utf-8")


def _read_zip(path: str | os.PathLike) -> list[tuple[str, bytes]]:
    try:
        with zipfile.ZipFile(path) as zf:
            return [(info.filename, zf.read(info)) for info in zf.infolist() if not info.is_dir()]
    except (zipfile.BadZipFile, FileNotFoundError, IsADirectoryError) as exc:
        raise NotAWorkbook(f"{path}: not a readable xlsx/xlsm package ({exc})") from exc


# ---------------------------------------------------------------------------------------------------------------
# Small XML text surgery (the parts are machine-written; attributes use double or single quotes)
# ---------------------------------------------------------------------------------------------------------------
def _attr(tag: str, name: str) -> str | None:
    m = re.search(rf'\s{name}\s*=\s*("([^"]*)"|\'([^\']*)\')', tag)
    if not m:
        return None
    return m.group(2) if m.group(2) is not None else m.group(3)


def _set_attr(tag: str, name: str, value: str) -> str:
    """Start tag ``tag`` (``<x ...>`` or ``<x .../>``) with attribute ``name`` set to ``value``."""
    if _attr(tag, name) is not None:
        return re.sub(rf'(\s{name}\s*=\s*)("[^"]*"|\'[^\']*\')', lambda m: m.group(1) + quoteattr(value), tag, count=1)
    close = "/>" if tag.endswith("/>") else ">"
    return tag[: -len(close)].rstrip() + f" {name}={quoteattr(value)}" + close


def _start_tag(xml: str, local: str) -> re.Match | None:
    return re.search(rf"<(?:\w+:)?{local}\b[^>]*>", xml)


def _with_codename(xml: str, element: str, parent: str, after: tuple[str, ...], codename: str) -> str:
    """Set ``codeName`` on the first ``element`` or insert ``<element codeName=.../>`` into ``parent``.

    The new element goes after the last present sibling named in ``after`` (schema order), else first.
    """
    m = _start_tag(xml, element)
    if m:
        return xml[: m.start()] + _set_attr(m.group(0), "codeName", codename) + xml[m.end():]
    root = _start_tag(xml, parent)
    if root is None:
        raise NotAWorkbook(f"no <{parent}> element")
    prefix = re.match(r"<(\w+:)?", root.group(0)).group(1) or ""
    pos = root.end()
    for sibling in after:
        s = re.search(rf"<(?:\w+:)?{sibling}\b[^>]*?(/>|>.*?</(?:\w+:)?{sibling}>)", xml[pos:], re.S)
        if s and not xml[pos:pos + s.start()].strip("\r\n\t "):
            pos += s.end()
    return xml[:pos] + f"<{prefix}{element} codeName={quoteattr(codename)}/>" + xml[pos:]


def _rels_path(part: str) -> str:
    folder, _, name = part.rpartition("/")
    return f"{folder}/_rels/{name}.rels" if folder else f"_rels/{name}.rels"


def _relationships(rels_xml: str) -> list[dict[str, str]]:
    out = []
    for m in re.finditer(r"<(?:\w+:)?Relationship\b[^>]*>", rels_xml):
        out.append({k: _attr(m.group(0), k) or "" for k in ("Id", "Type", "Target", "TargetMode")})
    return out


def _add_relationship(rels_xml: str | None, rel_type: str, target: str, prefer_id: str) -> str:
    """``rels_xml`` with a relationship of ``rel_type`` to ``target`` (replacing one of that type)."""
    if rels_xml is None:
        rels_xml = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                    "</Relationships>")
    rels_xml = re.sub(rf"<(?:\w+:)?Relationship\b[^>]*Type=\"{re.escape(rel_type)}\"[^>]*/>", "", rels_xml)
    ids = {r["Id"] for r in _relationships(rels_xml)}
    rid, n = prefer_id, 1
    while rid in ids:
        n += 1
        rid = f"{prefer_id}{n}"
    new = f'<Relationship Id="{rid}" Type="{rel_type}" Target="{target}"/>'
    end = re.search(r"</(?:\w+:)?Relationships>", rels_xml)
    if end is None:  # an empty <Relationships .../>
        return re.sub(r"<((?:\w+:)?Relationships\b[^>]*)/>", rf"<\1>{new}</Relationships>", rels_xml, count=1)
    return rels_xml[: end.start()] + new + rels_xml[end.start():]


def _resolve(base_part: str, target: str) -> str:
    """Part name of a relationship ``target`` relative to ``base_part`` (e.g. xl/workbook.xml)."""
    if target.startswith("/"):
        return target.lstrip("/")
    parts = base_part.split("/")[:-1]
    for seg in target.split("/"):
        if seg == "..":
            if parts:
                parts.pop()
        elif seg not in ("", "."):
            parts.append(seg)
    return "/".join(parts)


def _main_part(parts: dict[str, bytes]) -> str:
    for rel in _relationships(parts.get("_rels/.rels", b"").decode("utf-8")):
        if rel["Type"].endswith("/officeDocument"):
            return _resolve("", rel["Target"])
    return "xl/workbook.xml"


def _worksheet_parts(parts: dict[str, bytes], workbook: str) -> list[str]:
    """Worksheet part names in workbook (tab) order."""
    rels = {r["Id"]: r for r in _relationships(parts.get(_rels_path(workbook), b"").decode("utf-8"))}
    wb_xml = parts[workbook].decode("utf-8")
    out = []
    for m in re.finditer(r"<(?:\w+:)?sheet\b[^>]*>", wb_xml):
        rid = _attr(m.group(0), r"r:id") or _attr(m.group(0), r"\w+:id")
        rel = rels.get(rid or "")
        if rel and rel["Type"] == REL_WORKSHEET:
            out.append(_resolve(workbook, rel["Target"]))
    return out


def _sheet_codename(sheet_xml: bytes) -> str | None:
    m = _start_tag(sheet_xml[:4096].decode("utf-8", "ignore"), "sheetPr")
    return _attr(m.group(0), "codeName") if m else None


def _assign_codenames(parts: dict[str, bytes], sheets: list[str]) -> list[str]:
    """Each worksheet's codeName: the one it has, else the first free ``SheetN`` counting from its position."""
    taken = {c for c in (_sheet_codename(parts[s]) for s in sheets if s in parts) if c}
    names = []
    for i, part in enumerate(sheets, start=1):
        name = _sheet_codename(parts[part]) if part in parts else None
        if not name:
            n = i
            while f"Sheet{n}" in taken:
                n += 1
            name = f"Sheet{n}"
            taken.add(name)
        names.append(name)
    return names


def sheet_codenames(xlsx_path: str | os.PathLike) -> list[str]:
    """The worksheet codeNames ``make_macro_enabled`` gives the sheets of ``xlsx_path``, in tab order.

    Pass them to :func:`vba_modules_for_template` so there is one document module per worksheet.
    """
    parts = dict(_read_zip(xlsx_path))
    return _assign_codenames(parts, _worksheet_parts(parts, _main_part(parts)))


def _content_types(ct_xml: str, workbook: str, default_bin_ok: bool) -> str:
    ct_xml = re.sub(
        rf'(<Override\b[^>]*PartName="/{re.escape(workbook)}"[^>]*ContentType=")[^"]*(")',
        rf"\g<1>{CT_MACRO_WORKBOOK}\g<2>", ct_xml)
    ct_xml = re.sub(
        rf'(<Override\b[^>]*ContentType=")[^"]*("[^>]*PartName="/{re.escape(workbook)}")',
        rf"\g<1>{CT_MACRO_WORKBOOK}\g<2>", ct_xml)
    has_override = re.search(rf'<Override\b[^>]*PartName="/{re.escape(VBA_PART)}"', ct_xml)
    default_bin = re.search(r'<Default\b[^>]*Extension="bin"[^>]*>', ct_xml)
    if has_override or (default_bin and _attr(default_bin.group(0), "ContentType") == CT_VBA):
        return ct_xml
    if default_bin is None and default_bin_ok:
        new = f'<Default Extension="bin" ContentType="{CT_VBA}"/>'
        m = re.search(r"<Types\b[^>]*>", ct_xml)
        return ct_xml[: m.end()] + new + ct_xml[m.end():]
    new = f'<Override PartName="/{VBA_PART}" ContentType="{CT_VBA}"/>'
    return ct_xml.replace("</Types>", new + "</Types>")


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
# Public: make, repair and check macro-enabled packages
# ---------------------------------------------------------------------------------------------------------------
def _project_documents(vba_bin: bytes) -> list[str] | None:
    """Document module names from the PROJECT stream of ``vba_bin``; None when it cannot be read."""
    try:
        text = read_cfb(vba_bin)["PROJECT"].decode("cp1252", "replace")
    except (ValueError, KeyError, IndexError, struct.error):
        return None
    return re.findall(r"^Document=([^/\r\n]+)/", text, re.M)


def make_macro_enabled(xlsx_path: str | os.PathLike, out_path: str | os.PathLike,
                       vba_bin: bytes | None = None, ribbon_xml: bytes | None = None) -> Path:
    """Turn an openpyxl-written .xlsx into a macro-enabled .xlsm with VBA project and ribbon.

    Parameters
    ----------
    xlsx_path : path
        The .xlsx (or an .xlsm, whose VBA part and ribbon are replaced).
    out_path : path
        The .xlsm to write (atomically, deterministically: fixed zip dates, pinned core.xml dates).
    vba_bin : bytes, optional
        ``vbaProject.bin``; its document modules must be ThisWorkbook and one per worksheet codeName
        from :func:`sheet_codenames`. Default: built from :func:`vba_modules_for_template`.
    ribbon_xml : bytes, optional
        customUI 2009/07 XML stored as ``customUI/customUI14.xml``. Default: :func:`ribbon_xml`.

    Sets the workbook content type to macro-enabled, adds ``xl/vbaProject.bin`` and its relationship,
    the customUI part and its package relationship, ``<workbookPr codeName="ThisWorkbook"/>`` and a
    ``<sheetPr codeName=.../>`` in each worksheet.
    """
    entries = _read_zip(xlsx_path)
    parts = dict(entries)
    workbook = _main_part(parts)
    if workbook not in parts:
        raise NotAWorkbook(f"{xlsx_path}: no workbook part {workbook}")
    sheets = _worksheet_parts(parts, workbook)
    codenames = _assign_codenames(parts, sheets)
    if vba_bin is None:
        vba_bin = build_vba_project(vba_modules_for_template(codenames))
    if ribbon_xml is None:
        ribbon_xml = _default_ribbon()
    documents = _project_documents(vba_bin)
    if documents is None:
        raise ValueError("vba_bin is not a readable VBA project (no PROJECT stream)")
    missing = [n for n in ["ThisWorkbook", *codenames] if n not in documents]
    if missing:
        raise ValueError(f"vba_bin lacks the document modules {missing}; build it from "
                         f"vba_modules_for_template(sheet_codenames(xlsx)) = {codenames}")

    new: dict[str, bytes] = {}
    wb_xml = parts[workbook].decode("utf-8")
    new[workbook] = _with_codename(wb_xml, "workbookPr", "workbook", ("fileVersion", "fileSharing"),
                                   "ThisWorkbook").encode("utf-8")
    for part, name in zip(sheets, codenames):
        new[part] = _with_codename(parts[part].decode("utf-8"), "sheetPr", "worksheet", (), name).encode("utf-8")
    ct = parts["[Content_Types].xml"].decode("utf-8")
    other_bins = any(n.endswith(".bin") and n != VBA_PART for n in parts)
    new["[Content_Types].xml"] = _content_types(ct, workbook, default_bin_ok=not other_bins).encode("utf-8")
    wb_rels = _rels_path(workbook)
    vba_target = os.path.relpath(VBA_PART, os.path.dirname(workbook) or ".").replace(os.sep, "/")
    new[wb_rels] = _add_relationship(parts[wb_rels].decode("utf-8") if wb_rels in parts else None,
                                     REL_VBA, vba_target, "rIdVBA").encode("utf-8")
    pkg_rels = parts.get("_rels/.rels")
    pkg = pkg_rels.decode("utf-8") if pkg_rels is not None else None
    if pkg is not None:  # an older customUI.xml (2006) is replaced by ours
        pkg = re.sub(rf"<(?:\w+:)?Relationship\b[^>]*Type=\"{re.escape(REL_RIBBON_2006)}\"[^>]*/>", "", pkg)
    new["_rels/.rels"] = _add_relationship(pkg, REL_RIBBON, RIBBON_PART, "xlrRibbon").encode("utf-8")
    if "docProps/core.xml" in parts:
        new["docProps/core.xml"] = pin_core_properties(parts["docProps/core.xml"])
    new[VBA_PART] = bytes(vba_bin)
    new[RIBBON_PART] = bytes(ribbon_xml)

    dropped = {"customUI/customUI.xml", "customUI/_rels/customUI.xml.rels"}
    out: list[tuple[str, bytes]] = []
    for name, data in entries:
        if name not in dropped:
            out.append((name, new.pop(name, data)))
    out += sorted(new.items())
    return write_zip_deterministic(_package_order(out), out_path)


def _package_order(entries: list[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
    """``[Content_Types].xml`` and ``_rels/.rels`` first (as Excel writes them), the rest as given."""
    head = ("[Content_Types].xml", "_rels/.rels")
    return sorted(entries, key=lambda e: head.index(e[0]) if e[0] in head else len(head))


def ensure_ribbon_relationship(path: str | os.PathLike) -> bool:
    """Re-add the package relationship to the customUI part when it exists but is not referenced.

    openpyxl keeps unknown parts such as ``customUI/customUI14.xml`` but drops their relationship from
    ``_rels/.rels``. Returns True when the file was rewritten.
    """
    entries = _read_zip(path)
    parts = dict(entries)
    rels_xml = parts.get("_rels/.rels", b"").decode("utf-8")
    rels = _relationships(rels_xml)
    changed = False
    for part, rel_type in _RIBBON_PARTS.items():
        if part in parts and not any(r["Type"] == rel_type and _resolve("", r["Target"]) == part for r in rels):
            rels_xml = _add_relationship(rels_xml or None, rel_type, part, "xlrRibbon")
            changed = True
    if not changed:
        return False
    entries = [(n, rels_xml.encode("utf-8") if n == "_rels/.rels" else d) for n, d in entries]
    if "_rels/.rels" not in parts:
        entries.insert(1, ("_rels/.rels", rels_xml.encode("utf-8")))
    write_zip_deterministic(entries, path)
    return True


def check_macro_package(path: str | os.PathLike) -> list[str]:
    """Problems that would lose the macros or the ribbon of the .xlsm at ``path``; empty when sound.

    Checks the zip, the macro-enabled workbook content type, ``xl/vbaProject.bin`` (present, typed,
    related from the workbook, a compound file with PROJECT and VBA/dir), the customUI part and its
    relationship, and that ThisWorkbook and every worksheet codeName have a document module.
    """
    try:
        parts = dict(_read_zip(path))
    except NotAWorkbook as exc:
        return [str(exc)]
    problems: list[str] = []
    workbook = _main_part(parts)
    if workbook not in parts:
        return [f"workbook part {workbook} missing"]
    ct = parts.get("[Content_Types].xml", b"").decode("utf-8")
    wb_ct = re.search(rf'<Override\b[^>]*PartName="/{re.escape(workbook)}"[^>]*>', ct)
    if not wb_ct or _attr(wb_ct.group(0), "ContentType") != CT_MACRO_WORKBOOK:
        problems.append(f"{workbook} content type is not {CT_MACRO_WORKBOOK} (Excel would refuse the macros)")
    wb_rels = _relationships(parts.get(_rels_path(workbook), b"").decode("utf-8"))
    vba_rels = [_resolve(workbook, r["Target"]) for r in wb_rels if r["Type"] == REL_VBA]
    vba_part = vba_rels[0] if vba_rels else VBA_PART
    if vba_part not in parts:
        problems.append(f"{vba_part} (the VBA project) missing")
    else:
        if not vba_rels:
            problems.append(f"relationship {REL_VBA} missing from {_rels_path(workbook)}")
        override = re.search(rf'<Override\b[^>]*PartName="/{re.escape(vba_part)}"[^>]*>', ct)
        default = re.search(r'<Default\b[^>]*Extension="bin"[^>]*>', ct)
        typed = override or default
        if not typed or _attr(typed.group(0), "ContentType") != CT_VBA:
            problems.append(f"{vba_part} content type is not {CT_VBA}")
        data = parts[vba_part]
        documents = _project_documents(data) if data[:8] == bytes.fromhex("D0CF11E0A1B11AE1") else None
        if documents is None:
            problems.append(f"{vba_part} is not a readable VBA project")
        else:
            codenames = [_sheet_codename(parts[s]) for s in _worksheet_parts(parts, workbook) if s in parts]
            wb_tag = _start_tag(parts[workbook].decode("utf-8"), "workbookPr")
            wb_code = _attr(wb_tag.group(0), "codeName") if wb_tag else None
            if wb_code is None:
                problems.append("workbookPr has no codeName (ThisWorkbook's module would be orphaned)")
            for name in [wb_code, *codenames]:
                if name and name not in documents:
                    problems.append(f"codeName {name} has no document module in {vba_part}")
    pkg_rels = _relationships(parts.get("_rels/.rels", b"").decode("utf-8"))
    ribbons = [p for p in _RIBBON_PARTS if p in parts]
    if not ribbons:
        problems.append(f"{RIBBON_PART} (the ribbon) missing")
    for part in ribbons:
        if not any(r["Type"] == _RIBBON_PARTS[part] and _resolve("", r["Target"]) == part for r in pkg_rels):
            problems.append(f"relationship to {part} missing from _rels/.rels (the ribbon tab would not show)")
    return problems
