"""Typed columns of a worksheet, read in one pass by fastexcel (calamine's parser, Arrow arrays out).

The validation of an input sheet (``model.read.read_sheet``) needs, for each column it uses, the kind of
every cell (number, date, text, boolean, empty) and its value. Reading 100k order lines cell by cell into
Python objects costs seconds; fastexcel (https://github.com/ToucanToco/fastexcel) returns one typed Arrow
array per column, and the kinds follow from the array's type, a column at a time.

How a column is read, so that every cell keeps what it is:

- text columns (DATA_MODEL type ``text``) are read as text: a number cell gives its digits (``1001``, as
  Excel shows it, up to 9 decimals), a date cell ``2026-03-01 00:00:00``, a boolean ``true``;
- every other column gets the one type its cells hold, found over *all* rows (``schema_sample_rows=None``)
  with ``dtype_coercion="strict"``: a column mixing numbers and text (``12`` and ``twelve``) is not
  coerced; the sheet is then read cell by cell instead (``TypedSheet.columns`` returns None), so a bad
  cell is reported exactly as it was found;
- cells a typed column cannot hold come back as fastexcel's cell errors (``to_arrow_with_errors``): Excel
  error cells (``#N/A``, ``#DIV/0!``...) and the texts fastexcel reads as missing (``N/A``, ``NULL``...);
  they are put back as the text they are, so validation reports them (never a silent 0 or blank).
  Anything else unexpected (a duration, a NaN, an unknown cell error) also sends the sheet cell by cell.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass

import numpy as np

from ..model.parse import BOOL, DATE, NUM, STR, Kinds

# calamine's CellErrorType names (Debug form in fastexcel's cell errors) -> the text Excel shows
_ERROR_TEXT = {"Div0": "#DIV/0!", "NA": "#N/A", "Name": "#NAME?", "Null": "#NULL!", "Num": "#NUM!",
               "Ref": "#REF!", "Value": "#VALUE!", "GettingData": "#GETTING_DATA"}
# fastexcel logs "Could not determine dtype for column N, falling back to string" for a column of empty
# cells; such a column is read as empty, which is right, and the notice is not for a seller's screen
logging.getLogger("fastexcel.types.dtype").setLevel(logging.ERROR)
_DETAIL = re.compile(r"^Expected \w+ but got '(?:Error\((?P<err>\w+)\)|String\(\"(?P<text>[^\"\\]*)\"\))'$")


class NotTyped(Exception):
    """The sheet cannot be read column-wise without losing what a cell is; read it cell by cell."""


@dataclass
class TypedSheet:
    """One worksheet of a workbook opened with ``fastexcel.read_excel``; ``header`` is its row 1."""

    reader: object            # fastexcel.ExcelReader
    name: str
    header: list

    def columns(self, wanted: dict[int, bool]) -> tuple[int, dict[int, Kinds]] | None:
        """(number of rows below the header, {column: Kinds of its cells from Excel row 2 on}) of the
        0-based columns ``wanted`` (value: read as text). None when the sheet must be read cell by cell."""
        try:
            return self._columns(wanted)
        except NotTyped:
            return None
        except Exception as exc:        # fastexcel's own errors: strict typing refused, unsupported cells
            if type(exc).__module__.split(".")[0] in ("fastexcel", "_fastexcel"):
                return None
            raise

    def _columns(self, wanted: dict[int, bool]) -> tuple[int, dict[int, Kinds]]:
        import pyarrow as pa
        if not wanted:
            return 0, {}
        sheet = self.reader.load_sheet(self.name, header_row=0, skip_rows=0, schema_sample_rows=None,
                                       dtype_coercion="strict", use_columns=sorted(wanted),
                                       dtypes={j: "string" for j, as_text in wanted.items() if as_text})
        batch, errors = sheet.to_arrow_with_errors()
        absolute = {ci.index: ci.absolute_index for ci in sheet.selected_columns}
        by_name = {ci.name: ci.absolute_index for ci in sheet.selected_columns}
        del sheet             # calamine's cells of the whole sheet (about 1 GB at 1M lines): free before going on
        patches: dict[int, dict[int, str]] = {}
        for e in errors.errors if errors is not None else ():
            found = _DETAIL.match(e.detail)
            if found is None:
                raise NotTyped(e.detail)
            row, col = e.offset_position
            text = _ERROR_TEXT.get(found["err"]) if found["err"] else found["text"]
            if text is None:
                raise NotTyped(e.detail)
            patches.setdefault(absolute[col], {})[row] = text
        height = batch.num_rows
        out: dict[int, Kinds] = {}
        for name, arr in zip(batch.schema.names, batch.columns):
            j = by_name[name]
            t = arr.type
            null = arr.is_null().to_numpy(zero_copy_only=False)
            if pa.types.is_string(t) or pa.types.is_large_string(t):
                kinds = _text_kinds(arr, null)
            elif pa.types.is_floating(t) or pa.types.is_integer(t):
                values = arr.cast(pa.float64()).to_numpy(zero_copy_only=False)
                if np.isnan(values[~null]).any():       # a text such as "nan" read as a number
                    raise NotTyped("NaN")
                kinds = Kinds.of_typed(values, NUM, null)
            elif pa.types.is_timestamp(t) or pa.types.is_date(t):
                if pa.types.is_date(t):
                    arr = arr.cast(pa.timestamp("ms"))
                elif t.tz is not None:
                    raise NotTyped(str(t))
                kinds = Kinds.of_typed(arr.to_numpy(zero_copy_only=False), DATE, null)
            elif pa.types.is_boolean(t):
                kinds = Kinds.of_typed(arr.fill_null(False).to_numpy(zero_copy_only=False), BOOL, null)
            elif pa.types.is_null(t):
                kinds = Kinds.of_typed(np.full(height, None, dtype=object), STR, null,
                                       np.full(height, None, dtype=object), np.zeros(height, dtype=bool))
            else:
                raise NotTyped(str(t))
            if j in patches:
                kinds = _with_texts(kinds, patches[j])
            out[j] = kinds
        return height, out


def _text_kinds(arr, null: np.ndarray) -> Kinds:
    """Kinds of a text column: each distinct text is turned into a Python str and stripped once (order ids
    repeat over an order's lines, channels and SKUs over thousands), then spread to its rows."""
    import pyarrow.compute as pc
    coded = pc.dictionary_encode(arr)
    distinct = coded.dictionary.to_numpy(zero_copy_only=False).astype(object)
    stripped = np.array([v.strip() for v in distinct], dtype=object)
    empty = np.array([v == "" for v in stripped], dtype=bool)
    hashy = np.array([v.startswith("#") for v in stripped], dtype=bool)
    codes = coded.indices.fill_null(0).to_numpy(zero_copy_only=False)
    if not len(distinct):                       # every cell empty
        none = np.full(len(null), None, dtype=object)
        return Kinds.of_typed(none, STR, null, none, np.zeros(len(null), dtype=bool))
    values = distinct.take(codes)
    values[null] = None
    return Kinds.of_typed(values, STR, null | empty.take(codes), stripped.take(codes), hashy.take(codes) & ~null)


def _with_texts(kinds: Kinds, texts: dict[int, str]) -> Kinds:
    """``kinds`` with the cells at the given rows holding the given text (cells a typed array could not hold)."""
    rows = np.fromiter(texts, dtype=np.int64, count=len(texts))
    text = [texts[r] for r in rows]
    n = len(kinds.values)
    if kinds.values.dtype.kind == "M":            # datetime.datetime objects, as a cell-by-cell reader gives them
        values = np.array(kinds.values.astype("datetime64[us]").tolist(), dtype=object)
    else:
        values = kinds.values.astype(object)
    values[rows] = text
    stripped = kinds.stripped.copy() if kinds.stripped is not None else np.full(n, None, dtype=object)
    stripped[rows] = [t.strip() for t in text]
    hashy = kinds.hashy.copy() if kinds.hashy is not None else np.zeros(n, dtype=bool)
    hashy[rows] = [t.strip().startswith("#") for t in text]
    filled = np.array([t.strip() != "" for t in text], dtype=bool)
    out = Kinds.of_typed(values, STR, kinds.blank.copy(), stripped, hashy)
    for name in ("boolean", "date", "num", "text"):
        mask = getattr(kinds, name).copy()
        mask[rows] = False
        setattr(out, name, mask)
    out.text[rows] = filled
    out.blank[rows] = ~filled
    return out
