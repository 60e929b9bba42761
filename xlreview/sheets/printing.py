"""Print (and PDF) layout of every generated sheet: readable pages a seller can hand to the boss.

``layout_for_print(ws)`` runs after a writer has laid out its sheet. It sets, from what the sheet holds:

- the print area: A1 to the last used *visible* column and row, charts included (hidden chart-data
  columns are left out);
- landscape A4 with narrow margins, the title rows repeated on every page (and the key columns -- SKU,
  channel -- on every page of a table split across pages);
- the scale: one page wide when that keeps the print at ``MIN_SCALE`` (60 %) or more of its size (the
  page-setup scale that fits the width, at most 100 %), else ``SPLIT_SCALE`` with column breaks at column
  boundaries, so a wide table is split over pages instead of shrunk to an unreadable 25 %. An explicit
  scale rather than "fit to 1 page wide", because Excel ignores manual page breaks under fit-to-page;
- every row break, so the printer never breaks by itself: never through a chart, a merged cell, a block
  title or a table's header and its first rows (``unbreakable_edges``); a block (``layout.write_block_title``)
  of at most half a page starts on a new page rather than run over onto the next one (a longer block may
  start at the foot of a page: moving it would leave most of a page empty).

Sizes: Excel prints a column of width ``w`` characters ``trunc(w * 7 + 5)`` pixels of 0.75 pt wide (Calibri 11,
ECMA-376 Part 1, 18.3.1.13 ``col/@width``); LibreOffice prints the same column wider, at most ``7 w + 1`` pt
(measured: columns of width 5, 10 and 20 at 100 % on A4 landscape, 22, 11 and 5 to a page, i.e. 34-36,
65-71 and 131-157 pt each; the upper end is taken). The layout uses
the wider of the two, so a page that fits in LibreOffice (and a PDF made with it) fits in Excel too.
A chart's size is in cm.
``effective_scale(ws)`` gives the scale a reader's print comes out at, for the tests.
"""
from __future__ import annotations

import math
import re

from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

MIN_SCALE = 0.60              # below this a printed table is too small to read (issue 12 item 7)
SPLIT_SCALE = 60              # scale (percent) of a sheet too wide for one readable page: split it
PAGE_WIDTH_IN, PAGE_HEIGHT_IN = 11.69, 8.27        # A4 landscape
MARGIN_SIDE_IN, MARGIN_TOP_IN, MARGIN_HEADER_IN = 0.3, 0.5, 0.25
RENDER_SLACK = 1.0           # the LibreOffice width model above is already its upper bound
LIBREOFFICE_PT_PER_CHAR, LIBREOFFICE_PT_PAD = 7.0, 1.0
DEFAULT_COL_WIDTH = 8.43      # characters (openpyxl leaves untouched columns without a width)
DEFAULT_ROW_HEIGHT = 15.0     # points
TITLE_ROWS = 2                # title and subtitle of every generated sheet (layout.write_title)
BLOCK_MIN_ROWS = 6            # a block that would start in the last few rows of a page starts on the next
TABLE_HEAD_ROWS = 3           # a table's header prints on the same page as its first rows (header + 2)
PAGE_FILL = 0.95              # share of the printable height a page is filled to before our own break


def column_points(ws: Worksheet, col: int) -> float:
    """Printed width of column ``col`` in points (0 when hidden)."""
    dim = ws.column_dimensions.get(get_column_letter(col))
    if dim is not None and dim.hidden:
        return 0.0
    width = dim.width if dim is not None and dim.width else DEFAULT_COL_WIDTH
    return max(math.trunc(width * 7 + 5) * 0.75, LIBREOFFICE_PT_PER_CHAR * width + LIBREOFFICE_PT_PAD)


def row_points(ws: Worksheet, row: int) -> float:
    dim = ws.row_dimensions.get(row)
    if dim is not None and dim.hidden:
        return 0.0
    return float(dim.height) if dim is not None and dim.height else DEFAULT_ROW_HEIGHT


def printable_points() -> tuple[float, float]:
    """(width, height) of the printable area of an A4 landscape page with our margins, in points."""
    return ((PAGE_WIDTH_IN - 2 * MARGIN_SIDE_IN) * 72, (PAGE_HEIGHT_IN - 2 * MARGIN_TOP_IN) * 72)


def _chart_box(ws: Worksheet, chart) -> tuple[int, int, int, int]:
    """(first column, first row, last column, last row) a chart covers."""
    anchor = chart.anchor
    if isinstance(anchor, str):
        m = re.fullmatch(r"([A-Z]+)(\d+)", anchor)
        col, row = column_index_from_string(m.group(1)), int(m.group(2))
    else:
        col, row = anchor._from.col + 1, anchor._from.row + 1
        marker = getattr(anchor, "to", None)
        if marker is not None:
            return col, row, marker.col + 1, marker.row + 1
    width_pt, height_pt = chart.width / 2.54 * 72, chart.height / 2.54 * 72
    c, acc = col, 0.0
    while acc < width_pt and c < col + 200:
        acc += column_points(ws, c) or 0.0
        c += 1
    r, acc = row, 0.0
    while acc < height_pt and r < row + 500:
        acc += row_points(ws, r)
        r += 1
    return col, row, c - 1, r - 1


