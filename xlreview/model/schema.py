"""The canonical workbook schema: one table owns every input sheet, column key, type and alias.

This module is the single source of truth for DATA_MODEL.md. The template builder writes
headers and notes from it, the reader matches headers against its aliases, the validator
parses cells by its types, and docs/data-model.md is checked against it.

Types
-----
text      free text (kept as text, never evaluated)
date      Excel date/serial, ISO text, 2026/3/1, datetime text
money     number in the row's currency (converted to base currency after parsing), may be negative
money+    money >= 0
int+      integer >= 0
number    any number
number+   number >= 0
rate+     number > 0
rating    number 0..5
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    key: str
    type: str
    required: bool
    zh: str
    meaning: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class SheetSpec:
    name: str          # canonical sheet name (English, as in DATA_MODEL)
    zh: str            # Chinese sheet name, also accepted when reading
    required: bool
    columns: tuple[Column, ...]
    meaning: str = ""
    key_value: bool = False     # Settings: two columns key | value

    def column(self, key: str) -> Column:
        for c in self.columns:
            if c.key == key:
                return c
        raise KeyError(key)

    @property
    def keys(self) -> list[str]:
        return [c.key for c in self.columns]

    @property
    def money_keys(self) -> list[str]:
        return [c.key for c in self.columns if c.type.startswith("money")]


C = Column

ORDERS = SheetSpec("Orders", "订单", True, (
    C("order_id", "text", True, "订单号", "platform order number",
      ("order id", "order-id", "order number", "order no", "订单编号", "平台订单号", "订单id", "amazon-order-id")),
    C("order_date", "date", True, "下单日期", "purchase date",
      ("date", "order date", "purchase-date", "purchase date", "日期", "订单日期", "付款时间", "下单时间", "created at")),
    C("channel", "text", True, "渠道", "sales channel, e.g. Amazon US, eBay, Shopify, TikTok Shop",
      ("sales channel", "sales-channel", "platform", "平台", "店铺", "销售渠道", "store")),
    C("sku", "text", True, "SKU", "seller SKU (joins Products)",
      ("seller-sku", "seller sku", "seller_sku", "msku", "merchant sku", "商品sku", "产品sku", "lineitem sku")),
    C("quantity", "int+", True, "数量", "units ordered",
      ("qty", "quantity-purchased", "quantity purchased", "units", "销量", "件数", "lineitem quantity")),
    C("item_price", "money", True, "商品金额", "line price paid before discount (quantity x unit price)",
      ("item-price", "item price", "price", "sales", "商品总价", "销售额", "产品金额")),
    C("discount", "money+", False, "折扣", "promotion discount on the line",
      ("item-promotion-discount", "promotion discount", "discount amount", "优惠", "折扣金额", "促销折扣")),
    C("shipping_charged", "money", False, "买家运费", "shipping paid by the buyer",
      ("shipping-price", "shipping price", "shipping", "运费收入", "买家支付运费")),
    C("platform_fee", "money+", False, "平台佣金", "referral / commission / transaction fees",
      ("platform fee", "referral fee", "commission", "佣金", "平台费", "交易费")),
    C("fulfillment_fee", "money+", False, "履约费", "FBA / warehouse / pick-and-pack fees",
      ("fulfillment fee", "fba fee", "fba fees", "仓储操作费", "FBA费", "配送费")),
    C("shipping_cost", "money+", False, "物流成本", "logistics paid by the seller",
      ("shipping cost", "logistics cost", "运费", "物流费", "头程运费", "尾程运费")),
    C("refund_amount", "money+", False, "退款金额", "amount refunded to the buyer",
      ("refund", "refund amount", "refunds", "退款")),
    C("refunded_qty", "int+", False, "退货数量", "units refunded",
      ("refund qty", "refunded quantity", "returned qty", "退款数量", "退货件数")),
    C("customer_id", "text", False, "客户ID", "buyer id, email hash or phone hash",
      ("customer", "customer id", "buyer id", "buyer-email", "buyer email", "email", "买家", "买家ID", "客户")),
    C("country", "text", False, "国家", "ship-to market, ISO 3166 alpha-2 preferred",
      ("ship-country", "ship country", "country code", "market", "收货国家", "国家/地区", "站点")),
    C("currency", "text", False, "币种", "ISO 4217 code of the money columns of this row",
      ("currency code", "货币", "币别")),
    C("promo", "text", False, "促销活动", "name of the promotion (Marketing sheet) the line belongs to",
      ("promotion", "promotion name", "promotion-ids", "活动", "促销")),
    C("return_reason", "text", False, "退货原因",
      "the buyer's return reason where known (FBA returns report, ERP 退货原因)",
      ("return reason", "reason", "退款原因", "退货理由")),
), "one row per order line")

PRODUCTS = SheetSpec("Products", "产品", True, (
    C("sku", "text", True, "SKU", "unique",
      ("seller-sku", "seller sku", "seller_sku", "msku", "商品sku", "产品sku")),
    C("name", "text", False, "产品名称", "product title", ("title", "product name", "item name", "品名", "商品名称", "标题")),
    C("category", "text", False, "类目", "product category", ("品类", "分类", "类别")),
    C("unit_cost", "money+", True, "单位成本", "landed cost per unit in base currency (purchase + first-leg freight + duty)",
      ("unit cost", "cost", "landed cost", "成本", "采购成本", "单件成本", "落地成本")),
    C("launch_date", "date", False, "上架日期", "first sale date", ("launch date", "上市日期", "首单日期")),
    C("stock_qty", "int+", False, "库存数量", "units on hand at review end (all warehouses)",
      ("stock", "inventory", "on hand", "库存", "可用库存")),
    C("rating", "rating", False, "评分", "average review rating", ("stars", "review rating", "星级")),
), "one row per SKU")

TRAFFIC = SheetSpec("Traffic", "流量", False, (
    C("date", "date", True, "日期", "day (or first day of the month for monthly data)", ("日期/时间", "day")),
    C("channel", "text", True, "渠道", "sales channel", ("platform", "平台", "店铺")),
    C("sku", "text", False, "SKU", "blank = channel-level traffic", ("seller-sku", "msku", "(child) asin")),
    C("sessions", "int+", True, "访客数", "visits / sessions", ("visits", "sessions - total", "会话数", "访问量", "会话次数 - 总计")),
    C("page_views", "int+", False, "浏览量", "page views", ("page views", "pageviews", "页面浏览量", "页面浏览次数 - 总计")),
    C("add_to_cart", "int+", False, "加购数", "sessions that added to cart", ("add to cart", "sessions with cart additions", "加购")),
    C("source", "text", False, "流量来源", "organic / paid / social / content / email / other", ("来源", "traffic source")),
), "one row per date x channel [x sku]")

ADS = SheetSpec("Ads", "广告", False, (
    C("date", "date", True, "日期", "day", ("start date", "日期")),
    C("channel", "text", True, "渠道", "sales channel", ("platform", "平台", "店铺")),
    C("campaign", "text", True, "广告活动", "campaign", ("campaign name", "广告活动名称")),
    C("ad_group", "text", False, "广告组", "ad group", ("ad group", "ad group name", "广告组名称")),
    C("keyword", "text", False, "关键词", "keyword or search term",
      ("targeting", "search term", "customer search term", "关键字", "客户搜索词", "投放")),
    C("sku", "text", False, "SKU", "advertised SKU, where known", ("advertised sku", "广告SKU")),
    C("impressions", "int+", False, "展示量", "impressions", ("曝光量", "展示次数")),
    C("clicks", "int+", False, "点击量", "clicks", ("点击", "点击次数")),
    C("spend", "money+", True, "花费", "ad spend", ("cost", "ad spend", "广告花费", "花费金额", "支出")),
    C("sales", "money+", False, "广告销售额", "attributed sales",
      ("7 day total sales", "14 day total sales", "attributed sales", "销售额", "7天总销售额")),
    C("orders", "int+", False, "广告订单", "attributed orders",
      ("7 day total orders (#)", "attributed orders", "订单数", "7天总订单数(#)")),
    C("currency", "text", False, "币种", "ISO 4217 code", ("货币",)),
), "one row per date x campaign [x keyword]")

MARKETING = SheetSpec("Marketing", "营销活动", False, (
    C("name", "text", True, "活动名称", "unique; Orders.promo and Content may refer to it", ("activity", "活动", "名称")),
    C("type", "text", True, "类型", "promotion / affiliate / influencer / content / other", ("活动类型",)),
    C("channel", "text", False, "渠道", "blank = all channels", ("platform", "平台")),
    C("start_date", "date", True, "开始日期", "first day", ("start", "start date", "开始")),
    C("end_date", "date", True, "结束日期", "last day (inclusive)", ("end", "end date", "结束")),
    C("cost", "money+", False, "费用", "fees, samples, creator payments (not discounts, not ad spend)", ("花费", "成本")),
    C("currency", "text", False, "币种", "ISO 4217 code", ("货币",)),
), "one row per activity")

CONTENT = SheetSpec("Content", "内容", False, (
    C("date", "date", True, "日期", "publish date or period start", ("publish date", "发布日期")),
    C("format", "text", True, "形式", "blog / video / short_video / social / email / other", ("内容形式", "类型")),
    C("title", "text", False, "标题", "title", ("名称",)),
    C("channel", "text", False, "发布渠道", "where it ran (YouTube, TikTok, site blog...)", ("platform", "平台")),
    C("visits", "int+", True, "引流访问", "visits or views it sent to the store", ("views", "访问量", "引流")),
    C("orders", "int+", False, "订单数", "attributed orders", ("订单",)),
    C("revenue", "money+", False, "收入", "attributed revenue", ("sales", "销售额")),
    C("cost", "money+", False, "成本", "production cost", ("费用", "制作成本")),
), "one row per piece or per period")

CHANNELS = SheetSpec("Channels", "渠道", False, (
    C("channel", "text", True, "渠道", "as in Orders", ("platform", "平台")),
    C("hours_per_week", "number+", False, "每周工时", "team hours spent operating the channel", ("hours", "工时", "每周小时")),
    C("fixed_cost", "money+", False, "固定成本", "annual fixed cost (subscription, store fees, staff share)", ("fixed cost", "年固定费用")),
), "one row per channel")

#: Costs.kind: the canonical kinds (DATA_MODEL.md) and the other spellings a seller may type for each.
COST_KINDS: dict[str, tuple[str, ...]] = {
    "storage": ("仓储费", "月度仓储费", "storage fee", "fba storage fee", "inventory storage"),
    "long_term_storage": ("长期仓储费", "long term storage", "long-term storage fee", "aged inventory surcharge"),
    "removal": ("移除费", "弃置费", "removal fee", "disposal fee"),
    "inbound": ("入库费", "入库配置费", "inbound placement", "inbound placement fee", "inbound transportation"),
    "subscription": ("订阅费", "月租", "店铺月租", "subscription fee", "monthly subscription"),
    "coupon": ("优惠券费", "coupon fee", "coupon redemption fee"),
    "deal": ("秒杀费", "促销活动费", "deal fee", "lightning deal fee"),
    "vine": ("vine费", "vine 计划费", "vine fee", "vine enrollment fee"),
    "advertising_other": ("其他广告费", "广告费", "advertising", "cost of advertising"),
    "reimbursement": ("赔偿", "赔付", "reimbursements", "safe-t reimbursement"),
    "adjustment": ("调整", "adjustments"),
    "other": ("其他", "其他费用", "misc"),
}

#: Costs.description of platform-billed advertising (Amazon's "Cost of Advertising" service fee, per marketplace
#: language), matched case-insensitively as a substring. Such a Costs row (kind ``advertising_other``) is the
#: invoice of the same spend the Ads sheet details by campaign: it counts unless the Ads sheet holds rows of the
#: same channel in the same month, then the Ads rows are the spend and the Costs row is left out, so the money
#: is counted once in whatever order the reports were imported (model/read.py applies the rule).
BILLED_ADVERTISING = ("cost of advertising", "werbekosten", "coût de la publicité", "cout de la publicite",
                      "costo della pubblicità", "costi pubblicitari", "gastos de publicidad", "coste de publicidad",
                      "広告費用", "广告费用")

COSTS = SheetSpec("Costs", "其他费用", False, (
    C("date", "date", True, "日期", "posting date of the charge or credit", ("posting date", "date/time", "入账日期")),
    C("kind", "text", True, "费用类型", "storage / long_term_storage / removal / inbound / subscription / coupon / "
      "deal / vine / advertising_other / reimbursement / adjustment / other", ("cost kind", "类型", "费用类别")),
    C("amount", "money", True, "金额", "positive = a cost; negative = a credit (reimbursement, fee refund)",
      ("cost", "费用", "费用金额")),
    C("channel", "text", False, "渠道", "blank = the whole business", ("platform", "平台", "店铺")),
    C("sku", "text", False, "SKU", "blank = not tied to one SKU", ("seller-sku", "msku")),
    C("currency", "text", False, "币种", "ISO 4217 code", ("货币",)),
    C("description", "text", False, "说明", "the platform's own wording", ("描述", "备注")),
    C("ref", "text", False, "来源编号", "the source's own reference (settlement / transaction id) so a re-import "
      "never counts a row twice", ("reference", "transaction id", "参考号", "流水号")),
), "costs that are not on an order line: one row per charge or credit")

UNIT_COSTS = SheetSpec("UnitCosts", "单位成本变动", False, (
    C("sku", "text", True, "SKU", "seller SKU", ("seller-sku", "msku", "商品sku", "产品sku")),
    C("effective_from", "date", True, "生效日期", "first order_date to which this cost applies",
      ("effective from", "from", "起始日期", "开始日期")),
    C("unit_cost", "money+", True, "单位成本", "landed cost per unit in base currency",
      ("unit cost", "cost", "landed cost", "成本", "采购成本", "落地成本")),
), "landed unit cost that changes over time: one row per SKU and start date")

FX = SheetSpec("FX", "汇率", False, (
    C("currency", "text", True, "币种", "ISO 4217", ("货币",)),
    C("rate_to_base", "rate+", True, "兑本位币汇率", "1 unit of currency = rate_to_base units of base currency",
      ("rate", "汇率", "exchange rate")),
    C("month", "date", False, "月份", "first day of month; blank = all months", ("月",)),
), "exchange rates to base currency")

GOALS = SheetSpec("Goals", "目标", False, (
    C("goal_id", "text", True, "目标编号", "unique", ("id", "编号")),
    C("description", "text", True, "目标描述", "the goal in the seller's words", ("goal", "目标", "描述")),
    C("metric", "text", False, "指标", "a metric key from METRICS.md", ("指标键",)),
    C("scope", "text", False, "范围", "all or key=value[; key=value], keys: channel, country, sku, category", ()),
    C("baseline", "number", False, "基线", "blank = computed from review_year data", ("基准",)),
    C("target", "number", False, "目标值", "target value for the deadline", ("目标数值",)),
    C("deadline", "date", False, "截止日期", "deadline", ("due", "期限")),
    C("owner", "text", False, "负责人", "owner", ("责任人",)),
    C("pillar", "text", False, "战略支柱", "strategy pillar the goal serves", ("支柱",)),
), "SMART goals for plan_year")

SETTINGS = SheetSpec("Settings", "设置", False, (
    C("key", "text", True, "参数", "setting key", ("参数", "键", "name")),
    C("value", "text", False, "值", "setting value", ("值", "数值")),
), "two columns key | value", key_value=True)

#: Rows of one worksheet in Excel 2007+ (header included): Excel, WPS and LibreOffice drop the rows beyond it.
#: Source: https://support.microsoft.com/en-us/office/excel-specifications-and-limits-1672b34d-7043-467e-8e27-269d656771c3
EXCEL_MAX_ROWS = 1_048_576

INPUT_SHEETS: tuple[SheetSpec, ...] = (SETTINGS, ORDERS, PRODUCTS, TRAFFIC, ADS, MARKETING, CONTENT,
                                       CHANNELS, COSTS, UNIT_COSTS, FX, GOALS)
SHEETS_BY_NAME = {s.name: s for s in INPUT_SHEETS}

# Settings: key -> (default, zh label, meaning). Thresholds live in core.thresholds.
SETTINGS_DEFAULTS: dict[str, tuple[object, str, str]] = {
    "base_currency": ("USD", "本位币", "currency of every figure in the outputs"),
    "review_year": (None, "复盘年度", "calendar year under review (blank = year of the latest order)"),
    "plan_year": (None, "计划年度", "year the goals and plan are for (blank = review_year + 1)"),
    "language": ("zh", "语言", "zh or en: labels of generated sheets and messages"),
    "fixed_overhead": (0, "公司固定费用", "annual company overhead not tied to a channel (base currency)"),
    "strategy_pillars": ("", "战略支柱", "comma-separated strategy themes, e.g. brand, multi-market"),
    "next_year_budget": (None, "来年营销预算",
                         "plan_year ad + marketing budget (base currency; blank = this year's spend grown with "
                         "the SMART net_sales goal, or flat)"),
    "order_store": ("", "订单存储", "folder of Parquet order lines beyond the Orders sheet, next to the workbook "
                                    "(blank = none; xlreview import fills it in)"),
}


def normalize_header(text: object) -> str:
    """Fold a header cell for matching: NFKC (full-width -> ASCII), case, spaces, `-`/`_`."""
    s = unicodedata.normalize("NFKC", str(text)).strip().lower()
    s = re.sub(r"[\s_\-]+", " ", s)
    return s.strip()


def alias_table(spec: SheetSpec) -> dict[str, str]:
    """Map every normalised spelling (key, zh label, aliases) of a sheet's columns to its key."""
    table: dict[str, str] = {}
    for col in spec.columns:
        for spelling in (col.key, col.zh, *col.aliases):
            table.setdefault(normalize_header(spelling), col.key)
    return table


def cost_kind(text: object) -> str | None:
    """The canonical Costs.kind a spelling stands for (``仓储费`` -> ``storage``), or None when unknown."""
    n = normalize_header(text)
    for kind, spellings in COST_KINDS.items():
        if n == normalize_header(kind) or n in {normalize_header(s) for s in spellings}:
            return kind
    return None


def sheet_for_name(name: str) -> SheetSpec | None:
    """The input sheet a workbook sheet name stands for (English or Chinese, any width/case)."""
    n = normalize_header(name)
    for spec in INPUT_SHEETS:
        if n in (normalize_header(spec.name), normalize_header(spec.zh)):
            return spec
    return None
