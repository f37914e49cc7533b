"""The `generator` command line: thin commands over the pipeline stages.

Exit codes: 0 ok, 1 data problem, 2 usage error. Errors print as one line on stderr; `--debug`
shows the traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import sys
from collections.abc import Callable
from pathlib import Path

from generator import __version__
from generator.config import DEFAULT_CONFIG
from generator.errors import GeneratorError, UsageError, os_error_line
from generator.invocation import DEFAULT_CACHE, DEFAULT_STORE, SAMPLE_STORE, Context

log = logging.getLogger("generator")
# Commands that write the project: each first finishes or undoes what a killed run left.
WRITERS = frozenset({"fetch", "import", "report", "backfill", "site", "weekly"})


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (and exit code 2)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"usage: {self.prog}: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="generator",
        description="Small-Cap Weekly: small caps against large caps, one report per NYSE week.",
        epilog="The global options may also follow the command: generator status --store DIR.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    _global_options(parser.add_argument_group("global options"), after_command=False)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True
    for name, (adder, _run, text) in COMMANDS.items():
        sub = commands.add_parser(name, help=text, description=text)
        adder(sub)
        _global_options(
            sub.add_argument_group("global options (also accepted before the command)"),
            after_command=True,
        )
    return parser


def _global_options(group: argparse._ArgumentGroup, *, after_command: bool) -> None:
    """The options every command takes, before or after its name. After it, an option left out
    sets nothing (SUPPRESS), so it neither overrides the same option given before the command nor
    its default."""

    def default(value: object) -> object:
        return argparse.SUPPRESS if after_command else value

    group.add_argument(
        "--store",
        type=Path,
        default=default(None),
        help=f"market-data store folder (default: {DEFAULT_STORE}/, or {SAMPLE_STORE}/ with --sample)",
    )
    group.add_argument(
        "--config",
        type=Path,
        default=default(DEFAULT_CONFIG),
        help="universe config (default: smallcap.toml)",
    )
    group.add_argument(
        "--cache-dir",
        type=Path,
        default=default(DEFAULT_CACHE),
        help="cache folder (default: .cache)",
    )
    group.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        default=default(False),
        help="no progress bars or messages",
    )
    group.add_argument(
        "--debug",
        action="store_true",
        default=default(False),
        help="show tracebacks and debug logs",
    )
    group.add_argument(
        "--wait",
        type=_seconds,
        default=default(DEFAULT_WAIT),
        metavar="SECONDS",
        help="how long a command that writes the project waits for another one to finish "
        f"(default: {DEFAULT_WAIT:g})",
    )


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.debug else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        ctx = Context(args)
        _check_folders(args)
        with _writer_lock(ctx):
            if args.command in WRITERS:
                _recover(ctx)  # under the lock: nothing else is writing
            return COMMANDS[args.command][1](ctx) or 0
    except UsageError as exc:
        return _fail(args, f"usage: {exc}", 2)
    except GeneratorError as exc:
        return _fail(args, f"error: {exc}", 1)
    except OSError as exc:  # a full disk or a folder we may not write: the file and the reason
        return _fail(args, f"error: {os_error_line(exc)}", 1)
    except KeyboardInterrupt:
        return _fail(args, "interrupted: nothing was left half-written", 130)


def _recover(ctx: Context) -> None:
    """Finish a publishing a killed run started, put back set-aside reports, remove temp files:
    in both projects, since a store can be named with --store whatever the project."""
    from generator.publish import recover

    for sample in (False, True):
        recover(ctx.layout(sample))


def _check_folders(args: argparse.Namespace) -> None:
    """--store and --cache-dir name folders: an existing file there is a usage error, not a
    traceback at the first write."""
    for option, path in (("--store", args.store), ("--cache-dir", args.cache_dir)):
        if path is not None and path.exists() and not path.is_dir():
            raise UsageError(f"{option} {path}: is a file, not a folder")


def _fail(args: argparse.Namespace, message: str, code: int) -> int:
    if args.debug:
        raise
    print(message, file=sys.stderr)
    return code


# --- One writer at a time (generator/lock.py) ---------------------------------------------------

# The commands that write the project (store, archive, site or cache); status and metrics only read.
DEFAULT_WAIT = 60.0  # seconds: a weekly run takes ~10 s, a cold build of 1,000 reports ~30 s


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 86400:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds from 0 to 86400")
    return value


def _writer_lock(ctx: Context) -> contextlib.AbstractContextManager:
    """The project's lock (in the folder the command runs from) for a writing command."""
    if ctx.args.command not in WRITERS:
        return contextlib.nullcontext()
    from generator.lock import LOCK_NAME, project_lock

    return project_lock(
        Path.cwd() / LOCK_NAME, f"generator {ctx.args.command}", wait=ctx.args.wait, on_wait=ctx.say
    )


