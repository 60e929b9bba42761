"""Cut a worksheet of a workbook file down to its header row (for sheets too long to load).

Used when the Orders sheet's lines move into the order store: the sheet may hold more rows than Excel
(or openpyxl, in reasonable time) can load, so its XML keeps only row 1; every other member is copied
with its stored bytes (``ooxml.package.write_package``).
"""
from __future__ import annotations

import re
from pathlib import Path

from ..ooxml.package import COPY, Package, write_package

_SHEET_DATA = re.compile(rb"<sheetData\b[^>]*?(?:/>|>.*?</sheetData>)", re.S)
_FIRST_ROW = re.compile(rb'<row\b[^>]*\br="1"[^>]*?(?:/>|>.*?</row>)', re.S)
_DIMENSION = re.compile(rb"<dimension\b[^>]*/>")


def keep_header_only(src: Path, out: Path, sheet: str) -> Path:
    """Write ``src`` to ``out`` with the sheet named ``sheet`` reduced to its row 1."""
    with Package(src) as pkg:
        part = pkg.sheet_parts()[sheet]
        data = pkg.read(part)
        m = _SHEET_DATA.search(data)
        if m:
            head = _FIRST_ROW.search(data, m.start(), m.end())
            body = b"<sheetData>" + (head.group(0) if head else b"") + b"</sheetData>"
            data = _DIMENSION.sub(b"", data[:m.start()] + body + data[m.end():], count=1)
        return write_package(out, [(n, data if n == part else COPY) for n in pkg.names], pkg)
