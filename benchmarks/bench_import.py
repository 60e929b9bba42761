#!/usr/bin/env python3
"""Benchmark of ``xlreview import``: an Amazon All Orders export into a new book and into a big book.

usage:
    python3 benchmarks/bench_import.py [--lines 20000] [--existing 100000] [--runs 3] [--json OUT]

Data: the demo generator (xlreview/demo.py) makes the orders; :func:`all_orders_export` writes them in
the Amazon All Orders format (tab-separated, the headers of xlreview/importers/amazon.py ALL_ORDERS).
Each timed step runs in a fresh child process (its peak RSS is its own); the median of ``--runs`` is
printed for:

- parse: ``read_export`` of a 100k-line All Orders TSV (goal <= 1 s);
- import into a new book (the empty template) of a ``--lines`` export (goal <= 2 s);
- import of the same export into a book already holding ``--existing`` order lines, next to the
  build of that book (goals: <= that build, <= 1.5x the import into a new book, <= 500 MB peak RSS);
  the user's cache folder is empty, so the dedupe keys are read from the Orders sheet;
- import of a second export into the book the previous import wrote: the dedupe key index that import
  kept in the user's cache (``xlreview/workbook/cache.py``) is used instead of reading the sheet.

The children's cache folder (``XDG_CACHE_HOME``) is a fresh temporary folder for every run.

A benchmark prints figures; no test asserts on time. Goals: issue 13, docs/performance.md.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEADERS = ["amazon-order-id", "merchant-order-id", "purchase-date", "last-updated-date", "order-status",
           "fulfillment-channel", "sales-channel", "order-channel", "url", "ship-service-level", "product-name",
           "sku", "asin", "item-status", "quantity", "currency", "item-price", "item-tax", "shipping-price",
           "shipping-tax", "gift-wrap-price", "gift-wrap-tax", "item-promotion-discount",
           "ship-promotion-discount", "ship-city", "ship-state", "ship-postal-code", "ship-country",
           "promotion-ids", "is-business-order", "purchase-order-number", "price-designation"]
SALES_CHANNEL = {"USD": "Amazon.com", "EUR": "Amazon.de", "GBP": "Amazon.co.uk", "CAD": "Amazon.ca",
                 "JPY": "Amazon.co.jp", "AUD": "Amazon.com.au", "MXN": "Amazon.com.mx"}

CHILD = r"""
import json, sys, time
what, args = sys.argv[1], sys.argv[2:]
if what == "parse":
    from xlreview.importers.base import read_export
    t0, c0 = time.perf_counter(), time.process_time()
    batch = read_export(args[0])
    extra = {"rows": batch.rows_imported}
elif what == "import":
    from xlreview.pipeline import import_files
    t0, c0 = time.perf_counter(), time.process_time()
    report = import_files(args[0], [args[1]])
    extra = {"added": report.added}
else:
    from xlreview.pipeline import build
    t0, c0 = time.perf_counter(), time.process_time()
    build(args[0])
    extra = {}
