"""Writers of the generated sheets. ``render(review)`` lays them all out on a fresh Workbook."""
from __future__ import annotations

from openpyxl import Workbook

from ..core.review import Review
from .channels import write_channels
from .customers import write_customers
from .dashboard import write_dashboard
from .goals import write_plan, write_plan_data, write_smart, write_tracking
from .marketing import write_marketing
from .printing import layout_for_print
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
        layout_for_print(ws)          # readable print / PDF of every sheet (sheets/printing.py)
    return wb
