#!/usr/bin/env python3
"""Benchmark of ``xlreview build``: N order lines in a real workbook, timed by phase, with peak RSS.

usage:
    python3 benchmarks/bench_build.py [N ...] [--runs 3] [--peer] [--json OUT]

For each N (default 100000) it writes a workbook with the demo generator scaled to N order lines
(plus the matching ads, traffic, products...), then runs the build in a fresh child process (so the
peak RSS is the build's own) ``--runs`` times and prints the median of each phase:
read (calamine + validation), compute (the whole review), write (sheets + zip transplant + save), total,
and the child's peak RSS. Goals (issue 13, docs/performance.md): 100k lines <= 3.5 s; 1M lines <= 20 s and
<= 1.5 GB, linear in N; on 2 cores.

``--peer`` also runs ../shared/bench/peer_sumifs.py (LibreOffice recalculating a SUMIFS dashboard over the
same number of order lines, its best-case "adjacent" distinct count) and prints the ratio peer / xlreview.
Read/compute/write are CPU seconds of the build process, "wall" its elapsed time (see CHILD below).
A benchmark prints figures; no test asserts on time.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# shared/ sits next to the main checkout (../shared) or next to the folder of worktrees (../../shared)
PEER = next((p for p in (ROOT.parent / "shared" / "bench" / "peer_sumifs.py",
                         ROOT.parent.parent / "shared" / "bench" / "peer_sumifs.py") if p.exists()),
            ROOT.parent / "shared" / "bench" / "peer_sumifs.py")

# Phases are timed in CPU seconds of the build process (the pipeline's clock swapped for process_time) and
# the whole build also in wall seconds: on a machine shared with other work the CPU time is the work and the
# wall time mostly the load. Peak RSS is VmHWM, the process's own high-water mark (ru_maxrss would include
# the memory of this parent, which made the workbook, since Linux keeps it across fork + exec).
CHILD = r"""
import json, re, sys, time, types
t0 = time.perf_counter(); c0 = time.process_time()
import xlreview.pipeline as pipeline
t_import = time.process_time() - c0
pipeline.time = types.SimpleNamespace(perf_counter=time.process_time)
res = pipeline.build(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None)
rss = int(re.search(r"VmHWM:\s+(\d+)", open("/proc/self/status").read()).group(1)) * 1024
print(json.dumps({"import": t_import, **res.timings, "total": time.process_time() - c0,
                  "wall": time.perf_counter() - t0, "peak_rss": rss}))
"""


def make_workbook(n: int, path: Path) -> float:
    from xlreview.demo import demo_frames
    from xlreview.template import write_workbook
    t = time.perf_counter()
    frames = demo_frames(seed=11, n_order_lines=n)
    write_workbook(path, frames, macros=True)
    return time.perf_counter() - t


def run_build(path: Path, with_json: bool) -> dict:
    args = [sys.executable, "-c", CHILD, str(path)]
    if with_json:
        args.append(str(path.with_suffix(".json")))
    out = subprocess.run(args, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"build failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def run_peer(n: int, runs: int) -> float | None:
    if not PEER.exists():
        print(f"peer script not found at {PEER}", file=sys.stderr)
        return None
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "peer.json"
        subprocess.run([sys.executable, str(PEER), str(n), "--runs", str(runs), "--distinct", "adjacent",
                        "--json", str(out)], check=True, stdout=sys.stderr)
        data = json.loads(out.read_text())
    for r in data.get("results", []):
        if int(r["n"]) == n:
            v = r["variants"].get("full:adjacent", {})
            return v.get("median")
    return None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("n", nargs="*", type=int, default=[100_000])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--peer", action="store_true", help="also time the LibreOffice SUMIFS peer")
    ap.add_argument("--json", help="write the figures here")
    ap.add_argument("--with-json", action="store_true", help="time build --json too")
    args = ap.parse_args()
    results = []
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; read/compute/write/total in CPU s, "
          f"wall in s; median of {args.runs}")
    print(f"{'N':>8} {'make':>6} {'read':>6} {'compute':>8} {'write':>6} {'total':>6} {'wall':>6} {'peak RSS':>9}")
    for n in args.n:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"bench_{n}.xlsm"
            t_make = make_workbook(n, path)
            size = os.path.getsize(path)
            runs = [run_build(path, args.with_json) for _ in range(args.runs)]
        med = {k: statistics.median(r[k] for r in runs) for k in ("read", "compute", "write", "total", "wall",
                                                                  "peak_rss")}
        med.update(n=n, make=t_make, file_mb=size / 1e6)
        if args.peer:
            peer = run_peer(n, 1)
            med["peer_total"] = peer
            med["peer_ratio"] = (peer / med["wall"]) if peer else None          # wall against wall, same run
            med["ours_over_peer"] = (med["wall"] / peer) if peer else None
        results.append(med)
        print(f"{n:>8} {t_make:>6.1f} {med['read']:>6.2f} {med['compute']:>8.2f} {med['write']:>6.2f} "
              f"{med['total']:>6.2f} {med['wall']:>6.2f} {med['peak_rss'] / 2**20:>7.0f}MB  file {size / 1e6:.1f} MB"
              + (f"  peer (LibreOffice) {med['peer_total']:.1f} s wall; ours/peer = {med['ours_over_peer']:.2f}"
                 if args.peer and med.get("peer_ratio") else ""), flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
