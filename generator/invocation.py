"""One run of the command line: what every command receives (options, config, clock, layout).

Its own module so that the command modules (``commands.py``, ``site_commands.py``) and the
parser (``cli.py``) all import it without importing each other.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from generator.config import Config, load_config

if TYPE_CHECKING:
    import pandas as pd

    from generator.publish import Layout
    from generator.runcontext import RunContext

DEFAULT_STORE = Path("data")
SAMPLE_STORE = Path("sample/data")
DEFAULT_CACHE = Path(".cache")


class Context:
    """What every command receives: parsed options, the config and the clock, read once here."""

    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.quiet: bool = args.quiet
        self.cache_dir: Path = args.cache_dir
        self._config: Config | None = None
        # The clock, read once; as a pandas Timestamp only when a command asks (``now``): the
        # report command starts its renderer before pandas is imported.
        self._clock = dt.datetime.now(dt.UTC)
        self._now: pd.Timestamp | None = None
        self._run: RunContext | None = None

    @property
    def now(self) -> pd.Timestamp:
        """When the command started, in UTC (read once, in ``__init__``)."""
        if self._now is None:
            import pandas as pd

            self._now = pd.Timestamp(self._clock).tz_convert("UTC")
        return self._now

    @now.setter
    def now(self, value: pd.Timestamp) -> None:  # tests pin the clock
        self._now = value

    @property
    def run(self) -> RunContext:
        """The run's calendar, caches and renderer, kept under the cache folder."""
        if self._run is None:
            from generator.runcontext import RunContext

            self._run = RunContext(self.cache_dir)
        return self._run

    @property
    def config(self) -> Config:
        if self._config is None:
            self._config = load_config(self.args.config)
        return self._config

    @property
    def store(self) -> Path:
        if self.args.store is not None:
            return self.args.store
        return SAMPLE_STORE if getattr(self.args, "sample", False) else DEFAULT_STORE

    @property
    def sample(self) -> bool:
        return bool(getattr(self.args, "sample", False))

    def layout(self, sample: bool | None = None) -> Layout:
        """The project's layout: the sample one with --sample (or ``sample``=True)."""
        from generator.publish import Layout  # imported here to keep --help fast

        root = Path.cwd()
        sample = self.sample if sample is None else sample
        if sample != self.sample:  # the other project: its default store
            store = SAMPLE_STORE if sample else DEFAULT_STORE
        else:
            store = self.store
        if sample:
            base = SAMPLE_STORE.parent
            return Layout(
                root, store, base / "docs", base / "site", base / "build", self.cache_dir, True
            )
        return Layout(
            root,
            store,
            root / "docs",
            root / "site",
            self.cache_dir / "build",
            self.cache_dir,
            False,
        )

    def say(self, text: str) -> None:
        if not self.quiet:
            print(text, file=sys.stderr)
