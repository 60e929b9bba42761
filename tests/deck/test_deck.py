"""The year-end deck: slide titles and chart series of the worked example (golden), every figure on a slide equal
to the JSON's, native editable charts, LibreOffice Impress renders every slide, the workbook never changes."""
from __future__ import annotations

import json
import os
import re
import subprocess
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from worked_example import frames

from xlreview import libreoffice
from xlreview.cli import cli
from xlreview.core.products import PRODUCT_CLASSES
from xlreview.core.review import compute_review, review_json
from xlreview.deck import write_deck
from xlreview.deck.story import TITLE_RULES, deck_story
from xlreview.model.read import frames_to_raw, read_inputs
from xlreview.pipeline import open_backend, review_backend
from xlreview.template import write_workbook
from xlreview.text import render, tr

GOLDEN = Path(__file__).parents[1] / "data" / "golden"


def worked_review(lang: str = "zh"):
    f = frames()
    f["Settings"] = pd.concat([f["Settings"], pd.DataFrame({"key": ["language"], "value": [lang]})])
    inputs, _ = read_inputs(frames_to_raw(f))
    return compute_review(inputs)


def _round(v):
    return None if v is None or v != v else float(f"{v:.9g}")


def story_snapshot(slides) -> list[dict]:
    out = []
    for s in slides:
        rec = {"key": s.key, "title": s.title}
        if s.chart is not None:
            rec["chart"] = {"kind": s.chart.kind, "categories": s.chart.categories,
                            "series": [{"name": x.name, "values": [_round(v) for v in x.values],
                                        **({"x": [_round(v) for v in x.x_values]} if x.x_values else {})}
                                       for x in s.chart.series]}
        out.append(rec)
    return out


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_worked_example_slide_titles_and_chart_series_match_the_golden(lang):
    got = story_snapshot(deck_story(worked_review(lang)))
    golden = GOLDEN / f"deck_worked_example_{lang}.json"
    if os.environ.get("XLREVIEW_UPDATE_GOLDEN"):
        golden.write_text(json.dumps(got, ensure_ascii=False, indent=1), encoding="utf-8")
    assert got == json.loads(golden.read_text(encoding="utf-8"))


def test_worked_example_titles_are_conclusions_from_its_figures():
    slides = {s.key: s for s in deck_story(worked_review("en"))}
    # net sales 91, net profit -5 (metrics.md worked example); 2025's data starts on 1 December (order O0), so the
    # review marks every comparison not comparable (partial_year) and the title gives net margin instead of YoY
    assert slides["review"].title == "Net sales 91, net profit -5, net margin -5.5%"
    assert slides["kpis"].title == "Gross margin 61.5%, net margin -5.5%, refund rate 24.8%"
    # Shop: the only channel that sold in 2025 (20 -> 91: +355 %) and first by profit per hour; Amazon loses money
    assert slides["channels"].title == ("Shop grew +355.0% and ranks first by profit per hour; "
                                        "1 problem channel(s): Amazon")
    # the to-do list's first line is the one with most money at stake
    review = worked_review("en")
    first = review.actions.iloc[0]
    area, item = tr("action.area_" + first["area"], "en"), render(first["item"], "en")
    assert slides["actions"].title == f"First: {area} '{item}', {first['at_stake']:,.0f} at stake"
    assert set(slides) <= set(TITLE_RULES)
    assert "goals" not in slides and "plan" not in slides          # no Goals rows: those slides are left out


# ----------------------------------------------------------------------------- the figures are the JSON's
def _walk(js, path):
    """The value (or list) at a story path in the JSON: keys, list indexes, {field: value} filters."""
    cur = js
    for step in path:
        if isinstance(step, dict):
            cur = [r for r in cur if all(r.get(k) == v for k, v in step.items())]
        elif isinstance(step, list):
            cur = [cur[k] for k in step]
        elif isinstance(cur, list) and isinstance(step, str):
            cur = [r[step] for r in cur]
        elif isinstance(cur, list):
            cur = cur[step]
        else:
            cur = cur[step]
    return cur


def _json_value(js, fig):
    if fig.derived == "yoy":
        return js["summary"][fig.path[1]] / js["previous"][fig.path[1]] - 1
    got = _walk(js, fig.path)
    if fig.derived == "sum":
        return sum(got)
    if isinstance(got, list):               # a filter that selects one record
        assert len(got) == 1, fig.path
        return got[0]
    return got


