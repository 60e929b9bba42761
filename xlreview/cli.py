"""The ``xlreview`` command: a thin click layer over the pipeline (one library call per command).

Exit codes: 0 ok, 1 input problems (or a file that cannot be used), 2 usage (an existing target
without --force, --json onto the workbook, a missing folder), 70 internal error.
No traceback reaches the user: every ``XlreviewError`` becomes a message in the command's language,
anything else a one-line "internal error" with the traceback saved to a file.

Language: resolved ONCE per command -- ``--lang`` when given, else the workbook's Settings
``language`` (zh for a new workbook or one that cannot be read) -- and passed down to the pipeline,
the sheets and every message (docs/architecture.md, "Words and language").
"""
from __future__ import annotations

import functools
import sys
import tempfile
import time
import traceback
from pathlib import Path

import click

from . import __version__
from .errors import InputProblems, UsageError, XlreviewError
from .text import DEFAULT_LANGUAGE, LANGUAGES, tr

LANG_HELP = ("语言 / language of the messages and of the sheets written: zh or en "
             "(default: the workbook's Settings language; zh for a new workbook)")
VERBOSE_HELP = ("print the time of every step on stderr (without -v only the steps that took over 1 s are "
                "printed)")
_LANG = "xlreview.lang"     # ctx.meta key: the command's language, for the error handler


class Progress:
    """Prints a step on stderr when the previous one took over a second (and always with --verbose)."""

    def __init__(self, lang: str = DEFAULT_LANGUAGE, verbose: bool = False):
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


def lang_option(command, help: str = LANG_HELP):
    return click.option("--lang", "lang_override", type=click.Choice(LANGUAGES), default=None, help=help)(command)


def resolve_language(override: str | None, workbook: Path | None = None) -> str:
    """The command's language: ``override``, else the workbook's Settings language, else zh. Called once."""
    from .pipeline import file_language
    lang = override or (file_language(workbook) if workbook is not None and workbook.is_file() else DEFAULT_LANGUAGE)
    click.get_current_context().meta[_LANG] = lang
    return lang


def check_targets(workbook: Path | None = None, json_out: Path | None = None, new: Path | None = None,
                  force: bool = False) -> None:
    """Refuse, before anything is written, a target that would fail or hurt a file.

    ``new``: a workbook to create (its folder must exist; an existing one only with ``force``, and not
    while open in Excel). ``json_out``: its folder must exist and it must not be the workbook.
    """
    from .workbook.headless import check_not_locked
    if new is not None:
        if not new.parent.is_dir():
            raise UsageError("folder_missing", path=new.parent)
        if new.exists():
            if not force:
                raise UsageError("target_exists", path=new)
            check_not_locked(new)
    if json_out is not None:
        if not json_out.parent.is_dir():
            raise UsageError("folder_missing", path=json_out.parent)
        book = workbook or new
        if book is not None and json_out.resolve() == book.resolve():
            raise UsageError("json_is_workbook", path=json_out)


def _fail(exc: XlreviewError, lang: str) -> None:
    if isinstance(exc, InputProblems):
        exc.report.language = lang
        for line in exc.report.lines():
            click.echo(line, err=True)
        click.echo(exc.report.summary_line() + " — " + tr("msg.build_failed_untouched", lang), err=True)
    else:
        click.echo(exc.message(lang), err=True)
    sys.exit(exc.exit_code)


def _internal(exc: Exception, lang: str) -> None:
    with tempfile.NamedTemporaryFile("w", prefix="xlreview-error-", suffix=".txt", delete=False,
                                     encoding="utf-8") as f:
        f.write(traceback.format_exc())
    click.echo(tr("msg.internal_error", lang, error=f"{type(exc).__name__}: {exc}", log=f.name), err=True)
    sys.exit(70)


