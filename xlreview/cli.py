"""The ``xlreview`` command: a thin click layer over the pipeline (one library call per command).

Exit codes: 0 ok, 1 input problems (or a file that cannot be used), 2 usage.
No traceback reaches the user for bad input: every ``XlreviewError`` becomes a message.
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import click

from . import __version__
from .errors import InputProblems, XlreviewError
from .text import tr


class Progress:
    """Prints a step on stderr when the previous one took over a second (and always with --verbose)."""

    def __init__(self, lang: str = "zh", verbose: bool = False):
        self.lang, self.verbose = lang, verbose
        self.t0 = self.last = time.perf_counter()
        self.current = None

    def __call__(self, step: str) -> None:
        now = time.perf_counter()
        if self.current is not None and (self.verbose or now - self.last > 1.0):
            click.echo(f"  {tr('step.' + self.current, self.lang)}: {now - self.last:.1f}s", err=True)
        self.current, self.last = step, now

    def done(self) -> None:
        self("")


def _lang() -> str:
    return "en" if os.environ.get("XLREVIEW_LANG", "").lower().startswith("en") else "zh"


def _fail(exc: XlreviewError, lang: str) -> None:
    if isinstance(exc, InputProblems):
        exc.report.language = lang if exc.report.language is None else exc.report.language
        for line in exc.report.lines():
            click.echo(line, err=True)
        click.echo(exc.report.summary_line() + " — " + tr("msg.build_failed_untouched", exc.report.language), err=True)
    else:
        click.echo(str(exc), err=True)
    sys.exit(exc.exit_code)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="xlreview")
def cli():
    """xlreview: 跨境电商年度复盘与来年计划 / year-end review and next-year plan for cross-border sellers.

    \b
    xlreview demo review.xlsm          # sample workbook with a full review
    xlreview new my.xlsm               # an empty workbook to fill in
    xlreview check my.xlsm             # list every problem in the data
    xlreview build my.xlsm --json out.json
    """


@cli.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="overwrite PATH if it exists")
def new(path: Path, force: bool):
    """新建空白工作簿 / Create an empty workbook from the template (input sheets, Settings, Goals, ribbon).

    The current Python interpreter is written into the xlwings.conf sheet so the ribbon finds xlreview.

    \b
    Example:
        xlreview new 2026复盘.xlsm
    """
    from .template import write_workbook
    if path.exists() and not force:
        raise click.UsageError(f"{path} exists; use --force to overwrite")
    write_workbook(path, None, macros=path.suffix.lower() == ".xlsm", interpreter=sys.executable)
    click.echo(str(path))


@cli.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path), default="xlreview_demo.xlsm")
@click.option("--seed", default=7, show_default=True, help="seed of the sample data")
@click.option("--lines", "n_lines", type=int, default=None, help="number of order lines (default about 15k)")
@click.option("--json", "json_out", type=click.Path(dir_okay=False, path_type=Path), help="also write the JSON result")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True, help="labels of the sheets")
@click.option("-v", "--verbose", is_flag=True, help="print timings of every step")
def demo(path: Path, seed: int, n_lines, json_out, lang: str, verbose: bool):
    """示例：生成带示例数据的完整复盘 / Write a workbook of realistic sample data and build the review.

    Sample data: 5+ channels, 2+ currencies, 30+ SKUs, two years of orders, ads, traffic, promotions,
    content and goals (one SKU is deliberately missing from Products, to show the warning).

    \b
    Example:
        xlreview demo demo.xlsm && xlreview build demo.xlsm --json demo.json
    """
    from .demo import demo_frames
    from .pipeline import build
    from .template import write_workbook
    progress = Progress(lang, verbose)
    try:
        progress("demo")
        frames = demo_frames(seed=seed, n_order_lines=n_lines)
        if lang != "zh":
            s = frames["Settings"]
            frames["Settings"] = s.assign(value=s["value"].where(s["key"] != "language", lang))
        progress("template")
        write_workbook(path, frames, macros=path.suffix.lower() == ".xlsm", interpreter=sys.executable)
        result = build(path, json_out, progress)
        progress.done()
    except XlreviewError as exc:
        _fail(exc, lang)
    _print_result(result, path)


def _print_result(result, path: Path) -> None:
    lang = result.review.lang
    for p in result.report.warnings:
        click.echo(("[提示] " if lang == "zh" else "[warning] ") + p.text(lang), err=True)
    s = result.review.summary
    head = "已生成" if lang == "zh" else "built"
    click.echo(f"{head} {path}: " + ", ".join(result.sheets))
    cur = result.review.settings.base_currency
    if lang == "zh":
        click.echo(f"净销售额 {s['net_sales']:,.2f} {cur}  净利润 {s['net_profit']:,.2f} {cur}  订单 {s['orders']:,.0f}")
    else:
        click.echo(f"net sales {s['net_sales']:,.2f} {cur}  net profit {s['net_profit']:,.2f} {cur}  orders {s['orders']:,.0f}")


@cli.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "json_out", type=click.Path(dir_okay=False, path_type=Path),
              help="write the problems as JSON")
def check(path: Path, json_out):
    """检查数据，列出每个问题 / Validate the input sheets and print every problem (sheet, row, column, value, fix).

    Exit code 1 when there are errors; warnings alone exit 0. Nothing is written to the workbook.

    \b
    Example:
        xlreview check my.xlsm
    """
    from .pipeline import check as run_check
    try:
        report = run_check(path)
    except XlreviewError as exc:
        _fail(exc, _lang())
    for line in report.lines():
        click.echo(line)
    click.echo(report.summary_line())
    if json_out:
        import json
        Path(json_out).write_text(json.dumps([p.as_dict(report.language) for p in report.problems],
                                             ensure_ascii=False, indent=1), encoding="utf-8")
    sys.exit(0 if report.ok else 1)


@cli.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "json_out", type=click.Path(dir_okay=False, path_type=Path),
              help="write every figure as JSON (docs/metrics.md, the JSON result)")
@click.option("-v", "--verbose", is_flag=True, help="print timings of every step")
@click.option("--replan", is_flag=True, help="recompute the plan of every goal (the plan is otherwise kept frozen)")
def build(path: Path, json_out, verbose: bool, replan: bool):
    """生成复盘 / Compute the review and (re)write the generated sheets; inputs, VBA and ribbon stay as they are.

    On any input error nothing is written and every problem is listed (exit code 1).
    The plan of the goals stays as first generated unless a goal changes or --replan is given.

    \b
    Example:
        xlreview build my.xlsm --json review.json
    """
    from .pipeline import build as run_build
    progress = Progress(_lang(), verbose)
    try:
        result = run_build(path, json_out, progress, replan=replan)
        progress.done()
    except XlreviewError as exc:
        _fail(exc, _lang())
    _print_result(result, path)


@cli.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "json_out", type=click.Path(dir_okay=False, path_type=Path),
              help="write every figure as JSON (docs/metrics.md, the JSON result)")
def track(path: Path, json_out):
    """周跟踪 / Build with the plan frozen and print each goal's status for the latest week of plan-year orders.

    Exit code 0 whatever the status; goals without plan-year data are listed as such.

    \b
    Example:
        xlreview track my.xlsm --json week.json
    """
    from .core.tracking import latest_status
    from .pipeline import build as run_build
    from .text import label
    try:
        result = run_build(path, json_out, Progress(_lang()))
    except XlreviewError as exc:
        _fail(exc, _lang())
    review = result.review
    lang = review.lang
    latest = latest_status(review.tracking).set_index("goal_id") if review.tracking is not None else None
    planned = [g for g in review.goals or [] if g.get("planned") and g.get("additive")]
    if not planned:
        click.echo(label("no_plan", lang))
        return
    for g in planned:
        if latest is None or g["goal_id"] not in latest.index:
            click.echo(f"{g['goal_id']}  {g['description']}: " + label("no_tracking", lang, year=review.settings.plan_year))
            continue
        r = latest.loc[g["goal_id"]]
        dev = "" if r["deviation"] != r["deviation"] else f"{r['deviation']:+.1%}"
        click.echo(f"{g['goal_id']}  {r['week']}  {label('status_' + str(r['status']), lang)}  {dev}  "
                   f"{label('cum_actual', lang)} {r['cum_actual']:,.2f} / {label('cum_plan', lang)} {r['cum_plan']:,.2f}  "
                   f"{label('forecast', lang)} {r['forecast']:,.2f} / {label('target', lang)} {g['target']:,.2f}"
                   f"  {g['description']}")


def _list_formats(ctx, _param, value):
    if not value or ctx.resilient_parsing:
        return
    from .importers import REGISTRY
    for name in REGISTRY:
        click.echo(name)
    ctx.exit()


@cli.command(name="import")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--source", help="format or platform when detection by headers is not enough, e.g. amazon_all_orders, "
                               "amazon, ebay, shopify, tiktok, mabang, dianxiaomi")
@click.option("--list-formats", is_flag=True, is_eager=True, expose_value=False, callback=_list_formats,
              help="list the supported export formats and exit")
def import_(path: Path, files, source):
    """导入平台报表 / Import downloaded reports (Amazon, eBay, Shopify, TikTok Shop, 马帮, 店小秘) into the input sheets.

    Formats are found by their headers; importing the same file twice adds nothing. Every row is
    imported, skipped as already present, or listed with its reason on the Import Log sheet.

    \b
    Example:
        xlreview import my.xlsm "All Orders.txt" BusinessReport_2026-03.csv
    """
    from .importers import import_files
    try:
        report = import_files(path, list(files), source)
    except XlreviewError as exc:
        _fail(exc, _lang())
    for err in report.errors:
        click.echo(err, err=True)
    click.echo(report.summary_line())
    sys.exit(1 if report.errors else 0)


@cli.command()
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path), required=False)
def template(out):
    """重建模板 / Rebuild workbook_template.xlsm for the installed xlwings version (deterministic).

    \b
    Example:
        xlreview template workbook_template.xlsm
    """
    from .template import build_template
    click.echo(str(build_template(out)))


def main():  # console script entry point
    try:
        cli(standalone_mode=True)
    except XlreviewError as exc:   # pragma: no cover - commands handle their own
        _fail(exc, _lang())
    except KeyboardInterrupt:      # pragma: no cover
        sys.exit(130)


if __name__ == "__main__":
    main()
