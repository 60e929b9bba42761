"""An Office Open XML package (a .xlsx/.xlsm zip): read its parts, relationships and content types,
write a new one deterministically and atomically, verify that a save kept the macros and the ribbon.

The one owner of the package facts xlreview relies on (ECMA-376 Part 2, Open Packaging Conventions:
https://ecma-international.org/publications-and-standards/standards/ecma-376/): namespaces,
relationship types (the ribbon's is defined here once), content types, the fixed zip date. XML is read
and written with lxml only; nothing edits XML as text.

Writing copies the stored (compressed) bytes of every member that did not change, so a save costs what
changed, not the size of the book (the Orders sheet of a 100k-line book is 75 MB of XML).
"""
from __future__ import annotations

import os
import posixpath
import shutil
import struct
import tempfile
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from lxml import etree

from ..errors import NotAWorkbook, SaveRefused, WorkbookLocked

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PR = "http://schemas.openxmlformats.org/package/2006/relationships"
NS_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
NS_EP = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
NS_VT = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
NS_CP = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
NS_DCTERMS = "http://purl.org/dc/terms/"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
R_ID = f"{{{NS_R}}}id"

REL_OFFICE_DOCUMENT = f"{NS_R}/officeDocument"
REL_WORKSHEET = f"{NS_R}/worksheet"
REL_STYLES = f"{NS_R}/styles"
REL_SHARED_STRINGS = f"{NS_R}/sharedStrings"
REL_CALC_CHAIN = f"{NS_R}/calcChain"
REL_TABLE = f"{NS_R}/table"
REL_EXTENDED_PROPERTIES = f"{NS_R}/extended-properties"
REL_VBA = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
#: The ribbon (customUI 2009/07, ``customUI/customUI14.xml``), related from the package ``_rels/.rels``.
REL_RIBBON = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
#: The older ribbon part ``customUI/customUI.xml`` (customUI 2006).
REL_RIBBON_2006 = "http://schemas.microsoft.com/office/2006/relationships/ui/extensibility"

CT_MACRO_WORKBOOK = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
CT_VBA = "application/vnd.ms-office.vbaProject"
CT_STYLES = "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"
CT_WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"

RIBBON_PART = "customUI/customUI14.xml"
VBA_PART = "xl/vbaProject.bin"
RIBBON_PARTS = {RIBBON_PART: REL_RIBBON, "customUI/customUI.xml": REL_RIBBON_2006}
#: Date of every zip member we write (the zip format's earliest), so equal parts give equal bytes.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
#: ``dcterms:created``/``modified`` of a template, so rebuilding it gives the same bytes.
FIXED_DATE = "2000-01-01T00:00:00Z"
COMPRESS_LEVEL = 6
#: Marks an entry of :func:`write_package` whose stored bytes are copied from the source package.
COPY = None


def m(tag: str) -> str:
    """``tag`` in the SpreadsheetML main namespace, e.g. ``m("sheet")``."""
    return f"{{{NS_MAIN}}}{tag}"


def parse(data: bytes) -> etree._Element:
    """The root element of an XML part (entities not resolved; big parts allowed)."""
    return etree.fromstring(data, etree.XMLParser(remove_blank_text=False, resolve_entities=False, huge_tree=True))


def serialize(root: etree._Element) -> bytes:
    """An XML part as Office writes it: UTF-8, declaration with ``standalone="yes"``."""
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def rels_name(part: str) -> str:
    """The relationships part of ``part`` ("" = the package): ``xl/workbook.xml`` -> ``xl/_rels/workbook.xml.rels``."""
    if part == "":
        return "_rels/.rels"
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels")


def relative(source: str, target: str) -> str:
    """Relationship target of part ``target`` as written in the rels of part ``source``."""
    return posixpath.relpath(target, posixpath.dirname(source) or ".")


@dataclass
class Rel:
    """One relationship; ``target`` is a part name (no leading slash) unless ``external``."""

    id: str
    type: str
    target: str
    external: bool


@dataclass
class SheetRef:
    """A ``<sheet>`` of workbook.xml with its part (``target`` of its relationship)."""

    name: str
    element: etree._Element
    rel: Rel

    @property
    def part(self) -> str:
        return self.rel.target


def new_relationships() -> etree._Element:
    return etree.Element(f"{{{NS_PR}}}Relationships", nsmap={None: NS_PR})


