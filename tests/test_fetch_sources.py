"""`generator fetch` over every source under the freshness policy, and `--source NAME`.

Yahoo's prices are required: when they fail nothing is written and no other source is asked.
Any other source that fails keeps its stored data: the run succeeds, with one warning line per
failed or stale source. The research sources answer from recorded responses (tests/recorded.py)
or from a file:// mirror, the way a local mirror of the library is used.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pytest

from generator import cli
from generator.config import load_config
from generator.errors import FetchError
from generator.fetching import FETCHERS, Fetched, FetchJob, fetch_sources, summary_line
from generator.freshness import source_freshness, warning_line
from generator.ingest import ingest
from generator.model import Series
from generator.source_settings import FredSource, FrenchSource, Sources
from generator.store import load_market
from tests.recorded import FRED_BASE, FRENCH_BASE, ME_DAILY_2025, fred_csv, http, ok, status, zipped

ROOT = Path(__file__).resolve().parents[1]
ME_ZIP = "Portfolios_Formed_on_ME_daily_CSV.zip"
NOW = pd.Timestamp("2025-06-02 22:00", tz="UTC")  # Monday evening after the files' last day
DAYS = pd.DatetimeIndex(pd.to_datetime(["2025-05-28", "2025-05-29", "2025-05-30"]), name="date")


def config(tmp: Path | None = None, *, french_url: str = FRENCH_BASE):  # type: ignore[no-untyped-def]
    """The project's config with one Ken French file and one FRED series."""
    base = load_config(ROOT / "smallcap.toml")
    from dataclasses import replace

    sources = Sources(
        french=FrenchSource(url=french_url, files=(ME_ZIP,)),
        fred=FredSource(series=("DGS10",)),
    )
    return replace(base, sources=sources)


def pair_prices() -> list[Series]:
    """The pair's last three closes, as the Yahoo fetcher returns them."""
    frame = pd.DataFrame(
        {c: [100.0, 101.0, 102.0] for c in ("open", "high", "low", "close", "adj_close")}
        | {"volume": [1.0, 1.0, 1.0]},
        index=DAYS,
    )
    return [Series("^RUT", frame, "yahoo"), Series("^GSPC", frame * 50, "yahoo")]


def old_french() -> Series:
    frame = pd.DataFrame({"value": [0.01]}, index=pd.DatetimeIndex(["2024-12-31"], name="date"))
    return Series("FF_ME_LO30", frame, "french:old", "value", "return", "daily")


def digest(store: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(store.iterdir())}


def fetchers(yahoo):  # type: ignore[no-untyped-def]
    return {**FETCHERS, "yahoo": yahoo}


