"""Built-in sample data: a plausible cross-border seller, as canonical input frames.

``demo_frames()`` returns one DataFrame per input sheet of DATA_MODEL.md, keyed by the canonical
sheet name, with every column of ``model.schema`` in schema order and values as a seller would type
them (dates at day precision, money rounded to cents in the row's currency, blanks as None/NaN).

The story the data tells (so that every class and rule of METRICS.md fires on the review year):

Channels
    ``Amazon US`` cash cow (~45 % of channel profit, ~+12 % a year); ``TikTok Shop`` rising star
    (opened in April of the previous year, several-fold growth); ``Walmart`` problem (15 % fees,
    WFS, high returns, TACoS ~24 %, a fixed cost and an off-site campaign: net profit < 0);
    ``Amazon DE`` (EUR), ``Amazon UK`` (GBP), ``eBay`` (slowly shrinking) and ``Shopify`` steady.
Products (36 SKUs in 5 categories, plus one Orders SKU missing from Products)
    heroes PH-PB10K-MAG (low stock: < 30 days of cover), PT-FEEDER-WIFI, PH-CHG-3IN1,
    PT-FOUNT-2L; problem PH-EARB-TWS (refund rate ~20 %), PT-CATTREE-72 (oversize: net profit < 0),
    KT-TUMB-30 (overstocked, ~320 days of cover), PH-CASE-IP13 (discontinued in April, stock left:
    infinite cover); a dozen evergreen steady sellers; seasonal and low-volume long tail; six SKUs
    launched during the review year.
Promotions
    Prime Day (Amazon US) and Black Friday / Cyber Monday (all channels) are ``incremental``; the
    TikTok summer flash sale is ``pulled_forward`` (sales slump for two weeks after it); the
    Spring Sale (all channels, 25 % off in March) is ``no_lift``.
Ads
    Amazon US / DE / UK, Walmart and TikTok Shop, daily rows per campaign / keyword / SKU, with
    campaign-level rows (no keyword, no SKU) and several wasted keywords (spend >= 20, 0 orders);
    TACoS about 10 %.
Goals
    six SMART goals for plan_year: Amazon US +30 % (stretch), refund rate down 15 % (ratio,
    lower-is-better), TikTok Shop +500 % (unrealistic), Amazon DE new customers with no deadline
    (T fails), a vague goal with no metric (S fails), Shopify orders +25 %.

Everything is drawn from one ``numpy.random.Generator`` and vectorised over order lines, so the
same function serves the benchmark with hundreds of thousands of lines.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from .model.schema import SHEETS_BY_NAME

DEFAULT_ORDER_LINES = 16_000

# ---------------------------------------------------------------------------------------------
# Channels: name, currency, order-share weight at the start of review_year, yearly growth factor,
# fee rate, fee per order, fulfilled by platform (FBA/WFS), seller ships, refund multiplier,
# price multiplier, conversion rate, repeat-order probability, TACoS, hours/week, fixed cost.
_CH_COLS = ("name", "currency", "share", "growth", "fee", "fee_order", "fba", "self_ship", "refund",
            "price", "cvr", "repeat", "tacos", "hours", "fixed")
_CHANNELS = (
    ("Amazon US", "USD", 0.44, 1.12, 0.15, 0.00, 1, 0, 1.00, 1.00, 0.12, 0.16, 0.100, 25, 9600),
    ("Amazon DE", "EUR", 0.085, 1.05, 0.15, 0.00, 1, 0, 1.25, 1.02, 0.10, 0.12, 0.110, 8, 2400),
    ("Amazon UK", "GBP", 0.05, 1.00, 0.15, 0.00, 1, 0, 1.10, 0.88, 0.09, 0.10, 0.060, 4, 1200),
    ("eBay", "USD", 0.08, 0.94, 0.1325, 0.30, 0, 1, 0.80, 0.93, 0.08, 0.14, 0.0, 5, 600),
    ("Shopify", "USD", 0.12, 1.10, 0.029, 0.30, 0, 1, 0.90, 1.00, 0.055, 0.30, 0.0, 12, 8400),
    ("TikTok Shop", "USD", 0.15, 0.0, 0.06, 0.00, 0, 1, 1.30, 0.92, 0.06, 0.12, 0.090, 15, 1200),
    ("Walmart", "USD", 0.07, 1.20, 0.15, 0.00, 1, 0, 1.60, 0.97, 0.07, 0.10, 0.240, 8, 6000),
)
_CH = {k: np.array([row[i] for row in _CHANNELS]) for i, k in enumerate(_CH_COLS)}
CHANNEL_NAMES: tuple[str, ...] = tuple(row[0] for row in _CHANNELS)
_US, _DE, _UK, _EBAY, _SHOP, _TT, _WM = range(7)
# first day of trading, as (years relative to review_year, month, day); others trade all along
_CH_START = {_TT: (-1, 4, 15), _WM: (-1, 3, 1)}
_COUNTRIES = {
    _US: (("US",), (1.0,)),
    _DE: (("DE", "FR", "IT", "ES"), (0.62, 0.17, 0.12, 0.09)),
    _UK: (("GB",), (1.0,)),
    _EBAY: (("US", "CA", "GB", "AU", "DE", "MX"), (0.72, 0.08, 0.07, 0.07, 0.03, 0.03)),
    _SHOP: (("US", "CA", "GB", "AU", "MX"), (0.76, 0.10, 0.06, 0.06, 0.02)),
    _TT: (("US",), (1.0,)),
    _WM: (("US",), (1.0,)),
}
_HOME_COUNTRY = ("US", "DE", "GB", "US", "US", "US", "US")

# ---------------------------------------------------------------------------------------------
# SKUs: sku, name, category, USD list price, landed unit cost, FBA fee per unit, self-ship cost per
# unit, popularity weight (units), refund probability, listing conversion factor, rating, launch
# (years relative to review_year, month, day), end of sales (same, or None), season, role.
_SKU_COLS = ("sku", "name", "category", "price", "cost", "fba", "ship", "weight", "refund", "cvr",
             "rating", "launch", "end", "season", "role")
_P, _K, _PET, _O, _H = "手机配件", "厨房用品", "宠物用品", "户外运动", "家居收纳"
_SKUS = (
    ("PH-PB10K-MAG", "磁吸充电宝 Magnetic Power Bank 10000mAh", _P, 39.99, 12.5, 4.2, 4.0, 18, .035, 1.3, 4.6, (-3, 3, 10), None, "flat", "hero_low_stock"),
    ("PH-CHG-3IN1", "三合一无线充电座 3-in-1 Wireless Charging Station", _P, 45.99, 14.8, 4.8, 4.5, 9, .04, 1.1, 4.4, (-2, 9, 1), None, "flat", "hero"),
    ("PH-CASE-IP15", "iPhone 15 磁吸手机壳 MagSafe Case", _P, 19.99, 3.2, 3.3, 3.2, 6, .03, 1.0, 4.5, (-2, 10, 5), None, "flat", "evergreen"),
    ("PH-CASE-IP13", "iPhone 13 透明手机壳 Clear Case（清仓）", _P, 12.99, 2.8, 3.2, 3.2, 3.5, .03, 0.9, 4.2, (-4, 2, 20), (0, 4, 30), "flat", "dead_stock"),
    ("PH-EARB-TWS", "蓝牙耳机 TWS Wireless Earbuds ENC", _P, 29.99, 9.5, 3.6, 3.8, 5, .20, 0.55, 3.4, (-2, 5, 12), None, "flat", "problem_refund"),
    ("PH-MOUNT-CAR", "车载磁吸支架 MagSafe Car Mount", _P, 24.99, 5.2, 3.6, 3.8, 5, .025, 1.2, 4.5, (0, 4, 1), None, "flat", "new"),
    ("PH-CABLE-C2C", "USB-C 编织快充线 240W Cable 2-Pack", _P, 13.99, 2.1, 3.1, 3.0, 5, .025, 1.0, 4.6, (-4, 6, 1), None, "flat", "evergreen"),
    ("PH-STAND-ALU", "铝合金手机支架 Aluminum Phone Stand", _P, 16.99, 3.5, 3.4, 3.5, .35, .012, 0.8, 4.3, (-3, 1, 15), None, "flat", "long_tail"),
    ("KT-TUMB-30", "不锈钢保温杯 30oz Insulated Tumbler", _K, 24.99, 6.8, 4.6, 4.8, 5, .035, 1.0, 4.6, (-3, 4, 18), None, "flat", "overstock"),
    ("KT-SCALE-DIG", "厨房电子秤 Digital Kitchen Scale", _K, 15.99, 4.1, 3.8, 4.0, 4, .03, 1.1, 4.5, (-4, 3, 1), None, "flat", "evergreen"),
    ("KT-GARLIC", "不锈钢压蒜器 Garlic Press", _K, 12.99, 2.6, 3.3, 3.5, 3.5, .02, 1.0, 4.6, (-4, 8, 8), None, "flat", "evergreen"),
    ("KT-OIL-SPR", "喷油壶 Olive Oil Sprayer 2-Pack", _K, 14.99, 3.0, 3.5, 3.6, 3.5, .03, 1.0, 4.4, (-2, 2, 14), None, "flat", "evergreen"),
    ("KT-KNIFE-SET", "德式刀具套装 Knife Set 6pc 礼盒装", _K, 49.99, 15.0, 5.9, 7.5, 1.0, .03, 0.9, 4.5, (-3, 10, 1), None, "gift", "seasonal"),
    ("KT-SPICE-RACK", "旋转调料架 Rotating Spice Rack", _K, 27.99, 8.0, 5.2, 6.0, .3, .012, 0.7, 4.2, (-3, 5, 5), None, "flat", "long_tail"),
    ("KT-AIRF-LINER", "空气炸锅硅胶垫 Air Fryer Silicone Liners", _K, 11.99, 1.9, 3.2, 3.2, 3, .025, 1.2, 4.6, (0, 2, 15), None, "flat", "new"),
    ("PT-FEEDER-WIFI", "宠物自动喂食器 WiFi Automatic Pet Feeder 4L", _PET, 59.99, 19.5, 6.3, 8.0, 9, .045, 1.3, 4.5, (-3, 6, 20), None, "flat", "hero"),
    ("PT-FOUNT-2L", "猫咪饮水机 Cat Water Fountain 2L", _PET, 29.99, 8.2, 4.4, 5.0, 8, .04, 1.2, 4.5, (-3, 9, 9), None, "flat", "hero"),
    ("PT-CATTREE-72", "大号猫爬架 Cat Tree 72in（超大件）", _PET, 69.99, 38.0, 19.5, 25.0, 3, .05, 0.9, 4.1, (-2, 3, 3), None, "flat", "problem_loss"),
    ("PT-BRUSH-SELF", "宠物去毛梳 Self-Cleaning Slicker Brush", _PET, 13.99, 2.4, 3.2, 3.3, 4, .02, 1.1, 4.7, (-3, 7, 7), None, "flat", "evergreen"),
    ("PT-LEASH-RET", "伸缩牵引绳 Retractable Dog Leash 16ft", _PET, 18.99, 4.5, 3.8, 4.0, 2.5, .03, 1.0, 4.4, (-4, 4, 4), None, "flat", "evergreen"),
    ("PT-BED-CALM", "宠物镇静窝 Calming Pet Bed M", _PET, 34.99, 11.0, 7.5, 8.5, .35, .012, 0.6, 4.0, (-2, 11, 11), None, "flat", "long_tail"),
    ("PT-TOY-LASER", "逗猫激光笔 USB Cat Laser Toy", _PET, 9.99, 1.6, 2.9, 3.0, 1.5, .025, 1.8, 4.5, (0, 7, 1), None, "flat", "new"),
    ("OD-LANTERN-LED", "充电露营灯 Rechargeable Camping Lantern", _O, 26.99, 7.0, 4.4, 4.8, 3.5, .03, 1.1, 4.5, (-3, 4, 1), None, "summer", "seasonal"),
    ("OD-HAMMOCK", "双人吊床 Double Camping Hammock", _O, 32.99, 9.0, 5.3, 6.0, 1.3, .03, 0.9, 4.4, (-4, 3, 20), None, "summer", "seasonal"),
    ("OD-STRAW-FLT", "户外净水吸管 Water Filter Straw", _O, 19.99, 3.9, 3.3, 3.5, .3, .012, 0.8, 4.3, (-3, 6, 6), None, "flat", "long_tail"),
    ("OD-HEADLAMP", "LED 头灯 Headlamp 2-Pack", _O, 17.99, 3.6, 3.5, 3.6, 2.5, .03, 1.0, 4.5, (-4, 9, 9), None, "flat", "evergreen"),
    ("OD-FAN-NECK", "挂脖风扇 Portable Neck Fan", _O, 22.99, 5.5, 3.8, 4.0, 3, .025, 1.1, 4.2, (0, 5, 20), None, "summer", "new"),
    ("OD-TENT-POP", "自动帐篷 Pop-up Tent 4P（大件）", _O, 89.99, 34.0, 14.0, 18.0, .3, .012, 0.7, 4.1, (-2, 4, 1), None, "flat", "long_tail"),
    ("OD-CHAIR-FOLD", "折叠露营椅 Folding Camp Chair", _O, 39.99, 12.0, 7.0, 8.0, .8, .03, 0.9, 4.3, (-3, 3, 3), None, "summer", "seasonal"),
    ("HM-ORG-DRAWER", "抽屉收纳盒 Drawer Organizer Set 25pc", _H, 21.99, 4.8, 4.5, 4.8, 3.5, .025, 1.1, 4.6, (-4, 1, 10), None, "flat", "evergreen"),
    ("HM-VAC-BAG", "真空压缩袋 Vacuum Storage Bags 8-Pack", _H, 24.99, 5.5, 4.6, 5.0, 3, .03, 1.0, 4.5, (-4, 9, 1), None, "flat", "evergreen"),
    ("HM-SHOE-RACK", "叠加鞋架 Stackable Shoe Rack", _H, 29.99, 9.5, 7.8, 8.5, .35, .012, 0.8, 4.1, (-3, 8, 8), None, "flat", "long_tail"),
    ("HM-HOOK-ADH", "无痕挂钩 Adhesive Hooks 24-Pack", _H, 9.99, 1.2, 3.0, 3.0, .5, .012, 0.5, 3.9, (-3, 2, 2), None, "flat", "long_tail"),
    ("HM-CLOSET-HGR", "植绒衣架 Velvet Hangers 50-Pack", _H, 27.99, 8.5, 8.0, 8.5, .4, .012, 0.8, 4.4, (-3, 10, 10), None, "flat", "long_tail"),
    ("HM-LED-STRIP", "感应衣柜灯 Motion Sensor Closet Light 3pk", _H, 19.99, 4.2, 3.5, 3.6, 2, .025, 1.2, 4.3, (0, 9, 10), None, "flat", "new"),
    ("HM-BIN-FAB", "布艺收纳箱 Fabric Storage Bins 6pk", _H, 25.99, 6.0, 6.2, 6.5, 1.5, .025, 1.0, 4.4, (0, 10, 15), None, "gift", "new"),
    # sold (bundle made up on Shopify / Amazon US) but never entered in Products: unknown-SKU warning
    ("BNDL-PB10K-MOUNT", "充电宝+车载支架套装 Bundle", _P, 59.99, 17.7, 6.0, 5.0, .9, .015, 1.0, 4.5, (0, 6, 1), None, "flat", "unknown"),
)
_SK = {k: np.array([row[i] for row in _SKUS], dtype=object if k in ("launch", "end") else None)
       for i, k in enumerate(_SKU_COLS)}
_SKU_INDEX = {s: i for i, s in enumerate(_SK["sku"])}
_UNKNOWN_SKU = "BNDL-PB10K-MOUNT"

# which SKUs each channel lists (None = all) and per-channel popularity boosts
_LISTED = {
    _DE: ("PH-PB10K-MAG", "PH-CHG-3IN1", "PH-CASE-IP15", "PH-CASE-IP13", "PH-EARB-TWS", "PH-MOUNT-CAR",
          "PH-CABLE-C2C", "KT-TUMB-30", "KT-SCALE-DIG", "KT-GARLIC", "KT-OIL-SPR", "KT-AIRF-LINER",
          "PT-FEEDER-WIFI", "PT-FOUNT-2L", "HM-ORG-DRAWER", "HM-VAC-BAG", "HM-CLOSET-HGR", "HM-LED-STRIP"),
    _UK: ("PH-PB10K-MAG", "PH-CHG-3IN1", "PH-CASE-IP15", "PH-CABLE-C2C", "KT-TUMB-30", "KT-SCALE-DIG",
          "KT-GARLIC", "PT-FEEDER-WIFI", "PT-FOUNT-2L", "HM-ORG-DRAWER", "HM-VAC-BAG"),
    _EBAY: ("PH-PB10K-MAG", "PH-CHG-3IN1", "PH-CASE-IP15", "PH-CASE-IP13", "PH-EARB-TWS", "PH-CABLE-C2C",
            "PH-STAND-ALU", "PH-MOUNT-CAR", "KT-TUMB-30", "KT-SCALE-DIG", "KT-GARLIC", "KT-KNIFE-SET",
            "KT-SPICE-RACK", "OD-LANTERN-LED", "OD-HAMMOCK", "OD-STRAW-FLT", "OD-HEADLAMP",
            "OD-CHAIR-FOLD", "HM-ORG-DRAWER", "HM-VAC-BAG", "HM-HOOK-ADH"),
    _SHOP: None,
    _TT: ("PH-PB10K-MAG", "PH-CASE-IP15", "PH-EARB-TWS", "PH-MOUNT-CAR", "KT-TUMB-30", "KT-OIL-SPR",
          "KT-AIRF-LINER", "PT-FOUNT-2L", "PT-BRUSH-SELF", "PT-TOY-LASER", "OD-LANTERN-LED",
          "OD-FAN-NECK", "HM-HOOK-ADH", "HM-LED-STRIP"),
    _WM: ("PH-PB10K-MAG", "PH-CHG-3IN1", "KT-TUMB-30", "KT-SCALE-DIG", "PT-FEEDER-WIFI", "PT-FOUNT-2L",
          "PT-CATTREE-72", "PT-LEASH-RET", "PT-BED-CALM", "OD-HEADLAMP", "OD-TENT-POP", "OD-CHAIR-FOLD",
          "HM-ORG-DRAWER", "HM-VAC-BAG", "HM-SHOE-RACK"),
    _US: None,
}
_UNKNOWN_CHANNELS = (_US, _SHOP)
_BOOST = {
    (_TT, "OD-LANTERN-LED"): 3.0, (_TT, "OD-FAN-NECK"): 3.0, (_TT, "KT-AIRF-LINER"): 2.5,
    (_TT, "PT-TOY-LASER"): 2.5, (_TT, "PH-EARB-TWS"): 2.0, (_TT, "PH-PB10K-MAG"): 0.6,
    (_WM, "PT-CATTREE-72"): 3.0, (_WM, "PT-FEEDER-WIFI"): 1.5,
    (_SHOP, "PT-FEEDER-WIFI"): 1.6, (_SHOP, "PT-FOUNT-2L"): 1.5,
    (_DE, "KT-TUMB-30"): 1.5, (_EBAY, "PH-CASE-IP13"): 2.0, (_EBAY, "KT-KNIFE-SET"): 1.5,
}

# business seasonality (Jan..Dec, interpolated day by day) and SKU season shapes
_SEASON = np.array([0.90, 0.88, 0.90, 0.92, 0.95, 0.96, 1.02, 0.98, 0.96, 1.04, 1.30, 1.45])
_SKU_SEASON = {
    "flat": np.ones(12),
    "summer": np.array([0.25, 0.3, 0.55, 1.0, 1.6, 2.1, 2.3, 1.8, 1.0, 0.5, 0.35, 0.35]),
    "gift": np.array([0.5, 0.5, 0.6, 0.6, 0.7, 0.7, 0.8, 0.8, 0.9, 1.2, 2.6, 3.2]),
}
# stock cover (days) at review end by role; others draw 45..150 days
_COVER = {"hero_low_stock": 20.0, "overstock": 320.0}
_DEAD_STOCK_UNITS = 850


def _second_tuesday_of_july(year: int) -> dt.date:
    first = dt.date(year, 7, 1)
    return first + dt.timedelta(days=(1 - first.weekday()) % 7 + 7)


def _black_friday(year: int) -> dt.date:
    first = dt.date(year, 11, 1)
    thanksgiving = first + dt.timedelta(days=(3 - first.weekday()) % 7 + 21)
    return thanksgiving + dt.timedelta(days=1)


def _promotions(review_year: int) -> list[dict]:
    """Promotion windows and their (designed) effect on orders.

    mult: order intensity inside the window; discount: share off the line price; lull/after: order
    intensity in the 7 days before / ``after_days`` days after the window.
    """
    y, p = review_year, review_year - 1
    promos = []
    for year, suffix in ((p, str(p)), (y, str(y))):
        pd_start = _second_tuesday_of_july(year)
        promos.append(dict(name=f"Prime Day {suffix}", channel=_US, start=pd_start,
                           end=pd_start + dt.timedelta(days=3), mult=5.0, discount=0.15, lull=0.88,
                           after=1.1, after_days=14, cost=1500.0 if year == y else 1200.0))
        bf = _black_friday(year)
        promos.append(dict(name=f"黑五网一 Black Friday / Cyber Monday {suffix}", channel=None, start=bf,
                           end=bf + dt.timedelta(days=3), mult=3.5, discount=0.20, lull=0.95,
                           after=1.0, after_days=0, cost=800.0 if year == y else 600.0))
    promos.append(dict(name=f"春季大促 Spring Sale {y}", channel=None, start=dt.date(y, 3, 16),
                       end=dt.date(y, 3, 25), mult=0.88, discount=0.25, lull=1.0, after=1.0,
                       after_days=0, cost=300.0))
    promos.append(dict(name=f"TikTok 夏日闪购 Summer Flash Sale {y}", channel=_TT, start=dt.date(y, 8, 20),
                       end=dt.date(y, 8, 22), mult=4.0, discount=0.30, lull=1.0, after=0.3,
                       after_days=14, cost=600.0))
    return promos


# ---------------------------------------------------------------------------------------------
# vectorised text helpers
def _digits(values: np.ndarray, width: int, base: int = 10) -> np.ndarray:
    """ASCII digit matrix (n, width) of non-negative integers, zero padded."""
    v = np.asarray(values, dtype=np.int64).copy()
    out = np.empty((v.size, width), dtype=np.uint8)
    table = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
    for pos in range(width - 1, -1, -1):
        out[:, pos] = table[v % base]
        v //= base
    return out


def _join(n: int, *parts: np.ndarray | bytes) -> np.ndarray:
    """Concatenate digit matrices and constant byte strings into a fixed-width str array."""
    mats = [np.broadcast_to(np.frombuffer(p, dtype=np.uint8), (n, len(p))) if isinstance(p, bytes) else p
            for p in parts]
    mat = np.ascontiguousarray(np.hstack(mats)) if mats else np.empty((n, 0), np.uint8)
    return mat.view(f"S{mat.shape[1]}").ravel().astype(f"U{mat.shape[1]}")


def _scramble(idx: np.ndarray, modulus: int, rng: np.random.Generator) -> np.ndarray:
    """A seeded bijection of 0..modulus-1 (3-round Feistel network): unique, random-looking numbers.

    ``modulus`` must be a perfect square (10**14, 16**12...).
    """
    half = int(round(modulus ** 0.5))
    assert half * half == modulus
    v = np.asarray(idx, dtype=np.int64) % modulus
    left, right = v // half, v % half
    for a, b in rng.integers(1, half, size=(3, 2)):
        left, right = right, (left + (right * int(a) + int(b)) % half) % half
    return left * half + right


def _psych(price: np.ndarray) -> np.ndarray:
    """x.99 price points."""
    return np.round(np.maximum(np.ceil(price) - 0.01, 0.99), 2)


def _frame(sheet: str, data: dict) -> pd.DataFrame:
    """A frame with every schema column of ``sheet`` in schema order (missing columns blank)."""
    keys = SHEETS_BY_NAME[sheet].keys
    n = len(next(iter(data.values()))) if data else 0
    cols = {k: (data[k] if k in data else [None] * n) for k in keys}
    return pd.DataFrame(cols, columns=keys)


def _day(start: np.datetime64, offsets: np.ndarray) -> pd.Series:
    return pd.Series(start + np.asarray(offsets).astype("timedelta64[D]"))


def _rel_date(review_year: int, rel) -> dt.date | None:
    if rel is None:
        return None
    years, month, day = rel
    return dt.date(review_year + years, month, day)


# ---------------------------------------------------------------------------------------------
def demo_frames(seed: int = 7, review_year: int = 2026, n_order_lines: int | None = None,
                with_plan_year_actuals: bool = True, unknown_sku: bool = True) -> dict[str, pd.DataFrame]:
    """Realistic sample input frames, one per input sheet of DATA_MODEL.md.

    Parameters
    ----------
    seed : int
        Seed of the ``numpy.random.Generator``; the same seed gives the same frames.
    review_year : int
        The year under review; orders cover ``review_year - 1`` and ``review_year``.
    n_order_lines : int, optional
        Number of Orders rows (default about 16,000). Money figures of the other sheets (fixed
        costs, marketing, content) scale with it so that the classes stay the same.
    with_plan_year_actuals : bool
        Also generate orders (and traffic, ads) for the first 8 ISO weeks of ``review_year + 1``.
    unknown_sku : bool
        Sell one SKU that is missing from Products (to show the unknown-SKU warning).

    Returns
    -------
    dict[str, DataFrame]
        Keyed by canonical sheet name ("Settings", "Orders", ...); columns are the schema keys in
        schema order. Settings is a two-column ``key | value`` frame.

    Examples
    --------
    >>> frames = demo_frames(seed=7)
    >>> sorted(frames)[:3]
    ['Ads', 'Channels', 'Content']
    """
    rng = np.random.default_rng(seed)
    n_lines = DEFAULT_ORDER_LINES if n_order_lines is None else int(n_order_lines)
    if n_lines < 1:
        raise ValueError("n_order_lines must be >= 1")
    scale = n_lines / DEFAULT_ORDER_LINES
    plan_year = review_year + 1

    start = dt.date(review_year - 1, 1, 1)
    end = dt.date.fromisocalendar(plan_year, 8, 7) if with_plan_year_actuals else dt.date(review_year, 12, 31)
    n_days = (end - start).days + 1
    day0 = np.datetime64(start, "D")
    dates = day0 + np.arange(n_days).astype("timedelta64[D]")
    months = dates.astype("datetime64[M]").astype(int) % 12            # 0..11
    month_index = dates.astype("datetime64[M]").astype(int) - np.datetime64(start, "M").astype(int)
    years_rel = (dates - np.datetime64(dt.date(review_year, 1, 1), "D")).astype(int) / 365.25
    weekday = (dates.astype(int) + 3) % 7                                 # Monday = 0
    n_ch, n_sku = len(_CHANNELS), len(_SKUS)

    def idx(d: dt.date) -> int:
        return (d - start).days

    # ---- order intensity per channel x day ----------------------------------------------------
    doy = (dates - dates.astype("datetime64[Y]")).astype(int)
    mid = np.array([15.5 + 30.44 * m for m in range(12)])
    season = np.interp(doy, np.concatenate([mid - 365, mid, mid + 365]), np.tile(_SEASON, 3))
    mmdd = dates.astype("datetime64[D]") - dates.astype("datetime64[M]")
    dec_cutoff = (months == 11) & (mmdd.astype(int) >= 21)
    season = np.where(dec_cutoff, season * 0.72, season)
    rate = np.empty((n_ch, n_days))
    for c in range(n_ch):
        if c == _TT:
            trend = 1.0 / (1.0 + np.exp(-(years_rel - 0.15) / 0.22))
        else:
            trend = _CH["growth"][c] ** years_rel
        wk = np.where(weekday >= 5, 1.08 if c in (_SHOP, _TT) else 1.03, 1.0)
        rate[c] = _CH["share"][c] * trend * season * wk
        if c in _CH_START:
            rate[c, : max(0, idx(_rel_date(review_year, _CH_START[c])))] = 0.0
    promos = _promotions(review_year)
    promo_id = np.full((n_ch, n_days), -1)
    promo_disc = np.zeros(len(promos))
    for k, pr in enumerate(promos):
        rows = list(range(n_ch)) if pr["channel"] is None else [pr["channel"]]
        a, b = idx(pr["start"]), idx(pr["end"]) + 1
        if b <= 0 or a >= n_days:
            continue
        for c in rows:
            rate[c, max(a - 7, 0):a] *= pr["lull"]
            rate[c, a:b] *= pr["mult"]
            rate[c, b:b + pr["after_days"]] *= pr["after"]
            promo_id[c, a:b] = k
        promo_disc[k] = pr["discount"]
    rate += 1e-12 * (rate > 0)

    # ---- orders and lines ------------------------------------------------------------------
    lines_p = np.array([0.85, 0.11, 0.04])
    n_orders = max(1, int(round(n_lines / float(lines_p @ np.arange(1, 4)))))
    n_orders = min(n_orders, n_lines)
    counts = rng.multinomial(n_orders, (rate / rate.sum()).ravel())
    group = np.repeat(np.arange(n_ch * n_days), counts)               # sorted by channel, day
    o_ch, o_day = group // n_days, group % n_days
    k_lines = rng.choice(np.arange(1, 4), size=n_orders, p=lines_p)
    diff = n_lines - int(k_lines.sum())
    if diff > 0:
        pick = rng.choice(np.flatnonzero(k_lines < 3), size=min(diff, int((k_lines < 3).sum())), replace=False)
        k_lines[pick] += 1
    elif diff < 0:
        pick = rng.choice(np.flatnonzero(k_lines > 1), size=min(-diff, int((k_lines > 1).sum())), replace=False)
        k_lines[pick] -= 1
    first_line = np.concatenate([[0], np.cumsum(k_lines)[:-1]])
    ord_of = np.repeat(np.arange(n_orders), k_lines)
    line_no = np.arange(ord_of.size) - first_line[ord_of]
    ch, day = o_ch[ord_of], o_day[ord_of]

    # ---- SKU mix per channel x day -------------------------------------------------------------
    listed = np.zeros((n_ch, n_sku))
    for c in range(n_ch):
        names = _LISTED[c]
        listed[c] = 1.0 if names is None else np.isin(_SK["sku"], names)
    unknown_i = _SKU_INDEX[_UNKNOWN_SKU]
    listed[:, unknown_i] = 0.0
    if unknown_sku:
        listed[list(_UNKNOWN_CHANNELS), unknown_i] = 1.0
    for (c, s), f in _BOOST.items():
        listed[c, _SKU_INDEX[s]] *= f
    avail = np.ones((n_days, n_sku))
    for s in range(n_sku):
        launch, stop = _rel_date(review_year, _SK["launch"][s]), _rel_date(review_year, _SK["end"][s])
        if launch > start:
            avail[: idx(launch), s] = 0.0
        if stop is not None:
            avail[idx(stop) + 1:, s] = 0.0
    sku_season = np.stack([_SKU_SEASON[k] for k in _SK["season"]], axis=1)   # (12, S)
    sku_daily = np.stack([np.interp(doy, np.concatenate([mid - 365, mid, mid + 365]), np.tile(sku_season[:, s], 3))
                          for s in range(n_sku)], axis=1)                    # (D, S)
    weights = (_SK["weight"].astype(float) * avail * sku_daily)[None, :, :] * listed[:, None, :]  # (C, D, S)
    cum = weights.reshape(n_ch * n_days, n_sku).cumsum(axis=1)
    tot = cum[:, -1:].copy()
    tot[tot == 0] = 1.0
    flat = (cum / tot + np.arange(n_ch * n_days)[:, None]).ravel()

    def draw_sku(g: np.ndarray) -> np.ndarray:
        pos = np.searchsorted(flat, g + rng.random(g.size), side="right")
        return np.minimum(pos - g * n_sku, n_sku - 1)

    g_line = ch * n_days + day
    sku = draw_sku(g_line)
    for _ in range(10):                       # distinct SKUs within an order
        dup = np.zeros(sku.size, dtype=bool)
        dup[1:] |= (line_no[1:] >= 1) & (sku[1:] == sku[:-1])
        dup[2:] |= (line_no[2:] >= 2) & (sku[2:] == sku[:-2])
        if not dup.any():
            break
        sku[dup] = draw_sku(g_line[dup])
    else:
        keep = ~dup
        ord_of, line_no, ch, day, sku = ord_of[keep], line_no[keep], ch[keep], day[keep], sku[keep]
    n = sku.size

    # ---- money per line ------------------------------------------------------------------------
    price_tab = _psych(_SK["price"].astype(float)[None, :] * _CH["price"][:, None])     # (C, S)
    unit_price = price_tab[ch, sku]
    qty = rng.choice(np.arange(1, 6), size=n, p=[0.74, 0.18, 0.05, 0.02, 0.01])
    qty = np.where((unit_price > 45) & (rng.random(n) < 0.9), 1, qty)
    item_price = np.round(qty * unit_price, 2)
    pid = promo_id[ch, day]
    in_promo = (pid >= 0) & (rng.random(n) < 0.85)
    coupon = ~in_promo & np.isin(ch, (_US, _DE, _SHOP)) & (rng.random(n) < 0.04)
    disc_rate = np.where(in_promo, promo_disc[np.maximum(pid, 0)], np.where(coupon, 0.10, 0.0))
    discount = np.round(item_price * disc_rate, 2)
    promo_names = np.array([pr["name"] for pr in promos] + [None], dtype=object)
    promo_col = promo_names[np.where(in_promo, pid, len(promos))]

    countries = np.empty(n_orders, dtype=object)
    for c, (codes, probs) in _COUNTRIES.items():
        m = o_ch == c
        countries[m] = np.array(codes, dtype=object)[rng.choice(len(codes), size=int(m.sum()), p=probs)]
    country = countries[ord_of]
    intl = country != np.array(_HOME_COUNTRY, dtype=object)[ch]
    first = line_no == 0
    ship_charged = np.zeros(n)
    m_shop = first & (ch == _SHOP)
    ship_charged[m_shop & (item_price < 35)] = 4.99
    m_ebay = first & (ch == _EBAY) & (rng.random(n) < 0.25)
    ship_charged[m_ebay] = 3.99
    ship_charged[first & intl & np.isin(ch, (_SHOP, _EBAY))] = 9.99

    fee_rate = _CH["fee"][ch] + np.where((ch == _TT) & (rng.random(n) < 0.45), 0.10, 0.0)  # creator commission
    platform_fee = np.round(fee_rate * (item_price - discount + ship_charged) + _CH["fee_order"][ch] * first, 2)
    fx_local = np.array([1.0, 0.95, 0.85, 1.0, 1.0, 1.0, 1.1])                     # FBA 3.5 USD ~ 3.3 EUR
    fulfillment_fee = np.round(_CH["fba"][ch] * _SK["fba"].astype(float)[sku] * fx_local[ch] * qty, 2)
    ship_unit = _SK["ship"].astype(float)[sku] * np.where(ch == _TT, 0.8, 1.0)
    shipping_cost = np.round(_CH["self_ship"][ch] * ship_unit * (1 + 0.35 * (qty - 1)) * np.where(intl, 2.2, 1.0), 2)

    p_refund = _SK["refund"].astype(float)[sku] * _CH["refund"][ch]
    refunded = rng.random(n) < p_refund
    part = rng.random(n) >= 0.8
    r_qty = np.where(part, 1 + (rng.random(n) * qty).astype(int), qty)
    refunded_qty = np.where(refunded, np.minimum(r_qty, qty), 0)
    refund_amount = np.round(refunded_qty / qty * (item_price - discount), 2)

    # ---- ids -------------------------------------------------------------------------------------
    order_ids = np.empty(n_orders, dtype=object)
    ch_first = np.searchsorted(o_ch, np.arange(n_ch))
    for c in range(n_ch):
        m = np.flatnonzero(o_ch == c)
        if m.size == 0:
            continue
        i = np.arange(m.size)
        if c in (_US, _DE, _UK):
            pre = {_US: (111, 112, 113, 114), _DE: (302, 303, 304, 305, 28), _UK: (202, 203, 204, 205, 26)}[c]
            v = _scramble(i, 10**14, rng)
            ids = _join(m.size, _digits(rng.choice(pre, size=m.size), 3), b"-", _digits(v // 10**7, 7), b"-",
                        _digits(v % 10**7, 7))
        elif c == _EBAY:
            v = _scramble(i, 10**10, rng)
            ids = _join(m.size, _digits(rng.integers(1, 28, size=m.size), 2), b"-", _digits(v // 10**5, 5), b"-",
                        _digits(v % 10**5, 5))
        elif c == _SHOP:
            ids = np.char.add("#", (1001 + i).astype(str))
        elif c == _TT:
            ids = _join(m.size, b"57", _digits(_scramble(i, 10**16, rng), 16))
        else:
            ids = _join(m.size, b"108", _digits(_scramble(i, 10**12, rng), 12))
        order_ids[m] = ids

    # customers: a returning order re-uses the customer of an earlier order of the same channel
    parent = np.arange(n_orders)
    ret = rng.random(n_orders) < _CH["repeat"][o_ch]
    pos_in_ch = np.arange(n_orders) - ch_first[o_ch]
    ret &= pos_in_ch > 0
    parent[ret] = ch_first[o_ch[ret]] + (rng.random(int(ret.sum())) * pos_in_ch[ret]).astype(int)
    while True:
        nxt = parent[parent]
        if np.array_equal(nxt, parent):
            break
        parent = nxt
    cust = _join(n_orders, _digits(_scramble(parent, 16**12, rng), 12, base=16)).astype(object)
    cust[rng.random(n_orders) < 0.02] = None
    customer_id = cust[ord_of]

    ccy = _CH["currency"][ch].astype(object)
    orders = _frame("Orders", {
        "order_id": order_ids[ord_of], "order_date": _day(day0, day), "channel": _CH["name"][ch].astype(object),
        "sku": _SK["sku"][sku].astype(object), "quantity": qty.astype(np.int64), "item_price": item_price,
        "discount": discount, "shipping_charged": ship_charged, "platform_fee": platform_fee,
        "fulfillment_fee": fulfillment_fee, "shipping_cost": shipping_cost, "refund_amount": refund_amount,
        "refunded_qty": refunded_qty.astype(np.int64), "customer_id": customer_id, "country": country,
        "currency": ccy, "promo": promo_col,
    })

    # expected orders and net value per order, per channel x day (local currency)
    exp_orders = n_orders * rate / rate.sum()
    net_line = item_price - discount + ship_charged - refund_amount
    net_per_order = np.bincount(ch, net_line, n_ch) / np.maximum(np.bincount(o_ch, minlength=n_ch), 1)

    # ---- Ads -------------------------------------------------------------------------------------
    ads, clicks_by_ch = _ads(rng, exp_orders * net_per_order[:, None], avail, price_tab, net_per_order, day0)

    # ---- Traffic ---------------------------------------------------------------------------------
    traffic = _traffic(rng, exp_orders, clicks_by_ch, ch, sku, day, listed, avail, month_index, dates, day0)

    # ---- Products --------------------------------------------------------------------------------
    review_end = idx(dt.date(review_year, 12, 31))
    last90 = (day > review_end - 90) & (day <= review_end)
    u90 = np.bincount(sku[last90], qty[last90], n_sku)
    cover = rng.uniform(45, 150, n_sku)
    for s, role in enumerate(_SK["role"]):
        cover[s] = _COVER.get(role, cover[s])
    stock = np.round(u90 / 90.0 * cover).astype(np.int64)
    stock[_SK["role"] == "dead_stock"] = int(round(_DEAD_STOCK_UNITS * max(scale, 0.05)))
    in_products = np.flatnonzero(_SK["role"] != "unknown")
    products = _frame("Products", {
        "sku": _SK["sku"][in_products].astype(object), "name": _SK["name"][in_products].astype(object),
        "category": _SK["category"][in_products].astype(object), "unit_cost": _SK["cost"][in_products].astype(float),
        "launch_date": pd.to_datetime([_rel_date(review_year, _SK["launch"][s]) for s in in_products]),
        "stock_qty": stock[in_products], "rating": _SK["rating"][in_products].astype(float),
    })

    # ---- small sheets ----------------------------------------------------------------------------
    marketing = _marketing(promos, review_year, scale)
    content = _content(rng, review_year, scale)
    channels = _frame("Channels", {
        "channel": list(CHANNEL_NAMES), "hours_per_week": _CH["hours"].astype(float),
        "fixed_cost": np.round(_CH["fixed"].astype(float) * scale, 2),
    })
    costs = _costs(review_year, scale)
    unit_costs = _unit_costs(review_year, products)
    fx = _fx(review_year)
    goals = _goals(orders, fx, review_year)
    settings = pd.DataFrame({"key": ["base_currency", "review_year", "plan_year", "language", "fixed_overhead",
                                     "strategy_pillars"],
                             "value": ["USD", review_year, plan_year, "zh", round(24000 * scale, 2),
                                       "品牌化, 多市场, 利润优先"]}, dtype=object)
    return {"Settings": settings, "Orders": orders, "Products": products, "Traffic": traffic, "Ads": ads,
            "Marketing": marketing, "Content": content, "Channels": channels, "Costs": costs, "UnitCosts": unit_costs, "FX": fx, "Goals": goals}


# ---------------------------------------------------------------------------------------------
# Ads: channel, campaign, ad_group, keyword, sku, share of the channel's ad budget, cpc, ctr, cvr,
# and for wasted keywords (share 0) a fixed expected number of clicks a day that never convert.
_ADS = (
    (_US, "SP-充电宝-精准 Power Bank Exact", "Exact", "magnetic power bank", "PH-PB10K-MAG", .22, 1.15, .006, .13, 0),
    (_US, "SP-充电宝-精准 Power Bank Exact", "Exact", "magsafe battery pack", "PH-PB10K-MAG", .10, 1.30, .005, .11, 0),
    (_US, "SP-充电宝-精准 Power Bank Exact", "Exact", "iphone 16 pro max case", "PH-PB10K-MAG", 0, 1.10, .004, 0, .25),
    (_US, "SP-喂食器-广泛 Feeder Broad", "Broad", "automatic cat feeder", "PT-FEEDER-WIFI", .16, 1.05, .005, .10, 0),
    (_US, "SP-喂食器-广泛 Feeder Broad", "Broad", "wifi pet feeder", "PT-FEEDER-WIFI", .06, .95, .004, .08, 0),
    (_US, "SP-喂食器-广泛 Feeder Broad", "Broad", "dog crate large", "PT-FEEDER-WIFI", 0, .90, .003, 0, .30),
    (_US, "SP-充电座-词组 Charger Phrase", "Phrase", "3 in 1 charging station", "PH-CHG-3IN1", .10, 1.20, .005, .10, 0),
    (_US, "SP-猫爬架 Cat Tree", "Cat Tree", "cat tree for large cats", "PT-CATTREE-72", .10, 1.60, .004, .05, 0),
    (_US, "SP-猫爬架 Cat Tree", "Cat Tree", "cheap cat tree free shipping", "PT-CATTREE-72", 0, 1.40, .003, 0, .20),
    (_US, "SP-Auto 全店自动", None, None, None, .16, .75, .004, .08, 0),
    (_US, "SB-品牌旗舰 Brand Store", None, None, None, .10, .90, .003, .07, 0),
    (_DE, "SP-DE Powerbank", "Exact", "powerbank magnetisch", "PH-PB10K-MAG", .35, .85, .005, .11, 0),
    (_DE, "SP-DE Powerbank", "Exact", "kabelloses ladegerät", "PH-CHG-3IN1", .20, .90, .004, .09, 0),
    (_DE, "SP-DE Powerbank", "Exact", "ladekabel günstig", "PH-PB10K-MAG", 0, .70, .004, 0, .30),
    (_DE, "SP-DE Auto", None, None, None, .45, .60, .004, .08, 0),
    (_UK, "SP-UK Auto", None, None, None, 1.0, .70, .004, .09, 0),
    (_WM, "WM-SP 喂食器 Feeder", "Feeder", "automatic pet feeder", "PT-FEEDER-WIFI", .35, .75, .004, .06, 0),
    (_WM, "WM-SP 喂食器 Feeder", "Feeder", "pet supplies", "PT-FEEDER-WIFI", 0, .60, .003, 0, .40),
    (_WM, "WM-SP 猫爬架 Cat Tree", "Cat Tree", "cat tower", "PT-CATTREE-72", .25, .80, .004, .05, 0),
    (_WM, "WM-Auto 自动", None, None, None, .40, .55, .003, .05, 0),
    (_TT, "GMV Max 全店", None, None, None, .60, .45, .010, .05, 0),
    (_TT, "TT 视频加热 Video Boost", "露营灯", None, "OD-LANTERN-LED", .20, .40, .012, .05, 0),
    (_TT, "TT 视频加热 Video Boost", "挂脖风扇", None, "OD-FAN-NECK", .20, .40, .012, .05, 0),
)


def _ads(rng, exp_sales, avail, price_tab, net_per_order, day0) -> tuple[pd.DataFrame, np.ndarray]:
    """Daily ad rows sized to each channel's TACoS, and the clicks per channel x day (for Traffic)."""
    n_ch, n_days = exp_sales.shape
    k = len(_ADS)
    a_ch = np.array([r[0] for r in _ADS])
    a_sku = np.array([-1 if r[4] is None else _SKU_INDEX[r[4]] for r in _ADS])
    share, cpc, ctr, cvr, waste = (np.array([r[i] for r in _ADS], dtype=float) for i in range(5, 10))
    active = (exp_sales[a_ch] > 0) & np.where(a_sku[:, None] >= 0, avail.T[np.maximum(a_sku, 0)] > 0, True)
    budget = _CH["tacos"][a_ch][:, None] * exp_sales[a_ch] * share[:, None]            # (K, D) local money
    lam_clicks = np.where(waste[:, None] > 0, waste[:, None], budget / cpc[:, None]) * active
    impressions = rng.poisson(lam_clicks / ctr[:, None] * rng.uniform(0.7, 1.3, (k, n_days)))
    clicks = rng.binomial(impressions, ctr[:, None])
    spend = np.round(clicks * cpc[:, None] * rng.uniform(0.85, 1.15, (k, n_days)), 2)
    orders = rng.binomial(clicks, cvr[:, None])
    value = np.where(a_sku >= 0, price_tab[a_ch, np.maximum(a_sku, 0)] * 1.2, net_per_order[a_ch] * 1.1)
    sales = np.round(orders * value[:, None] * rng.uniform(0.9, 1.2, (k, n_days)), 2)
    clicks_by_ch = np.zeros((n_ch, n_days))
    np.add.at(clicks_by_ch, a_ch, clicks)
    kk, dd = np.nonzero(impressions > 0)
    order = np.lexsort((kk, dd))
    kk, dd = kk[order], dd[order]

    def col(i: int) -> np.ndarray:
        return np.array([r[i] for r in _ADS], dtype=object)[kk]

    ads = _frame("Ads", {
        "date": _day(day0, dd), "channel": _CH["name"][a_ch[kk]].astype(object), "campaign": col(1),
        "ad_group": col(2), "keyword": col(3), "sku": col(4), "impressions": impressions[kk, dd].astype(np.int64),
        "clicks": clicks[kk, dd].astype(np.int64), "spend": spend[kk, dd], "sales": sales[kk, dd],
        "orders": orders[kk, dd].astype(np.int64), "currency": _CH["currency"][a_ch[kk]].astype(object),
    })
    return ads, clicks_by_ch