def set_relationship(rels: etree._Element, rel_type: str, target: str, prefer_id: str) -> str:
    """Make ``rels`` hold one relationship of ``rel_type`` to ``target`` (replacing others of that type).

    Returns its Id: ``prefer_id``, or ``prefer_id`` + a number when that is taken.
    """
    for el in list(rels):
        if el.get("Type") == rel_type:
            rels.remove(el)
    taken = {el.get("Id") for el in rels}
    rid, n = prefer_id, 1
    while rid in taken:
        n += 1
        rid = f"{prefer_id}{n}"
    etree.SubElement(rels, f"{{{NS_PR}}}Relationship", Id=rid, Type=rel_type, Target=target)
    return rid


class Package:
    """A zip package on disk, read lazily: member order, the bytes of a part on demand, relationships.

    Raises NotAWorkbook when ``path`` is missing, not a zip, or has no main (officeDocument) part.
    """

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        try:
            self._zip = zipfile.ZipFile(self.path)
        except FileNotFoundError as exc:
            raise NotAWorkbook("file_missing", path=self.path) from exc
        except (OSError, zipfile.BadZipFile) as exc:
            raise NotAWorkbook("not_a_workbook", path=self.path) from exc
        self.infos = {i.filename: i for i in self._zip.infolist() if not i.is_dir()}
        self.names = list(self.infos)
        self._cache: dict[str, bytes] = {}
        self._xml: dict[str, etree._Element] = {}
        main = [r.target for r in self.rels("") if r.type == REL_OFFICE_DOCUMENT and not r.external]
        if "[Content_Types].xml" not in self.infos or not main or main[0] not in self.infos:
            self.close()
            raise NotAWorkbook("not_a_workbook", path=self.path)
        self.workbook = main[0]

    def __enter__(self) -> Package:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._zip.close()

    def __contains__(self, part: str) -> bool:
        return part in self.infos

    def read(self, part: str) -> bytes:
        """The bytes of ``part`` (decompressed; small parts are cached)."""
        if part in self._cache:
            return self._cache[part]
        try:
            data = self._zip.read(part)
        except (zipfile.BadZipFile, zlib.error, OSError) as exc:
            raise NotAWorkbook("not_a_workbook", path=self.path) from exc
        if len(data) < 1 << 20:
            self._cache[part] = data
        return data

    def open(self, part: str):
        """A binary stream of ``part`` (for parts too big to hold, e.g. a 75 MB worksheet)."""
        return self._zip.open(part)

    def xml(self, part: str) -> etree._Element:
        """The parsed root of a small XML part (cached: do not change it; use ``parse(read(part))``)."""
        if part not in self._xml:
            self._xml[part] = parse(self.read(part))
        return self._xml[part]

    def rels(self, part: str) -> list[Rel]:
        """Relationships of ``part`` ("" for the package itself), targets resolved to part names."""
        name = rels_name(part)
        if name not in self.infos:
            return []
        out = []
        for el in self.xml(name).iter(f"{{{NS_PR}}}Relationship"):
            target, external = el.get("Target", ""), el.get("TargetMode") == "External"
            if not external:
                target = unquote(target)
                target = target[1:] if target.startswith("/") else \
                    posixpath.normpath(posixpath.join(posixpath.dirname(part), target))
            out.append(Rel(el.get("Id"), el.get("Type"), target, external))
        return out

    def content_types(self) -> etree._Element:
        return self.xml("[Content_Types].xml")

    def content_type(self, part: str) -> str | None:
        types = self.content_types()
        for el in types.iter(f"{{{NS_CT}}}Override"):
            if el.get("PartName", "").lstrip("/") == part:
                return el.get("ContentType")
        ext = posixpath.splitext(part)[1].lstrip(".").lower()
        for el in types.iter(f"{{{NS_CT}}}Default"):
            if el.get("Extension", "").lower() == ext:
                return el.get("ContentType")
        return None

    def sheets(self, workbook: etree._Element | None = None) -> list[SheetRef]:
        """Every ``<sheet>`` of workbook.xml in tab order with its relationship (from ``workbook`` if given)."""
        workbook = self.xml(self.workbook) if workbook is None else workbook
        rels = {r.id: r for r in self.rels(self.workbook)}
        return [SheetRef(el.get("name"), el, rels[el.get(R_ID)]) for el in workbook.iter(m("sheet"))
                if el.get(R_ID) in rels]

    def sheet_parts(self) -> dict[str, str]:
        """Sheet name -> part name, in tab order."""
        return {s.name: s.part for s in self.sheets()}

    def shared_strings_part(self) -> str | None:
        return next((r.target for r in self.rels(self.workbook) if r.type == REL_SHARED_STRINGS), None)

    def closure(self, roots: Iterable[str], skip: set[str] = frozenset()) -> list[str]:
        """Parts reachable from ``roots`` through internal relationships, in a stable order."""
        seen, order, todo = set(), [], list(roots)
        while todo:
            part = todo.pop(0)
            if part in seen or part in skip:
                continue
            seen.add(part)
            order.append(part)
            todo.extend(r.target for r in self.rels(part) if not r.external and r.target in self.infos)
        return order

    def raw_member(self, part: str) -> tuple[zipfile.ZipInfo, bytes] | None:
        """The member's info and its stored (compressed) bytes, or None when they cannot be copied as is."""
        info = self.infos[part]
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) or info.flag_bits & 0x1:
            return None
        fp = self._zip.fp
        fp.seek(info.header_offset)
        header = fp.read(zipfile.sizeFileHeader)
        if len(header) != zipfile.sizeFileHeader or header[:4] != zipfile.stringFileHeader:
            return None
        fields = struct.unpack(zipfile.structFileHeader, header)
        fp.seek(info.header_offset + zipfile.sizeFileHeader + fields[zipfile._FH_FILENAME_LENGTH]
                + fields[zipfile._FH_EXTRA_FIELD_LENGTH])
        return info, fp.read(info.compress_size)


