"""The vbaProject.bin writer: MS-OVBA compression, the compound file, the project streams, read back by olevba."""
from __future__ import annotations

import importlib.util
import random
import re
import struct
from pathlib import Path

import olefile
import openpyxl
import pytest
from oletools.olevba import VBA_Parser, VBA_Project, decompress_stream

from xlreview.excel.ovba import (
    build_vba_project,
    compress,
    decrypt_project_value,
    encrypt_project_value,
    module_source,
    write_cfb,
)


def decompress(container: bytes) -> bytes:
    """[MS-OVBA] 2.4.1 decompression by oletools (someone else's reading of the spec)."""
    return bytes(decompress_stream(bytearray(container)))

XLWINGS_DIR = Path(importlib.util.find_spec("xlwings").submodule_search_locations[0])
XLWINGS_BAS = (XLWINGS_DIR / "xlwings.bas").read_text(encoding="ascii")
DICTIONARY_CLS = (XLWINGS_DIR / "addin" / "Dictionary.cls").read_text(encoding="ascii")
RIBBON_BAS = (Path(__file__).parents[2] / "xlreview" / "excel" / "vba" / "XlreviewRibbon.bas").read_text("ascii")

MODULES = [
    ("ThisWorkbook", "document", ""),
    ("Sheet1", "document", "Option Explicit\n\nPrivate Sub Worksheet_Activate()\nEnd Sub\n"),
    ("Sheet2", "document", ""),
    ("Module1", "standard", 'Sub Hello()\n    MsgBox "hi"\nEnd Sub\n'),
    ("XlreviewRibbon", "standard", RIBBON_BAS),
    ("xlwings", "standard", XLWINGS_BAS),
    ("Dictionary", "class", DICTIONARY_CLS),
]

_rng = random.Random(20240601)
ROUND_TRIP = {
    "empty": b"",
    "one byte": b"a",
    "spec example": b"#aaabcdefaaaaghijaaaaaklaaamnopqaaaaaaaaaaaarstuvwxyzaaa",
    "exactly one chunk": bytes(_rng.randrange(4) + 65 for _ in range(4096)),
    "chunk plus one": b"x" * 4097,
    "200 KB of one byte": b"a" * 200_000,
    "repetitive text > 100 KB": b"Sub A()\r\n    RunPython \"import m; m.f()\"\r\nEnd Sub\r\n" * 3000,
    "incompressible, whole chunks": _rng.randbytes(3 * 4096),
    "incompressible, partial chunk": _rng.randbytes(10_000),
    "xlwings.bas x3": XLWINGS_BAS.encode("ascii") * 3,
    "all byte values": bytes(range(256)) * 40,
}


def _code_lines(text: str) -> list[str]:
    """Code of a module without the export header and leading ``Attribute VB_`` lines."""
    lines = text.replace("\r\n", "\n").split("\n")
    if lines and lines[0].startswith("VERSION "):
        lines = lines[lines.index("END") + 1:]
    while lines and lines[0].startswith("Attribute VB_"):
        lines.pop(0)
    while lines and lines[-1] == "":
        lines.pop()
    return lines


# --- compression ------------------------------------------------------------------------------------------------
def test_decompress_spec_examples():
    # [MS-OVBA] 3.2.1 (no compression) and 3.2.2 (normal compression)
    plain = bytes.fromhex("01 19 B0 00 61 62 63 64 65 66 67 68 00 69 6A 6B 6C 6D 6E 6F 70 00 71 72 73 74 75 76 2E")
    assert decompress(plain) == b"abcdefghijklmnopqrstuv."
    assert compress(b"abcdefghijklmnopqrstuv.") == plain
    normal = bytes.fromhex("01 2F B0 00 23 61 61 61 62 63 64 65 82 66 00 70 61 67 68 69 6A 01 38 08 61 6B 6C"
                           " 00 30 6D 6E 6F 70 06 71 02 70 04 10 72 73 74 75 76 10 77 78 79 7A 00 3C")
    assert decompress(normal) == ROUND_TRIP["spec example"]


@pytest.mark.parametrize("data", ROUND_TRIP.values(), ids=ROUND_TRIP.keys())
def test_compress_round_trip(data):
    packed = compress(data)
    assert packed[0] == 0x01
    assert decompress(packed) == data


def test_compression_pays_on_text_and_uses_raw_chunks_on_noise():
    text = ROUND_TRIP["repetitive text > 100 KB"]
    assert len(compress(text)) < len(text) // 8  # copy tokens are at most 18 bytes late in a chunk
    noise = compress(ROUND_TRIP["incompressible, whole chunks"])
    (header,) = struct.unpack_from("<H", noise, 1)
    assert header == 0x3FFF  # raw chunk: flag 0, signature 0b011, size 4098 - 3
    assert len(noise) == 1 + 3 * (2 + 4096)