_SOURCES = {  # channel-level traffic rows: (source, share of organic sessions); "paid" = ad clicks
    _US: (("organic", 1.0),), _DE: (("organic", 1.0),), _UK: (("organic", 1.0),), _EBAY: (("organic", 1.0),),
    _SHOP: (("organic", 0.6), ("social", 0.25), ("email", 0.15)), _TT: (("social", 1.0),),
    _WM: (("organic", 1.0),),
}


def _traffic(rng, exp_orders, clicks_by_ch, ch, sku, day, listed, avail, month_index, dates, day0) -> pd.DataFrame:
    """Daily channel-level sessions by source (paid = ad clicks) and monthly SKU-level detail."""
    n_ch, n_days = exp_orders.shape
    cvr = _CH["cvr"]
    parts = []
    exp_sessions = exp_orders / cvr[:, None]
    for c in range(n_ch):
        on = np.flatnonzero(exp_orders[c] > 0)
        organic = np.maximum(exp_sessions[c, on] - clicks_by_ch[c, on], 0.35 * exp_sessions[c, on])
        rows = [(src, rng.poisson(organic * f * rng.uniform(0.85, 1.15, on.size))) for src, f in _SOURCES[c]]
        if clicks_by_ch[c].any():
            rows.append(("paid", clicks_by_ch[c, on].astype(np.int64)))
        for src, sess in rows:
            parts.append((c, on, np.full(on.size, None, dtype=object), np.full(on.size, src, dtype=object), sess))
    # SKU detail per channel x month (date = first day of the month)
    n_months = int(month_index.max()) + 1
    n_sku = listed.shape[1]
    cnt = np.bincount((ch * n_sku + sku) * n_months + month_index[day], minlength=n_ch * n_sku * n_months)
    cnt = cnt.reshape(n_ch, n_sku, n_months)
    sold = np.zeros((n_ch, n_sku, n_months), dtype=bool)
    av_m = np.zeros((n_sku, n_months))
    np.add.at(av_m.T, month_index, avail)
    ch_on = np.zeros((n_ch, n_months))
    np.add.at(ch_on.T, month_index, (exp_orders > 0).T.astype(float))
    sold |= (listed[:, :, None] > 0) & (av_m[None] > 0) & (ch_on[:, None, :] > 0)
    sold[:, _SKU_INDEX[_UNKNOWN_SKU], :] = False
    cc, ss, mm = np.nonzero(sold)
    rate = cvr[cc] * _SK["cvr"].astype(float)[ss]
    sess = np.round(cnt[cc, ss, mm] / rate * rng.uniform(0.85, 1.15, cc.size)).astype(np.int64) + rng.poisson(2, cc.size)
    sess = np.maximum(sess, cnt[cc, ss, mm])
    month_start = np.unique(dates.astype("datetime64[M]")).astype("datetime64[D]")
    first_day = (month_start[mm] - day0).astype(int)
    parts.append((cc, first_day, _SK["sku"][ss].astype(object), np.full(cc.size, None, dtype=object), sess))

    c_all = np.concatenate([np.full(p[1].size, p[0]) if np.isscalar(p[0]) else p[0] for p in parts])
    d_all = np.concatenate([p[1] for p in parts])
    sku_all = np.concatenate([p[2] for p in parts])
    src_all = np.concatenate([p[3] for p in parts])
    sessions = np.concatenate([p[4] for p in parts]).astype(np.int64)
    is_sku = pd.notna(sku_all)
    page_views = np.round(sessions * rng.uniform(1.4, 2.2, sessions.size)).astype(np.int64)
    atc_p = np.minimum(cvr[c_all] * np.where(is_sku, _SK["cvr"].astype(float)[_sku_codes(sku_all)], 1.0) * 1.9, 0.6)
    add_to_cart = rng.binomial(sessions, atc_p)
    order = np.lexsort((is_sku, c_all, d_all))
    return _frame("Traffic", {
        "date": _day(day0, d_all[order]), "channel": _CH["name"][c_all[order]].astype(object),
        "sku": sku_all[order], "sessions": sessions[order], "page_views": page_views[order],
        "add_to_cart": add_to_cart[order].astype(np.int64), "source": src_all[order],
    })


