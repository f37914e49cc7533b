"""Command bodies for the archive and the site: report, backfill, site, weekly.

Each parses its options and runs the pipeline (``generator.pipeline``, ``generator.weekly``);
``cli`` maps the errors to exit codes.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from generator.errors import DataError, UsageError, os_error_line
from generator.invocation import Context
from generator.site_config import checked_site_url

if TYPE_CHECKING:
    from generator.weekly import Extras, Source


def run_report(ctx: Context) -> int:
    layout = ctx.layout()
    images = not ctx.args.no_images
    # The renderer starts before the pipeline (pandas, Altair) is imported: vl-convert's engine
    # takes ~0.6 s to start, about as long as those imports and the week's computing.
    drawing = ctx.run.start_renderer() if images else contextlib.nullcontext()
    with _one_line_os_errors(layout.docs, "writing the report"), drawing as renderer:
        from generator import pipeline

        page = pipeline.report(
            layout,
            ctx.config,
            ctx.args.week,
            force=ctx.args.force,
            images=images,
            run=ctx.run,
            renderer=renderer,
        )
    ctx.say(f"wrote {page}")
    return 0


def run_backfill(ctx: Context) -> int:
    from generator import pipeline
    from generator.weeks import parse_date

    args = ctx.args
    if (args.since is None) == (args.last is None):
        raise UsageError("give exactly one of --since DATE or --last N")
    for option, text in (("--since", args.since), ("--until", args.until)):
        if text is not None:
            parse_date(text, option)  # before any data is loaded
    if args.images < 0:
        raise UsageError("--images must be 0 or more")
    if args.jobs is not None and not 1 <= args.jobs <= 64:
        raise UsageError("--jobs must be between 1 and 64")
    if args.last is not None and not 1 <= args.last <= 5000:
        raise UsageError("--last must be between 1 and 5000")
    layout = ctx.layout()
    with _one_line_os_errors(layout.docs, "writing the reports"):
        written, skipped = pipeline.backfill_range(
            layout,
            ctx.config,
            since=args.since,
            until=args.until,
            last=args.last,
            images=args.images,
            jobs=args.jobs,
            progress=not ctx.quiet,
            run=ctx.run,
        )
    ctx.say(f"{len(written)} reports written, {len(skipped)} already archived (kept as they are)")
    return 0


def run_site(ctx: Context) -> int:
    from generator import pipeline

    layout = ctx.layout()
    site_url = _site_url(ctx)
    ctx.say("building the site (mkdocs build --strict) ...")
    with _one_line_os_errors(layout.build, "building the site"):
        built = pipeline.build_project_site(layout, site_url, ctx.run)
    ctx.say(f"site: {built.site_dir} ({built.pages} pages, {built.bytes / 1e6:.1f} MB)")
    if layout.sample:
        ctx.say(
            f"open it: python3 -m http.server 8000 -d {layout.site}  then http://127.0.0.1:8000/"
        )
    return 0


def run_weekly(ctx: Context) -> int:
    from generator.weekly import run_weekly as weekly
    from generator.weeks import parse_date

    args = ctx.args
    if args.sample and args.from_csv:
        raise UsageError("--sample and --from-csv are exclusive")
    if args.week is not None:
        # Before any data is fetched: an unclosed week's rows would be refused as future dates.
        ctx.run.calendar.closed_week_end(parse_date(args.week, "--week"), ctx.now)
    site_url = _site_url(ctx)
    layout = ctx.layout()
    with _one_line_os_errors(layout.cache, "running the weekly job"):
        result = weekly(
            layout,
            ctx.config,
            _source(ctx),
            now=ctx.now,
            requested=args.week,
            site_url=site_url,
            allow_gaps=args.from_csv is not None,
            run=ctx.run,
            extras=_extras(ctx),
        )
    for line in result.warnings:
        print(f"warning: {line}", file=sys.stderr)
    if not result.changed and not result.site_built:
        ctx.say(f"week ending {result.week:%Y-%m-%d}: already published, nothing changed")
        return 0
    what = "report written" if result.report_written else "report already archived"
    ctx.say(
        f"week ending {result.week:%Y-%m-%d}: {what}; {len(result.changed)} files changed; site built"
    )
    for path in result.changed:
        ctx.say(f"  {path}")
    return 0


def _extras(ctx: Context) -> Extras | None:
    """The optional sources (Ken French, FRED, fundamentals) of a live weekly run; none with
    ``--sample`` or ``--from-csv``."""
    from generator.weekly import live_extras

    if ctx.args.sample or ctx.args.from_csv:
        return None
    return live_extras(
        ctx.config,
        ctx.run.http,
        ctx.cache_dir,
        now=ctx.now,
        progress=not ctx.quiet,
        calendar=ctx.run.calendar,
    )


def _source(ctx: Context) -> Source:
    """Where the weekly job takes its new data from: the options say."""
    from generator.calendar import NY_TZ
    from generator.weekly import csv_source, live_source, sample_source

    args, table = ctx.args, ctx.run.calendar
    if args.sample:
        end = table.week_end(args.week) if args.week else None
        today = ctx.now.tz_convert(NY_TZ).tz_localize(None).normalize()
        return sample_source(ctx.config, end if end is not None else today, table)
    if args.from_csv:
        if not args.from_csv.exists():
            raise UsageError(f"{args.from_csv}: no such file or folder")
        return csv_source(args.from_csv, ctx.say)
    return live_source(ctx.config, ctx.cache_dir, progress=not ctx.quiet, calendar=table)


@contextmanager
def _one_line_os_errors(folder: Path, doing: str) -> Iterator[None]:
    """An operating-system error (a full disk, a folder that may not be written) as one line
    naming its file, or ``folder`` when the error names none (a failed write does not)."""
    try:
        yield
    except OSError as exc:
        raise DataError(f"{os_error_line(exc, folder)} (while {doing})") from None


def _site_url(ctx: Context) -> str | None:
    if ctx.args.site_url:
        return checked_site_url(ctx.args.site_url, "--site-url")
    from_environment = os.environ.get("SITE_URL")
    return checked_site_url(from_environment, "SITE_URL") if from_environment else None
