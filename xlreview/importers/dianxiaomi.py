"""店小秘 Dianxiaomi order / profit export (订单导出 / 利润报表) -> Orders. See :mod:`.erp`."""
from __future__ import annotations

from .base import Format, register
from .erp import parse_erp_orders

ORDERS = Format(
    name="dianxiaomi_orders", family="dianxiaomi", sheet="Orders",
    label="店小秘 Dianxiaomi order/profit export (店小秘 订单导出)",
    fields={
        "order_id": ("订单号",), "platform_order": ("平台订单号", "平台单号"),
        "platform": ("平台", "所属平台"), "site": ("站点",), "shop": ("店铺账号", "店铺", "店铺名称"),
        "paid": ("付款时间", "下单时间"), "currency": ("币种", "订单币种"),
        "sku": ("产品SKU", "SKU", "商品SKU"), "quantity": ("产品数量", "数量"),
        "unit_price": ("产品售价", "单价"), "amount": ("产品金额", "订单金额", "销售额"),
        "shipping_income": ("运费收入", "买家运费"), "platform_fee": ("平台费", "平台佣金", "交易佣金"),
        "shipping_cost": ("物流费", "运费成本", "物流成本"), "refund": ("退款金额",), "discount": ("折扣",),
        "country": ("国家二字码", "收件人国家", "国家"), "buyer": ("买家账号", "买家ID"),
    },
    required=("order_id", "platform", "shop", "paid", "sku", "quantity", "amount"),
    parse=lambda t, c: None, money_label="产品金额",
    money={"amount": "line", "unit_price": "unit", "shipping_income": "order", "platform_fee": "order",
           "shipping_cost": "order", "refund": "order", "discount": "line"},
    id_fields=("order_id", "platform_order"),
)
object.__setattr__(ORDERS, "parse", parse_erp_orders(ORDERS))
register(ORDERS)
