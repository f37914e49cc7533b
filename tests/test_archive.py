"""The report archive: folder layout, immutability, backfill skipping, the home page."""

from __future__ import annotations

import json
import struct
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from generator import archive, home, pipeline, pool, report_folder
from generator.errors import DataError
from generator.pages.render import report_title
from tests.test_pages import fixed_doc


def _spec(title: str) -> dict:
    return {"title": {"text": title}, "description": f"{title} chart.", "mark": "line"}


def _write(docs: Path, week: str, *, force: bool = False) -> Path:
    data = {"ytd_rebased": pd.DataFrame({"date": [pd.Timestamp(week)], "small": [100.0]})}
    specs = {"ytd_rebased": _spec("YTD")}
    svgs = {"ytd_rebased": "<svg xmlns='http://www.w3.org/2000/svg'></svg>"}
    return report_folder.write_report(docs, fixed_doc(week), specs, data, svgs, force=force)


def test_write_report_layout_and_immutability(tmp_path: Path) -> None:
    page = _write(tmp_path, "2026-11-20")
    folder = tmp_path / "blog" / "posts" / "2026" / "11" / "20"
    assert page == folder / "index.md"
    assert sorted(p.name for p in folder.iterdir()) == [
        "chart-data.csv",
        "index.md",
        "metrics.json",
        "ytd_rebased.svg",
        "ytd_rebased.vl.json",
    ]
    assert json.loads((folder / "metrics.json").read_text())["week_ending"] == "2026-11-20"
    assert "- [chart-data.csv](chart-data.csv)" in page.read_text()
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    with pytest.raises(archive.ReportExists, match=r"2026/11/20/index.md: report already archived"):
        _write(tmp_path, "2026-11-20")
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    _write(tmp_path, "2026-11-20", force=True)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before  # deterministic
    assert [p.name for p in folder.parent.iterdir()] == ["20"]  # no temp folders left


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir()}


def test_replacement_killed_before_the_new_report_is_in_place_puts_the_old_one_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _write(tmp_path, "2026-11-20").parent
    before = _files(folder)
    real_replace = report_folder.os.replace

    def killed_before_the_new_report_is_in_place(src, dst):  # type: ignore[no-untyped-def]
        if Path(dst) == folder:  # the old report is set aside already
            raise SystemExit("killed")
        real_replace(src, dst)

    monkeypatch.setattr(report_folder.os, "replace", killed_before_the_new_report_is_in_place)
    with pytest.raises(SystemExit):
        _write(tmp_path, "2026-11-20", force=True)
    monkeypatch.undo()
    assert not archive.report_exists(tmp_path, "2026-11-20")
    assert (folder.parent / ".20.old").is_dir()
    # The next run finds the archive as it was before the killed one.
    with pytest.raises(archive.ReportExists):
        _write(tmp_path, "2026-11-20")
    assert _files(folder) == before
    assert [p.name for p in folder.parent.iterdir()] == ["20"]


def test_replacement_killed_before_removing_the_old_report_keeps_the_new_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _write(tmp_path, "2026-11-20").parent
    real_rmtree = report_folder.shutil.rmtree

    def killed_at_removal(path, ignore_errors=False):  # type: ignore[no-untyped-def]
        if Path(path).name == ".20.old" and not ignore_errors:
            raise SystemExit("killed")
        real_rmtree(path, ignore_errors=ignore_errors)

    monkeypatch.setattr(report_folder.shutil, "rmtree", killed_at_removal)
    new_svg = {"ytd_rebased": "<svg xmlns='http://www.w3.org/2000/svg'><g/></svg>"}
    doc = fixed_doc("2026-11-20")
    with pytest.raises(SystemExit):
        report_folder.write_report(
            tmp_path, doc, {"ytd_rebased": _spec("YTD")}, {}, new_svg, force=True
        )
    monkeypatch.undo()
    assert (folder / "ytd_rebased.svg").read_text() == new_svg["ytd_rebased"]
    weeks, _ = pipeline.backfill(None, None, [pd.Timestamp("2026-11-20")], tmp_path, progress=False)  # type: ignore[arg-type]
    assert weeks == [] and (folder / "ytd_rebased.svg").read_text() == new_svg["ytd_rebased"]
    assert [p.name for p in folder.parent.iterdir()] == ["20"]


