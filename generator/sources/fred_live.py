"""FRED, live and without an API key: ``{url}?id=SERIES`` for each configured series, parsed by
the CSV parser (``fred.parse_fred``) exactly as an imported download would be.

Both header layouts FRED has served are read (``observation_date,FEDFUNDS`` since 2025, and the
older ``DATE,VALUE``), ``.`` marks a missing value. An HTML page instead of the CSV (an unknown
id gets FRED's error page), a CSV of another series, or an HTTP error is one FetchError line
naming the source, the URL and the problem. A discontinued series (FRED still serves it, but
its last observation is more than ``DISCONTINUED_DAYS`` old) is kept, with a warning.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from generator.errors import FetchError, ParseError
from generator.model import Series
from generator.source_settings import FredSource
from generator.sources.csvtext import decode_lines, split_cells
from generator.sources.fred import is_fred_header, parse_fred
from generator.sources.http import Http, looks_like_html, page_title

NAME = "fred"
SOURCE = "fred"
# A series whose last observation is older than this has stopped (FRED keeps serving it).
DISCONTINUED_DAYS = 365


@dataclass(frozen=True)
class FredFetch:
    """The series fetched and a warning for each one FRED no longer updates."""

    series: tuple[Series, ...]
    warnings: tuple[str, ...]


def fetch_fred(
    settings: FredSource, http: Http, *, now: pd.Timestamp, progress: bool = False
) -> FredFetch:
    """Every configured series (FetchError on the first that fails)."""
    series: list[Series] = []
    warnings: list[str] = []
    for series_id in tqdm(settings.series, desc=NAME, unit="series", disable=not progress):
        fetched = fred_series(series_url(settings.url, series_id), series_id, http)
        note = discontinued(fetched, now)
        if note:
            warnings.append(note)
        series.append(fetched)
    return FredFetch(tuple(series), tuple(warnings))


def series_url(base: str, series_id: str) -> str:
    """``base?id=SERIES`` (``&id=`` when the configured URL already has a query)."""
    return f"{base}{'&' if '?' in base else '?'}id={series_id}"


def fred_series(url: str, series_id: str, http: Http) -> Series:
    """One series from its CSV at ``url``."""
    answer = http.get(url, source=NAME)
    if looks_like_html(answer):
        title = page_title(answer.body)
        shown = f" ({title!r})" if title else ""
        raise FetchError(
            f"{NAME}: {url}: got a web page{shown}, not a CSV (is {series_id} a FRED id?)"
        )
    where = Path(f"{series_id}.csv")
    try:
        lines = decode_lines(where, answer.body)
        start = next((i for i, line in enumerate(lines) if line.strip()), None)
        if start is None or not is_fred_header(split_cells(lines[start])):
            first = lines[start][:60] if start is not None else ""
            raise ParseError(f"{where}: not a FRED CSV (first line {first!r})")
        parsed = parse_fred(where, lines, start)
    except ParseError as exc:
        raise FetchError(f"{NAME}: {url}: {exc}") from None
    if len(parsed) != 1 or parsed[0].symbol.upper() != series_id.upper():
        names = ", ".join(s.symbol for s in parsed)
        raise FetchError(f"{NAME}: {url}: asked for {series_id}, the CSV holds {names}")
    return dataclasses.replace(parsed[0], symbol=series_id, source=f"{SOURCE}:{series_id}")


def discontinued(series: Series, now: pd.Timestamp, limit: int = DISCONTINUED_DAYS) -> str:
    """A warning when the series' last observation is more than ``limit`` days before ``now``,
    else ""."""
    last = series.frame.index[-1]
    today = pd.Timestamp(now)
    today = today.tz_convert(None) if today.tzinfo is not None else today
    age = (today.normalize() - last).days
    if age <= limit:
        return ""
    return (
        f"{NAME}: {series.symbol}: last observation {last:%Y-%m-%d}, {age} days ago: FRED no "
        "longer updates it (discontinued?); kept as it is"
    )
