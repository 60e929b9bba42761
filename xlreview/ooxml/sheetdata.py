"""The cells of a worksheet part (``<sheetData>``, ECMA-376 Part 1, 18.3.1): cell references, the cells
holding an Excel error value, and new rows written as XML.

Worksheets can be tens of megabytes; everything here streams (zlib chunks, lxml iterparse) and never
holds a whole sheet's XML tree.
"""
from __future__ import annotations

import datetime as dt
import gc
import html
import math
import posixpath
import re
import sys
import zipfile
from copy import deepcopy
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np
import pandas as pd
from lxml import etree

from .deflate import appended, segmented, split_member
from .package import (
    COPY,
    CT_WORKSHEET,
    NS_CT,
    NS_MAIN,
    NS_PR,
    NS_R,
    R_ID,
    REL_STYLES,
    REL_WORKSHEET,
    XML_SPACE,
    Package,
    m,
    parse,
    relative,
    rels_name,
    serialize,
    write_package,
)

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


def _cell_text(el: etree._Element) -> str:
    """The text of a ``<si>`` or ``<is>`` string item: its ``<t>`` runs, phonetic runs (``<rPh>``) left out
    (ECMA-376 Part 1, 18.4.6: a phonetic run is the reading of the text, not part of it). The bytes twin for
    inline strings read by regex is :func:`_inline_text`: the same rule."""
    return "".join(t.text or "" for t in el.iter(m("t")) if t.getparent().tag != m("rPh"))


def shared_strings(pkg: Package, upto: int) -> list[str]:
    """The first ``upto + 1`` items of the shared string table (streamed: a big table is not read to its end)."""
    part = pkg.shared_strings_part()
    out: list[str] = []
    if part is None or part not in pkg or upto < 0:
        return out
    with pkg.open(part) as fh:
        for _, el in etree.iterparse(fh, events=("end",), tag=m("si"), huge_tree=True):
            out.append(_cell_text(el))
            el.clear()
            if len(out) > upto:
                break
    return out


def first_row(pkg: Package, part: str) -> list:
    """The values of row 1 of a worksheet part (a header row), column A first; ``[]`` when row 1 is empty.

    Values as a reader gives them: text, float, bool, or the error text (``#N/A``); empty cells None.
    Only the start of the part is parsed (the header of a 75 MB sheet costs the same as of a small one).
    """
    cells: dict[int, tuple[str | None, str | None, etree._Element]] = {}
    with pkg.open(part) as fh:
        for _, el in etree.iterparse(fh, events=("end",), tag=m("row"), huge_tree=True):
            if el.get("r", "1") == "1":
                for j, c in enumerate(el.iter(m("c"))):
                    col = split_ref(c.get("r"))[1] if c.get("r") else j
                    v = c.find(m("v"))
                    cells[col] = (c.get("t"), None if v is None else v.text, c)
            break
    sst_at = [int(v) for t, v, _ in cells.values() if t == "s" and v is not None and v.strip().isdigit()]
    sst = shared_strings(pkg, max(sst_at, default=-1))
    row: list = [None] * (max(cells, default=-1) + 1)
    for col, (t, v, c) in cells.items():
        if t == "inlineStr":
            item = c.find(m("is"))
            row[col] = _cell_text(item) if item is not None else None
        elif v is None:
            continue
        elif t == "s":
            k = int(v)
            row[col] = sst[k] if k < len(sst) else None
        elif t in ("str", "e", "d"):
            row[col] = v
        elif t == "b":
            row[col] = v.strip() == "1"
        else:
            try:
                row[col] = float(v)
            except ValueError:
                row[col] = v
    while row and (row[-1] is None or row[-1] == ""):
        row.pop()
    return row



# ------------------------------------------------------------------------------------------- reading columns
_TEXT = re.compile(rb"<t(?:\s[^>]*)?>([^<]*)</t>")
_PHONETIC = re.compile(rb"<rPh[\s>].*?</rPh>", re.S)
_T_ATTR = re.compile(rb'\st="(\w+)"')
_V = re.compile(rb"<v>([^<]*)</v>")


def _xml_text(raw: bytes) -> str:
    text = raw.decode("utf-8")
    return html.unescape(text) if "&" in text else text


