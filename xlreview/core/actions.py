"""The seller's to-do list: the few actions the whole review points to, most money first.

``next_actions(review)`` reads the finished sections (channels, products, campaigns, keywords,
promotions, risks, goals) and returns one row per action with the area, the item, what to do and the
money at stake, so the Dashboard can open with "what to do next" instead of a wall of figures.
Pure pandas; every action repeats an action or verdict already computed by its section (one rule,
one place), it only selects and orders them.
"""
from __future__ import annotations

import pandas as pd

AREAS = {"channel": ("渠道", "Channel"), "product": ("产品", "Product"), "ads": ("广告", "Ads"),
         "promotion": ("促销", "Promotion"), "risk": ("风险", "Risk"), "goal": ("目标", "Goal")}

TEXT = {
    "campaign_cut": ("{verdict}：ACoS {acos:.1%} 高于盈亏平衡 {be:.1%}，广告后利润 {profit:,.0f}",
                     "{verdict}: ACoS {acos:.1%} above break-even {be:.1%}, profit after ads {profit:,.0f}"),
    "campaign_pause": ("暂停：花费 {spend:,.0f} 没有带来订单", "pause: {spend:,.0f} spent without an order"),
    "campaign_scale": ("加预算放量：ACoS {acos:.1%}，远低于盈亏平衡 {be:.1%}，广告后利润 {profit:,.0f}",
                       "scale up: ACoS {acos:.1%}, far under break-even {be:.1%}, profit after ads {profit:,.0f}"),
    "waste": ("{n} 个关键词花费 {spend:,.0f} 没有订单：加为否定词", "{n} keywords spent {spend:,.0f} without an order: "
              "add them as negatives"),
    "promo_pulled": ("促销透支了之后的销量（回落 {dip:,.0f}，透支比 {ratio:.0%}）：下次缩短时长或降低折扣",
                     "the promotion pulled sales forward (dip {dip:,.0f}, ratio {ratio:.0%}): run it shorter or "
                     "with a smaller discount next time"),
    "promo_none": ("促销没有带来提升：下次不做或换玩法", "no lift from the promotion: drop it or change the mechanic"),
    "goal": ("{verdict}：{suggestion}", "{verdict}: {suggestion}"),
}
RISK_NAMES = {"channel_concentration": ("渠道集中", "channel concentration"),
              "product_concentration": ("单品集中", "product concentration"),
              "ad_dependency": ("广告依赖", "ad dependency"), "refund_hot_spots": ("退货热点", "refund hot spots"),
              "stock_overstock": ("库存积压", "overstock"), "stock_shortage": ("爆款断货", "hero stock-out"),
              "currency_exposure": ("汇率敞口", "currency exposure"), "flexible_budget": ("机动预算", "flexible budget")}
GOAL_VERDICT = {"unrealistic": ("目标不现实", "unrealistic target"), "not_smart": ("目标不够 SMART", "goal is not SMART")}
CAMPAIGN_VERDICT = {"lower_bid": ("降低出价", "lower bids")}


def next_actions(review, limit: int = 18, per_area: int = 3) -> pd.DataFrame:
    """Columns area, item, action, at_stake (money, base currency; NaN where none).

    At most ``per_area`` actions of each area (so ads cannot crowd out risks and goals), the biggest
    money at stake first, then the actions without a figure, at most ``limit`` in all.
    """
    i = 0 if review.lang == "zh" else 1
    rows: list[dict] = []

    def add(area, item, action, at_stake=float("nan")):
        rows.append({"area": AREAS[area][i], "item": str(item), "action": action, "at_stake": float(at_stake)})

    ch = review.channels
    if ch is not None:
        for _, r in ch[ch["class"].isin(["problem", "rising_star"])].iterrows():
            add("channel", r["channel"], r["action"], abs(r["net_profit"]))
    pr = review.products
    if pr is not None:
        short = pr["days_of_cover"] < review.settings.t("hero_min_cover_days")
        focus = pr[pr["class"].eq("problem") | (pr["class"].eq("hero") & short)]   # heroes only when stock runs out
        for _, r in focus.sort_values("net_sales", ascending=False).head(6).iterrows():
            stake = abs(r["net_profit"]) if r["class"] == "problem" else r["net_sales"]
            add("product", r["sku"], r["action"], stake)
    camp = review.campaigns
    if camp is not None and "suggestion" in camp.columns:
        for _, r in camp[camp["suggestion"].isin(["pause", "lower_bid", "scale"])].iterrows():
            fmt = dict(acos=r["acos"], be=r["break_even_acos"], profit=r["ad_profit"], spend=r["spend"])
            if r["suggestion"] == "pause":
                text = TEXT["campaign_pause"][i].format(**fmt)
            elif r["suggestion"] == "scale":
                text = TEXT["campaign_scale"][i].format(**fmt)
            else:
                text = TEXT["campaign_cut"][i].format(verdict=CAMPAIGN_VERDICT["lower_bid"][i], **fmt)
            add("ads", f"{r['channel']} · {r['campaign']}", text, abs(r["ad_profit"]) if r["suggestion"] != "pause"
                else r["spend"])
    kw = review.keywords
    if kw is not None and len(kw) and kw["waste"].any():
        w = kw[kw["waste"]]
        add("ads", ", ".join(w["keyword"].head(3)) + ("…" if len(w) > 3 else ""),
            TEXT["waste"][i].format(n=len(w), spend=w["spend"].sum()), w["spend"].sum())
    pm = review.promotions
    if pm is not None and len(pm):
        for _, r in pm[pm["verdict"].isin(["pulled_forward", "no_lift"])].iterrows():
            if r["verdict"] == "pulled_forward":
                add("promotion", r["name"], TEXT["promo_pulled"][i].format(dip=r["dip"], ratio=r["pull_forward_ratio"]),
                    r["dip"])
            else:
                add("promotion", r["name"], TEXT["promo_none"][i], abs(r.get("incremental_sales", 0.0) or 0.0))
    rk = review.risks
    if rk is not None:
        for _, r in rk[rk["triggered"]].iterrows():
            add("risk", RISK_NAMES.get(r["kind"], (r["kind"], r["kind"]))[i], f"{r['message']} → {r['contingency']}",
                r.get("amount", float("nan")))
    for g in review.goals or []:
        if g.get("achievability") == "unrealistic" or not g.get("smart"):
            verdict = GOAL_VERDICT["unrealistic" if g.get("achievability") == "unrealistic" else "not_smart"][i]
            if g.get("suggestion"):
                add("goal", g["goal_id"], TEXT["goal"][i].format(verdict=verdict, suggestion=g["suggestion"]))
    out = pd.DataFrame(rows, columns=["area", "item", "action", "at_stake"])
    # money at stake first; actions without a figure (risks, goals) keep their order after them
    out = out.assign(_has=out["at_stake"].notna()).sort_values(["_has", "at_stake"], ascending=[False, False],
                                                              kind="mergesort")
    out = out.groupby("area", sort=False).head(per_area)
    return out.drop(columns="_has").head(limit).reset_index(drop=True)


def actions_step(inputs, lines, review) -> None:
    """Review step (runs last): the to-do list of the Dashboard and the JSON ``actions``."""
    review.actions = next_actions(review)
