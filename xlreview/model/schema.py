"""The canonical workbook schema: one table owns every input sheet, column key, type and alias.

This module is the single source of truth for DATA_MODEL.md. The template builder writes
headers and notes from it, the reader matches headers against its aliases, the validator
parses cells by its types, and docs/data-model.md is checked against it.

What a sheet holds and what a column or setting means are words, so the text catalogue owns them in zh
and en (``input.<Sheet>``, ``column.<Sheet>_<key>``, ``setting.<key>`` in xlreview/text.py); the specs here
carry the English, DATA_MODEL's wording, and the template shows the workbook's language.

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

from ..text import tr


def _english(key: str) -> str:
    """What a sheet holds or a setting means, in English (DATA_MODEL's words): the catalogue owns both languages."""
    return tr(key, "en")


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
    C("order_id", "text", True, "订单号", _english("column.Orders_order_id"),
      ("order id", "order-id", "order number", "order no", "订单编号", "平台订单号", "订单id", "amazon-order-id")),
    C("order_date", "date", True, "下单日期", _english("column.Orders_order_date"),
      ("date", "order date", "purchase-date", "purchase date", "日期", "订单日期", "付款时间", "下单时间", "created at")),
    C("channel", "text", True, "渠道", _english("column.Orders_channel"),
      ("sales channel", "sales-channel", "platform", "平台", "店铺", "销售渠道", "store")),
    C("sku", "text", True, "SKU", _english("column.Orders_sku"),
      ("seller-sku", "seller sku", "seller_sku", "msku", "merchant sku", "商品sku", "产品sku", "lineitem sku")),
    C("quantity", "int+", True, "数量", _english("column.Orders_quantity"),
      ("qty", "quantity-purchased", "quantity purchased", "units", "销量", "件数", "lineitem quantity")),
    C("item_price", "money", True, "商品金额", _english("column.Orders_item_price"),
      ("item-price", "item price", "price", "sales", "商品总价", "销售额", "产品金额")),
    C("discount", "money+", False, "折扣", _english("column.Orders_discount"),
      ("item-promotion-discount", "promotion discount", "discount amount", "优惠", "折扣金额", "促销折扣")),
    C("shipping_charged", "money", False, "买家运费", _english("column.Orders_shipping_charged"),
      ("shipping-price", "shipping price", "shipping", "运费收入", "买家支付运费")),
    C("platform_fee", "money+", False, "平台佣金", _english("column.Orders_platform_fee"),
      ("platform fee", "referral fee", "commission", "佣金", "平台费", "交易费")),
    C("fulfillment_fee", "money+", False, "履约费", _english("column.Orders_fulfillment_fee"),
      ("fulfillment fee", "fba fee", "fba fees", "仓储操作费", "FBA费", "配送费")),
    C("shipping_cost", "money+", False, "物流成本", _english("column.Orders_shipping_cost"),
      ("shipping cost", "logistics cost", "运费", "物流费", "头程运费", "尾程运费")),
    C("refund_amount", "money+", False, "退款金额", _english("column.Orders_refund_amount"),
      ("refund", "refund amount", "refunds", "退款")),
    C("refunded_qty", "int+", False, "退货数量", _english("column.Orders_refunded_qty"),
      ("refund qty", "refunded quantity", "returned qty", "退款数量", "退货件数")),
    C("customer_id", "text", False, "客户ID", _english("column.Orders_customer_id"),
      ("customer", "customer id", "buyer id", "buyer-email", "buyer email", "email", "买家", "买家ID", "客户")),
    C("country", "text", False, "国家", _english("column.Orders_country"),
      ("ship-country", "ship country", "country code", "market", "收货国家", "国家/地区", "站点")),
    C("currency", "text", False, "币种", _english("column.Orders_currency"),
      ("currency code", "货币", "币别")),
    C("promo", "text", False, "促销活动", _english("column.Orders_promo"),
      ("promotion", "promotion name", "promotion-ids", "活动", "促销")),
    C("return_reason", "text", False, "退货原因",
      _english("column.Orders_return_reason"),
      ("return reason", "reason", "退款原因", "退货理由")),
), _english("input.Orders"))

PRODUCTS = SheetSpec("Products", "产品", True, (
    C("sku", "text", True, "SKU", _english("column.Products_sku"),
      ("seller-sku", "seller sku", "seller_sku", "msku", "商品sku", "产品sku")),
    C("name", "text", False, "产品名称", _english("column.Products_name"), ("title", "product name", "item name", "品名", "商品名称", "标题")),
    C("category", "text", False, "类目", _english("column.Products_category"), ("品类", "分类", "类别")),
    C("unit_cost", "money+", True, "单位成本", _english("column.Products_unit_cost"),
      ("unit cost", "cost", "landed cost", "成本", "采购成本", "单件成本", "落地成本")),
    C("launch_date", "date", False, "上架日期", _english("column.Products_launch_date"), ("launch date", "上市日期", "首单日期")),
    C("stock_qty", "int+", False, "库存数量", _english("column.Products_stock_qty"),
      ("stock", "inventory", "on hand", "库存", "可用库存")),
    C("rating", "rating", False, "评分", _english("column.Products_rating"), ("stars", "review rating", "星级")),
), _english("input.Products"))

