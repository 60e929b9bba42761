"""Import is an upsert at the XML level: existing rows and parts keep their bytes; the lock file is respected."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from xlreview.demo import demo_frames
from xlreview.errors import WorkbookLocked
from xlreview.ooxml.package import Package
from xlreview.pipeline import build, import_files
from xlreview.template import write_workbook

DATA = Path(__file__).parents[1] / "data" / "imports"


@pytest.fixture(scope="module")
def big_book(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("big") / "big.xlsm"
    write_workbook(path, demo_frames(seed=3, n_order_lines=3000), macros=True)
    return path


def _stored(path: Path) -> dict[str, bytes]:
    with Package(path) as pkg:
        return {n: pkg.raw_member(n)[1] for n in pkg.names}


def test_import_keeps_every_existing_row_and_part_byte_for_byte(big_book, tmp_path):
    book = tmp_path / "book.xlsm"
    shutil.copy(big_book, book)
    with Package(book) as pkg:
        orders_part = pkg.sheet_parts()["Orders"]
        old = pkg.read(orders_part)
    before = _stored(book)
    report = import_files(book, [DATA / "amazon_all_orders.txt"])
    assert report.added > 0 and not report.errors
    with Package(book) as pkg:
        new = pkg.read(orders_part)
        assert pkg.sheet_parts()["Orders"] == orders_part
        log = pkg.sheet_parts()[report.log_sheet]
    end = old.rfind(b"</sheetData>")
    assert new[:end] == old[:end]                       # every existing row, byte for byte
    assert new[end:].count(b"<row ") == report.added
    after = _stored(book)
    changed = {n for n in before if before[n] != after.get(n)}
    assert changed <= {orders_part, "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml",
                       "xl/styles.xml"}
    assert after["xl/vbaProject.bin"] == before["xl/vbaProject.bin"]
    assert log in after
    again = import_files(book, [DATA / "amazon_all_orders.txt"])     # idempotent
    assert again.added == 0 and again.duplicates == report.added
    result = build(book)                                # the imported rows read back and build
    assert result.review.summary["orders"] > 0


def test_import_respects_the_office_lock_file(big_book, tmp_path):
    book = tmp_path / "book.xlsm"
    shutil.copy(big_book, book)
    lock = tmp_path / ("~$" + book.name)
    lock.write_bytes(b"owner")
    before = book.read_bytes()
    with pytest.raises(WorkbookLocked):
        import_files(book, [DATA / "amazon_all_orders.txt"])
    assert book.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([book.name, lock.name])
