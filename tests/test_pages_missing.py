"""What a reader never sees on a report, whatever data is missing: no table row of "n/a"
cells, no "n/a%", and no "None", "NaN" or "undefined" leaking from Python or JavaScript."""

from __future__ import annotations

import re

import pytest

from generator.pages import render_report
from tests.test_pages import sample_doc

# Words that only reach a page through a bug (a missing value formatted by hand, a Python
# None or NaN, a JavaScript undefined), matched as whole words.
LEAKS = re.compile(r"n/a%|\bNone\b|\bNaN\b|\bnan\b|\bundefined\b|\bnull\b")


def na_rows(page: str) -> list[str]:
    """Table rows (outside the charts' data tables) whose every value cell is n/a or empty."""
    rows = []
    for line in page.splitlines():
        if not line.startswith("| ") or set(line) <= set("|-: "):
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")][1:]
        if cells and all(cell in ("n/a", "", "–") for cell in cells) and "n/a" in cells:
            rows.append(line)
    return rows


def test_na_rows_finds_a_row_of_na_and_only_that() -> None:
    page = "| Yield | Level |\n|---|--:|\n| 13w | n/a |\n| 10y | 4.1% |\n    | 8 | n/a |"
    assert na_rows(page) == ["| 13w | n/a |"]


# The first week has almost no history (every long window missing), 2001 has the ETFs' first
# year, and 2026 has everything.
@pytest.mark.parametrize("week", ["1986-01-10", "2001-01-05", "2026-11-20"])
def test_a_report_has_no_row_of_na_and_no_leaked_none_nan_or_undefined(week: str) -> None:
    page = render_report(sample_doc(week), {}, sample=True)
    assert na_rows(page) == []
    assert LEAKS.findall(page) == []