# ---------------------------------------------------------------------------------------------


def _no_options(_: argparse.ArgumentParser) -> None:
    pass


def _lazy(module: str, name: str) -> Callable:
    """Import a command's module when it runs, so `generator --help` stays fast."""

    def run(ctx: Context) -> int:
        import importlib

        return getattr(importlib.import_module(module), name)(ctx)

    return run


COMMANDS: dict[str, tuple[Callable, Callable, str]] = {}


def command(name: str, adder: Callable, module: str, func: str, text: str) -> None:
    COMMANDS[name] = (adder, _lazy(module, func), text)


def _fetch_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--sample", action="store_true", help="write the synthetic sample market instead"
    )
    p.add_argument("--end", help="last date of the sample market, YYYY-MM-DD (default: today)")
    p.add_argument(
        "--source",
        metavar="NAME",
        help="fetch only this source: yahoo, french, fred or fundamentals (default: all)",
    )
    p.add_argument(
        "--symbols", nargs="+", help="only these symbols (default: every configured one)"
    )


def _import_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="CSV file or folder")
    p.add_argument(
        "--replace",
        action="store_true",
        help="replace each series in the files wholesale instead of merging (no revision "
        "check; every other rule applies): restores a tampered or damaged series",
    )


def _metrics_options(p: argparse.ArgumentParser) -> None:
    _week_option(p)
    _sample_option(p)


def _status_options(p: argparse.ArgumentParser) -> None:
    _sample_option(p)


def _week_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--week", help="any date in the NYSE week, YYYY-MM-DD (default: latest complete week)"
    )


def _sample_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--sample",
        action="store_true",
        help="the sample project: sample/data, sample/docs, sample/site",
    )


def _report_options(p: argparse.ArgumentParser) -> None:
    _week_option(p)
    _sample_option(p)
    p.add_argument("--force", action="store_true", help="regenerate a report already archived")
    p.add_argument(
        "--no-images",
        action="store_true",
        help="skip the static SVGs of the key charts (about 1 s; the page then says a chart "
        "needs JavaScript)",
    )


def _backfill_options(p: argparse.ArgumentParser) -> None:
    _sample_option(p)
    p.add_argument("--since", help="first week to write (any date in it, YYYY-MM-DD)")
    p.add_argument("--until", help="last week to write, YYYY-MM-DD (default: latest complete week)")
    p.add_argument("--last", type=int, help="instead of --since: the latest N complete weeks")
    p.add_argument(
        "--images",
        type=int,
        default=20,
        metavar="N",
        help="static SVGs for the newest N reports written, as many as the feed lists "
        "(default: 20; 0 for none)",
    )
    p.add_argument(
        "--jobs",
        type=int,
        metavar="N",
        help="worker processes (default: one per core for long backfills)",
    )


def _site_options(p: argparse.ArgumentParser) -> None:
    _sample_option(p)
    p.add_argument("--site-url", help="public address of the site (default: mkdocs.yml's site_url)")


def _weekly_options(p: argparse.ArgumentParser) -> None:
    _week_option(p)
    _sample_option(p)
    p.add_argument(
        "--from-csv", type=Path, metavar="DIR", help="take new data from CSV files, not Yahoo"
    )
    p.add_argument("--site-url", help="public address of the site (default: mkdocs.yml's site_url)")


command(
    "fetch",
    _fetch_options,
    "generator.commands",
    "run_fetch",
    "fetch new data (live from Yahoo Finance, or --sample)",
)
command(
    "import",
    _import_options,
    "generator.commands",
    "run_import",
    "import CSV files (Yahoo, yfinance, FRED, Ken French)",
)
command(
    "status",
    _status_options,
    "generator.commands",
    "run_status",
    "per-symbol range, gaps, staleness and source",
)
command(
    "metrics",
    _metrics_options,
    "generator.commands",
    "run_metrics",
    "print one week's metrics as JSON on stdout",
)

command(
    "report",
    _report_options,
    "generator.site_commands",
    "run_report",
    "write one week's report into the archive",
)
command(
    "backfill",
    _backfill_options,
    "generator.site_commands",
    "run_backfill",
    "write every missing weekly report of a range",
)
command(
    "site",
    _site_options,
    "generator.site_commands",
    "run_site",
    "build the static site (mkdocs build --strict)",
)
command(
    "weekly",
    _weekly_options,
    "generator.site_commands",
    "run_weekly",
    "the weekly job: fetch, report, home page, feeds, site",
)