def _sku_codes(skus: np.ndarray) -> np.ndarray:
    """Row index in _SKUS of each SKU (0 for blanks)."""
    codes = pd.Series(skus).map(_SKU_INDEX).fillna(0).to_numpy()
    return codes.astype(np.int64)


def _marketing(promos: list[dict], review_year: int, scale: float) -> pd.DataFrame:
    y, p = review_year, review_year - 1
    rows = [(pr["name"], "promotion", None if pr["channel"] is None else CHANNEL_NAMES[pr["channel"]],
             pr["start"], pr["end"], pr["cost"], "USD") for pr in promos]
    rows += [
        (f"TikTok 达人带货 Creator Program {p}", "influencer", "TikTok Shop", dt.date(p, 6, 1), dt.date(p, 12, 31), 1200.0, "USD"),
        ("品牌视频拍摄 Brand Video Shoot", "content", None, dt.date(y, 2, 1), dt.date(y, 2, 28), 2000.0, "USD"),
        ("Shopify 联盟营销 UpPromote Affiliate", "affiliate", "Shopify", dt.date(y, 1, 1), dt.date(y, 12, 31), 2400.0, "USD"),
        ("Amazon 站外联盟 Creator Connections", "affiliate", "Amazon US", dt.date(y, 3, 1), dt.date(y, 12, 31), 1200.0, "USD"),
        (f"TikTok 达人带货 Creator Program {y}", "influencer", "TikTok Shop", dt.date(y, 3, 1), dt.date(y, 12, 31), 2400.0, "USD"),
        ("YouTube 测评红人 Tech Reviewers", "influencer", None, dt.date(y, 5, 1), dt.date(y, 6, 30), 3500.0, "USD"),
        ("Amazon DE Influencer 合作", "influencer", "Amazon DE", dt.date(y, 9, 1), dt.date(y, 11, 30), 900.0, "EUR"),
        ("Walmart 站外引流 Google Shopping", "other", "Walmart", dt.date(y, 4, 1), dt.date(y, 10, 31), 2400.0, "USD"),
    ]
    name, typ, chan, s, e, cost, ccy = zip(*rows)
    return _frame("Marketing", {
        "name": list(name), "type": list(typ), "channel": list(chan), "start_date": pd.to_datetime(list(s)),
        "end_date": pd.to_datetime(list(e)), "cost": np.round(np.array(cost) * scale, 2), "currency": list(ccy),
    })


