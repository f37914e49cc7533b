"""The chart template cache on disk: same specs as drawing, no Altair in a warm process."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from generator.charts import build_chart, build_chart_direct, compute_chart_data, spec_json
from generator.charts import specs as specs_module
from generator.config import load_config
from tests.conftest import ROOT
from tests.test_charts import long_market

WEEK = pd.Timestamp("2026-08-21")


@pytest.fixture(scope="module")
def frames() -> dict[str, pd.DataFrame]:
    return compute_chart_data(long_market(), load_config(ROOT / "smallcap.toml"), WEEK)


@pytest.fixture(autouse=True)
def template_dir(tmp_path: Path) -> Iterator[Path]:
    specs_module.keep_templates_in(tmp_path)
    yield tmp_path
    specs_module.keep_templates_in(None)
    specs_module._template.cache_clear()


def _fresh(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Forget the in-process templates (as a new process); record every template drawn."""
    specs_module._template.cache_clear()
    drawn: list[str] = []
    real = specs_module._drawn_template

    def drawing(name, *args):  # type: ignore[no-untyped-def]
        drawn.append(name)
        return real(name, *args)

    monkeypatch.setattr(specs_module, "_drawn_template", drawing)
    return drawn


@pytest.mark.slow
def test_cached_templates_give_the_altair_specs(
    frames: dict[str, pd.DataFrame], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawn = _fresh(monkeypatch)
    for name, frame in frames.items():
        cached = build_chart(name, frame, sample=True)
        assert spec_json(cached) == spec_json(build_chart_direct(name, frame, sample=True)), name
    assert sorted(drawn) == sorted(frames)
    assert len(list(tmp_path.glob("*.json"))) == len(frames)

    drawn = _fresh(monkeypatch)  # a new process: everything is read back, nothing drawn
    for name, frame in frames.items():
        cached = build_chart(name, frame, sample=True)
        assert spec_json(cached) == spec_json(build_chart_direct(name, frame, sample=True)), name
    assert drawn == []


def test_an_unreadable_cache_file_is_drawn_again_and_replaced(
    frames: dict[str, pd.DataFrame], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = "ytd_rebased"
    expected = spec_json(build_chart_direct(name, frames[name], sample=False))
    _fresh(monkeypatch)
    build_chart(name, frames[name], sample=False)
    [path] = tmp_path.glob("ytd_rebased-*.json")
    for broken in ("{not json", json.dumps({"spec": [], "slots": {}}), json.dumps([1])):
        path.write_text(broken, encoding="utf-8")
        drawn = _fresh(monkeypatch)
        assert spec_json(build_chart(name, frames[name], sample=False)) == (expected)
        assert drawn == [name]
        assert json.loads(path.read_text(encoding="utf-8"))["spec"]["title"]


def test_the_cache_key_changes_with_the_arguments(
    frames: dict[str, pd.DataFrame], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fresh(monkeypatch)
    build_chart("ladder", frames["ladder"], sample=True)
    build_chart("ladder", frames["ladder"], sample=False)
    renamed = frames["ladder"].copy()
    renamed.attrs = {**frames["ladder"].attrs, "small": "Tiny caps"}
    build_chart("ladder", renamed, sample=False)
    assert len(list(tmp_path.glob("ladder-*.json"))) == 3


@pytest.mark.slow
def test_a_warm_report_process_does_not_load_altair(tmp_path: Path) -> None:
    """The second report process reads every template from the cache: Altair stays unloaded."""
    script = """
import sys
from pathlib import Path
import pandas as pd
from generator import caches, pipeline
from tests.test_charts import CONFIG, january_market
tmp = Path(sys.argv[1])
caches.use(tmp / "cache")
pipeline.generate_report(january_market(), CONFIG, pd.Timestamp(sys.argv[2]), tmp / "docs",
                        images=False)
print(type(sys.modules["altair"]).__name__)
"""
    run = [sys.executable, "-c", script, str(tmp_path)]
    first = subprocess.run([*run, "2023-12-01"], capture_output=True, text=True, cwd=ROOT)
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == "module"  # templates drawn: Altair was loaded
    second = subprocess.run([*run, "2023-12-08"], capture_output=True, text=True, cwd=ROOT)
    assert second.returncode == 0, second.stderr
    assert second.stdout.strip() == "_LazyModule"  # never executed
    kept = sorted(p.name for p in (tmp_path / "cache").iterdir())
    assert kept == ["calendar", "chart-templates", "jinja"]
    assert all(any((tmp_path / "cache" / name).iterdir()) for name in kept)