class Commands(click.Group):
    """Every command runs under one handler: an ``XlreviewError`` becomes its message, never a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except XlreviewError as exc:
            _fail(exc, ctx.meta.get(_LANG, DEFAULT_LANGUAGE))
        except Exception as exc:   # noqa: BLE001 - the one place that turns a bug into a message
            _internal(exc, ctx.meta.get(_LANG, DEFAULT_LANGUAGE))


@click.group(cls=Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="xlreview")
def cli():
    """xlreview: 跨境电商年度复盘与来年计划 / year-end review and next-year plan for cross-border sellers.

    \b
    xlreview demo review.xlsm          # sample workbook with a full review
    xlreview new my.xlsm               # an empty workbook to fill in
    xlreview check my.xlsm             # list every problem in the data
    xlreview build my.xlsm --json out.json
    xlreview deck my.xlsm              # the year-end deck (.pptx) next to the workbook
    """


@cli.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="overwrite PATH if it exists")
@lang_option
def new(path: Path, force: bool, lang_override):
    """新建空白工作簿 / Create an empty workbook from the template (input sheets, Settings, Goals, ribbon).

    The current Python interpreter is written into the xlwings.conf sheet so the ribbon finds xlreview.
    With --lang en the workbook's Settings language is en: its guide sheet, header notes and Settings
    descriptions are written in English, and its generated sheets and messages are English too.

    \b
    Example:
        xlreview new 2026复盘.xlsm
    """
    import pandas as pd

    from .template import write_workbook
    lang = resolve_language(lang_override)
    check_targets(new=path, force=force)
    settings = pd.DataFrame({"key": ["language"], "value": [lang]})
    write_workbook(path, {"Settings": settings}, macros=path.suffix.lower() == ".xlsm", interpreter=sys.executable)
    click.echo(str(path))


@cli.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path), default="xlreview_demo.xlsm")
@click.option("--seed", default=7, show_default=True, help="seed of the sample data")
@click.option("--lines", "n_lines", type=click.IntRange(min=1), default=None,
              help="number of order lines (default about 15k)")
@click.option("--json", "json_out", type=click.Path(dir_okay=False, path_type=Path), help="also write the JSON result")
@click.option("--force", is_flag=True, help="overwrite PATH if it exists")
@lang_option
@click.option("-v", "--verbose", is_flag=True, help=VERBOSE_HELP)
def demo(path: Path, seed: int, n_lines, json_out, force: bool, lang_override, verbose: bool):
    """示例：生成带示例数据的完整复盘 / Write a workbook of realistic sample data and build the review.

    Sample data: 5+ channels, 2+ currencies, 30+ SKUs, two years of orders, ads, traffic, promotions,
    content and goals (one SKU is deliberately missing from Products, to show the warning).
    An existing PATH is left alone unless --force is given. --lang sets the sample workbook's Settings language.

    \b
    Example:
        xlreview demo demo.xlsm && xlreview build demo.xlsm --json demo.json
    """
    from .demo import demo_frames
    from .pipeline import build
    from .template import write_workbook
    lang = resolve_language(lang_override)
    check_targets(new=path, json_out=json_out, force=force)
    progress = Progress(lang, verbose)
    progress("demo")
    frames = demo_frames(seed=seed, n_order_lines=n_lines)
    s = frames["Settings"]
    frames["Settings"] = s.assign(value=s["value"].where(s["key"] != "language", lang))
    progress("template")
    write_workbook(path, frames, macros=path.suffix.lower() == ".xlsm", interpreter=sys.executable)
    result = build(path, json_out, progress, lang=lang)
    progress.done()
    _print_result(result, path, lang)


def _print_result(result, path: Path, lang: str) -> None:
    for p in result.report.warnings:
        click.echo(tr("msg.tag_warning", lang) + " " + p.text(lang), err=True)
    s = result.review.summary
    click.echo(tr("msg.built", lang, path=path, sheets=", ".join(result.sheets)))
    click.echo(tr("msg.built_figures", lang, net_sales=f"{s['net_sales']:,.2f}", net_profit=f"{s['net_profit']:,.2f}",
                  orders=f"{s['orders']:,.0f}", currency=result.review.settings.base_currency))


@cli.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "json_out", type=click.Path(dir_okay=False, path_type=Path),
              help="write the problems as JSON")
@lang_option
def check(path: Path, json_out, lang_override):
    """检查数据，列出每个问题 / Validate the input sheets and print every problem (sheet, row, column, value, fix).

    Exit code 1 when there are errors; warnings alone exit 0. Nothing is written to the workbook.

    \b
    Example:
        xlreview check my.xlsm
    """
    import json

    from .pipeline import check as run_check
    lang = resolve_language(lang_override, path)
    check_targets(workbook=path, json_out=json_out)
    report = run_check(path, lang=lang)
    for line in report.lines():
        click.echo(line)
    click.echo(report.summary_line())
    if json_out:
        Path(json_out).write_text(json.dumps([p.as_dict(lang) for p in report.problems],
                                             ensure_ascii=False, indent=1), encoding="utf-8")
    sys.exit(0 if report.ok else 1)


@cli.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "json_out", type=click.Path(dir_okay=False, path_type=Path),
              help="write every figure as JSON (every key: docs/metrics.md section 11, JSON result)")
@click.option("-v", "--verbose", is_flag=True, help=VERBOSE_HELP)
@click.option("--replan", is_flag=True, help="recompute the plan of every goal (the plan is otherwise kept frozen)")
@lang_option
def build(path: Path, json_out, verbose: bool, replan: bool, lang_override):
    """生成复盘 / Compute the review and (re)write the generated sheets; inputs, VBA and ribbon stay as they are.

    On any input error nothing is written and every problem is listed (exit code 1).
    The plan of the goals stays as first generated unless a goal changes or --replan is given.

    \b
    Example:
        xlreview build my.xlsm --json review.json
    """
    from .pipeline import build as run_build
    lang = resolve_language(lang_override, path)
    check_targets(workbook=path, json_out=json_out)
    progress = Progress(lang, verbose)
    result = run_build(path, json_out, progress, replan=replan, lang=lang)
    progress.done()
    _print_result(result, path, lang)


@cli.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path), required=False)
@click.option("--force", is_flag=True, help="overwrite the deck if it exists")
@click.option("-v", "--verbose", is_flag=True, help=VERBOSE_HELP)
@lang_option
def deck(path: Path, out, force: bool, verbose: bool, lang_override):
    """汇报PPT / Write the year-end deck (PowerPoint, editable charts) from the same review as the sheets.

    Title, results, key figures, channels, products, marketing, causes, next year's goals and plan,
    budget, markets, risks: one conclusion per slide. The workbook is only read (build first to freeze
    the plan); OUT defaults to the workbook's name with .pptx, next to it. An existing deck is kept: an
    explicit OUT needs --force, the default name moves on to "name (2).pptx".

    \b
    Example:
        xlreview deck 2026复盘.xlsm 2026年终汇报.pptx
    """
    from .pipeline import deck as run_deck
    lang = resolve_language(lang_override, path)
    progress = Progress(lang, verbose)
    target, slides, _ = run_deck(path, out, progress, lang=lang, force=force)
    progress.done()
    click.echo(tr("deck.written", lang, path=target, n=len(slides)))


@cli.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "json_out", type=click.Path(dir_okay=False, path_type=Path),
              help="write every figure as JSON (docs/metrics.md, the JSON result)")
@lang_option
def track(path: Path, json_out, lang_override):
    """周跟踪 / Build with the plan frozen and print each goal's status for the latest week of plan-year orders.

    Exit code 0 whatever the status; goals without plan-year data are listed as such.

    \b
    Example:
        xlreview track my.xlsm --json week.json
    """
    from .core.tracking import LEFT_OUT, latest_week, status_phrase
    from .pipeline import build as run_build
    from .text import label
    lang = resolve_language(lang_override, path)
    check_targets(workbook=path, json_out=json_out)
    result = run_build(path, json_out, Progress(lang), lang=lang)
    review = result.review
    report = latest_week(review.goals, review.tracking)       # the status the Tracking sheet shows
    for row in report.to_dict(orient="records"):
        click.echo(status_phrase(row, review.settings.plan_year).render(lang))
    if not (~report["status"].isin(LEFT_OUT)).any():
        click.echo(label("no_plan", lang))


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
                               "amazon, ebay, shopify, tiktok, walmart, temu, mabang, dianxiaomi")
@click.option("--list-formats", is_flag=True, is_eager=True, expose_value=False, callback=_list_formats,
              help="list the supported export formats and exit")
@click.option("--store", "to_store", is_flag=True,
              help="put the order lines into the order store (Parquet folder next to the workbook, Settings "
                   "order_store) instead of the Orders sheet; lines past the sheet's row limit go there anyway")
@lang_option
def import_(path: Path, files, source, to_store: bool, lang_override):
    """导入平台报表 / Import downloaded reports (Amazon, eBay, Shopify, TikTok Shop, Walmart, Temu, 马帮, 店小秘) into the input sheets.

    Formats are found by their headers; importing the same file twice adds nothing. Every row is
    imported, skipped as already present, or listed with its reason on the Import Log sheet, and every
    money column is reconciled there (in the file = imported + rejected); a money column the format
    does not know is named in the output. All or nothing: when any file cannot be read or has every row
    refused, nothing is imported and the workbook is not changed (exit code 1; each such file is named
    with its reasons -- remove it from the command or export it again, then re-run).
    Refused while the workbook is open in Excel/WPS/LibreOffice.
    Order lines that would pass Excel's 1,048,576 rows (or all of them with --store) go to the order
    store next to the workbook; check and build read it with the Orders sheet (docs/performance.md).

    \b
    Example:
        xlreview import my.xlsm "All Orders.txt" BusinessReport_2026-03.csv
        xlreview import --store my.xlsm "All Orders 2026.txt"
    """
    from .pipeline import import_files, open_backend
    from .workbook.headless import check_not_locked
    lang = resolve_language(lang_override, path)
    open_backend(path)                 # missing, damaged, or macros under .xlsx: refused before reading exports
    check_not_locked(path)
    report = import_files(path, list(files), source, lang=lang, to_store=to_store)
    for err in report.errors:
        click.echo(err, err=True)
    for line in report.warning_lines(lang):
        click.echo(line, err=True)
    click.echo(report.summary_line(lang))
    if report.store_part is not None:
        click.echo(tr("import.store_part", lang, part=report.store_part))
    sys.exit(1 if report.errors else 0)


@cli.command(name="store")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@lang_option
def store_(path: Path, lang_override):
    """订单移入存储 / Move every line of the Orders sheet into the order store (a Parquet folder next to the workbook).

    For an Orders sheet longer than Excel's 1,048,576 rows (which check and build refuse) or one that is
    simply too big to open comfortably. The lines are checked first; on any error nothing is written.
    Afterwards the Orders sheet keeps its header and a note, Settings order_store names the folder, and
    check, build and the ribbon read the lines from the store. Lines the store already holds (same
    channel, order id and SKU) are not written again: running it twice changes nothing.

    \b
    Example:
        xlreview store my.xlsm && xlreview build my.xlsm
    """
    from .importers.apply import move_orders_to_store
    from .pipeline import open_backend
    lang = resolve_language(lang_override, path)
    open_backend(path)                 # missing, damaged, or macros under .xlsx: refused before reading
    moved, already, part = move_orders_to_store(path, lang)
    if part is not None:
        click.echo(tr("import.store_moved", lang, lines=moved, part=part))
    if already:
        click.echo(tr("import.store_already", lang, lines=already))
    if not moved and not already:
        click.echo(tr("import.store_nothing", lang))


@cli.command()
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path), required=False)
@functools.partial(lang_option, help="语言 / language of the messages only: zh or en (default zh); the template is "
                                     "one file for both languages -- a workbook's sheets follow its Settings language")
def template(out, lang_override):
    """重建模板 / Rebuild workbook_template.xlsm for the installed xlwings version (deterministic).

    \b
    Example:
        xlreview template workbook_template.xlsm
    """
    from .template import build_template
    resolve_language(lang_override)
    if out is not None:
        check_targets(new=out, force=True)
    click.echo(str(build_template(out)))


def main():  # console script entry point
    try:
        cli(standalone_mode=True)
    except KeyboardInterrupt:      # pragma: no cover
        sys.exit(130)


if __name__ == "__main__":
    main()
