"""Command bodies for the data commands: fetch, import, status, metrics."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from tqdm import tqdm

from generator.calendar import NY_TZ
from generator.errors import DataError, UsageError
from generator.ingest import IngestReport
from generator.invocation import Context
from generator.store import load_market, mismatch_error, read_manifest
from generator.weeks import parse_date, resolve_market_week

log = logging.getLogger(__name__)


def run_fetch(ctx: Context) -> int:
    from generator import pipeline

    args = ctx.args
    if not args.sample:
        return _fetch_sources(ctx)
    if args.source is not None:
        raise UsageError("--source does not apply with --sample (the sample market is one source)")
    end = args.end or ctx.now.tz_convert(NY_TZ).strftime("%Y-%m-%d")
    parse_date(end, "--end")
    report = pipeline.fetch_sample(
        ctx.store, ctx.config, end, args.symbols, calendar=ctx.run.calendar
    )
    _summarise(ctx, report)
    return 0


def _fetch_sources(ctx: Context) -> int:
    """``fetch`` live: every source (or ``--source NAME``) under the freshness policy: a summary
    line per source, one warning line per source that failed or is stale."""
    from generator.fetching import FetchJob, fetch_source, source_names, summary_line

    args = ctx.args
    if args.end:
        raise UsageError("--end only applies with --sample")
    names = source_names(args.source)
    if args.symbols and "yahoo" not in names:
        raise UsageError("--symbols only applies to the yahoo source")
    if args.symbols:
        names = ["yahoo"]  # some Yahoo symbols were asked for, nothing else
    job = FetchJob(
        ctx.store,
        ctx.config,
        ctx.now,
        http=ctx.run.http,
        cache_dir=ctx.cache_dir,
        progress=not ctx.quiet,
        calendar=ctx.run.calendar,
        symbols=args.symbols,
    )
    outcomes = []
    for name in names:
        outcome = fetch_source(job, name)
        outcomes.append(outcome)
        if outcome.report is not None:
            _repairs(ctx, outcome.report)
        ctx.say(summary_line(outcome))
    for line in _warnings(ctx, outcomes):
        print(f"warning: {line}", file=sys.stderr)
    return 0


def _warnings(ctx: Context, outcomes: list) -> list[str]:  # type: ignore[type-arg]
    """The warnings of the fetch, then one line per fetched source that failed or is stale."""
    from generator.freshness import source_freshness, warning_line

    lines = [w for o in outcomes for w in o.warnings]
    fetched = [o for o in outcomes if o.skipped is None]
    market = load_market(ctx.store, verify=False)
    freshness = source_freshness(market, ctx.config, ctx.now, [o.name for o in fetched])
    for outcome, fresh in zip(fetched, freshness, strict=True):
        line = warning_line(fresh, outcome.error)
        if line:
            lines.append(line)
    return lines


def run_import(ctx: Context) -> int:
    from generator import pipeline
    from generator.sources.csvfiles import discover_files

    files: list[Path] = []
    for path in ctx.args.paths:
        if not path.exists():
            raise UsageError(f"{path}: no such file or folder")
        files.extend(discover_files(path))
    progress = tqdm(files, desc="parse", unit="file", disable=ctx.quiet, file=sys.stderr)
    report = pipeline.import_files(
        ctx.store,
        ctx.config,
        progress,
        say=ctx.say,
        now=ctx.now,
        replace=ctx.args.replace,
        calendar=ctx.run.calendar,
    )
    _summarise(ctx, report)
    return 0


def _summarise(ctx: Context, report: IngestReport) -> None:
    _repairs(ctx, report)
    added = sum(report.new_rows.values())
    files = [p for p in report.changed if p.name != "manifest.json"]
    ctx.say(
        f"{ctx.store}: {len(files)} series written, {added} new rows, {len(report.repairs)} repairs"
    )


def _repairs(ctx: Context, report: IngestReport) -> None:
    for line in report.repairs[:20]:
        ctx.say(f"repaired: {line}")
    if len(report.repairs) > 20:
        ctx.say(f"repaired: ... and {len(report.repairs) - 20} more")


def run_status(ctx: Context) -> int:
    from generator.status import manifest_mismatches, store_status

    if not (ctx.store / "manifest.json").exists():
        raise DataError(
            f"{ctx.store}: no store here (run `generator fetch` or `generator import` first)"
        )
    rows = store_status(ctx.store, ctx.config, ctx.now, ctx.run.calendar)
    sample = bool(read_manifest(ctx.store).get("sample"))
    kind = "SAMPLE DATA" if sample else "real data"
    print(f"store {ctx.store} ({kind}), {len(rows)} series")
    header = f"{'symbol':<18}{'role':<10}{'first':<12}{'last':<12}{'rows':>7}{'gaps':>6}{'gaps>=2000':>11}{'stale':>7}  source"
    print(header)
    for r in rows:
        stale = "-" if r.stale_sessions is None else str(r.stale_sessions)
        print(
            f"{r.symbol:<18}{r.role:<10}{r.first:<12}{r.last:<12}{r.rows:>7}{r.gaps:>6}"
            f"{r.gaps_since_2000:>11}{stale:>7}  {r.source}"
        )
    _print_freshness(ctx)
    mismatched = manifest_mismatches(ctx.store)
    for path in mismatched:
        print(f"warning: {mismatch_error(ctx.store, path, sample)}", file=sys.stderr)
    return 1 if mismatched else 0


def _print_freshness(ctx: Context) -> None:
    """Each source's freshness today: as-of date, age, stale or not, and its version."""
    from generator.freshness import STALE, source_freshness

    market = load_market(ctx.store, verify=False)
    print(f"sources on {ctx.now.tz_convert(NY_TZ):%Y-%m-%d}:")
    print(f"{'source':<14}{'series':>7}  {'as of':<12}{'age':>6}  {'state':<24}version")
    for fresh in source_freshness(market, ctx.config, ctx.now):
        as_of = "-" if fresh.as_of is None else f"{fresh.as_of:%Y-%m-%d}"
        age = "-" if fresh.age_days is None else str(fresh.age_days)
        state = fresh.state
        if state == STALE:
            state = f"STALE (>{fresh.stale_after_days} days)"
        print(
            f"{fresh.name:<14}{fresh.series:>7}  {as_of:<12}{age:>6}  {state:<24}"
            f"{fresh.version or '-'}"
        )


def run_metrics(ctx: Context) -> int:
    from generator.metrics import compute_metrics, metrics_json
    from generator.metrics.common import truncate_market

    market = load_market(ctx.store)
    week = resolve_market_week(market, ctx.config, ctx.args.week, calendar=ctx.run.calendar)
    cut = truncate_market(market, week, ctx.run.calendar)
    sys.stdout.write(metrics_json(compute_metrics(cut, ctx.config, week)))
    return 0
