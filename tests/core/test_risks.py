"""METRICS 9 (risk checklist), the JSON keys of METRICS 10, and the generated Channels / Products /
Quadrant / Risks sheets (values, number formats, names; read back with openpyxl, never zip bytes)."""
from __future__ import annotations

import datetime as dt
import json
import math

import openpyxl
import pandas as pd
import pytest
from sheet_cells import find, right_of
from test_channels import make_inputs, order
from worked_example import frames as worked_frames

from xlreview import pipeline
from xlreview.core import metrics
from xlreview.core.channels import channel_table
from xlreview.core.customers import reconciliation
from xlreview.core.products import product_table, quadrant_medians
from xlreview.core.review import Review, compute_review, review_json
from xlreview.core.risks import RISK_KINDS, risk_table
from xlreview.model.read import frames_to_raw, read_inputs
from xlreview.sheets.layout import FORMATS
from xlreview.template import write_workbook
from xlreview.text import label, render, sheet_name

D = dt.date


def worked_review(language: str = "zh"):
    frames = worked_frames()
    frames["Settings"] = pd.concat([frames["Settings"], pd.DataFrame({"key": ["language"], "value": [language]})])
    inputs, _ = read_inputs(frames_to_raw(frames))
    return compute_review(inputs)


def own_review(inputs) -> Review:
    """A Review with only channels, products and risks (independent of the other sections)."""
    lines = metrics.order_lines(inputs)
    summary = metrics.business_summary(inputs, lines)
    channels, products = channel_table(inputs, lines), product_table(inputs, lines)
    return Review(settings=inputs.settings, summary=summary, monthly=metrics.monthly_summary(inputs, lines),
                  previous=None, unknown_skus=list(inputs.unknown_skus), channels=channels, products=products,
                  risks=risk_table(inputs, lines, summary, channels, products),
                  reconciliation=reconciliation(summary, None, None, products), quadrant_medians=quadrant_medians(products))


def risks_of(review) -> pd.DataFrame:
    return review.risks.set_index("kind")


def test_every_risk_kind_is_listed_with_figure_threshold_and_whether_it_fires():
    r = risks_of(worked_review("en"))
    assert list(r.index) == RISK_KINDS
    assert r.at["channel_concentration", "figure"] == pytest.approx(1.0)          # Shop has all net sales
    assert bool(r.at["channel_concentration", "triggered"]) and r.at["channel_concentration", "threshold"] == 0.6
    assert r.at["product_concentration", "figure"] == pytest.approx(61 / 91)
    assert r.at["ad_dependency", "figure"] == pytest.approx(10 / 91)
    assert not r.at["ad_dependency", "triggered"]
    assert r.at["refund_hot_spots", "figure"] == 1 and r.at["refund_hot_spots", "items"] == "B"
    assert r.at["stock_overstock", "figure"] == 1 and "A" in render(r.at["stock_overstock", "message"], "en")
    assert r.at["stock_shortage", "figure"] == 0 and not r.at["stock_shortage", "triggered"]
    # the EUR line is fully refunded: 0 of net sales in a foreign currency
    assert r.at["currency_exposure", "figure"] == 0 and "EUR" in render(r.at["currency_exposure", "message"], "en")
    assert r.at["flexible_budget", "figure"] == pytest.approx(0.10 * (10 + 10))   # ads + marketing
    assert not r.at["flexible_budget", "triggered"]
    assert all(render(c, "en") for c in r["contingency"])


def test_currency_exposure_uses_the_original_currency_of_each_line():
    orders = [order("1", D(2026, 3, 1), "Amazon DE", "A", 1, 100, currency="EUR"),
              order("2", D(2026, 3, 1), "Shop", "A", 1, 80, currency="USD"),
              order("3", D(2026, 3, 1), "Shop", "A", 1, 20)]
    fx = pd.DataFrame({"currency": ["EUR"], "rate_to_base": [1.2]})
    r = risks_of(own_review(make_inputs(orders, FX=fx)))
    assert r.at["currency_exposure", "figure"] == pytest.approx(120 / 220)
    assert bool(r.at["currency_exposure", "triggered"])                          # > 0.5


def test_hero_stock_shortage_and_thresholds_from_settings():
    orders = [order(f"h{m}", D(2026, m, 10), "Shop", "H", 10, 1000) for m in range(1, 13)]
    orders.append(order("t", D(2026, 5, 1), "Shop", "T", 1, 10))
    products = pd.DataFrame({"sku": ["H", "T"], "unit_cost": [1, 1], "stock_qty": [5, 0]})
    inputs = make_inputs(orders, products, settings={"ad_dependency_tacos": 0.0})
    r = risks_of(own_review(inputs))
    assert r.at["stock_shortage", "figure"] == 1 and r.at["stock_shortage", "items"] == "H"   # 5 / (30/90) = 15 days
    assert r.at["ad_dependency", "threshold"] == 0.0 and not r.at["ad_dependency", "triggered"]  # tacos 0 is not > 0


def test_json_keys_of_channels_products_and_risks():
    payload = review_json(worked_review())
    text = json.dumps(payload, allow_nan=False)                 # inf and NaN became null
    assert "Infinity" not in text and "NaN" not in text
    ch, pr, rk = payload["channels"][0], payload["products"][0], payload["risks"][0]
    for key in ("channel", "net_sales", "net_profit", "sessions", "conversion_rate", "cart_abandonment_rate",
                "profit_per_hour", "growth", "class", "rank", "tacos", "fixed_costs"):
        assert key in ch, key
    for key in ("sku", "net_sales", "ad_spend", "net_profit", "sessions", "conversion_rate", "class", "quadrant",
                "action", "reason", "days_of_cover", "incomplete"):
        assert key in pr, key
    for key in ("kind", "figure", "threshold", "message", "triggered", "contingency"):
        assert key in rk, key
    a = next(p for p in payload["products"] if p["sku"] == "A")
    assert a["days_of_cover"] is None and a["class"] == "problem"


