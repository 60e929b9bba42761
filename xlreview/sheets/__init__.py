"""Writers of the generated sheets. ``render(review)`` lays them all out on a fresh Workbook."""
from __future__ import annotations

from openpyxl import Workbook

from ..core.review import Review
from .dashboard import write_dashboard

# (sheet id, writer): later sections append their writers in the order the sheets should appear.
WRITERS = [("dashboard", write_dashboard)]


def render(review: Review) -> Workbook:
    """Every generated sheet for ``review`` on a new openpyxl Workbook (nothing touches the user's file)."""
    wb = Workbook()
    wb.remove(wb.active)
    for _key, writer in WRITERS:
        writer(wb, review)
    return wb