def _inline_text(inner: bytes) -> str:
    """The text of an inline string cell's content (``<is>``): its ``<t>`` runs, phonetic runs left out --
    :func:`_cell_text`'s rule for shared strings."""
    if b"<rPh" in inner:
        inner = _PHONETIC.sub(b"", inner)
    return _xml_text(b"".join(_TEXT.findall(inner)))


def is_date_number_format(num_fmt_id: str, custom: dict[str, str]) -> bool:
    """Whether the number format ``num_fmt_id`` (a custom ``<numFmt>`` code of ``custom``, else a built-in)
    shows a date or time: openpyxl's ``BUILTIN_FORMATS`` and ``is_date_format`` (the ids calamine reads as
    dates too: 14-22, 45-47)."""
    from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
    code = custom.get(num_fmt_id)
    if code is None and num_fmt_id.isdigit():
        code = BUILTIN_FORMATS.get(int(num_fmt_id))
    return is_date_format(code)


def date_styles(pkg: Package) -> set[bytes]:
    """The ``s`` values (cellXfs indexes) whose number format shows a date or time (:func:`is_date_number_format`)."""
    part = next((r.target for r in pkg.rels(pkg.workbook) if r.type == REL_STYLES), None)
    if part is None or part not in pkg:
        return set()
    root = pkg.xml(part)
    custom = {el.get("numFmtId"): el.get("formatCode", "") for el in root.iter(m("numFmt"))}
    xfs = root.find(m("cellXfs"))
    out = set()
    for i, xf in enumerate(xfs if xfs is not None else []):
        if is_date_number_format(xf.get("numFmtId", "0"), custom):
            out.add(str(i).encode())
    return out


def _cell_value(attrs: bytes, inner: bytes, shared, dates: set[bytes] = frozenset()):
    """The value calamine would read from one ``<c>``'s attributes and content (error cells: None; a number
    in a date style: a date, or a datetime when it has a time of day)."""
    kind = _T_ATTR.search(attrs)
    kind = kind.group(1) if kind else b"n"
    if kind == b"inlineStr":
        return _inline_text(inner)
    v = _V.search(inner)
    if v is None:
        return None
    v = v.group(1)
    if kind == b"s":
        return shared[int(v)] if shared is not None else None
    if kind in (b"str", b"d"):
        return _xml_text(v)
    if kind == b"b":
        return v == b"1"
    if kind == b"e":
        return None
    if not v.strip():
        return ""
    number = float(v)
    style = _S_ATTR.search(attrs)
    if style is not None and style.group(1) in dates:
        when = _EPOCH + dt.timedelta(days=number)
        return when.date() if number.is_integer() else when
    return int(number) if number.is_integer() and abs(number) < 2 ** 53 else number


