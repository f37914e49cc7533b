"""Rehearsal of the weekly job: idempotence, all-or-nothing on a failure at each step, safety.

Every test runs in a throwaway copy of the project with week N published (tests/weeklyproject.py)
and the clock pinned. Only the rehearsal of the next week and the real MkDocs warning build the
site again; tests that do not need MkDocs call ``run_weekly`` directly with a stand-in builder.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

import generator.charts
import generator.mkdocs_run
import generator.site
import generator.sources.sample
import generator.sources.yahoo
from generator import archive, report_folder
from generator.errors import DataError, FetchError
from generator.ingest import ingest
from generator.site import SiteError
from generator.sources.sample import sample_market
from generator.store import write_store
from generator.weekly import run_weekly
from tests.weeklyproject import (
    CONFIG,
    NOW,
    WEEK_N,
    WEEK_NEXT,
    changed_paths,
    fake_build_site,
    first_week_published,
    make_project,
    pin_clock,
    run_cli,
    sample_layout,
    snapshot,
    stderr_lines,
)

pytestmark = (
    pytest.mark.sitebuild
)  # the weekly job, which ends with a site build: not in `make test-fast`

SITE_URL = "https://example.github.io/smallcap-weekly/"  # mkdocs.yml's site_url


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the project with week N published; the test runs inside it with the clock pinned."""
    base, code = first_week_published()
    assert code == 0
    root = tmp_path / "project"
    shutil.copytree(base, root)
    monkeypatch.chdir(root)
    pin_clock(monkeypatch, NOW)
    return root


# --- 1. rehearsal: week N, week N again, week N+1 ---------------------------------------------


def report_files(root: Path, week: str) -> list[str]:
    folder = archive.report_dir(root / "sample" / "docs", week)
    return sorted(p.name for p in folder.iterdir())


def test_first_run_publishes_week_n(project: Path) -> None:
    assert archive.archived_weeks(project / "sample" / "docs") == [WEEK_N]
    assert report_files(project, WEEK_N) == [
        "chart-data.csv",
        "cycle_phases.vl.json",
        "drawdowns.vl.json",
        "french_months.vl.json",
        "index.md",
        "ladder.svg",
        "ladder.vl.json",
        "leadership_strip.vl.json",
        "metrics.json",
        "month_spread.svg",
        "month_spread.vl.json",
        "relative_ratio.svg",
        "relative_ratio.vl.json",
        "relative_ratio_3y.vl.json",
        "rolling_12m_spread.vl.json",
        "rolling_risk.vl.json",
        "scorecard.vl.json",
        "seasonal_path.vl.json",
        "social.png",
        "spread_heatmap.vl.json",
        "yields_vs_relative.vl.json",
        "ytd_rebased.svg",
        "ytd_rebased.vl.json",
    ]
    assert (project / "sample" / "site" / "blog" / "2026" / "11" / "13" / "index.html").is_file()
    # The store ends with the week's last session: the sample source never runs ahead.
    assert (
        (project / "sample" / "data" / "^RUT.csv")
        .read_text()
        .splitlines()[-1]
        .startswith("2026-11-13,")
    )
    assert list((project / ".cache").glob("*weekly*")) == []  # no staging folder left behind


