"""The order store: order lines beyond what one sheet holds, as Parquet files in a folder next to the workbook.

Excel keeps at most ``schema.EXCEL_MAX_ROWS`` rows per sheet. A year with more order lines keeps them in
the *order store*: a folder beside the workbook, named by the Settings key ``order_store`` (a path relative
to the workbook's folder, or absolute). Every ``*.parquet`` file directly in that folder is a part; each part
holds Orders lines with DATA_MODEL's column keys (Chinese headers and the schema's aliases are accepted too).
Files whose names start with ``.`` or ``_`` are ignored (temp files of a write in progress).

Column types in a part (https://parquet.apache.org/docs/file-format/types/):

- text columns: string (an integer column is read as its digits, e.g. order ids);
- ``order_date``: timestamp or date (a string column is parsed like a sheet's date text);
- money and count columns: any integer or floating type (a string column is parsed like a sheet's number text);
- a missing optional column counts as blank, exactly as on the sheet.

Every part is validated by the sheet's rules (``read.column_rules``); problems name the part's file
(``folder/part.parquet``) and the line's row number in it (1 = the first line). The Orders a build computes
on are the sheet's lines followed by the store's, parts in file-name order.

Writing (``write_part``) is only ever a new part: parts are never rewritten, so an import that fails leaves
the parts there as they were (the new part is written under a hidden name and published by ``publish``).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from . import schema
from .problems import Report

STORE_SETTING = "order_store"
PART_GLOB = "*.parquet"


def default_folder_name(workbook: Path) -> str:
    """The folder name ``import`` gives a new store: the workbook's name + ``.orders`` (e.g. ``2026复盘.orders``)."""
    return f"{Path(workbook).stem}.orders"


def resolve_folder(workbook: Path | None, setting: str) -> Path:
    """The store folder a Settings ``order_store`` value names (relative to the workbook's folder)."""
    folder = Path(str(setting).strip())
    if not folder.is_absolute() and workbook is not None:
        folder = Path(workbook).resolve().parent / folder
    return folder


def part_files(folder: Path) -> list[Path]:
    """The store's parts, in the order their lines are read (file name)."""
    return sorted(p for p in Path(folder).glob(PART_GLOB) if p.is_file() and not p.name.startswith((".", "_")))


# ----------------------------------------------------------------------------- writing
def arrow_schema():
    """The Arrow schema ``write_part`` writes: Orders keys; string, timestamp[ms] and float64 columns."""
    import pyarrow as pa
    fields = []
    for c in schema.ORDERS.columns:
        t = pa.string() if c.type == "text" else pa.timestamp("ms") if c.type == "date" else pa.float64()
        fields.append(pa.field(c.key, t))     # blanks are allowed in the file: the rules report them
    return pa.schema(fields)


def to_arrow(frame: pd.DataFrame):
    """Canonical Orders rows (DATA_MODEL keys; blanks as None/NaN/"") as an Arrow table of ``arrow_schema``."""
    import pyarrow as pa
    sch = arrow_schema()
    cols = []
    n = len(frame)
    for f in sch:
        if f.name not in frame.columns:
            cols.append(pa.nulls(n, f.type))
            continue
        s = frame[f.name]
        if pa.types.is_string(f.type):
            txt = _as_text(s)
            cols.append(pa.array(txt.to_numpy(dtype=object), type=f.type, mask=txt.eq("").to_numpy(dtype=bool)))
        elif pa.types.is_timestamp(f.type):
            cols.append(pa.array(pd.to_datetime(s, errors="coerce").astype("datetime64[ms]"), type=f.type))
        else:
            cols.append(pa.array(pd.to_numeric(s, errors="coerce").astype("float64"), type=f.type,
                                 from_pandas=True))
    return pa.Table.from_arrays(cols, schema=sch)


