"""The chart template cache on disk: same specs as drawing, no Altair in a warm process."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from generator.charts import build_chart, build_chart_direct, compute_chart_data, spec_json
from generator.charts import specs as specs_module
from generator.config import load_config
from generator.runcontext import RunContext
from tests.conftest import ROOT
from tests.test_charts import long_market

WEEK = pd.Timestamp("2026-08-21")
TEMPLATES = "chart-templates"  # the run's folder of templates under its cache folder


@pytest.fixture(scope="module")
def frames() -> dict[str, pd.DataFrame]:
    return compute_chart_data(long_market(), load_config(ROOT / "smallcap.toml"), WEEK)


# The process's memo of drawn templates (tests stand in a recording function for it).
DRAWN_TEMPLATES = specs_module._drawn_template


@pytest.fixture(autouse=True)
def forget_drawn_templates() -> Iterator[None]:
    yield
    DRAWN_TEMPLATES.cache_clear()


def _fresh(monkeypatch: pytest.MonkeyPatch, cache: Path) -> tuple[list[str], RunContext]:
    """A run as in a new process (nothing in memory, templates kept under ``cache``); records
    every template drawn."""
    monkeypatch.undo()
    DRAWN_TEMPLATES.cache_clear()
    drawn: list[str] = []
    real = DRAWN_TEMPLATES

    def drawing(name, *args):  # type: ignore[no-untyped-def]
        drawn.append(name)
        return real(name, *args)

    monkeypatch.setattr(specs_module, "_drawn_template", drawing)
    return drawn, RunContext(cache)


@pytest.mark.slow
def test_cached_templates_give_the_altair_specs(
    frames: dict[str, pd.DataFrame], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawn, run = _fresh(monkeypatch, tmp_path)
    for name, frame in frames.items():
        cached = build_chart(name, frame, sample=True, run=run)
        assert spec_json(cached) == spec_json(build_chart_direct(name, frame, sample=True)), name
    assert sorted(drawn) == sorted(frames)
    assert len(list((tmp_path / TEMPLATES).glob("*.json"))) == len(frames)

    drawn, run = _fresh(monkeypatch, tmp_path)  # a new process: everything read, nothing drawn
    for name, frame in frames.items():
        cached = build_chart(name, frame, sample=True, run=run)
        assert spec_json(cached) == spec_json(build_chart_direct(name, frame, sample=True)), name
    assert drawn == []


def test_an_unreadable_cache_file_is_drawn_again_and_replaced(
    frames: dict[str, pd.DataFrame], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = "ytd_rebased"
    expected = spec_json(build_chart_direct(name, frames[name], sample=False))
    _, run = _fresh(monkeypatch, tmp_path)
    build_chart(name, frames[name], sample=False, run=run)
    [path] = (tmp_path / TEMPLATES).glob("ytd_rebased-*.json")
    for broken in ("{not json", json.dumps({"spec": [], "slots": {}}), json.dumps([1])):
        path.write_text(broken, encoding="utf-8")
        drawn, run = _fresh(monkeypatch, tmp_path)
        assert spec_json(build_chart(name, frames[name], sample=False, run=run)) == (expected)
        assert drawn == [name]
        assert json.loads(path.read_text(encoding="utf-8"))["spec"]["title"]


def test_the_cache_key_changes_with_the_arguments(
    frames: dict[str, pd.DataFrame], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, run = _fresh(monkeypatch, tmp_path)
    build_chart("ladder", frames["ladder"], sample=True, run=run)
    build_chart("ladder", frames["ladder"], sample=False, run=run)
    renamed = frames["ladder"].copy()
    renamed.attrs = {**frames["ladder"].attrs, "small": "Tiny caps"}
    build_chart("ladder", renamed, sample=False, run=run)
    assert len(list((tmp_path / TEMPLATES).glob("ladder-*.json"))) == 3


@pytest.mark.slow
def test_a_warm_report_process_does_not_load_altair(tmp_path: Path) -> None:
    """The second report process reads every template from the cache: Altair stays unloaded.
    (Both weeks have three years of data: the ratio's 3-year zoom is drawn in both.)"""
    script = """
import sys
from pathlib import Path
import pandas as pd
from generator import pipeline
from generator.runcontext import RunContext
from tests.test_charts import CONFIG, january_market
tmp = Path(sys.argv[1])
pipeline.generate_report(january_market(), CONFIG, pd.Timestamp(sys.argv[2]), tmp / "docs",
                         images=False, run=RunContext(tmp / "cache"))
print(type(sys.modules["altair"]).__name__)
"""
    run = [sys.executable, "-c", script, str(tmp_path)]
    first = subprocess.run([*run, "2023-12-08"], capture_output=True, text=True, cwd=ROOT)
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == "module"  # templates drawn: Altair was loaded
    second = subprocess.run([*run, "2023-12-15"], capture_output=True, text=True, cwd=ROOT)
    assert second.returncode == 0, second.stderr
    assert second.stdout.strip() == "_LazyModule"  # never executed
    kept = sorted(p.name for p in (tmp_path / "cache").iterdir())
    assert kept == ["calendar", "chart-templates", "jinja"]
    assert all(any((tmp_path / "cache" / name).iterdir()) for name in kept)


def _package_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "charts"
    shutil.copytree(specs_module.CHARTS_PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


@pytest.mark.parametrize("module", sorted(p.name for p in specs_module.CHARTS_PACKAGE.glob("*.py")))
def test_the_cache_key_changes_with_any_module_of_the_chart_package(
    tmp_path: Path, module: str
) -> None:
    """Drawing code moves between modules (data.py, history.py, datafile.py...): every one of
    them is part of the key, not a hand-kept list."""
    copy = _package_copy(tmp_path)
    before = specs_module.package_hash(copy, "altair 5")
    path = copy / module
    path.write_bytes(path.read_bytes() + b"\n# changed\n")
    assert specs_module.package_hash(copy, "altair 5") != before


def test_the_cache_key_covers_new_modules_and_the_altair_version(tmp_path: Path) -> None:
    copy = _package_copy(tmp_path)
    before = specs_module.package_hash(copy, "altair 5")
    assert specs_module.package_hash(copy, "altair 6") != before
    assert specs_module.package_hash(copy, "altair 5") == before  # deterministic
    (copy / "new_kind.py").write_text("X = 1\n", encoding="utf-8")
    assert specs_module.package_hash(copy, "altair 5") != before