def read_columns(pkg: Package, part: str, pick) -> tuple[list, int, dict[int, list]] | None:
    """(header row, Excel row number of the last row, {col0: values of rows 2..last}) of a worksheet part for
    the columns ``pick(header)`` names, reading only those cells (a regular expression over the XML).

    None when the part is not laid out as Excel, LibreOffice, openpyxl and xlreview write it (main namespace
    unprefixed, every cell's reference its first attribute): then read it whole.
    """
    if _root_start(pkg, part).nsmap.get(None) != NS_MAIN:
        return None
    data = pkg.read(part)
    start, end = data.find(b"<sheetData>"), data.rfind(b"</sheetData>")
    if start < 0 or end < start:
        return [], 0, {j: [] for j in pick([])}
    if _CELL_WITHOUT_REF.search(data, start, end):
        return None
    shared, dates = _SharedStrings(pkg), date_styles(pkg)
    last = _last_row_number(data, end)
    first = _ROW_START.search(data, start, end)
    header: list = []
    if first is not None and _R_ATTR.search(first.group(0)) and int(_R_ATTR.search(first.group(0)).group(1)) == 1:
        close = data.find(b"</row>", first.end()) if not first.group(0).endswith(b"/>") else first.end()
        for cell in _CELL_PARTS.finditer(data, first.end(), close):
            j = col_index(cell.group(1).decode())
            header += [None] * (j + 1 - len(header))
            header[j] = _cell_value(cell.group(3), cell.group(4) or b"", shared, dates)
    columns = list(pick(header))
    out = {j: [""] * max(last - 1, 0) for j in columns}
    if columns and last > 1:
        letters = {col_letters(j).encode(): out[j] for j in columns}
        which = b"[" + b"".join(letters) + b"]" if all(len(k) == 1 for k in letters) else \
            b"(?:" + b"|".join(letters) + b")"
        # one plain inline string (what xlreview writes) is read by the expression itself; other cells by _cell_value
        cells = re.compile(rb'<c r="(' + which + rb')(\d+)"(?:(?: s="\d+")? t="inlineStr"><is><t>([^<]*)</t></is></c>'
                           rb'|([^>]*?)(?:/>|>(.*?)</c>))', re.S)
        paused = gc.isenabled()
        gc.disable()                 # hundreds of thousands of small tuples: no collection passes over them
        try:
            found = cells.findall(data, start, end)
            if found:
                letter, row, text, attrs, inner = zip(*found)
                rows0 = np.array(row, dtype="S").astype(np.int64) - 2
                # every plain inline string decoded in one go (text holds no NUL: XML 1.0 forbids it)
                values = np.array(b"\0".join(text).decode("utf-8").split("\0"), dtype=object)
                for i in np.flatnonzero(np.char.find(np.array(text, dtype="S"), b"&") >= 0):
                    values[i] = html.unescape(values[i])
                other = (np.array(attrs, dtype="S") != b"") | (np.array(inner, dtype="S") != b"")
                for i in np.flatnonzero(other):         # not a plain inline string ("" for a cell without value)
                    values[i] = _cell_value(attrs[i], inner[i], shared, dates)
                letter = np.array(letter, dtype="S")
                for key in letters:
                    take = (rows0 >= 0) & (letter == key)
                    placed = np.full(max(last - 1, 0), "", dtype=object)     # no cell: "" as calamine reads it
                    placed[rows0[take]] = values[take]
                    out[col_index(key.decode())] = placed
        finally:
            if paused:
                gc.enable()
    return header, last, out


_CELL_WITHOUT_REF = re.compile(rb'<c(?! r=")[\s>/]')


class _SharedStrings:
    """The shared strings, read on first use."""

    def __init__(self, pkg: Package):
        self.pkg, self._items = pkg, None

    def __getitem__(self, i: int) -> str | None:
        if self._items is None:
            self._items = shared_strings(self.pkg, sys.maxsize)
        return self._items[i] if 0 <= i < len(self._items) else None


_CELL_PARTS = re.compile(rb'<c r="([A-Z]{1,3})(\d+)"([^>]*?)(?:/>|>(.*?)</c>)', re.S)


# ------------------------------------------------------------------------------------------- writing cells
_EPOCH = dt.datetime(1899, 12, 30)
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")   # not allowed in XML 1.0 text
DATE_FORMAT = "yyyy-mm-dd"


def _serial(v: dt.date) -> float:
    """Excel's serial number of a date or datetime (1900 date system, days since 1899-12-30)."""
    if not isinstance(v, dt.datetime):
        v = dt.datetime(v.year, v.month, v.day)
    delta = v.replace(tzinfo=None) - _EPOCH
    return delta.days + delta.seconds / 86400


def cell_element(ref: str, value, date_style: int | None) -> etree._Element | None:
    """A ``<c>`` holding ``value`` as its type: number, boolean, date (serial + ``date_style``) or text.

    Text is an inline string (``t="inlineStr"``), so it stays text even when it starts with ``=``.
    None, NaN and "" give None (no cell).
    """
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):   # numpy / pandas scalars
        value = value.to_pydatetime() if hasattr(value, "to_pydatetime") else value.item()
    c = etree.Element(m("c"), r=ref)
    if isinstance(value, bool):
        c.set("t", "b")
        etree.SubElement(c, m("v")).text = "1" if value else "0"
    elif isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            return None
        etree.SubElement(c, m("v")).text = repr(value) if isinstance(value, float) else str(value)
    elif isinstance(value, dt.date):
        if date_style is not None:
            c.set("s", str(date_style))
        etree.SubElement(c, m("v")).text = repr(_serial(value))
    else:
        text = _ILLEGAL.sub("", str(value))
        if text == "":
            return None
        c.set("t", "inlineStr")
        t = etree.SubElement(etree.SubElement(c, m("is")), m("t"))
        t.text = text
        if text != text.strip():
            t.set(XML_SPACE, "preserve")
    return c