# --- compound file --------------------------------------------------------------------------------------------
def _walk(entries, sid):
    if sid == olefile.NOSTREAM:
        return []
    e = entries[sid]
    return _walk(entries, e.sid_left) + [e] + _walk(entries, e.sid_right)


def _black_height(entries, sid) -> int:
    if sid == olefile.NOSTREAM:
        return 1
    e = entries[sid]
    for child in (e.sid_left, e.sid_right):
        if e.color == 0 and child != olefile.NOSTREAM:
            assert entries[child].color == 1, f"red {e.name} has a red child"
    left, right = _black_height(entries, e.sid_left), _black_height(entries, e.sid_right)
    assert left == right, f"unequal black heights under {e.name}"
    return left + e.color


@pytest.mark.parametrize("count", [1, 2, 3, 5, 7, 12, 40])
def test_cfb_directory_is_a_red_black_tree(count, tmp_path):
    streams = {f"S/{'n' * (i % 5 + 1)}{i}": bytes([i]) * (i * 300) for i in range(count)}
    streams["top"] = b"x" * 5000
    ole = olefile.OleFileIO(write_cfb(streams), raise_defects=olefile.DEFECT_INCORRECT)
    entries = ole.direntries
    for storage in (e for e in entries if e is not None and e.entry_type in (1, 5)):
        names = [e.name for e in _walk(entries, storage.sid_child)]
        keys = [(len(n), n.upper()) for n in names]
        assert keys == sorted(keys) and len(set(keys)) == len(keys)
        assert storage.sid_child == olefile.NOSTREAM or entries[storage.sid_child].color == 1
        _black_height(entries, storage.sid_child)
    for path, data in streams.items():
        assert ole.openstream(path).read() == data
    assert entries[0].clsid in ("", "00000000-0000-0000-0000-000000000000")


def test_cfb_header_is_version_3_with_512_byte_sectors():
    data = write_cfb({"a": b"1" * 10, "b": b"2" * 70_000})
    assert data[:8] == bytes.fromhex("D0CF11E0A1B11AE1")
    minor, major, order, shift, mini_shift = struct.unpack_from("<HHHHH", data, 24)
    assert (major, order, shift, mini_shift) == (3, 0xFFFE, 9, 6)
    assert struct.unpack_from("<I", data, 56)[0] == 4096  # mini stream cutoff
    assert (len(data) - 512) % 512 == 0


# --- the VBA project --------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def vba_bin() -> bytes:
    return build_vba_project(MODULES)


def test_build_is_byte_identical(vba_bin):
    assert build_vba_project(MODULES) == vba_bin
    assert build_vba_project(MODULES[:-1]) != vba_bin


def test_olefile_lists_the_streams(vba_bin):
    ole = olefile.OleFileIO(vba_bin, raise_defects=olefile.DEFECT_INCORRECT)
    listed = {"/".join(p) for p in ole.listdir()}
    assert listed == {"PROJECT", "PROJECTwm", "VBA/_VBA_PROJECT", "VBA/dir"} | {f"VBA/{n}" for n, _, _ in MODULES}
    assert ole.openstream("VBA/_VBA_PROJECT").read() == bytes.fromhex("CC61FFFF000000")


def test_project_stream(vba_bin):
    ole = olefile.OleFileIO(vba_bin)
    text = ole.openstream("PROJECT").read().decode("ascii")
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    assert re.match(r'ID="\{[0-9A-F-]{36}\}"\r\n', text)
    lines = text.split("\r\n")
    assert lines[1:8] == ["Document=ThisWorkbook/&H00000000", "Document=Sheet1/&H00000000",
                          "Document=Sheet2/&H00000000", "Module=Module1", "Module=XlreviewRibbon",
                          "Module=xlwings", "Class=Dictionary"]
    values = dict(line.split("=", 1) for line in lines if "=" in line and not line.startswith("&H"))
    assert values["Name"] == '"VBAProject"'
    assert decrypt_project_value(values["CMG"].strip('"')) == bytes(4)       # not protected
    assert decrypt_project_value(values["DPB"].strip('"')) == b"\x00"         # no password
    assert decrypt_project_value(values["GC"].strip('"')) == b"\xff"          # visible
    assert "[Host Extender Info]" in lines and "[Workspace]" in lines
    assert "xlwings=0, 0, 0, 0, C" in lines
    wm = ole.openstream("PROJECTwm").read()
    assert wm.startswith(b"ThisWorkbook\x00" + "ThisWorkbook".encode("utf-16-le") + b"\x00\x00")
    assert wm.endswith(b"\x00\x00")


