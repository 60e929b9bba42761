"""Put generated sheets into a user's workbook at the zip level, leaving every other part untouched.

The generated sheets are laid out in a fresh, small openpyxl workbook and saved to a temporary .xlsx;
:func:`transplant` copies them (sheet XML, drawings, charts, styles; strings inlined) into a copy of the
target package. Parts of the target that are not generated sheets (input sheets, sharedStrings.xml,
vbaProject.bin, customUI, ``_rels/.rels``) are copied byte for byte; only ``workbook.xml``, its rels,
``[Content_Types].xml``, ``styles.xml`` and ``docProps/app.xml`` are rewritten.

Generated sheets carry a hidden sheet-scoped defined name :data:`GENERATED_NAME`; a later run removes
every sheet so marked (and the parts only they reference) before adding the new ones, so re-running
is idempotent and byte-for-byte deterministic.

Example
-------
>>> transplant(Path("shop.xlsm"), Path("generated.xlsx"), Path("shop.new.xlsm"), activate="Dashboard")
"""
from __future__ import annotations

import os
import posixpath
import re
import tempfile
import zipfile
from collections.abc import Iterable
from copy import deepcopy
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from lxml import etree

from xlreview.errors import NotAWorkbook, WorkbookLocked, XlreviewError

GENERATED_NAME = "xlreview_generated"
PART_PREFIX = "xlr_"
ZIP_DATE = (1980, 1, 1, 0, 0, 0)

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PR = "http://schemas.openxmlformats.org/package/2006/relationships"
NS_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
NS_EP = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
NS_VT = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
R_ID = f"{{{NS_R}}}id"

REL_OFFICE_DOCUMENT = f"{NS_R}/officeDocument"
REL_WORKSHEET = f"{NS_R}/worksheet"
REL_STYLES = f"{NS_R}/styles"
REL_SHARED_STRINGS = f"{NS_R}/sharedStrings"
REL_CALC_CHAIN = f"{NS_R}/calcChain"
REL_TABLE = f"{NS_R}/table"
CT_STYLES = "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"

# Children of <styleSheet> in schema order, so a missing container is created at the right place.
STYLE_ORDER = ["numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "cellStyles", "dxfs",
               "tableStyles", "colors", "extLst"]
# Children of <workbook> that may precede <definedNames>, in schema order.
BEFORE_DEFINED_NAMES = ["externalReferences", "functionGroups", "sheets"]
FIRST_CUSTOM_NUMFMT = 164
TAB_SELECTED = re.compile(rb'tabSelected="(?:1|true)"')


class SheetNameCollision(XlreviewError, ValueError):
    """A generated sheet has the name of a user sheet that xlreview did not generate."""


def _m(tag: str) -> str:
    return f"{{{NS_MAIN}}}{tag}"


def _parse(data: bytes) -> etree._Element:
    return etree.fromstring(data, etree.XMLParser(remove_blank_text=False, resolve_entities=False, huge_tree=True))


