"""FRED live fetch (no API key) against recorded responses: both header layouts, missing values,
an HTML error page, a discontinued series, HTTP errors, the measure of each configured id."""

from __future__ import annotations

import pandas as pd
import pytest

from generator.errors import FetchError
from generator.source_settings import FRED_SERIES, FredSource
from generator.sources.fred import RATE_IDS
from generator.sources.fred_live import fetch_fred, fred_series, series_url
from tests.recorded import FRED_BASE, HTML_PAGE, fred_csv, http, ok, status

NOW = pd.Timestamp("2026-08-24 12:00", tz="UTC")


def url(series_id: str) -> str:
    return f"{FRED_BASE}?id={series_id}"


def csv(series_id: str, *, old_layout: bool = False) -> bytes:
    rows = [("2026-08-19", "4.30"), ("2026-08-20", "."), ("2026-08-21", "4.25")]
    return fred_csv(series_id, rows, old_layout=old_layout)


@pytest.mark.parametrize("old_layout", [False, True], ids=["observation_date", "DATE,VALUE"])
def test_both_header_layouts_and_dots_for_missing(old_layout: bool) -> None:
    client, opener, _ = http({url("DGS10"): [ok(csv("DGS10", old_layout=old_layout), "text/csv")]})
    series = fred_series(url("DGS10"), "DGS10", client)
    assert opener.urls == [url("DGS10")]
    assert (series.symbol, series.source, series.measure) == ("DGS10", "fred:DGS10", "yield")
    assert list(series.frame.index) == list(pd.to_datetime(["2026-08-19", "2026-08-21"]))
    assert series.frame["value"].tolist() == [4.30, 4.25]


def test_every_default_series_is_fetched_from_the_configured_url() -> None:
    base = "https://mirror.example/fred/graph.csv"
    answers = {f"{base}?id={s}": [ok(csv(s), "text/csv")] for s in FRED_SERIES}
    client, opener, _ = http(answers)
    fetched = fetch_fred(FredSource(url=base), client, now=NOW)
    assert opener.urls == [f"{base}?id={s}" for s in FRED_SERIES]
    assert [s.symbol for s in fetched.series] == list(FRED_SERIES)
    assert fetched.warnings == ()


def test_the_rates_and_the_spread_are_percent_series() -> None:
    # FEDFUNDS and DFEDTARU are rates, DGS10 and DTB3 yields, BAMLH0A0HYM2 a spread: all quoted
    # in percent, stored with the "yield" measure (a move limited in percentage points).
    assert set(FRED_SERIES) <= RATE_IDS


def test_an_html_error_page_is_named() -> None:
    client, _, _ = http({url("NOPE"): [ok(HTML_PAGE, "text/html")]})
    with pytest.raises(FetchError) as err:
        fred_series(url("NOPE"), "NOPE", client)
    assert str(err.value) == (
        f"fred: {url('NOPE')}: got a web page ('Tuck School of Business | Page not found'), "
        "not a CSV (is NOPE a FRED id?)"
    )


def test_a_csv_of_another_series_is_refused() -> None:
    client, _, _ = http({url("DTB3"): [ok(csv("DGS10"), "text/csv")]})
    with pytest.raises(FetchError, match="asked for DTB3, the CSV holds DGS10$"):
        fred_series(url("DTB3"), "DTB3", client)


def test_text_that_is_not_a_fred_csv() -> None:
    client, _, _ = http({url("DGS10"): [ok(b"Error: try again later\n", "text/plain")]})
    with pytest.raises(
        FetchError, match=r"DGS10.csv: not a FRED CSV \(first line 'Error: try again later'\)$"
    ):
        fred_series(url("DGS10"), "DGS10", client)


def test_a_discontinued_series_is_kept_with_a_warning() -> None:
    body = fred_csv("DGS10", [("2024-05-31", "4.51"), ("2024-06-03", "4.40")])
    client, _, _ = http({url("DGS10"): [ok(body, "text/csv")]})
    fetched = fetch_fred(FredSource(series=("DGS10",)), client, now=NOW)
    assert fetched.series[0].frame.index[-1] == pd.Timestamp("2024-06-03")
    assert fetched.warnings == (
        "fred: DGS10: last observation 2024-06-03, 812 days ago: FRED no longer updates it "
        "(discontinued?); kept as it is",
    )


def test_http_errors_are_one_line() -> None:
    client, opener, _ = http({url("DGS10"): [status(500, "Internal Server Error")]})
    with pytest.raises(FetchError) as err:
        fetch_fred(FredSource(series=("DGS10",)), client, now=NOW)
    assert (
        str(err.value)
        == f"fred: {url('DGS10')}: HTTP 500 Internal Server Error (gave up after 3 attempts)"
    )
    assert len(opener.urls) == 3


def test_series_url_keeps_a_configured_query() -> None:
    assert series_url("https://x.example/csv?cosd=1990-01-01", "DGS10") == (
        "https://x.example/csv?cosd=1990-01-01&id=DGS10"
    )
