"""Writer of ``vbaProject.bin`` from VBA source: [MS-OVBA] compression, a [MS-CFB] v3 writer, the project streams.

Only a writer: reading a project back is olefile's and oletools' job (the tests do).
The project is written *source only*: ``VBA/_VBA_PROJECT`` carries version 0xFFFF and every module's
``MODULEOFFSET`` is 0 (no compiled p-code), so Excel compiles the modules from their source on open.
Output is deterministic: zero CLSIDs and timestamps, a project ID derived from the project name, a fixed
seed for the (unprotected) CMG/DPB/GC values, so the same input gives byte-identical bytes.

Module kinds: ``"standard"`` (a .bas module), ``"document"`` (ThisWorkbook and one per worksheet codeName)
and ``"class"`` (a .cls class module; the ``VERSION 1.0 CLASS``/``BEGIN``/``END`` export header is accepted
and dropped). Source may carry its own leading ``Attribute VB_*`` lines (as exported .bas/.cls files do):
the standard ones are replaced by the header Excel itself stores, any other ones are kept after it.
"""
from __future__ import annotations

import re
import struct
import uuid
from collections.abc import Iterable, Sequence

__all__ = [
    "CHUNK_SIZE",
    "build_vba_project",
    "compress",
    "decrypt_project_value",
    "encrypt_project_value",
    "module_source",
    "write_cfb",
]

# ---------------------------------------------------------------------------------------------------------------
# [MS-OVBA] 2.4.1 compression
# ---------------------------------------------------------------------------------------------------------------
CHUNK_SIZE = 4096
_MAX_CANDIDATES = 64  # hash-chain depth; bounds the time spent on very repetitive input


def _bit_count(difference: int) -> int:
    """Number of offset bits of a CopyToken ([MS-OVBA] 2.4.1.3.19.1): ceil(log2(difference)), at least 4."""
    return max((difference - 1).bit_length(), 4)


def _compress_chunk(data: bytes, start: int, end: int) -> bytes:
    """Compressed chunk (header + data) for ``data[start:end]``; a raw chunk when compression does not pay."""
    out = bytearray()
    heads: dict[bytes, list[int]] = {}
    pos = start
    while pos < end:
        flag_index = len(out)
        out.append(0)
        flags = 0
        for bit in range(8):
            if pos >= end:
                break
            best_len, best_off = 0, 0
            if pos - start > 0 and end - pos >= 3:
                bits = _bit_count(pos - start)
                max_len = min((0xFFFF >> bits) + 3, end - pos)
                for cand in reversed(heads.get(data[pos:pos + 3], ())[-_MAX_CANDIDATES:]):
                    n = 3
                    while n < max_len and data[cand + n] == data[pos + n]:
                        n += 1
                    if n > best_len:
                        best_len, best_off = n, pos - cand
                        if n == max_len:
                            break
            if best_len >= 3:
                bits = _bit_count(pos - start)
                token = ((best_off - 1) << (16 - bits)) | (best_len - 3)
                out += struct.pack("<H", token)
                flags |= 1 << bit
                step = best_len
            else:
                out.append(data[pos])
                step = 1
            for p in range(pos, min(pos + step, end - 2)):
                heads.setdefault(data[p:p + 3], []).append(p)
            pos += step
        out[flag_index] = flags
    if len(out) > CHUNK_SIZE:
        # [MS-OVBA] 2.4.1.3.10: a raw chunk always holds 4096 bytes, padded with 0x00
        raw = data[start:end].ljust(CHUNK_SIZE, b"\x00")
        return struct.pack("<H", 0x3000 | (CHUNK_SIZE - 1)) + raw
    header = 0x8000 | 0x3000 | (len(out) + 2 - 3)
    return struct.pack("<H", header) + bytes(out)


def compress(data: bytes) -> bytes:
    """Compress ``data`` into an [MS-OVBA] 2.4.1 CompressedContainer (signature byte 0x01 then chunks)."""
    data = bytes(data)
    out = bytearray(b"\x01")
    for start in range(0, len(data), CHUNK_SIZE):
        out += _compress_chunk(data, start, min(start + CHUNK_SIZE, len(data)))
    return bytes(out)