_CONTENT = {  # format: (channel, pieces a year, visits median, conversion, cost, titles)
    "blog": ("官网博客 Site Blog", 12, 700, .015, 120.0,
             ("2026 磁吸充电宝选购指南 Best Magnetic Power Banks", "猫咪喝水少怎么办 How to Get Your Cat to Drink More",
              "露营装备清单 Camping Checklist", "厨房收纳 10 个技巧 Kitchen Organization Tips")),
    "video": ("YouTube", 4, 2200, .025, 800.0,
              ("开箱测评 Unboxing: 3-in-1 Charging Station", "自动喂食器一周实测 Pet Feeder 7-Day Test")),
    "short_video": ("TikTok", 26, 4000, .012, 150.0,
                    ("露营灯氛围感 #campingtok", "挂脖风扇通勤 #summerhack", "猫咪 vs 激光笔 #cattok",
                     "空气炸锅神器 #airfryer")),
    "social": ("Instagram", 12, 500, .008, 100.0, ("新品预告 New Drop", "用户晒单 Customer Photos")),
    "email": ("Klaviyo 邮件 Email", 26, 900, .04, 50.0, ("会员专享 VIP Early Access", "补货提醒 Back in Stock")),
}


def _content(rng, review_year: int, scale: float) -> pd.DataFrame:
    rows = []
    for year in (review_year - 1, review_year):
        for fmt, (chan, per_year, visits, conv, cost, titles) in _CONTENT.items():
            step = 365 // per_year
            for i in range(per_year):
                rows.append((dt.date(year, 1, 3) + dt.timedelta(days=i * step), fmt, titles[i % len(titles)], chan,
                             visits, conv, cost))
    date, fmt, title, chan, visits, conv, cost = zip(*rows)
    v = np.round(np.array(visits) * scale * rng.lognormal(0, 0.45, len(rows))).astype(np.int64)
    orders = rng.binomial(v, np.array(conv))
    revenue = np.round(orders * rng.uniform(32, 48, len(rows)), 2)
    return _frame("Content", {
        "date": pd.to_datetime(list(date)), "format": list(fmt), "title": list(title), "channel": list(chan),
        "visits": v, "orders": orders.astype(np.int64), "revenue": revenue,
        "cost": np.round(np.array(cost) * scale * rng.uniform(0.8, 1.25, len(rows)), 2),
    })


