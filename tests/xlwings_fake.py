"""A small in-memory stand-in for the part of xlwings the live backend and the macros use.

It is NOT Excel: it holds cell values and records formatting, and it checks every call against the
installed xlwings itself -- property names against the real classes, keyword arguments against the
real signatures, enumerated values through xlwings' own validators -- so a typo or an argument
xlwings would refuse fails here, on Linux. It mimics what matters for the contract: numbers read
back as floats, a leading ``'`` keeps text text, error cells read as their text with ``err_to_str``.
What only real Excel can tell (rendering, COM behaviour) is left to ``pytest --excel``.
"""
from __future__ import annotations

import datetime as dt
import inspect
import re
from contextlib import contextmanager

import xlwings as xw
import xlwings.base_classes as xwb
import xlwings.main as xwm
from openpyxl.utils import column_index_from_string, get_column_letter

XLSX_ERRORS = {"#N/A", "#VALUE!", "#REF!", "#DIV/0!", "#NUM!", "#NAME?", "#NULL!"}


def check_property(cls, name: str) -> None:
    prop = getattr(cls, name, None)
    assert isinstance(prop, property) and prop.fset is not None, f"xlwings {cls.__name__} has no settable {name!r}"


def check_call(cls, method: str, *args, **kwargs) -> None:
    inspect.signature(getattr(cls, method)).bind(None, *args, **kwargs)   # raises TypeError like xlwings would


def _area(address: str) -> tuple[int, int, int, int]:
    """One A1 area ("B2", "B2:D9", "H:H", "3:5") -> (r0, c0, r1, c1)."""
    a = address.replace("$", "").upper()
    m = re.fullmatch(r"([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?", a)
    if m:
        r0, c0 = int(m.group(2)), column_index_from_string(m.group(1))
        r1, c1 = (int(m.group(4)), column_index_from_string(m.group(3))) if m.group(3) else (r0, c0)
        assert r0 <= r1 and c0 <= c1, address
        return r0, c0, r1, c1
    m = re.fullmatch(r"([A-Z]+):([A-Z]+)", a)
    if m:
        return 1, column_index_from_string(m.group(1)), 1048576, column_index_from_string(m.group(2))
    m = re.fullmatch(r"(\d+):(\d+)", a)
    if m:
        return int(m.group(1)), 1, int(m.group(2)), 16384
    raise AssertionError(f"not an A1 address: {address!r}")


def com_value(v):
    """A cell value as Excel hands it to Python: numbers are doubles, dates datetimes, an empty cell None."""
    if v is None or v == "":
        return None
    if isinstance(v, bool):
        return v
    if isinstance(v, int):
        return float(v)                         # Excel has only doubles
    if isinstance(v, dt.date) and not isinstance(v, dt.datetime):
        return dt.datetime(v.year, v.month, v.day)
    return v


class FakeApp:
    def __init__(self):
        self.status_bar = False
        self.status_history: list = []
        self.alerts: list[tuple[str, str | None, str | None]] = []

    def __setattr__(self, key, value):
        if key == "status_bar":
            check_property(xwm.App, "status_bar")
            if "status_history" in self.__dict__:
                self.status_history.append(value)
        object.__setattr__(self, key, value)

    def alert(self, prompt, title=None, buttons="ok", mode=None, callback=None):
        assert mode in (None, "info", "critical") and isinstance(prompt, str)
        self.alerts.append((prompt, title, mode))
        return "ok"

    @contextmanager
    def properties(self, **kwargs):
        for k in kwargs:
            check_property(xwm.App, k)
        yield


class FakeName:
    def __init__(self, name: str, refers_to: str):
        self.name, self.refers_to = name, refers_to
        self.api = type("NameApi", (), {"Visible": True})()


class FakeNames(list):
    def __init__(self, sheet):
        super().__init__()
        self.sheet = sheet

    def add(self, name: str, refers_to: str) -> FakeName:
        check_call(xwm.Names, "add", name, refers_to)
        assert refers_to.startswith("=")
        n = FakeName(f"'{self.sheet.name}'!{name}", refers_to)
        self.append(n)
        return n


class FakeFont:
    def __init__(self, rng):
        object.__setattr__(self, "rng", rng)

    def __setattr__(self, key, value):
        check_property(xwm.Font, key)
        self.rng.sheet.formats.append((self.rng.address, "font." + key, value))