# ---------------------------------------------------------------------------------------------------------------
# [MS-CFB] compound file writer (version 3, 512-byte sectors)
# ---------------------------------------------------------------------------------------------------------------
_SECTOR = 512
_MINI_SECTOR = 64
_MINI_CUTOFF = 4096
_FREESECT, _ENDOFCHAIN, _FATSECT, _NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
_STORAGE, _STREAM, _ROOT = 1, 2, 5
_RED, _BLACK = 0, 1


class _Entry:
    def __init__(self, name: str, kind: int, data: bytes = b""):
        self.name, self.kind, self.data = name, kind, data
        self.children: list[_Entry] = []
        self.left = self.right = self.child = _NOSTREAM
        self.color = _BLACK
        self.start, self.size = _ENDOFCHAIN, 0
        self.sid = -1


def _cfb_key(name: str) -> tuple[int, str]:
    """[MS-CFB] 2.6.4 order of siblings: shorter names first, then by upper-cased name."""
    return (len(name.encode("utf-16-le")), name.upper())


def _link_tree(nodes: list[_Entry]) -> int:
    """Link sorted ``nodes`` into a balanced binary search tree; returns the root's stream ID.

    Every level but the last is full, so colouring all nodes black and an incomplete last level red
    is a valid red-black tree.
    """
    if not nodes:
        return _NOSTREAM
    depth_of: dict[int, int] = {}

    def build(lo: int, hi: int, depth: int) -> int:
        if lo >= hi:
            return _NOSTREAM
        mid = (lo + hi) // 2
        node = nodes[mid]
        depth_of[mid] = depth
        node.left = build(lo, mid, depth + 1)
        node.right = build(mid + 1, hi, depth + 1)
        return node.sid

    root = build(0, len(nodes), 0)
    deepest = max(depth_of.values())
    perfect = len(nodes) == 2 ** (deepest + 1) - 1
    for i, node in enumerate(nodes):
        node.color = _RED if (depth_of[i] == deepest and not perfect and deepest > 0) else _BLACK
    return root


def _chain(fat: list[int], first: int, count: int) -> None:
    for i in range(count):
        fat[first + i] = first + i + 1 if i < count - 1 else _ENDOFCHAIN


def _dir_entry(e: _Entry | None) -> bytes:
    if e is None:
        return b"\x00" * 64 + struct.pack("<HBBIII", 0, 0, 0, _NOSTREAM, _NOSTREAM, _NOSTREAM) + b"\x00" * 48
    name = e.name.encode("utf-16-le")
    if len(name) > 62:
        raise ValueError(f"compound file entry name too long: {e.name!r}")
    return (name.ljust(64, b"\x00")
            + struct.pack("<HBBIII", len(name) + 2, e.kind, e.color, e.left, e.right, e.child)
            + b"\x00" * 16            # CLSID
            + b"\x00" * 4             # state bits
            + b"\x00" * 16            # creation and modified times
            + struct.pack("<IQ", e.start, e.size))


