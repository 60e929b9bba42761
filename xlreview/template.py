"""Builder of ``workbook_template.xlsm`` (never hand-edited; byte-reproducible) and of filled workbooks.

``build_template(out)`` writes the template: a guide sheet, Settings with defaults and thresholds,
every input sheet of DATA_MODEL with canonical keys in row 1 (label and meaning as each header's note),
the ``xlwings.conf`` sheet, the VBA project and the ribbon.
``write_workbook(out, frames)`` does the same with data rows (the demo, tests, benchmarks).

Every word of the guide, the header notes, the Settings descriptions and the Goals helpers is the
catalogue's (``guide.*``, ``input.*``, ``column.*``, ``setting.*``) in the language the workbook is made in: its
Settings ``language`` among ``frames`` (``xlreview new --lang``, the demo), zh by default (the template).
Like the input sheets they stay as written when Settings ``language`` changes later (a build never
touches input sheets).
"""
from __future__ import annotations

import datetime as dt
import os
import re
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .core.metric_table import ADDITIVE_METRICS, RATIO_METRICS
from .core.thresholds import THRESHOLDS
from .model import schema
from .text import DEFAULT_LANGUAGE, normalize_language, sheet_name, tr

REQ_FILL = PatternFill("solid", fgColor="C00000")
OPT_FILL = PatternFill("solid", fgColor="1F3864")
HEAD_FONT = Font(bold=True, color="FFFFFF")
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")

GUIDE_ROWS = ["guide.title", "", "guide.how", "guide.step_paste", "guide.step_settings", "guide.step_goals",
              "guide.step_build", "", "guide.sheets"]      # catalogue keys, one row each ("" a blank row)


def _note(spec: schema.SheetSpec, col: schema.Column, lang: str) -> Comment:
    need = tr("guide.column_required" if col.required else "guide.column_optional", lang)
    text = tr("guide.note", lang, zh=col.zh, key=col.key, need=need, type=col.type,
              meaning=tr(f"column.{spec.name}_{col.key}", lang))
    if col.aliases:
        text += "\n" + tr("guide.note_aliases", lang, aliases=", ".join(col.aliases[:6]))
    c = Comment(text, "xlreview")
    c.width, c.height = 260, 110
    return c


def _header(ws, spec: schema.SheetSpec, lang: str) -> None:
    for j, col in enumerate(spec.columns, start=1):
        cell = ws.cell(row=1, column=j, value=col.key)
        cell.font = HEAD_FONT
        cell.fill = REQ_FILL if col.required else OPT_FILL
        cell.alignment = Alignment(horizontal="center")
        cell.comment = _note(spec, col, lang)
        ws.column_dimensions[get_column_letter(j)].width = max(12, len(col.key) + 4)
    ws.freeze_panes = "A2"


def _guide(ws, lang: str) -> None:
    for i, key in enumerate(GUIDE_ROWS, start=1):
        if key:
            ws.cell(row=i, column=1, value=tr(key, lang))
    ws.cell(row=1, column=1).font = Font(bold=True, size=16, color="1F3864")
    r = len(GUIDE_ROWS) + 1
    for spec in schema.INPUT_SHEETS:
        need = tr("guide.sheet_required" if spec.required else "guide.sheet_optional", lang)
        ws.cell(row=r, column=1, value=tr("guide.sheet_line", lang, name=spec.name, zh=spec.zh, need=need))
        ws.cell(row=r, column=2, value=tr("input." + spec.name, lang))
        r += 1
    ws.column_dimensions["A"].width = 90
    ws.column_dimensions["B"].width = 60


def _settings(ws, values: dict | None, lang: str) -> None:
    ws.append(["key", "value", tr("guide.settings_meaning", lang)])
    for j in range(1, 4):
        ws.cell(row=1, column=j).font = HEAD_FONT
        ws.cell(row=1, column=j).fill = OPT_FILL
    values = values or {}
    for key, (default, _, _) in schema.SETTINGS_DEFAULTS.items():
        v = values.get(key, default)
        ws.append([key, "" if v is None else v, tr("setting." + key, lang)])
    for key, default in THRESHOLDS.items():
        ws.append([key, values.get(key, default), tr("guide.threshold", lang)])
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 28
    ws.column_dimensions["C"].width = 70
    ws.freeze_panes = "A2"