def row_element(row1: int, values: list, date_style: int | None, style: int | None = None) -> etree._Element:
    """A ``<row r=row1>`` with one cell per non-blank value (column A first)."""
    row = etree.Element(m("row"), r=str(row1))
    for j, v in enumerate(values):
        c = cell_element(f"{col_letters(j)}{row1}", v, date_style)
        if c is not None:
            if style is not None:
                c.set("s", str(style))
            row.append(c)
    return row


def _text_cell(value) -> str:
    """What follows ``<c r="..."`` for one non-number value (inline string, boolean, date without style)."""
    if isinstance(value, bool):
        return f' t="b"><v>{int(value)}</v></c>'
    text = _ILLEGAL.sub("", str(value))
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f' t="inlineStr"><is><t{space}>{escape(text)}</t></is></c>'


def _column_cells(col: pd.Series, refs: pd.Series, date_style: int | None) -> pd.Series:
    """The ``<c>`` text of every value of one column ("" for a blank), computed per column, not per cell."""
    out = pd.Series("", index=col.index, dtype=object)
    if pd.api.types.is_datetime64_any_dtype(col):
        ok = col.notna().to_numpy()
        serial = ((col - pd.Timestamp(_EPOCH)) / pd.Timedelta(days=1)).astype("float64")
        style = f' s="{date_style}"' if date_style is not None else ""
        out[ok] = '<c r="' + refs[ok] + '"' + style + "><v>" + serial[ok].map(repr) + "</v></c>"
        return out
    if pd.api.types.is_bool_dtype(col):
        out[:] = '<c r="' + refs + '" t="b"><v>' + col.astype(int).astype(str) + "</v></c>"
        return out
    if pd.api.types.is_numeric_dtype(col):
        vals = col.to_numpy(dtype="float64")
        ok = np.isfinite(vals)
        text = col[ok].map(repr) if not pd.api.types.is_integer_dtype(col) else col[ok].astype(str)
        out[ok] = '<c r="' + refs[ok] + '"><v>' + text + "</v></c>"
        return out
    codes, uniques = pd.factorize(col.to_numpy(dtype=object), use_na_sentinel=True)
    tails = np.empty(len(uniques) + 1, dtype=object)
    tails[-1] = None
    for k, v in enumerate(uniques):
        if isinstance(v, str):                          # text: the common case, no element needed
            tails[k] = _text_cell(v) if _ILLEGAL.sub("", v) != "" else None
            continue
        c = cell_element("A1", v, date_style)          # the type rules of a single cell
        if c is None:
            tails[k] = None
        elif c.get("t") in ("inlineStr", "b"):
            tails[k] = _text_cell(v)
        else:
            style = f' s="{c.get("s")}"' if c.get("s") is not None else ""
            tails[k] = f'{style}><v>{c.find(m("v")).text}</v></c>'
    tail = pd.Series(tails[codes], index=col.index, dtype=object)
    ok = tail.notna().to_numpy()
    out[ok] = '<c r="' + refs[ok] + '"' + tail[ok]
    return out


def _as_frame(rows) -> pd.DataFrame:
    """A list of lists (column A first, rows of any length) as a frame whose columns are column numbers."""
    if isinstance(rows, pd.DataFrame):
        return rows
    rows = [list(r) for r in rows]
    width = max((len(r) for r in rows), default=0)
    return pd.DataFrame([r + [None] * (width - len(r)) for r in rows], columns=range(width), dtype=object)


def rows_xml(first_row1: int, rows, date_style: int | None) -> bytes:
    """``<row>`` elements (main namespace, unprefixed) for ``rows`` numbered from ``first_row1``.

    ``rows``: a frame whose columns are 0-based column numbers, or a list of lists (column A first).
    Built a column at a time (the type of each column decided once, text escaped as XML character
    data); the same cells :func:`cell_element` makes, for tens of thousands of rows in a fraction of
    a second.
    """
    frame = _as_frame(rows)
    if frame.empty:
        return b""
    frame = frame.reset_index(drop=True)
    numbers = pd.Series(np.arange(first_row1, first_row1 + len(frame)).astype(str), dtype=object)
    body = pd.Series("", index=frame.index, dtype=object)
    for j in sorted(frame.columns):
        body = body + _column_cells(frame[j], col_letters(int(j)) + numbers, date_style)
    return ("".join(('<row r="' + numbers + '">' + body + "</row>").tolist())).encode("utf-8")


