"""The built-in demo data: shape, contract conformity, determinism, speed and the scenarios it encodes.

The scenario checks recompute a few METRICS figures with plain pandas (not the xlreview core) to
make sure the data makes every class and rule fire as designed.
"""
from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest

from xlreview.demo import CHANNEL_NAMES, demo_frames, fx_rates
from xlreview.model.schema import INPUT_SHEETS, SHEETS_BY_NAME

REVIEW_YEAR = 2026


@pytest.fixture(scope="module")
def frames():
    return demo_frames(seed=7)


# ---------------------------------------------------------------------------------------------
# contract
def test_one_frame_per_input_sheet_with_schema_columns_in_order(frames):
    assert list(frames) == [s.name for s in INPUT_SHEETS]
    for spec in INPUT_SHEETS:
        assert list(frames[spec.name].columns) == spec.keys, spec.name


def test_required_columns_are_never_blank(frames):
    for spec in INPUT_SHEETS:
        frame = frames[spec.name]
        assert len(frame) > 0, spec.name
        for col in spec.columns:
            if col.required:
                values = frame[col.key]
                blank = values.isna() | (values.astype(str).str.strip() == "")
                assert not blank.any(), f"{spec.name}.{col.key}"


def test_numbers_respect_their_types(frames):
    for spec in INPUT_SHEETS:
        if spec.key_value:
            continue
        frame = frames[spec.name]
        for col in spec.columns:
            values = frame[col.key]
            if col.type in ("money", "money+", "int+", "number+", "rate+", "rating", "number"):
                numbers = pd.to_numeric(values).dropna()
                if col.type != "money" and col.type != "number":
                    assert (numbers >= 0).all(), f"{spec.name}.{col.key}"
                if col.type.startswith("money"):
                    assert np.allclose(numbers, numbers.round(2)), f"{spec.name}.{col.key} not in cents"
                if col.type == "int+":
                    assert (numbers == numbers.round()).all(), f"{spec.name}.{col.key}"
                if col.type == "rating":
                    assert numbers.between(0, 5).all()
            if col.type == "date":
                dates = pd.to_datetime(values).dropna()
                assert (dates == dates.dt.normalize()).all(), f"{spec.name}.{col.key} not day precision"
    orders = frames["Orders"]
    assert (orders["item_price"] > 0).all() and (orders["shipping_charged"] >= 0).all()
    assert (orders["refunded_qty"] <= orders["quantity"]).all()
    assert (orders["refund_amount"] <= orders["item_price"] - orders["discount"] + 0.005).all()


def test_settings_key_value(frames):
    settings = dict(zip(frames["Settings"]["key"], frames["Settings"]["value"]))
    assert settings["base_currency"] == "USD"
    assert settings["review_year"] == REVIEW_YEAR and settings["plan_year"] == REVIEW_YEAR + 1
    assert settings["language"] == "zh" and settings["fixed_overhead"] > 0
    assert len(settings["strategy_pillars"].split(",")) == 3


def test_deterministic_for_a_seed():
    a = demo_frames(seed=3, n_order_lines=3000)
    b = demo_frames(seed=3, n_order_lines=3000)
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name])
    c = demo_frames(seed=4, n_order_lines=3000)
    assert not a["Orders"].equals(c["Orders"])


# ---------------------------------------------------------------------------------------------
# size and coverage
def test_default_size_and_coverage(frames):
    orders = frames["Orders"]
    assert 12_000 <= len(orders) <= 20_000
    assert orders["channel"].nunique() >= 5 and set(orders["channel"]) == set(CHANNEL_NAMES)
    assert orders["currency"].nunique() >= 2
    assert frames["Products"]["sku"].is_unique and len(frames["Products"]) >= 30
    assert frames["Products"]["category"].nunique() >= 4
    months = pd.to_datetime(orders["order_date"]).dt.to_period("M")
    for year in (REVIEW_YEAR - 1, REVIEW_YEAR):
        assert set(pd.period_range(f"{year}-01", f"{year}-12", freq="M")) <= set(months)
    dates = pd.to_datetime(orders["order_date"])
    assert dates.min() == pd.Timestamp(REVIEW_YEAR - 1, 1, 1)
    plan = dates[dates.dt.year == REVIEW_YEAR + 1]
    assert plan.dt.isocalendar().week.nunique() >= 8      # weekly tracking has actuals