def test_dir_stream_modules(vba_bin):
    ole = olefile.OleFileIO(vba_bin)
    project = VBA_Project(ole, "", "PROJECT", "VBA/dir", relaxed=False)   # oletools parses the dir stream
    project.parse_project_stream()
    list(project.parse_modules())
    expected_type = {"standard": 0x21, "document": 0x22, "class": 0x22}
    assert [(mod.name, mod.type, mod.textoffset) for mod in project.modules] == \
        [(name, expected_type[kind], 0) for name, kind, _ in MODULES]


def test_encryption_matches_excel():
    # CMG, DPB and GC of an unprotected project as Excel wrote them (xlwings' quickstart workbook)
    assert decrypt_project_value("8D8FA61394EA98EA98EA98EA98") == bytes(4)
    assert decrypt_project_value("8D8FA61394EF95EF95EF") == b"\x00"
    assert decrypt_project_value("8D8FA61394EF95EF9510") == b"\xff"
    for seed in range(256):
        text = encrypt_project_value(b"\x01\x02\x03", "{5CF9CDAB-B77B-4FE4-BD7E-D29900070E1B}", seed)
        assert decrypt_project_value(text) == b"\x01\x02\x03"


def test_olevba_extracts_every_module(vba_bin):
    parser = VBA_Parser("vbaProject.bin", data=vba_bin)
    assert parser.detect_vba_macros()
    found = {name.rsplit(".", 1)[0]: code for _, _, name, code in parser.extract_macros()}
    parser.close()
    assert set(found) == {name for name, _, _ in MODULES}
    for name, kind, source in MODULES:
        assert found[name].replace("\r\n", "\n") == module_source(name, kind, source).replace("\r\n", "\n")
        assert _code_lines(found[name]) == _code_lines(source)


def test_module_source_headers():
    assert module_source("M", "standard", "Sub A()\nEnd Sub") == 'Attribute VB_Name = "M"\r\nSub A()\r\nEnd Sub\r\n'
    wb = module_source("ThisWorkbook", "document", "").split("\r\n")
    assert wb[1] == 'Attribute VB_Base = "0{00020819-0000-0000-C000-000000000046}"'
    assert "Attribute VB_PredeclaredId = True" in wb and "Attribute VB_Customizable = True" in wb
    sheet = module_source("Sheet1", "document", "")
    assert 'VB_Base = "0{00020820-0000-0000-C000-000000000046}"' in sheet
    cls = module_source("Dictionary", "class", DICTIONARY_CLS).split("\r\n")
    assert cls[0] == 'Attribute VB_Name = "Dictionary"'
    assert "Attribute VB_Exposed = True" in cls and not any(line.startswith("VERSION") for line in cls)
    assert cls[8].startswith("Attribute VB_Description")  # a non-standard module attribute is kept
    # a .bas exported with its own header is not doubled
    stored = module_source("xlwings", "standard", XLWINGS_BAS).split("\r\n")
    assert sum(line.startswith("Attribute VB_Name") for line in stored) == 1


@pytest.mark.parametrize("modules, message", [
    ([("ThisWorkbook", "document", ""), ("M", "standard", "' caf\u00e9")], "ASCII"),
    ([("M", "standard", "")], "ThisWorkbook"),
    ([("ThisWorkbook", "document", ""), ("bad name", "standard", "")], "invalid"),
    ([("ThisWorkbook", "document", ""), ("M", "form", "")], "kind"),
    ([("ThisWorkbook", "document", ""), ("M", "standard", ""), ("m", "standard", "")], "duplicate"),
])
def test_bad_modules_are_rejected(modules, message):
    with pytest.raises(ValueError, match=message):
        build_vba_project(modules)


def test_olevba_reads_a_full_xlsm(tmp_path):
    from xlreview.excel.package import make_macro_enabled, sheet_codenames, vba_modules_for_template

    wb = openpyxl.Workbook()
    wb.active.title = "Inputs"
    wb.create_sheet("Review")
    wb.save(tmp_path / "book.xlsx")
    modules = vba_modules_for_template(sheet_codenames(tmp_path / "book.xlsx"))
    out = make_macro_enabled(tmp_path / "book.xlsx", tmp_path / "book.xlsm", build_vba_project(modules))
    parser = VBA_Parser(str(out))
    found = {name.rsplit(".", 1)[0]: code for _, _, name, code in parser.extract_macros()}
    parser.close()
    assert set(found) == {name for name, _, _ in modules}
    for name, _, source in modules:
        assert _code_lines(found[name]) == _code_lines(source)
