#!/usr/bin/env python3
"""Benchmark of ``xlreview deck`` and the strategy step on the demo workbook (or N order lines).

usage:
    python3 benchmarks/bench_deck.py [--lines N] [--runs 3]

Writes a demo workbook, builds it once (so the plan is frozen, as a seller's would be), then ``--runs``
times: reads and computes the review (``pipeline.review_backend``), times the strategy tables alone
(``core.strategy.strategy_tables`` on that review), the slides (``deck.story.deck_story``) and the .pptx
(``deck.render.write_pptx``), and prints the median of each. A benchmark prints figures; no test asserts on time.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from xlreview.core import metrics  # noqa: E402
from xlreview.core.strategy import strategy_tables  # noqa: E402
from xlreview.deck.render import write_pptx  # noqa: E402
from xlreview.deck.story import deck_story  # noqa: E402
from xlreview.demo import demo_frames  # noqa: E402
from xlreview.pipeline import build, check_backend, open_backend, review_backend  # noqa: E402
from xlreview.template import write_workbook  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lines", type=int, default=None, help="order lines (default: the demo's ~15k)")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="xlr-bench-deck-") as tmp:
        path = write_workbook(Path(tmp) / "demo.xlsm", demo_frames(n_order_lines=args.lines))
        build(path)
        times: dict[str, list[float]] = {"read+compute": [], "strategy": [], "story": [], "pptx": []}
        for _ in range(args.runs):
            t0 = time.perf_counter()
            review = review_backend(open_backend(path))
            times["read+compute"].append(time.perf_counter() - t0)
            inputs, _ = check_backend(open_backend(path))
            lines = metrics.order_lines(inputs)
            t1 = time.perf_counter()
            strategy_tables(inputs, lines, review.summary, review.channels, review.campaigns, review.content,
                            review.promotions, review.products, review.goals, review.plan_actions)
            times["strategy"].append(time.perf_counter() - t1)
            t2 = time.perf_counter()
            slides = deck_story(review)
            times["story"].append(time.perf_counter() - t2)
            t3 = time.perf_counter()
            out = write_pptx(slides, Path(tmp) / "deck.pptx")
            times["pptx"].append(time.perf_counter() - t3)
        n = int((metrics.order_lines(inputs)["year"] == review.settings.review_year).sum())
        print(f"order lines in review_year: {n:,}; slides: {len(slides)}; deck size: {out.stat().st_size // 1024} KB")
        for key, vals in times.items():
            print(f"{key:>13}: {statistics.median(vals):6.2f} s  (median of {len(vals)})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