def test_failed_write_leaves_no_report(tmp_path: Path) -> None:
    doc = fixed_doc()
    doc = replace(doc, seasonality=replace(doc.seasonality, first_year="not a number"))
    with pytest.raises(ValueError, match="not a number"):
        report_folder.write_report(tmp_path, doc, {}, {}, {})
    assert archive.archived_weeks(tmp_path) == []
    assert list((tmp_path / "blog" / "posts" / "2026" / "11").iterdir()) == []


def test_backfill_skips_archived_weeks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write(tmp_path, "2026-11-13")
    calls: list[str] = []

    def fake_generate(
        market, config, week, docs_dir, *, force=False, images=True, renderer=None, run=None
    ):  # type: ignore[no-untyped-def]
        calls.append(str(pd.Timestamp(week).date()))
        return _write(docs_dir, str(pd.Timestamp(week).date()))

    monkeypatch.setattr(pipeline, "generate_report", fake_generate)
    weeks = pd.to_datetime(["2026-11-06", "2026-11-13", "2026-11-20"])
    written, skipped = pipeline.backfill(None, None, weeks, tmp_path, progress=False)  # type: ignore[arg-type]
    assert calls == ["2026-11-06", "2026-11-20"]
    assert skipped == ["2026-11-13"]
    assert len(written) == 2
    assert archive.archived_weeks(tmp_path) == ["2026-11-06", "2026-11-13", "2026-11-20"]


def test_write_home_uses_the_latest_report(tmp_path: Path) -> None:
    assert home.write_home(tmp_path) is None
    _write(tmp_path, "2026-11-13")
    _write(tmp_path, "2026-11-20")
    page = home.write_home(tmp_path)
    assert page == tmp_path / "index.md"
    text = page.read_text()
    assert "## Latest: Week ending November 20, 2026" in text
    assert 'data-spec="blog/2026/11/20/ytd_rebased.vl.json"' in text
    assert "[Browse all 2 reports](blog/index.md)" in text
    assert archive.published_path("blog/posts/2026/11/20/x.svg") == "blog/2026/11/20/x.svg"


def test_home_leads_with_the_summary_and_links_the_previous_weeks(tmp_path: Path) -> None:
    fridays = ("09-18", "09-25", "10-02", "10-09", "10-16", "10-23", "10-30", "11-06", "11-13")
    weeks = [f"2026-{day}" for day in (*fridays, "11-20")]
    for week in weeks:
        _write(tmp_path, week)
    text = home.write_home(tmp_path).read_text(encoding="utf-8")
    latest = text.index("## Latest: Week ending November 20, 2026")
    summary = text.index("<li><strong>Russell 2000</strong>: ")
    assert latest < summary < text.index("The small/large ratio stands at the")  # the narrative
    links = [line for line in text.splitlines() if line.startswith("- [Week ending ")]
    assert links[0] == (  # newest first, by headline, to the report's page
        f"- [{fixed_doc_title('2026-11-13')}](blog/posts/2026/11/13/index.md)"
    )
    assert len(links) == home.PREVIOUS == 8  # 2026-09-18 is the ninth: left out
    assert "blog/posts/2026/09/18" not in text and "2026/11/20/index.md)\n" not in text


def fixed_doc_title(week: str) -> str:
    """The title a report of ``fixed_doc(week)`` carries."""
    return report_title(fixed_doc(week))


# Charts whose section table, right above them, holds their numbers: its header row.
TABLED_ABOVE = {
    "month_spread": "\n| Month | Small, mean | Large, mean | Spread, mean | Spread, median | Hit rate |",
    "cycle_phases": "\n| Phase | Small, mean | Large, mean | Spread, mean | Hit rate | Years |\n",
}


