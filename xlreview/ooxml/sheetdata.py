"""The cells of a worksheet part (``<sheetData>``, ECMA-376 Part 1, 18.3.1): cell references, the cells
holding an Excel error value, and new rows written as XML.

Worksheets can be tens of megabytes; everything here streams (zlib chunks, lxml iterparse) and never
holds a whole sheet's XML tree.
"""
from __future__ import annotations

import datetime as dt
import math
import posixpath
import re
from copy import deepcopy
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np
import pandas as pd
from lxml import etree

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
    """The text of a ``<si>`` or ``<is>`` string item: its ``<t>`` runs, phonetic runs (``<rPh>``) left out."""
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


def _last_row_number(data: bytes, end: int, nsmap: dict) -> int:
    """The ``r`` of the last ``<row>`` before byte ``end`` (0 when the sheet has no row)."""
    start = data.rfind(b"<row", 0, end)
    while start >= 0 and data[start + 4:start + 5] not in (b" ", b">", b"/", b"\t", b"\n", b"\r"):
        start = data.rfind(b"<row", 0, start)
    if start < 0:
        return 0
    tag = data[start:data.index(b">", start) + 1]
    decl = b" ".join(f'xmlns{":" + k if k else ""}="{v}"'.encode() for k, v in nsmap.items())
    row = etree.fromstring(b"<w " + decl + b">" + tag + (b"" if tag.endswith(b"/>") else b"</row>") + b"</w>")[0]
    return int(row.get("r", "0"))


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
    elements before ``</sheetData>``: every existing row keeps its bytes. Setting cells parses the sheet
    (lxml) and writes it back. Values: numbers, booleans, dates (``yyyy-mm-dd`` style), text (inline
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
            data = pkg.read(part)
            if cells:                                   # cells of existing rows: parse, set, write back
                root = parse(data)
                _set_cells(root, cells, date_style)
                data = serialize(root)
            if len(rows):
                start = _root_start(pkg, part)
                if start.nsmap.get(None) != NS_MAIN:     # main namespace under a prefix: rows via the tree
                    root = parse(data)
                    sd = root.find(m("sheetData"))
                    last = max([0, *(int(r.get("r")) for r in sd.iter(m("row")) if r.get("r"))])
                    frame = _as_frame(rows)
                    for k, values in enumerate(frame.itertuples(index=False)):
                        sd.append(row_element(last + 1 + k, list(values), date_style))
                    data = serialize(root)
                else:
                    empty = data.rfind(b"<sheetData/>")
                    end = data.rfind(b"</sheetData>")
                    if end >= 0:
                        first = _last_row_number(data, end, start.nsmap) + 1
                        view = memoryview(data)                  # the old rows are not copied
                        data = (view[:end], rows_xml(first, rows, date_style), view[end:])
                    elif empty >= 0:
                        data = (data[:empty] + b"<sheetData>" + rows_xml(1, rows, date_style) + b"</sheetData>"
                                + data[empty + len(b"<sheetData/>"):])
                    else:
                        raise ValueError(f"{part}: no sheetData")
            changed[part] = data
        entries = [(n, changed.get(n, COPY)) for n in pkg.names] + added
        write_package(out, entries, pkg)


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