class FakeBorders:
    def __init__(self, rng):
        self.rng = rng

    def set(self, which="all", **kwargs):
        check_call(xwm.Borders, "set", which, **kwargs)
        xwm._border_sides(which)
        if "line_style" in kwargs:
            xwm._border_line_style(kwargs["line_style"])
        if "weight" in kwargs:
            xwm._border_weight(kwargs["weight"])
        if "color" in kwargs:
            xwm._border_color(kwargs["color"])
        self.rng.sheet.formats.append((self.rng.address, "borders." + str(which), kwargs))


class FakeConditionalFormats:
    def __init__(self, rng):
        self.rng = rng

    def __getattr__(self, method):
        if not method.startswith("add_"):
            raise AttributeError(method)

        def add(*args, **kwargs):
            check_call(xwm.ConditionalFormats, method, *args, **kwargs)
            if method == "add_cell_value":
                xwm._conditional_format_operator(args[0])
            self.rng.sheet.formats.append((self.rng.address, "conditional." + method, (args, kwargs)))
        return add


class FakeRange:
    def __init__(self, sheet, address: str, options: dict | None = None):
        object.__setattr__(self, "sheet", sheet)
        object.__setattr__(self, "address", address)
        object.__setattr__(self, "areas", [_area(a) for a in address.split(",")])
        object.__setattr__(self, "_options", options or {})

    def options(self, **kwargs):
        check_call(xwm.Range, "options", **kwargs)
        return FakeRange(self.sheet, self.address, {**self._options, **kwargs})

    @property
    def row(self):
        return self.areas[0][0]

    @property
    def column(self):
        return self.areas[0][1]

    @property
    def last_cell(self):
        r0, c0, r1, c1 = self.areas[-1]
        return FakeRange(self.sheet, f"{get_column_letter(c1)}{r1}")

    @property
    def value(self):
        assert len(self.areas) == 1, "xlwings reads one area"
        r0, c0, r1, c1 = self.areas[0]
        rows = [[self.sheet.read(r, c, self._options.get("err_to_str", False)) for c in range(c0, c1 + 1)]
                for r in range(r0, r1 + 1)]
        if self._options.get("ndim") == 2:
            return rows
        if r0 == r1 and c0 == c1:
            return rows[0][0]
        if r0 == r1:
            return rows[0]
        if c0 == c1:
            return [r[0] for r in rows]
        return rows

    @value.setter
    def value(self, data):
        assert len(self.areas) == 1
        r0, c0 = self.areas[0][:2]
        if not isinstance(data, list):
            data = [[data]]
        elif data and not isinstance(data[0], list):
            data = [data]
        self.sheet.writes += 1
        for i, row in enumerate(data):
            for j, v in enumerate(row):
                self.sheet.write(r0 + i, c0 + j, v)

    def __setattr__(self, key, value):
        check_property(xwm.Range, key)
        if key == "value":
            return object.__setattr__(self, key, value)      # the property setter above
        if key == "horizontal_alignment":
            xwm._horizontal_alignment(value)
        if key == "vertical_alignment":
            xwm._vertical_alignment(value)
        if key == "color":
            xwm._border_color(value)
        self.sheet.formats.append((self.address, key, value))

    @property
    def api(self):
        return self              # what Excel's Series.Values / XValues receive on Windows: the Range itself

    @property
    def font(self):
        return FakeFont(self)

    @property
    def borders(self):
        return FakeBorders(self)

    @property
    def conditional_formats(self):
        return FakeConditionalFormats(self)

    def merge(self, across=False):
        assert len(self.areas) == 1
        self.sheet.formats.append((self.address, "merge", True))


# ---------------------------------------------------------------------------------------------- charts
# A chart is xlwings' own ``xw.Chart`` around a fake impl (the object xlwings' platform modules provide):
# every call the code makes goes through xlwings' real validation and reaches the impl exactly as on
# Windows; each impl method has the signature of xlwings' ``base_classes`` (checked in tests).
class FakeAxisImpl(xwb.ChartAxis):
    def __init__(self):
        self.attrs: dict = {}

    def set(self, **kwargs):
        check_call(xwb.ChartAxis, "set", **kwargs)
        self.attrs.update({k: v for k, v in kwargs.items() if v is not xwb._UNSET})


