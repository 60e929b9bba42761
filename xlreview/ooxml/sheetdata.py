"""The cells of a worksheet part (``<sheetData>``, ECMA-376 Part 1, 18.3.1): cell references, the cells
holding an Excel error value, and new rows written as XML.

Worksheets can be tens of megabytes; everything here streams (zlib chunks, lxml iterparse) and never
holds a whole sheet's XML tree.
"""
from __future__ import annotations

import re

from lxml import etree

from .package import Package, m

_REF = re.compile(r"([A-Z]{1,3})(\d+)")
_CHUNK = 1 << 22


def col_index(letters: str) -> int:
    """0-based column of a column name: ``A`` -> 0, ``AA`` -> 26."""
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def col_letters(index: int) -> str:
    """Column name of a 0-based column: 0 -> ``A``, 26 -> ``AA``."""
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def split_ref(ref: str) -> tuple[int, int]:
    """(row0, col0) of an A1 cell reference such as ``C12``."""
    found = _REF.fullmatch(ref)
    if not found:
        raise ValueError(f"not a cell reference: {ref!r}")
    return int(found.group(2)) - 1, col_index(found.group(1))


def _may_hold_error_cells(pkg: Package, part: str) -> bool:
    """False when no cell of the part can be an error cell: the literal ``"e"`` (the value of ``t``) is absent.

    A byte search over the decompressed stream, in chunks; a hit only means the part is parsed.
    """
    tail = b""
    with pkg.open(part) as fh:
        while chunk := fh.read(_CHUNK):
            window = tail + chunk
            if b'"e"' in window or b"'e'" in window:
                return True
            tail = window[-2:]
    return False


def error_cells(pkg: Package, part: str) -> dict[tuple[int, int], str]:
    """(row0, col0) -> error text (``#N/A``, ``#DIV/0!``...) of every cell of type ``e`` in a worksheet part.

    calamine reads such cells as blank; the reader needs them to report the cell instead of reading 0.
    """
    if part not in pkg or not _may_hold_error_cells(pkg, part):
        return {}
    out: dict[tuple[int, int], str] = {}
    with pkg.open(part) as fh:
        for _, el in etree.iterparse(fh, events=("end",), tag=(m("c"), m("row")), huge_tree=True):
            if el.tag == m("row"):
                el.clear()
                while el.getprevious() is not None:     # drop finished rows: memory stays flat
                    del el.getparent()[0]
            elif el.get("t") == "e" and el.get("r"):
                v = el.find(m("v"))
                out[split_ref(el.get("r"))] = (v.text or "") if v is not None else ""
    return out

