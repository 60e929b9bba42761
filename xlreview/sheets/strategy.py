"""The Strategy sheet (来年策略): where next year's money goes and why, which markets to deepen or test,
which products to replicate, fix or clear -- every line with the measured figure behind it.

The figures are ``review.strategy`` (``core.strategy.strategy_tables``); this module only lays them out and
turns the rule codes into sentences (``strategy_texts``, shared with the deck).
"""
from __future__ import annotations

import pandas as pd
from openpyxl.workbook import Workbook

from ..core.channels import fmt_money, fmt_pct
from ..core.plan import listing_cadence
from ..core.review import Review
from ..core.strategy import BUDGET_CHANGE, RESERVE
from ..text import label, render
from .layout import SUB_FONT, Col, put, start_sheet, write_block_title, write_table, write_tiles

TEXT_WIDTH = 60
# columns A:B name a row (channel and line; country and class; from and to) and repeat on every printed page of
# a table split by columns, so together they stay within a quarter of a page (printing.key_columns)
KEY_WIDTH = 18           # line names wrap at this width
REASON_WIDTH = 30        # the reason columns of the markets and products tables share column C with the kind
MOVE_ENDS = {BUDGET_CHANGE: "st_budget_change_line", RESERVE: "st_reserve_line"}


def _num(x, digits=0) -> str:
    return "—" if x is None or pd.isna(x) else f"{x:,.{digits}f}"


def line_label(name: str, lang: str) -> str:
    """A budget_moves source/target: the reserve and the budget change have labels, lines are their names."""
    return label(MOVE_ENDS[name], lang) if name in MOVE_ENDS else name


def budget_basis_text(review: Review) -> str:
    b = review.strategy["budget"].iloc[0]
    return label(f"st_basis_{b['basis']}", review.lang, spend=fmt_money(b["spend"]), goals=b["goal_ids"],
                 growth=fmt_pct(b["growth"]), budget=fmt_money(b["budget"]))


def line_reasons(review: Review) -> list[str]:
    """The rule behind each budget line's verdict, with its figures, then how its amount was set."""
    lang, t = review.lang, review.settings.t
    out = []
    for _, r in review.strategy["budget_lines"].iterrows():
        why = label(f"st_rule_{r['rule']}", lang, acos=fmt_pct(1 / r["roas"]) if r["roas"] else "—",
                    margin=fmt_pct(r["margin"]), raise_share=fmt_pct(t("raise_bid_acos_share")),
                    profit=fmt_money(r["profit_after_spend"]), spend=fmt_money(r["spend"]),
                    sales=fmt_money(r["sales"]))
        how = label(f"st_amount_{r['verdict']}", lang, max_inc=fmt_pct(t("budget_max_increase")),
                    keep=fmt_pct(1 - t("budget_cut_share")))
        out.append(f"{why} → {how}")
    return out


def market_reasons(review: Review) -> list[str]:
    lang, t = review.lang, review.settings.t
    return [label(f"st_rule_market_{r['class']}", lang, share=fmt_pct(r["share"]), growth=fmt_pct(r["growth"]),
                  margin=fmt_pct(r["contribution_margin"]), deepen_share=fmt_pct(t("market_deepen_share")),
                  test_growth=fmt_pct(t("market_test_growth")), min_margin=fmt_pct(t("market_min_margin")))
            for _, r in review.strategy["markets"].iterrows()]


def product_todo(review: Review) -> list[str]:
    lang = review.lang
    reasons = review.products.set_index("sku")["reason"] if review.products is not None else pd.Series(dtype=object)
    out = []
    for _, r in review.strategy["products"].iterrows():
        if r["action"] == "replicate":
            out.append(label("st_do_replicate", lang, channels=r["channels_to_add"] or label("st_none", lang),
                             markets=r["markets_to_add"] or label("st_none", lang)))
        elif r["action"] == "fix_listing":
            out.append(label("st_do_fix_listing", lang, conv=fmt_pct(r["conversion_rate"]),
                             median=fmt_pct(r["median_conversion"]), sessions=_num(r["sessions"]),
                             potential=fmt_money(r["potential_net_sales"])))
        else:
            days = "∞" if r["days_of_cover"] == float("inf") else _num(r["days_of_cover"])
            out.append(label("st_do_clear", lang, cause=reasons.get(r["sku"], ""), qty=_num(r["stock_qty"]),
                             value=fmt_money(r["stock_value"]), days=days))
    return out