# ------------------------------------------------------------------------------------------- styles
def _container(root: etree._Element, tag: str, before: tuple[str, ...]) -> etree._Element:
    found = root.find(m(tag))
    if found is None:
        found = etree.Element(m(tag))
        later = next((c for c in root if isinstance(c.tag, str) and etree.QName(c).localname in before), None)
        if later is not None:
            later.addprevious(found)
        else:
            root.append(found)
    return found


def cell_styles(styles_xml: bytes) -> tuple[bytes | None, int, int]:
    """(styles.xml with what is missing added or None, cellXfs index of a ``yyyy-mm-dd`` date, of bold text).

    Existing records are reused, so importing twice adds nothing the second time.
    """
    root = parse(styles_xml)
    changed = False
    numfmts = _container(root, "numFmts", ("fonts", "fills", "borders", "cellStyleXfs", "cellXfs"))
    fmt = next((el for el in numfmts if el.get("formatCode") == DATE_FORMAT), None)
    if fmt is None:
        used = [int(el.get("numFmtId")) for el in numfmts if el.get("numFmtId", "").isdigit()]
        fmt = etree.SubElement(numfmts, m("numFmt"), numFmtId=str(max([163, *used]) + 1), formatCode=DATE_FORMAT)
        numfmts.set("count", str(len(numfmts)))
        changed = True
    fonts = _container(root, "fonts", ("fills", "borders", "cellStyleXfs", "cellXfs"))
    bold = next((i for i, f in enumerate(fonts) if f.find(m("b")) is not None and len(f) == 1), None)
    if bold is None:
        font = etree.SubElement(fonts, m("font"))
        etree.SubElement(font, m("b"))
        bold = len(fonts) - 1
        fonts.set("count", str(len(fonts)))
        changed = True
    xfs = _container(root, "cellXfs", ("cellStyles", "dxfs", "tableStyles", "colors", "extLst"))
    wanted = [{"numFmtId": fmt.get("numFmtId"), "fontId": "0", "applyNumberFormat": "1"},
              {"numFmtId": "0", "fontId": str(bold), "applyFont": "1"}]
    found = []
    for attrs in wanted:
        k = next((i for i, xf in enumerate(xfs) if all(xf.get(a) == v for a, v in attrs.items())
                  and xf.get("fillId", "0") == "0" and xf.get("borderId", "0") == "0" and len(xf) == 0), None)
        if k is None:
            etree.SubElement(xfs, m("xf"), fillId="0", borderId="0", xfId="0", **attrs)
            k = len(xfs) - 1
            changed = True
        found.append(k)
    xfs.set("count", str(len(xfs)))
    return (serialize(root) if changed else None), found[0], found[1]


# ------------------------------------------------------------------------------------------- the upsert
def _root_start(pkg: Package, part: str) -> etree._Element:
    """The root element of a part as its start tag declares it (namespaces, attributes), read lazily."""
    with pkg.open(part) as fh:
        for _, el in etree.iterparse(fh, events=("start",), huge_tree=True):
            return el
    raise ValueError(f"{part} is empty")


def _last_row_number(data: bytes, end: int) -> int:
    """The ``r`` of the last ``<row>`` before byte ``end`` (0 when there is none)."""
    start = data.rfind(b"<row", 0, end)
    while start >= 0 and data[start + 4:start + 5] not in (b" ", b">", b"/", b"\t", b"\n", b"\r"):
        start = data.rfind(b"<row", 0, start)
    if start < 0:
        return 0
    found = _R_ATTR.search(data, start, data.index(b">", start))
    return int(found.group(1)) if found else 0


def _set_cells(sheet: etree._Element, cells: dict[tuple[int, int], object], date_style: int) -> None:
    """Set cells of a parsed worksheet (rows and cells kept in order; a cell's style is kept)."""
    data = sheet.find(m("sheetData"))
    rows = {int(r.get("r")): r for r in data.iter(m("row")) if r.get("r")}
    by_row: dict[int, dict[int, object]] = {}
    for (r0, c0), v in cells.items():
        by_row.setdefault(r0 + 1, {})[c0] = v
    for r1, values in sorted(by_row.items()):
        row = rows.get(r1)
        if row is None:
            row = etree.Element(m("row"), r=str(r1))
            later = [k for k in rows if k > r1]
            (rows[min(later)].addprevious(row) if later else data.append(row))
            rows[r1] = row
        existing = {split_ref(c.get("r"))[1]: c for c in row.iter(m("c")) if c.get("r")}
        for c0, v in sorted(values.items()):
            ref = f"{col_letters(c0)}{r1}"
            new = cell_element(ref, v, date_style)
            old = existing.get(c0)
            if old is not None:
                if old.get("s") is not None and new is not None and new.get("s") is None:
                    new.set("s", old.get("s"))
                if new is None:
                    row.remove(old)
                else:
                    old.addnext(new)
                    row.remove(old)
            elif new is not None:
                later = [k for k in existing if k > c0]
                (existing[min(later)].addprevious(new) if later else row.append(new))
            if new is not None:
                existing[c0] = new