def test_without_plan_year_actuals():
    orders = demo_frames(seed=1, n_order_lines=2000, with_plan_year_actuals=False)["Orders"]
    assert pd.to_datetime(orders["order_date"]).max() <= pd.Timestamp(REVIEW_YEAR, 12, 31)


@pytest.mark.parametrize("n", [100_000])
def test_benchmark_size_is_fast(n):
    start = time.perf_counter()
    orders = demo_frames(seed=11, n_order_lines=n)["Orders"]
    elapsed = time.perf_counter() - start
    assert abs(len(orders) - n) <= n * 0.001
    assert elapsed < 2.0, f"{n} lines took {elapsed:.2f} s"


def test_other_review_year():
    frames = demo_frames(seed=2, review_year=2024, n_order_lines=2000)
    years = pd.to_datetime(frames["Orders"]["order_date"]).dt.year
    assert years.min() == 2023 and years.max() == 2025
    assert (pd.to_datetime(frames["Goals"]["deadline"]).dropna().dt.year == 2025).all()


# ---------------------------------------------------------------------------------------------
# references between sheets
def test_promo_names_refer_to_marketing(frames):
    marketing = frames["Marketing"]
    assert marketing["name"].is_unique
    used = set(frames["Orders"]["promo"].dropna())
    promotions = set(marketing.loc[marketing["type"] == "promotion", "name"])
    assert used and used <= promotions
    assert marketing["channel"].isna().any()
    assert {"promotion", "affiliate", "influencer"} <= set(marketing["type"])


def test_fx_covers_every_currency(frames):
    fx = frames["FX"]
    used = set()
    for name in ("Orders", "Ads", "Marketing"):
        used |= set(frames[name]["currency"].dropna())
    foreign = used - {"USD"}
    assert foreign >= {"EUR", "GBP"}
    assert foreign <= set(fx.loc[fx["month"].isna(), "currency"])
    months = pd.to_datetime(fx["month"]).dropna()
    assert len(months) >= 3 and (months.dt.day == 1).all()
    assert not fx.duplicated(["currency", "month"]).any()


def test_sku_references(frames):
    known = set(frames["Products"]["sku"])
    assert set(frames["Ads"]["sku"].dropna()) <= known
    assert set(frames["Traffic"]["sku"].dropna()) <= known
    assert set(frames["Orders"]["sku"]) - known == {"BNDL-PB10K-MOUNT"}
    orders = demo_frames(seed=7, n_order_lines=3000, unknown_sku=False)["Orders"]
    assert set(orders["sku"]) <= known


def test_order_id_styles(frames):
    orders = frames["Orders"]
    patterns = {
        "Amazon US": r"11[1-4]-\d{7}-\d{7}", "Amazon DE": r"(30[2-5]|028)-\d{7}-\d{7}",
        "Amazon UK": r"(20[2-5]|026)-\d{7}-\d{7}", "eBay": r"\d{2}-\d{5}-\d{5}", "Shopify": r"#\d{4,}",
        "TikTok Shop": r"57\d{16}", "Walmart": r"108\d{12}",
    }
    for channel, pattern in patterns.items():
        ids = orders.loc[orders["channel"] == channel, "order_id"]
        assert len(ids) and ids.str.fullmatch(pattern).all(), channel
    per_order = orders.groupby("order_id").agg(channels=("channel", "nunique"), dates=("order_date", "nunique"),
                                              lines=("sku", "size"), skus=("sku", "nunique"))
    assert (per_order["channels"] == 1).all() and (per_order["dates"] == 1).all()
    assert (per_order["lines"] == per_order["skus"]).all()            # one line per SKU in an order
    multi = (per_order["lines"] > 1).mean()
    assert 0.08 <= multi <= 0.25


# ---------------------------------------------------------------------------------------------
# scenarios (plain-pandas sanity checks of what the review should find)
def _base_orders(frames) -> pd.DataFrame:
    orders = frames["Orders"].copy()
    rate = fx_rates(orders, frames["FX"])
    for col in ("item_price", "discount", "shipping_charged", "platform_fee", "fulfillment_fee", "shipping_cost",
                "refund_amount"):
        orders[col] = orders[col] * rate
    orders["date"] = pd.to_datetime(orders["order_date"])
    orders["year"] = orders["date"].dt.year
    orders["net"] = orders["item_price"] + orders["shipping_charged"] - orders["discount"] - orders["refund_amount"]
    cost = frames["Products"].set_index("sku")["unit_cost"]
    orders["contribution"] = (orders["net"] - orders["quantity"] * orders["sku"].map(cost).fillna(0)
                              - orders["platform_fee"] - orders["fulfillment_fee"] - orders["shipping_cost"])
    return orders


