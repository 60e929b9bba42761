"""Weekly tracking (METRICS 8): actuals, cumulative figures, status boundaries, forecast; end to end with
a plan-year workbook (partial actuals) and the frozen plan across builds."""
from __future__ import annotations

import datetime as dt
import json

import numpy as np
import openpyxl
import pandas as pd
import pytest

from xlreview.core import metrics
from xlreview.core import tracking as T
from xlreview.core.goals import smart_check
from xlreview.core.inputs import Settings
from xlreview.core.plan import plan_days, plan_goals
from xlreview.model.read import frames_to_raw, read_inputs
from xlreview.pipeline import build
from xlreview.template import write_workbook

D = dt.date
S = Settings()


@pytest.mark.parametrize("deviation, status", [
    (0.0, "on_track"), (0.2, "on_track"), (-0.05, "on_track"), (-0.0500001, "at_risk"),
    (-0.10, "at_risk"), (-0.15, "at_risk"), (-0.1500001, "off_track"), (-1.0, "off_track"), (np.nan, None),
])
def test_status_boundaries(deviation, status):
    assert T.status_of(deviation, S) == status


@pytest.mark.parametrize("actual, status", [(95.0, "on_track"), (85.0, "at_risk"), (84.99, "off_track")])
def test_status_boundaries_from_cumulative_figures(actual, status):
    # 95 / 100 - 1 is -0.05000000000000004 in floating point: still on track
    assert T.status_of(actual / 100.0 - 1, S) == status


def test_thresholds_come_from_settings():
    s = Settings()
    s.thresholds["on_track_deviation"] = -0.01
    assert T.status_of(-0.02, s) == "at_risk"


# ---------------------------------------------------------------------------------------- frames
def _frames(extra_2027: list | None = None, goals: pd.DataFrame | None = None) -> dict:
    rows = []
    for m in range(1, 13):                       # 2026: 1,000 net sales a month, 10 orders of 100
        for k in range(10):
            rows.append([f"R{m}-{k}", D(2026, m, 1 + k), "Shop", "A", 1, 100.0, f"c{m}-{k}"])
    # 2027: Jan 1-3 (2026-W53) 300, then two full weeks (W01, W02) of 240 and 150 a week
    rows += [["Y0", D(2027, 1, 2), "Shop", "A", 3, 300.0, "n0"]]
    rows += [[f"Y1-{d}", D(2027, 1, 4 + d), "Shop", "A", 1, 40.0, f"n1-{d}"] for d in range(6)]
    rows += [[f"Y2-{d}", D(2027, 1, 11 + d), "Shop", "A", 1, 30.0, "c1-0"] for d in range(5)]
    rows += [["X1", D(2027, 1, 12), "eBay", "A", 1, 500.0, "e1"]]       # outside the goal scope
    rows += extra_2027 or []
    orders = pd.DataFrame(rows, columns=["order_id", "order_date", "channel", "sku", "quantity", "item_price",
                                         "customer_id"])
    if goals is None:
        goals = pd.DataFrame({"goal_id": ["G1", "G2"], "description": ["Shop 销售额 +20%", "AOV"],
                              "metric": ["net_sales", "aov"], "scope": ["channel=Shop", "all"],
                              "target": [14400.0, 110.0], "deadline": [D(2027, 12, 31)] * 2,
                              "pillar": ["增长", "增长"]})
    settings = pd.DataFrame({"key": ["review_year", "language", "strategy_pillars"], "value": [2026, "zh", "增长, 品牌"]})
    return {"Orders": orders, "Products": pd.DataFrame({"sku": ["A"], "unit_cost": [10.0]}), "Goals": goals,
            "Settings": settings}


def _review_parts(frames):
    inputs, report = read_inputs(frames_to_raw(frames))
    assert inputs is not None, report.lines()
    lines = metrics.order_lines(inputs)
    goals = smart_check(inputs, lines)
    goals, plan, _ = plan_goals(inputs, lines, goals)
    return inputs, lines, goals, plan


def test_weekly_tracking_figures():
    inputs, lines, goals, plan = _review_parts(_frames())
    tr = T.tracking_frame(inputs, lines, goals, plan)
    assert set(tr["goal_id"]) == {"G1"}                      # only additive goals are tracked
    weeks = plan_days(2027)["week"].unique().tolist()
    assert tr["week"].tolist() == weeks                        # every plan week, in order
    head = tr.head(3).reset_index(drop=True)
    assert head["week"].tolist() == ["2026-W53", "2027-W01", "2027-W02"]
    assert head["actual"].tolist() == [300.0, 240.0, 150.0]
    # flat seasonality: January 14400/12 = 1200 over 31 days -> 3 days = 116.13, 7 days = 270.97
    assert head["plan"].tolist() == pytest.approx([116.13, 270.97, 270.97], abs=0.011)
    assert head["cum_actual"].tolist() == [300.0, 540.0, 690.0]
    dev = 690.0 / head.at[2, "cum_plan"] - 1
    assert head.at[2, "deviation"] == pytest.approx(dev)
    assert head.at[2, "status"] == T.status_of(dev, S)
    assert head.at[2, "forecast"] == pytest.approx(690.0 + (14400.0 - head.at[2, "cum_plan"]) * 690.0 / head.at[2, "cum_plan"])
    rest = tr.iloc[3:]
    assert rest["actual"].isna().all() and rest["status"].isna().all() and rest["forecast"].isna().all()
    assert tr["cum_plan"].iloc[-1] == pytest.approx(14400.0)
    latest = T.latest_status(tr)
    assert latest["week"].tolist() == ["2027-W02"]