def _costs(review_year: int, scale: float) -> pd.DataFrame:
    """Account-level costs as a transaction report gives them: monthly FBA storage per Amazon marketplace,
    the Shopify plan, one long-term storage charge, one removal order and one lost-inventory reimbursement."""
    rows = []
    for m in range(1, 13):
        day = dt.date(review_year, m, 7)
        rows.append((day, "storage", round(310 * scale * (1.6 if m in (10, 11, 12) else 1.0), 2), "Amazon US", "",
                     "USD", "FBA storage fee", f"STO-US-{review_year}{m:02d}"))
        rows.append((day, "storage", round(62 * scale, 2), "Amazon DE", "", "EUR", "Lagergebühr",
                     f"STO-DE-{review_year}{m:02d}"))
        rows.append((dt.date(review_year, m, 1), "subscription", 39.0, "Shopify", "", "USD", "Shopify Basic plan",
                     f"SUB-SHOP-{review_year}{m:02d}"))
    rows.append((dt.date(review_year, 8, 15), "long_term_storage", round(145 * scale, 2), "Amazon US", "KT-TUMB-30",
                 "USD", "Long-Term Storage Fee", f"LTS-US-{review_year}08"))
    rows.append((dt.date(review_year, 9, 3), "removal", round(48 * scale, 2), "Amazon US", "KT-TUMB-30", "USD",
                 "FBA Removal Order: Disposal Fee", f"REM-US-{review_year}09"))
    rows.append((dt.date(review_year, 5, 20), "reimbursement", round(-86 * scale, 2), "Amazon US", "", "USD",
                 "FBA Inventory Reimbursement - Lost:Warehouse", f"RMB-US-{review_year}05"))
    date, kind, amount, channel, sku, ccy, desc, ref = zip(*rows)
    return _frame("Costs", {"date": pd.to_datetime(list(date)), "kind": list(kind), "amount": list(amount),
                            "channel": list(channel), "sku": list(sku), "currency": list(ccy),
                            "description": list(desc), "ref": list(ref)})