class ComSeries:
    """Excel's ``Series`` object as ``SeriesCollection().NewSeries()`` returns it on Windows: only the
    properties the live backend sets (``Values``, ``XValues``: a Range) exist."""

    _PROPERTIES = ("Values", "XValues")

    def __init__(self, chart):
        object.__setattr__(self, "chart", chart)
        object.__setattr__(self, "recorded", {})        # what xlwings' ChartSeries.set passed on
        object.__setattr__(self, "Values", None)
        object.__setattr__(self, "XValues", None)

    def __setattr__(self, key, value):
        assert key in self._PROPERTIES, f"the stand-in Series has no {key!r}"
        assert isinstance(value, FakeRange) and len(value.areas) == 1, f"{key}: one area of a sheet, got {value!r}"
        assert value.sheet is self.chart.sheet, "series data on the chart's own sheet"
        object.__setattr__(self, key, value.address)


class ComSeriesCollection:
    def __init__(self, chart):
        self.chart = chart

    @property
    def Count(self):   # noqa: N802 - Excel's name
        return len(self.chart.added)

    def NewSeries(self):   # noqa: N802 - Excel's name
        com = ComSeries(self.chart)
        self.chart.added.append(ChartSeries(com))
        return com


class ComChart:
    def __init__(self, chart):
        self.chart = chart

    def SeriesCollection(self):   # noqa: N802 - Excel's name
        return ComSeriesCollection(self.chart)


class ChartSeries(xwb.ChartSeries):
    """The impl of one series (named like the platform modules' class: the live backend looks it up there)."""

    def __init__(self, com: ComSeries):
        self.com = com

    @property
    def attrs(self) -> dict:
        return self.com.recorded

    @property
    def values(self):
        return self.com.Values

    @property
    def x_values(self):
        return self.com.XValues

    def set(self, **kwargs):
        check_call(xwb.ChartSeries, "set", **kwargs)
        self.attrs.update({k: v for k, v in kwargs.items() if v is not xwb._UNSET})


class FakeChartImpl(xwb.Chart):
    """Records the chart: its series (in the order added), type, title and axes."""

    def __init__(self, sheet, kwargs: dict):
        self.sheet, self.kwargs = sheet, kwargs
        self.added: list[ChartSeries] = []
        self.xl = ComChart(self)
        self.axes = {"value": FakeAxisImpl(), "category": FakeAxisImpl()}
        self._chart_type = self._title = None

    @property
    def api(self):
        return None, self.xl

    @property
    def series(self):
        return self.added

    @property
    def value_axis(self):
        return self.axes["value"]

    @property
    def category_axis(self):
        return self.axes["category"]

    @property
    def chart_type(self):
        return self._chart_type

    @chart_type.setter
    def chart_type(self, value):
        assert self.series, "Excel needs a series before a chart type (xy types fail on an empty chart)"
        self._chart_type = value

    @property
    def title(self):
        return self._title

    @title.setter
    def title(self, value):
        self._title = value

    def set_source_data(self, rng, plot_by=None):
        raise AssertionError("a source range is laid out into series by Excel's own rules (touching areas of "
                             "one column merge): add each series with its own values instead")

    def set_x_axis_values(self, rng):
        raise AssertionError("set_x_axis_values gives every series the same X values: set them per series")


class FakeCharts(list):
    def __init__(self, sheet):
        super().__init__()
        self.sheet = sheet

    def add(self, **kwargs):
        check_call(xwm.Charts, "add", **kwargs)
        if kwargs.get("chart_type"):
            xwm._chart_type(kwargs["chart_type"])
        impl = FakeChartImpl(self.sheet, kwargs)
        if kwargs.get("source") is not None:
            impl.set_source_data(kwargs["source"], kwargs.get("plot_by"))
        chart = xw.Chart(impl=impl)
        self.append(chart)
        return chart


class FakeFreezePanes:
    def __init__(self, sheet):
        self.sheet = sheet

    def freeze_at(self, frozen_range):
        _area(frozen_range)
        assert self.sheet.book.active is self.sheet, "Excel freezes panes on the active window"
        self.sheet.frozen = frozen_range


