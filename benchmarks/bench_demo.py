#!/usr/bin/env python3
"""Benchmark of ``xlreview demo``: the whole command as a seller runs it, by step.

usage:
    python3 benchmarks/bench_demo.py [--runs 5] [--json OUT]

Runs ``xlreview demo OUT.xlsm -v`` ``--runs`` times, each in a fresh process, and prints the median wall
time of the command and of each step it reports (sample data, template with the sample rows, read,
validate, compute, write), with the CPU time of the process: on a shared machine the CPU time shows the
work when the wall time mostly shows the load. Goal (issue 13): demo <= 3 s on 2 cores.
A benchmark prints figures; no test asserts on time.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

STEP = re.compile(r"^\s+(.+?): ([0-9.]+)s$")


def run_once(out: Path) -> dict:
    out.unlink(missing_ok=True)
    t0 = time.perf_counter()
    before = os.times()
    proc = subprocess.run([sys.executable, "-m", "xlreview.cli", "demo", str(out), "-v"], capture_output=True, text=True)
    wall = time.perf_counter() - t0
    after = os.times()
    if proc.returncode != 0:
        sys.exit(f"demo failed:\n{proc.stderr[-3000:]}")
    steps = {m.group(1): float(m.group(2)) for line in proc.stderr.splitlines() if (m := STEP.match(line))}
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return {"wall": wall, "cpu": cpu, **steps}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--json", help="write the figures here")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="xlr-bench-demo-") as tmp:
        runs = [run_once(Path(tmp) / "demo.xlsm") for _ in range(args.runs)]
    keys = [k for k in runs[0] if all(k in r for r in runs)]
    med = {k: statistics.median(r[k] for r in runs) for k in keys}
    load = os.getloadavg()[0]
    print(f"xlreview demo, median of {args.runs} (load average {load:.1f} on {os.cpu_count()} cores):")
    print(f"  total {med['wall']:.2f} s wall, {med['cpu']:.2f} s CPU")
    for k in keys:
        if k not in ("wall", "cpu"):
            print(f"  {k}: {med[k]:.2f} s")
    if args.json:
        Path(args.json).write_text(json.dumps({"median": med, "runs": runs, "load": load}, indent=1))


if __name__ == "__main__":
    main()
