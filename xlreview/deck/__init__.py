"""The year-end deck (年终汇报 PPT): ``write_deck(review, out)`` draws ``story.deck_story(review)`` as a .pptx.

``xlreview deck WORKBOOK [OUT.pptx]`` and the ribbon button 汇报PPT run ``pipeline.deck``: the same read,
validate and compute as a build, nothing written to the workbook, the deck written next to it.
"""
from __future__ import annotations

from pathlib import Path

from ..core.review import Review
from ..errors import UsageError, WorkbookLocked
from .story import Slide, deck_story


def deck_path(workbook: Path, out: Path | None = None, force: bool = False) -> Path:
    """Where the deck goes: ``out``, or the workbook's name with .pptx next to it.

    An existing deck is never overwritten by surprise (a seller may have edited it): with ``force`` it is
    replaced; without, an explicit ``out`` raises UsageError("target_exists") and the default name moves on to
    the first free ``name (2).pptx``, ``name (3).pptx``, ... Raises UsageError when ``out`` is not a .pptx, is
    the workbook, or its folder does not exist.
    """
    workbook = Path(workbook)
    target = Path(out) if out is not None else workbook.with_suffix(".pptx")
    if target.suffix.lower() != ".pptx":
        raise UsageError("deck_not_pptx", path=target)
    if target.resolve() == workbook.resolve():
        raise UsageError("deck_not_pptx", path=target)
    if not target.parent.is_dir():
        raise UsageError("folder_missing", path=target.parent)
    if target.exists() and not force:
        if out is not None:
            raise UsageError("target_exists", path=target)
        n = 2
        while target.exists():
            target = workbook.with_name(f"{workbook.stem} ({n}).pptx")
            n += 1
    return target


def write_deck(review: Review, out: Path) -> list[Slide]:
    """Write the deck of ``review`` to ``out`` (atomic: a failure leaves an earlier deck as it was).

    Returns the slides written. Raises WorkbookLocked when the file is open in PowerPoint/WPS or not writable.
    """
    from .render import write_pptx
    slides = deck_story(review)
    try:
        write_pptx(slides, out)
    except PermissionError as exc:
        raise WorkbookLocked("file_locked", path=out) from exc
    return slides