def _review_ads(frames) -> pd.DataFrame:
    ads = frames["Ads"]
    rate = fx_rates(ads.rename(columns={"date": "order_date"}), frames["FX"])
    ads = ads.assign(spend_base=ads["spend"] * rate)
    return ads[pd.to_datetime(ads["date"]).dt.year == REVIEW_YEAR]


def _sku_table(frames) -> pd.DataFrame:
    orders = _base_orders(frames)
    review = orders[orders["year"] == REVIEW_YEAR]
    ads = _review_ads(frames)
    skus = review.groupby("sku").agg(net=("net", "sum"), contribution=("contribution", "sum"),
                                     units=("quantity", "sum"), refunded=("refunded_qty", "sum"))
    own = ads[ads["sku"].notna()].groupby("sku")["spend_base"].sum()
    campaign = ads[ads["sku"].isna()].groupby("channel")["spend_base"].sum()
    by_channel = review.groupby(["channel", "sku"])["net"].sum()
    share = by_channel / by_channel.groupby(level=0).transform("sum")
    split = (share * campaign.reindex(share.index.get_level_values(0)).fillna(0).to_numpy()).groupby(level=1).sum()
    skus["net_profit"] = skus["contribution"] - own.reindex(skus.index).fillna(0) - split.reindex(skus.index).fillna(0)
    skus["unit_refund_rate"] = skus["refunded"] / skus["units"]
    last90 = review[review["date"] > pd.Timestamp(REVIEW_YEAR, 12, 31) - pd.Timedelta(days=90)]
    stock = frames["Products"].set_index("sku")["stock_qty"]
    skus = skus.reindex(skus.index.union(stock.index))
    daily = last90.groupby("sku")["quantity"].sum().reindex(skus.index).fillna(0) / 90
    on_hand = stock.reindex(skus.index)
    skus["cover"] = np.where(daily > 0, on_hand / daily.where(daily > 0, 1), np.where(on_hand > 0, np.inf, 0.0))
    monthly = (review.assign(month=review["date"].dt.month)
               .pivot_table(index="sku", columns="month", values="quantity", aggfunc="sum")
               .reindex(index=skus.index, columns=range(1, 13)).fillna(0))
    skus["months"] = (monthly > 0).sum(axis=1)
    skus["cv"] = monthly.std(axis=1, ddof=0) / monthly.mean(axis=1)
    skus = skus.sort_values("net", ascending=False)
    skus["cum_share"] = skus["net"].cumsum() / skus["net"].sum()
    heroes = set(skus.index[: int((skus["cum_share"] < 0.5).sum()) + 1])
    problem = (skus["unit_refund_rate"] >= 0.10) | (skus["net_profit"] < 0) | (skus["cover"] > 180)
    skus["class"] = np.select(
        [problem, skus.index.isin(heroes), (skus["months"] >= 9) & (skus["cv"] <= 0.5)],
        ["problem", "hero", "evergreen"], "long_tail")
    return skus


def _channel_table(frames) -> pd.DataFrame:
    orders = _base_orders(frames)
    review = orders[orders["year"] == REVIEW_YEAR]
    channels = review.groupby("channel").agg(net=("net", "sum"), contribution=("contribution", "sum"))
    channels["previous"] = orders[orders["year"] == REVIEW_YEAR - 1].groupby("channel")["net"].sum()
    channels["ads"] = _review_ads(frames).groupby("channel")["spend_base"].sum()
    channels = channels.fillna(0)
    marketing = frames["Marketing"]
    marketing = marketing[pd.to_datetime(marketing["start_date"]).dt.year == REVIEW_YEAR]
    cost = marketing["cost"] * np.where(marketing["currency"] == "EUR", 1.10, 1.0)
    blank = cost[marketing["channel"].isna()].sum()
    channels["marketing"] = (cost.groupby(marketing["channel"]).sum().reindex(channels.index).fillna(0)
                             + blank * channels["net"] / channels["net"].sum())
    channels["fixed"] = frames["Channels"].set_index("channel")["fixed_cost"]
    channels["net_profit"] = channels["contribution"] - channels["ads"] - channels["marketing"] - channels["fixed"]
    channels["growth"] = channels["net"] / channels["previous"] - 1
    channels["profit_share"] = channels["net_profit"] / channels["net_profit"].sum()
    return channels