def _same(a, b):
    if a is None or (isinstance(a, float) and a != a):
        return b is None
    return b == pytest.approx(a, rel=1e-9, abs=1e-9)


def check_against_json(slides, js):
    checked = 0
    for s in slides:
        for fig in s.figures:
            if fig.path[0] == "previous" and "previous" not in js:
                continue
            if fig.derived == "yoy" and "previous" not in js:
                continue
            assert _same(fig.value, _json_value(js, fig)), (s.key, fig.path)
            checked += 1
        if s.chart is None:
            continue
        for series in s.chart.series:
            if series.path is None or (series.path[0] == "previous" and "previous" not in js):
                continue
            if series.path[-1] == "by_class":        # net sales per product class, in PRODUCT_CLASSES order
                want = [sum(p["net_sales"] for p in js["products"] if p["class"] == c) for c in PRODUCT_CLASSES]
            elif series.path[0] == "previous":       # a comparison the JSON marks not comparable is not drawn
                npc = js.get("previous_not_comparable", {})
                want = [None if k in npc else js["previous"][k] for k in series.path[1]]
            else:
                want = _walk(js, series.path)[:len(series.values)]
            assert len(want) == len(series.values), (s.key, series.path)
            for a, b in zip(series.values, want):
                assert _same(a, b), (s.key, series.path, a, b)
                checked += 1
    return checked


def test_every_figure_on_the_worked_example_slides_is_the_json_figure():
    review = worked_review()
    assert check_against_json(deck_story(review), review_json(review)) > 20


def test_every_figure_on_the_demo_slides_is_the_built_json_figure(demo_build):
    path, js = demo_build
    backend = open_backend(path)
    review = review_backend(backend)           # the deck's way in: read the built workbook, compute, write nothing
    slides = deck_story(review)
    assert [s.key for s in slides] == ["cover", "review", "trend", "kpis", "channels", "products", "quadrant",
                                       "marketing", "actions", "goals", "plan", "budget", "markets",
                                       "product_moves", "risks"]
    assert check_against_json(slides, js) > 150
    titles = {s.key: s.title for s in slides}
    assert titles["channels"].startswith("TikTok Shop 增长 +806")


# ------------------------------------------------------------------------------- the .pptx and rendering
def test_charts_are_native_and_editable_and_hold_the_story_values(tmp_path):
    review = worked_review()
    out = tmp_path / "deck.pptx"
    slides = write_deck(review, out)
    prs = Presentation(out)
    assert len(prs.slides) == len(slides)
    for spec, slide in zip(slides, prs.slides):
        kinds = [sh.shape_type for sh in slide.shapes]
        assert MSO_SHAPE_TYPE.PICTURE not in kinds, spec.key
        charts = [sh.chart for sh in slide.shapes if sh.has_chart]
        assert len(charts) == (1 if spec.chart else 0), spec.key
        if spec.chart and spec.chart.kind != "scatter":
            got = [list(p.values) for p in charts[0].plots[0].series]
            want = [[None if v is None or v != v else v for v in x.values] for x in spec.chart.series]
            assert got == [[pytest.approx(v) if v is not None else None for v in w] for w in want]
    with zipfile.ZipFile(out) as z:         # each chart carries its data as an embedded workbook (editable)
        names = z.namelist()
        assert len([n for n in names if n.startswith("ppt/charts/chart")]) == sum(1 for s in slides if s.chart)
        assert len([n for n in names if n.startswith("ppt/embeddings/")]) == sum(1 for s in slides if s.chart)


@pytest.mark.libreoffice
def test_libreoffice_impress_renders_every_slide(tmp_path, soffice):
    review = worked_review()
    out = tmp_path / "deck.pptx"
    slides = write_deck(review, out)
    pdf = libreoffice.convert(out, "pdf", tmp_path, timeout=300)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert pages == len(slides)
    for page, spec in enumerate(slides, start=1):        # every page shows its own slide's title figures
        text = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"], capture_output=True,
                              text=True, check=True).stdout
        tokens = re.findall(r"[A-Za-z][A-Za-z0-9]+|\d[\d,]*(?:\.\d+)?", spec.title)
        assert tokens and all(t in text for t in tokens), (spec.key, tokens, text[:200])