def used_extent(ws: Worksheet) -> tuple[int, int]:
    """(last used visible column, last used row): cells with a value, merged ranges and charts."""
    last_col = last_row = 1
    for row in ws.iter_rows():
        for c in row:
            if c.value is not None and column_points(ws, c.column) > 0:
                last_col, last_row = max(last_col, c.column), max(last_row, c.row)
    for rng in ws.merged_cells.ranges:
        if column_points(ws, rng.max_col) > 0:
            last_col = max(last_col, rng.max_col)
        last_row = max(last_row, rng.max_row)
    for chart in ws._charts:
        _, _, c, r = _chart_box(ws, chart)
        last_col, last_row = max(last_col, c), max(last_row, r)
    return last_col, last_row


def key_columns(ws: Worksheet) -> int:
    """How many leading columns to repeat on every page of a split table (0 for none): the frozen columns
    (the writer froze the columns that identify a row), at most 4."""
    pane = ws.freeze_panes
    if not pane:
        return 0
    col = column_index_from_string(re.match(r"[A-Z]+", pane).group(0)) - 1
    col = col if 0 < col <= 4 else 0
    # repeated columns take at most a quarter of a page at the split scale (a wide name would leave little room)
    quarter = printable_points()[0] / (SPLIT_SCALE / 100) / 4
    while col > 1 and sum(column_points(ws, c) for c in range(1, col + 1)) > quarter:
        col -= 1
    return col


def layout_for_print(ws: Worksheet, title_rows: int = TITLE_ROWS) -> None:
    """Set print area, orientation, scale, repeated rows/columns and page breaks of one generated sheet
    (``title_rows``: the rows at the top repeated on every page -- the Import Log's header is one row)."""
    if ws.sheet_state != "visible":
        return
    last_col, last_row = used_extent(ws)
    width, height = printable_points()
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_margins.left = ws.page_margins.right = MARGIN_SIDE_IN
    ws.page_margins.top = ws.page_margins.bottom = MARGIN_TOP_IN
    ws.page_margins.header = ws.page_margins.footer = MARGIN_HEADER_IN
    ws.print_area = f"A1:{get_column_letter(last_col)}{last_row}"
    ws.print_title_rows = f"1:{title_rows}"
    total = sum(column_points(ws, c) for c in range(1, last_col + 1))
    ws.col_breaks.brk = []
    ws.row_breaks.brk = []
    ws.sheet_properties.pageSetUpPr.fitToPage = False
    fit = math.floor(100 * width * RENDER_SLACK / total) if total else 100
    if fit >= 100 * MIN_SCALE:
        ws.page_setup.scale = min(100, fit)
        scale = ws.page_setup.scale / 100
    else:
        ws.page_setup.scale = SPLIT_SCALE
        scale = SPLIT_SCALE / 100
        keys = key_columns(ws)
        if keys:
            ws.print_title_cols = f"A:{get_column_letter(keys)}"
        _notes_within_a_page(ws, width / scale)
        _column_breaks(ws, last_col, keys, width / scale)
    _row_breaks(ws, last_row, height / scale, title_rows)


def _notes_within_a_page(ws: Worksheet, page_width: float) -> None:
    """A note (one row of text merged from column A over a table's width) wider than the first page would be cut
    mid-sentence by a column break: merge it over the columns the first page holds instead, its row as tall
    as the text then takes."""
    from .layout import grow_row, wrapped_lines
    for rng in list(ws.merged_cells.ranges):
        text = ws.cell(row=rng.min_row, column=rng.min_col).value
        if rng.min_row != rng.max_row or rng.min_col != 1 or not isinstance(text, str):
            continue
        acc, last = 0.0, 0
        for c in range(1, rng.max_col + 1):
            acc += column_points(ws, c)
            if acc > page_width:
                break
            last = c
        if last >= rng.max_col or last < 1:
            continue
        row = rng.min_row
        ws.unmerge_cells(str(rng))
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last)
        chars = sum(column_points(ws, c) for c in range(1, last + 1)) / LIBREOFFICE_PT_PER_CHAR
        ws.row_dimensions[row].height = None
        grow_row(ws, row, wrapped_lines(text, chars))


