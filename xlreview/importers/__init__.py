"""Importers: downloaded platform reports -> canonical frames (DATA_MODEL keys) -> workbook.

Public API::

    detect(path, source=None) -> FormatMatch
    read_export(path, source=None, base_currency="USD") -> ImportBatch

Writing them into a workbook is the pipeline's job (one workbook path for every command):
``xlreview.pipeline.import_files(workbook, files, source=None, lang=None)``.

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

__all__ = ["REGISTRY", "Format", "FormatMatch", "ImportBatch", "ImportError_", "Rejected", "UnknownFormat",
           "UnreadableFile", "detect", "parse_datetime", "parse_money", "read_export"]
