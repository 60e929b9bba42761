#!/usr/bin/env python3
"""Benchmark of the review's compute phase alone (``compute_review``), section by section.

usage:
    python3 benchmarks/bench_compute.py [N ...] [--runs 3] [--json OUT]

For each N (default 10000 100000) it makes the demo data scaled to N order lines, validates it into
``Inputs`` (no workbook: read and write are bench_build.py's), then runs ``compute_review`` ``--runs``
times and prints the median wall and CPU seconds of the whole compute and of each section of the data
flow (the functions ``compute_review`` calls, timed by wrapping them where review.py looks them up).
CPU seconds are the figure to compare on a busy machine; the wall time is what a seller waits.
A benchmark prints figures; no test asserts on time.
"""
from __future__ import annotations

import argparse
import json
import statistics
import time
from collections import defaultdict
from pathlib import Path


def make_inputs(n: int):
    from xlreview.demo import demo_frames
    from xlreview.model.read import frames_to_raw, read_inputs
    inputs, report = read_inputs(frames_to_raw(demo_frames(seed=11, n_order_lines=n)))
    if inputs is None:
        raise SystemExit(f"demo data of {n} lines does not validate: {report.lines()[:5]}")
    return inputs


def timed_sections(review_module, cpu: dict):
    """Wrap every section function review.py calls so its CPU seconds add up in ``cpu``."""
    import inspect
    names = [n for n, f in vars(review_module).items()
             if inspect.isfunction(f) and n not in ("compute_review", "review_json", "records")
             and f.__module__.startswith("xlreview.core")]
    names += ["metrics." + n for n in ("order_lines", "business_summary", "monthly_summary")]
    originals = {}

    def wrap(name, f):
        def timed(*a, **k):
            c = time.process_time()
            try:
                return f(*a, **k)
            finally:
                cpu[name] += time.process_time() - c
        return timed

    for name in names:
        owner, attr = (review_module.metrics, name.split(".", 1)[1]) if "." in name else (review_module, name)
        originals[name] = (owner, attr, getattr(owner, attr))
        setattr(owner, attr, wrap(name, getattr(owner, attr)))
    return originals


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("n", nargs="*", type=int, default=[10_000, 100_000])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--json", help="write the figures here")
    args = ap.parse_args()
    from xlreview.core import review as review_module
    results = []
    for n in args.n:
        inputs = make_inputs(n)
        walls, cpus, sections = [], [], defaultdict(list)
        for _ in range(args.runs):
            cpu: dict[str, float] = defaultdict(float)
            originals = timed_sections(review_module, cpu)
            try:
                w, c = time.perf_counter(), time.process_time()
                review_module.compute_review(inputs)
                walls.append(time.perf_counter() - w)
                cpus.append(time.process_time() - c)
            finally:
                for owner, attr, f in originals.values():
                    setattr(owner, attr, f)
            for k, v in cpu.items():
                sections[k].append(v)
        med = {k: statistics.median(v) for k, v in sections.items()}
        row = {"n": n, "wall": statistics.median(walls), "cpu": statistics.median(cpus), "sections_cpu": med}
        results.append(row)
        print(f"N = {n:,} order lines: compute {row['wall']:.2f} s wall, {row['cpu']:.2f} s CPU "
              f"(median of {args.runs})")
        for k, v in sorted(med.items(), key=lambda kv: -kv[1]):
            if v >= 0.005:
                print(f"    {k:<28} {v:6.2f} s CPU")
    if len(results) > 1:
        a, b = results[0], results[-1]
        print(f"CPU per 100k lines: {a['cpu'] / a['n'] * 1e5:.2f} s at {a['n']:,}, "
              f"{b['cpu'] / b['n'] * 1e5:.2f} s at {b['n']:,}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
