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
    start, end = old.find(b"<sheetData>"), old.rfind(b"</sheetData>")
    shift = len(new) - len(old) - (new.rfind(b"</sheetData>") - end)       # the head's change (the dimension)
    assert new[start + shift:end + shift] == old[start:end]                 # every existing row, byte for byte
    assert new[end + shift:].count(b"<row ") == report.added
    last = 3001 + report.added
    assert new[:start + shift] == old[:start].replace(b'<dimension ref="A1:R3001"/>',
                                                      b'<dimension ref="A1:R%d"/>' % last)
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


def _rows_by_number(xml: bytes) -> dict[int, bytes]:
    import re
    return {int(m.group(1)): m.group(0) for m in re.finditer(rb'<row r="(\d+)"[^>]*>.*?</row>', xml, re.S)}


def test_a_merge_import_rewrites_only_the_rows_it_updates(big_book, tmp_path):
    """A merge-format report (Date Range: fees and refunds on existing order lines) changes the XML of the rows
    it updates only; every other row keeps its bytes, and ``<dimension>`` still covers the sheet."""
    book = tmp_path / "book.xlsm"
    shutil.copy(big_book, book)
    import_files(book, [DATA / "amazon_all_orders.txt"])
    with Package(book) as pkg:
        part = pkg.sheet_parts()["Orders"]
        old = _rows_by_number(pkg.read(part))
    report = import_files(book, [DATA / "amazon_date_range_us.csv"])
    assert report.files[0].updated > 0
    with Package(book) as pkg:
        xml = pkg.read(part)
        new = _rows_by_number(xml)
    changed = {r for r in old if old[r] != new[r]}
    assert 0 < len(changed) <= report.files[0].updated
    assert all(b"111-00000" in new[r] for r in changed)          # the orders of that report, nothing else
    assert set(new) - set(old) == set(range(max(old) + 1, max(new) + 1))   # lines the report adds, after the rest
    assert b'<dimension ref="A1:R%d"/>' % max(new) in xml


def test_an_append_copies_the_old_rows_compressed_and_libreoffice_reads_every_row(big_book, tmp_path, soffice):
    """The Orders part is stored in segments (xlreview.ooxml.deflate): a second import appends without
    recompressing the rows already there, and the result is an ordinary zip member LibreOffice reads whole."""
    from xlreview.libreoffice import convert
    from xlreview.ooxml.deflate import split_member

    book = tmp_path / "book.xlsm"
    shutil.copy(big_book, book)
    with Package(book) as pkg:
        part = pkg.sheet_parts()["Orders"]
        info, stored = pkg.raw_member(part)
        before = split_member(stored, info.file_size, info.CRC)
    assert before is not None                           # write_workbook stores the input sheets in segments
    report = import_files(book, [DATA / "amazon_all_orders.txt"])
    with Package(book) as pkg:
        info, stored = pkg.raw_member(part)
        rows = pkg.read(part).count(b"<row ")
    assert bytes(before.rows_compressed) in stored       # the old rows' compressed bytes, copied
    assert rows == 3001 + report.added
    from python_calamine import CalamineWorkbook
    resaved = convert(book, "xlsx", tmp_path / "lo")                 # LibreOffice opens it and saves it again
    read_back = CalamineWorkbook.from_path(str(resaved)).get_sheet_by_name("Orders").to_python()
    assert len([r for r in read_back if any(v not in ("", None) for v in r)]) == rows
