"""Fault injection: the weekly job killed after every rename it makes in the project.

Each kill runs the job in a forked child whose ``os.replace`` ends the process (``os._exit``:
no ``finally``, no ``atexit``, like SIGKILL) right after the k-th rename into the project; the
rerun must converge to the bytes an uninterrupted run leaves, with no temp file, set-aside
folder or journal left, and a site built from the archive as it is. MkDocs is replaced by a
stand-in (tests/weeklyproject.py) and the SVGs by fixed text: what is tested is publishing.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

import generator.site
import generator.vlrenderer
from generator import archive
from generator.publish import Layout, site_is_current
from tests.weeklyproject import (
    NOW,
    WEEK_N,
    WEEK_NEXT,
    changed_paths,
    fake_build_site,
    make_project,
    pin_clock,
    run_cli,
    sample_layout,
    snapshot,
)

pytestmark = (
    pytest.mark.sitebuild
)  # the weekly job, which ends with a site build: not in `make test-fast`

KILLED = 77
DERIVED = (".cache/", "sample/.site.stamp")  # caches, and a stamp holding file times


class FixedRenderer:
    """Stands in for vl-convert: every chart's SVG is the same text."""

    def __enter__(self) -> FixedRenderer:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def svg(self, spec: dict) -> str:
        return '<svg xmlns="http://www.w3.org/2000/svg" width="720" height="400"></svg>\n'

    def png_from_svg(self, svg: str) -> bytes:
        return b"\x89PNG\r\n\x1a\n"


def in_child(root: Path, work: Callable[[], int], kill_after: int | None = None) -> int:
    """``work()`` in a forked child inside ``root``; its exit code, or KILLED when the child was
    ended right after its ``kill_after``-th rename into the project (the cache not counted)."""
    pid = os.fork()
    if pid:
        _, status = os.waitpid(pid, 0)
        return os.waitstatus_to_exitcode(status)
    code = 99
    try:
        os.chdir(root)
        real_replace, renames = os.replace, [0]
        cache = str(root / ".cache")

        def replace(src, dst, *args, **kwargs):  # type: ignore[no-untyped-def]
            real_replace(src, dst, *args, **kwargs)
            if not os.path.abspath(dst).startswith(cache):
                renames[0] += 1
                (root.parent / "renames").write_text(str(renames[0]))
                if renames[0] == kill_after:
                    os._exit(KILLED)

        os.replace = replace
        code = work()
    finally:
        os._exit(code)


def weekly_next() -> int:
    return run_cli("weekly", "--sample", "--week", WEEK_NEXT)


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project with week N published, on ten years of the sample market (a short store keeps
    each of the forty runs quick)."""
    root = make_project(tmp_path_factory.mktemp("kills") / "project")
    config = root / "smallcap.toml"
    text = config.read_text(encoding="utf-8")
    assert 'start = "1985-01-01"' in text
    config.write_text(text.replace('start = "1985-01-01"', 'start = "2016-01-01"'), "utf-8")
    with pytest.MonkeyPatch.context() as patch:
        _stand_ins(patch)
        code = in_child(root, lambda: run_cli("weekly", "--sample", "--week", WEEK_N))
    assert code == 0
    return root


def _stand_ins(patch: pytest.MonkeyPatch) -> None:
    pin_clock(patch, NOW)
    patch.setattr(generator.site, "build_site", fake_build_site)
    patch.setattr(generator.vlrenderer, "VegaRenderer", FixedRenderer)


@pytest.fixture(autouse=True)
def fast_stand_ins(monkeypatch: pytest.MonkeyPatch) -> None:
    _stand_ins(monkeypatch)


@pytest.fixture(scope="module")
def uninterrupted(base: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, int]:
    """The project after an uninterrupted run, and how many renames into the project it made."""
    root = tmp_path_factory.mktemp("uninterrupted") / "project"
    shutil.copytree(base, root)
    with pytest.MonkeyPatch.context() as patch:
        _stand_ins(patch)
        assert in_child(root, weekly_next) == 0
    renames = int((root.parent / "renames").read_text())
    assert archive.archived_weeks(root / "sample" / "docs") == [WEEK_N, WEEK_NEXT]
    return _published(root), renames


def _published(root: Path) -> dict[str, str | None]:
    return {k: v for k, v in snapshot(root).items() if not k.startswith(DERIVED)}


def _leftovers(root: Path) -> list[str]:
    names = (".tmp", ".old", ".publish-journal.json")
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.name.endswith(names))


def test_the_uninterrupted_run_renames_enough_to_test(uninterrupted: tuple[dict, int]) -> None:
    # The new report, the site and the journal (staged, then moved), the home page, the store's
    # series and manifest, the stamp.
    assert uninterrupted[1] >= 20


@pytest.mark.parametrize("kill_after", range(1, 40))
def test_a_run_killed_after_any_rename_is_finished_by_the_next(
    base: Path, tmp_path: Path, uninterrupted: tuple[dict, int], kill_after: int
) -> None:
    expected, renames = uninterrupted
    if kill_after > renames:
        pytest.skip(f"the uninterrupted run makes {renames} renames into the project")
    root = tmp_path / "project"
    shutil.copytree(base, root)
    assert in_child(root, weekly_next, kill_after) == KILLED
    assert in_child(root, weekly_next) == 0
    assert changed_paths(expected, _published(root)) == []
    assert _leftovers(root) == []
    assert site_is_current(sample_layout(root))
    assert (root / "sample" / "site" / "index.html").read_text() == f"{WEEK_N} {WEEK_NEXT}\n"


@pytest.mark.parametrize("command", ["report", "backfill", "site", "fetch", "import"])
def test_every_writing_command_finishes_an_interrupted_publishing(
    base: Path, tmp_path: Path, uninterrupted: tuple[dict, int], command: str
) -> None:
    """Killed after the journal and a few moves, the publishing is finished by the next writing
    command, whatever it is, before it does anything else."""
    expected, renames = uninterrupted
    root = tmp_path / "project"
    shutil.copytree(base, root)
    layout: Layout = sample_layout(root)
    assert in_child(root, weekly_next, kill_after=5) == KILLED
    assert layout.journal.exists()
    argv = {
        "report": ("report", "--sample", "--week", WEEK_N),  # already archived: exit 1
        "backfill": ("backfill", "--sample", "--last", "1", "--until", WEEK_NEXT),
        "site": ("site", "--sample"),
        "fetch": ("fetch", "--sample", "--end", WEEK_NEXT),
        "import": ("--store", "sample/data", "import", str(tmp_path / "nothing.csv")),
    }[command]
    (tmp_path / "nothing.csv").write_text("not a csv\n")
    in_child(root, lambda: run_cli(*argv))
    assert not layout.journal.exists()
    assert archive.archived_weeks(layout.docs) == [WEEK_N, WEEK_NEXT]
    published = _published(root)
    assert {k: published.get(k) for k in expected if k.startswith("sample/docs/")} == {
        k: v for k, v in expected.items() if k.startswith("sample/docs/")
    }
    assert _leftovers(root) == []
