"""Reading an export file as rows of text, whatever everyday tools did to it.

Handled: UTF-8 with or without BOM, UTF-16 (Excel's "Unicode text" save: tab-delimited, cells with
tabs, quotes or line breaks quoted), GBK/GB18030, Shift-JIS, Windows code pages (detected with
charset-normalizer, https://github.com/jawah/charset_normalizer); the delimiter and quoting found
with the standard library's ``csv.Sniffer``; a DOS end-of-file byte (Ctrl-Z); a stray quote that
would swallow the rest of the file (the csv module's 128 KB field limit); XLSX workbooks read with
calamine, every sheet with its visibility.

A cell longer than Excel's limit (:data:`EXCEL_CELL_LIMIT`) is kept here; the importer refuses the
row on the Import Log (a sheet cannot hold it, and a cut cell would change the dedupe key).
"""
from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

#: Excel's cell limit: "Total number of characters that a cell can contain: 32,767 characters"
#: (https://support.microsoft.com/en-us/office/excel-specifications-and-limits-1672b34d-7043-467e-8e27-269d656771c3)
EXCEL_CELL_LIMIT = 32_767
#: How much of a text file the dialect sniffer sees.
SNIFF_BYTES = 64 * 1024
_DELIMITERS = ",;\t|"
_LINE_END = re.compile(r"\r\n|\r|\n")
#: every character ``str.strip`` removes (``str.isspace``; none is above U+3000)
_SPACES = "".join(c for c in map(chr, range(0x3001)) if c.isspace())
#: line boundaries of ``str.splitlines`` that are not line ends for the csv module
_OTHER_LINE_BREAKS = re.compile("[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


@dataclass
class SheetRows:
    """One sheet (or the one table of a text file) as rows of strings."""

    name: str | None
    rows: Sequence[list[str]]           # a list, or a TextLines for a quote-free text
    encoding: str
    visible: bool = True
    notes: tuple[str, ...] = ()          # codes of what reading had to repair: "ctrl_z", "stray_quote"

    # the (sheet, rows, encoding) triple the matcher iterates over
    def __iter__(self):
        return iter((self.name, self.rows, self.encoding))

    def __getitem__(self, i):
        return (self.name, self.rows, self.encoding)[i]


class UnreadableFileError(Exception):
    """Raised by :func:`read_sheets` with a message code (``"msg." + code`` in :mod:`xlreview.text`) and its
    parameters; the importers wrap it in an :class:`~xlreview.errors.XlreviewError` rendered at the edge."""

    def __init__(self, code: str, /, **params):
        self.code, self.params = code, params
        super().__init__(code)


def decode(data: bytes) -> tuple[str, str]:
    """Bytes -> (text, encoding name). BOMs first, then strict UTF-8, then charset-normalizer's best guess."""
    for bom, enc in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
                     (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            return data.decode(enc, errors="replace"), enc
    head = data[:4096]
    if len(head) >= 4 and head[1::2].count(0) > len(head) // 4 and head[0::2].count(0) == 0:
        return data.decode("utf-16-le", errors="replace"), "utf-16-le"      # UTF-16 without a BOM
    if len(head) >= 4 and head[0::2].count(0) > len(head) // 4 and head[1::2].count(0) == 0:
        return data.decode("utf-16-be", errors="replace"), "utf-16-be"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=["gb18030", "big5", "shift_jis", "euc_kr", "cp1252", "cp1250", "cp874",
                                          "cp1251", "iso8859_15"]).best()
    if best is not None:
        enc = best.encoding
        if enc in ("gbk", "gb2312"):
            enc = "gb18030"         # the superset: every GBK file decodes the same
        return str(best), enc
    return data.decode("gb18030", errors="replace"), "gb18030"


def _sniff(text: str) -> csv.Dialect | None:
    """The csv dialect of the data part of a text (preamble lines without delimiters are skipped)."""
    lines = text[:SNIFF_BYTES].splitlines()
    start = next((i for i, ln in enumerate(lines) if sum(ln.count(d) for d in _DELIMITERS) >= 2), 0)
    sample = "\n".join(lines[start:start + 50])
    try:
        return csv.Sniffer().sniff(sample, delimiters=_DELIMITERS)
    except csv.Error:
        return None


def _delimiter(text: str) -> str:
    """The delimiter: the sniffer's, checked against the most frequent candidate of the sample."""
    dialect = _sniff(text)
    sample = text[:SNIFF_BYTES].splitlines()[:60]
    counts = {d: sum(ln.count(d) for ln in sample) for d in _DELIMITERS}
    frequent = max(counts, key=counts.get)
    if dialect is not None and counts.get(dialect.delimiter, 0) * 2 >= counts[frequent]:
        return dialect.delimiter
    return frequent if counts[frequent] else ","


def split_text(text: str) -> tuple[Sequence[list[str]], tuple[str, ...]]:
    """Text -> rows of cells (a :class:`TextLines` when the text has no quote character), with notes on what
    had to be repaired."""
    notes: list[str] = []
    if "\x1a" in text:                     # DOS end-of-file (Ctrl-Z): not data
        text = text.replace("\x1a", "")
        notes.append("ctrl_z")
    delim = _delimiter(text)
    if '"' not in text:
        return TextLines(text, delim) or [[]], tuple(notes)
    rows = _csv_rows(text, delim, quoting=True)
    lines = text.count("\n") + (0 if text.endswith("\n") else 1)
    # only a file whose quoted cells took in line breaks can have swallowed rows
    if rows is None or (len(rows) < lines and _swallowed(rows, delim)):
        plain = _csv_rows(text, delim, quoting=False)
        if plain is not None:
            rows = plain
            notes.append("stray_quote")
    if rows is None:
        rows = [line.split(delim) for line in text.splitlines()]
    return rows or [[]], tuple(notes)



class TextLines(Sequence):
    """The rows of a text without a quote character, each line split at the delimiter only when it is read.

    The csv module's rows of such a text are exactly its lines (ending at CR, LF or CRLF) split at the
    delimiter, a blank line an empty row; Arrow's CSV reader ends lines the same way, so :meth:`columns`
    reads a body column-wise (https://arrow.apache.org/docs/python/csv.html) without a Python string per cell.
    """

    def __init__(self, text: str, delimiter: str):
        self.text, self.delimiter = text, delimiter
        if _OTHER_LINE_BREAKS.search(text) is None:
            self.lines = text.splitlines()      # the same lines, faster, when no other break character is in
        else:
            self.lines = _LINE_END.split(text)
            if self.lines[-1] == "":
                self.lines.pop()

    def _row(self, line: str) -> list[str]:
        return line.split(self.delimiter) if line else []

    def __len__(self) -> int:
        return len(self.lines)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self._row(ln) for ln in self.lines[i]]
        return self._row(self.lines[i])

    def filled_after(self, row: int) -> int:
        """How many rows below ``row`` have a cell that is not blank."""
        import pyarrow as pa
        import pyarrow.compute as pc

        lines = pa.array(self.lines[row + 1:], pa.large_string())
        blank = pc.equal(pc.utf8_trim(lines, self.delimiter + _SPACES), "")
        return len(lines) - pc.sum(blank).as_py() if len(lines) else 0

    def columns(self, first_row: int, width: int):
        """Rows ``first_row``.. as ``width`` Arrow large_string columns (short rows padded with "", long ones
        cut); None when those rows are not all of one width or a line is blank (then read them as rows)."""
        import pyarrow as pa
        from pyarrow import csv as pa_csv

        text, delim, pos = self.text, self.delimiter, 0
        for _ in range(first_row):
            m = _LINE_END.search(text, pos)
            if m is None:
                return [pa.array([], pa.large_string())] * width
            pos = m.end()
        if pos >= len(text):
            return [pa.array([], pa.large_string())] * width
        end = _LINE_END.search(text, pos)
        fields = text[pos:end.start() if end else len(text)].count(delim) + 1
        ragged: list[int] = []

        def refuse(row) -> str:
            ragged.append(row.actual_columns)
            return "skip"

        try:
            table = pa_csv.read_csv(
                pa.py_buffer(text[pos:].encode("utf-8")),
                read_options=pa_csv.ReadOptions(autogenerate_column_names=True),
                parse_options=pa_csv.ParseOptions(delimiter=delim, quote_char=False, escape_char=False,
                                                  ignore_empty_lines=False, invalid_row_handler=refuse),
                convert_options=pa_csv.ConvertOptions(
                    strings_can_be_null=False, quoted_strings_can_be_null=False,
                    column_types={f"f{j}": pa.large_string() for j in range(fields)}))
        except pa.ArrowInvalid:
            return None
        if ragged:
            return None
        cols = [c.combine_chunks() for c in table.columns[:width]]
        if len(cols) < width:
            cols += [pa.array([""] * table.num_rows, pa.large_string())] * (width - len(cols))
        return cols