@dataclass
class PendingPart:
    """A part written under a hidden name; ``publish`` makes it visible, ``discard`` removes it."""

    hidden: Path
    final: Path

    def publish(self) -> Path:
        os.replace(self.hidden, self.final)
        return self.final

    def discard(self) -> None:
        self.hidden.unlink(missing_ok=True)


def write_part(folder: Path, frame: pd.DataFrame) -> PendingPart:
    """Write canonical Orders rows as the store's next part (hidden until ``publish``); creates the folder."""
    import pyarrow.parquet as pq
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    taken = [int(p.stem.split("-")[-1]) for p in part_files(folder) if p.stem.split("-")[-1].isdigit()]
    final = folder / f"orders-{max(taken, default=0) + 1:06d}.parquet"
    hidden = folder / f".{final.name}.{os.getpid()}.tmp"
    pq.write_table(to_arrow(frame), hidden, compression="zstd")
    return PendingPart(hidden, final)


# ----------------------------------------------------------------------------- reading
def store_keys(folder: Path, keys: list[str]) -> pd.DataFrame:
    """The ``keys`` columns (e.g. the Orders dedupe key) of every part, as text; an empty frame without parts."""
    import pyarrow.parquet as pq
    frames = []
    for part in part_files(folder):
        have = set(pq.read_schema(part).names)
        t = pq.read_table(part, columns=[k for k in keys if k in have]).to_pandas()
        frames.append(pd.DataFrame({k: _as_text(t[k]) if k in t else "" for k in keys}))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame({k: pd.Series(dtype=str) for k in keys})


def read_part(part: Path, report: Report, shown_name: str | None = None) -> pd.DataFrame:
    """One part as a typed Orders frame (every column, base currency not applied yet, ``_row`` = line in file).

    Problems go to ``report`` under the part's name (``shown_name``, default ``folder/file``).
    """
    import pyarrow.parquet as pq

    from .read import absent_column, column_rules, empty_frame

    spec = schema.ORDERS
    name = shown_name or f"{part.parent.name}/{part.name}"
    try:
        table = pq.read_table(part)
    except (OSError, ValueError) as exc:     # pyarrow's ArrowInvalid is a ValueError
        report.error(name, None, None, None, "store_part_unreadable", why=str(exc)[:200])
        return empty_frame(spec)
    aliases = schema.alias_table(spec)
    col_of: dict[str, str] = {}
    for h in table.column_names:
        key = aliases.get(schema.normalize_header(h))
        if key is None:
            continue
        if key in col_of:
            report.error(name, None, h, None, "duplicate_column", key=key)
            continue
        col_of[key] = h
    missing = [c for c in spec.columns if c.required and c.key not in col_of]
    for c in missing:
        report.error(name, None, c.key, None, "missing_column", key=c.key, zh=c.zh)
    if missing or table.num_rows == 0:
        return empty_frame(spec)
    index = pd.RangeIndex(1, table.num_rows + 1)
    out = pd.DataFrame(index=index)
    for c in spec.columns:
        if c.key not in col_of:
            out[c.key] = absent_column(spec, c, index)
            continue
        col = table.column(col_of[c.key])
        vals, blank, bad = _typed(c, col, index)
        out[c.key] = column_rules(spec, c, vals, blank, bad, _Shown(col, index), name, col_of[c.key], report)
    out["_row"] = index.to_numpy(dtype="int64")
    return out.reset_index(drop=True)


def _as_text(s: pd.Series) -> pd.Series:
    """Text as the sheet reader gives it: stripped, blanks "" (whole numbers without ``.0``)."""
    if pd.api.types.is_float_dtype(s):
        txt = s.map(lambda v: "" if v != v else (str(int(v)) if float(v).is_integer() else repr(float(v))))
        return txt.astype(str)
    if pd.api.types.is_integer_dtype(s) or pd.api.types.is_bool_dtype(s):
        return s.astype(str)
    return s.astype(str).where(s.notna(), "").str.strip()


class _Shown:
    """The values a message shows, looked up by row number only for rows with a problem."""

    def __init__(self, col, index):
        self.col, self.start = col, index[0]

    def __getitem__(self, row: int):
        return self.col[int(row) - self.start].as_py()


