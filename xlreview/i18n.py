"""The zh/en catalogue of messages and labels (one place owns every user-facing word).

``msg(key, lang, **params)`` formats a message; ``label(key, lang)`` returns a sheet label.
Chinese is the default; an unknown key falls back to English, then to the key itself.
"""
from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # key: (zh, en)
    "where_sheet": ("工作表「{sheet}」", "sheet '{sheet}'"),
    "where_row": (" 第 {row} 行", " row {row}"),
    "where_col": (" 列「{column}」", " column '{column}'"),
    "where_value": (" 值「{value}」", " value '{value}'"),
    "tag_error": ("[错误]", "[error]"),
    "tag_warning": ("[提示]", "[warning]"),
    "report_summary": ("发现 {errors} 个错误、{warnings} 个提示", "{errors} error(s), {warnings} warning(s)"),
    "missing_sheet": ("缺少必需的工作表。请从模板复制该工作表（xlreview new），或用 xlreview import 导入数据",
                      "required sheet is missing. Copy it from the template (xlreview new) or import data with xlreview import"),
    "empty_sheet": ("没有数据行。请把订单粘贴到第 2 行起，或用 xlreview import 导入平台报表",
                    "has no data rows. Paste orders from row 2 on, or import platform reports with xlreview import"),
    "missing_column": ("缺少必需的列「{key}」（中文表头：{zh}）。请在第 1 行加上这一列",
                       "required column '{key}' (Chinese header: {zh}) is missing. Add it to row 1"),
    "duplicate_column": ("两列都对应「{key}」，只能保留一列", "two columns both mean '{key}': keep only one"),
    "required_blank": ("必填项为空。请填写，或删除这一行", "required cell is empty. Fill it in or delete the row"),
    "bad_date": ("无法识别的日期。请用 Excel 日期或 2026-03-01 这样的格式",
                 "not a date. Use an Excel date or text like 2026-03-01"),
    "bad_number": ("不是数字。请只填数字（可带货币符号、千分位、%），例如 1,234.50",
                   "not a number. Enter a number (currency symbols, thousands separators and % are fine), e.g. 1,234.50"),
    "excel_error": ("单元格是 Excel 错误值 {err}。请修正公式或清空该单元格",
                    "the cell holds the Excel error {err}. Fix the formula or clear the cell"),
    "negative": ("不能为负数。退款、费用等请填正数", "must not be negative. Enter refunds and fees as positive amounts"),
    "not_integer": ("应为整数", "must be a whole number"),
    "not_positive": ("必须大于 0", "must be greater than 0"),
    "rating_range": ("评分应在 0 到 5 之间", "rating must be between 0 and 5"),
    "duplicate_key": ("「{key}」重复（第 {first} 行已出现）。每个值只能出现一次",
                      "duplicate '{key}' (already in row {first}). Each value must be unique"),
    "unknown_currency": ("币种 {currency}（共 {count} 行）不是本位币 {base}，且 FX（汇率）表中没有它的汇率。请在 FX 表中添加 {currency} 的 rate_to_base",
                         "currency {currency} ({count} rows) is not the base currency {base} and the FX sheet has no rate for it. Add a {currency} row with rate_to_base to FX"),
    "bad_currency": ("币种应为 3 位 ISO 代码，如 USD、EUR、CNY", "currency must be a 3-letter ISO code such as USD, EUR, CNY"),
    "unknown_sku": ("SKU {sku} 不在 Products（产品）表中：其成本按 0 计，利润数字不完整。请在 Products 表补上该 SKU 及单位成本",
                    "SKU {sku} is not on the Products sheet: its cost counts as 0 and its profit figures are incomplete. Add it to Products with its unit_cost"),
    "unknown_promo": ("促销名「{promo}」不在 Marketing（营销活动）表中", "promotion '{promo}' is not on the Marketing sheet"),
    "bad_setting": ("设置「{key}」的值无效：{why}", "setting '{key}' has an invalid value: {why}"),
    "unknown_setting": ("未知的设置项，将被忽略", "unknown setting, ignored"),
    "unknown_cost_kind": ("费用类型「{kind}」不在列表中，按 other（其他）计。可用：{kinds}",
                          "cost kind '{kind}' is not one of the list, counted as other. Use one of: {kinds}"),
    "duplicate_unit_cost": ("SKU {sku} 在 {date} 已有一行单位成本（第 {first} 行）。同一 SKU 同一生效日期只能有一行",
                            "SKU {sku} already has a unit cost from {date} (row {first}). One row per SKU and effective_from"),
    "unit_cost_unknown_sku": ("SKU {sku} 不在 Products（产品）表中：这一行成本变动用不到，除非把该 SKU 加到 Products",
                              "SKU {sku} is not on the Products sheet: this unit cost row is used only once the SKU is added to Products"),
    "end_before_start": ("结束日期早于开始日期", "end_date is before start_date"),
    "no_review_year_orders": ("复盘年度 {year} 没有订单。请检查 Settings 中的 review_year",
                              "there are no orders in review_year {year}. Check review_year in Settings"),
    "review_year_partial": ("未设置复盘年度，已按最新订单取 {year} 年，但该年数据只到 {latest}。如果要复盘 {prev} 年，请在 Settings 中填写 review_year = {prev}",
                            "review_year is blank, so it is the year of the latest order, {year}, which only runs to {latest}. To review {prev}, set review_year = {prev} in Settings"),
    "not_a_workbook": ("不是 Excel 工作簿（.xlsx / .xlsm）或文件已损坏：{path}",
                       "not an Excel workbook (.xlsx / .xlsm) or the file is damaged: {path}"),
    "file_missing": ("找不到文件：{path}", "file not found: {path}"),
    "file_locked": ("文件正在被 Excel/WPS/LibreOffice 打开或没有写权限：{path}。请关闭后再试",
                    "the file is open in Excel/WPS/LibreOffice or not writable: {path}. Close it and try again"),
    "build_failed_untouched": ("输入数据有错误，工作簿未做任何修改。", "input data has errors; the workbook was not changed."),
}


def msg(key: str, lang: str = "zh", /, **params) -> str:
    """A message in ``lang`` (zh or en) with ``params`` filled in."""
    zh, en = MESSAGES.get(key, (key, key))
    text = zh if lang == "zh" else en
    try:
        return text.format(**params)
    except (KeyError, IndexError):
        return text