@pytest.mark.slow
def test_generated_report_gives_every_charts_numbers(tmp_path: Path) -> None:
    """History charts load chart-data.csv next to their spec; the others' numbers are tables."""
    from tests.test_charts import CONFIG, january_market

    page = pipeline.generate_report(january_market(), CONFIG, pd.Timestamp("2023-12-29"), tmp_path)
    folder, text = page.parent, page.read_text(encoding="utf-8")
    header = (folder / "chart-data.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    specs = {p.name.removesuffix(".vl.json"): json.loads(p.read_text()) for p in folder.glob("*.vl.json")}  # fmt: skip
    in_file = {name for name, spec in specs.items() if "url" in spec.get("data", {})}
    assert in_file == {"ytd_rebased", "relative_ratio", "relative_ratio_3y", "rolling_12m_spread",
                       "drawdowns"}  # fmt: skip
    for name in in_file:
        assert specs[name]["data"]["url"] == "chart-data.csv"
        assert set(specs[name]["data"]["format"]["parse"]) <= set(header), name
    for name, spec in specs.items():
        title = spec["title"]["text"]
        if name in in_file:  # long histories: the page links the CSV
            assert f"The numbers behind this chart ({title}) are in the [chart data CSV]" in text
        elif name in TABLED_ABOVE:  # the section's own table above the chart has its numbers
            assert "url" not in json.dumps(spec) and f'"Data: {title}"' not in text
            assert TABLED_ABOVE[name] in text
        else:  # the small tables: inline in the spec, and a collapsible table on the page
            assert "url" not in json.dumps(spec) and f'??? note "Data: {title}"' in text
    svgs = sorted(p.name for p in folder.glob("*.svg"))
    assert svgs == ["ladder.svg", "month_spread.svg", "relative_ratio.svg", "ytd_rebased.svg"]
    assert "<path" in (folder / "relative_ratio.svg").read_text()  # drawn from the inlined rows


def _tree_bytes(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}  # fmt: skip


@pytest.mark.slow
def test_backfill_on_workers_writes_what_one_process_writes(tmp_path: Path) -> None:
    """Two worker processes, the newest two weeks with images drawn by the parent meanwhile."""
    from tests.test_charts import CONFIG, january_market

    market = january_market()
    weeks = list(pd.to_datetime(["2023-11-10", "2023-11-17", "2023-11-24", "2023-12-01",
                                 "2023-12-08"]))  # fmt: skip
    one, two = tmp_path / "one", tmp_path / "two"
    written, _ = pipeline.backfill(market, CONFIG, weeks, one, progress=False, images=2, jobs=1)
    assert written == [archive.report_dir(one, w) / "index.md" for w in weeks]
    written, _ = pipeline.backfill(market, CONFIG, weeks, two, progress=False, images=2, jobs=2)
    assert written == [archive.report_dir(two, w) / "index.md" for w in weeks]
    assert _tree_bytes(one) == _tree_bytes(two)
    svgs = sorted(p.relative_to(one).parent.as_posix() for p in one.rglob("ytd_rebased.svg"))
    assert svgs == ["blog/posts/2023/12/01", "blog/posts/2023/12/08"]


@pytest.mark.slow
def test_report_without_images_has_no_social_image_and_a_javascript_note(tmp_path: Path) -> None:
    from tests.test_charts import CONFIG, january_market

    week = pd.Timestamp("2023-12-08")
    page = pipeline.generate_report(january_market(), CONFIG, week, tmp_path, images=False)
    text = page.read_text(encoding="utf-8")
    assert not list(page.parent.glob("*.svg"))
    assert "\nimage:" not in text.split("\n---\n")[0]
    assert "<noscript>This chart needs JavaScript: " in text
    assert "vl-fallback" not in text
    with_images = pipeline.generate_report(january_market(), CONFIG, week, tmp_path, force=True)
    text = with_images.read_text(encoding="utf-8")
    assert "\nimage: blog/2023/12/08/social.png\n" in text  # social sites show no SVG
    assert (page.parent / "ytd_rebased.svg").is_file()
    png = (page.parent / "social.png").read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert struct.unpack(">II", png[16:24]) == (1200, 630)  # the IHDR chunk's width, height
    assert 'src=\\"social.png\\"' in text.split("\n---\n")[0]  # the feed item shows it


@pytest.mark.slow
def test_backfill_worker_failure_is_raised_and_later_weeks_are_cancelled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing(
        market, config, week, docs_dir, *, force=False, images=True, renderer=None, run=None
    ):  # type: ignore[no-untyped-def]
        if pd.Timestamp(week) == pd.Timestamp("2026-10-16"):
            raise DataError("week 2026-10-16: injected failure")
        return _write(docs_dir, str(pd.Timestamp(week).date()))

    monkeypatch.setattr(pipeline, "generate_report", failing)  # the workers fork after this
    weeks = pd.date_range("2026-10-02", "2026-11-20", freq="W-FRI")
    with pytest.raises(DataError, match="week 2026-10-16: injected failure"):
        pipeline.backfill(None, None, weeks, tmp_path, progress=False, images=0, jobs=2)  # type: ignore[arg-type]
    assert "2026-10-16" not in archive.archived_weeks(tmp_path)
    leftovers = [p for p in tmp_path.rglob(".*") if p.name.startswith(".")]
    assert leftovers == []


@pytest.mark.slow
def test_a_bug_in_a_backfill_worker_keeps_its_traceback_with_the_week_noted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not a project error: no one-line message, but the traceback says which week it was."""
    from tests.test_charts import CONFIG, january_market

    real_render = report_folder.render_report

    def render(doc, *args, **kwargs):  # type: ignore[no-untyped-def]
        if doc.week_ending == "2023-12-08":
            raise RuntimeError("injected bug")
        return real_render(doc, *args, **kwargs)

    monkeypatch.setattr(report_folder, "render_report", render)  # the workers fork after this
    weeks = list(pd.to_datetime(["2023-11-17", "2023-11-24", "2023-12-01", "2023-12-08"]))
    with pytest.raises(RuntimeError, match="injected bug") as info:
        pipeline.backfill(january_market(), CONFIG, weeks, tmp_path, progress=False, images=0,
                          jobs=2)  # fmt: skip
    assert info.value.__notes__ == ["while writing the report of week 2023-12-08"]


def test_default_jobs_and_image_window_follow_the_feed() -> None:
    import yaml  # installed with mkdocs

    assert pool.default_jobs(pool.MIN_WEEKS_PER_JOB) == 1
    assert 1 <= pool.default_jobs(1000) <= 64
    text = (Path(__file__).resolve().parents[1] / "mkdocs.yml").read_text(encoding="utf-8")
    plugins = yaml.load(text, Loader=yaml.BaseLoader)["plugins"]
    rss = next(p["rss"] for p in plugins if isinstance(p, dict) and "rss" in p)
    assert int(rss["length"]) == pipeline.IMAGE_WEEKS
    from generator.cli import build_parser

    args = build_parser().parse_args(["backfill", "--last", "3"])
    assert args.images == pipeline.IMAGE_WEEKS


@pytest.mark.slow
def test_backfill_with_more_jobs_than_plain_weeks(tmp_path: Path) -> None:
    from tests.test_charts import CONFIG, january_market

    weeks = list(pd.to_datetime(["2023-12-01", "2023-12-08"]))
    written, _ = pipeline.backfill(january_market(), CONFIG, weeks, tmp_path, progress=False,
                                  images=2, jobs=2)  # fmt: skip
    assert written == [archive.report_dir(tmp_path, w) / "index.md" for w in weeks]
    written, _ = pipeline.backfill(january_market(), CONFIG, [pd.Timestamp("2023-11-24")],
                                  tmp_path, progress=False, images=0, jobs=2)  # fmt: skip
    assert written == [archive.report_dir(tmp_path, "2023-11-24") / "index.md"]