def _unit_costs(review_year: int, products: pd.DataFrame) -> pd.DataFrame:
    """Two SKUs whose landed cost rose mid-year (new supplier price / freight), as a purchasing sheet records."""
    cost = products.set_index("sku")["unit_cost"]
    skus = [s for s in ("PH-PB10K-MAG", "PT-FEEDER-WIFI") if s in cost.index]
    rows = [(s, dt.date(review_year, 7, 1), round(float(cost[s]) * 1.08, 2)) for s in skus]
    sku, start, unit = zip(*rows) if rows else ((), (), ())
    return _frame("UnitCosts", {"sku": list(sku), "effective_from": pd.to_datetime(list(start)),
                                "unit_cost": list(unit)})


def _fx(review_year: int) -> pd.DataFrame:
    y = review_year
    rows = [("EUR", 1.10, None), ("EUR", 1.04, dt.date(y, 1, 1)), ("EUR", 1.05, dt.date(y, 2, 1)),
            ("EUR", 1.15, dt.date(y, 6, 1)), ("EUR", 1.16, dt.date(y, 11, 1)), ("EUR", 1.17, dt.date(y, 12, 1)),
            ("GBP", 1.30, None), ("GBP", 1.34, dt.date(y, 12, 1))]
    ccy, rate, month = zip(*rows)
    return _frame("FX", {"currency": list(ccy), "rate_to_base": list(rate), "month": pd.to_datetime(list(month))})


