"""The command line: exit codes 0/1/2, one-line errors, --debug, --quiet, fetch and status."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from generator import calendar, cli
from generator.config import load_config
from generator.errors import DataError
from generator.store import content_hash

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "smallcap.toml"
END = "2026-08-21"
# Tuesday 2026-08-25 after the close: the sample (through Friday 08-21) is two sessions stale.
NOW = pd.Timestamp("2026-08-25 17:00", tz="America/New_York").tz_convert("UTC")
SAMPLE_ROWS = 10490  # NYSE sessions 1985-01-02 .. 2026-08-21


@pytest.fixture
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI reads the clock once, in Context; pin it so staleness is exact."""
    original = cli.Context.__init__

    def init(self: cli.Context, args) -> None:  # type: ignore[no-untyped-def]
        original(self, args)
        self.now = NOW

    monkeypatch.setattr(cli.Context, "__init__", init)


def run(*argv: str | Path) -> int:
    """main() in-process; argparse's own exits count as return codes."""
    try:
        return cli.main([str(a) for a in argv])
    except SystemExit as exc:
        return int(exc.code or 0)


def with_store(store: Path, *argv: str | Path) -> int:
    return run("--store", store, "--config", CONFIG, *argv)


@pytest.fixture(scope="module")
def sample_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("cli") / "data"
    assert with_store(store, "--quiet", "fetch", "--sample", "--end", END) == 0
    return store