def _new_sheet_xml(rows, date_style: int, bold: int, header: bool) -> bytes:
    """A worksheet holding ``rows`` from row 1 (the first in bold when ``header``)."""
    root = etree.Element(m("worksheet"), nsmap={None: NS_MAIN, "r": NS_R})
    data = etree.SubElement(root, m("sheetData"))
    frame = _as_frame(rows)
    first = 1
    if header and len(frame):
        data.append(row_element(1, frame.iloc[0].tolist(), date_style, bold))
        frame, first = frame.iloc[1:], 2
    xml = serialize(root)
    end = xml.rfind(b"</sheetData>")
    if end < 0:                                   # <sheetData/>: written out with its end tag
        end = xml.rfind(b"<sheetData/>")
        xml = xml[:end] + b"<sheetData></sheetData>" + xml[end + len(b"<sheetData/>"):]
        end = xml.rfind(b"</sheetData>")
    return xml[:end] + rows_xml(first, frame, date_style) + xml[end:]


def upsert_sheet(src: str | Path, out: str | Path, sheet: str, rows,
                 cells: dict[tuple[int, int], object] | None = None, replace: bool = False,
                 header: bool = False, hidden: bool = False) -> None:
    """Write ``out`` = workbook ``src`` with plain values put into worksheet ``sheet``; every other part copied.

    rows : appended below the sheet's last row (column A first); with ``replace`` the sheet holds only them.
    cells : (row0, col0) -> value set in existing rows (row0 0 is the header row); a cell keeps its style.
    header : the first of ``rows`` is a header (bold) -- for a new or replaced sheet.
    hidden : a sheet added here gets ``state="hidden"``.

    A sheet that does not exist is added after the last sheet. Appending only writes new ``<row>``
    elements before ``</sheetData>``, setting cells rewrites only the rows holding them: every other row
    keeps its bytes; ``<dimension>`` covers the new rows and cells. The part is stored in segments
    (:mod:`.deflate`): appending to a part stored so compresses only the new rows. Values: numbers, booleans, dates (``yyyy-mm-dd`` style), text (inline
    strings, so text stays text).
    """
    cells = dict(cells or {})
    with Package(src) as pkg:
        parts = pkg.sheet_parts()
        part = parts.get(sheet)
        changed: dict[str, bytes] = {}
        added: list[tuple[str, bytes]] = []
        styles_part = next((r.target for r in pkg.rels(pkg.workbook) if r.type == REL_STYLES), None)
        if styles_part is None or styles_part not in pkg:
            raise ValueError(f"{pkg.path.name}: no styles part")
        new_styles, date_style, bold = cell_styles(pkg.read(styles_part))
        if new_styles is not None:
            changed[styles_part] = new_styles
        if part is None or replace:
            xml = _new_sheet_xml(rows, date_style, bold, header)
            if cells:
                root = parse(xml)
                _set_cells(root, cells, date_style)
                xml = serialize(root)
            if part is not None:
                changed[part] = xml
            else:
                part = _add_sheet(pkg, sheet, xml, changed, added, hidden)
        else:
            changed[part] = _upserted(pkg, part, rows, cells, date_style)
        entries = [(n, changed.get(n, COPY)) for n in pkg.names] + added
        write_package(out, entries, pkg)


