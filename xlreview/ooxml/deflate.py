"""Worksheet parts stored as independently compressed segments, so appending rows costs the new rows only.

A worksheet part is written as three DEFLATE segments (RFC 1951): everything up to ``<sheetData>`` (the
head: sheet properties, ``<dimension>``, views, columns), the ``<row>`` elements, and ``</sheetData>`` to
the end (the tail). Each segment is compressed by a fresh compressor and closed with a full flush
(zlib's ``Z_FULL_FLUSH``: an empty stored block ``00 00 FF FF``, byte aligned, no back-reference across
it), so the member is one ordinary DEFLATE stream that every zip reader decompresses as usual, and
:func:`split_member` can find the segments again without decompressing the rows. Appending rows then
recompresses the head (its ``<dimension>``) and the tail, copies the rows' compressed bytes, and
compresses only the new rows; the member's CRC-32 comes from :func:`crc32_combine` (zlib's algorithm,
https://github.com/madler/zlib/blob/develop/crc32.c) and :func:`crc32_unappend`.

A member that was not written this way (Excel, LibreOffice and openpyxl compress a part as one stream) is
decompressed and written back segmented once; the next append is then cheap.
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass

from .package import COMPRESS_LEVEL

#: the empty stored block a full flush ends with
FLUSH_MARK = b"\x00\x00\xff\xff"
HEAD_END = b"<sheetData>"
TAIL_START = b"</sheetData>"
#: how far from either end of the compressed bytes a segment boundary is looked for
_SEARCH = 1 << 16
#: rows are compressed in segments of about this many bytes, each starting with a ``<row``
ROWS_SEGMENT = 1 << 20
#: DEFLATE level of the rows: 3x faster than level 6 for a 30 % larger part (a 12 MB Orders sheet: 0.05 s
#: and 1.8 MB against 0.15 s and 1.4 MB)
ROWS_LEVEL = 1


@dataclass
class Deflated:
    """A zip member's content given already compressed (raw DEFLATE), with its CRC-32 and size."""

    pieces: list[bytes | memoryview]
    crc: int
    size: int

    @property
    def compress_size(self) -> int:
        return sum(len(p) for p in self.pieces)


@dataclass
class Segments:
    """A segmented member (see the module doc): the head and tail as bytes, the rows still compressed."""

    head: bytes
    rows_compressed: memoryview      # ends with a full flush
    rows_size: int
    rows_crc: int
    tail: bytes
    last_rows: bytes                 # the rows' last segment, decompressed (it holds the last row)


def compress_segment(data, last: bool = False, level: int = COMPRESS_LEVEL) -> bytes:
    """``data`` (bytes or pieces) compressed by a fresh raw DEFLATE compressor, closed with a full flush
    (or, when ``last``, with the final block)."""
    comp = zlib.compressobj(level, zlib.DEFLATED, -15)
    pieces = data if isinstance(data, (tuple, list)) else (data,)
    out = [comp.compress(p) for p in pieces]
    out.append(comp.flush(zlib.Z_FINISH if last else zlib.Z_FULL_FLUSH))
    return b"".join(out)


def crc_of(pieces, crc: int = 0) -> int:
    for p in pieces if isinstance(pieces, (tuple, list)) else (pieces,):
        crc = zlib.crc32(p, crc)
    return crc


def segmented(head: bytes, rows, tail: bytes) -> Deflated:
    """A worksheet part (head, rows as bytes or pieces, tail) compressed in segments: the head, the rows in
    segments of about :data:`ROWS_SEGMENT` bytes each starting at a ``<row``, the tail."""
    rows = b"".join(rows) if isinstance(rows, (tuple, list)) else bytes(rows)
    crc = zlib.crc32(tail, zlib.crc32(rows, zlib.crc32(head)))
    cuts = [0]
    while (nxt := rows.find(b"<row", cuts[-1] + ROWS_SEGMENT)) > 0:
        cuts.append(nxt)
    view = memoryview(rows)
    pieces = [compress_segment(head)]
    pieces += [compress_segment(view[a:b], level=ROWS_LEVEL) for a, b in zip(cuts, [*cuts[1:], len(rows)])]
    pieces.append(compress_segment(tail, last=True))
    return Deflated(pieces, crc, len(head) + len(rows) + len(tail))


def segmented_sheet(xml: bytes) -> Deflated | bytes:
    """A worksheet part's XML stored in segments (:func:`segmented`); as it is when it has no ``<sheetData>``
    element with its end tag (then it is compressed as one stream)."""
    start, end = xml.find(HEAD_END), xml.rfind(TAIL_START)
    if start < 0 or end < start:
        return xml
    start += len(HEAD_END)
    return segmented(xml[:start], memoryview(xml)[start:end], xml[end:])


def appended(seg: Segments, head: bytes, new_rows: bytes, tail: bytes) -> Deflated:
    """``seg`` with a new head, ``new_rows`` after its rows and a new tail; the old rows' bytes are copied."""
    crc = crc32_combine(zlib.crc32(head), seg.rows_crc, seg.rows_size)
    crc = zlib.crc32(tail, zlib.crc32(new_rows, crc))
    pieces = [compress_segment(head), seg.rows_compressed]
    if new_rows:
        pieces.append(compress_segment(new_rows, level=ROWS_LEVEL))
    pieces.append(compress_segment(tail, last=True))
    return Deflated(pieces, crc, len(head) + seg.rows_size + len(new_rows) + len(tail))