TRAFFIC = SheetSpec("Traffic", "流量", False, (
    C("date", "date", True, "日期", _english("column.Traffic_date"), ("日期/时间", "day")),
    C("channel", "text", True, "渠道", _english("column.Traffic_channel"), ("platform", "平台", "店铺")),
    C("sku", "text", False, "SKU", _english("column.Traffic_sku"), ("seller-sku", "msku", "(child) asin")),
    C("sessions", "int+", True, "访客数", _english("column.Traffic_sessions"), ("visits", "sessions - total", "会话数", "访问量", "会话次数 - 总计")),
    C("page_views", "int+", False, "浏览量", _english("column.Traffic_page_views"), ("page views", "pageviews", "页面浏览量", "页面浏览次数 - 总计")),
    C("add_to_cart", "int+", False, "加购数", _english("column.Traffic_add_to_cart"), ("add to cart", "sessions with cart additions", "加购")),
    C("source", "text", False, "流量来源", _english("column.Traffic_source"), ("来源", "traffic source")),
), _english("input.Traffic"))

ADS = SheetSpec("Ads", "广告", False, (
    C("date", "date", True, "日期", _english("column.Ads_date"), ("start date", "日期")),
    C("channel", "text", True, "渠道", _english("column.Ads_channel"), ("platform", "平台", "店铺")),
    C("campaign", "text", True, "广告活动", _english("column.Ads_campaign"), ("campaign name", "广告活动名称")),
    C("ad_group", "text", False, "广告组", _english("column.Ads_ad_group"), ("ad group", "ad group name", "广告组名称")),
    C("keyword", "text", False, "关键词", _english("column.Ads_keyword"),
      ("targeting", "search term", "customer search term", "关键字", "客户搜索词", "投放")),
    C("sku", "text", False, "SKU", _english("column.Ads_sku"), ("advertised sku", "广告SKU")),
    C("impressions", "int+", False, "展示量", _english("column.Ads_impressions"), ("曝光量", "展示次数")),
    C("clicks", "int+", False, "点击量", _english("column.Ads_clicks"), ("点击", "点击次数")),
    C("spend", "money+", True, "花费", _english("column.Ads_spend"), ("cost", "ad spend", "广告花费", "花费金额", "支出")),
    C("sales", "money+", False, "广告销售额", _english("column.Ads_sales"),
      ("7 day total sales", "14 day total sales", "attributed sales", "销售额", "7天总销售额")),
    C("orders", "int+", False, "广告订单", _english("column.Ads_orders"),
      ("7 day total orders (#)", "attributed orders", "订单数", "7天总订单数(#)")),
    C("currency", "text", False, "币种", _english("column.Ads_currency"), ("货币",)),
), _english("input.Ads"))

MARKETING = SheetSpec("Marketing", "营销活动", False, (
    C("name", "text", True, "活动名称", _english("column.Marketing_name"), ("activity", "活动", "名称")),
    C("type", "text", True, "类型", _english("column.Marketing_type"), ("活动类型",)),
    C("channel", "text", False, "渠道", _english("column.Marketing_channel"), ("platform", "平台")),
    C("start_date", "date", True, "开始日期", _english("column.Marketing_start_date"), ("start", "start date", "开始")),
    C("end_date", "date", True, "结束日期", _english("column.Marketing_end_date"), ("end", "end date", "结束")),
    C("cost", "money+", False, "费用", _english("column.Marketing_cost"), ("花费", "成本")),
    C("currency", "text", False, "币种", _english("column.Marketing_currency"), ("货币",)),
), _english("input.Marketing"))

CONTENT = SheetSpec("Content", "内容", False, (
    C("date", "date", True, "日期", _english("column.Content_date"), ("publish date", "发布日期")),
    C("format", "text", True, "形式", _english("column.Content_format"), ("内容形式", "类型")),
    C("title", "text", False, "标题", _english("column.Content_title"), ("名称",)),
    C("channel", "text", False, "发布渠道", _english("column.Content_channel"), ("platform", "平台")),
    C("visits", "int+", True, "引流访问", _english("column.Content_visits"), ("views", "访问量", "引流")),
    C("orders", "int+", False, "订单数", _english("column.Content_orders"), ("订单",)),
    C("revenue", "money+", False, "收入", _english("column.Content_revenue"), ("sales", "销售额")),
    C("cost", "money+", False, "成本", _english("column.Content_cost"), ("费用", "制作成本")),
), _english("input.Content"))

