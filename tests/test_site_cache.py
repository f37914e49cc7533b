"""The site build's caches (overrides/hooks/): a build that reuses them publishes, byte for byte,
what a build without them publishes, and a page that warned is never reused.

The archives here are three real sample reports (tests/sitebuild.py) cloned to more weeks
(tests/clonedreports.py), enough for paginated listings, two archive years and the process
that converts reports beside MkDocs on a cold build (``AHEAD_MIN`` in render_cache.py).
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from generator import archive, calendar, home
from generator.site import SiteError, build_site
from tests.clonedreports import clone_archive, clone_report
from tests.sitebuild import sample_site

pytestmark = pytest.mark.sitebuild  # runs MkDocs: not in `make test-fast`

# Across a new year: two archive years in the navigation.
WEEKS = [w.strftime("%Y-%m-%d") for w in calendar.week_ends("2025-10-17", "2026-05-01")]
# Hooks that only save time: the reference build runs without them.
SPEED_HOOKS = (
    "plain_tables.py",
    "blog_scaling.py",
    "render_cache.py",
    "output_cache.py",
    "parallel_pages.py",
    "quick_exit.py",
)
# The feeds' channel carries the build time; the sitemap's dates follow SOURCE_DATE_EPOCH.
BUILD_TIME = re.compile(rb"<(pubDate|lastBuildDate)>[^<]*</\1>")
EPOCH = "1795000000"


@dataclass(frozen=True)
class Builds:
    reference: Path  # the site built without the speed hooks
    cold: Path  # built with an empty cache
    written_by_cold: dict[str, int]  # cache kind -> entries
    warm: Path  # built again, every page from the cache
    written_by_warm: dict[str, set[str]]  # cache kind -> entries the warm build wrote
    weekly_reference: Path  # one more report, without the speed hooks
    weekly: Path  # one more report, from the cache
    written_by_weekly: dict[str, set[str]]


def _seeds() -> tuple[Path, list[str]]:
    site = sample_site()
    return site.content, list(site.weeks)


def _project() -> Path:
    """The sample site's project: the repository's theme and static pages, an empty archive."""
    return sample_site().project


def _reference_project(folder: Path) -> Path:
    """The project with the speed hooks taken out of its mkdocs.yml."""
    folder.mkdir()
    for name in ("docs", "overrides"):
        (folder / name).symlink_to(_project() / name)
    config = yaml.safe_load((_project() / "mkdocs.yml").read_text(encoding="utf-8"))
    config["hooks"] = [h for h in config["hooks"] if Path(h).name not in SPEED_HOOKS]
    (folder / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return folder


def _build(project: Path, content: Path, work: Path) -> Path:
    build_site(project, work / "site", content_dir=content, build_dir=work / "build")
    return work / "site"


def _entries(cache: Path) -> dict[str, dict[str, float]]:
    """Every cache entry by kind, with its modification time."""
    return {
        kind.name: {p.name: p.stat().st_mtime_ns for p in kind.iterdir()}
        for kind in sorted(cache.iterdir())
    }


def _written(before: dict[str, dict[str, float]], after: dict[str, dict[str, float]]):  # type: ignore[no-untyped-def]
    return {
        kind: {name for name, mtime in entries.items() if before.get(kind, {}).get(name) != mtime}
        for kind, entries in after.items()
    }


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> Builds:
    seed_dir, seeds = _seeds()
    work = tmp_path_factory.mktemp("site-cache")
    reference = _reference_project(work / "reference-project")
    content = work / "content"
    clone_archive(seed_dir, seeds, content, WEEKS[:-1])
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        ref = _build(reference, content, work / "ref")
        # Each build of the cached project replaces its site: keep copies.
        cold = shutil.copytree(_build(_project(), content, work / "cached"), work / "cold")
        cache = work / "cached" / "build" / "cache" / "pages"
        before = _entries(cache)
        written_by_cold = {kind: len(entries) for kind, entries in before.items()}
        warm = shutil.copytree(_build(_project(), content, work / "cached"), work / "warm")
        written_by_warm = _written(before, _entries(cache))
        clone_report(seed_dir, seeds[-1], content, WEEKS[-1])  # the same year as the one before
        home.write_home(content)
        before = _entries(cache)
        weekly_ref = _build(reference, content, work / "weekly-ref")
        weekly = _build(_project(), content, work / "cached")
        written_by_weekly = _written(before, _entries(cache))
    return Builds(
        reference=ref,
        cold=cold,
        written_by_cold=written_by_cold,
        warm=warm,
        written_by_warm=written_by_warm,
        weekly_reference=weekly_ref,
        weekly=weekly,
        written_by_weekly=written_by_weekly,
    )


def _published(site: Path) -> dict[str, bytes]:
    files = {}
    for path in sorted(site.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            if path.name.startswith("feed_rss_"):
                data = BUILD_TIME.sub(b"", data, count=2)  # the channel's, not the items'
            files[path.relative_to(site).as_posix()] = data
    return files


def _differences(a: Path, b: Path) -> list[str]:
    left, right = _published(a), _published(b)
    return sorted(name for name in left.keys() | right.keys() if left.get(name) != right.get(name))


def _feed_length() -> int:
    config = yaml.safe_load((_project() / "mkdocs.yml").read_text(encoding="utf-8"))
    return next(p["rss"]["length"] for p in config["plugins"] if isinstance(p, dict) and "rss" in p)


def test_a_cold_cached_build_publishes_what_an_uncached_build_publishes(builds: Builds) -> None:
    assert _differences(builds.reference, builds.cold) == []
    pages = len(WEEKS) - 1
    assert builds.written_by_cold == {
        "excerpts": pages * 4,  # the blog index, the year and two categories list each report
        "feed": min(pages, _feed_length()),  # described only when a feed can show them
        "markdown": pages,
        "output": pages,
        "search": pages,
    }
    assert (builds.reference / "blog" / "page" / "3" / "index.html").is_file()  # paginated
    for year in ("2025", "2026"):
        assert (builds.reference / "blog" / "archive" / year / "index.html").is_file()


def test_a_warm_build_reuses_every_entry_and_publishes_the_same_site(builds: Builds) -> None:
    assert builds.written_by_warm == {
        "excerpts": set(),
        "feed": set(),
        "markdown": set(),
        "output": set(),
        "search": set(),
    }
    assert _differences(builds.cold, builds.warm) == []


def test_the_weekly_rebuild_renders_the_new_report_and_its_neighbour_only(builds: Builds) -> None:
    assert _differences(builds.weekly_reference, builds.weekly) == []
    written = {kind: len(names) for kind, names in builds.written_by_weekly.items()}
    # The new report, and the one before it, whose page now links to the next report (in its
    # Markdown: generator/week_links.py, which the feed entry's key holds too).
    assert written["markdown"] == written["search"] == written["output"] == written["feed"] == 2


def test_a_page_that_warned_is_not_reused(tmp_path: Path) -> None:
    seed_dir, seeds = _seeds()
    content = tmp_path / "content"
    clone_archive(seed_dir, seeds, content, WEEKS[-20:])  # enough for the converting process
    newest = archive.report_dir(content, WEEKS[-1]) / "index.md"  # the one it converts first
    newest.write_text(newest.read_text(encoding="utf-8") + "\n[gone](gone.md)\n", "utf-8")
    for _ in range(2):
        with pytest.raises(SiteError, match="gone.md"):
            _build(_project(), content, tmp_path)


def test_a_cached_page_whose_link_target_is_gone_fails_the_build(tmp_path: Path) -> None:
    seed_dir, seeds = _seeds()
    content = tmp_path / "content"
    clone_archive(seed_dir, seeds, content, WEEKS[-3:])
    _build(_project(), content, tmp_path)  # every report page is now in the cache
    (archive.report_dir(content, WEEKS[-1]) / "chart-data.csv").unlink()
    with pytest.raises(SiteError, match="chart-data.csv"):
        _build(_project(), content, tmp_path)


def test_a_build_in_a_fresh_folder_reuses_a_cache_kept_elsewhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    seed_dir, seeds = _seeds()
    content, cache = tmp_path / "content", tmp_path / "kept"
    clone_archive(seed_dir, seeds, content, WEEKS[-3:])

    def build(name: str) -> Path:  # as a job whose build folder is temporary
        work = tmp_path / name
        build_site(
            _project(),
            work / "site",
            content_dir=content,
            build_dir=work / "build",
            render_cache=cache,
        )
        return work / "site"

    first = build("first")
    before = _entries(cache)
    second = build("second")
    assert not any(_written(before, _entries(cache)).values())
    assert _differences(first, second) == []