def _goals_validation(ws, lang: str) -> None:
    metrics = ",".join(sorted(set(ADDITIVE_METRICS[:9]) | set(RATIO_METRICS[:7])))
    dv = DataValidation(type="list", formula1=f'"{metrics}"', allow_blank=True)
    if len(metrics) > 250:   # Excel's limit for an inline list
        dv = DataValidation(type="list", formula1='"net_sales,net_profit,orders,units,aov,conversion_rate,'
                                                  'gross_margin,net_margin,refund_rate,new_customers,ad_spend,tacos,sessions"',
                            allow_blank=True)
    dv.error = tr("guide.metric_error", lang)
    dv.prompt = tr("guide.metric_prompt", lang)
    ws.add_data_validation(dv)
    dv.add("C2:C200")
    _goals_guidance(ws, lang)


# Example goals shown to the right of the Goals table (columns K-S): guidance to copy, never read as goals
# (the reader only looks at columns whose header is a Goals key, and blank rows there are skipped).
# the words (description, owner, pillar) are the catalogue's guide.example_*_<goal>
GOAL_EXAMPLES = [
    ("goal_id", "description", "metric", "scope", "baseline", "target", "deadline", "owner", "pillar"),
    ("G1", "guide.example_g1", "net_sales", "channel=Amazon US", 1000000, 1300000, "2027-12-31",
     "guide.example_owner_g1", "guide.example_pillar_g1"),
    ("G2", "guide.example_g2", "conversion_rate", "channel=TikTok Shop", 0.015, 0.02, "2027-06-30",
     "guide.example_owner_g2", "guide.example_pillar_g2"),
    ("G3", "guide.example_g3", "refund_rate", "all", None, 0.05, "2027-12-31",
     "guide.example_owner_g3", "guide.example_pillar_g3"),
]
PILLAR_HELPER_COL = "U"     # hidden: Settings strategy_pillars split into cells, the source of the pillar list
MAX_PILLARS = 10


def _goals_guidance(ws, lang: str) -> None:
    """Pillar and scope drop-downs and the example goals of the Goals sheet."""
    col0 = 11                                             # K
    head = ws.cell(row=1, column=col0, value=tr("guide.examples", lang))
    head.font = Font(bold=True, color="7F7F7F")
    for i, rec in enumerate(GOAL_EXAMPLES, start=2):
        for j, v in enumerate(rec):
            if isinstance(v, str) and v.startswith("guide."):
                v = tr(v, lang)
            c = ws.cell(row=i, column=col0 + j, value=v)
            c.font = Font(italic=True, color="7F7F7F", bold=i == 2)
            if isinstance(v, str):
                c.data_type = "s"
    for j in range(len(GOAL_EXAMPLES[0])):
        ws.column_dimensions[get_column_letter(col0 + j)].width = 16
    ws.column_dimensions[get_column_letter(col0 + 1)].width = 32

    # Settings strategy_pillars ("brand, multi-market", also with ， or 、) split into one cell each
    src = 'SUBSTITUTE(SUBSTITUTE(VLOOKUP("strategy_pillars",Settings!$A:$B,2,FALSE)&"","，",","),"、",",")'
    h = PILLAR_HELPER_COL
    ws[f"{h}1"] = "xlr_pillars"
    for n in range(MAX_PILLARS):
        ws[f"{h}{n + 2}"] = f'=IFERROR(TRIM(MID(SUBSTITUTE({src},",",REPT(" ",200)),{n * 200 + 1},200)),"")'
    ws.column_dimensions[h].hidden = True
    pillars = DataValidation(type="list", allow_blank=True, showErrorMessage=False,
                             formula1=f'OFFSET(${h}$2,0,0,MAX(1,COUNTIF(${h}$2:${h}${MAX_PILLARS + 1},"?*")),1)')
    pillars.prompt = tr("guide.pillar_prompt", lang)
    ws.add_data_validation(pillars)
    pillars.add("I2:I200")
    scope = DataValidation(type="list", allow_blank=True, showErrorMessage=False,
                           formula1='"all,channel=,country=,sku=,category="')
    scope.prompt = tr("guide.scope_prompt", lang)
    ws.add_data_validation(scope)
    scope.add("D2:D200")
    # data rows (``ws.append``) must still start in row 2, next to the guidance, not below it
    ws._current_row = 1


def _write_rows(ws, spec: schema.SheetSpec, frame: pd.DataFrame) -> None:
    keys = [c.key for c in spec.columns]
    cols = [k for k in keys if k in frame.columns]
    index = {k: keys.index(k) for k in cols}
    data = frame[cols].astype(object).where(frame[cols].notna(), None)
    width = len(keys)
    for rec in data.itertuples(index=False, name=None):
        row = [None] * width
        for k, v in zip(cols, rec):
            if isinstance(v, pd.Timestamp):
                v = v.to_pydatetime().date() if v == v.normalize() else v.to_pydatetime()
            row[index[k]] = v
        ws.append(row)
    for k in cols:
        t = spec.column(k).type
        letter = get_column_letter(index[k] + 1)
        fmt = "yyyy-mm-dd" if t == "date" else ("#,##0.00" if t.startswith("money") else None)
        if fmt:
            for cell in ws[letter][1:]:
                cell.number_format = fmt
        if t == "text":
            for cell in ws[letter][1:]:
                if isinstance(cell.value, str):
                    cell.data_type = "s"


