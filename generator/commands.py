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
    if args.sample:
        end = args.end or ctx.now.tz_convert(NY_TZ).strftime("%Y-%m-%d")
        parse_date(end, "--end")
        report = pipeline.fetch_sample(
            ctx.store, ctx.config, end, args.symbols, calendar=ctx.run.calendar
        )
    else:
        if args.end:
            raise UsageError("--end only applies with --sample")
        report = pipeline.fetch_live(
            ctx.store,
            ctx.config,
            symbols=args.symbols,
            cache_dir=ctx.cache_dir,
            progress=not ctx.quiet,
            now=ctx.now,
            calendar=ctx.run.calendar,
        )
    _summarise(ctx, report)
    return 0


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
    for line in report.repairs[:20]:
        ctx.say(f"repaired: {line}")
    if len(report.repairs) > 20:
        ctx.say(f"repaired: ... and {len(report.repairs) - 20} more")
    added = sum(report.new_rows.values())
    files = [p for p in report.changed if p.name != "manifest.json"]
    ctx.say(
        f"{ctx.store}: {len(files)} series written, {added} new rows, {len(report.repairs)} repairs"
    )


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
    mismatched = manifest_mismatches(ctx.store)
    for path in mismatched:
        print(f"warning: {mismatch_error(ctx.store, path, sample)}", file=sys.stderr)
    return 1 if mismatched else 0


def run_metrics(ctx: Context) -> int:
    from generator.metrics import compute_metrics, metrics_json
    from generator.metrics.common import truncate_market

    market = load_market(ctx.store)
    week = resolve_market_week(market, ctx.config, ctx.args.week, calendar=ctx.run.calendar)
    cut = truncate_market(market, week, ctx.run.calendar)
    sys.stdout.write(metrics_json(compute_metrics(cut, ctx.config, week)))
    return 0