def write_cfb(streams: dict[str, bytes]) -> bytes:
    """Write a compound file holding ``streams`` (keys are paths such as ``"VBA/dir"``).

    Version 3, 512-byte sectors, streams under 4096 bytes in the mini stream, no timestamps or CLSIDs.
    Storages are made from the path components. Deterministic for a given mapping.
    """
    root = _Entry("Root Entry", _ROOT)
    storages: dict[str, _Entry] = {"": root}
    for path in sorted(streams):
        parts = path.split("/")
        parent = root
        for i, part in enumerate(parts[:-1]):
            key = "/".join(parts[:i + 1])
            if key not in storages:
                storages[key] = _Entry(part, _STORAGE)
                parent.children.append(storages[key])
            parent = storages[key]
        parent.children.append(_Entry(parts[-1], _STREAM, bytes(streams[path])))

    entries: list[_Entry] = []

    def number(e: _Entry) -> None:
        e.sid = len(entries)
        entries.append(e)
        e.children.sort(key=lambda c: _cfb_key(c.name))
        for c in e.children:
            number(c)

    number(root)
    for e in entries:
        if e.kind in (_ROOT, _STORAGE):
            e.child = _link_tree(e.children)
        if e.kind == _STORAGE:
            e.start = 0  # [MS-CFB] 2.6.3: zero for storage objects
    root.color = _BLACK

    # mini stream: small streams, 64-byte mini sectors
    mini = bytearray()
    minifat: list[int] = []
    big: list[_Entry] = []
    for e in entries:
        if e.kind != _STREAM:
            continue
        e.size = len(e.data)
        if not e.data:
            continue
        if len(e.data) < _MINI_CUTOFF:
            n = -(-len(e.data) // _MINI_SECTOR)
            e.start = len(minifat)
            minifat.extend([0] * n)
            _chain(minifat, e.start, n)
            mini += e.data.ljust(n * _MINI_SECTOR, b"\x00")
        else:
            big.append(e)

    # sector layout: big streams, mini stream container, mini FAT, directory, FAT
    sectors = bytearray()
    fat: list[int] = []

    def place(data: bytes) -> int:
        n = -(-len(data) // _SECTOR)
        first = len(fat)
        fat.extend([0] * n)
        _chain(fat, first, n)
        sectors.extend(data.ljust(n * _SECTOR, b"\x00"))
        return first

    for e in big:
        e.start = place(e.data)
    if mini:
        root.start, root.size = place(bytes(mini)), len(mini)
    minifat_first, minifat_count = _ENDOFCHAIN, 0
    if minifat:
        raw = b"".join(struct.pack("<I", x) for x in minifat)
        raw += struct.pack("<I", _FREESECT) * ((-len(minifat)) % (_SECTOR // 4))
        minifat_first, minifat_count = place(raw), len(raw) // _SECTOR
    dir_raw = b"".join(_dir_entry(e) for e in entries)
    dir_raw += _dir_entry(None) * ((-len(entries)) % (_SECTOR // 128))
    dir_first = place(dir_raw)

    per_fat = _SECTOR // 4
    n_fat = 1
    while -(-(len(fat) + n_fat) // per_fat) > n_fat:
        n_fat += 1
    if n_fat > 109:
        raise ValueError("compound file too large for a header-only DIFAT (over ~7 MB)")
    fat_first = len(fat)
    fat.extend([_FATSECT] * n_fat)
    fat.extend([_FREESECT] * (n_fat * per_fat - len(fat)))
    sectors += b"".join(struct.pack("<I", x) for x in fat)

    difat = list(range(fat_first, fat_first + n_fat)) + [_FREESECT] * (109 - n_fat)
    header = (_SIGNATURE + b"\x00" * 16
              + struct.pack("<HHHHH", 0x003E, 0x0003, 0xFFFE, 9, 6) + b"\x00" * 6
              + struct.pack("<IIIIIIIII", 0, n_fat, dir_first, 0, _MINI_CUTOFF,
                            minifat_first, minifat_count, _ENDOFCHAIN, 0)
              + b"".join(struct.pack("<I", x) for x in difat))
    assert len(header) == _SECTOR
    return header + bytes(sectors)


# ---------------------------------------------------------------------------------------------------------------
# [MS-OVBA] 2.4.3 data encryption (for the PROJECT stream's CMG, DPB and GC values)
# ---------------------------------------------------------------------------------------------------------------
def encrypt_project_value(data: bytes, project_id: str, seed: int = 0x08) -> str:
    """Encrypt ``data`` as [MS-OVBA] 2.4.3.2 does; returns the hex text used in the PROJECT stream.

    ``seed`` is normally random; a fixed one keeps the output deterministic. Ignored bytes are zeros.
    """
    version = 2
    proj_key = sum(project_id.encode("latin-1")) & 0xFF
    out = [seed, seed ^ version, seed ^ proj_key]
    unencrypted1, encrypted1, encrypted2 = proj_key, seed ^ proj_key, seed ^ version
    payload = bytes((seed & 6) // 2) + struct.pack("<I", len(data)) + bytes(data)
    # the ignored bytes and the length are encrypted exactly like the data
    for byte in payload:
        enc = byte ^ ((encrypted2 + unencrypted1) & 0xFF)
        out.append(enc)
        encrypted2, encrypted1, unencrypted1 = encrypted1, enc, byte
    return bytes(out).hex().upper()


def decrypt_project_value(text: str) -> bytes:
    """Inverse of :func:`encrypt_project_value` ([MS-OVBA] 2.4.3.3); returns the data bytes."""
    raw = bytes.fromhex(text)
    seed, version_enc, proj_key_enc = raw[0], raw[1], raw[2]
    if seed ^ version_enc != 2:
        raise ValueError("unsupported encryption version")
    proj_key = seed ^ proj_key_enc
    unencrypted1, encrypted1, encrypted2 = proj_key, proj_key_enc, version_enc
    plain = bytearray()
    for enc in raw[3:]:
        byte = enc ^ ((encrypted2 + unencrypted1) & 0xFF)
        plain.append(byte)
        encrypted2, encrypted1, unencrypted1 = encrypted1, enc, byte
    ignored = (seed & 6) // 2
    (length,) = struct.unpack_from("<I", plain, ignored)
    return bytes(plain[ignored + 4:ignored + 4 + length])


# ---------------------------------------------------------------------------------------------------------------
# The VBA project
# ---------------------------------------------------------------------------------------------------------------
KINDS = ("standard", "document", "class")
_CODEPAGE = 1252
_LCID = 0x0409
_NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,30}$")

# VB_Base of the document modules Excel writes: Workbook and Worksheet; of class modules
_BASE_WORKBOOK = "0{00020819-0000-0000-C000-000000000046}"
_BASE_WORKSHEET = "0{00020820-0000-0000-C000-000000000046}"
_BASE_CLASS = "0{FCFB3D2A-A0FA-1068-A738-08002B3371B5}"
_STANDARD_ATTRS = ("VB_Name", "VB_Base", "VB_GlobalNameSpace", "VB_Creatable", "VB_PredeclaredId",
                   "VB_Exposed", "VB_TemplateDerived", "VB_Customizable")

# References as Excel writes them: OLE Automation (stdole) and the Office object library (IRibbonUI etc.)
REFERENCES = (
    ("stdole", "*\\G{00020430-0000-0000-C000-000000000046}#2.0#0#C:\\Windows\\System32\\stdole2.tlb#OLE Automation"),
    ("Office", "*\\G{2DF8D04C-5BFA-101B-BDE5-00AA0044DE52}#2.0#0#C:\\Program Files\\Common Files\\Microsoft Shared"
               "\\OFFICE16\\MSO.DLL#Microsoft Office 16.0 Object Library"),
)

_ATTR_RE = re.compile(r'^Attribute\s+(VB_\w+)\s*=\s*(.*)$')


def _split_source(source: str) -> tuple[dict[str, str], list[str], list[str]]:
    """Split exported VBA source into (standard attributes, other leading attribute lines, code lines)."""
    lines = source.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    i = 0
    if lines and lines[0].startswith("VERSION ") and "CLASS" in lines[0]:
        i = 1
        if i < len(lines) and lines[i].strip() == "BEGIN":
            while i < len(lines) and lines[i].strip() != "END":
                i += 1
            i += 1
    attrs: dict[str, str] = {}
    extra: list[str] = []
    while i < len(lines):
        m = _ATTR_RE.match(lines[i])
        if not m:
            break
        if m.group(1) in _STANDARD_ATTRS:
            attrs[m.group(1)] = m.group(2).strip()
        else:
            extra.append(lines[i])
        i += 1
    return attrs, extra, lines[i:]


def module_source(name: str, kind: str, source: str) -> str:
    """The module text as Excel stores it: the ``Attribute VB_*`` header, then the code, CRLF line ends.

    ``source`` may be bare code or an exported .bas/.cls file (its header is normalised). Document
    modules named ``ThisWorkbook`` get the Workbook base, other document modules the Worksheet base.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown module kind {kind!r}; expected one of {KINDS}")
    attrs, extra, code = _split_source(source)
    header = [f'Attribute VB_Name = "{name}"']
    if kind == "document":
        base = _BASE_WORKBOOK if name == "ThisWorkbook" else _BASE_WORKSHEET
        header += [f'Attribute VB_Base = "{base}"', "Attribute VB_GlobalNameSpace = False",
                   "Attribute VB_Creatable = False", "Attribute VB_PredeclaredId = True",
                   "Attribute VB_Exposed = True", "Attribute VB_TemplateDerived = False",
                   "Attribute VB_Customizable = True"]
    elif kind == "class":
        header += [f'Attribute VB_Base = "{_BASE_CLASS}"', "Attribute VB_GlobalNameSpace = False",
                   "Attribute VB_Creatable = False",
                   f"Attribute VB_PredeclaredId = {attrs.get('VB_PredeclaredId', 'False')}",
                   f"Attribute VB_Exposed = {attrs.get('VB_Exposed', 'False')}",
                   "Attribute VB_TemplateDerived = False", "Attribute VB_Customizable = False"]
    return "\r\n".join(header + extra + code) + "\r\n"


def _record(rid: int, data: bytes) -> bytes:
    return struct.pack("<HI", rid, len(data)) + data


def _mbcs(text: str) -> bytes:
    return text.encode("cp1252")


def _utf16(text: str) -> bytes:
    return text.encode("utf-16-le")


def _dir_stream(project_name: str, modules: Sequence[tuple[str, str, str]]) -> bytes:
    """The uncompressed ``VBA/dir`` stream ([MS-OVBA] 2.3.4.2)."""
    out = bytearray()
    # PROJECTINFORMATION
    out += _record(0x01, struct.pack("<I", 1))                # SYSKIND: 32-bit Windows
    out += _record(0x02, struct.pack("<I", _LCID))            # LCID
    out += _record(0x14, struct.pack("<I", _LCID))            # LCIDINVOKE
    out += _record(0x03, struct.pack("<H", _CODEPAGE))        # CODEPAGE
    out += _record(0x04, _mbcs(project_name))                 # NAME
    out += _record(0x05, b"") + _record(0x40, b"")            # DOCSTRING (+ unicode)
    out += _record(0x06, b"") + _record(0x3D, b"")            # HELPFILEPATH 1 and 2
    out += _record(0x07, struct.pack("<I", 0))                # HELPCONTEXT
    out += _record(0x08, struct.pack("<I", 0))                # LIBFLAGS
    out += struct.pack("<HIIH", 0x09, 4, 1, 0)                # VERSION: Reserved=4, major, minor (6 bytes)
    out += _record(0x0C, b"") + _record(0x3C, b"")            # CONSTANTS (+ unicode)
    # PROJECTREFERENCES: REFERENCENAME + REFERENCEREGISTERED
    for ref_name, libid in REFERENCES:
        out += _record(0x16, _mbcs(ref_name)) + _record(0x3E, _utf16(ref_name))
        lib = _mbcs(libid)
        out += _record(0x0D, struct.pack("<I", len(lib)) + lib + struct.pack("<IH", 0, 0))
    # PROJECTMODULES
    out += _record(0x0F, struct.pack("<H", len(modules)))
    out += _record(0x13, struct.pack("<H", 0xFFFF))           # PROJECTCOOKIE
    for name, kind, _ in modules:
        out += _record(0x19, _mbcs(name)) + _record(0x47, _utf16(name))
        out += _record(0x1A, _mbcs(name)) + _record(0x32, _utf16(name))   # stream name
        out += _record(0x1C, b"") + _record(0x48, b"")        # DOCSTRING
        out += _record(0x31, struct.pack("<I", 0))            # OFFSET: source only, no p-code
        out += _record(0x1E, struct.pack("<I", 0))            # HELPCONTEXT
        out += _record(0x2C, struct.pack("<H", 0xFFFF))       # COOKIE
        out += _record(0x21 if kind == "standard" else 0x22, b"")
        out += _record(0x2B, b"")                             # terminator
    out += _record(0x10, b"")
    return bytes(out)


def _project_stream(project_name: str, project_id: str, modules: Sequence[tuple[str, str, str]]) -> bytes:
    """The ``PROJECT`` text stream ([MS-OVBA] 2.3.1), unprotected and visible."""
    lines = [f'ID="{project_id}"']
    for name, kind, _ in modules:
        if kind == "document":
            lines.append(f"Document={name}/&H00000000")
        elif kind == "class":
            lines.append(f"Class={name}")
        else:
            lines.append(f"Module={name}")
    cmg = encrypt_project_value(struct.pack("<I", 0), project_id, seed=0x0A)  # protection state: none
    dpb = encrypt_project_value(bytes([0]), project_id, seed=0x0C)            # password: none
    gc = encrypt_project_value(bytes([0xFF]), project_id, seed=0x0E)          # visibility: visible
    lines += [
        f'Name="{project_name}"',
        'HelpContextID="0"',
        'VersionCompatible32="393222000"',
        f'CMG="{cmg}"',
        f'DPB="{dpb}"',
        f'GC="{gc}"',
        "",
        "[Host Extender Info]",
        "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000",
        "",
        "[Workspace]",
    ]
    lines += [f"{name}=0, 0, 0, 0, C" for name, _, _ in modules]
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def _projectwm_stream(modules: Sequence[tuple[str, str, str]]) -> bytes:
    """The ``PROJECTwm`` stream ([MS-OVBA] 2.3.3): each module name in MBCS and UTF-16."""
    out = bytearray()
    for name, _, _ in modules:
        out += _mbcs(name) + b"\x00" + _utf16(name) + b"\x00\x00"
    return bytes(out + b"\x00\x00")


def _check_modules(modules: Iterable[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    mods = list(modules)
    seen: set[str] = set()
    for name, kind, source in mods:
        if not _NAME_RE.match(name):
            raise ValueError(f"invalid VBA module name {name!r}")
        if name.upper() in seen:
            raise ValueError(f"duplicate VBA module name {name!r}")
        seen.add(name.upper())
        if kind not in KINDS:
            raise ValueError(f"module {name}: unknown kind {kind!r}; expected one of {KINDS}")
        if not source.isascii():
            bad = next(i for i, ch in enumerate(source) if not ch.isascii())
            raise ValueError(f"module {name}: VBA source must be ASCII (non-ASCII character at offset {bad})")
    if not any(k == "document" and n == "ThisWorkbook" for n, k, _ in mods):
        raise ValueError("an Excel VBA project needs the document module ThisWorkbook")
    return mods


def build_vba_project(modules: Iterable[tuple[str, str, str]], project_name: str = "VBAProject",
                      project_id: str | None = None) -> bytes:
    """Build a source-only ``vbaProject.bin`` for Excel.

    Parameters
    ----------
    modules : list of (name, kind, source)
        ``kind`` is ``"standard"``, ``"document"`` (``ThisWorkbook``, one per worksheet codeName) or
        ``"class"``. Source is ASCII VBA code, bare or as an exported .bas/.cls file.
    project_name : str
        The VBA project name.
    project_id : str, optional
        The ``{GUID}`` of the PROJECT stream; derived from ``project_name`` when omitted.

    Returns
    -------
    bytes
        The compound file; identical for identical input.
    """
    mods = _check_modules(modules)
    if not _NAME_RE.match(project_name):
        raise ValueError(f"invalid VBA project name {project_name!r}")
    if project_id is None:
        project_id = "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, "xlreview:" + project_name)).upper() + "}"
    streams = {
        "PROJECT": _project_stream(project_name, project_id, mods),
        "PROJECTwm": _projectwm_stream(mods),
        "VBA/_VBA_PROJECT": bytes([0xCC, 0x61, 0xFF, 0xFF, 0x00, 0x00, 0x00]),
        "VBA/dir": compress(_dir_stream(project_name, mods)),
    }
    for name, kind, source in mods:
        streams["VBA/" + name] = compress(module_source(name, kind, source).encode("cp1252"))
    return write_cfb(streams)