def frames_language(frames: dict[str, pd.DataFrame]) -> str:
    """The language a workbook is made in: the ``language`` row of ``frames["Settings"]`` (key, value
    columns), zh when there is none or it is neither zh nor en."""
    settings = frames.get("Settings")
    if settings is None or not len(settings):
        return DEFAULT_LANGUAGE
    keys = settings.iloc[:, 0].astype(str).str.strip().str.lower()
    values = settings.iloc[:, 1][keys == "language"]
    return (normalize_language(values.iloc[-1]) if len(values) else None) or DEFAULT_LANGUAGE


def make_workbook(frames: dict[str, pd.DataFrame] | None = None, xml_rows: bool = False) -> Workbook:
    """The template as an openpyxl Workbook, with the data rows of ``frames`` (canonical sheet -> frame).

    ``xml_rows``: write only the first data row of the long sheets here and leave the rest to
    ``data_rows_xml`` (``write_workbook`` splices them into the saved sheets; 50x faster than openpyxl cells).
    """
    frames = frames or {}
    lang = frames_language(frames)
    wb = Workbook()
    guide = wb.active
    guide.title = sheet_name("guide", lang)
    _guide(guide, lang)
    for spec in schema.INPUT_SHEETS:
        ws = wb.create_sheet(spec.name)
        if spec.key_value:
            values = {}
            if "Settings" in frames:
                f = frames["Settings"]
                values = dict(zip(f.iloc[:, 0].astype(str), f.iloc[:, 1]))
            _settings(ws, values, lang)
            continue
        _header(ws, spec, lang)
        if spec.name == "Goals":
            _goals_validation(ws, lang)
        if spec.name in frames and len(frames[spec.name]):
            frame = frames[spec.name]
            _write_rows(ws, spec, frame.iloc[:1] if xml_rows and spec.name != "Goals" else frame)
    conf = wb.create_sheet("xlwings.conf")
    for k, v in xlwings_conf_rows():
        conf.append([k, v])
    conf.sheet_state = "hidden"
    return wb


_ROW2_CELL = re.compile(rb'<c r="([A-Z]+)2"(?: s="(\d+)")?')
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(v: str) -> str:
    return _XML_BAD.sub("", v).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cell_xml(v, ref: str, style: str) -> str:
    """One cell as SpreadsheetML (ECMA-376 Part 1, 18.3.1.4): number, date serial, boolean or inline string."""
    if v is None or (isinstance(v, float) and v != v) or v is pd.NaT:
        return ""
    if isinstance(v, bool | np.bool_):
        return f'<c r="{ref}"{style} t="b"><v>{int(v)}</v></c>'
    if isinstance(v, int | float | np.integer | np.floating):
        return f'<c r="{ref}"{style}><v>{repr(float(v)) if not float(v).is_integer() else int(v)}</v></c>'
    if isinstance(v, dt.datetime | dt.date | pd.Timestamp):
        serial = (pd.Timestamp(v) - _EXCEL_EPOCH) / pd.Timedelta(days=1)
        return f'<c r="{ref}"{style}><v>{int(serial) if float(serial).is_integer() else repr(serial)}</v></c>'
    text = str(v)
    if text == "":
        return ""
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{_xml_text(text)}</t></is></c>'


def _number_text(values: np.ndarray) -> list[str]:
    """Shortest round-trip text of float64 values (whole numbers without ``.0``)."""
    whole = np.isfinite(values) & (values == np.round(values)) & (np.abs(values) < 2 ** 53)
    if whole.all():
        return values.astype("int64").astype(str).tolist()
    return [str(int(v)) if w else repr(v) for v, w in zip(values.tolist(), whole.tolist())]


