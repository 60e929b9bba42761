"""Round trip: import a platform export, build, and get the totals of the canonical rows it produces."""
from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from xlreview.importers import read_export
from xlreview.ooxml.package import ensure_ribbon_relationship
from xlreview.pipeline import build, import_files

ROOT = Path(__file__).resolve().parents[2]
IMPORTS = Path(__file__).parents[1] / "data" / "imports"
ORDER_FIXTURES = ["shopify_orders.csv", "tiktok_orders_bom_tabs.csv", "amazon_all_orders.txt",
                  "dianxiaomi_orders_gbk.csv", "mabang_orders_merged.xlsx"]


def give_every_currency_rate_one(wb: Path) -> None:
    """Totals are then comparable in the file's own currencies."""
    book = openpyxl.load_workbook(wb, keep_vba=True)
    head = [c.value for c in book["Orders"][1]]
    col = head.index("currency")
    currencies = {r[col] for r in book["Orders"].iter_rows(min_row=2, values_only=True) if r[col]}
    for i, cur in enumerate(sorted(currencies - {"USD"}), start=2):
        book["FX"].cell(i, 1, cur)
        book["FX"].cell(i, 2, 1.0)
    book.save(wb)
    ensure_ribbon_relationship(wb)


@pytest.mark.parametrize("name", ORDER_FIXTURES)
def test_import_then_build_gives_the_canonical_totals(tmp_path, name):
    canonical = read_export(IMPORTS / name).frames["Orders"]
    wb = tmp_path / "review.xlsm"
    shutil.copy(ROOT / "workbook_template.xlsm", wb)
    assert not import_files(wb, [IMPORTS / name]).errors
    give_every_currency_rate_one(wb)
    review = build(wb).review
    year = canonical[pd.to_datetime(canonical["order_date"]).dt.year == review.settings.review_year]
    total = {k: pd.to_numeric(year[k], errors="coerce").fillna(0).sum()
             for k in ("item_price", "shipping_charged", "discount", "refund_amount", "platform_fee", "quantity")}
    s = review.summary
    assert s["gross_sales"] == pytest.approx(total["item_price"] + total["shipping_charged"])
    assert s["discounts"] == pytest.approx(total["discount"])
    assert s["refunds"] == pytest.approx(total["refund_amount"])
    assert s["platform_fees"] == pytest.approx(total["platform_fee"])
    assert s["units"] == pytest.approx(total["quantity"])
