"""`scripts/screenshots.py` (`make screenshots`): a report in light, dark and at 375 px."""

from __future__ import annotations

import struct
import subprocess
import sys
from pathlib import Path

import pytest

from tests.sitebuild import sample_site
from tests.test_browser import CHROMIUM

pytestmark = [pytest.mark.browser, pytest.mark.slow]
SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "screenshots.py"


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_screenshots_of_the_newest_report(tmp_path: Path) -> None:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not installed")
    site = sample_site()
    out = tmp_path / "shots"
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--site", str(site.build.site_dir), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    week = site.weeks[-1]
    names = sorted(p.name for p in out.iterdir())
    assert names == [f"{week}-375px.png", f"{week}-dark.png", f"{week}-light.png"]
    assert _png_size(out / f"{week}-375px.png")[0] == 375
    assert _png_size(out / f"{week}-light.png")[0] == 1280
    light, dark = (out / f"{week}-{n}.png" for n in ("light", "dark"))
    assert light.read_bytes() != dark.read_bytes()
    assert _png_size(light)[1] > 2000  # the whole page, not the first screen


def test_a_missing_week_is_one_line_and_exit_code_2(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--site", str(tmp_path), "--out", str(tmp_path / "o")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr == f"error: {tmp_path}: no built report (build the site first)\n"