# ------------------------------------------------------------------------------------------ the command
def _parts(path):
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def test_cli_deck_writes_next_to_the_workbook_and_never_changes_it(tmp_path):
    wb = write_workbook(tmp_path / "review.xlsm", frames())
    before = _parts(wb)
    res = CliRunner().invoke(cli, ["deck", str(wb)], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    assert (tmp_path / "review.pptx").exists()
    assert "review.pptx" in res.output
    assert _parts(wb) == before
    res = CliRunner().invoke(cli, ["deck", str(wb), str(tmp_path / "汇报.pptx")], catch_exceptions=False)
    assert res.exit_code == 0 and (tmp_path / "汇报.pptx").exists()
    # an existing deck (maybe edited by the seller) is never overwritten by surprise
    edited = (tmp_path / "汇报.pptx").read_bytes()
    res = CliRunner().invoke(cli, ["deck", str(wb), str(tmp_path / "汇报.pptx")], catch_exceptions=False)
    assert res.exit_code == 2 and (tmp_path / "汇报.pptx").read_bytes() == edited
    res = CliRunner().invoke(cli, ["deck", str(wb)], catch_exceptions=False)
    assert res.exit_code == 0 and (tmp_path / "review (2).pptx").exists()
    res = CliRunner().invoke(cli, ["deck", str(wb), str(tmp_path / "汇报.pptx"), "--force"], catch_exceptions=False)
    assert res.exit_code == 0 and (tmp_path / "汇报.pptx").read_bytes() != b""


def test_cli_deck_refuses_a_non_pptx_target_and_bad_input_without_writing(tmp_path):
    wb = write_workbook(tmp_path / "review.xlsm", frames())
    res = CliRunner().invoke(cli, ["deck", str(wb), str(wb)], catch_exceptions=False)
    assert res.exit_code == 2 and ".pptx" in res.output and "Traceback" not in res.output
    res = CliRunner().invoke(cli, ["deck", str(wb), str(tmp_path / "no" / "d.pptx")], catch_exceptions=False)
    assert res.exit_code == 2 and "Traceback" not in res.output
    res = CliRunner().invoke(cli, ["deck", str(tmp_path / "missing.xlsm")], catch_exceptions=False)
    assert res.exit_code == 1 and "Traceback" not in res.output and not (tmp_path / "missing.pptx").exists()
    f = frames()
    f["Orders"].loc[1, "order_date"] = "2026/13/45"
    bad = write_workbook(tmp_path / "bad.xlsx", f, macros=False)
    res = CliRunner().invoke(cli, ["deck", str(bad)], catch_exceptions=False)
    assert res.exit_code == 1 and "order_date" in res.output
    assert not (tmp_path / "bad.pptx").exists()


# ------------------------------------------------------------------------------------- the ribbon button
def test_ribbon_deck_button_writes_the_deck_next_to_the_book_and_changes_nothing_in_it(tmp_path, monkeypatch):
    import xlwings as xw
    from xlwings_fake import FakeBook

    from xlreview.excel import macros
    from xlreview.workbook.live import is_generated
    path = write_workbook(tmp_path / "shop.xlsm", frames(), macros=True)
    book = FakeBook.from_file(path)
    monkeypatch.setattr(xw.Book, "caller", classmethod(lambda cls: book))
    before = {s.name: dict(s.cells) for s in book.sheets}
    macros.make_deck()
    (prompt, _, mode), = book.app.alerts
    assert mode == "info" and "shop.pptx" in prompt
    assert len(Presentation(tmp_path / "shop.pptx").slides) > 5
    assert {s.name: dict(s.cells) for s in book.sheets} == before and book.saves == 0
    assert not [s for s in book.sheets if is_generated(s)]


def test_ribbon_deck_button_asks_to_save_an_unsaved_book(monkeypatch):
    import xlwings as xw
    from xlwings_fake import FakeBook

    from xlreview.excel import macros
    book = FakeBook("Book1")
    monkeypatch.setattr(xw.Book, "caller", classmethod(lambda cls: book))
    macros.make_deck()
    (prompt, _, _), = book.app.alerts
    assert prompt == macros.tr("macro.deck_save_first", "zh")
