"""马帮 Mabang ERP order / profit export (订单导出 / 订单利润报表) -> Orders. See :mod:`.erp`."""
from __future__ import annotations

from .base import Format, register
from .erp import parse_erp_orders

ORDERS = Format(
    name="mabang_orders", family="mabang", sheet="Orders", label="马帮 Mabang order/profit export (马帮 订单导出)",
    fields={
        "order_id": ("订单编号",), "platform_order": ("交易编号", "平台订单号", "平台单号"),
        "platform": ("平台", "平台名称"), "site": ("站点",), "shop": ("店铺名", "店铺名称", "店铺"),
        "paid": ("付款时间", "下单时间", "订单日期"), "currency": ("币种", "订单币种"),
        "sku": ("SKU", "商品SKU", "库存SKU"), "quantity": ("数量", "商品数量"),
        "unit_price": ("商品销售单价", "商品单价", "单价"), "amount": ("商品总金额", "商品金额", "销售额"),
        "shipping_income": ("运费收入", "买家支付运费"), "platform_fee": ("平台费用", "平台佣金", "交易费"),
        "shipping_cost": ("物流费用", "运费", "物流成本"), "refund": ("退款金额",),
        "discount": ("优惠金额", "折扣金额"), "exchange_rate": ("汇率",),
        "return_reason": ("退货原因", "退款原因"),
        "country": ("国家", "收货国家", "国家二字码"), "buyer": ("买家账号", "买家ID", "买家"),
        "order_total": ("订单总金额", "订单金额"), "product_cost": ("商品成本", "采购成本"), "profit": ("利润", "订单利润"),
        "packaging": ("包材费用", "包装费"), "tax": ("税费", "VAT"),
    },
    required=("order_id", "platform", "shop", "paid", "sku", "quantity", "amount"),
    parse=lambda t, c: None, money_label="商品总金额",
    money={"amount": "line", "unit_price": "unit", "shipping_income": "order", "platform_fee": "order",
           "shipping_cost": "order", "refund": "order", "discount": "line", "order_total": "info",
           "product_cost": "info", "profit": "info", "packaging": "info", "tax": "tax"},
    id_fields=("order_id", "platform_order"),
)
object.__setattr__(ORDERS, "parse", parse_erp_orders(ORDERS))
register(ORDERS)
