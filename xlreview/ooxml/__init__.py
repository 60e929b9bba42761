"""The OOXML package layer: the zip, its parts, relationships and content types (``package``), and
the rows of a worksheet part (``sheetdata``). Used by the template builder (excel/package.py), the
sheet transplant (workbook/transplant.py), the headless backend's reader and the importer's upsert.
"""