def write_strategy(wb: Workbook, review: Review) -> None:
    """Add the Strategy sheet (nothing when the review has no strategy)."""
    st = review.strategy
    if st is None:
        return
    lang = review.lang
    ws, row = start_sheet(wb, "strategy", review, "strategy_title")
    ws.cell(row=1, column=1).value = label("strategy_title", lang, year=review.settings.plan_year)
    b = st["budget"].iloc[0]
    row = write_block_title(ws, row, 1, label("st_budget_block", lang))
    row = write_tiles(ws, [("st_spend", b["spend"], "money"), ("st_budget", b["budget"], "money"),
                           ("st_allocated", b["allocated"], "money"), ("st_reserve", b["reserve"], "money"),
                           ("st_effect", b["expected_profit_change"], "money")], row, lang=lang)
    for text in (budget_basis_text(review),
                 label("st_reserve_note", lang, reserve=fmt_money(b["reserve"]), share=fmt_pct(b["reserve_share"])),
                 label("st_assumption", lang)):
        put(ws, row, 1, text, font=SUB_FONT)
        row += 1
    row += 1

    lines = st["budget_lines"].assign(
        kind_label=[label(f"st_line_{k}", lang) for k in st["budget_lines"]["kind"]],
        verdict_label=[label(f"st_verdict_{v}", lang) for v in st["budget_lines"]["verdict"]],
        why=line_reasons(review))
    row = write_block_title(ws, row, 1, label("st_lines_block", lang))
    cols = [Col("channel"), Col("line", "st_line", width=KEY_WIDTH, wrap=True), Col("kind_label", "st_kind", "text"),
            Col("spend", "st_spend", "money"), Col("sales", "st_sales", "money"), Col("roas"),
            Col("profit_after_spend", "st_profit_after_spend", "money"), Col("verdict_label", "st_verdict", "text"),
            Col("budget", "st_budget", "money"), Col("change", "st_change", "money"),
            Col("expected_sales", "st_expected_sales", "money"),
            Col("expected_profit_change", "st_expected_profit_change", "money"),
            Col("why", "st_why", "text", width=TEXT_WIDTH, wrap=True)]
    total = {k: float(lines[k].sum()) for k in ("spend", "budget", "change", "expected_profit_change")}
    _, last = write_table(ws, lines, cols, row, 1, lang, total=total)
    row = last + 2

    row = write_block_title(ws, row, 1, label("st_channels_block", lang))
    ch = st["budget_channels"]
    _, last = write_table(ws, ch, [Col("channel"), Col("spend", "st_spend", "money"), Col("budget", "st_budget", "money"),
                                   Col("change", "st_change", "money")], row, 1, lang)
    row = last + 2

    row = write_block_title(ws, row, 1, label("st_moves_block", lang))
    mv = st["budget_moves"].assign(source=[line_label(x, lang) for x in st["budget_moves"]["source"]],
                                   target=[line_label(x, lang) for x in st["budget_moves"]["target"]])
    _, last = write_table(ws, mv, [Col("source", "st_source", width=KEY_WIDTH, wrap=True),
                                   Col("target", "st_target_line", width=KEY_WIDTH, wrap=True),
                                   Col("amount", "st_amount", "money")], row, 1, lang)
    row = last + 2

    mk = st["markets"]
    if len(mk):
        row = write_block_title(ws, row, 1, label("st_markets_block", lang))
        mk = mk.assign(class_label=[label(f"st_class_{c}", lang) for c in mk["class"]], why=market_reasons(review))
        cols = [Col("country"), Col("class_label", "st_market_class", "text"),
                Col("why", "st_why", "text", width=REASON_WIDTH, wrap=True), Col("net_sales", kind="money"),
                Col("share", kind="pct"), Col("growth", kind="pct"), Col("ad_spend", kind="money"),
                Col("contribution_profit", "st_contribution_profit_m", "money"),
                Col("contribution_margin", "st_contribution_margin", "pct")]
        _, last = write_table(ws, mk, cols, row, 1, lang)
        row = last + 2

    pr = st["products"]
    if len(pr):
        row = write_block_title(ws, row, 1, label("st_products_block", lang))
        pr = pr.assign(action_label=[label(f"st_action_{a}", lang) for a in pr["action"]], todo=product_todo(review))
        cols = [Col("action_label", "st_action", "text"), Col("sku"),
                Col("todo", "st_what_to_do", "text", width=REASON_WIDTH, wrap=True), Col("net_sales", kind="money"),
                Col("net_profit", kind="money"), Col("potential_net_sales", "st_potential_net_sales", "money"),
                Col("stock_value", "st_stock_value", "money")]
        _, last = write_table(ws, pr, cols, row, 1, lang)
        row = last + 2

    nl = st["new_listings"]
    if len(nl):
        row = write_block_title(ws, row, 1, label("st_listings_block", lang))
        nl = nl.assign(cadence=[render(listing_cadence(int(t)), lang) for t in nl["total"]])
        write_table(ws, nl, [Col("goal_id"), Col("total", "st_new_listings_total", "int"),
                             Col("cadence", "st_cadence", "text"), Col("basis", "st_basis_first_year", "money")], row, 1, lang)
    ws.freeze_panes = "C4"        # channel and line: repeated on every printed page of the wide budget table
