"""A site of real weeks, built once per session from ../shared/marketdata (None when absent).

The real data is imported into a temp project as an operator would (`generator import` of the
price, Ken French and FRED files, in place: nothing is copied into the repository), two weeks are
reported (`generator report --week W`: the 2008 crash week and an ordinary 2026 week, both with
their images) and the site is built (`generator site`), then served on 127.0.0.1. The browser
tests read these pages as readers would, where the sample market cannot show real gaps (data
ending years before the week, missing funds, a record week).
"""

from __future__ import annotations

import atexit
import functools
import shutil
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from functools import lru_cache
from http.server import ThreadingHTTPServer
from pathlib import Path

from tests.conftest import MARKETDATA
from tests.projectcopy import make_project
from tests.sitebuild import _QuietHandler

REAL_WEEKS = ("2008-10-10", "2026-08-21")
# What `generator import` reads: every price file, the Ken French daily and monthly size
# portfolios and factors, and the FRED series.
IMPORTED = ("prices", "french", "fred")


@dataclass(frozen=True)
class RealSite:
    project: Path
    weeks: tuple[str, ...]
    url: str


def _generator(project: Path, *argv: str) -> None:
    done = subprocess.run([sys.executable, "-m", "generator", "--quiet", *argv], cwd=project,
                          capture_output=True, text=True)  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"generator {' '.join(argv)}: {done.stderr.strip()[-400:]}")


@lru_cache(maxsize=1)
def real_site() -> RealSite | None:
    """The real-data site, built and served once per session; None without the real data."""
    if not MARKETDATA.is_dir():
        return None
    work = Path(tempfile.mkdtemp(prefix="smallcap-real-site-"))
    atexit.register(shutil.rmtree, work, ignore_errors=True)
    project = make_project(work / "project")
    _generator(project, "import", *(str(MARKETDATA / name) for name in IMPORTED))
    for week in REAL_WEEKS:
        _generator(project, "report", "--week", week)
    handler = functools.partial(_QuietHandler, directory=str(project / "site"))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    _generator(project, "site", "--site-url", url)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    atexit.register(server.shutdown)
    return RealSite(project, REAL_WEEKS, url)


def real_site_or_skip() -> RealSite:
    """The real-data site, or skip the test when ../shared/marketdata is absent."""
    import pytest

    built = real_site()
    if built is None:
        pytest.skip("real market data not found beside the project (../shared/marketdata)")
    return built
