"""Importers: downloaded platform reports -> canonical frames (DATA_MODEL keys) -> workbook.

Public API::

    detect(path, source=None) -> FormatMatch
    read_export(path, source=None, base_currency="USD") -> ImportBatch
    import_files(workbook, files, source=None, lang=None) -> ImportReport      # writes the workbook

Each family module (amazon, ebay, shopify, tiktok, mabang, dianxiaomi) registers its formats
in ``REGISTRY`` when imported.
"""
from __future__ import annotations

from . import amazon, dianxiaomi, ebay, mabang, shopify, temu, tiktok, walmart  # noqa: F401  (register formats)
from .base import (
    REGISTRY,
    Format,
    FormatMatch,
    ImportBatch,
    ImportError_,
    Rejected,
    UnknownFormat,
    UnreadableFile,
    detect,
    parse_datetime,
    parse_money,
    read_export,
)


def import_files(workbook, files, source=None, lang=None, to_store=False):
    """Import export files into a workbook's input sheets: :func:`xlreview.pipeline.import_files`."""
    from ..pipeline import import_files as _import_files

    return _import_files(workbook, files, source, lang=lang, to_store=to_store)


__all__ = ["REGISTRY", "Format", "FormatMatch", "ImportBatch", "ImportError_", "Rejected", "UnknownFormat",
           "UnreadableFile", "detect", "import_files", "parse_datetime", "parse_money", "read_export"]