def test_fetch_sample_reports_what_it_wrote(tmp_path: Path, capsys) -> None:
    store = tmp_path / "data"
    assert with_store(store, "fetch", "--sample", "--end", END, "--symbols", "^RUT", "^TNX") == 0
    out, err = capsys.readouterr()
    assert out == ""
    assert err == f"{store}: 2 series written, {2 * SAMPLE_ROWS} new rows, 0 repairs\n"
    manifest = json.loads((store / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["sample"] is True
    assert sorted(manifest["series"]) == ["^RUT", "^TNX"]
    # The same fetch again writes nothing.
    assert with_store(store, "fetch", "--sample", "--end", END, "--symbols", "^RUT", "^TNX") == 0
    assert capsys.readouterr().err == f"{store}: 0 series written, 0 new rows, 0 repairs\n"


def test_fetch_sample_quiet_prints_nothing(tmp_path: Path, capsys) -> None:
    store = tmp_path / "data"
    assert with_store(store, "--quiet", "fetch", "--sample", "--end", END, "--symbols", "SPY") == 0
    assert capsys.readouterr() == ("", "")
    assert (store / "SPY.csv").exists()


def test_sample_default_store_is_sample_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert (
        run("--config", CONFIG, "-q", "fetch", "--sample", "--end", END, "--symbols", "^RUT") == 0
    )
    assert sorted(p.name for p in (tmp_path / "sample" / "data").iterdir()) == [
        "^RUT.csv",
        "manifest.json",
    ]
    assert not (tmp_path / "data").exists()


def test_status_flags_a_file_the_manifest_does_not_describe(
    tmp_path: Path, capsys, fixed_clock
) -> None:
    store = tmp_path / "data"
    assert with_store(store, "--quiet", "fetch", "--sample", "--end", END, "--symbols", "^RUT") == 0
    assert with_store(store, "status") == 0
    capsys.readouterr()
    # A write killed after renaming the CSV and before the manifest: the last row is new.
    path = store / "^RUT.csv"
    lines = path.read_text().splitlines()
    path.write_text("\n".join([*lines[:-1], lines[-1].replace(",", ",1", 1)]) + "\n")
    assert with_store(store, "status") == 1
    out, err = capsys.readouterr()
    assert out.splitlines()[2].split()[0] == "^RUT"  # the table is still printed
    assert err == (
        f"warning: {path}: listed in {store / 'manifest.json'} but differs from it (edited, or a "
        "write was killed); the sample market is regenerated: remove "
        f"{store} and run `generator --store {store} fetch --sample`\n"
    )
    assert with_store(store, "--quiet", "fetch", "--sample", "--end", END, "--symbols", "^RUT") == 0
    assert path.read_text().splitlines() == lines  # rewritten as the manifest describes it
    assert with_store(store, "status") == 0


def test_status_prints_every_symbol(sample_store: Path, capsys, fixed_clock) -> None:
    assert with_store(sample_store, "status") == 0
    out, err = capsys.readouterr()
    assert err == ""
    lines = out.splitlines()
    assert lines[0] == f"store {sample_store} (SAMPLE DATA), 18 series"
    assert lines[1].split() == [
        "symbol",
        "role",
        "first",
        "last",
        "rows",
        "gaps",
        "gaps>=2000",
        "stale",
        "source",
    ]
    symbols = [line.split()[0] for line in lines[2:20]]
    config = load_config(CONFIG)
    # Configured symbols first, in config order; then the extra (research) series.
    assert symbols == [*config.symbols(), "FF_ME_HI30", "FF_ME_LO30"]
    # symbol role first last rows gaps gaps>=2000 stale source, in fixed-width columns
    assert (
        lines[2]
        == "^RUT              small     1985-01-02  2026-08-21    10490     0          0      2  sample"
    )
    iwm = next(line for line in lines if line.startswith("IWM "))
    assert iwm.split() == ["IWM", "small", "TR", "2000-05-26", END, "6598", "0", "0", "2", "sample"]
    ixic = next(line for line in lines if line.startswith("^IXIC "))
    assert ixic.split()[1:3] == ["rotation", "1985-01-02"]  # a gauge's own symbol, fetched too
    tnx = next(line for line in lines if line.startswith("^TNX "))
    assert tnx.split()[1:3] == ["rate", "10y"]
    ff = next(line for line in lines if line.startswith("FF_ME_LO30"))
    assert ff.split() == [
        "FF_ME_LO30",
        "extra",
        "1985-01-02",
        END,
        "10490",
        "0",
        "0",
        "-",
        "sample",
    ]


def test_status_on_an_empty_folder_is_a_one_line_data_error(tmp_path: Path, capsys) -> None:
    assert with_store(tmp_path, "status") == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        f"error: {tmp_path}: no store here (run `generator fetch` or `generator import` first)\n"
    )


def test_debug_raises_with_the_traceback(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="no store here"):
        cli.main(["--debug", "--store", str(tmp_path), "--config", str(CONFIG), "status"])


def test_unknown_command_is_a_usage_error(capsys) -> None:
    assert run("nosuch") == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "Traceback" not in err
    assert err.splitlines()[-1].startswith("usage: generator: argument COMMAND: invalid choice:")


def test_unknown_command_error_is_one_line(capsys) -> None:
    assert run("nosuch") == 2
    assert len(capsys.readouterr().err.splitlines()) == 1


def test_missing_config_is_a_data_error(tmp_path: Path, capsys) -> None:
    absent = tmp_path / "none.toml"
    assert run("--store", tmp_path, "--config", absent, "fetch", "--sample") == 1
    assert capsys.readouterr().err == f"error: {absent}: config file not found\n"


def test_end_without_sample_is_a_usage_error(tmp_path: Path, capsys) -> None:
    assert with_store(tmp_path, "fetch", "--end", END) == 2
    assert capsys.readouterr().err == "usage: --end only applies with --sample\n"


def test_bad_week_is_a_usage_error(sample_store: Path, capsys) -> None:
    assert with_store(sample_store, "metrics", "--week", "last-friday") == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == "usage: --week 'last-friday' is not a date (use YYYY-MM-DD)\n"


def test_incomplete_week_is_a_data_error(sample_store: Path, capsys) -> None:
    assert with_store(sample_store, "metrics", "--week", "2026-08-26") == 1
    assert capsys.readouterr().err == (
        "error: week ending 2026-08-28 is not complete: data runs through 2026-08-21\n"
    )


def test_metrics_prints_json(sample_store: Path, capsys) -> None:
    assert with_store(sample_store, "metrics", "--week", "2026-08-19") == 0
    out, err = capsys.readouterr()
    doc = json.loads(out)
    assert (doc["week_ending"], doc["small"], doc["large"], doc["sample"]) == (
        "2026-08-21",
        "^RUT",
        "^GSPC",
        True,
    )
    # The 1-week spread is small minus large, from the stored closes.
    closes = {
        s: pd.read_csv(sample_store / f"{s}.csv", index_col=0)["close"] for s in ("^RUT", "^GSPC")
    }
    week = {s: c.loc["2026-08-21"] / c.loc["2026-08-14"] - 1 for s, c in closes.items()}
    assert doc["returns"]["1w"]["spread"] == pytest.approx(week["^RUT"] - week["^GSPC"], abs=1e-12)
    assert err == ""


@pytest.mark.parametrize(
    "week", ["", "NaT", "not-a-date", "today", "now", "2026-11", "Nov 20 2026", "2026-02-30"]
)
def test_a_week_that_is_not_a_date_is_a_usage_error(sample_store: Path, capsys, week) -> None:
    assert with_store(sample_store, "metrics", "--week", week) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"usage: --week {week!r} is not a date (use YYYY-MM-DD)"
    ]


