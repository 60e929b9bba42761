"""The user's cache folder and what xlreview keeps there: things that are slow to make and can always be made
again from their source, each under a key of everything it is made of (a wrong or lost file costs time only).

- ``vbaProject-<key>.bin``: the VBA project of new books (``xlreview.template.vba_project``);
- ``keys-<content id>.parquet``: the dedupe key index of a big input sheet (:func:`read_key_index`), so an
  import into a book of 100k order lines does not decompress the whole sheet again to find duplicates.
"""
from __future__ import annotations

import io
import json
import os
import sys
import tempfile
from pathlib import Path

import numpy as np

#: key index files kept (the newest; an import writes one per new content of the sheet)
KEY_INDEXES_KEPT = 8
#: the layout of a key index file; a file of another layout is not read
KEY_INDEX_LAYOUT = "xlreview-key-index-1"


def user_cache_folder() -> Path:
    """``$XDG_CACHE_HOME/xlreview`` (default ``~/.cache/xlreview``); ``%LOCALAPPDATA%\\xlreview`` on Windows."""
    base = os.environ.get("LOCALAPPDATA") if sys.platform == "win32" else os.environ.get("XDG_CACHE_HOME")
    return Path(base or Path.home() / ".cache") / "xlreview"


def read_cached(name: str) -> bytes | None:
    """The bytes of cache file ``name``; None when it is not there or cannot be read."""
    try:
        return (user_cache_folder() / name).read_bytes()
    except OSError:
        return None


def write_cached(name: str, data: bytes) -> None:
    """Write cache file ``name`` atomically (temp file + rename); an unwritable cache is silently skipped."""
    folder = user_cache_folder()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, folder / name)
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError:
        pass


def prune_cached(pattern: str, kept: int) -> None:
    """Remove the cache files matching the glob ``pattern`` but the ``kept`` newest (by modification time);
    a cache that cannot be listed or changed is left as it is."""
    try:
        files = sorted(user_cache_folder().glob(pattern), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in files[kept:]:
            old.unlink(missing_ok=True)
    except OSError:
        pass


def _key_index_name(content_id: str) -> str:
    return f"keys-{content_id}.parquet"


def read_key_index(content_id: str, keys: list[str]) -> tuple[list, int, dict[str, np.ndarray]] | None:
    """(header row, Excel row number of the last row, {key column: key texts of rows 2..last}) kept for the
    sheet content ``content_id`` (see ``HeadlessBackend.content_id``) by :func:`write_key_index`.

    None -- read the sheet instead -- when there is no such file or it cannot be read, is damaged, has another
    layout or other key columns, or its row count does not match.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq
    data = read_cached(_key_index_name(content_id))
    if data is None:
        return None
    try:
        table = pq.read_table(pa.BufferReader(data))
        meta = json.loads(table.schema.metadata[b"xlreview"])
        if meta["layout"] != KEY_INDEX_LAYOUT or meta["content_id"] != content_id or table.column_names != keys:
            return None
        header, last = list(meta["header"]), int(meta["last_row"])
        if table.num_rows != max(last - 1, 0) or any(
                table.column(k).null_count or not pa.types.is_large_string(table.column(k).type) for k in keys):
            return None
        columns = {k: table.column(k).to_numpy(zero_copy_only=False).astype(object) for k in keys}
    except Exception:      # a damaged file is only a cache miss (pyarrow raises its own error types)
        return None
    return header, last, columns


def write_key_index(content_id: str, header: list, last: int, columns: dict[str, np.ndarray]) -> None:
    """Keep the key index of the sheet content ``content_id`` (what :func:`read_key_index` returns) in the
    user's cache folder; the oldest key index files beyond :data:`KEY_INDEXES_KEPT` are removed. A header
    that is not plain JSON (a date) or a cache that cannot be written only means nothing is kept."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    try:
        meta = json.dumps({"layout": KEY_INDEX_LAYOUT, "content_id": content_id, "header": header,
                           "last_row": last}, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError):
        return
    table = pa.table({k: pa.array(v, pa.large_string()) for k, v in columns.items()}) \
        .replace_schema_metadata({"xlreview": meta})
    out = io.BytesIO()
    pq.write_table(table, out, compression="zstd")
    write_cached(_key_index_name(content_id), out.getvalue())
    prune_cached(_key_index_name("*"), KEY_INDEXES_KEPT)