def _serialize(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _rels_name(part: str) -> str:
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels")


def _relative(source: str, target: str) -> str:
    return posixpath.relpath(target, posixpath.dirname(source) or ".")


@dataclass
class _Rel:
    id: str
    type: str
    target: str  # part name inside the zip (no leading slash), or the raw target when external
    external: bool


@dataclass
class _Sheet:
    name: str
    element: etree._Element  # the <sheet> element of workbook.xml
    rel: _Rel


class _Package:
    """A zip package held in memory: entry names in their stored order and their bytes."""

    def __init__(self, path: Path):
        try:
            with zipfile.ZipFile(path) as zf:
                self.names = [i.filename for i in zf.infolist() if not i.is_dir()]
                self.parts = {n: zf.read(n) for n in self.names}
        except (OSError, zipfile.BadZipFile) as exc:
            raise NotAWorkbook(f"{path}: cannot read as a workbook ({exc})") from exc
        self.path = path
        self._types = _parse(self.parts["[Content_Types].xml"]) if "[Content_Types].xml" in self.parts else None
        rels = self.rels("")
        main = [r.target for r in rels if r.type == REL_OFFICE_DOCUMENT and not r.external]
        if self._types is None or not main or main[0] not in self.parts:
            raise NotAWorkbook(f"{path}: not an Office Open XML workbook (no main part)")
        self.workbook = main[0]

    def rels(self, part: str) -> list[_Rel]:
        """Relationships of ``part`` ("" for the package itself), targets resolved to part names."""
        name = "_rels/.rels" if part == "" else _rels_name(part)
        if name not in self.parts:
            return []
        out = []
        for el in _parse(self.parts[name]).iter(f"{{{NS_PR}}}Relationship"):
            target, external = el.get("Target", ""), el.get("TargetMode") == "External"
            if not external:
                target = unquote(target)
                if target.startswith("/"):
                    target = target[1:]
                else:
                    target = posixpath.normpath(posixpath.join(posixpath.dirname(part), target))
            out.append(_Rel(el.get("Id"), el.get("Type"), target, external))
        return out

    def content_type(self, part: str) -> str | None:
        for el in self._types.iter(f"{{{NS_CT}}}Override"):
            if el.get("PartName", "").lstrip("/") == part:
                return el.get("ContentType")
        ext = posixpath.splitext(part)[1].lstrip(".").lower()
        for el in self._types.iter(f"{{{NS_CT}}}Default"):
            if el.get("Extension", "").lower() == ext:
                return el.get("ContentType")
        return None

    def sheets(self, workbook: etree._Element) -> list[_Sheet]:
        rels = {r.id: r for r in self.rels(self.workbook)}
        return [_Sheet(el.get("name"), el, rels[el.get(R_ID)]) for el in workbook.iter(_m("sheet"))]

    def closure(self, roots: Iterable[str], skip: set[str] = frozenset()) -> list[str]:
        """Parts reachable from ``roots`` through internal relationships, in a stable order."""
        seen, order, todo = set(), [], list(roots)
        while todo:
            part = todo.pop(0)
            if part in seen or part in skip:
                continue
            seen.add(part)
            order.append(part)
            todo.extend(r.target for r in self.rels(part) if not r.external and (r.target in self.parts))
        return order


def _marked_indices(workbook: etree._Element) -> set[int]:
    return {int(el.get("localSheetId")) for el in workbook.iter(_m("definedName"))
            if el.get("name") == GENERATED_NAME and el.get("localSheetId") is not None}


def generated_sheet_names(path) -> list[str]:
    """Names of sheets in the workbook marked as generated by xlreview.

    Example: ``generated_sheet_names("shop.xlsx")`` -> ``["Dashboard", "Plan"]``.
    """
    pkg = _Package(Path(path))
    workbook = _parse(pkg.parts[pkg.workbook])
    marked = _marked_indices(workbook)
    return [s.name for i, s in enumerate(pkg.sheets(workbook)) if i in marked]


# ---------------------------------------------------------------------------------------------- styles


def _key(el: etree._Element) -> tuple:
    """A structural key of an XML element, for de-duplicating style records."""
    return (el.tag, tuple(sorted(el.attrib.items())), (el.text or "").strip(),
            tuple(_key(c) for c in el if isinstance(c.tag, str)))


def _container(root: etree._Element, tag: str) -> etree._Element:
    found = root.find(_m(tag))
    if found is not None:
        return found
    el = etree.Element(_m(tag))
    later = STYLE_ORDER[STYLE_ORDER.index(tag) + 1:]
    for i, child in enumerate(root):
        if isinstance(child.tag, str) and etree.QName(child).localname in later:
            root.insert(i, el)
            return el
    root.append(el)
    return el


def _items(root: etree._Element | None, container: str, item: str) -> list[etree._Element]:
    parent = None if root is None else root.find(_m(container))
    return [] if parent is None else parent.findall(_m(item))


class _StyleMerge:
    """Merge generated style records into the target's styles.xml; maps generated ids to target ids.

    Records already present (by structure) are reused, which keeps a re-run idempotent. Index 0 of
    fonts, borders and cellXfs (and fills 0 and 1) are the defaults and map to the target's defaults.
    """

    def __init__(self, target: bytes, generated: bytes | None):
        self.root = _parse(target)
        self.changed = False
        gen = None if generated is None else _parse(generated)
        self._numfmt_ids = {el.get("formatCode"): int(el.get("numFmtId"))
                            for el in _items(self.root, "numFmts", "numFmt")}
        gen_numfmts = {int(el.get("numFmtId")): el.get("formatCode") for el in _items(gen, "numFmts", "numFmt")}
        self.numfmt = {i: self._numfmt(code) for i, code in gen_numfmts.items()}
        self.font = self._pool("fonts", _items(gen, "fonts", "font"), {0: 0})
        self.fill = self._pool("fills", _items(gen, "fills", "fill"), {0: 0, 1: 1})
        self.border = self._pool("borders", _items(gen, "borders", "border"), {0: 0})
        xfs = []
        for xf in _items(gen, "cellXfs", "xf"):
            xf = deepcopy(xf)
            for attr, mapping in (("numFmtId", None), ("fontId", self.font), ("fillId", self.fill),
                                  ("borderId", self.border)):
                if xf.get(attr) is not None:
                    old = int(xf.get(attr))
                    new = self._numfmt_id(old) if mapping is None else mapping[old]
                    xf.set(attr, str(new))
            xf.set("xfId", "0")  # named cell styles are not transplanted
            xfs.append(xf)
        self.xf = self._pool("cellXfs", xfs, {0: 0})
        dxfs = []
        for dxf in _items(gen, "dxfs", "dxf"):
            dxf = deepcopy(dxf)
            for fmt in dxf.findall(_m("numFmt")):
                fmt.set("numFmtId", str(self._numfmt(fmt.get("formatCode"))))
            dxfs.append(dxf)
        self.dxf = self._pool("dxfs", dxfs, {})

    def _numfmt_id(self, old: int) -> int:
        return self.numfmt[old] if old >= FIRST_CUSTOM_NUMFMT else old

    def _numfmt(self, code: str) -> int:
        if code not in self._numfmt_ids:
            new = max([FIRST_CUSTOM_NUMFMT - 1, *self._numfmt_ids.values()]) + 1
            etree.SubElement(_container(self.root, "numFmts"), _m("numFmt"), numFmtId=str(new), formatCode=code)
            self._numfmt_ids[code] = new
            self._recount("numFmts")
        return self._numfmt_ids[code]

    def _pool(self, container: str, records: list[etree._Element], fixed: dict[int, int]) -> dict[int, int]:
        if not records:
            return dict(fixed)
        parent = _container(self.root, container)
        existing = [c for c in parent if isinstance(c.tag, str)]
        index: dict[tuple, int] = {}
        for i, el in enumerate(existing):
            index.setdefault(_key(el), i)
        mapping = {}
        for j, el in enumerate(records):
            if j in fixed and fixed[j] < len(existing):
                mapping[j] = fixed[j]
                continue
            key = _key(el)
            if key not in index:
                parent.append(deepcopy(el))
                index[key] = len(existing)
                existing.append(el)
            mapping[j] = index[key]
        self._recount(container)
        return mapping

    def _recount(self, container: str) -> None:
        parent = self.root.find(_m(container))
        count = str(sum(1 for c in parent if isinstance(c.tag, str)))
        if parent.get("count") != count:
            parent.set("count", count)
            self.changed = True
        elif len(parent) and parent.get("count") is None:
            parent.set("count", count)
            self.changed = True

    def remap_sheet(self, sheet: etree._Element) -> None:
        for el in sheet.iter(_m("c"), _m("row")):
            if el.get("s") is not None:
                el.set("s", str(self.xf[int(el.get("s"))]))
        for el in sheet.iter(_m("col")):
            if el.get("style") is not None:
                el.set("style", str(self.xf[int(el.get("style"))]))
        for el in sheet.iter(_m("cfRule")):
            if el.get("dxfId") is not None:
                el.set("dxfId", str(self.dxf[int(el.get("dxfId"))]))


# ---------------------------------------------------------------------------------------- sheet XML


def _shared_strings(pkg: _Package) -> list[etree._Element]:
    part = next((r.target for r in pkg.rels(pkg.workbook) if r.type == REL_SHARED_STRINGS), None)
    if part is None or part not in pkg.parts:
        return []
    return _parse(pkg.parts[part]).findall(_m("si"))


def _inline_strings(sheet: etree._Element, strings: list[etree._Element]) -> None:
    """Turn shared-string cells into inline strings; text stays text (no formula is ever made)."""
    for c in sheet.iter(_m("c")):
        if c.get("t") == "s":
            v = c.find(_m("v"))
            inline = etree.Element(_m("is"))
            inline.extend(deepcopy(child) for child in strings[int(v.text)])
            c.remove(v)
            c.append(inline)
            c.set("t", "inlineStr")
        if c.get("t") == "inlineStr":
            for t in c.iter(_m("t")):
                t.set(XML_SPACE, "preserve")


def _set_tab_selected(sheet: etree._Element, selected: bool) -> None:
    for view in sheet.iter(_m("sheetView")):
        if selected:
            view.set("tabSelected", "1")
        elif "tabSelected" in view.attrib:
            del view.attrib["tabSelected"]


def _is_tab_selected(data: bytes) -> bool:
    end = data.find(b"<sheetData")
    return bool(TAB_SELECTED.search(data if end < 0 else data[:end]))


# --------------------------------------------------------------------------------------- app.xml


def _updated_app_xml(data: bytes, old_names: list[str], new_names: list[str]) -> bytes | None:
    """docProps/app.xml with the worksheet titles updated; both lists dropped when they cannot be matched.

    Returns None when nothing needs to change.
    """
    root = _parse(data)
    pairs, titles = root.find(f"{{{NS_EP}}}HeadingPairs"), root.find(f"{{{NS_EP}}}TitlesOfParts")
    if pairs is None and titles is None:
        return None
    try:
        variants = pairs.find(f"{{{NS_VT}}}vector").findall(f"{{{NS_VT}}}variant")
        title_vector = titles.find(f"{{{NS_VT}}}vector")
        title_els = title_vector.findall(f"{{{NS_VT}}}lpstr")
        start = 0
        for count_var in variants[1::2]:
            count_el = count_var.find(f"{{{NS_VT}}}i4")
            count = int(count_el.text)
            if [t.text for t in title_els[start:start + count]] == old_names:
                anchor = title_els[start - 1] if start else None
                for t in title_els[start:start + count]:
                    title_vector.remove(t)
                pos = 0 if anchor is None else title_vector.index(anchor) + 1
                for k, name in enumerate(new_names):
                    el = etree.Element(f"{{{NS_VT}}}lpstr")
                    el.text = name
                    title_vector.insert(pos + k, el)
                count_el.text = str(len(new_names))
                title_vector.set("size", str(len(title_vector.findall(f"{{{NS_VT}}}lpstr"))))
                return _serialize(root)
            start += count
    except (AttributeError, TypeError, ValueError):
        pass
    for el in (pairs, titles):
        if el is not None:
            root.remove(el)
    return _serialize(root)


# ------------------------------------------------------------------------------------- workbook.xml


def _defined_names(workbook: etree._Element) -> etree._Element:
    found = workbook.find(_m("definedNames"))
    if found is not None:
        return found
    el = etree.Element(_m("definedNames"))
    for tag in BEFORE_DEFINED_NAMES:
        before = workbook.find(_m(tag))
        if before is not None:
            before.addnext(el)
            return el
    raise NotAWorkbook("workbook.xml has no <sheets>")


def _next_rid(rels_root: etree._Element) -> Iterable[str]:
    taken = {el.get("Id") for el in rels_root}
    n = max([0, *(int(i[3:]) for i in taken if re.fullmatch(r"rId\d+", i or ""))])
    while True:
        n += 1
        if f"rId{n}" not in taken:
            yield f"rId{n}"


def _unused_name(part: str, taken: set[str]) -> str:
    folder, base = posixpath.split(part)
    stem, ext = posixpath.splitext(base)
    candidate, k = f"{folder}/{PART_PREFIX}{stem}{ext}", 2
    while candidate in taken or _rels_name(candidate) in taken:
        candidate, k = f"{folder}/{PART_PREFIX}{stem}_{k}{ext}", k + 1
    return candidate


def _write_zip(out: Path, entries: list[tuple[str, bytes]]) -> None:
    """Write a deterministic zip (fixed timestamps, given order) to a temp file, then rename it."""
    out = Path(out)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.stem}-", suffix=out.suffix, dir=out.parent)
    try:
        with os.fdopen(fd, "wb") as fh, zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in entries:
                info = zipfile.ZipInfo(name, ZIP_DATE)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.create_system = 0
                info.external_attr = 0
                zf.writestr(info, data)
        os.replace(tmp, out)
    except PermissionError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise WorkbookLocked(f"{out}: cannot write; close it in Excel/WPS/LibreOffice and try again") from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def transplant(target: Path, generated: Path, out: Path, *, order: str = "end",
               activate: str | None = None) -> None:
    """Write ``out`` = ``target`` with its generated sheets replaced by every sheet of ``generated``.

    Parameters
    ----------
    target : workbook (.xlsx/.xlsm) to update; parts other than generated sheets are copied byte for byte.
    generated : .xlsx written by openpyxl holding only the generated sheets.
    out : where to write the result (may equal ``target``; written to a temp file, then renamed).
    order : ``"end"`` puts the generated sheets after the user's sheets, ``"front"`` before them.
    activate : name of a generated sheet to make the active tab, e.g. ``"Dashboard"``. Ignored when a
        user sheet is selected (its XML would have to change to unselect it, grouping the tabs otherwise).

    Raises
    ------
    SheetNameCollision (a ValueError) when a generated sheet's name equals (ignoring case) the name of a
    user sheet that is not marked as generated; NotAWorkbook when either file is not a workbook.

    Example: ``transplant(Path("shop.xlsm"), Path("gen.xlsx"), Path("shop.xlsm"), activate="Dashboard")``
    """
    if order not in ("end", "front"):
        raise ValueError(f"order must be 'end' or 'front', not {order!r}")
    tgt, gen = _Package(Path(target)), _Package(Path(generated))
    rewritten: dict[str, bytes] = {}
    added: list[tuple[str, bytes]] = []

    wb_part, wb_rels_part = tgt.workbook, _rels_name(tgt.workbook)
    workbook = _parse(tgt.parts[wb_part])
    wb_rels = _parse(tgt.parts[wb_rels_part])
    types = deepcopy(tgt._types)
    sheets = tgt.sheets(workbook)
    marked = _marked_indices(workbook)
    kept = [s for i, s in enumerate(sheets) if i not in marked]
    removed = [s for i, s in enumerate(sheets) if i in marked]

    gen_workbook = _parse(gen.parts[gen.workbook])
    gen_sheets = gen.sheets(gen_workbook)
    user_names = {s.name.casefold(): s.name for s in kept}
    clashes = [user_names[s.name.casefold()] for s in gen_sheets if s.name.casefold() in user_names]
    if clashes:
        raise SheetNameCollision(
            f"{Path(target).name}: sheet(s) {', '.join(map(repr, clashes))} have the name of a sheet xlreview "
            "generates but were not made by xlreview; rename them in the workbook, then build again")

    # -- drop previously generated sheets and the parts only they reference
    removed_ids = {s.rel.id for s in removed}
    wb_rels_by_id = {r.id: r for r in tgt.rels(wb_part)}
    removed_sheet_ids = {s.element.get("sheetId") for s in removed}
    calc_chain = next((r for r in wb_rels_by_id.values() if r.type == REL_CALC_CHAIN), None)
    if calc_chain is not None and calc_chain.target in tgt.parts and removed_sheet_ids:
        # calcChain.xml lists formula cells by sheetId; entries of a dropped sheet make Excel repair the file.
        ids = set(re.findall(rb'\bi="(\d+)"', tgt.parts[calc_chain.target]))
        if ids & {s.encode() for s in removed_sheet_ids}:
            removed_ids.add(calc_chain.id)
    reachable: set[str] = set()
    todo = [r.target for r in tgt.rels("") if not r.external]
    while todo:
        part = todo.pop()
        if part in reachable or part not in tgt.parts:
            continue
        reachable.add(part)
        todo.extend(r.target for r in tgt.rels(part)
                    if not r.external and not (part == wb_part and r.id in removed_ids))
    dropped_roots = [wb_rels_by_id[i].target for i in sorted(removed_ids)]
    dropped = {p for p in tgt.closure(dropped_roots) if p not in reachable}
    dropped |= {_rels_name(p) for p in dropped if _rels_name(p) in tgt.parts}
    for el in list(wb_rels):
        if el.get("Id") in removed_ids:
            wb_rels.remove(el)
    for el in list(types):
        if el.get("PartName", "").lstrip("/") in dropped:
            types.remove(el)

    # -- styles
    style_rel = next((r for r in tgt.rels(wb_part) if r.type == REL_STYLES), None)
    gen_style_part = next((r.target for r in gen.rels(gen.workbook) if r.type == REL_STYLES), None)
    gen_styles = gen.parts.get(gen_style_part) if gen_style_part else None
    rid = _next_rid(wb_rels)
    styles = None
    if style_rel is not None and style_rel.target in tgt.parts:
        styles = _StyleMerge(tgt.parts[style_rel.target], gen_styles)
        if styles.changed:
            rewritten[style_rel.target] = _serialize(styles.root)
    elif gen_styles is not None:
        part = posixpath.join(posixpath.dirname(wb_part), "styles.xml")
        added.append((part, gen_styles))
        etree.SubElement(wb_rels, f"{{{NS_PR}}}Relationship", Id=next(rid), Type=REL_STYLES,
                         Target=_relative(wb_part, part))
        etree.SubElement(types, f"{{{NS_CT}}}Override", PartName="/" + part, ContentType=CT_STYLES)

    # -- copy generated parts under fresh names
    gen_dir, tgt_dir = posixpath.dirname(gen.workbook), posixpath.dirname(wb_part)
    gen_parts = gen.closure(s.rel.target for s in gen_sheets)
    taken = (set(tgt.parts) - dropped) | {name for name, _ in added}
    names: dict[str, str] = {}
    for part in gen_parts:
        if any(r.type == REL_TABLE for r in gen.rels(part)):
            raise ValueError(f"{Path(generated).name}: Excel tables in generated sheets are not supported")
        moved = posixpath.normpath(posixpath.join(tgt_dir, posixpath.relpath(part, gen_dir)))
        names[part] = _unused_name(moved, taken)
        taken |= {names[part], _rels_name(names[part])}

    # -- the new sheet list and where each old index goes
    gen_sheet_parts = {s.rel.target for s in gen_sheets}
    kept_old = [i for i in range(len(sheets)) if i not in marked]
    gen_at = 0 if order == "front" else len(kept)
    new_index_of_gen = {k: gen_at + k for k in range(len(gen_sheets))}
    new_index_of_old = {old: (len(gen_sheets) if order == "front" else 0) + k for k, old in enumerate(kept_old)}
    new_list = [("kept", s) for s in kept]
    new_list[gen_at:gen_at] = [("gen", s) for s in gen_sheets]

    # -- which tab is active
    view = workbook.find(f"{_m('bookViews')}/{_m('workbookView')}")
    old_active = int(view.get("activeTab", "0")) if view is not None else 0
    user_selected = any(_is_tab_selected(tgt.parts.get(s.rel.target, b"")) for s in kept)
    gen_names = [s.name for s in gen_sheets]
    if activate is not None and activate not in gen_names:
        raise ValueError(f"activate={activate!r} is not one of the generated sheets {gen_names}")
    visible = [i for i, (kind, s) in enumerate(new_list) if s.element.get("state", "visible") == "visible"]
    active = None
    if activate in gen_names and not user_selected:
        active = new_index_of_gen[gen_names.index(activate)]
    elif old_active in new_index_of_old:
        active = new_index_of_old[old_active]
    elif 0 <= old_active < len(sheets) and sheets[old_active].name in gen_names:
        active = new_index_of_gen[gen_names.index(sheets[old_active].name)]
    if view is None:
        active = 0  # without a workbookView Excel shows the first sheet
    if active not in visible:
        active = visible[0] if visible else 0
    active_gen_part = next((s.rel.target for kind, s in new_list[active:active + 1] if kind == "gen"), None)

    strings = _shared_strings(gen)
    for part in gen_parts:
        data = gen.parts[part]
        content_type = gen.content_type(part) or "application/xml"
        if part in gen_sheet_parts and content_type.endswith("worksheet+xml"):
            sheet = _parse(data)
            _inline_strings(sheet, strings)
            if styles is not None:
                styles.remap_sheet(sheet)
            _set_tab_selected(sheet, part == active_gen_part)
            data = _serialize(sheet)
        added.append((names[part], data))
        etree.SubElement(types, f"{{{NS_CT}}}Override", PartName="/" + names[part],
                         ContentType=content_type)
        rels_name = _rels_name(part)
        if rels_name in gen.parts:
            rels = _parse(gen.parts[rels_name])
            for el in rels:
                if el.get("TargetMode") != "External":
                    target = next(r.target for r in gen.rels(part) if r.id == el.get("Id"))
                    if target in names:
                        el.set("Target", _relative(names[part], names[target]))
            added.append((_rels_name(names[part]), _serialize(rels)))

    # -- workbook.xml: sheets, defined names, views
    sheets_el = workbook.find(_m("sheets"))
    for s in removed:
        sheets_el.remove(s.element)
    next_sheet_id = max([0, *(int(s.element.get("sheetId")) for s in kept)]) + 1
    new_elements = []
    for s in gen_sheets:
        el = etree.Element(_m("sheet"), nsmap={"r": NS_R})
        el.set("name", s.name)
        el.set("sheetId", str(next_sheet_id))
        if s.element.get("state") not in (None, "visible"):
            el.set("state", s.element.get("state"))
        new_rid = next(rid)
        el.set(R_ID, new_rid)
        etree.SubElement(wb_rels, f"{{{NS_PR}}}Relationship", Id=new_rid, Type=s.rel.type,
                         Target=_relative(wb_part, names[s.rel.target]))
        new_elements.append(el)
        next_sheet_id += 1
    if order == "front":
        for k, el in enumerate(new_elements):
            sheets_el.insert(k, el)
    else:
        sheets_el.extend(new_elements)

    defined = _defined_names(workbook)
    for el in list(defined):
        scope = el.get("localSheetId")
        if scope is None:
            continue
        if int(scope) in new_index_of_old:
            el.set("localSheetId", str(new_index_of_old[int(scope)]))
        else:
            defined.remove(el)  # scoped to a removed sheet (our marker, print areas of generated sheets)
    gen_defined = gen_workbook.find(_m("definedNames"))
    for i_gen in range(len(gen_sheets)):
        for el in (gen_defined if gen_defined is not None else []):
            if el.get("localSheetId") is not None and int(el.get("localSheetId")) == i_gen:
                copy = deepcopy(el)
                copy.set("localSheetId", str(new_index_of_gen[i_gen]))
                defined.append(copy)
        marker = etree.SubElement(defined, _m("definedName"), name=GENERATED_NAME,
                                  localSheetId=str(new_index_of_gen[i_gen]), hidden="1")
        marker.text = '"1"'
    if len(defined) == 0:
        workbook.remove(defined)

    if view is not None:
        # firstSheet is the leftmost tab shown in the tab strip; generated sheets in front must be visible
        first = 0 if order == "front" else new_index_of_old.get(int(view.get("firstSheet", "0")), 0)
        view.set("activeTab", str(active))
        if "firstSheet" in view.attrib or first > active:
            view.set("firstSheet", str(min(first, active)))

    rewritten[wb_part] = _serialize(workbook)
    rewritten[wb_rels_part] = _serialize(wb_rels)
    rewritten["[Content_Types].xml"] = _serialize(types)

    app = next((r.target for r in tgt.rels("") if r.type.endswith("/extended-properties")), None)
    if app in tgt.parts:
        worksheet_names = [s.name for kind, s in new_list if s.rel.type == REL_WORKSHEET]
        old_names = [s.name for s in sheets if s.rel.type == REL_WORKSHEET]
        updated = _updated_app_xml(tgt.parts[app], old_names, worksheet_names)
        if updated is not None:
            rewritten[app] = updated

    entries = [(n, rewritten.get(n, tgt.parts[n])) for n in tgt.names if n not in dropped]
    entries += added
    entries.sort(key=lambda e: e[0] != "[Content_Types].xml")  # stable: only moves it first
    _write_zip(Path(out), entries)
