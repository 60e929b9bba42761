"""Default thresholds of METRICS.md; Settings may override each by its key (one place owns them)."""
from __future__ import annotations

THRESHOLDS: dict[str, float] = {
    # products (METRICS 5)
    "problem_refund_rate": 0.10,
    "problem_cover_days": 180,
    "hero_sales_share": 0.50,
    "evergreen_months": 9,
    "evergreen_cv": 0.5,
    # channels (METRICS 5)
    "star_growth": 0.30,
    "cow_profit_share": 0.25,
    # marketing (METRICS 4)
    "waste_min_spend": 20,
    "promo_baseline_days": 28,
    "promo_after_days": 14,
    "pull_forward_max": 0.5,
    "target_acos": 0.30,            # keyword break-even ACoS when the channel has no margin figure
    "raise_bid_acos_share": 0.5,    # raise the bid when ACoS <= this share of break-even ACoS
    # SMART (METRICS 6)
    "max_growth": 1.0,
    "ok_growth_margin": 0.10,         # ok when required growth <= max(reference, 0) + this
    "stretch_growth_margin": 0.20,    # stretch when required growth <= min(max_growth, 2r + this)
    "deadline_max_months": 18,        # T: a deadline up to this many months after review end
    # plan (METRICS 7)
    "fix_listing_weeks": 13,          # listings to optimise are spread over this many weeks
    # tracking (METRICS 8)
    "on_track_deviation": -0.05,
    "at_risk_deviation": -0.15,
    # risks (METRICS 9)
    "channel_concentration": 0.6,
    "sku_concentration": 0.3,
    "ad_dependency_tacos": 0.15,
    "hero_min_cover_days": 30,
    "currency_exposure": 0.5,
    "reserve_budget_share": 0.10,
    # strategy (docs/metrics.md 10): next year's budget and markets
    "budget_cut_share": 0.5,          # a line to cut keeps (1 - this) of this year's spend
    "budget_max_increase": 1.0,       # a line to increase gets at most this share of its spend more
    "market_deepen_share": 0.10,      # deepen: share of net sales >= this (and margin above the floor)
    "market_test_growth": 0.20,       # test: a smaller market growing at least this fast
    "market_min_margin": 0.0,         # both need a contribution margin above this
}

INTEGER_THRESHOLDS = {"problem_cover_days", "evergreen_months", "promo_baseline_days",
                      "promo_after_days", "hero_min_cover_days",
                      "deadline_max_months", "fix_listing_weeks"}