def _upserted(pkg: Package, part: str, rows, cells: dict, date_style: int):
    """The new content of an existing worksheet part: ``rows`` appended, ``cells`` set (see :func:`upsert_sheet`)."""
    frame = _as_frame(rows)
    width = max([0, *(int(j) + 1 for j in frame.columns), *(c0 + 1 for _, c0 in cells)]) if len(frame) or cells \
        else 0
    if _root_start(pkg, part).nsmap.get(None) != NS_MAIN:     # main namespace under a prefix: via the tree
        root = parse(pkg.read(part))
        if cells:
            _set_cells(root, cells, date_style)
        return _upserted_tree(root, frame, date_style)
    info, stored = pkg.raw_member(part) or (pkg.infos[part], None)
    seg = split_member(stored, info.file_size, info.CRC) \
        if stored is not None and info.compress_type == zipfile.ZIP_DEFLATED and not cells else None
    if seg is not None:                                  # rows appended; the old rows' bytes copied compressed
        first = _last_row_number(seg.last_rows, len(seg.last_rows)) + 1
        new = rows_xml(first, frame, date_style)
        head = _with_dimension(seg.head, first + len(frame) - 1, width)
        return appended(seg, head, new, seg.tail)
    data = pkg.read(part)
    if b"<sheetData>" not in data and b"<sheetData/>" in data:
        data = data.replace(b"<sheetData/>", b"<sheetData></sheetData>", 1)
    start, end = data.find(b"<sheetData>"), data.rfind(b"</sheetData>")
    if start < 0 or end < start:
        raise ValueError(f"{part}: no sheetData")
    start += len(b"<sheetData>")
    body: list = [memoryview(data)[start:end]]
    last_set = 0
    if cells:
        body, last_set = _set_cells_bytes(data, start, end, cells, date_style)
        if body is None:                                 # a row without its number: through the tree
            root = parse(data)
            _set_cells(root, cells, date_style)
            return _upserted_tree(root, frame, date_style)
    first = max(_last_row_number(data, end), last_set) + 1
    new = rows_xml(first, frame, date_style) if len(frame) else b""
    head = _with_dimension(data[:start], first + len(frame) - 1 if len(frame) else first - 1, width)
    return segmented(head, [*body, new] if new else body, data[end:])


def _upserted_tree(root: etree._Element, frame: pd.DataFrame, date_style: int) -> bytes:
    """A parsed worksheet with ``frame``'s rows appended, serialised (for layouts the byte-level path avoids)."""
    if len(frame):
        sd = root.find(m("sheetData"))
        last = max([0, *(int(r.get("r")) for r in sd.iter(m("row")) if r.get("r"))])
        for k, values in enumerate(frame.itertuples(index=False)):
            sd.append(row_element(last + 1 + k, list(values), date_style))
    return serialize(root)


_ROW_START = re.compile(rb"<row\b[^>]*>")
_R_ATTR = re.compile(rb'\sr="(\d+)"')
_CELL = re.compile(rb'<c\b[^>]*?\sr="([A-Z]{1,3})\d+"[^>]*?(?:/>|>.*?</c>)', re.S)
_S_ATTR = re.compile(rb'\ss="(\d+)"')
_DIMENSION = re.compile(rb'<dimension\s+ref="([A-Z]{1,3})(\d+)(?::([A-Z]{1,3})(\d+))?"')


def _set_cells_bytes(data: bytes, start: int, end: int, cells: dict, date_style: int):
    """(pieces of the rows between ``start`` and ``end`` with ``cells`` set, the last row number set).

    Only the rows holding a cell to set are rewritten (their other cells kept as they are, a replaced cell
    keeps its style); a missing row is inserted in order. (None, 0) when a row has no ``r``.
    """
    by_row: dict[int, dict[int, object]] = {}
    for (r0, c0), v in cells.items():
        by_row.setdefault(r0 + 1, {})[c0] = v
    spans: dict[int, tuple[int, int]] = {}
    later: dict[int, int] = {}                # a new row -> where the first row after it starts
    pending = sorted(by_row)
    for found in _ROW_START.finditer(data, start, end):
        rm = _R_ATTR.search(found.group(0))
        if rm is None:
            return None, 0
        r = int(rm.group(1))
        while pending and pending[0] < r:
            later[pending.pop(0)] = found.start()
        if pending and pending[0] == r:
            pending.pop(0)
            tag_end = found.end()
            close = tag_end if found.group(0).endswith(b"/>") else data.index(b"</row>", tag_end) + len(b"</row>")
            spans[r] = (found.start(), close)
        if not pending:
            break
    for r in pending:
        later[r] = end
    edits = []
    for r, values in by_row.items():
        if r in spans:
            a, b = spans[r]
            edits.append((a, b, _row_with(data[a:b], r, values, date_style)))
        else:
            edits.append((later[r], later[r], _row_with(b'<row r="%d"/>' % r, r, values, date_style)))
    view, pieces, pos = memoryview(data), [], start
    for a, b, text in sorted(edits, key=lambda e: (e[0], e[1])):
        pieces += [view[pos:a], text]
        pos = b
    pieces.append(view[pos:end])
    return pieces, max(by_row)


