"""The importers' words as codes: a rejection reason or a parser note is a :class:`xlreview.text.Phrase` with an
``import.reject_*`` / ``import.notice_*`` key of the catalogue, rendered at the edge (the Import Log sheet, the
command output) in the command's language, so a file gives the same codes and figures in zh and en."""
from __future__ import annotations

from ..text import Phrase


def note(code: str, /, **params) -> Phrase:
    """``Phrase.of("import." + code, **params)``: what importers hand out for a reason or a note."""
    return Phrase.of("import." + code, **params)
