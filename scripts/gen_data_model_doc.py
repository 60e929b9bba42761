#!/usr/bin/env python3
"""Write docs/data-model.md from the schema table (xlreview/model/schema.py), so the doc never drifts.

usage: python3 scripts/gen_data_model_doc.py [--check]
--check exits 1 when the file on disk differs (tests/test_docs.py runs it).
"""
from __future__ import annotations

import sys
from pathlib import Path

from xlreview.core.thresholds import THRESHOLDS
from xlreview.model import schema

DOC = Path(__file__).resolve().parent.parent / "docs" / "data-model.md"

INTRO = """# 数据表说明 / The input sheets

> 本文件由 `scripts/gen_data_model_doc.py` 根据代码中的表结构（`xlreview/model/schema.py`）生成，请勿手工修改。
> Generated from the schema table in the code; do not edit by hand.

## 基本规则 / Ground rules
- 每张输入表第 1 行是列名，第 2 行起是数据；列的顺序随意，多余的列会被忽略，空行会被跳过。
  Row 1 holds the column names, data starts in row 2; column order is free, extra columns and blank rows are ignored.
- 列名可以用英文键名、中文名或常见的平台导出写法（下表“也接受”一列）；全角字符、大小写、多余空格、`-`/`_` 都不影响识别。
  Headers may be the key, the Chinese label or a common export spelling (the "also accepted" column); full-width
  characters, case, stray spaces and `-`/`_` do not matter.
- 日期：Excel 日期、`2026-03-01`、`2026/3/1`、`2026年3月1日`、带时间的文本都可以；`03/01/2026` 这种分不清月日的写法会报错。
  Dates: Excel dates or serials, `2026-03-01`, `2026/3/1`, `2026年3月1日`, datetime text. `03/01/2026` is ambiguous and reported.
- 数字：可以带货币符号、千分位、百分号、括号负数：`1,234.50`、`$12.00`、`12.5%`、`(3.20)`。
  Numbers may carry currency symbols, thousands separators, `%`, or accounting brackets.
- 金额列按该行 `currency`（空 = 本位币）计价，先用 FX 表换算成本位币再汇总；FX 表中指定月份的汇率优先于不填月份的汇率。
  Money columns are in the row's currency and converted with the FX sheet (a month-specific rate wins).
- 选填的数字留空按 0 计（评分 rating、目标的 baseline/target 留空表示“没有”）；必填项留空是错误。
  Empty optional numbers count as 0 (except rating and goal baseline/target, where empty means "none"); empty required cells are errors.
- 一次检查会列出整个工作簿的所有问题（工作表、Excel 行号、列、值、怎么改）；有错误时不写入任何内容。
  All problems of the whole workbook are listed at once; with any error nothing is written.
- 订单中的 SKU 不在 Products 表：只是提示，该 SKU 成本按 0 计，利润标为不完整。
  An Orders SKU missing from Products is a warning: its cost counts as 0 and its profit is flagged incomplete.
- 订单号按“渠道 + 订单号”区分：不同平台的相同订单号算两个订单。
  An order is identified by channel + order_id: the same number on two platforms is two orders.
- Excel 错误值（`#N/A`、`#VALUE!`…）在任何列都是错误，不会被当成 0 或空。
  Excel error values in any column are errors, never zero or blank.
"""

TYPES = {"text": "文本 text", "date": "日期 date", "money": "金额 money", "money+": "金额 ≥ 0", "int+": "整数 ≥ 0",
         "number": "数字 number", "number+": "数字 ≥ 0", "rate+": "数字 > 0", "rating": "0–5"}


def render() -> str:
    out = [INTRO]
    for spec in schema.INPUT_SHEETS:
        need = "必需 required" if spec.required else "可选 optional"
        out.append(f"\n## {spec.name}（{spec.zh}）— {need}\n")
        if spec.meaning:
            out.append(f"{spec.meaning}\n")
        if spec.key_value:
            out.append("\n两列：key | value。/ Two columns: key | value.\n\n| key | 默认 default | 含义 meaning |\n|---|---|---|")
            for key, (default, zh, meaning) in schema.SETTINGS_DEFAULTS.items():
                out.append(f"| `{key}` | {'' if default is None else default} | {zh}：{meaning} |")
            for key, default in THRESHOLDS.items():
                out.append(f"| `{key}` | {default} | 阈值 threshold, see docs/metrics.md |")
            continue
        out.append("\n| 列 key | 中文 | 类型 type | 必填 req | 含义 meaning | 也接受 also accepted |\n|---|---|---|---|---|---|")
        for c in spec.columns:
            aliases = ", ".join(f"`{a}`" for a in c.aliases)
            out.append(f"| `{c.key}` | {c.zh} | {TYPES[c.type]} | {'是 yes' if c.required else ''} | {c.meaning} | {aliases} |")
    return "\n".join(out) + "\n"


def main() -> None:
    text = render()
    if "--check" in sys.argv:
        if not DOC.exists() or DOC.read_text(encoding="utf-8") != text:
            sys.exit("docs/data-model.md is out of date: run python3 scripts/gen_data_model_doc.py")
        return
    DOC.write_text(text, encoding="utf-8")
    print(DOC)


if __name__ == "__main__":
    main()
