"""The Orders dedupe key index kept in the user's cache (workbook.cache) is used only for exactly the sheet
content it was made from, gives what a fresh read of the sheet gives, and any trouble with it means a fresh read."""
from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import numpy as np
import pytest

from xlreview.demo import demo_frames
from xlreview.importers.apply import _Sheet, key_index_id
from xlreview.ooxml.package import Package
from xlreview.pipeline import import_files
from xlreview.template import write_workbook
from xlreview.workbook import cache
from xlreview.workbook.headless import HeadlessBackend

DATA = Path(__file__).parents[1] / "data" / "imports"


@pytest.fixture(scope="module")
def book_made(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("keys") / "book.xlsm"
    write_workbook(path, demo_frames(seed=4, n_order_lines=2000), macros=True)
    return path


def _use_cache(monkeypatch, folder: Path) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder))
    monkeypatch.setenv("LOCALAPPDATA", str(folder))
    return folder / "xlreview"


def _count_sheet_reads(monkeypatch) -> list[str]:
    reads: list[str] = []
    original = HeadlessBackend.read_columns

    def counted(self, sheet, pick):
        reads.append(sheet)
        return original(self, sheet, pick)
    monkeypatch.setattr(HeadlessBackend, "read_columns", counted)
    return reads


def _index(book: Path):
    sheet = _Sheet(HeadlessBackend(book), "Orders")
    return sheet.header, sheet.first_new, sheet.index, [list(a) for a in sheet._existing_orders]


def _orders_xml(book: Path) -> bytes:
    with Package(book) as pkg:
        return pkg.read(pkg.sheet_parts()["Orders"])


def test_a_kept_index_gives_exactly_the_dedupe_of_a_fresh_read(book_made, tmp_path, monkeypatch):
    kept = _use_cache(monkeypatch, tmp_path / "kept")
    book = tmp_path / "book.xlsm"
    shutil.copy(book_made, book)
    first = import_files(book, [DATA / "shopify_orders.csv", DATA / "amazon_all_orders.txt"])
    assert first.added > 0
    assert len(list(kept.glob("keys-*.parquet"))) == 1      # the book as this import wrote it
    twin = tmp_path / "twin.xlsm"
    shutil.copy(book, twin)

    reads = _count_sheet_reads(monkeypatch)
    hit = _index(book)
    assert "Orders" not in reads                            # from the kept index
    _use_cache(monkeypatch, tmp_path / "empty")
    fresh = _index(book)
    assert reads.count("Orders") == 1                       # read from the sheet
    assert hit == fresh

    files = [DATA / "amazon_all_orders.txt", DATA / "ebay_orders.csv"]       # amazon: all duplicates now
    _use_cache(monkeypatch, tmp_path / "kept")
    reads.clear()
    with_index = import_files(book, files)
    assert "Orders" not in reads
    _use_cache(monkeypatch, tmp_path / "empty2")
    without = import_files(twin, files)
    assert "Orders" in reads
    assert [(f.added, f.duplicates, len(f.rejected)) for f in with_index.files] == \
        [(f.added, f.duplicates, len(f.rejected)) for f in without.files]
    assert with_index.files[0].added == 0 and with_index.files[0].duplicates > 0
    assert _orders_xml(book) == _orders_xml(twin)


def _rewrite_member(book: Path, part: str, change) -> None:
    out = book.with_suffix(".tmp")
    with zipfile.ZipFile(book) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            dst.writestr(info, change(data) if info.filename == part else data)
    out.replace(book)