def test_rehearsal_same_week_twice_then_the_next(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(project)
    assert run_cli("weekly", "--sample", "--week", WEEK_N) == 0
    assert stderr_lines(capsys) == ["week ending 2026-11-13: already published, nothing changed"]
    assert changed_paths(before, snapshot(project)) == []

    assert run_cli("weekly", "--sample", "--week", WEEK_NEXT) == 0
    out = stderr_lines(capsys)
    assert out[0] == "week ending 2026-11-20: report written; 43 files changed; site built"
    docs = project / "sample" / "docs"
    assert archive.archived_weeks(docs) == [WEEK_N, WEEK_NEXT]
    # Every change is listed: the new report, the home page and the store (manifest last).
    after = snapshot(project)
    changed_files = [p for p in changed_paths(before, after) if after.get(p) is not None]
    assert sorted(line.strip() for line in out[1:]) == [
        p for p in changed_files if not p.startswith(("sample/site/", "sample/.site.stamp"))
    ]
    assert out[-1] == "  sample/data/manifest.json"
    # The first report was not touched.
    week_n_files = [p for p in before if p.startswith("sample/docs/blog/posts/2026/11/13/")]
    assert week_n_files and all(before[p] == after[p] for p in week_n_files)

    home = (docs / "index.md").read_text(encoding="utf-8")
    assert "## Latest: Week ending November 20, 2026:" in home
    assert "[Read the full report](blog/posts/2026/11/20/index.md)" in home
    assert "[Browse all 2 reports](blog/index.md)" in home
    previous = home.index("## Previous weeks")  # the week before is linked there only
    assert "2026/11/13" not in home[:previous]
    assert "](blog/posts/2026/11/13/index.md)" in home[previous:]

    site = project / "sample" / "site"
    feed = ET.parse(site / "feed_rss_created.xml").getroot()
    links = [item.findtext("link") for item in feed.findall("./channel/item")]
    assert links == [f"{SITE_URL}blog/2026/11/20/", f"{SITE_URL}blog/2026/11/13/"]
    home_html = (site / "index.html").read_text(encoding="utf-8")
    assert "blog/2026/11/20/relative_ratio.vl.json" in home_html
    assert "blog/2026/11/13/relative_ratio" not in home_html  # the charts are the new week's
    assert home_html.count("blog/2026/11/13/") == 1  # linked once, among the previous weeks
    assert list((project / ".cache").glob("weekly-*")) == []


# --- 2. a failure at each step leaves every file as it was ------------------------------------


def _fail_fetch(monkeypatch: pytest.MonkeyPatch) -> str:
    def fetch(config, end, seed=0, calendar=None):  # type: ignore[no-untyped-def]
        raise FetchError("^RUT: Yahoo Finance answered 429 four times in 120 s")

    monkeypatch.setattr(generator.sources.sample, "sample_market", fetch)
    return "error: ^RUT: Yahoo Finance answered 429 four times in 120 s"


def _fail_validation(monkeypatch: pytest.MonkeyPatch) -> str:
    """The source answers a second, different ^RUT row for the week's last session."""

    def with_conflict(config, end, **kwargs):  # type: ignore[no-untyped-def]
        out = []
        for s in sample_market(config, end, **kwargs):
            if s.symbol == "^RUT":
                last = s.frame.iloc[[-1]].copy()
                last["close"] = last["close"] * 1.01
                s = replace(s, frame=pd.concat([s.frame, last]))
            out.append(s)
        return out

    monkeypatch.setattr(generator.sources.sample, "sample_market", with_conflict)
    return "error: ^RUT on 2026-11-20: conflicting rows for the same date [rule: duplicate-date]"


def _fail_chart(monkeypatch: pytest.MonkeyPatch) -> str:
    """One chart of several fails, after others were built."""
    original = generator.charts.build_chart

    def broken(name, frame, **kwargs):  # type: ignore[no-untyped-def]
        if name == "relative_ratio":
            raise DataError(f"chart {name}: no rows to draw")
        return original(name, frame, **kwargs)

    monkeypatch.setattr(generator.charts, "build_chart", broken)
    return f"error: week {WEEK_NEXT}: chart relative_ratio: no rows to draw"


def _fail_report_page(monkeypatch: pytest.MonkeyPatch) -> str:
    """The page fails after the report's chart files were written into its staging folder."""

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise DataError("templates/report.md.j2: 'headline' is undefined")

    monkeypatch.setattr(report_folder, "render_report", broken)
    return f"error: week {WEEK_NEXT}: templates/report.md.j2: 'headline' is undefined"


def _fail_site(monkeypatch: pytest.MonkeyPatch) -> str:
    def broken(config_path: Path, *args: object) -> None:
        raise SiteError("mkdocs build --strict failed (mkdocs.yml): WARNING - broken link")

    monkeypatch.setattr(generator.mkdocs_run, "run_mkdocs", broken)
    return "error: mkdocs build --strict failed (mkdocs.yml): WARNING - broken link"


@pytest.mark.parametrize(
    "inject", [_fail_fetch, _fail_validation, _fail_chart, _fail_report_page, _fail_site]
)
def test_failure_at_any_step_changes_nothing(
    project: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    inject,  # type: ignore[no-untyped-def]
) -> None:
    before = snapshot(project)
    expected = inject(monkeypatch)
    assert run_cli("weekly", "--sample", "--week", WEEK_NEXT) == 1
    assert stderr_lines(capsys) == [expected]
    assert changed_paths(before, snapshot(project)) == []  # store, archive, site, no staging


def test_real_mkdocs_warning_changes_nothing(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    about = project / "docs" / "about.md"
    about.write_text(about.read_text() + "\nSee [the missing page](missing.md).\n")
    before = snapshot(project)
    assert run_cli("weekly", "--sample", "--week", WEEK_NEXT) == 1
    lines = stderr_lines(capsys)
    assert len(lines) == 1
    assert lines[0].startswith("error: mkdocs build --strict failed (")
    assert "about.md" in lines[0] and "missing.md" in lines[0]
    assert changed_paths(before, snapshot(project)) == []


def test_unexpected_exception_propagates_and_changes_nothing(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug (not a GeneratorError) shows its traceback, and still leaves no trace."""

    def broken(self, spec, theme="light"):  # type: ignore[no-untyped-def]
        raise RuntimeError("vl-convert crashed")

    monkeypatch.setattr(generator.charts.VegaRenderer, "svg", broken)
    before = snapshot(project)
    with pytest.raises(RuntimeError, match="vl-convert crashed"):
        run_cli("weekly", "--sample", "--week", WEEK_NEXT)
    assert changed_paths(before, snapshot(project)) == []


# --- 3. safety: no sample data in the real archive, no partial week ---------------------------


def test_sample_store_refused_as_the_real_store(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`generator weekly` (real layout: docs/) pointed at the sample store is refused."""

    def live(store, config, **kwargs):  # type: ignore[no-untyped-def]
        return sample_market(config, WEEK_NEXT)

    monkeypatch.setattr(generator.sources.yahoo, "fetch_updates", live)
    before = snapshot(project)
    assert run_cli("--store", "sample/data", "weekly", "--week", WEEK_NEXT) == 1
    [line] = stderr_lines(capsys)
    assert line.startswith("error: ")
    assert line.endswith(": store holds sample data; sample and real data never mix")
    assert changed_paths(before, snapshot(project)) == []


def test_real_store_refused_with_the_sample_flag(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    real = [s for s in sample_market(CONFIG, WEEK_N) if s.symbol in ("^RUT", "^GSPC")]
    write_store(project / "data", real, fetched_at="2026-11-14T00:00:00Z", sample=False)
    before = snapshot(project)
    assert run_cli("--store", "data", "weekly", "--sample", "--week", WEEK_NEXT) == 1
    [line] = stderr_lines(capsys)
    assert line.startswith("error: ")
    assert line.endswith(": store holds real data; sample and real data never mix")
    assert changed_paths(before, snapshot(project)) == []


def test_sample_market_refused_for_the_real_archive(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """run_weekly itself refuses a sample market whose archive is the project's docs/."""
    monkeypatch.setattr(generator.site, "build_site", fake_build_site)
    layout = sample_layout(project, docs=project / "docs")
    before = snapshot(project)
    with pytest.raises(DataError, match="refusing to write sample data into the real archive"):
        run_weekly(layout, CONFIG, lambda store: sample_market(CONFIG, WEEK_NEXT), now=NOW)
    assert changed_paths(before, snapshot(project)) == []


# Thanksgiving 2026 is Thursday 11-26; Friday 11-27 closes early, at 13:00 in New York.
THANKSGIVING_WEEK = "2026-11-27"


def _at(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz="America/New_York").tz_convert("UTC")


@pytest.fixture
def store_through_thanksgiving_week(project: Path) -> Path:
    """The sample store already holds Friday 11-27 (written without a clock, as `fetch --sample`)."""
    store = project / "sample" / "data"
    ingest(store, sample_market(CONFIG, THANKSGIVING_WEEK), CONFIG, now=None, sample=True)
    return store


def test_week_not_closed_is_refused(
    project: Path, store_through_thanksgiving_week: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(generator.site, "build_site", fake_build_site)
    before = snapshot(project)
    with pytest.raises(
        DataError, match="^week ending 2026-11-27 has not closed yet: refusing a partial week$"
    ):
        run_weekly(
            sample_layout(project),
            CONFIG,
            lambda store: sample_market(CONFIG, THANKSGIVING_WEEK),
            now=_at("2026-11-27 12:59"),
        )
    assert changed_paths(before, snapshot(project)) == []


def test_week_published_once_its_early_close_has_rung(
    project: Path, store_through_thanksgiving_week: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(generator.site, "build_site", fake_build_site)
    result = run_weekly(
        sample_layout(project),
        CONFIG,
        lambda store: sample_market(CONFIG, THANKSGIVING_WEEK),
        now=_at("2026-11-27 13:00"),
    )
    assert result.week == pd.Timestamp(THANKSGIVING_WEEK)
    assert result.report_written and result.site_built
    assert archive.archived_weeks(project / "sample" / "docs") == [WEEK_N, THANKSGIVING_WEEK]
    site_page = project / "sample" / "site" / "index.html"
    assert site_page.read_text() == f"{WEEK_N} {THANKSGIVING_WEEK}\n"
    # Warm from the project's cache folder; vl-convert done before MkDocs (the memory target).
    assert fake_build_site.asked == {  # type: ignore[attr-defined]
        "markdown_cache": project / ".cache" / "site-markdown",
        "js_alongside": False,
    }


def test_requested_week_with_a_live_last_session_is_refused(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Friday's live bar is dropped on the way in, so the requested week is incomplete."""
    monkeypatch.setattr(generator.site, "build_site", fake_build_site)
    before = snapshot(project)
    with pytest.raises(
        DataError,
        match="^week ending 2026-11-20 is not complete: data runs through 2026-11-19$",
    ):
        run_weekly(
            sample_layout(project),
            CONFIG,
            lambda store: sample_market(CONFIG, WEEK_NEXT),
            now=_at("2026-11-20 15:59"),
            requested=WEEK_NEXT,
        )
    assert changed_paths(before, snapshot(project)) == []


def test_latest_week_during_a_live_session_is_the_previous_one(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Friday before the bell, the latest complete week is last week's: already published."""
    monkeypatch.setattr(generator.site, "build_site", fake_build_site)
    before = snapshot(project)
    result = run_weekly(
        sample_layout(project),
        CONFIG,
        lambda store: sample_market(CONFIG, WEEK_NEXT),
        now=_at("2026-11-20 15:59"),
    )
    assert result.week == pd.Timestamp(WEEK_N)
    assert not result.report_written
    # Monday..Thursday of the new week enter the store (every file); the archive is untouched.
    changed = changed_paths(before, snapshot(project))
    assert [p for p in changed if not p.startswith("sample/site")] == sorted(
        f"sample/data/{name}" for name in _sample_files(project)
    )
    assert archive.archived_weeks(project / "sample" / "docs") == [WEEK_N]


def _sample_files(root: Path) -> list[str]:
    return [p.name for p in (root / "sample" / "data").iterdir()]


# --- commit failures, refusals, a cache on another filesystem ------------------------------------


def test_failure_while_moving_files_into_place_is_finished_by_the_next_run(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Once the journal is written, publishing only goes forward: a rename that fails stops the
    run with one line, and the next run finishes the same moves (as after a kill)."""
    real_replace = os.replace
    manifest = (project / "sample" / "data" / "manifest.json").resolve()

    # The manifest is moved after the archive and the store's CSVs.
    def replace_failing_at_the_manifest(src, dst, *args, **kwargs):  # type: ignore[no-untyped-def]
        if Path(dst).resolve() == manifest and str(src).endswith(".tmp"):
            raise OSError(5, "Input/output error", str(dst))
        return real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", replace_failing_at_the_manifest)
    code = run_cli("weekly", "--sample", "--week", WEEK_NEXT)
    monkeypatch.setattr(os, "replace", real_replace)
    assert code == 1
    assert stderr_lines(capsys) == [
        f"error: {manifest}: publishing stopped (Input/output error); the next generator "
        "command finishes it from sample/.publish-journal.json"
    ]
    assert (project / "sample" / ".publish-journal.json").exists()

    assert run_cli("weekly", "--sample", "--week", WEEK_NEXT) == 0
    assert stderr_lines(capsys)[-1] == "week ending 2026-11-20: already published, nothing changed"
    assert not (project / "sample" / ".publish-journal.json").exists()
    assert archive.archived_weeks(project / "sample" / "docs") == [WEEK_N, WEEK_NEXT]
    assert run_cli("status", "--sample") == 0
    assert [p for p in project.rglob("*") if p.name.endswith((".tmp", ".old"))] == []


@pytest.mark.parametrize("sample_flag", [False, True])
def test_refusal_names_the_store_given_not_its_staging_copy(
    project: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    sample_flag: bool,
) -> None:
    if sample_flag:  # a real store under data/, run with --sample
        real = [s for s in sample_market(CONFIG, WEEK_N) if s.symbol in ("^RUT", "^GSPC")]
        write_store(project / "data", real, fetched_at="2026-11-14T00:00:00Z", sample=False)
        argv, expected = ("--store", "data", "weekly", "--sample"), "data: store holds real data"
    else:  # the sample store, run as the real job
        monkeypatch.setattr(
            generator.sources.yahoo,
            "fetch_updates",
            lambda store, config, **kwargs: sample_market(config, WEEK_NEXT),
        )
        argv, expected = (
            ("--store", "sample/data", "weekly"),
            "sample/data: store holds sample data",
        )
    assert run_cli(*argv, "--week", WEEK_NEXT) == 1
    assert stderr_lines(capsys) == [f"error: {expected}; sample and real data never mix"]


def _other_filesystem(path: Path) -> Path | None:
    import os

    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK) and shm.stat().st_dev != path.stat().st_dev:
        return shm
    return None


def test_cache_dir_on_another_filesystem(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    other = _other_filesystem(project)
    if other is None:
        pytest.skip("no writable folder on another filesystem (/dev/shm)")
    cache = Path(tempfile.mkdtemp(prefix="weekly-cache-", dir=other))
    try:
        code = run_cli("--cache-dir", str(cache), "weekly", "--sample", "--week", WEEK_NEXT)
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    assert code == 0
    assert archive.archived_weeks(project / "sample" / "docs") == [WEEK_N, WEEK_NEXT]


def test_every_file_written_gets_the_mode_the_umask_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Store, archive, site and cache files are readable by others under umask 022, as a plain
    open() makes them: Pages' artifact upload and a web server running as another user need it
    (mkstemp and mkdtemp made the chart specs, chart-data.csv and the JavaScript private)."""
    root = make_project(tmp_path / "project")
    monkeypatch.chdir(root)
    pin_clock(monkeypatch, NOW)
    previous = os.umask(0o022)
    try:
        assert run_cli("weekly", "--sample", "--week", WEEK_N) == 0
    finally:
        os.umask(previous)
    private = {
        path.relative_to(root).as_posix(): oct(path.stat().st_mode & 0o777)
        for path in sorted(root.rglob("*"))
        if path.stat().st_mode & 0o777 != (0o755 if path.is_dir() else 0o644)
    }
    assert private == {}
    assert (root / "sample" / "site" / "assets" / "javascripts" / "charts").is_dir()
    assert list((root / "sample" / "site" / "blog").rglob("*.vl.json"))


# --- the freshness policy: optional sources -----------------------------------------------------


def _policy_config():  # type: ignore[no-untyped-def]
    """The project's config with the fundamentals switched off (their fetcher is yfinance)."""
    sources = replace(
        CONFIG.sources, fundamentals=replace(CONFIG.sources.fundamentals, enabled=False)
    )
    return replace(CONFIG, sources=sources)


def test_a_research_source_down_warns_and_the_week_is_published(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator.sources.http import Http, Response
    from generator.weekly import live_extras

    monkeypatch.setattr(generator.site, "build_site", fake_build_site)
    french = CONFIG.sources.french.url + CONFIG.sources.french.files[0]

    def opener(url: str, headers: dict, timeout: float) -> Response:
        if url == french:
            return Response(503, b"", "", "Service Unavailable")
        return Response(401, b"", "", "Unauthorized")

    config = _policy_config()
    extras = live_extras(
        config,
        Http(opener=opener, sleep=lambda s: None),
        project / ".cache",
        now=NOW,
        progress=False,
    )
    result = run_weekly(
        sample_layout(project),
        config,
        lambda store: sample_market(config, WEEK_NEXT),
        now=NOW,
        extras=extras,
    )
    assert result.report_written and result.site_built
    fred = f"{CONFIG.sources.fred.url}?id={CONFIG.sources.fred.series[0]}"
    assert result.warnings == (
        f"french: {french}: HTTP 503 Service Unavailable (gave up after 3 attempts); keeping its "
        "stored data as of 2026-11-20, 3 days old: not stale yet (the limit is 120 days)",
        f"fred: {fred}: HTTP 401 Unauthorized; fred has never been fetched: no stored data",
    )
    folder = archive.report_dir(project / "sample" / "docs", WEEK_NEXT)
    rows = {
        r["name"]: r
        for r in __import__("json").loads((folder / "metrics.json").read_text())["sources"]["rows"]
    }
    assert (rows["french"]["state"], rows["fred"]["state"]) == ("fresh", "never fetched")
    page = (folder / "index.md").read_text(encoding="utf-8")
    assert "| FRED, Federal Reserve Bank of St. Louis | 0 | – | – | ⚠ never fetched |" in page


def test_the_pair_down_fails_the_week_before_any_other_source(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(generator.site, "build_site", fake_build_site)
    asked: list[Path] = []

    def pair_down(store: Path) -> list:
        raise FetchError("^RUT: Yahoo Finance could not be reached")

    before = snapshot(project)
    with pytest.raises(FetchError, match="could not be reached"):
        run_weekly(
            sample_layout(project),
            CONFIG,
            pair_down,
            now=NOW,
            extras=lambda store: asked.append(store) or [],
        )
    assert asked == []
    assert changed_paths(before, snapshot(project)) == []
