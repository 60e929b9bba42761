"""A quote-free text export is read without the csv module (:class:`xlreview.importers.files.TextLines`):
its rows and its Arrow-read columns must be exactly the csv module's rows, whatever the line ends and widths."""
from __future__ import annotations

import random

import pytest

from xlreview.importers.base import _row_columns
from xlreview.importers.files import TextLines, _csv_rows, split_text

CELLS = ["a", "", " b ", "x y", "é", "\x0b", "\x1c", "\u2028", "\x85", "\x0c", "1,5", "  ", "'q", "\t"]
ENDS = ["\n", "\r\n", "\r"]


def random_texts(seed: int, n: int):
    rnd = random.Random(seed)
    for _ in range(n):
        delim = rnd.choice(",\t")
        width = rnd.randint(1, 4)
        lines = []
        for _ in range(rnd.randint(0, 6)):
            k = width if rnd.random() < 0.85 else rnd.randint(0, 5)
            lines.append(delim.join(rnd.choice(CELLS).replace(delim, "") for _ in range(k)))
        text = "".join(line + rnd.choice(ENDS) for line in lines)
        if rnd.random() < 0.3:
            text = text.rstrip("\r\n")
        if text:
            yield text, delim


@pytest.mark.parametrize("seed", range(4))
def test_text_lines_are_the_csv_modules_rows(seed):
    for text, delim in random_texts(seed, 2000):
        assert list(TextLines(text, delim)) == _csv_rows(text, delim, quoting=True), repr(text)


@pytest.mark.parametrize("seed", range(4))
def test_arrow_columns_are_the_rows_columns(seed):
    rnd = random.Random(seed)
    read_by_arrow = 0
    for text, delim in random_texts(100 + seed, 1000):
        lines = TextLines(text, delim)
        first, width = rnd.randint(0, 2), rnd.randint(1, 5)
        columns = lines.columns(first, width)
        if columns is None:         # ragged or blank rows: read from the rows instead
            continue
        read_by_arrow += 1
        assert [c.to_pylist() for c in columns] == [c.to_pylist() for c in _row_columns(lines[first:], width)], \
            (repr(text), first, width)
    assert read_by_arrow > 300


def test_ragged_rows_are_left_to_the_rows_and_a_blank_line_is_a_blank_row():
    assert TextLines("h1,h2\na,b\nc\n", ",").columns(1, 2) is None
    columns = TextLines("h1,h2\na,b\n\nc,d\n", ",").columns(1, 2)
    assert [c.to_pylist() for c in columns] == [["a", "", "c"], ["b", "", "d"]]


def test_a_quoted_text_goes_through_the_csv_module():
    rows, _ = split_text('h1,h2\n"a,1",b\n')
    assert rows == [["h1", "h2"], ["a,1", "b"]] and not isinstance(rows, TextLines)
    rows, _ = split_text("h1,h2\na,b\n")
    assert isinstance(rows, TextLines) and list(rows) == [["h1", "h2"], ["a", "b"]]
