"""Render pictures of the generated sheets for the docs (docs/img/*.png) with LibreOffice headless.

    python3 scripts/render_docs.py [--out docs/img] [--keep TMPDIR]

Steps: build the demo workbook (``xlreview.demo.demo_frames`` -> ``template.write_workbook`` ->
``pipeline.build``), lay out ONLY the generated sheets of that review on a fresh workbook
(``xlreview.sheets.render``), save it as .xlsx, export it to PDF with one page per sheet
(``SinglePageSheets``: exporting the whole demo with its input sheets takes minutes), then turn each
page into a PNG with ``pdftoppm -png -r 60``: wide sheets are cropped to their left part (``CROPS``) and
a picture larger than 1400 px is rendered at a lower resolution.
Chinese (the default language) for every sheet, English for the dashboard (``dashboard_en.png``).
Then the same sheets exported as a seller prints them (their own page setup: A4 landscape, scale, breaks,
repeated titles) and the first printed page of each sheet as ``print_<sheet>.png``.
The deck of the same review (``xlreview.deck``) is exported to PDF by LibreOffice Impress: ``deck.png`` shows every
slide (a contact sheet made with Pillow, which python-pptx installs), ``deck_<slide>.png`` the slides of ``DECK_SLIDES``.

Needs LibreOffice (``soffice``) and poppler-utils (``pdftoppm``) on PATH.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from xlreview import libreoffice  # noqa: E402
from xlreview.core.review import compute_review  # noqa: E402
from xlreview.deck import write_deck  # noqa: E402
from xlreview.demo import demo_frames  # noqa: E402
from xlreview.pipeline import build, check_backend, open_backend, read_frozen_plan  # noqa: E402
from xlreview.sheets import WRITERS, render  # noqa: E402
from xlreview.template import write_workbook  # noqa: E402
from xlreview.text import sheet_name  # noqa: E402

PDF_ONE_PAGE_PER_SHEET = 'pdf:calc_pdf_Export:{"SinglePageSheets":{"type":"boolean","value":"true"}}'
HIDDEN = {"plan_data"}           # the hidden frozen-plan sheet is not a picture
MAX_PX = 1400                    # longest side of a picture
RESOLUTION = 60                  # dpi of pdftoppm


def visible_ids() -> list[str]:
    return [key for key, _ in WRITERS if key not in HIDDEN]


def review_in(path: Path, language: str | None = None):
    """The review of the workbook at ``path``, optionally recomputed in another language."""
    backend = open_backend(path)
    try:
        inputs, report = check_backend(backend)
        if inputs is None:
            raise SystemExit(f"the demo workbook does not validate: {report}")
        if language:
            inputs.settings.language = language
        review = compute_review(inputs, frozen_plan=read_frozen_plan(backend))
    finally:
        close = getattr(backend, "close", None)
        if close:
            close()
    review = replace(review, warnings=[p.text(review.lang) for p in report.warnings if p.code != "unknown_sku"])
    return review


def visible_sheets_xlsx(review, workdir: Path, stem: str):
    """The generated sheets of ``review`` without the HIDDEN ones, saved as ``workdir/stem.xlsx``: (workbook, path)."""
    wb = render(review)
    for key in HIDDEN:
        name = sheet_name(key, review.lang)
        if name in wb.sheetnames:
            wb.remove(wb[name])
    xlsx = workdir / f"{stem}.xlsx"
    wb.save(xlsx)
    return wb, xlsx


def sheets_pdf(review, workdir: Path, stem: str) -> Path:
    """The generated sheets of ``review`` as a PDF with one page per visible sheet, in WRITERS order."""
    _, xlsx = visible_sheets_xlsx(review, workdir, stem)
    return libreoffice.convert(xlsx, PDF_ONE_PAGE_PER_SHEET, workdir, timeout=600)


# What each picture shows: (x, y, width, height) in pixels at RESOLUTION dpi from the page's top left
# (None = to the page's edge), optionally followed by the longest side of the picture (default MAX_PX;
# smaller for the busiest sheets so that each PNG stays under about 300 KB). Wide sheets are cropped to their left part (the columns a seller reads
# first, and the charts) instead of being scaled down until nothing can be read.
CROPS: dict[str, tuple] = {
    "dashboard": (0, 0, None, None),
    "channels": (0, 0, 1500, None),
    "products": (0, 0, 1250, 400, 1150),
    "quadrant": (0, 0, None, None),
    "marketing": (0, 0, 1460, 1160, 1170),
    "customers": (0, 0, None, None),
    "risks": (0, 0, None, None),
    "smart": (0, 0, 1500, None),
    "plan": (0, 0, 1500, 1100),
    "tracking": (0, 0, None, 720),
    "strategy": (0, 0, 1500, 1500, 1300),
}
# the deck (xlreview deck): every slide in a contact sheet, and these slides one by one
DECK_SLIDES = ["channels", "budget"]
DECK_COLUMNS = 3


def printed_first_pages(review, workdir: Path, stem: str) -> tuple[Path, dict[str, int]]:
    """Export the generated sheets with their own print setup: (the PDF, {sheet id: its first page}), found
    by the sheet's title (row 1, repeated on every page)."""
    wb, xlsx = visible_sheets_xlsx(review, workdir, stem)
    pdf = libreoffice.convert(xlsx, "pdf", workdir, timeout=600)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = text.split("\f")
    titles = {key: str(wb[sheet_name(key, review.lang)]["A1"].value) for key in visible_ids()
              if sheet_name(key, review.lang) in wb.sheetnames}
    first: dict[str, int] = {}
    for number, page in enumerate(pages, start=1):
        for key, title in titles.items():
            if title in page and key not in first:
                first[key] = number
    return pdf, first