def _column_breaks(ws: Worksheet, last_col: int, keys: int, page_width: float) -> None:
    """A column break wherever the next column would run past the page (the key columns repeat on each),
    moved left to the nearest column edge no merged cell or chart crosses, so a merged action row or a chart
    stays whole (one wider than a page cannot, and is left to the break)."""
    key_width = sum(column_points(ws, c) for c in range(1, keys + 1))
    crossed = set()                     # column edges c | c + 1 inside a merged range that fits on a page
    spans = [(rng.min_col, rng.max_col) for rng in ws.merged_cells.ranges]
    spans += [(box[0], box[2]) for box in (_chart_box(ws, chart) for chart in ws._charts)]   # charts stay whole
    for first, last in spans:
        if sum(column_points(ws, c) for c in range(first, last + 1)) <= page_width - key_width:
            crossed.update(range(first, last))
    start, c = keys + 1, keys + 1
    acc = key_width
    while c <= last_col:
        w = column_points(ws, c)
        if acc + w > page_width and c > start:
            edge = c - 1
            while edge in crossed and edge > start:
                edge -= 1
            if edge in crossed:
                edge = c - 1             # no clean edge on this page: break where it must
            ws.col_breaks.append(Break(id=edge))
            start = c = edge + 1
            acc = key_width
            continue
        acc += w
        c += 1


def chart_rows(ws: Worksheet, chart) -> tuple[int, int]:
    """(first, last) row a chart covers: from its two anchor cells (``layout.add_chart_over``; a corner at
    offset 0 of a row ends above that row), else from its size in cm over the row heights."""
    anchor = chart.anchor
    marker = None if isinstance(anchor, str) else getattr(anchor, "to", None)
    if marker is None:
        return _chart_box(ws, chart)[1::2]
    return anchor._from.row + 1, marker.row + (1 if marker.rowOff else 0)


def unbreakable_edges(ws: Worksheet) -> set[int]:
    """Row edges a page break must not pass through, as the row above the edge (a break after row ``e`` is
    ``Break(id=e)``): inside a chart or a merged cell, between a block title and the row under it, and
    between a table's header and its first ``TABLE_HEAD_ROWS - 1`` body rows."""
    edges: set[int] = set()
    for chart in ws._charts:
        first, last = chart_rows(ws, chart)
        edges.update(range(first, last))
    for rng in ws.merged_cells.ranges:
        edges.update(range(rng.min_row, rng.max_row))
    for block in getattr(ws, "xlr_block_rows", ()):
        edges.add(block)
    for header, last in getattr(ws, "xlr_table_rows", ()):
        edges.update(range(header, min(header + TABLE_HEAD_ROWS - 1, last)))
    return edges


def _row_breaks(ws: Worksheet, last_row: int, page_height: float, title_rows: int = TITLE_ROWS) -> None:
    """Every row break of the sheet, so the printer never has to break by itself (it would cut through a chart):

    - a page holds at most ``PAGE_FILL`` of the printable height (the height model errs on neither side by
      more than that, see the module doc);
    - a block (``layout.write_block_title`` down to the next block) of at most half a page that would run over
      onto the next starts on a new page, as does one that would start in the last ``BLOCK_MIN_ROWS`` rows;
    - otherwise the break goes at the lowest edge above the overflowing row that ``unbreakable_edges`` allows
      (at the overflowing row itself only when what cannot be broken is taller than a page).
    """
    page = page_height * PAGE_FILL
    title = sum(row_points(ws, r) for r in range(1, title_rows + 1))
    blocks = sorted(set(getattr(ws, "xlr_block_rows", ())))
    block_end = {b: (blocks[i + 1] - 1 if i + 1 < len(blocks) else last_row) for i, b in enumerate(blocks)}
    forbidden = unbreakable_edges(ws)
    start, acc, r = title_rows + 1, title, title_rows + 1
    while r <= last_row:
        h = row_points(ws, r)
        if r in block_end and r > start:
            need = sum(row_points(ws, k) for k in range(r, block_end[r] + 1))
            if (acc + need > page and need <= page / 2) or acc + BLOCK_MIN_ROWS * DEFAULT_ROW_HEIGHT > page:
                ws.row_breaks.append(Break(id=r - 1))
                start, acc = r, title
        if acc + h > page and r > start:
            edge = r - 1
            while edge >= start and edge in forbidden:
                edge -= 1
            if edge < start:
                edge = r - 1                 # taller than a page: break where it must
            ws.row_breaks.append(Break(id=edge))
            start, acc = edge + 1, title + sum(row_points(ws, k) for k in range(edge + 1, r))
        acc += h
        r += 1


def effective_scale(ws: Worksheet) -> float:
    """The scale a printed page comes out at: the page-setup scale, or with fit to one page wide the
    printable width over the width of the printed columns (never above 100 %)."""
    if ws.sheet_properties.pageSetUpPr is not None and ws.sheet_properties.pageSetUpPr.fitToPage \
            and ws.page_setup.fitToWidth == 1:
        area = str(ws.print_area).split("!")[-1].replace("$", "").split(":")
        last_col = column_index_from_string(re.match(r"[A-Z]+", area[-1]).group(0))
        total = sum(column_points(ws, c) for c in range(1, last_col + 1))
        return min(1.0, printable_points()[0] / total) if total else 1.0
    return (ws.page_setup.scale or 100) / 100
