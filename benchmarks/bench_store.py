#!/usr/bin/env python3
"""Benchmark of the order store: a year of N order lines that no sheet can hold, built through the store.

usage:
    python3 benchmarks/bench_store.py [N ...] [--engines] [--runs 1] [--json OUT]

For each N (default 1000000 5000000) it writes the order lines as Parquet parts of at most 1M lines each
(the demo generator, one seed per part, order ids made unique per part) into the store folder of a
workbook holding every other input sheet (Products, Ads, Traffic, Goals...), with Settings ``order_store``
naming the folder and an empty Orders sheet -- what ``xlreview import --store`` leaves. Then, in a fresh
child process each (so the peak RSS is the run's own), it prints:

- the build by phase: read (sheets + store, validated), compute, write, total, peak RSS;
- with ``--engines``: what reading the store and the build's typical group-bys cost in each engine
  considered for it -- pandas on Arrow (pyarrow.parquet -> pandas, what the build uses), polars, DuckDB:
  read every column, then group by month x channel (sums + distinct orders), by SKU (units, net sales),
  and the first order date per customer (new/returning customers).

Goals (issue 13): 5M lines <= 60 s and <= 6 GB peak RSS on 2 cores. Prints figures; no test asserts time.
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
PART_LINES = 1_000_000

# phases are timed in CPU seconds of the process (the pipeline's clock swapped for process_time): on a
# machine shared with other work the CPU time is the work, the wall time mostly the load; both are printed
BUILD = r"""
import json, re, sys, time, types
t0 = time.perf_counter(); c0 = time.process_time()
import xlreview.pipeline as pipeline
pipeline.time = types.SimpleNamespace(perf_counter=time.process_time)
res = pipeline.build(sys.argv[1])
print(json.dumps({**res.timings, "wall": time.perf_counter() - t0, "total": time.process_time() - c0,
                  "peak_rss": int(re.search(r"VmHWM:\s+(\d+)", open("/proc/self/status").read()).group(1)) * 1024}))
"""

ENGINE = r"""
import json, re, sys, time
engine, folder = sys.argv[1], sys.argv[2]
t0 = time.perf_counter(); c0 = time.process_time()
if engine == "pandas":
    import pandas as pd, pyarrow.parquet as pq
    df = pq.read_table(folder).to_pandas()
    t_read, c_read = time.perf_counter() - t0, time.process_time() - c0
    df["net"] = df["item_price"] + df["shipping_charged"] - df["discount"] - df["refund_amount"]
    df["month"] = df["order_date"].dt.to_period("M")
    a = df.groupby(["month", "channel"], observed=True).agg(net=("net", "sum"), orders=("order_id", "nunique"))
    b = df.groupby("sku", observed=True).agg(units=("quantity", "sum"), net=("net", "sum"))
    c = df.groupby("customer_id", observed=True)["order_date"].min()
elif engine == "polars":
    import polars as pl
    df = pl.read_parquet(folder + "/*.parquet")
    t_read, c_read = time.perf_counter() - t0, time.process_time() - c0
    df = df.with_columns((pl.col("item_price") + pl.col("shipping_charged") - pl.col("discount")
                          - pl.col("refund_amount")).alias("net"), pl.col("order_date").dt.truncate("1mo").alias("month"))
    a = df.group_by(["month", "channel"]).agg(pl.col("net").sum(), pl.col("order_id").n_unique())
    b = df.group_by("sku").agg(pl.col("quantity").sum(), pl.col("net").sum())
    c = df.group_by("customer_id").agg(pl.col("order_date").min())
    a, b, c = a.to_pandas(), b.to_pandas(), c.to_pandas()
