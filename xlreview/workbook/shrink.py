"""Cut a worksheet of a workbook file down to its header row, at the zip level (for sheets too long to load).

Used when the Orders sheet's lines move into the order store: the sheet may hold more rows than Excel
(or openpyxl, in reasonable time) can load, so its XML keeps only row 1; every other part is copied as is.
"""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

from .headless import sheet_parts

_SHEET_DATA = re.compile(rb"<sheetData\b[^>]*?(?:/>|>.*?</sheetData>)", re.S)
_FIRST_ROW = re.compile(rb'<row\b[^>]*\br="1"[^>]*?(?:/>|>.*?</row>)', re.S)
_DIMENSION = re.compile(rb"<dimension\b[^>]*/>")


def keep_header_only(src: Path, out: Path, sheet: str) -> None:
    """Write ``src`` to ``out`` with the sheet named ``sheet`` reduced to its row 1."""
    with zipfile.ZipFile(src) as z, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as w:
        part = sheet_parts(z)[sheet]
        for info in z.infolist():
            data = z.read(info.filename)
            if info.filename == part:
                m = _SHEET_DATA.search(data)
                head = _FIRST_ROW.search(data, m.start(), m.end()) if m else None
                body = b"<sheetData>" + (head.group(0) if head else b"") + b"</sheetData>"
                data = data[:m.start()] + body + data[m.end():] if m else data
                data = _DIMENSION.sub(b"", data, count=1)
            w.writestr(info, data, compress_type=info.compress_type)