def _promotion_verdicts(frames) -> dict[str, str]:
    orders = _base_orders(frames)
    promos = frames["Marketing"][frames["Marketing"]["type"] == "promotion"]
    verdicts = {}
    for _, promo in promos.iterrows():
        start, end = pd.Timestamp(promo["start_date"]), pd.Timestamp(promo["end_date"])
        scope = orders if pd.isna(promo["channel"]) else orders[orders["channel"] == promo["channel"]]
        days = pd.date_range(start - pd.Timedelta(days=28), end + pd.Timedelta(days=14))
        daily = scope.groupby("date")["net"].sum().reindex(days, fill_value=0.0)
        excluded = np.zeros(len(days), dtype=bool)
        for _, other in promos.iterrows():
            if other["name"] != promo["name"] and (pd.isna(other["channel"]) or other["channel"] == promo["channel"]):
                excluded |= (days >= pd.Timestamp(other["start_date"])) & (days <= pd.Timestamp(other["end_date"]))
        baseline = daily[(days < start) & ~excluded].mean()
        uplift = (daily[(days >= start) & (days <= end)] - baseline).sum()
        dip = np.maximum(0.0, baseline - daily[days > end]).sum()
        if uplift <= 0:
            verdicts[promo["name"]] = "no_lift"
        else:
            verdicts[promo["name"]] = "pulled_forward" if dip / uplift >= 0.5 else "incremental"
    return verdicts


@pytest.mark.parametrize("seed", [7, 1])
def test_product_scenarios(seed):
    skus = _sku_table(demo_frames(seed=seed))
    cls = skus["class"]
    heroes = cls[cls == "hero"].index
    assert 3 <= len(heroes) <= 5 and {"PH-PB10K-MAG", "PT-FEEDER-WIFI", "PH-CHG-3IN1"} <= set(heroes)
    assert skus.loc["PH-PB10K-MAG", "cover"] < 30                              # hero running out
    assert skus.loc["PH-EARB-TWS", "unit_refund_rate"] >= 0.10                 # refund hot spot
    assert skus.loc["PT-CATTREE-72", "net_profit"] < 0                         # loses money
    assert 180 < skus.loc["KT-TUMB-30", "cover"] < np.inf                      # overstocked
    assert skus.loc["PH-CASE-IP13", "cover"] == np.inf                         # dead stock
    assert {"PH-EARB-TWS", "PT-CATTREE-72", "KT-TUMB-30", "PH-CASE-IP13"} <= set(cls[cls == "problem"].index)
    assert (cls == "evergreen").sum() >= 6 and (cls == "long_tail").sum() >= 6


def test_new_skus_launched_in_review_year(frames):
    products = frames["Products"]
    launched = pd.to_datetime(products["launch_date"])
    new = products.loc[launched.dt.year == REVIEW_YEAR, "sku"]
    assert len(new) >= 4
    first_sale = frames["Orders"].groupby("sku")["order_date"].min()
    assert (pd.to_datetime(first_sale.reindex(new)) >= launched[new.index].to_numpy()).all()


@pytest.mark.parametrize("seed", [7, 1])
def test_channel_scenarios(seed):
    channels = _channel_table(demo_frames(seed=seed))
    assert channels.loc["Walmart", "net_profit"] < 0                                          # problem
    profitable = channels.drop(index="Walmart")
    assert (profitable["net_profit"] > 0).all()
    assert channels.loc["TikTok Shop", "growth"] >= 0.30                                      # rising star
    assert (profitable.drop(index="TikTok Shop")["growth"] < 0.30).all()
    assert channels.loc["Amazon US", "profit_share"] >= 0.25                                  # cash cow
    others = profitable.drop(index=["TikTok Shop", "Amazon US"])
    assert (others["profit_share"] < 0.25).all()                                              # steady


