"""Writers of the generated sheets. ``render(review)`` lays them all out on a fresh Workbook."""
from __future__ import annotations

from openpyxl import Workbook

from ..core.review import Review
from .channels import write_channels
from .customers import write_customers
from .dashboard import write_dashboard
from .goals import write_plan, write_plan_data, write_smart, write_tracking
from .marketing import write_marketing
from .products import write_products, write_quadrant
from .risks import write_risks
from .strategy import write_strategy

# (sheet id, writer): later sections append their writers in the order the sheets should appear.
WRITERS = [
    ("dashboard", write_dashboard),
    ("channels", write_channels),
    ("products", write_products),
    ("quadrant", write_quadrant),
    ("marketing", write_marketing),
    ("customers", write_customers),
    ("risks", write_risks),
    ("smart", write_smart),
    ("plan", write_plan),
    ("tracking", write_tracking),
    ("strategy", write_strategy),       # next year's budget, markets, products
    ("plan_data", write_plan_data),     # hidden xlr_plan: the frozen plan (read back by the next build)
]


def render(review: Review) -> Workbook:
    """Every generated sheet for ``review`` on a new openpyxl Workbook (nothing touches the user's file)."""
    wb = Workbook()
    wb.remove(wb.active)
    for _key, writer in WRITERS:
        writer(wb, review)
    for ws in wb.worksheets:
        print_one_page_wide(ws)
    return wb


def print_one_page_wide(ws) -> None:
    """Printing or saving as PDF gives landscape A4 pages one sheet wide (hidden chart data is not printed)."""
    if ws.sheet_properties.pageSetUpPr is not None and ws.sheet_properties.pageSetUpPr.fitToPage:
        return                        # the writer set its own print layout
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