def _csv_rows(text: str, delim: str, quoting: bool) -> list[list[str]] | None:
    old = csv.field_size_limit()
    try:
        csv.field_size_limit(max(old, 64 * 1024 * 1024))
        kw = {"quoting": csv.QUOTE_MINIMAL} if quoting else {"quoting": csv.QUOTE_NONE, "escapechar": None}
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delim, **kw))
    except csv.Error:
        return None
    finally:
        csv.field_size_limit(old)


def _swallowed(rows: list[list[str]], delim: str) -> bool:
    """A quoted cell that took in whole lines of the file: a line break plus half a row's delimiters, or more
    than Excel's limit with line breaks (a real multi-line note holds neither)."""
    widths = sorted(len(r) for r in rows if len(r) > 1)
    width = widths[len(widths) // 2] if widths else 1
    return any("\n" in c and (c.count(delim) >= max(2, width // 2) or len(c) > EXCEL_CELL_LIMIT)
               for r in rows for c in r)


def _cell_text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float):
        if math.isnan(v):
            return ""
        return repr(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)
    if isinstance(v, datetime):
        return v.isoformat(sep=" ")
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, timedelta):
        return str(v)
    return str(v)


def _read_xlsx(path: Path) -> list[SheetRows]:
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(str(path))
        visible = {m.name: str(m.visible).lower().endswith("visible") for m in wb.sheets_metadata}
        out = []
        for name in wb.sheet_names:
            rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
            out.append(SheetRows(name, [[_cell_text(v) for v in r] for r in rows], "xlsx", visible.get(name, True)))
        return out
    except Exception as exc:  # calamine raises its own types for damaged zips
        raise UnreadableFileError("import_damaged_xlsx", file=path.name, error=str(exc)) from exc


def read_sheets(path: Path) -> list[SheetRows]:
    """Every sheet of a file as rows of strings (a text file is one sheet named None).

    Raises :class:`UnreadableFileError` for a missing, empty, binary or old .xls file.
    """
    path = Path(path)
    if not path.is_file():
        raise UnreadableFileError("file_missing", path=path)
    data = path.read_bytes()
    if not data.replace(b"\x1a", b"").strip():
        raise UnreadableFileError("import_empty_file", file=path.name)
    if data[:4] == b"PK\x03\x04":
        return _read_xlsx(path)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise UnreadableFileError("import_old_xls", file=path.name)
    text, enc = decode(data)
    if "\x00" in text:
        raise UnreadableFileError("import_binary_file", file=path.name)
    rows, notes = split_text(text)
    return [SheetRows(None, rows, enc, True, notes)]