def test_the_report_has_every_goal_with_its_status_or_why_it_is_left_out():
    from xlreview.text import label, tr
    goals = pd.DataFrame({"goal_id": ["G1", "G2", "G3"], "description": ["Shop", "AOV", "no target"],
                          "metric": ["net_sales", "aov", "orders"], "scope": ["channel=Shop", "all", "all"],
                          "target": [14400.0, 110.0, None], "deadline": [D(2027, 12, 31)] * 3,
                          "pillar": ["增长"] * 3})
    inputs, lines, goals, plan = _review_parts(_frames(goals=goals))
    report = T.latest_week(goals, T.tracking_frame(inputs, lines, goals, plan))
    assert report["goal_id"].tolist() == ["G1", "G2", "G3"]
    assert report["status"].tolist()[1:] == ["not_additive", "not_planned"]
    assert report.at[0, "status"] in T.STATUSES and report.at[0, "week"] == "2027-W02"
    assert report.loc[1:, ["week", "cum_actual", "deviation", "forecast"]].isna().all().all()
    rows = report.to_dict(orient="records")
    for lang in ("zh", "en"):
        first, ratio, unplanned = (T.status_phrase(r, 2027).render(lang) for r in rows)
        dev = rows[0]["deviation"]
        assert first.startswith("G1  2027-W02  " + label("status_" + rows[0]["status"], lang) + f"  {dev:+.1%}  ")
        assert ratio == tr("msg.track_left_out", lang, goal="G2", description="AOV",
                           why=label("track_left_out_ratio", lang, metric=label("aov", lang)))
        assert unplanned.endswith(label("track_left_out_unplanned", lang))
    no_data = T.status_phrase({**rows[0], "status": "no_data"}, 2027).render("en")
    assert no_data == tr("msg.track_no_data", "en", goal="G1", description="Shop", year=2027)
    unknown = T.status_phrase({**rows[0], "status": None, "deviation": np.nan}, 2027).render("en")
    assert "  —  —  " in unknown


def test_no_plan_year_data_no_tracking_rows():
    frames = _frames()
    o = frames["Orders"]
    frames["Orders"] = o[o["order_date"].map(lambda d: d.year) == 2026]
    inputs, lines, goals, plan = _review_parts(frames)
    assert len(T.tracking_frame(inputs, lines, goals, plan)) == 0


@pytest.mark.parametrize("metric", ["net_sales", "orders", "units", "gross_profit", "new_customers", "customers",
                                    "net_profit"])
def test_vectorised_actuals_match_period_summary(metric):
    inputs, lines, _, _ = _review_parts(_frames())
    scope = {"channel": ["Shop"]}
    fast = T.weekly_actuals(inputs, lines, metric, scope)
    days = plan_days(2027)
    for week in ["2026-W53", "2027-W01", "2027-W02", "2027-W03"]:
        d = days.loc[days["week"] == week, "date"]
        expected = metrics.period_summary(inputs, d.min(), d.max(), scope, lines)[metric]
        assert fast.get(week, 0.0) == pytest.approx(expected), week