def test_a_book_changed_behind_our_back_is_read_fresh(book_made, tmp_path, monkeypatch):
    _use_cache(monkeypatch, tmp_path / "kept")
    book = tmp_path / "book.xlsm"
    shutil.copy(book_made, book)
    import_files(book, [DATA / "amazon_all_orders.txt"])
    before = _index(book)                                   # kept for this content
    with Package(book) as pkg:
        part = pkg.sheet_parts()["Orders"]
    # "Excel" changes one order id on the sheet; the index kept for the old content must not be used
    old_id = next(k for k in before[2] if k[1])[1]
    _rewrite_member(book, part, lambda xml: xml.replace(f">{old_id.upper()}<".encode(), b">CHANGED-1<", 1)
                    if f">{old_id.upper()}<".encode() in xml else xml.replace(f">{old_id}<".encode(), b">CHANGED-1<", 1))
    reads = _count_sheet_reads(monkeypatch)
    after = _index(book)
    assert reads == ["Orders"]
    assert after != before and any(k[1] == "changed-1" for k in after[2])
    _use_cache(monkeypatch, tmp_path / "empty")
    assert after == _index(book)


def test_an_import_that_changes_the_header_keeps_no_index(book_made, tmp_path, monkeypatch):
    folder = _use_cache(monkeypatch, tmp_path / "kept")
    book = tmp_path / "book.xlsm"
    shutil.copy(book_made, book)
    report = import_files(book, [DATA / "amazon_all_orders.txt"], to_store=True)   # a note right of the header
    assert report.store_part is not None
    assert not list(folder.glob("keys-*.parquet"))
    reads = _count_sheet_reads(monkeypatch)
    _index(book)
    assert reads == ["Orders"]


def test_the_content_id_covers_the_shared_strings_and_styles(book_made, tmp_path):
    book = tmp_path / "book.xlsm"
    shutil.copy(book_made, book)
    ids = [HeadlessBackend(book).content_id("Orders")]
    with Package(book) as pkg:
        styles = next(n for n in pkg.names if n.endswith("styles.xml"))
    _rewrite_member(book, styles, lambda xml: xml + b" ")
    ids.append(HeadlessBackend(book).content_id("Orders"))
    assert ids[0] != ids[1] and all(ids)
    assert HeadlessBackend(book).content_id("no such sheet") is None


@pytest.mark.parametrize("damage", ["garbage", "rows", "keys", "unwritable"])
def test_a_damaged_or_missing_index_falls_back_silently(book_made, tmp_path, monkeypatch, damage):
    folder = _use_cache(monkeypatch, tmp_path / "kept")
    book = tmp_path / "book.xlsm"
    shutil.copy(book_made, book)
    import_files(book, [DATA / "shopify_orders.csv"])
    _use_cache(monkeypatch, tmp_path / "empty")
    fresh = _index(book)
    _use_cache(monkeypatch, tmp_path / "kept")
    content = key_index_id(HeadlessBackend(book), "Orders")
    kept = folder / f"keys-{content}.parquet"
    assert kept.exists()
    header, last, texts = cache.read_key_index(content, ["channel", "order_id", "sku"])
    if damage == "garbage":
        kept.write_bytes(b"PAR1 not a parquet file")
    elif damage == "rows":                                  # one row short
        cache.write_key_index(content, header, last, {k: v[:-1] for k, v in texts.items()})
    elif damage == "keys":                                  # made for other key columns
        cache.write_key_index(content, header, last, {"order_id": texts["order_id"]})
    else:
        shutil.rmtree(folder)
        folder.write_bytes(b"")                             # the cache folder cannot be made
    reads = _count_sheet_reads(monkeypatch)
    assert _index(book) == fresh
    assert reads == ["Orders"]
    report = import_files(book, [DATA / "amazon_all_orders.txt"])
    assert report.added > 0 and not report.errors


def test_a_kept_index_round_trips(tmp_path, monkeypatch):
    _use_cache(monkeypatch, tmp_path)
    texts = {"channel": np.array(["amazon us", ""], dtype=object), "order_id": np.array(["1", "订单"], dtype=object)}
    cache.write_key_index("abc", ["Channel", None, 3], 3, texts)
    header, last, got = cache.read_key_index("abc", ["channel", "order_id"])
    assert (header, last) == (["Channel", None, 3], 3)
    assert {k: list(v) for k, v in got.items()} == {k: list(v) for k, v in texts.items()}
    assert cache.read_key_index("abd", ["channel", "order_id"]) is None