@pytest.mark.parametrize("seed", [7, 1])
def test_promotion_scenarios(seed):
    verdicts = _promotion_verdicts(demo_frames(seed=seed))
    by_kind = {name.split(" ")[0]: v for name, v in verdicts.items() if name.endswith(str(REVIEW_YEAR))}
    assert by_kind == {"Prime": "incremental", "黑五网一": "incremental", "春季大促": "no_lift",
                       "TikTok": "pulled_forward"}


def test_ads_scenarios(frames):
    ads = _review_ads(frames)
    assert set(ads["channel"]) >= {"Amazon US", "Amazon DE", "Walmart", "TikTok Shop"}
    assert (ads["keyword"].isna() & ads["sku"].isna()).any()                 # campaign-level rows
    keywords = ads[ads["keyword"].notna()].groupby(["channel", "campaign", "keyword"])[["spend", "orders"]].sum()
    wasted = keywords[(keywords["spend"] >= 20) & (keywords["orders"] == 0)]
    assert len(wasted) >= 3
    net = _base_orders(frames).query("year == @REVIEW_YEAR")["net"].sum()
    assert 0.08 <= ads["spend_base"].sum() / net <= 0.12                     # TACoS


def test_traffic_is_consistent_with_orders(frames):
    traffic = frames["Traffic"]
    review = _base_orders(frames).query("year == @REVIEW_YEAR")
    channel_rows = traffic[traffic["sku"].isna() & (pd.to_datetime(traffic["date"]).dt.year == REVIEW_YEAR)]
    conversion = review.groupby("channel")["order_id"].nunique() / channel_rows.groupby("channel")["sessions"].sum()
    assert conversion.between(0.03, 0.15).all(), conversion
    assert set(channel_rows["source"]) >= {"organic", "paid", "social"}
    sku_rows = traffic[traffic["sku"].notna() & (pd.to_datetime(traffic["date"]).dt.year == REVIEW_YEAR)]
    sessions = sku_rows.groupby("sku")["sessions"].sum()
    sku_conv = review.groupby("sku")["order_id"].nunique().reindex(sessions.index) / sessions
    high_traffic = sessions >= sessions.median()
    high_conv = sku_conv >= sku_conv.median()
    quadrants = {(t, c) for t, c in zip(high_traffic, high_conv)}
    assert len(quadrants) == 4                                               # star / fix / needs traffic / rethink
    assert (traffic["add_to_cart"] <= traffic["sessions"]).all()


def test_customers_return_across_years(frames):
    orders = _base_orders(frames).dropna(subset=["customer_id"])
    years = orders.groupby("customer_id")["year"].agg(["min", "max"])
    review_customers = orders.loc[orders["year"] == REVIEW_YEAR, "customer_id"].unique()
    returning = (years.loc[review_customers, "min"] < REVIEW_YEAR).mean()
    assert 0.03 <= returning <= 0.4
    per_customer = orders[orders["year"] == REVIEW_YEAR].groupby("customer_id")["order_id"].nunique()
    assert 0.02 <= (per_customer >= 2).mean() <= 0.3
    per_order = frames["Orders"].groupby("order_id")["customer_id"].nunique(dropna=False)
    assert (per_order == 1).all()
    assert set(frames["Orders"]["country"]) >= {"US", "CA", "GB", "DE", "FR", "AU"}


def test_goals_scenarios(frames):
    goals = frames["Goals"].set_index("goal_id")
    assert 4 <= len(goals) <= 6
    assert goals["deadline"].isna().sum() == 1 and goals["metric"].isna().sum() == 1
    assert "refund_rate" in set(goals["metric"])
    orders = _base_orders(frames)
    review = orders[orders["year"] == REVIEW_YEAR]
    us = review.loc[review["channel"] == "Amazon US", "net"].sum()
    tiktok = review.loc[review["channel"] == "TikTok Shop", "net"].sum()
    assert goals.loc["G1", "target"] == pytest.approx(1.3 * us, rel=0.01)
    assert goals.loc["G3", "target"] == pytest.approx(6 * tiktok, rel=0.01)    # +500 %: unrealistic
    pillars = {p.strip() for p in str(dict(frames["Settings"].values)["strategy_pillars"]).split(",")}
    assert set(goals["pillar"]) <= pillars
    assert SHEETS_BY_NAME["Goals"].keys == list(frames["Goals"].columns)