def _typed(c: schema.Column, col, index) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(values, blank, bad) of one Arrow column by the column's DATA_MODEL type, vectorised when typed."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from .parse import FIRST_DATE, LAST_DATE, parse_dates, parse_numbers

    t = col.type
    blank = pd.Series(col.is_null().to_numpy(zero_copy_only=False), index=index)
    no_bad = pd.Series(np.zeros(len(index), dtype=bool), index=index)
    if c.type == "text":
        if pa.types.is_string(t) or pa.types.is_large_string(t):     # stripped in Arrow, no Python strings
            txt = pc.utf8_trim_whitespace(col.fill_null("")).to_pandas()
            txt.index = index
        else:
            s = col.to_pandas()
            s.index = index
            txt = _as_text(s)
        return txt, txt.eq(""), no_bad
    if c.type == "date":
        if pa.types.is_timestamp(t) or pa.types.is_date(t):
            if pa.types.is_timestamp(t) and t.tz is not None:
                col = col.cast(pa.timestamp(t.unit))
            day = col.cast(pa.timestamp("ms")).to_numpy().astype("datetime64[D]") if pa.types.is_timestamp(t) \
                else col.to_numpy().astype("datetime64[D]")
            blank = pd.Series(np.isnat(day), index=index)
            # the sheet's range (parse.FIRST_DATE .. LAST_DATE): a day outside it is a bad date, never a figure
            ok = (day >= FIRST_DATE.to_datetime64()) & (day <= LAST_DATE.to_datetime64())
            vals = pd.Series(np.where(ok, day, np.datetime64("NaT")).astype("datetime64[ns]"), index=index)
            return vals, blank, pd.Series(~ok & ~blank.to_numpy(), index=index)
        raw = pd.Series(col.to_pandas().to_numpy(dtype=object), index=index)
        vals, bad = parse_dates(raw)
        return vals, blank | raw.map(lambda v: isinstance(v, str) and v.strip() == ""), bad
    if pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_decimal(t):
        vals = pd.Series(col.to_pandas().to_numpy(dtype="float64", na_value=np.nan), index=index)
        return vals, blank | vals.isna(), no_bad
    raw = pd.Series(col.to_pandas().to_numpy(dtype=object), index=index)
    vals, bad = parse_numbers(raw)
    return vals, blank | raw.map(lambda v: isinstance(v, str) and v.strip() == ""), bad


def read_store(folder: Path, report: Report, where: str, row: int | None,
               kept: dict | None = None) -> list[tuple[str, pd.DataFrame]]:
    """Every part of the store as (shown name, typed Orders frame); a missing folder is an error at ``where``.

    ``kept``: parts already read, by (file, size, modification time), with their problems; a part whose file
    is unchanged is not read again (the ``=XLR_`` formulas of a book recalculate many cells over one store).
    The frames are shared: callers must not change them in place.
    """
    folder = Path(folder)
    if not folder.is_dir():
        report.error(where, row, STORE_SETTING, str(folder), "store_missing", folder=str(folder))
        return []
    parts = part_files(folder)
    if not parts:
        report.error(where, row, STORE_SETTING, str(folder), "store_empty", folder=str(folder))
    out = []
    seen = set()
    for p in parts:
        name = f"{folder.name}/{p.name}"
        if kept is None:
            out.append((name, read_part(p, report, name)))
            continue
        st = p.stat()
        key = (str(p.resolve()), st.st_size, st.st_mtime_ns)
        seen.add(key)
        if key not in kept:
            own = Report()
            kept[key] = (read_part(p, own, name), own.problems)
        frame, problems = kept[key]
        report.problems.extend(problems)
        out.append((name, frame))
    if kept is not None:
        for key in [k for k in kept if k[0].startswith(str(folder.resolve())) and k not in seen]:
            del kept[key]            # parts gone or rewritten
    return out