@pytest.fixture
def store(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    ingest(path, [old_french()], config(), now=NOW, allow_gaps=True)
    return path


def test_one_source_down_keeps_its_data_and_the_run_succeeds(store: Path) -> None:
    cfg = config()
    client, opener, _ = http(
        {
            FRENCH_BASE + ME_ZIP: [status(503, "Service Unavailable")],
            f"{FRED_BASE}?id=DGS10": [ok(fred_csv("DGS10", [("2025-05-30", "4.41")]), "text/csv")],
        }
    )
    job = FetchJob(store, cfg, NOW, http=client)
    french_before = (store / "FF_ME_LO30.csv").read_bytes()
    outcomes = fetch_sources(
        job, ["yahoo", "french", "fred"], fetchers(lambda job: Fetched(pair_prices()))
    )
    assert [summary_line(o) for o in outcomes] == [
        "yahoo: 2 series written, 6 new rows, 0 repairs",
        "french: failed, stored data kept",
        "fred: 1 series written, 1 new rows, 0 repairs",
    ]
    assert (store / "FF_ME_LO30.csv").read_bytes() == french_before
    assert opener.urls.count(FRENCH_BASE + ME_ZIP) == 3  # retried, then given up
    fresh = source_freshness(load_market(store), cfg, NOW, ["french", "fred"])
    assert [warning_line(f, o.error) for f, o in zip(fresh, outcomes[1:], strict=True)] == [
        f"french: {FRENCH_BASE}{ME_ZIP}: HTTP 503 Service Unavailable (gave up after 3 "
        "attempts); keeping its stored data as of 2024-12-31, 153 days old: stale (the limit "
        "is 120 days)",
        "",
    ]


def test_the_pair_down_fails_the_run_and_changes_nothing(store: Path) -> None:
    client, opener, _ = http({})

    def yahoo_down(job: FetchJob) -> Fetched:
        raise FetchError("^RUT: Yahoo Finance could not be reached")

    before = digest(store)
    with pytest.raises(FetchError, match="could not be reached"):
        fetch_sources(FetchJob(store, config(), NOW, http=client), FETCHERS, fetchers(yahoo_down))
    assert digest(store) == before
    assert opener.urls == []  # no other source was asked


def test_a_source_whose_data_fails_validation_keeps_its_stored_data(store: Path) -> None:
    def bad_french(job: FetchJob) -> Fetched:
        frame = pd.DataFrame({"value": [1.0]}, index=pd.DatetimeIndex(["2025-05-30"], name="date"))
        return Fetched([Series("FF_ME_LO30", frame, "french:x", "value", "level", "daily")])

    before = digest(store)
    (outcome,) = fetch_sources(FetchJob(store, config(), NOW), ["french"], {"french": bad_french})
    assert outcome.error is not None and outcome.error.startswith("french: FF_ME_LO30")
    assert digest(store) == before


# --- the command line -----------------------------------------------------------------------


def run(*argv: str | Path) -> int:
    try:
        return cli.main([str(a) for a in argv])
    except SystemExit as exc:
        return int(exc.code or 0)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["fetch", "--source", "bloomberg"],
            "--source bloomberg: unknown source (choose from yahoo, french, fred, fundamentals)",
        ),
        (
            ["fetch", "--sample", "--source", "french"],
            "--source does not apply with --sample (the sample market is one source)",
        ),
        (
            ["fetch", "--source", "french", "--symbols", "^RUT"],
            "--symbols only applies to the yahoo source",
        ),
        (["fetch", "--source"], None),
    ],
)
def test_source_option_usage_errors(
    tmp_path: Path, capsys, argv: list[str], message: str | None
) -> None:
    assert run("--store", tmp_path / "data", "--config", ROOT / "smallcap.toml", *argv) == 2
    err = capsys.readouterr().err
    if message is not None:
        assert err == f"usage: {message}\n"
    assert not (tmp_path / "data").exists()


def mirror_config(tmp_path: Path, mirror: Path) -> Path:
    """The project's config with both research sources pointed at a file:// mirror."""
    config = load_config(ROOT / "smallcap.toml")
    text = (ROOT / "smallcap.toml").read_text(encoding="utf-8")
    for old, new in [
        (f'url = "{config.sources.french.url}"', f'url = "{mirror.as_uri()}/"'),
        (f'url = "{config.sources.fred.url}"', f'url = "{mirror.as_uri()}/fredgraph.csv"'),
        (
            'series = ["FEDFUNDS", "DFEDTARU", "DGS10", "DTB3", "BAMLH0A0HYM2"]',
            'series = ["DGS10"]',
        ),
    ]:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    start = text.index("files = [")
    text = text[:start] + f'files = ["{ME_ZIP}"]' + text[text.index("]", start) + 1 :]
    path = tmp_path / "smallcap.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_fetch_one_source_from_a_file_mirror(tmp_path: Path, capsys, monkeypatch) -> None:
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    (mirror / ME_ZIP).write_bytes(zipped("Portfolios_Formed_on_ME_daily.csv", ME_DAILY_2025, "\r"))
    (mirror / "fredgraph.csv?id=DGS10").write_bytes(
        fred_csv("DGS10", [("2025-05-29", "."), ("2025-05-30", "4.41")])
    )
    _pin(monkeypatch)
    store, cfg = tmp_path / "data", mirror_config(tmp_path, mirror)
    assert run("--store", store, "--config", cfg, "-q", "fetch", "--source", "french") == 0
    assert capsys.readouterr() == ("", "")
    assert run("--store", store, "--config", cfg, "fetch", "--source", "fred") == 0
    err = [line for line in capsys.readouterr().err.splitlines() if line and "|" not in line]
    assert err == ["fred: 1 series written, 1 new rows, 0 repairs"]
    assert sorted(p.name for p in store.iterdir()) == [
        "DGS10.csv", "FF_ME_HI10.csv", "FF_ME_HI30.csv", "FF_ME_LO10.csv", "FF_ME_LO30.csv", "manifest.json",
    ]  # fmt: skip