# ------------------------------------------------------------------------------------ end to end
def test_plan_year_workbook_end_to_end_and_frozen_plan(tmp_path):
    path = tmp_path / "shop.xlsx"
    write_workbook(path, _frames(), macros=False)
    out = tmp_path / "r.json"
    result = build(path, out)
    data = json.loads(out.read_text(encoding="utf-8"))

    goals = {g["goal_id"]: g for g in data["goals"]}
    assert set(goals["G1"]) >= {"goal_id", "S", "M", "A", "R", "T", "smart", "baseline", "required_growth",
                                "reference_growth", "achievability"}
    assert goals["G1"]["smart"] and goals["G1"]["baseline"] == pytest.approx(12000.0)
    assert goals["G1"]["required_growth"] == pytest.approx(0.2)
    assert goals["G1"]["S"] == {"pass": True, "reason": goals["G1"]["S"]["reason"],
                                "reason_codes": [{"code": "goal.s_ok", "params": {
                                    "metric": [{"code": "label.net_sales", "params": {}}],
                                    "scope": [{"code": "goal.scope_channel", "params": {"values": "Shop"}}]}}]}

    plan = pd.DataFrame(data["plan"])
    g1 = plan[plan["goal_id"] == "G1"]
    for grain in ("month", "quarter", "week"):
        assert round(g1.loc[g1["grain"] == grain, "target"].sum(), 2) == 14400.0
    assert "2026-W53" in set(g1["period"]) and "2027-Q1" in set(g1["period"])
    g2 = plan[(plan["goal_id"] == "G2") & (plan["grain"] == "month")]
    assert g2["target"].iloc[-1] == 110.0                     # ratio path reaches the target in December

    tr = pd.DataFrame(data["tracking"])
    assert set(tr.columns) >= {"goal_id", "week", "plan", "actual", "cum_plan", "cum_actual", "deviation", "status",
                               "forecast"}
    known = tr[tr["actual"].notna()]
    assert known["actual"].tolist() == [300.0, 240.0, 150.0]
    assert known["status"].tolist()[-1] in T.STATUSES

    wb = openpyxl.load_workbook(path)
    assert {"SMART检查", "计划", "周跟踪", "xlr_plan"} <= set(wb.sheetnames)
    assert wb["xlr_plan"].sheet_state == "hidden"
    ws = wb["周跟踪"]
    cells = [c for row in ws.iter_rows(values_only=True) for c in row if c is not None]
    assert "2027-W02" in cells and 690.0 in cells
    assert ws._charts, "a chart of cumulative plan vs actual"
    assert wb["计划"]._charts
    smart = wb["SMART检查"]
    assert smart.conditional_formatting

    frozen_jan = g1.loc[g1["period"] == "2027-01", "target"].item()
    # more 2026 sales in January change the seasonality, and a 2027 week more arrives: the plan stays frozen
    more = [[f"J{k}", D(2026, 1, 20), "Shop", "A", 1, 1000.0, "j"] for k in range(6)]
    more += [["Y3", D(2027, 1, 19), "Shop", "A", 1, 400.0, "z"]]
    _replace_orders(path, _frames(more), tmp_path)
    build(path, out)
    data2 = json.loads(out.read_text(encoding="utf-8"))
    p2 = pd.DataFrame(data2["plan"])
    assert p2.loc[(p2["goal_id"] == "G1") & (p2["period"] == "2027-01"), "target"].item() == frozen_jan
    assert {g["goal_id"]: g["plan_frozen"] for g in data2["goals"]}["G1"] is True
    t2 = pd.DataFrame(data2["tracking"])
    assert t2.loc[t2["actual"].notna(), "week"].tolist()[-1] == "2027-W03"

    result = build(path, out, replan=True)
    data3 = json.loads(out.read_text(encoding="utf-8"))
    p3 = pd.DataFrame(data3["plan"])
    new_jan = p3.loc[(p3["goal_id"] == "G1") & (p3["period"] == "2027-01"), "target"].item()
    assert new_jan != frozen_jan and new_jan == pytest.approx(14400.0 * 7000 / 18000, abs=0.01)
    assert not result.review.goals[0]["plan_frozen"]


def _replace_orders(path, frames, tmp_path):
    """Put new Orders rows into the built workbook, keeping its generated sheets (as a user would)."""
    from xlreview.workbook.headless import HeadlessBackend
    fresh = tmp_path / "fresh.xlsx"
    write_workbook(fresh, frames, macros=False)
    src = openpyxl.load_workbook(fresh)["Orders"]
    wb = openpyxl.load_workbook(path)
    ws = wb["Orders"]
    ws.delete_rows(1, ws.max_row)
    for row in src.iter_rows(values_only=True):
        ws.append(list(row))
    wb.save(path)
    assert "xlr_plan" in HeadlessBackend(path).sheet_names()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_track_prints_the_tracking_sheets_latest_week_in_the_books_language(lang, tmp_path):
    """One owner: ``latest_week`` gives the Tracking sheet's latest block and ``xlreview track``'s lines."""
    from click.testing import CliRunner

    from xlreview.cli import cli
    from xlreview.text import label, sheet_name
    frames = _frames()
    frames["Settings"] = frames["Settings"].assign(value=frames["Settings"]["value"].where(
        frames["Settings"]["key"] != "language", lang))
    no_data = pd.DataFrame({"goal_id": ["G3"], "description": ["eBay"], "metric": ["orders"],
                            "scope": ["channel=Amazon"], "target": [50.0], "deadline": [D(2027, 12, 31)],
                            "pillar": ["增长"]})
    frames["Goals"] = pd.concat([frames["Goals"], no_data], ignore_index=True)
    path = write_workbook(tmp_path / "t.xlsx", frames, macros=False)
    res = CliRunner().invoke(cli, ["track", str(path)], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    lines = [ln for ln in res.output.splitlines() if ln.startswith(("G1  ", "G3  "))]
    assert len(lines) == 2 and lines[0].startswith("G1  2027-W02  ") and lines[1].startswith("G3  ")
    ws = openpyxl.load_workbook(path)[sheet_name("tracking", lang)]
    cells = [c for row in ws.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    status = next(c for c in cells if c in {label("status_" + s, lang) for s in T.STATUSES})
    assert f"  {status}  " in lines[0]
    assert ("累计实际" in lines[0]) == (lang == "zh") and ("cumulative actual" in lines[0]) == (lang == "en")
    # the goals left out say why, in the same words as the sheet's catalogue (G2: aov is a ratio)
    g2 = next(ln for ln in res.output.splitlines() if ln.startswith("G2  "))
    assert g2.endswith(label("track_left_out_ratio", lang, metric=label("aov", lang)))