def _row_with(row: bytes, r1: int, values: dict[int, object], date_style: int) -> bytes:
    """The bytes of one ``<row>`` with ``values`` (col0 -> value) set; its other cells kept byte for byte."""
    if row.endswith(b"/>"):
        row = row[:-2].rstrip() + b"></row>"
    tag_end = row.index(b">") + 1
    cells = [(col_index(c.group(1).decode()), c.group(0)) for c in _CELL.finditer(row, tag_end)]
    by_col = dict(cells)
    for c0, v in values.items():
        ref = f"{col_letters(c0)}{r1}"
        text = _column_cells(pd.Series([v], dtype=object), pd.Series([ref], dtype=object), date_style).iat[0]
        new = text.encode("utf-8") if text else None
        old = by_col.get(c0)
        if new is not None and old is not None and b' s="' not in new[:new.index(b">")]:
            style = _S_ATTR.search(old[:old.index(b">")])
            if style:
                new = new.replace(b'<c r="%s"' % ref.encode(), b'<c r="%s" s="%s"' % (ref.encode(), style.group(1)), 1)
        if new is None:
            by_col.pop(c0, None)
        else:
            by_col[c0] = new
    return row[:tag_end] + b"".join(by_col[c] for c in sorted(by_col)) + b"</row>"


def _with_dimension(head: bytes, last_row1: int, width: int) -> bytes:
    """``head`` (the part up to ``<sheetData>``) with ``<dimension ref>`` grown to row ``last_row1`` and
    ``width`` columns (never shrunk); unchanged when the part has no ``<dimension>``."""
    found = _DIMENSION.search(head)
    if found is None:
        return head
    c1, r1 = found.group(1), int(found.group(2))
    c2, r2 = (found.group(3), int(found.group(4))) if found.group(3) else (c1, r1)
    col2 = max(col_index(c2.decode()), width - 1)
    row2 = max(r2, last_row1)
    ref = b"%s%d:%s%d" % (c1, r1, col_letters(col2).encode(), row2)
    return head[:found.start()] + b'<dimension ref="' + ref + b'"' + head[found.end():]


def _add_sheet(pkg: Package, sheet: str, xml: bytes, changed: dict[str, bytes],
               added: list[tuple[str, bytes]], hidden: bool = False) -> str:
    """Add a worksheet part holding ``xml`` as the last sheet named ``sheet``; returns its part name."""
    folder = posixpath.join(posixpath.dirname(pkg.workbook), "worksheets")
    n = 1
    while f"{folder}/xlr_input{n}.xml" in pkg:
        n += 1
    part = f"{folder}/xlr_input{n}.xml"
    added.append((part, xml))
    workbook = parse(pkg.read(pkg.workbook))
    rels_part = rels_name(pkg.workbook)
    rels = parse(pkg.read(rels_part))
    taken = {el.get("Id") for el in rels}
    k = 1
    while f"rIdXlr{k}" in taken:
        k += 1
    etree.SubElement(rels, f"{{{NS_PR}}}Relationship", Id=f"rIdXlr{k}", Type=REL_WORKSHEET,
                     Target=relative(pkg.workbook, part))
    sheets = workbook.find(m("sheets"))
    ids = [int(s.get("sheetId")) for s in sheets if s.get("sheetId", "").isdigit()]
    el = etree.SubElement(sheets, m("sheet"), name=sheet, sheetId=str(max([0, *ids]) + 1))
    if hidden:
        el.set("state", "hidden")
    el.set(R_ID, f"rIdXlr{k}")
    types = deepcopy(pkg.content_types())
    etree.SubElement(types, f"{{{NS_CT}}}Override", PartName="/" + part, ContentType=CT_WORKSHEET)
    changed[pkg.workbook] = serialize(workbook)
    changed[rels_part] = serialize(rels)
    changed["[Content_Types].xml"] = serialize(types)
    return part