def test_a_failed_source_from_the_command_line_warns_and_exits_0(
    tmp_path: Path, capsys, monkeypatch
) -> None:
    mirror = tmp_path / "mirror"
    mirror.mkdir()  # empty: the file is missing from the mirror
    _pin(monkeypatch)
    store, cfg = tmp_path / "data", mirror_config(tmp_path, mirror)
    assert run("--store", store, "--config", cfg, "-q", "fetch", "--source", "french") == 0
    url = f"{mirror.as_uri()}/{ME_ZIP}"
    assert capsys.readouterr().err == (
        f"warning: french: {url}: No such file or directory; french has never been fetched: "
        "no stored data\n"
    )


def _pin(monkeypatch: pytest.MonkeyPatch) -> None:
    original = cli.Context.__init__

    def init(self, args) -> None:  # type: ignore[no-untyped-def]
        original(self, args)
        self.now = NOW

    monkeypatch.setattr(cli.Context, "__init__", init)


def test_symbols_alone_fetch_only_those_yahoo_symbols(tmp_path: Path, monkeypatch) -> None:
    from generator import fetching

    asked: list[tuple[str, list[str] | None]] = []

    def fake(job: FetchJob) -> Fetched:
        asked.append(("yahoo", job.symbols))
        return Fetched([])

    monkeypatch.setattr(fetching, "FETCHERS", {**FETCHERS, "yahoo": fake})
    store = tmp_path / "data"
    assert (
        run(
            "--store", store, "--config", ROOT / "smallcap.toml", "-q", "fetch", "--symbols", "^RUT"
        )
        == 0
    )
    assert asked == [("yahoo", ["^RUT"])]


# --- fault injection: each fault is one line, and the store stays byte-identical ----------------

ME_URL = FRENCH_BASE + ME_ZIP
DGS10_URL = f"{FRED_BASE}?id=DGS10"
GOOD_ZIP = zipped("Portfolios_Formed_on_ME_daily.csv", ME_DAILY_2025, "\r")


@pytest.mark.parametrize(
    ("name", "answers", "message"),
    [
        ("french", {ME_URL: [status(401, "Unauthorized")]}, f"french: {ME_URL}: HTTP 401 Unauthorized"),
        ("french", {ME_URL: [status(403, "Forbidden")]}, f"french: {ME_URL}: HTTP 403 Forbidden"),
        ("french", {ME_URL: [status(502, "Bad Gateway")]}, f"french: {ME_URL}: HTTP 502 Bad Gateway (gave up after 3 attempts)"),
        ("french", {ME_URL: [ok(b"<html><title>Maintenance</title></html>", "text/html")]}, f"french: {ME_URL}: got a web page ('Maintenance'), not a zip file"),
        ("french", {ME_URL: [ok(GOOD_ZIP[: len(GOOD_ZIP) // 2])]}, f"french: {ME_URL}: damaged zip file, {len(GOOD_ZIP) // 2} bytes"),
        ("fred", {DGS10_URL: [ok(b"<!DOCTYPE html><html></html>", "text/html")]}, f"fred: {DGS10_URL}: got a web page, not a CSV (is DGS10 a FRED id?)"),
        ("fred", {DGS10_URL: [status(503, "Service Unavailable")]}, f"fred: {DGS10_URL}: HTTP 503 Service Unavailable (gave up after 3 attempts)"),
        ("fred", {DGS10_URL: [ok(fred_csv("DGS10", [("2025-05-30", "n/a")]), "text/csv")]}, f"fred: {DGS10_URL}: DGS10.csv: line 2: column 'DGS10': 'n/a' is not a number"),
    ],
)  # fmt: skip
def test_each_fault_is_one_line_and_the_store_is_unchanged(
    store: Path, name: str, answers: dict, message: str
) -> None:
    client, _, _ = http(answers)
    before = digest(store)
    (outcome,) = fetch_sources(FetchJob(store, config(), NOW, http=client), [name])
    assert outcome.report is None and outcome.error is not None
    assert outcome.error.startswith(message) and "\n" not in outcome.error
    assert digest(store) == before