def fx_rates(orders: pd.DataFrame, fx: pd.DataFrame, base: str = "USD") -> np.ndarray:
    """Rate to base currency of each Orders row (month-specific FX row wins over the blank-month one)."""
    month = pd.to_datetime(orders["order_date"]).dt.to_period("M").dt.to_timestamp()
    specific = fx.dropna(subset=["month"]).assign(month=lambda f: pd.to_datetime(f["month"]))
    default = fx[fx["month"].isna()].set_index("currency")["rate_to_base"]
    key = pd.DataFrame({"currency": orders["currency"].to_numpy(), "month": month.to_numpy()})
    rate = key.merge(specific, on=["currency", "month"], how="left")["rate_to_base"].to_numpy(dtype=float)
    fallback = key["currency"].map(default).to_numpy(dtype=float)
    rate = np.where(np.isnan(rate), fallback, rate)
    return np.where(key["currency"].to_numpy() == base, 1.0, rate)


def _goals(orders: pd.DataFrame, fx: pd.DataFrame, review_year: int) -> pd.DataFrame:
    plan_year = review_year + 1
    rate = fx_rates(orders, fx)
    o = orders.assign(
        gross=(orders["item_price"] + orders["shipping_charged"]) * rate,
        disc=orders["discount"] * rate, refund=orders["refund_amount"] * rate,
        year=pd.to_datetime(orders["order_date"]).dt.year)
    o["net"] = o["gross"] - o["disc"] - o["refund"]
    rev = o[o["year"] == review_year]
    us = rev.loc[rev["channel"] == "Amazon US", "net"].sum()
    tt = rev.loc[rev["channel"] == "TikTok Shop", "net"].sum()
    refund_rate = rev["refund"].sum() / (rev["gross"].sum() - rev["disc"].sum())
    shop_orders = rev.loc[rev["channel"] == "Shopify", "order_id"].nunique()
    de = o[(o["channel"] == "Amazon DE") & o["customer_id"].notna()]
    first_year = de.groupby("customer_id")["year"].min()
    de_new = int((first_year == review_year).sum())
    end = dt.date(plan_year, 12, 31)
    rr_target = round(refund_rate * 0.85, 4)
    rows = [
        ("G1", "美国站销售额提升30%", "net_sales", "channel=Amazon US", round(us * 1.3, -2), end, "Lily 王", "利润优先"),
        ("G2", f"全店退款率从{refund_rate:.1%}降到{rr_target:.1%}", "refund_rate", "all", rr_target,
         dt.date(plan_year, 9, 30), "Amy 陈", "品牌化"),
        ("G3", "TikTok Shop 销售额增长500%", "net_sales", "channel=TikTok Shop", round(tt * 6, -2), end, "Kevin 张",
         "多市场"),
        ("G4", "欧洲站新客户数增长20%", "new_customers", "channel=Amazon DE", float(round(de_new * 1.2)), None,
         "Kevin 张", "多市场"),
        ("G5", "打造品牌影响力，提升复购", None, "all", np.nan, end, "老板", "品牌化"),
        ("G6", "独立站订单数增长25%", "orders", "channel=Shopify", float(round(shop_orders * 1.25)), end, "Amy 陈",
         "品牌化"),
    ]
    gid, desc, metric, scope, target, deadline, owner, pillar = zip(*rows)
    return _frame("Goals", {
        "goal_id": list(gid), "description": list(desc), "metric": list(metric), "scope": list(scope),
        "baseline": np.full(len(rows), np.nan), "target": np.array(target, dtype=float),
        "deadline": pd.to_datetime(list(deadline)), "owner": list(owner), "pillar": list(pillar),
    })
