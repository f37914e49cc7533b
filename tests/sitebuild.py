"""A small sample site built once per test session (shared by the site and browser tests).

Three weekly reports of the synthetic sample market, written by the real pipeline (metrics,
charts, archive, home page) into a temp folder, then built with ``mkdocs build --strict`` from a
project of the tests' own (tests/projectcopy.py: never the repository's reports). The
config names the small side ``<script>alert(1)</script>`` and a ladder fund and a curated
valuation source carry Markdown link and raw HTML syntax, so the built pages prove escaping.
"""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
import threading
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pandas as pd

from generator import calendar, home, pipeline
from generator.config import Config, parse_config
from generator.model import Market
from generator.site import SiteBuild, build_site
from generator.sources.sample import sample_market
from tests.projectcopy import make_project

ROOT = Path(__file__).resolve().parents[1]
END = "2026-11-20"
REPORT_WEEKS = 3
XSS = "<script>alert(1)</script>"
NOTE = "see [click](javascript:alert(1)) <img src=x onerror=alert(2)>"


@dataclass(frozen=True)
class SampleSite:
    project: Path  # mkdocs.yml, the theme and the static pages; an empty archive
    content: Path
    build: SiteBuild
    weeks: tuple[str, ...]  # oldest first
    url: str  # where it is served (the build's site_url, so instant navigation works)


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        pass


def hostile_config() -> Config:
    raw = tomllib.loads((ROOT / "smallcap.toml").read_text(encoding="utf-8"))
    raw["pair"]["small"]["name"] = XSS
    raw["ladder"]["IWC"] = NOTE
    return parse_config(raw, "tests/sitebuild")


def hostile_market(config: Config) -> Market:
    series = {s.symbol: s for s in sample_market(config, END)}
    valuations = pd.DataFrame(
        {
            "date": pd.to_datetime(["2026-10-31", "2026-10-31"]),
            "side": ["small", "large"],
            "forward_pe": [15.0, 21.0],
            "earnings_growth": [0.12, 0.1],
            "source": [NOTE, "Example research, October 2026"],
            "note": [XSS, ""],
        }
    )
    return Market(series=series, sample=True, valuations=valuations)


@lru_cache(maxsize=1)
def sample_site() -> SampleSite:
    """Generate the reports, build the site and serve it on 127.0.0.1 (once per session)."""
    work = Path(tempfile.mkdtemp(prefix="smallcap-site-"))
    atexit.register(shutil.rmtree, work, ignore_errors=True)
    handler = functools.partial(_QuietHandler, directory=str(work / "site"))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)  # bound first: the URL is known
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    config = hostile_config()
    market = hostile_market(config)
    weeks = calendar.week_ends("2026-10-01", END)[-REPORT_WEEKS:]
    project = make_project(work / "project")
    content = work / "content"
    pipeline.backfill(market, config, weeks, content, progress=False)
    home.write_home(content)
    build = build_site(
        project, work / "site", content_dir=content, build_dir=work / "build", site_url=url
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    atexit.register(server.shutdown)
    return SampleSite(project, content, build, tuple(w.strftime("%Y-%m-%d") for w in weeks), url)
