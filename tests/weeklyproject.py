"""A throwaway copy of the project for the weekly-job tests (tests/test_weekly.py).

The copy holds what a build reads (tests/projectcopy.py: mkdocs.yml, smallcap.toml, the static
docs, the overrides; never the repository's store, reports or home page). The first published
week is built once per session, with one real ``mkdocs build --strict``, and copied by each test.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pytest

from generator import archive, cli
from generator.config import load_config
from generator.publish import Layout
from generator.site import SiteBuild
from tests.projectcopy import make_project

ROOT = Path(__file__).resolve().parents[1]
CONFIG = load_config(ROOT / "smallcap.toml")
WEEK_N = "2026-11-13"
WEEK_NEXT = "2026-11-20"
# Monday 2026-11-23, noon in New York: both weeks have closed.
NOW = pd.Timestamp("2026-11-23 12:00", tz="America/New_York").tz_convert("UTC")

# Caches that only save time (generator/runcontext.py, the weekly job's page cache): a run may add
# to them, failed or not. A staging folder left in .cache/ still shows.
DISPOSABLE = tuple(
    f".cache/{name}" for name in ("calendar", "chart-templates", "jinja", "js", "site-markdown")
)


def snapshot(root: Path) -> dict[str, str | None]:
    """sha256 of every file and None for every folder under ``root``, by relative path (the
    disposable caches left out)."""
    tree: dict[str, str | None] = {}
    for path in sorted(root.rglob("*")):
        key = path.relative_to(root).as_posix()
        if key.startswith(DISPOSABLE):
            continue
        tree[key] = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None
    return tree


def changed_paths(before: dict[str, str | None], after: dict[str, str | None]) -> list[str]:
    return sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))


def pin_clock(patch: pytest.MonkeyPatch, now: pd.Timestamp) -> None:
    """The CLI reads the clock once, in Context; pin it so 'the latest complete week' is exact."""
    original = cli.Context.__init__

    def init(self: cli.Context, args) -> None:  # type: ignore[no-untyped-def]
        original(self, args)
        self.now = now

    patch.setattr(cli.Context, "__init__", init)


def run_cli(*argv: str) -> int:
    """main() in-process, in the current folder; argparse's own exits count as return codes."""
    try:
        return cli.main(list(argv))
    except SystemExit as exc:
        return int(exc.code or 0)


@lru_cache(maxsize=1)
def first_week_published() -> tuple[Path, int]:
    """A project after `generator weekly --sample --week N` (built once per session)."""
    root = make_project(Path(tempfile.mkdtemp(prefix="weekly-base-")) / "project")
    atexit.register(shutil.rmtree, root.parent, ignore_errors=True)
    with contextlib.chdir(root), pytest.MonkeyPatch.context() as patch:
        pin_clock(patch, NOW)
        code = run_cli("weekly", "--sample", "--week", WEEK_N)
    return root, code


def sample_layout(root: Path, *, docs: Path | None = None) -> Layout:
    return Layout(
        project=root,
        store=root / "sample" / "data",
        docs=docs or root / "sample" / "docs",
        site=root / "sample" / "site",
        build=root / "sample" / "build",
        cache=root / ".cache",
        sample=True,
    )


def fake_build_site(
    project_dir,
    site_dir,
    *,
    content_dir=None,
    build_dir=None,
    site_url=None,
    markdown_cache=None,
    js_alongside=True,
    run=None,
):  # type: ignore[no-untyped-def]
    """Stands in for MkDocs: a one-page site listing the archived weeks (and what it was asked)."""
    fake_build_site.asked = {"markdown_cache": markdown_cache, "js_alongside": js_alongside}  # type: ignore[attr-defined]
    site_dir = Path(site_dir)
    site_dir.mkdir(parents=True, exist_ok=True)
    weeks = archive.archived_weeks(Path(content_dir)) if content_dir else []
    (site_dir / "index.html").write_text(" ".join(weeks) + "\n", encoding="utf-8")
    return SiteBuild(site_dir, 1, 0)


def stderr_lines(capsys: pytest.CaptureFixture[str]) -> list[str]:
    return capsys.readouterr().err.strip().splitlines()