def split_member(compressed: bytes, size: int, crc: int) -> Segments | None:
    """The segments of a member written by :func:`segmented` / :func:`appended`; None for any other member.

    ``compressed``: the member's stored bytes (raw DEFLATE); ``size`` and ``crc``: of its content. The head
    is the first full-flush block whose content ends with ``<sheetData>``; the rows must decompress without
    the head (no reference into it); the tail is the last full-flush block after which a fresh decompressor
    reads ``</sheetData>`` to the end of the stream.
    """
    view = memoryview(compressed)
    head = _head(view)
    if head is None:
        return None
    head_bytes, head_end = head
    tail = _tail(view, head_end)
    if tail is None:
        return None
    tail_bytes, tail_start = tail
    last_rows = _last_rows(view, head_end, tail_start)
    if last_rows is None:
        return None
    rows = view[head_end:tail_start]
    probe = zlib.decompressobj(-15)
    try:                       # the rows' first 64 KB (two windows) decompress without the head
        probe.decompress(rows, 1 << 16)
    except zlib.error:
        return None
    rows_size = size - len(head_bytes) - len(tail_bytes)
    if rows_size < 0:
        return None
    with_rows = crc32_unappend(crc, tail_bytes)                        # CRC of head + rows
    rows_crc = with_rows ^ crc32_combine(zlib.crc32(head_bytes), 0, rows_size)
    return Segments(head_bytes, rows, rows_size, rows_crc, tail_bytes, last_rows)


def _head(view: memoryview) -> tuple[bytes, int] | None:
    data = bytes(view[:_SEARCH])
    at = data.find(FLUSH_MARK)
    while at >= 0:
        d = zlib.decompressobj(-15)
        try:
            out = d.decompress(view[:at + 4])
        except zlib.error:
            out = b""
        if out.endswith(HEAD_END) and not d.eof:
            return out, at + 4
        at = data.find(FLUSH_MARK, at + 1)
    return None


def _last_rows(view: memoryview, head_end: int, tail_start: int) -> bytes | None:
    """The last rows segment (the one before the tail), decompressed: whole ``<row>`` elements."""
    lo = max(head_end - 4, tail_start - 4 - 4 * _SEARCH * 16)
    data = bytes(view[lo:tail_start - 4])
    at = data.rfind(FLUSH_MARK)
    while at >= 0:
        d = zlib.decompressobj(-15)
        try:
            out = d.decompress(view[lo + at + 4:tail_start])
        except zlib.error:
            out = b""
        if out.startswith(b"<row") and out.endswith((b"</row>", b"/>")) and not d.eof and not d.unconsumed_tail:
            return out
        at = data.rfind(FLUSH_MARK, 0, at)
    return None


def _tail(view: memoryview, start: int) -> tuple[bytes, int] | None:
    lo = max(start, len(view) - _SEARCH)
    data = bytes(view[lo:])
    at = data.rfind(FLUSH_MARK)
    while at >= 0:
        d = zlib.decompressobj(-15)
        try:
            out = d.decompress(view[lo + at + 4:])
        except zlib.error:
            out = b""
        if d.eof and not d.unused_data and out.startswith(TAIL_START):
            return out, lo + at + 4
        at = data.rfind(FLUSH_MARK, 0, at)
    return None


# ------------------------------------------------------------------------------------------- CRC-32
def _gf2_times(mat: list[int], vec: int) -> int:
    out, i = 0, 0
    while vec:
        if vec & 1:
            out ^= mat[i]
        vec >>= 1
        i += 1
    return out


def _gf2_square(mat: list[int]) -> list[int]:
    return [_gf2_times(mat, mat[n]) for n in range(32)]


def crc32_combine(crc1: int, crc2: int, len2: int) -> int:
    """CRC-32 of ``A + B`` from ``crc1`` = CRC-32 of A, ``crc2`` of B and ``len2`` = len(B) (zlib's crc32_combine)."""
    if len2 <= 0:
        return crc1
    op = [0xEDB88320] + [1 << n for n in range(31)]      # the operator that appends one zero bit
    for _ in range(3):
        op = _gf2_square(op)                            # 2, 4, 8 zero bits: one zero byte
    while len2:
        if len2 & 1:
            crc1 = _gf2_times(op, crc1)
        len2 >>= 1
        if len2:
            op = _gf2_square(op)                        # twice as many zero bytes
    return crc1 ^ crc2


def _table() -> tuple[list[int], dict[int, int]]:
    table = []
    for n in range(256):
        c = n
        for _ in range(8):
            c = (c >> 1) ^ 0xEDB88320 if c & 1 else c >> 1
        table.append(c)
    return table, {t >> 24: i for i, t in enumerate(table)}


_TABLE, _BY_TOP = _table()


def crc32_unappend(crc: int, tail: bytes) -> int:
    """CRC-32 of A from ``crc`` = CRC-32 of ``A + tail`` and ``tail`` (the byte steps run backwards)."""
    state = crc ^ 0xFFFFFFFF
    for b in reversed(tail):
        i = _BY_TOP[state >> 24]
        state = (((state ^ _TABLE[i]) << 8) & 0xFFFFFFFF) | (i ^ b)
    return state ^ 0xFFFFFFFF