def _column_cells(col: pd.Series, letter: str, style: str, numbers: np.ndarray) -> list[str]:
    """The cells of one column, vectorised by its dtype ("" where the value is blank)."""
    refs = [letter + r for r in numbers]
    present = col.notna().to_numpy().copy()
    if pd.api.types.is_datetime64_any_dtype(col):
        values = ((col - _EXCEL_EPOCH) / pd.Timedelta(days=1)).to_numpy(dtype="float64", na_value=np.nan)
    elif pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col):
        values = col.to_numpy(dtype="float64", na_value=np.nan)
    else:
        vals = col.astype(object).to_numpy()
        if not all(isinstance(v, str) for v in vals[present]):
            return [_cell_xml(v, ref, style) if p else "" for v, ref, p in zip(vals, refs, present)]
        codes, distinct = pd.factorize(np.where(present, vals, ""))      # each distinct text escaped once
        tails = []
        for text in distinct:
            escaped = _xml_text(text)
            space = ' xml:space="preserve"' if text != text.strip() else ""
            tails.append(f' t="inlineStr"><is><t{space}>{escaped}</t></is></c>' if escaped else "")
        return [f'<c r="{ref}"{style}{tail}' if tail else "" for ref, tail in zip(refs, (tails[c] for c in codes))]
    present &= ~np.isnan(values)
    texts = _number_text(np.where(present, values, 0.0))
    return [f'<c r="{ref}"{style}><v>{t}</v></c>' if p else "" for ref, t, p in zip(refs, texts, present.tolist())]


def data_rows_xml(spec: schema.SheetSpec, frame: pd.DataFrame, sheet_xml: bytes) -> bytes:
    """``sheet_xml`` (header + first data row written by openpyxl) with every further row of ``frame``.

    Each column keeps the style (number format) openpyxl gave its row-2 cell; text is written as inline
    strings, dates as Excel serial numbers, exactly the values ``_write_rows`` would write.
    """
    if len(frame) < 2:
        return sheet_xml
    keys = [c.key for c in spec.columns]
    cols = [k for k in keys if k in frame.columns]
    styles = {m.group(1).decode(): (f' s="{m.group(2).decode()}"' if m.group(2) else "")
              for m in _ROW2_CELL.finditer(sheet_xml)}
    letters = {k: get_column_letter(keys.index(k) + 1) for k in cols}
    rows = frame.iloc[1:]
    first = 3
    numbers = np.arange(first, first + len(rows)).astype(str)
    cells = [_column_cells(rows[k], letters[k], styles.get(letters[k], ""), numbers) for k in cols]
    body = "".join(f'<row r="{r}">{"".join(c)}</row>' for r, *c in zip(numbers, *cells)).encode("utf-8")
    last = first + len(rows) - 1
    xml = sheet_xml.replace(b"</sheetData>", body + b"</sheetData>", 1)
    return re.sub(rb'(<dimension ref="A1:[A-Z]+)\d+"', lambda m: m.group(1) + str(last).encode() + b'"', xml, count=1)


# xlwings.conf key of the interpreter path per platform (https://docs.xlwings.org/en/stable/addin.html#config)
INTERPRETER_KEYS = {"win32": "Interpreter_Win", "darwin": "Interpreter_Mac"}


def xlwings_conf_rows(interpreter: str | None = None, platform: str | None = None) -> list[tuple[str, str]]:
    """Rows of the ``xlwings.conf`` sheet that RunPython and the UDFs read (plus the embedded versions).

    ``interpreter`` (a Python's full path) is recorded only under the key of the platform it belongs to
    (``platform``, default ``sys.platform``): ``Interpreter_Win`` on Windows, ``Interpreter_Mac`` on macOS,
    none elsewhere -- a workbook made on Linux leaves both to xlwings' default (the Python on PATH) rather
    than send Excel to a Linux path.
    """
    from .excel.package import xlwings_conf_entries
    rows = [("UDF Modules", "xlreview.excel.udfs"), ("Use UDF Server", "False"), ("Show Console", "False")]
    key = INTERPRETER_KEYS.get(platform or sys.platform)
    if interpreter and key:
        rows.insert(0, (key, interpreter))
    return rows + list(xlwings_conf_entries())


def write_workbook(out: Path, frames: dict[str, pd.DataFrame] | None = None, macros: bool = True,
                   interpreter: str | None = None, vba_cache: bool = True) -> Path:
    """Write a template-shaped workbook (with data rows) to ``out`` (.xlsm with VBA + ribbon by default; the VBA
    project from the cache of :func:`vba_project` unless ``vba_cache`` is False)."""
    out = Path(out)
    frames = frames or {}
    wb = make_workbook(frames, xml_rows=True)
    if interpreter:
        conf = wb["xlwings.conf"]
        conf.delete_rows(1, conf.max_row)
        for k, v in xlwings_conf_rows(interpreter):
            conf.append([k, v])
    from .excel.package import assign_codenames
    assign_codenames(wb)
    with tempfile.TemporaryDirectory(prefix="xlr-tpl-") as tmp:
        plain = Path(tmp) / "plain.xlsx"
        wb.save(plain)
        plain = with_data_rows(plain, Path(tmp) / "rows.xlsx", frames)
        finish_package(plain, out, macros=macros and out.suffix.lower() == ".xlsm", vba_cache=vba_cache)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(out, 0o666 & ~umask)
    return out


