"""Segmented worksheet members (xlreview.ooxml.deflate): one ordinary DEFLATE stream, found again, appended to."""
from __future__ import annotations

import random
import zlib

from xlreview.ooxml.deflate import (
    ROWS_SEGMENT,
    appended,
    crc32_combine,
    crc32_unappend,
    segmented,
    split_member,
)

HEAD = b'<worksheet xmlns="x"><dimension ref="A1:A3"/><sheetData>'
TAIL = b"</sheetData><pageMargins/></worksheet>"


def _rows(first: int, n: int) -> bytes:
    return b"".join(b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (r, r, r * 7) for r in range(first, first + n))


def test_crc32_combine_and_unappend_agree_with_zlib():
    rnd = random.Random(7)
    for _ in range(200):
        a, b = rnd.randbytes(rnd.randint(0, 4000)), rnd.randbytes(rnd.randint(0, 4000))
        assert crc32_combine(zlib.crc32(a), zlib.crc32(b), len(b)) == zlib.crc32(a + b)
        assert crc32_unappend(zlib.crc32(a + b), b) == zlib.crc32(a)


def test_a_segmented_member_is_one_deflate_stream_and_appends_without_its_old_rows():
    rows = _rows(1, 120_000)
    assert len(rows) > 3 * ROWS_SEGMENT                # several rows segments
    member = segmented(HEAD, rows, TAIL)
    stored = b"".join(member.pieces)
    assert zlib.decompress(stored, -15) == HEAD + rows + TAIL and member.crc == zlib.crc32(HEAD + rows + TAIL)
    seg = split_member(stored, member.size, member.crc)
    assert (seg.head, seg.tail, seg.rows_size, seg.rows_crc) == (HEAD, TAIL, len(rows), zlib.crc32(rows))
    assert seg.last_rows.endswith(_rows(120_000, 1)) and seg.last_rows.startswith(b"<row")
    new, head = _rows(120_001, 5), HEAD.replace(b"A1:A3", b"A1:A120005")
    grown = appended(seg, head, new, TAIL)
    stored2 = b"".join(bytes(p) for p in grown.pieces)
    content = head + rows + new + TAIL
    assert zlib.decompress(stored2, -15) == content
    assert (grown.crc, grown.size) == (zlib.crc32(content), len(content))
    assert bytes(seg.rows_compressed) in stored2        # the old rows' compressed bytes, as they were
    assert split_member(stored2, grown.size, grown.crc).last_rows == new


def test_a_member_compressed_as_one_stream_is_not_taken_for_a_segmented_one():
    content = HEAD + _rows(1, 50_000) + TAIL
    for level in (1, 6, 9):
        comp = zlib.compressobj(level, zlib.DEFLATED, -15)
        stored = comp.compress(content) + comp.flush()
        assert split_member(stored, len(content), zlib.crc32(content)) is None
    comp = zlib.compressobj(6, zlib.DEFLATED, -15)    # sync flushes keep back-references across them
    stored = b"".join([comp.compress(HEAD), comp.flush(zlib.Z_SYNC_FLUSH), comp.compress(_rows(1, 50_000)),
                       comp.flush(zlib.Z_SYNC_FLUSH), comp.compress(TAIL), comp.flush()])
    member = split_member(stored, len(content), zlib.crc32(content))
    assert member is None or zlib.decompress(b"".join(bytes(p) for p in appended(
        member, HEAD, b"", TAIL).pieces), -15) == content
