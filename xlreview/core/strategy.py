"""Next year's strategy in three dimensions -- marketing budget, markets, products -- from the finished review.

Pure pandas; every rule is data (``LINE_RULES``, ``MARKET_RULES``, ``PRODUCT_RULES``) over thresholds of
``core.thresholds`` (Settings may override each), and returns codes and numbers only: the Strategy sheet and
the deck turn them into words. docs/metrics.md section 10 ("来年策略 / Strategy") defines every rule with a
worked example.

``strategy_tables(inputs, lines, summary, channels, campaigns, content, promotions, products, medians, goals,
plan_actions)`` returns a dict of frames (all money in base currency, ratios as fractions):

- ``budget`` (one row): spend (this year's ad_spend + marketing_costs), ad_spend, marketing_costs, basis
  (``setting`` | ``goal_growth`` | ``flat``), growth (net_sales growth the budget follows; 0 when flat),
  goal_ids (the goals behind the growth), budget (next year's total), reserve_share, reserve (kept flexible,
  including what no line could take), allocated (budget - reserve), expected_profit_change.
- ``budget_lines``: one row per spending line of this year -- kind (``campaign`` | ``content`` | ``promotion``
  | ``marketing``), channel ("" when the line has none), line (campaign, content format, promotion name or
  Marketing type), spend, sales (attributed: Ads sales, Content revenue, promotion incremental_sales; NaN for
  other marketing), roas (sales / spend), margin (the margin before ads that turns sales into profit),
  profit_after_spend, profit_per_spend, verdict (``increase`` | ``keep`` | ``cut`` | ``stop``), rule (the code
  of the rule that fired), budget (next year), change (budget - spend), expected_sales (budget x roas),
  expected_profit_change (change x profit_per_spend; 0 where the return is unknown).
- ``budget_channels``: channel, spend, budget, change (lines without a channel under "").
- ``budget_moves``: source, target, amount -- where the money of each line that shrinks (and new budget) goes.
- ``markets``: country, net_sales, share, growth, growth_basis (``yoy`` | ``h2_h1``), ad_spend,
  contribution_profit, contribution_margin, class (``deepen`` | ``test`` | ``hold``).
- ``products``: action (``replicate`` | ``fix_listing`` | ``clear``), sku, class, quadrant, cause, net_sales,
  net_profit, sessions, conversion_rate, median_conversion, potential_net_sales, stock_qty, stock_value,
  days_of_cover, channels_to_add, markets_to_add.
- ``new_listings``: goal_id, total, per_week, basis (from the plan's ``new_listings`` actions).
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .channels import channel_growth
from .customers import UNKNOWN_COUNTRY
from .inputs import Inputs
from .metrics import LineIndex, Lines, parse_scope, safe_div, year_bounds

# ------------------------------------------------------------------------------------- the rules as data
# Campaigns keep the verdict their section already gave them (``marketing.campaign_table`` suggestion).
CAMPAIGN_VERDICTS = {"scale": "increase", "keep": "keep", "lower_bid": "cut", "pause": "stop"}
# Promotions: their METRICS 4 verdict and promo_profit.
PROMOTION_VERDICTS = {"incremental": "increase", "pulled_forward": "cut", "no_lift": "stop"}
VERDICTS = ["increase", "keep", "cut", "stop"]

# Markets, first match wins: (class, [(figure, operator, threshold key)]); NaN never matches.
MARKET_RULES: list[tuple[str, list[tuple[str, str, str]]]] = [
    ("deepen", [("share", ">=", "market_deepen_share"), ("contribution_margin", ">", "market_min_margin")]),
    ("test", [("share", "<", "market_deepen_share"), ("growth", ">=", "market_test_growth"),
              ("contribution_margin", ">", "market_min_margin")]),
    ("hold", []),
]
MARKET_CLASSES = [c for c, _ in MARKET_RULES]
PRODUCT_ACTIONS = ["replicate", "fix_listing", "clear"]

_OPS = {">=": np.greater_equal, ">": np.greater, "<": np.less, "<=": np.less_equal}


def _fires(frame: pd.DataFrame, conditions, t) -> pd.Series:
    mask = pd.Series(True, index=frame.index)
    for figure, op, key in conditions:
        v = frame[figure].astype("float64")
        mask &= pd.Series(_OPS[op](v.to_numpy(), float(t(key))), index=frame.index) & v.notna()
    return mask


# --------------------------------------------------------------------------------------------- budget
def margin_before_ads(summary: dict) -> float:
    """(gross_profit - platform, fulfillment and shipping costs) / net_sales of the whole business: what a
    sale earns before its ads (the business-level break-even ACoS of ``marketing.break_even_acos``)."""
    before = (summary["gross_profit"] - summary["platform_fees"] - summary["fulfillment_fees"]
              - summary["shipping_costs"])
    return safe_div(before, summary["net_sales"])


def budget_growth(summary: dict, goals: list[dict] | None) -> tuple[float, list[str], str]:
    """(growth, goal_ids, basis) the budget follows when Settings next_year_budget is blank.

    A SMART net_sales goal of the whole business gives its required_growth. Without one, SMART net_sales
    goals whose scopes are channels only and name different channels add up: growth = Σ (target - baseline)
    / this year's net_sales (the other channels held flat). Otherwise the budget stays flat (growth 0).
    """
    smart = [g for g in goals or [] if g.get("smart") and g.get("metric") == "net_sales"
             and g.get("target") is not None and g.get("baseline") is not None
             and not pd.isna(g.get("target")) and not pd.isna(g.get("baseline"))]
    for g in smart:
        if parse_scope(g.get("scope", "")) == {}:
            return float(g["target"] / g["baseline"] - 1), [g["goal_id"]], "goal_growth"
    seen: set[str] = set()
    picked = []
    for g in smart:
        scope = parse_scope(g.get("scope", ""))
        if not scope or set(scope) != {"channel"} or seen & set(scope["channel"]):
            continue
        seen |= set(scope["channel"])
        picked.append(g)
    ns = summary.get("net_sales") or 0.0
    if picked and ns > 0:
        added = sum(float(g["target"]) - float(g["baseline"]) for g in picked)
        return added / ns, [g["goal_id"] for g in picked], "goal_growth"
    return 0.0, [], "flat"


def budget_lines(inputs: Inputs, summary: dict, campaigns: pd.DataFrame | None, content: pd.DataFrame | None,
                 promotions: pd.DataFrame | None) -> pd.DataFrame:
    """This year's spending lines with their measured return and verdict (before any amount is set).

    Campaigns: Ads spend and sales, profit after ads = ``ad_profit`` (sales x the channel's margin before
    ads - spend), verdict from the campaign's suggestion. Content formats: cost and revenue, profit = revenue x
    the business margin before ads - cost, verdict by the same spend rule as campaigns (``stop`` when cost ≥
    waste_min_spend without an order, ``cut`` when cost / revenue is above the margin, ``increase`` when it
    is at most raise_bid_acos_share of it). Promotions: cost, incremental_sales, profit = promo_profit, verdict
    from the promotion verdict (incremental with promo_profit ≤ 0 is ``keep``). Other Marketing rows (not
    promotions) by (type, channel): no measured return, ``keep``.
    """
    t = inputs.settings.t
    rows: list[dict] = []
    if campaigns is not None and len(campaigns):
        for r in campaigns.itertuples(index=False):
            rows.append(dict(kind="campaign", channel=r.channel, line=r.campaign, spend=r.spend, sales=r.sales,
                             margin=r.break_even_acos, profit_after_spend=r.ad_profit,
                             verdict=CAMPAIGN_VERDICTS.get(r.suggestion, "keep"), rule=f"campaign_{r.suggestion}"))
    margin = margin_before_ads(summary)
    if content is not None and len(content):
        for r in content.itertuples(index=False):
            ratio = safe_div(r.cost, r.revenue)
            if r.cost >= t("waste_min_spend") and r.orders == 0:
                rule = "content_waste"
            elif not pd.isna(ratio) and not pd.isna(margin) and ratio > margin:
                rule = "content_above_margin"
            elif r.orders > 0 and not pd.isna(ratio) and not pd.isna(margin) \
                    and ratio <= margin * t("raise_bid_acos_share"):
                rule = "content_far_below_margin"
            else:
                rule = "content_keep"
            verdict = {"content_waste": "stop", "content_above_margin": "cut",
                       "content_far_below_margin": "increase"}.get(rule, "keep")
            rows.append(dict(kind="content", channel="", line=r.format, spend=r.cost, sales=r.revenue,
                             margin=margin, profit_after_spend=(r.revenue * margin - r.cost
                                                                if not pd.isna(margin) else np.nan),
                             verdict=verdict, rule=rule))
    promo_names: set[str] = set()
    if promotions is not None and len(promotions):
        for r in promotions.itertuples(index=False):
            promo_names.add(r.name)
            verdict = PROMOTION_VERDICTS.get(r.verdict, "keep")
            if verdict == "increase" and not (r.promo_profit > 0):
                verdict = "keep"
            rows.append(dict(kind="promotion", channel=r.channel, line=r.name, spend=r.cost,
                             sales=r.incremental_sales, margin=r.gross_margin, profit_after_spend=r.promo_profit,
                             verdict=verdict, rule=f"promotion_{r.verdict or 'not_judged'}"
                             + ("_loss" if r.verdict == "incremental" and verdict == "keep" else "")))
    mk = inputs.marketing
    year = inputs.settings.review_year
    mk = mk[mk["start_date"].dt.year.eq(year) & ~mk["name"].isin(promo_names) & mk["cost"].ne(0)]
    if len(mk):
        g = mk.groupby(["type", "channel"], sort=True)["cost"].sum()
        for (typ, channel), cost in g.items():
            rows.append(dict(kind="marketing", channel=channel, line=typ or "other", spend=float(cost),
                             sales=np.nan, margin=np.nan, profit_after_spend=np.nan, verdict="keep",
                             rule="marketing_unmeasured"))
    cols = ["kind", "channel", "line", "spend", "sales", "margin", "profit_after_spend", "verdict", "rule"]
    out = pd.DataFrame(rows, columns=cols)
    for c in ("spend", "sales", "margin", "profit_after_spend"):
        out[c] = out[c].astype("float64")
    out = out[out["spend"].gt(0)].reset_index(drop=True)
    out["roas"] = safe_div(out["sales"], out["spend"])
    out["profit_per_spend"] = safe_div(out["profit_after_spend"], out["spend"])
    return out


def allocate(lines: pd.DataFrame, budget: float, reserve_share: float, cut_share: float,
             max_increase: float) -> tuple[pd.DataFrame, float]:
    """Next year's amount per line and the reserve. Returns (lines with budget, change, reserve).

    1. ``stop`` lines get 0, ``cut`` lines spend x (1 - cut_share), ``keep`` and ``increase`` lines their spend.
    2. The pool = budget x (1 - reserve_share) - the sum of step 1. A positive pool goes to the ``increase``
       lines in proportion to their profit_after_spend, each at most spend x max_increase more; what is
       left goes to the ``keep`` lines in proportion to their spend; what is still left joins the reserve.
    3. A negative pool (the budget is smaller than step 1) scales every line of step 1 down by the same factor.
    """
    out = lines.copy()
    base = np.where(out["verdict"].eq("stop"), 0.0,
                    np.where(out["verdict"].eq("cut"), out["spend"] * (1 - cut_share), out["spend"]))
    out["budget"] = base.astype("float64")
    allocatable = budget * (1 - reserve_share)
    reserve = budget - allocatable
    pool = allocatable - float(out["budget"].sum())
    if pool < 0:
        total = float(out["budget"].sum())
        out["budget"] = out["budget"] * (allocatable / total if total > 0 else 0.0)
    else:
        inc = out["verdict"].eq("increase") & out["profit_after_spend"].gt(0)
        if inc.any() and pool > 0:
            weight = out.loc[inc, "profit_after_spend"]
            extra = pool * weight / float(weight.sum())
            extra = np.minimum(extra, out.loc[inc, "spend"] * max_increase)
            out.loc[inc, "budget"] += extra
            pool -= float(extra.sum())
        keep = out["verdict"].eq("keep")
        if keep.any() and pool > 1e-9 and float(out.loc[keep, "spend"].sum()) > 0:
            spend = out.loc[keep, "spend"]
            out.loc[keep, "budget"] += pool * spend / float(spend.sum())
            pool = 0.0
        reserve += max(pool, 0.0)
    out["change"] = out["budget"] - out["spend"]
    out["expected_sales"] = out["budget"] * out["roas"]
    out["expected_profit_change"] = (out["change"] * out["profit_per_spend"]).fillna(0.0)
    return out, reserve


def line_name(row) -> str:
    return f"{row['channel']} · {row['line']}" if row["channel"] else str(row["line"])


BUDGET_CHANGE = "(budget change)"      # source / target name of new (or withdrawn) money in budget_moves
RESERVE = "(reserve)"


def budget_moves(lines: pd.DataFrame, spend: float, budget: float, reserve: float) -> pd.DataFrame:
    """What moves from which line to which (source, target, amount).

    Sources, in this order: the money each shrinking line frees (spend - budget, largest first), then the new
    money when the budget grows (``BUDGET_CHANGE``). Targets, in this order: the ``increase`` lines by profit
    per unit of spend (best first), the other growing lines by their increase, the reserve (``RESERVE``), then
    the money withdrawn when the budget shrinks. Both sides add up to the same total; each source fills the
    targets in order, so money freed by cuts goes to the best-returning lines first.
    """
    src, dst = [], []
    for _, r in lines.iterrows():
        if r["change"] < -0.005:
            src.append((line_name(r), -r["change"]))
        elif r["change"] > 0.005:
            best = r["verdict"] == "increase"
            order = (0, -r["profit_per_spend"]) if best and not pd.isna(r["profit_per_spend"]) else (1, -r["change"])
            dst.append((order, line_name(r), r["change"]))
    src.sort(key=lambda x: -x[1])
    dst = [(n, a) for _, n, a in sorted(dst, key=lambda x: x[0])]
    if reserve > 0.005:
        dst.append((RESERVE, reserve))
    if budget - spend > 0.005:
        src.append((BUDGET_CHANGE, budget - spend))
    elif spend - budget > 0.005:
        dst.append((BUDGET_CHANGE, spend - budget))
    rows, i, j = [], 0, 0
    left_s = src[0][1] if src else 0.0
    left_d = dst[0][1] if dst else 0.0
    while i < len(src) and j < len(dst):
        amount = min(left_s, left_d)
        if amount > 0.005:
            rows.append({"source": src[i][0], "target": dst[j][0], "amount": amount})
        left_s -= amount
        left_d -= amount
        if left_s <= 0.005:
            i += 1
            left_s = src[i][1] if i < len(src) else 0.0
        if left_d <= 0.005:
            j += 1
            left_d = dst[j][1] if j < len(dst) else 0.0
    return pd.DataFrame(rows, columns=["source", "target", "amount"])


def budget_tables(inputs: Inputs, summary: dict, campaigns, content, promotions, goals) -> dict:
    s = inputs.settings
    t = s.t
    ad = float(summary.get("ad_spend") or 0.0)
    mkt = float(summary.get("marketing_costs") or 0.0)
    spend = ad + mkt
    given = s.next_year_budget
    if given is not None and not (isinstance(given, float) and math.isnan(given)):
        growth, goal_ids, basis = safe_div(given, spend) - 1 if spend else np.nan, [], "setting"
        budget = float(given)
    else:
        growth, goal_ids, basis = budget_growth(summary, goals)
        budget = spend * (1 + growth)
    lines = budget_lines(inputs, summary, campaigns, content, promotions)
    lines, reserve = allocate(lines, budget, float(t("reserve_budget_share")), float(t("budget_cut_share")),
                              float(t("budget_max_increase")))
    head = pd.DataFrame([{"spend": spend, "ad_spend": ad, "marketing_costs": mkt, "basis": basis,
                          "growth": growth, "goal_ids": ", ".join(goal_ids), "budget": budget,
                          "reserve_share": float(t("reserve_budget_share")), "reserve": reserve,
                          "allocated": budget - reserve,
                          "expected_profit_change": float(lines["expected_profit_change"].sum())}])
    by_channel = lines.groupby("channel", sort=True)[["spend", "budget", "change"]].sum().reset_index()
    return {"budget": head, "budget_lines": lines, "budget_channels": by_channel,
            "budget_moves": budget_moves(lines, spend, budget, reserve)}


# -------------------------------------------------------------------------------------------- markets
def classify_markets(frame: pd.DataFrame, t) -> pd.Series:
    """``MARKET_RULES`` on a frame with share, growth and contribution_margin: the first class whose every
    condition holds (``t``: the threshold lookup, ``Settings.t``). A NaN figure fails its condition."""
    out = pd.Series("hold", index=frame.index, dtype=object)
    decided = pd.Series(False, index=frame.index)
    for cls, conditions in MARKET_RULES:
        hit = _fires(frame, conditions, t) & ~decided
        out[hit] = cls
        decided |= hit
    return out


def market_strategy(inputs: Inputs, lines: Lines) -> pd.DataFrame:
    """Per ship-to country of review_year: net_sales, share, growth (``channels.channel_growth`` by country:
    YoY when the year before has data for the country, else H2 / H1 - 1), ad_spend and contribution_profit
    of the country scope (``metrics.period_summary``, asked of the ``LineIndex``: Ads split by the country's
    share of each channel's net sales, METRICS 1), contribution_margin, and the class of ``MARKET_RULES``. Sorted by net_sales."""
    year = inputs.settings.review_year
    index = LineIndex.of(inputs, lines)
    if not index.lines["year"].eq(year).any():
        return pd.DataFrame(columns=["country", "net_sales", "share", "growth", "growth_basis", "ad_spend",
                                     "contribution_profit", "contribution_margin", "class"])
    growth = channel_growth(inputs, index, year, key="country")
    rows = []
    for country, g in growth.iterrows():
        s = index.summaries([year_bounds(year)], {"country": [country]},
                            keys={"net_sales", "ad_spend", "contribution_profit"})[0]
        rows.append({"country": country or UNKNOWN_COUNTRY, "net_sales": s["net_sales"], "growth": g["growth"],
                     "growth_basis": g["growth_basis"], "ad_spend": s["ad_spend"],
                     "contribution_profit": s["contribution_profit"],
                     "contribution_margin": safe_div(s["contribution_profit"], s["net_sales"])})
    out = pd.DataFrame(rows)
    out["share"] = safe_div(out["net_sales"], float(out["net_sales"].sum()))
    out["class"] = classify_markets(out, inputs.settings.t)
    out = out.sort_values(["net_sales", "country"], ascending=[False, True], kind="mergesort")
    return out[["country", "net_sales", "share", "growth", "growth_basis", "ad_spend", "contribution_profit",
                "contribution_margin", "class"]].reset_index(drop=True)


# ------------------------------------------------------------------------------------------- products
def product_strategy(inputs: Inputs, lines: pd.DataFrame, products: pd.DataFrame | None, medians: dict | None,
                     channels: pd.DataFrame | None, markets: pd.DataFrame) -> pd.DataFrame:
    """The product moves of next year, one row per (action, SKU):

    - ``replicate``: hero SKUs, with the channels of the channel table that are not ``problem`` (net profit
      > 0) where it did not sell in review_year (``channels_to_add``) and the ``deepen`` / ``test`` markets it
      did not reach (``markets_to_add``);
    - ``fix_listing``: quadrant ``fix_listing`` SKUs (high traffic, low conversion), with the net sales won if
      conversion reached the median (``medians``: ``products.quadrant_medians``): potential_net_sales =
      sessions x (median conversion - conversion) x net_sales per order of the SKU; largest first;
    - ``clear``: problem SKUs with stock, stock_value = stock_qty x Products.unit_cost (money tied up at cost);
      largest first.
    """
    cols = ["action", "sku", "class", "quadrant", "cause", "net_sales", "net_profit", "sessions",
            "conversion_rate", "median_conversion", "potential_net_sales", "stock_qty", "stock_value",
            "days_of_cover", "channels_to_add", "markets_to_add"]
    if products is None or products.empty:
        return pd.DataFrame(columns=cols)
    year = inputs.settings.review_year
    cur = lines.loc[lines["year"].eq(year), ["sku", "channel", "country"]]
    all_channels = [] if channels is None else list(channels.loc[channels["class"].ne("problem"), "channel"])
    target_markets = [] if markets.empty else markets.loc[markets["class"].isin(["deepen", "test"]), "country"]
    sold_in = cur.groupby("sku")["channel"].agg(lambda s: set(s))
    reached = cur.groupby("sku")["country"].agg(lambda s: set(s))
    unit_cost = inputs.products.drop_duplicates("sku").set_index("sku")["unit_cost"]
    parts = []
    heroes = products[products["class"].eq("hero")].copy()
    heroes["action"] = "replicate"
    heroes["channels_to_add"] = [", ".join(c for c in all_channels if c not in sold_in.get(s, set()))
                                 for s in heroes["sku"]]
    heroes["markets_to_add"] = [", ".join(m for m in target_markets if m not in reached.get(s, set()))
                                for s in heroes["sku"]]
    parts.append(heroes.sort_values("net_sales", ascending=False))
    median_conv = medians["conversion_rate"] if medians else np.nan
    fix = products[products["quadrant"].eq("fix_listing")].copy()
    fix["action"] = "fix_listing"
    fix["median_conversion"] = median_conv
    per_order = safe_div(fix["net_sales"], fix["orders"])
    fix["potential_net_sales"] = (fix["sessions"] * (median_conv - fix["conversion_rate"]) * per_order).clip(lower=0)
    parts.append(fix.sort_values("potential_net_sales", ascending=False))
    clear = products[products["class"].eq("problem") & products["stock_qty"].gt(0)].copy()
    clear["action"] = "clear"
    clear["stock_value"] = clear["stock_qty"] * clear["sku"].map(unit_cost).fillna(0.0)
    parts.append(clear.sort_values("stock_value", ascending=False))
    out = pd.concat(parts, ignore_index=True)
    for c in cols:
        if c not in out.columns:
            out[c] = np.nan
    return out[cols]


def new_listings(plan_actions: pd.DataFrame | None) -> pd.DataFrame:
    """The plan's new-listing actions (``plan.goal_actions`` kind ``new_listings``): goal_id, total, per_week,
    basis (the average first-year net_sales of a SKU launched in review_year)."""
    cols = ["goal_id", "total", "per_week", "basis"]
    if plan_actions is None or plan_actions.empty:
        return pd.DataFrame(columns=cols)
    return plan_actions.loc[plan_actions["kind"].eq("new_listings"), cols].reset_index(drop=True)


def strategy_tables(inputs: Inputs, lines: Lines, summary: dict, channels, campaigns, content, promotions,
                    products, medians, goals, plan_actions) -> dict[str, pd.DataFrame]:
    """Every strategy table (see the module docstring); ``medians``: ``products.quadrant_medians`` of ``products``."""
    out = budget_tables(inputs, summary, campaigns, content, promotions, goals)
    index = LineIndex.of(inputs, lines)
    out["markets"] = market_strategy(inputs, index)
    out["products"] = product_strategy(inputs, index.lines, products, medians, channels, out["markets"])
    out["new_listings"] = new_listings(plan_actions)
    return out