def with_data_rows(plain: Path, out: Path, frames: dict[str, pd.DataFrame]) -> Path:
    """``plain`` written to ``out`` with the data rows ``make_workbook(xml_rows=True)`` left out of its sheets
    (stored in segments, :mod:`xlreview.ooxml.deflate`, so an import appends to them cheaply)."""
    from .ooxml.deflate import segmented_sheet
    from .ooxml.package import COPY, Package, write_package
    with Package(plain) as pkg:
        parts = pkg.sheet_parts()
        new = {}
        for name, frame in frames.items():
            spec = schema.SHEETS_BY_NAME.get(name)
            if spec is None or spec.key_value or name == "Goals" or len(frame) < 2 or name not in parts:
                continue
            new[parts[name]] = segmented_sheet(data_rows_xml(spec, frame, pkg.read(parts[name])))
        if not new:
            return plain
        return write_package(out, [(n, new.get(n, COPY)) for n in pkg.names], pkg)


def finish_package(plain: Path, out: Path, macros: bool, vba_cache: bool = True) -> None:
    """Deterministic zip (fixed timestamps, pinned core.xml dates); VBA project and ribbon when ``macros``."""
    from .excel.package import make_macro_enabled
    from .ooxml.package import COPY, Package, pin_core_properties, write_package
    if macros:
        make_macro_enabled(plain, out, vba_bin=vba_project(plain) if vba_cache else None)
        return
    with Package(plain) as pkg:
        write_package(out, [(n, pin_core_properties(pkg.read(n)) if n == "docProps/core.xml" else COPY)
                            for n in pkg.names], pkg)


#: VBA project files kept in the user's cache (the newest; one per installation and set of worksheet codeNames)
VBA_PROJECTS_KEPT = 4


def vba_project(xlsx: Path) -> bytes:
    """The ``vbaProject.bin`` :func:`~xlreview.excel.package.make_macro_enabled` builds for ``xlsx``, kept in the
    user's cache folder (:func:`xlreview.workbook.cache.user_cache_folder`) under a key of
    everything it is made of: the worksheet codeNames, the xlreview and xlwings versions and every file of
    ``xlreview/excel`` (VBA wrappers, ribbon, the generator itself). Building it (xlwings' UDF wrappers, the
    MS-OVBA compression in Python) is most of the time of ``new`` and ``demo``; the project is the same for
    every workbook of one installation. A cached file is checked before use (``check_vba_project``: olefile
    reads its PROJECT stream and finds every document module); a damaged one is built again and replaced
    atomically. The oldest project files beyond :data:`VBA_PROJECTS_KEPT` are removed. An unwritable cache
    only means it is built each time.
    """
    import hashlib
    import importlib.metadata

    from . import __version__
    from .excel.ovba import build_vba_project
    from .excel.package import check_vba_project, sheet_codenames, vba_modules_for_template
    from .workbook.cache import prune_cached, read_cached, write_cached
    codenames = sheet_codenames(xlsx)
    key = hashlib.sha256()
    try:
        xlwings_version = importlib.metadata.version("xlwings")
    except importlib.metadata.PackageNotFoundError:
        xlwings_version = ""
    key.update(repr((codenames, __version__, xlwings_version)).encode())
    excel = Path(__file__).parent / "excel"
    for f in sorted(excel.rglob("*")):
        if f.is_file() and "__pycache__" not in f.parts:
            key.update(f.relative_to(excel).as_posix().encode() + b"\0" + f.read_bytes())
    name = f"vbaProject-{key.hexdigest()[:32]}.bin"
    cached = read_cached(name)
    if cached is not None:
        try:
            check_vba_project(cached, codenames)
            return cached
        except ValueError:          # damaged (or not ours): built again below and replaced
            pass
    vba = build_vba_project(vba_modules_for_template(codenames))
    write_cached(name, vba)
    prune_cached("vbaProject-*.bin", VBA_PROJECTS_KEPT)
    return vba


def build_template(out: Path | None = None) -> Path:
    """Rebuild ``workbook_template.xlsm`` (byte-identical for the same xlreview and xlwings versions)."""
    out = Path(out) if out else Path(__file__).resolve().parent.parent / "workbook_template.xlsm"
    return write_workbook(out, None, macros=True, vba_cache=False)


if __name__ == "__main__":   # python -m xlreview.template [OUT]
    print(build_template(Path(sys.argv[1]) if len(sys.argv) > 1 else None))