def page_size(pdf: Path, page: int) -> tuple[float, float]:
    """(width, height) of a PDF page in points."""
    out = subprocess.run(["pdfinfo", "-f", str(page), "-l", str(page), str(pdf)], capture_output=True,
                         text=True, check=True).stdout
    for line in out.splitlines():
        if line.startswith("Page") and "size:" in line:
            parts = line.split("size:")[1].split()
            return float(parts[0]), float(parts[2])
    raise RuntimeError(f"no size for page {page} of {pdf}")


def page_png(pdf: Path, page: int, out: Path, crop=(0, 0, None, None)) -> Path:
    """Page ``page`` (1-based) of ``pdf`` as ``out`` (.png): the ``crop`` box at RESOLUTION dpi, rendered
    at a lower resolution when that box is larger than MAX_PX on either side."""
    w_pt, h_pt = page_size(pdf, page)
    full_w, full_h = round(w_pt / 72 * RESOLUTION), round(h_pt / 72 * RESOLUTION)
    x, y, w, h = crop[:4]
    longest = crop[4] if len(crop) > 4 else MAX_PX
    w = min(w or full_w, full_w - x)
    h = min(h or full_h, full_h - y)
    scale = min(1.0, longest / max(w, h))
    res = RESOLUTION * scale
    box = [round(v * scale) for v in (x, y, w, h)]
    args = ["pdftoppm", "-png", "-r", f"{res:.3f}", "-f", str(page), "-l", str(page), "-singlefile",
            "-x", str(box[0]), "-y", str(box[1]), "-W", str(box[2]), "-H", str(box[3])]
    subprocess.run(args + [str(pdf), str(out.with_suffix(""))], check=True)
    return out


def deck_pngs(review, workdir: Path, out: Path) -> list[Path]:
    """The deck of ``review`` as PNGs: every slide in ``deck.png`` and the DECK_SLIDES one by one."""
    from PIL import Image
    slides = write_deck(review, workdir / "deck.pptx")
    pdf = libreoffice.convert(workdir / "deck.pptx", "pdf", workdir, timeout=600)
    keys = [s.key for s in slides]
    pages = []
    for page in range(1, len(slides) + 1):
        png = page_png(pdf, page, workdir / f"slide{page:02d}.png")
        pages.append(png)
        if keys[page - 1] in DECK_SLIDES:
            shutil.copyfile(png, out / f"deck_{keys[page - 1]}.png")
    thumbs = [Image.open(p) for p in pages]
    w, h = thumbs[0].size
    scale = MAX_PX / (w * DECK_COLUMNS)
    tw, th = int(w * scale), int(h * scale)
    rows = (len(thumbs) + DECK_COLUMNS - 1) // DECK_COLUMNS
    sheet = Image.new("RGB", (tw * DECK_COLUMNS, th * rows), "white")
    for i, im in enumerate(thumbs):
        sheet.paste(im.resize((tw, th)), ((i % DECK_COLUMNS) * tw, (i // DECK_COLUMNS) * th))
    sheet.save(out / "deck.png", optimize=True)
    return [out / "deck.png"] + [out / f"deck_{k}.png" for k in DECK_SLIDES if k in keys]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "img")
    ap.add_argument("--keep", type=Path, help="keep the intermediate files in this folder")
    args = ap.parse_args(argv)
    for tool in ("pdftoppm", "pdfinfo"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is missing: apt-get install poppler-utils")
    if libreoffice.soffice_path() is None:
        raise SystemExit("LibreOffice is missing: apt-get install libreoffice-calc-nogui")
    args.out.mkdir(parents=True, exist_ok=True)

    tmp = tempfile.mkdtemp(prefix="xlr-docs-") if args.keep is None else str(args.keep)
    work = Path(tmp)
    work.mkdir(parents=True, exist_ok=True)
    try:
        demo = work / "demo.xlsm"
        write_workbook(demo, demo_frames())
        print("build demo ...", flush=True)
        build(demo)
        ids = visible_ids()
        jobs = [("zh", None, ids, ""), ("en", "en", ["dashboard"], "_en")]
        for stem, language, wanted, suffix in jobs:
            review = review_in(demo, language)
            print(f"render {stem} ...", flush=True)
            pdf = sheets_pdf(review, work, f"sheets_{stem}")
            for page, key in enumerate(ids, start=1):
                if key not in wanted:
                    continue
                png = page_png(pdf, page, args.out / f"{key}{suffix}.png", CROPS.get(key, (0, 0, None, None)))
                print(f"  {png.relative_to(ROOT) if png.is_relative_to(ROOT) else png}"
                      f"  {png.stat().st_size // 1024} KB", flush=True)
            if stem == "zh":
                print("render deck ...", flush=True)
                for png in deck_pngs(review, work, args.out):
                    print(f"  {png.relative_to(ROOT) if png.is_relative_to(ROOT) else png}"
                          f"  {png.stat().st_size // 1024} KB", flush=True)
        print("print pages ...", flush=True)
        pdf, first = printed_first_pages(review_in(demo), work, "printed_zh")
        for key, page in first.items():
            png = page_png(pdf, page, args.out / f"print_{key}.png", (0, 0, None, None, 900))
            print(f"  {png.relative_to(ROOT) if png.is_relative_to(ROOT) else png}  {png.stat().st_size // 1024} KB",
                  flush=True)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