class FakeSheet:
    def __init__(self, book, name: str):
        self.book, self._name = book, name
        self.cells: dict[tuple[int, int], object] = {}
        self.names = FakeNames(self)
        self.charts = FakeCharts(self)
        self.formats: list = []
        self.writes = 0
        self.visible = True
        self.show_gridlines = True
        self.frozen = None
        self.freeze_panes = FakeFreezePanes(self)

    @property
    def name(self):
        return self._name

    @name.setter
    def name(self, value):
        assert len(value) <= 31 and not re.search(r"[\[\]:*?/\\]", value), value
        assert all(s is self or s.name.casefold() != value.casefold() for s in self.book.sheets), value
        self._name = value

    def read(self, r, c, err_to_str):
        v = self.cells.get((r, c))
        if isinstance(v, str) and v in XLSX_ERRORS and (r, c) in self.book_errors():
            return v if err_to_str else None
        return com_value(v)

    def book_errors(self):
        return self.book.error_cells.get(self.name, set())

    def write(self, r, c, v):
        if isinstance(v, str) and v:
            if v.startswith("'"):
                v = v[1:]
            elif not v.startswith("="):
                self.book.unsafe_text.append((self.name, r, c, v))   # Excel would parse it as typed
        if v is None or v == "":
            self.cells.pop((r, c), None)
        else:
            self.cells[(r, c)] = v

    def range(self, a, b=None):
        if isinstance(a, tuple):
            b = b or a
            return FakeRange(self, f"{get_column_letter(a[1])}{a[0]}:{get_column_letter(b[1])}{b[0]}")
        assert b is None
        return FakeRange(self, a)

    def __getitem__(self, address):
        return self.range(address)

    @property
    def used_range(self):
        if not self.cells:
            return FakeRange(self, "A1")
        rows = [r for r, _ in self.cells]
        cols = [c for _, c in self.cells]
        return FakeRange(self, f"{get_column_letter(min(cols))}{min(rows)}:{get_column_letter(max(cols))}{max(rows)}")

    def delete(self):
        assert len(self.book.sheets) > 1, "Excel cannot delete the last sheet"
        self.book.sheets.remove(self)

    def activate(self):
        self.book.active = self

    def __setattr__(self, key, value):
        if key in ("visible", "show_gridlines") and "book" in self.__dict__:
            check_property(xwm.Sheet, key)
        object.__setattr__(self, key, value)


class FakeSheets(list):
    def __init__(self, book):
        super().__init__()
        self.book = book

    def __getitem__(self, key):
        if isinstance(key, str):
            for s in self:
                if s.name.casefold() == key.casefold():
                    return s
            raise KeyError(key)
        return list.__getitem__(self, key)

    @property
    def active(self):
        return self.book.active

    def add(self, name=None, before=None, after=None):
        check_call(xwm.Sheets, "add", name, before, after)
        sheet = FakeSheet(self.book, "~tmp")
        sheet.name = name or f"Sheet{len(self) + 1}"
        at = self.index(after) + 1 if after is not None else (self.index(before) if before is not None else 0)
        self.insert(at, sheet)
        self.book.active = sheet
        return sheet


class FakeBook:
    """An open workbook: ``FakeBook.from_file(path)`` loads values (and error cells) with openpyxl.

    Formulas are not evaluated: a formula cell holds its cached value (none for files openpyxl wrote).
    """

    def __init__(self, fullname: str = "Book1"):
        self.app = FakeApp()
        self.sheets = FakeSheets(self)
        self.fullname = fullname
        self.active = None
        self.saves = 0
        self.unsafe_text: list = []
        self.error_cells: dict[str, set] = {}

    @classmethod
    def from_file(cls, path) -> FakeBook:
        from openpyxl import load_workbook
        book = cls(str(path))
        wb = load_workbook(path, data_only=True)     # formula cells read as their cached value, as in Excel
        for ws in wb.worksheets:
            sheet = FakeSheet(book, ws.title)
            book.sheets.append(sheet)
            for row in ws.iter_rows():
                for cell in row:
                    if cell.value is not None and cell.value != "":
                        sheet.cells[(cell.row, cell.column)] = cell.value
                        if cell.data_type == "e":
                            book.error_cells.setdefault(ws.title, set()).add((cell.row, cell.column))
            for name in ws.defined_names.values():
                sheet.names.append(FakeName(f"'{ws.title}'!{name.name}", "=" + str(name.attr_text)))
        book.active = book.sheets[0]
        return book

    def save(self, path=None):
        check_call(xw.Book, "save", path)
        self.saves += 1
