"""The seller's to-do list: the few actions the whole review points to, most money first.

``next_actions(settings, channels, products, campaigns, keywords, promotions, risks, goals)`` reads the
finished sections and returns one row per action with the area, the item, what to do and the
money at stake, so the Dashboard can open with "what to do next" instead of a wall of figures.
Pure pandas; every action repeats an action or verdict already computed by its section (one rule,
one place), it only selects and orders them.
"""
from __future__ import annotations

import pandas as pd

from ..text import Phrase
from .inputs import Settings

AREAS = ["channel", "product", "ads", "promotion", "risk", "goal"]     # words: catalogue action.area_<area>


def next_actions(settings: Settings, channels: pd.DataFrame | None, products: pd.DataFrame | None,
                 campaigns: pd.DataFrame | None, keywords: pd.DataFrame | None, promotions: pd.DataFrame | None,
                 risks: pd.DataFrame | None, goals: list[dict] | None, limit: int = 18,
                 per_area: int = 3) -> pd.DataFrame:
    """Columns area (a code of ``AREAS``), item, action (``text.Phrase``), at_stake (money, base currency;
    NaN where none).

    The inputs are the tables of their sections: ``channels.channel_table``, ``products.product_table``,
    ``marketing.campaign_table`` / ``keyword_table`` / ``promotion_table``, ``risks.risk_table`` and the
    goal records of ``plan.plan_goals``; a missing one (None) adds no action.

    At most ``per_area`` actions of each area (so ads cannot crowd out risks and goals), the biggest
    money at stake first, then the actions without a figure, at most ``limit`` in all.
    """
    rows: list[dict] = []

    def add(area, item, action, at_stake=float("nan")):
        rows.append({"area": area, "item": item if isinstance(item, Phrase) else str(item), "action": action, "at_stake": float(at_stake)})

    ch = channels
    if ch is not None:
        for _, r in ch[ch["class"].isin(["problem", "rising_star"])].iterrows():
            add("channel", r["channel"], r["action"], abs(r["net_profit"]))
    pr = products
    if pr is not None:
        short = pr["days_of_cover"] < settings.t("hero_min_cover_days")
        focus = pr[pr["class"].eq("problem") | (pr["class"].eq("hero") & short)]   # heroes only when stock runs out
        for _, r in focus.sort_values("net_sales", ascending=False).head(6).iterrows():
            stake = abs(r["net_profit"]) if r["class"] == "problem" else r["net_sales"]
            add("product", r["sku"], r["action"], stake)
    camp = campaigns
    if camp is not None and "suggestion" in camp.columns:
        for _, r in camp[camp["suggestion"].isin(["pause", "lower_bid", "scale"])].iterrows():
            fmt = dict(acos=r["acos"], be=r["break_even_acos"], profit=r["ad_profit"], spend=r["spend"])
            if r["suggestion"] == "pause":
                text = Phrase.of("action.campaign_pause", **fmt)
            elif r["suggestion"] == "scale":
                text = Phrase.of("action.campaign_scale", **fmt)
            else:
                text = Phrase.of("action.campaign_cut", verdict=Phrase.of("action.campaign_lower_bid"), **fmt)
            add("ads", f"{r['channel']} · {r['campaign']}", text, abs(r["ad_profit"]) if r["suggestion"] != "pause"
                else r["spend"])
    kw = keywords
    if kw is not None and len(kw) and kw["waste"].any():
        w = kw[kw["waste"]]
        add("ads", ", ".join(w["keyword"].head(3)) + ("…" if len(w) > 3 else ""),
            Phrase.of("action.waste", n=len(w), spend=float(w["spend"].sum())), w["spend"].sum())
    pm = promotions
    if pm is not None and len(pm):
        for _, r in pm[pm["verdict"].isin(["pulled_forward", "no_lift"])].iterrows():
            if r["verdict"] == "pulled_forward":
                add("promotion", r["name"], Phrase.of("action.promo_pulled", dip=r["dip"], ratio=r["pull_forward_ratio"]),
                    r["dip"])
            else:
                add("promotion", r["name"], Phrase.of("action.promo_none"), abs(r.get("incremental_sales", 0.0) or 0.0))
    rk = risks
    if rk is not None:
        for _, r in rk[rk["triggered"]].iterrows():
            add("risk", Phrase.of("action.risk_" + r["kind"]),
                Phrase.join([r["message"], r["contingency"]], sep="then"), r.get("amount", float("nan")))
    for g in goals or []:
        if g.get("achievability") == "unrealistic" or not g.get("smart"):
            verdict = Phrase.of("action.verdict_" + ("unrealistic" if g.get("achievability") == "unrealistic"
                                                      else "not_smart"))
            if g.get("suggestion") is not None and g["suggestion"].parts:
                add("goal", g["goal_id"], Phrase.of("action.goal", verdict=verdict, suggestion=g["suggestion"]))
    out = pd.DataFrame(rows, columns=["area", "item", "action", "at_stake"])
    # money at stake first; actions without a figure (risks, goals) keep their order after them
    out = out.assign(_has=out["at_stake"].notna()).sort_values(["_has", "at_stake"], ascending=[False, False],
                                                              kind="mergesort")
    out = out.groupby("area", sort=False).head(per_area)
    return out.drop(columns="_has").head(limit).reset_index(drop=True)