def _member(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 0
    info.external_attr = 0o600 << 16     # what zipfile gives written members: rw for the owner
    return info


def write_package(out: str | os.PathLike, entries: Iterable[tuple[str, bytes | None]],
                  source: Package | None = None) -> Path:
    """Write the zip ``out`` from ``entries`` (name, bytes) in the given order, atomically.

    An entry whose bytes are :data:`COPY` (None) takes the member of that name from ``source`` with its
    stored bytes copied, not recompressed; an entry given as :class:`~.deflate.Deflated` is stored as it is; an entry given as a tuple of byte pieces (bytes or memoryview)
    is compressed piece by piece, never joined in memory. Every member gets the fixed date :data:`ZIP_DATE`, DEFLATE at
    :data:`COMPRESS_LEVEL`, no attributes, so equal entries give equal bytes. The zip is written to a
    temporary file next to ``out`` and renamed over it; a failure leaves ``out`` as it was.

    Raises WorkbookLocked when ``out`` cannot be written (open in Excel on Windows, read-only folder);
    ValueError on a duplicate name.
    """
    from .deflate import Deflated
    out = Path(out)
    seen: set[str] = set()
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{out.stem}-", suffix=out.suffix + ".tmp", dir=out.parent)
    except PermissionError as exc:
        raise WorkbookLocked("file_locked", path=out) from exc
    try:
        with os.fdopen(fd, "wb") as fh, zipfile.ZipFile(fh, "w") as zf:
            for name, data in entries:
                if name in seen:
                    raise ValueError(f"duplicate zip entry {name!r}")
                seen.add(name)
                raw = source.raw_member(name) if data is COPY else None
                if raw is not None:
                    raw = (raw[0], (raw[1],))
                elif isinstance(data, Deflated):      # compressed by the caller (segmented worksheets)
                    raw = (zipfile.ZipInfo(name), data.pieces)
                    raw[0].compress_type = zipfile.ZIP_DEFLATED
                    raw[0].CRC, raw[0].compress_size, raw[0].file_size = data.crc, data.compress_size, data.size
                if data is COPY and raw is None:
                    data = source.read(name)
                if raw is None and isinstance(data, (tuple, list)):     # pieces: streamed, never joined
                    info = _member(name)
                    info._compresslevel = COMPRESS_LEVEL
                    with zf.open(info, "w", force_zip64=sum(len(p) for p in data) > zipfile.ZIP64_LIMIT) as dest:
                        for piece in data:
                            dest.write(piece)
                    continue
                if raw is None:
                    zf.writestr(_member(name), data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL)
                    continue
                src, stored = raw
                info = _member(name)
                info.compress_type = src.compress_type
                info.CRC, info.compress_size, info.file_size = src.CRC, src.compress_size, src.file_size
                zip64 = info.file_size > zipfile.ZIP64_LIMIT or info.compress_size > zipfile.ZIP64_LIMIT
                info.header_offset = fh.tell()
                fh.write(info.FileHeader(zip64))
                for piece in stored:
                    shutil.copyfileobj(_Bytes(piece), fh)
                zf.filelist.append(info)
                zf.NameToInfo[name] = info
                zf.start_dir = fh.tell()
                zf._didModify = True
        if source is not None and source.path.resolve() == out.resolve():
            source.close()       # Windows cannot replace a file that is open
        os.replace(tmp, out)
    except PermissionError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise WorkbookLocked("file_locked", path=out) from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return out


class _Bytes:
    """A read-only file over bytes (for copyfileobj without another copy)."""

    def __init__(self, data: bytes):
        self._view, self._pos = memoryview(data), 0

    def read(self, n: int = -1) -> bytes:
        end = len(self._view) if n < 0 else min(len(self._view), self._pos + n)
        chunk = self._view[self._pos:end]
        self._pos = end
        return chunk


def pin_core_properties(core_xml: bytes, when: str = FIXED_DATE) -> bytes:
    """``docProps/core.xml`` with ``dcterms:created`` and ``dcterms:modified`` set to ``when`` (W3CDTF)."""
    root = parse(core_xml)
    for tag in ("created", "modified"):
        for el in root.iter(f"{{{NS_DCTERMS}}}{tag}"):
            el.text = when
    return serialize(root)


def ribbon_relationship_missing(pkg: Package) -> list[str]:
    """The ribbon parts of ``pkg`` that ``_rels/.rels`` does not relate (openpyxl drops the relationship)."""
    rels = pkg.rels("")
    return [part for part, rel_type in RIBBON_PARTS.items()
            if part in pkg and not any(r.type == rel_type and r.target == part for r in rels)]


def ensure_ribbon_relationship(path: str | os.PathLike) -> bool:
    """Re-add the package relationship to the customUI part when it exists but is not referenced.

    openpyxl keeps unknown parts such as ``customUI/customUI14.xml`` but drops their relationship from
    ``_rels/.rels``. Returns True when the file was rewritten.
    """
    with Package(path) as pkg:
        missing = ribbon_relationship_missing(pkg)
        if not missing:
            return False
        rels = parse(pkg.read("_rels/.rels")) if "_rels/.rels" in pkg else new_relationships()
        for part in missing:
            set_relationship(rels, RIBBON_PARTS[part], part, "xlrRibbon")
        entries = [(n, serialize(rels) if n == "_rels/.rels" else COPY) for n in pkg.names]
        if "_rels/.rels" not in pkg:
            entries.insert(1, ("_rels/.rels", serialize(rels)))
        write_package(path, entries, pkg)
    return True


def verify_saved(before: str | os.PathLike, after: str | os.PathLike) -> None:
    """Refuse a save (SaveRefused) unless ``after`` opens as a workbook that kept ``before``'s macros and ribbon.

    Checked: ``after`` is a readable package whose parts all decompress (CRC); the VBA project of
    ``before`` is there byte for byte and still related from the workbook part; every ribbon part
    ``before`` related from ``_rels/.rels`` is still there and related.
    """
    with Package(before) as a:
        vba = next((r.target for r in a.rels(a.workbook) if r.type == REL_VBA and r.target in a), None)
        vba_bytes = a.read(vba) if vba else None
        ribbons = [p for p, t in RIBBON_PARTS.items() if p in a and any(r.type == t and r.target == p
                                                                          for r in a.rels(""))]
    try:
        b = Package(after)
    except NotAWorkbook as exc:
        raise SaveRefused("save_unreadable", path=before) from exc
    with b, Package(before) as a:
        for name, info in b.infos.items():   # members copied unchanged are known good: same CRC and size
            old = a.infos.get(name)
            if old is not None and (old.CRC, old.compress_size, old.file_size) == \
                    (info.CRC, info.compress_size, info.file_size):
                continue
            try:
                with b.open(name) as fh:     # reading to the end checks the CRC
                    while fh.read(1 << 22):
                        pass
            except (zipfile.BadZipFile, zlib.error, OSError) as exc:
                raise SaveRefused("save_unreadable", path=before) from exc
        if vba is not None:
            related = any(r.type == REL_VBA and r.target == vba for r in b.rels(b.workbook))
            if vba not in b or b.read(vba) != vba_bytes or not related:
                raise SaveRefused("vba_would_change", path=before)
        rels = b.rels("")
        for part in ribbons:
            if part not in b or not any(r.type == RIBBON_PARTS[part] and r.target == part for r in rels):
                raise SaveRefused("ribbon_would_be_lost", path=before)