elif engine == "duckdb":
    import duckdb
    con = duckdb.connect()
    con.execute(f"CREATE TABLE o AS SELECT *, item_price + shipping_charged - discount - refund_amount AS net "
                f"FROM read_parquet('{folder}/*.parquet')")
    t_read, c_read = time.perf_counter() - t0, time.process_time() - c0
    a = con.execute("SELECT date_trunc('month', order_date) m, channel, sum(net), count(DISTINCT order_id) "
                    "FROM o GROUP BY ALL").df()
    b = con.execute("SELECT sku, sum(quantity), sum(net) FROM o GROUP BY sku").df()
    c = con.execute("SELECT customer_id, min(order_date) FROM o GROUP BY customer_id").df()
total, cpu = time.perf_counter() - t0, time.process_time() - c0
print(json.dumps({"read": t_read, "groupby": total - t_read, "total": total, "cpu_read": c_read,
                  "cpu_groupby": cpu - c_read, "rows": int(len(a) + len(b) + len(c)),
                  "peak_rss": int(re.search(r"VmHWM:\s+(\d+)", open("/proc/self/status").read()).group(1)) * 1024}))
"""


def make_store_book(n: int, folder: Path) -> tuple[Path, float]:
    """A workbook with every input sheet but Orders, and N order lines in its store. Returns (path, seconds)."""
    import pandas as pd

    from xlreview.demo import demo_frames
    from xlreview.model.store import write_part
    from xlreview.template import write_workbook
    t = time.perf_counter()
    book = folder / f"store_{n}.xlsm"
    store = folder / f"store_{n}.orders"
    frames = None
    for k, start in enumerate(range(0, n, PART_LINES)):
        part = demo_frames(seed=11 + k, n_order_lines=min(PART_LINES, n - start))
        if frames is None:
            frames = part
        orders = part["Orders"]
        orders = orders.assign(order_id=f"P{k}-" + orders["order_id"].astype(str))
        write_part(store, orders).publish()
        del part, orders
    frames = {k: v for k, v in frames.items() if k != "Orders"}
    frames["Settings"] = pd.concat([frames["Settings"],
                                    pd.DataFrame({"key": ["order_store"], "value": [store.name]})])
    write_workbook(book, frames)
    return book, time.perf_counter() - t


def child(code: str, *args: str) -> dict:
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"child failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("n", nargs="*", type=int, default=[1_000_000, 5_000_000])
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--engines", action="store_true", help="also compare pandas on Arrow, polars and DuckDB")
    ap.add_argument("--json", help="write the figures here")
    args = ap.parse_args()
    results = []
    for n in args.n:
        with tempfile.TemporaryDirectory(prefix="xlr-bench-store-") as tmp:
            book, t_make = make_store_book(n, Path(tmp))
            store = book.with_suffix(".orders")
            size = sum(p.stat().st_size for p in store.glob("*.parquet"))
            runs = [child(BUILD, str(book)) for _ in range(args.runs)]
            med = {k: statistics.median(r[k] for r in runs) for k in ("read", "compute", "write", "total", "wall",
                                                                      "peak_rss")}
            med.update(n=n, make=t_make, store_mb=size / 1e6)
            print(f"build through the store, {n:,} lines (median of {args.runs}; store {size / 1e6:.0f} MB, "
                  f"made in {t_make:.0f} s; load average {os.getloadavg()[0]:.1f}): CPU s: read {med['read']:.1f}, "
                  f"compute {med['compute']:.1f}, write {med['write']:.1f}, total {med['total']:.1f}; "
                  f"wall {med['wall']:.1f} s; peak RSS {med['peak_rss'] / 2**30:.2f} GB", flush=True)
            if args.engines:
                med["engines"] = {}
                for engine in ("pandas", "polars", "duckdb"):
                    r = child(ENGINE, engine, str(store))
                    med["engines"][engine] = r
                    print(f"  {engine:>7}: CPU s: read {r['cpu_read']:.2f}, group-bys {r['cpu_groupby']:.2f}; "
                          f"wall s: read {r['read']:.2f}, group-bys {r['groupby']:.2f}; "
                          f"peak RSS {r['peak_rss'] / 2**20:.0f} MB", flush=True)
            results.append(med)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
