"""Command bodies for the archive and the site: report, backfill, site, weekly."""

from __future__ import annotations

import os
import re
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from generator.calendar import NY_TZ
from generator.cli import Context
from generator.commands import parse_date
from generator.errors import DataError, UsageError, os_error_line
from generator.store import load_market

# Characters a site URL never needs and that would let it break out of an HTML attribute (it
# lands in every page's canonical link and in the feeds) or hide in a log line.
_UNSAFE_URL_CHARACTERS = re.compile(r"[\s\"'<>`\\\x00-\x1f\x7f]")


def _market(ctx: Context):
    if not (ctx.store / "manifest.json").exists():
        hint = "generator fetch --sample" if ctx.sample else "generator fetch"
        raise DataError(f"{ctx.store}: no store here (run `{hint}` first)")
    market = load_market(ctx.store)
    layout = ctx.layout()
    if market.sample and layout.docs.resolve() == layout.real_docs.resolve():
        raise DataError(
            f"{ctx.store} holds sample data: use --sample so reports go to sample/docs, "
            "never into the real archive"
        )
    return market, layout


def run_report(ctx: Context) -> int:
    from generator.archive import generate_report, report_dir, write_home
    from generator.commands import resolve_market_week

    market, layout = _market(ctx)
    week = resolve_market_week(market, ctx.config, ctx.args.week, calendar=ctx.run.calendar)
    with _one_line_os_errors(report_dir(layout.docs, week), "writing the report"):
        page = generate_report(
            market,
            ctx.config,
            week,
            layout.docs,
            force=ctx.args.force,
            images=not ctx.args.no_images,
            run=ctx.run,
        )
        write_home(layout.docs, ctx.run)
    ctx.say(f"wrote {page}")
    return 0


def run_backfill(ctx: Context) -> int:
    from generator.archive import backfill, write_home
    from generator.commands import resolve_market_week

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
    market, layout = _market(ctx)
    until = resolve_market_week(market, ctx.config, args.until, "--until", ctx.run.calendar)
    if args.last is not None:
        if not 1 <= args.last <= 5000:
            raise UsageError("--last must be between 1 and 5000")
        weeks = ctx.run.calendar.week_ends(until - pd.Timedelta(weeks=args.last + 1), until)
        weeks = weeks[-args.last :]
    else:
        since = parse_date(args.since, "--since")
        weeks = ctx.run.calendar.week_ends(since, until)
    with _one_line_os_errors(layout.docs, "writing the reports"):
        written, skipped = backfill(
            market,
            ctx.config,
            weeks,
            layout.docs,
            progress=not ctx.quiet,
            images=args.images,
            jobs=args.jobs,
            run=ctx.run,
        )
        write_home(layout.docs, ctx.run)
    ctx.say(f"{len(written)} reports written, {len(skipped)} already archived (kept as they are)")
    return 0


def run_site(ctx: Context) -> int:
    from generator.publish import write_site_stamp
    from generator.site import build_site

    layout = ctx.layout()
    content = layout.docs if layout.sample else None
    site_url = _site_url(ctx)
    ctx.say("building the site (mkdocs build --strict) ...")
    with _one_line_os_errors(layout.build, "building the site"):
        built = build_site(
            layout.project,
            layout.site,
            content_dir=content,
            build_dir=layout.build,
            site_url=site_url,
            run=ctx.run,
        )
    write_site_stamp(layout)  # the weekly job rebuilds a site older than the archive
    ctx.say(f"site: {built.site_dir} ({built.pages} pages, {built.bytes / 1e6:.1f} MB)")
    if layout.sample:
        ctx.say(
            f"open it: python3 -m http.server 8000 -d {layout.site}  then http://127.0.0.1:8000/"
        )
    return 0


def run_weekly(ctx: Context) -> int:
    from generator.weekly import run_weekly as weekly

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
        )
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


def _source(ctx: Context):
    args, config = ctx.args, ctx.config
    if args.sample:
        from generator.sources.sample import sample_market

        table = ctx.run.calendar
        end = table.week_end(args.week) if args.week else None
        today = ctx.now.tz_convert(NY_TZ).tz_localize(None).normalize()
        return lambda _store: sample_market(
            config, end if end is not None else today, calendar=table
        )
    if args.from_csv:
        from generator.sources.csvfiles import UnsupportedFile, discover_files, parse_file

        if not args.from_csv.exists():
            raise UsageError(f"{args.from_csv}: no such file or folder")

        def from_csv(_store):
            series = []
            for path in discover_files(args.from_csv):
                try:
                    series.extend(parse_file(path))
                except UnsupportedFile:
                    continue
            return series

        return from_csv
    from generator.sources.yahoo import fetch_updates

    return lambda store: fetch_updates(
        store, config, cache_dir=ctx.cache_dir, progress=not ctx.quiet
    )


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


def checked_site_url(url: str, origin: str) -> str:
    """``url`` when it is a plain http(s) address; a UsageError naming ``origin`` (the option or
    the environment variable) otherwise. The address lands unescaped in every page's canonical
    link, so markup in it would run in readers' browsers."""
    problem = _site_url_problem(url)
    if problem is not None:
        raise UsageError(f"{origin} {url!r} is not an http(s) URL: {problem}")
    return url


def _site_url_problem(url: str) -> str | None:
    unsafe = _UNSAFE_URL_CHARACTERS.search(url)
    if unsafe is not None:
        return (
            f"it holds {unsafe.group()!r} (no quotes, angle brackets, backslashes, spaces or "
            "control characters)"
        )
    try:
        parts = urllib.parse.urlsplit(url)
        host, _port = parts.hostname, parts.port
    except ValueError as exc:
        return f"it cannot be parsed ({exc})"
    if parts.scheme not in ("http", "https"):
        return "it must start with http:// or https://"
    if not host:
        return "it names no host"
    if parts.username is not None or parts.password is not None:
        return "it must not hold a user name or password"
    if parts.query or parts.fragment:
        return "it must not hold a ?query or a #fragment"
    return None