CHANNELS = SheetSpec("Channels", "渠道", False, (
    C("channel", "text", True, "渠道", _english("column.Channels_channel"), ("platform", "平台")),
    C("hours_per_week", "number+", False, "每周工时", _english("column.Channels_hours_per_week"), ("hours", "工时", "每周小时")),
    C("fixed_cost", "money+", False, "固定成本", _english("column.Channels_fixed_cost"), ("fixed cost", "年固定费用")),
), _english("input.Channels"))

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
    C("date", "date", True, "日期", _english("column.Costs_date"), ("posting date", "date/time", "入账日期")),
    C("kind", "text", True, "费用类型", _english("column.Costs_kind"), ("cost kind", "类型", "费用类别")),
    C("amount", "money", True, "金额", _english("column.Costs_amount"),
      ("cost", "费用", "费用金额")),
    C("channel", "text", False, "渠道", _english("column.Costs_channel"), ("platform", "平台", "店铺")),
    C("sku", "text", False, "SKU", _english("column.Costs_sku"), ("seller-sku", "msku")),
    C("currency", "text", False, "币种", _english("column.Costs_currency"), ("货币",)),
    C("description", "text", False, "说明", _english("column.Costs_description"), ("描述", "备注")),
    C("ref", "text", False, "来源编号", _english("column.Costs_ref"), ("reference", "transaction id", "参考号", "流水号")),
), _english("input.Costs"))

UNIT_COSTS = SheetSpec("UnitCosts", "单位成本变动", False, (
    C("sku", "text", True, "SKU", _english("column.UnitCosts_sku"), ("seller-sku", "msku", "商品sku", "产品sku")),
    C("effective_from", "date", True, "生效日期", _english("column.UnitCosts_effective_from"),
      ("effective from", "from", "起始日期", "开始日期")),
    C("unit_cost", "money+", True, "单位成本", _english("column.UnitCosts_unit_cost"),
      ("unit cost", "cost", "landed cost", "成本", "采购成本", "落地成本")),
), _english("input.UnitCosts"))

FX = SheetSpec("FX", "汇率", False, (
    C("currency", "text", True, "币种", _english("column.FX_currency"), ("货币",)),
    C("rate_to_base", "rate+", True, "兑本位币汇率", _english("column.FX_rate_to_base"),
      ("rate", "汇率", "exchange rate")),
    C("month", "date", False, "月份", _english("column.FX_month"), ("月",)),
), _english("input.FX"))

GOALS = SheetSpec("Goals", "目标", False, (
    C("goal_id", "text", True, "目标编号", _english("column.Goals_goal_id"), ("id", "编号")),
    C("description", "text", True, "目标描述", _english("column.Goals_description"), ("goal", "目标", "描述")),
    C("metric", "text", False, "指标", _english("column.Goals_metric"), ("指标键",)),
    C("scope", "text", False, "范围", _english("column.Goals_scope"), ()),
    C("baseline", "number", False, "基线", _english("column.Goals_baseline"), ("基准",)),
    C("target", "number", False, "目标值", _english("column.Goals_target"), ("目标数值",)),
    C("deadline", "date", False, "截止日期", _english("column.Goals_deadline"), ("due", "期限")),
    C("owner", "text", False, "负责人", _english("column.Goals_owner"), ("责任人",)),
    C("pillar", "text", False, "战略支柱", _english("column.Goals_pillar"), ("支柱",)),
), _english("input.Goals"))

SETTINGS = SheetSpec("Settings", "设置", False, (
    C("key", "text", True, "参数", _english("column.Settings_key"), ("参数", "键", "name")),
    C("value", "text", False, "值", _english("column.Settings_value"), ("值", "数值")),
), _english("input.Settings"), key_value=True)

#: Rows of one worksheet in Excel 2007+ (header included): Excel, WPS and LibreOffice drop the rows beyond it.
#: Source: https://support.microsoft.com/en-us/office/excel-specifications-and-limits-1672b34d-7043-467e-8e27-269d656771c3
EXCEL_MAX_ROWS = 1_048_576

INPUT_SHEETS: tuple[SheetSpec, ...] = (SETTINGS, ORDERS, PRODUCTS, TRAFFIC, ADS, MARKETING, CONTENT,
                                       CHANNELS, COSTS, UNIT_COSTS, FX, GOALS)
SHEETS_BY_NAME = {s.name: s for s in INPUT_SHEETS}

# Settings: key -> (default, zh label, meaning). Thresholds live in core.thresholds.
SETTINGS_DEFAULTS: dict[str, tuple[object, str, str]] = {     # key: (default, Chinese name, meaning in English)
    key: (default, zh, _english("setting." + key)) for key, default, zh in (
        ("base_currency", "USD", "本位币"),
        ("review_year", None, "复盘年度"),
        ("plan_year", None, "计划年度"),
        ("language", "zh", "语言"),
        ("fixed_overhead", 0, "公司固定费用"),
        ("strategy_pillars", "", "战略支柱"),
        ("next_year_budget", None, "来年营销预算"),
        ("order_store", "", "订单存储"),
    )
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