def test_every_date_option_is_checked_and_named(sample_store: Path, tmp_path: Path, capsys) -> None:
    assert with_store(sample_store, "backfill", "--last", "2", "--until", "today") == 2
    assert capsys.readouterr().err == "usage: --until 'today' is not a date (use YYYY-MM-DD)\n"
    assert with_store(sample_store, "backfill", "--since", "2026-8-1") == 2
    assert capsys.readouterr().err == "usage: --since '2026-8-1' is not a date (use YYYY-MM-DD)\n"
    assert with_store(tmp_path / "data", "fetch", "--sample", "--end", "yesterday") == 2
    assert capsys.readouterr().err == "usage: --end 'yesterday' is not a date (use YYYY-MM-DD)\n"
    assert not (tmp_path / "data").exists()


def test_a_week_before_the_data_is_a_data_error(sample_store: Path, capsys) -> None:
    assert with_store(sample_store, "metrics", "--week", "1984-06-01") == 1
    assert capsys.readouterr().err.splitlines() == [
        "error: week ending 1984-06-01 is before the data starts (1985-01-02)"
    ]


def test_a_corrupt_store_is_one_line(tmp_path: Path, capsys) -> None:
    (tmp_path / "manifest.json").write_text("[]")
    assert with_store(tmp_path, "status") == 1
    assert capsys.readouterr().err.splitlines() == [
        f"error: {tmp_path / 'manifest.json'}: manifest must be an object with a 'series' object"
    ]


def test_unsorted_stored_dates_are_refused(sample_store: Path, tmp_path: Path, capsys) -> None:
    import shutil

    store = shutil.copytree(sample_store, tmp_path / "data")  # the shared store stays intact
    path = store / "^RUT.csv"
    lines = path.read_text().splitlines(keepends=True)
    lines[1], lines[2] = lines[2], lines[1]
    path.write_text("".join(lines))
    # The manifest vouches for these bytes (else metrics refuses them as an edit, first).
    manifest = json.loads((store / "manifest.json").read_text(encoding="utf-8"))
    manifest["series"]["^RUT"]["sha256"] = content_hash(path.read_bytes())
    (store / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert with_store(store, "metrics") == 1
    assert capsys.readouterr().err.splitlines() == [
        f"error: {path}: dates must be sorted and unique (edit the file or re-import)"
    ]


def test_metrics_week_resolution_uses_the_data(sample_store: Path) -> None:
    from generator.store import load_market
    from generator.weeks import resolve_market_week

    market = load_market(sample_store)
    config = load_config(CONFIG)
    assert resolve_market_week(market, config, None) == pd.Timestamp(END)
    assert resolve_market_week(market, config, "2026-06-17") == pd.Timestamp("2026-06-18")
    assert calendar.week_end("2026-06-17") == pd.Timestamp("2026-06-18")


def subprocess_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT)
    return env


@pytest.mark.slow
def test_console_entry_point_in_a_subprocess(tmp_path: Path) -> None:
    store = tmp_path / "data"
    base = [sys.executable, "-m", "generator", "--store", str(store), "--config", str(CONFIG)]
    quiet = subprocess.run(
        [*base, "--quiet", "fetch", "--sample", "--end", END, "--symbols", "^GSPC"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=subprocess_env(),
        timeout=120,
    )
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, "", "")
    assert (store / "^GSPC.csv").exists()

    # --debug lets the exception escape: Python prints the traceback and exits 1.
    empty = tmp_path / "empty"
    debug = subprocess.run(
        [sys.executable, "-m", "generator", "--debug", "--store", str(empty), "status"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=subprocess_env(),
        timeout=120,
    )
    assert debug.returncode == 1
    assert "Traceback (most recent call last)" in debug.stderr
    assert debug.stderr.rstrip().endswith(
        "no store here (run `generator fetch` or `generator import` first)"
    )


def test_status_lists_each_source_freshness(sample_store: Path, capsys, fixed_clock) -> None:
    assert with_store(sample_store, "status") == 0
    lines = capsys.readouterr().out.splitlines()
    table = lines[lines.index(f"sources on {NOW.tz_convert('America/New_York'):%Y-%m-%d}:") :]
    assert table[1].split() == ["source", "series", "as", "of", "age", "state", "version"]
    rows = {line.split()[0]: line.split()[1:] for line in table[2:]}
    assert list(rows) == ["yahoo", "french", "fred", "fundamentals"]
    # The sample store holds Yahoo-like prices and two Ken French series, nothing else.
    assert rows["yahoo"][0] == "16" and rows["french"][0] == "2"
    assert rows["fred"] == ["0", "-", "-", "never", "fetched", "-"]
    assert rows["fundamentals"] == ["0", "-", "-", "never", "fetched", "-"]