total, cpu = time.perf_counter() - t0, time.process_time() - c0
# VmHWM: this process's own peak (ru_maxrss would carry the parent's peak across exec on Linux)
rss = next(int(l.split()[1]) * 1024 for l in open("/proc/self/status") if l.startswith("VmHWM:"))
print(json.dumps({"seconds": total, "cpu": cpu, "peak_rss": rss, **extra}))
"""


def all_orders_export(orders, path: Path, prefix: str = "") -> int:
    """Write demo ``Orders`` rows as an Amazon All Orders report (TSV); returns the lines written.

    ``prefix`` is put in front of every order id, so two exports of one generator do not overlap.
    Prices are the line totals as Amazon reports them (item-price = unit price x quantity).
    """
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, delimiter="\t", lineterminator="\n")
        w.writerow(HEADERS)
        n = 0
        for r in orders.itertuples(index=False):
            when = r.order_date.strftime("%Y-%m-%dT10:00:00+00:00")
            row = dict.fromkeys(HEADERS, "")
            row.update({"amazon-order-id": prefix + str(r.order_id), "purchase-date": when,
                        "last-updated-date": when, "order-status": "Shipped", "fulfillment-channel": "Amazon",
                        "sales-channel": SALES_CHANNEL.get(r.currency, "Amazon.com"), "sku": r.sku,
                        "item-status": "Shipped", "quantity": str(int(r.quantity)), "currency": r.currency,
                        "item-price": f"{r.item_price:.2f}", "shipping-price": f"{r.shipping_charged:.2f}",
                        "item-promotion-discount": f"{-r.discount:.2f}" if r.discount else "",
                        "ship-country": r.country, "is-business-order": "false"})
            w.writerow(row.values())
            n += 1
    return n


def child(*args: str, cache: Path | None = None) -> dict:
    env = dict(os.environ, XDG_CACHE_HOME=str(cache), LOCALAPPDATA=str(cache)) if cache else None
    out = subprocess.run([sys.executable, "-c", CHILD, *args], capture_output=True, text=True, env=env)
    if out.returncode != 0:
        sys.exit(f"{args[0]} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def median(runs: list[dict]) -> dict:
    return {k: statistics.median(r[k] for r in runs) for k in ("seconds", "cpu", "peak_rss")}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lines", type=int, default=20_000, help="order lines of the imported export")
    ap.add_argument("--existing", type=int, default=100_000, help="order lines already in the big book")
    ap.add_argument("--parse-lines", type=int, default=100_000, help="lines of the export timed by parse")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--json", help="write the figures here")
    args = ap.parse_args()

    from xlreview.demo import demo_frames
    from xlreview.template import write_workbook
    fig: dict[str, object] = {"lines": args.lines, "existing": args.existing, "runs": args.runs}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        big_export = tmp / "all_orders_parse.txt"
        all_orders_export(demo_frames(seed=5, n_order_lines=args.parse_lines)["Orders"], big_export, "P")
        export = tmp / "all_orders.txt"
        all_orders_export(demo_frames(seed=3, n_order_lines=args.lines)["Orders"], export, "N")
        second = tmp / "all_orders_2.txt"
        all_orders_export(demo_frames(seed=7, n_order_lines=args.lines)["Orders"], second, "M")
        empty, big = tmp / "new.xlsm", tmp / "big.xlsm"
        write_workbook(empty, None, macros=True)
        t = time.perf_counter()
        write_workbook(big, demo_frames(seed=11, n_order_lines=args.existing), macros=True)
        fig["make_big_book"] = time.perf_counter() - t

        fig["parse"] = median([child("parse", str(big_export)) for _ in range(args.runs)])
        runs = []
        for _ in range(args.runs):
            shutil.copyfile(empty, tmp / "run.xlsm")
            runs.append(child("import", str(tmp / "run.xlsm"), str(export)))
        fig["import_new"] = median(runs)
        runs, builds, warm = [], [], []
        for i in range(args.runs):
            cache = tmp / f"cache-{i}"
            shutil.copyfile(big, tmp / "run.xlsm")
            builds.append(child("build", str(tmp / "run.xlsm"), cache=cache))
            shutil.rmtree(cache, ignore_errors=True)
            shutil.copyfile(big, tmp / "run.xlsm")
            runs.append(child("import", str(tmp / "run.xlsm"), str(export), cache=cache))
            warm.append(child("import", str(tmp / "run.xlsm"), str(second), cache=cache))
        fig["build_big"] = median(builds)
        fig["import_big"] = median(runs)
        fig["import_big_kept_keys"] = median(warm)

    mb = 2 ** 20
    p, new, bb, ib, kk = fig["parse"], fig["import_new"], fig["build_big"], fig["import_big"], \
        fig["import_big_kept_keys"]
    print(f"median of {args.runs} run(s), each in a fresh process; peak RSS of that process; CPU = user + system "
          f"seconds of all its threads (on a loaded machine the wall time mostly measures the load)")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")

    def line(what: str, f: dict, goal: str) -> None:
        print(f"{what:48s} {f['seconds']:6.2f} s wall {f['cpu']:6.2f} s CPU {f['peak_rss'] / mb:5.0f} MB   {goal}")

    line(f"parse {args.parse_lines:,}-line All Orders TSV", p, "goal <= 1 s")
    line(f"import {args.lines:,} lines into a new book", new, "goal <= 2 s")
    line(f"build the {args.existing:,}-line book", bb, "")
    line(f"import {args.lines:,} lines into the {args.existing:,}-line book", ib,
         f"goals <= build ({ib['seconds'] / bb['seconds']:.2f}x wall, {ib['cpu'] / bb['cpu']:.2f}x CPU), "
         f"<= 1.5x new ({ib['seconds'] / new['seconds']:.2f}x wall, {ib['cpu'] / new['cpu']:.2f}x CPU), <= 500 MB")
    line(f"then {args.lines:,} more, key index kept", kk,
         f"<= 1.5x new ({kk['seconds'] / new['seconds']:.2f}x wall, {kk['cpu'] / new['cpu']:.2f}x CPU)")
    if args.json:
        Path(args.json).write_text(json.dumps(fig, indent=1))


if __name__ == "__main__":
    main()