# ------------------------------------------------------------------------------------------ sheets
@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The worked example written as a real workbook and built through the pipeline (en labels)."""
    frames = worked_frames()
    frames["Settings"] = pd.concat([frames["Settings"], pd.DataFrame({"key": ["language"], "value": ["en"]})])
    path = tmp_path_factory.mktemp("wb") / "worked.xlsx"
    write_workbook(path, frames, macros=False)
    json_out = path.with_suffix(".json")
    pipeline.build(path, json_out)
    return openpyxl.load_workbook(path), json.loads(json_out.read_text(encoding="utf-8"))



def test_generated_sheet_names(built):
    wb, _ = built
    for key in ("channels", "products", "quadrant", "risks"):
        assert sheet_name(key, "en") in wb.sheetnames


def test_channels_sheet_values_formats_and_chart(built):
    wb, payload = built
    ws = wb[sheet_name("channels", "en")]
    shop = find(ws, "Shop")
    net_profit = right_of(ws, label("net_profit", "en"), shop)
    assert net_profit.value == 33 and net_profit.number_format == FORMATS["money"]
    assert right_of(ws, label("growth", "en"), shop).number_format == FORMATS["pct"]
    assert right_of(ws, label("class", "en"), shop).value == label("cclass_rising_star", "en")
    assert right_of(ws, label("rank", "en"), shop).value == 1
    amazon = find(ws, "Amazon")
    assert right_of(ws, label("net_margin", "en"), amazon).value is None          # 0 net sales: empty cell
    assert len(ws._charts) == 2
    assert {c["channel"]: c["class"] for c in payload["channels"]} == {"Shop": "rising_star", "Amazon": "problem"}


def test_products_sheet_values_formats_and_class_formatting(built):
    wb, _ = built
    ws = wb[sheet_name("products", "en")]
    cells = [c for c in ws["B"] if c.value == "A"]        # column A marks SKUs whose cost is unknown
    a = cells[0]
    assert right_of(ws, label("days_of_cover", "en"), a).value == "∞"
    assert right_of(ws, label("class", "en"), a).value == label("pclass_problem", "en")
    share = right_of(ws, label("share", "en"), a)
    assert share.value == pytest.approx(61 / 91) and share.number_format == FORMATS["pct"]
    assert "clearance" in right_of(ws, label("action", "en"), a).value
    rules = [r for rng in ws.conditional_formatting for r in rng.rules]
    assert len(rules) == 4 and any(label("pclass_hero", "en") in r.formula[0] for r in rules)


def test_quadrant_sheet_without_sku_traffic_explains_why(built):
    wb, _ = built
    ws = wb[sheet_name("quadrant", "en")]
    find(ws, label("quadrant_none", "en"))


def test_risks_sheet_checklist_with_traffic_light(built):
    wb, _ = built
    ws = wb[sheet_name("risks", "en")]
    row = find(ws, label("risk_channel_concentration", "en"))
    assert ws.cell(row=row.row, column=1).value == label("status_triggered", "en")
    fig = ws.cell(row=row.row, column=3)
    assert fig.value == pytest.approx(1.0) and fig.number_format == FORMATS["pct"]
    budget = find(ws, label("risk_flexible_budget", "en"))
    assert ws.cell(row=budget.row, column=1).value == label("status_advice", "en")
    assert ws.cell(row=budget.row, column=3).number_format == FORMATS["money"]
    assert len([r for rng in ws.conditional_formatting for r in rng.rules]) == 3


def test_quadrant_sheet_scatter_with_median_lines(tmp_path):
    orders = ([order(f"S{i}", D(2026, 4, 1), "X", "STAR") for i in range(10)] + [order("F", D(2026, 4, 1), "X", "FIX")]
              + [order(f"N{i}", D(2026, 4, 1), "X", "NEED") for i in range(5)])
    traffic = pd.DataFrame({"date": [D(2026, 4, 1)] * 4, "channel": ["X"] * 4,
                            "sku": ["STAR", "FIX", "NEED", "RETHINK"], "sessions": [100, 100, 10, 10]})
    products = pd.DataFrame({"sku": ["STAR", "FIX", "NEED", "RETHINK"], "unit_cost": 0.0})
    from xlreview.sheets import render
    review = own_review(make_inputs(orders, products, Traffic=traffic))
    path = tmp_path / "q.xlsx"
    render(review).save(path)
    ws = openpyxl.load_workbook(path)[sheet_name("quadrant", "zh")]
    chart = ws._charts[0]
    assert len(chart.series) == 4 + 2                         # one per quadrant + two median lines
    med = find(ws, label("median_sessions", "zh"))
    assert ws.cell(row=med.row, column=2).value == 55
    assert math.isclose(ws.cell(row=med.row + 1, column=2).value, 0.055)
    assert ws.cell(row=med.row + 1, column=2).number_format == "0.00%"     # 2 decimals tell these sides apart


@pytest.mark.libreoffice
def test_sheets_render_in_libreoffice(built, soffice, tmp_path):
    from xlreview.libreoffice import convert
    frames = worked_frames()
    path = tmp_path / "w.xlsx"
    write_workbook(path, frames, macros=False)
    pipeline.build(path)
    pdf = convert(path, "pdf", tmp_path)
    assert pdf.exists() and pdf.stat().st_size > 1000
