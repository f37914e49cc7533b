"""Ken French live fetch against recorded responses: layouts, HTTP failures, damaged payloads,
the CRSP vintage kept as the series' version, and the configured (or file://) URL asked."""

from __future__ import annotations

import dataclasses
import io
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from generator.errors import FetchError
from generator.ingest import ingest
from generator.source_settings import FrenchSource
from generator.sources.french_live import fetch_french, french_file, vintage
from generator.sources.http import Http
from generator.store import read_manifest, read_series
from tests.recorded import (
    FACTORS_DAILY_2025,
    FRENCH_BASE,
    HTML_PAGE,
    ME_DAILY_2024,
    ME_DAILY_2025,
    ME_DAILY_FOOTER_GLUED,
    ME_DAILY_FOOTER_REWORDED,
    http,
    ok,
    status,
    zipped,
)
from tests.test_fetch_faults import CONFIG

ME_ZIP = "Portfolios_Formed_on_ME_daily_CSV.zip"
FACTORS_ZIP = "F-F_Research_Data_Factors_daily_CSV.zip"
ME_URL = FRENCH_BASE + ME_ZIP
FACTORS_URL = FRENCH_BASE + FACTORS_ZIP
SETTINGS = FrenchSource(files=(ME_ZIP, FACTORS_ZIP))
VINTAGE_2025 = "This file was created using the 202505 CRSP database."


def me_zip(text: str = ME_DAILY_2025, newline: str = "\r") -> bytes:
    return zipped("Portfolios_Formed_on_ME_daily.csv", text, newline)


def test_post_2025_layout_with_bare_cr_line_endings() -> None:
    client, opener, _ = http(
        {
            ME_URL: [ok(me_zip())],
            FACTORS_URL: [
                ok(zipped("F-F_Research_Data_Factors_daily.csv", FACTORS_DAILY_2025, "\r"))
            ],
        }
    )
    out = {s.symbol: s for s in fetch_french(SETTINGS, client)}
    assert opener.urls == [ME_URL, FACTORS_URL]
    assert list(out) == [
        "FF_ME_LO30",
        "FF_ME_HI30",
        "FF_ME_LO10",
        "FF_ME_HI10",
        "FF_MKT_RF",
        "FF_SMB",
        "FF_HML",
        "FF_RF",
    ]
    lo30 = out["FF_ME_LO30"]
    assert (lo30.measure, lo30.frequency, lo30.source) == ("return", "daily", f"french:{ME_ZIP}")
    assert list(lo30.frame.index) == list(
        pd.to_datetime(["2025-05-28", "2025-05-29", "2025-05-30"])
    )
    assert lo30.frame["value"].tolist() == pytest.approx([0.001, 0.002, -0.003])
    assert lo30.version == VINTAGE_2025
    assert (
        out["FF_RF"].version
        == "This file was created by CMPT_ME_BEME_RETS_DAILY using the 202505 CRSP database."
    )


def test_pre_2025_layout_with_crlf_still_reads() -> None:
    client, _, _ = http({ME_URL: [ok(me_zip(ME_DAILY_2024, "\r\n"))]})
    series = french_file(ME_URL, ME_ZIP, client)
    assert series[0].frame.index[-1] == pd.Timestamp("2024-12-31")
    assert (
        series[0].version
        == "This file was created by CMPT_ME_RETS_DAILY using the 202412 CRSP database."
    )


def test_a_footer_reworded_after_its_blank_line_is_ignored() -> None:
    client, _, _ = http({ME_URL: [ok(me_zip(ME_DAILY_FOOTER_REWORDED))]})
    assert french_file(ME_URL, ME_ZIP, client)[0].frame.index[-1] == pd.Timestamp("2025-05-30")


def test_a_footer_glued_to_the_rows_is_one_clear_line() -> None:
    client, _, _ = http({ME_URL: [ok(me_zip(ME_DAILY_FOOTER_GLUED))]})
    with pytest.raises(FetchError) as err:
        french_file(ME_URL, ME_ZIP, client)
    assert str(err.value) == (
        f"french: {ME_URL}: Portfolios_Formed_on_ME_daily.csv: line 9: expected a dated row or a blank line"
    )


def test_an_html_page_instead_of_the_zip() -> None:
    client, _, _ = http({ME_URL: [ok(HTML_PAGE, "text/html; charset=utf-8")]})
    with pytest.raises(FetchError) as err:
        french_file(ME_URL, ME_ZIP, client)
    assert str(err.value) == (
        f"french: {ME_URL}: got a web page ('Tuck School of Business | Page not found'), not a zip file"
    )


def test_a_truncated_zip() -> None:
    body = me_zip()[:-40]
    client, _, _ = http({ME_URL: [ok(body)]})
    with pytest.raises(
        FetchError,
        match=rf"^french: {ME_URL}: damaged zip file, {len(body)} bytes \(a download cut short\?\): ",
    ):
        french_file(ME_URL, ME_ZIP, client)


def test_a_zip_without_a_csv() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.pdf", b"%PDF")
    client, _, _ = http({ME_URL: [ok(buffer.getvalue())]})
    with pytest.raises(
        FetchError, match="expected one CSV file in the zip, found 0 \\(readme.pdf\\)$"
    ):
        french_file(ME_URL, ME_ZIP, client)


def test_401_is_named_and_not_retried() -> None:
    client, opener, _ = http({ME_URL: [status(401, "Unauthorized")]})
    with pytest.raises(FetchError) as err:
        fetch_french(SETTINGS, client)
    assert str(err.value) == f"french: {ME_URL}: HTTP 401 Unauthorized"
    assert opener.urls == [ME_URL]  # the first failure stops the source


def test_503_then_success() -> None:
    client, opener, pauses = http({ME_URL: [status(503, "Service Unavailable"), ok(me_zip())]})
    assert french_file(ME_URL, ME_ZIP, client)[0].symbol == "FF_ME_LO30"
    assert opener.urls == [ME_URL, ME_URL] and pauses == [2.0]


@pytest.mark.parametrize("base", ["https://mirror.example/ff/", "https://mirror.example/ff"])
def test_the_configured_url_is_what_is_asked(base: str) -> None:
    settings = FrenchSource(url=base, files=(ME_ZIP,))
    client, opener, _ = http({"https://mirror.example/ff/" + ME_ZIP: [ok(me_zip())]})
    assert len(fetch_french(settings, client)) == 4
    assert opener.urls == ["https://mirror.example/ff/" + ME_ZIP]


def test_a_file_url_mirror_is_fetched_and_stored_with_its_vintage(tmp_path: Path) -> None:
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    (mirror / ME_ZIP).write_bytes(me_zip())
    settings = FrenchSource(url=mirror.as_uri() + "/", files=(ME_ZIP,))
    series = fetch_french(settings, Http())
    store = tmp_path / "store"
    ingest(store, series, CONFIG, now=pd.Timestamp("2025-06-02 12:00", tz="UTC"), allow_gaps=True)
    entry = read_manifest(store)["series"]["FF_ME_LO30"]
    assert (entry["source"], entry["version"], entry["last"]) == (
        f"french:{ME_ZIP}",
        VINTAGE_2025,
        "2025-05-30",
    )
    assert read_series(store, "FF_ME_LO30").version == VINTAGE_2025  # type: ignore[union-attr]


def test_vintage_is_empty_when_the_file_has_no_preamble() -> None:
    assert vintage(["Date,Mkt-RF", "20250530,0.1"]) == ""
    assert dataclasses.fields(FrenchSource)[0].name == "url"
