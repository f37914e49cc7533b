"""End to end on the real data: `generator import` then `generator status` (../shared/marketdata).

The data is read in place and never copied into the repository; every store lives in a temp dir.
"""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

import pandas as pd
import pytest

from generator import cli
from generator.config import load_config
from generator.store import read_manifest, read_series

pytestmark = pytest.mark.realdata
pytest.importorskip(
    "generator.sources.csvfiles",
    reason="CSV importers (generator.sources.csvfiles) not written yet",
)

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "smallcap.toml"
MARKETDATA = ROOT.parent / "shared" / "marketdata"
# The index files and the yfinance-format files that overlap them (2025-09-08 .. 2026-03-06).
PAIR_FILES = (
    "prices/^RUT.csv",
    "prices/^GSPC.csv",
    "yfinance-format/^RUT.csv",
    "yfinance-format/^GSPC.csv",
)


def run(*argv: str | Path) -> int:
    try:
        return cli.main([str(a) for a in argv])
    except SystemExit as exc:
        return int(exc.code or 0)


def file_state(folder: Path) -> dict[str, tuple[str, int]]:
    return {
        p.name: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
        for p in sorted(folder.iterdir())
    }


@pytest.fixture(scope="module")
def pair_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not MARKETDATA.is_dir():
        pytest.skip(f"real market data not found at {MARKETDATA}")
    store = tmp_path_factory.mktemp("real") / "data"
    paths = [MARKETDATA / name for name in PAIR_FILES]
    started = time.perf_counter()
    code = run("--quiet", "--store", store, "--config", CONFIG, "import", *paths)
    print(f"\nimport of {len(paths)} real files: {time.perf_counter() - started:.2f} s")
    assert code == 0
    return store


def test_pair_runs_through_2026_08_21_without_gaps_since_2000(pair_store: Path) -> None:
    from generator.status import store_status

    rows = {
        r.symbol: r
        for r in store_status(pair_store, load_config(CONFIG), pd.Timestamp.now(tz="UTC"))
    }
    assert sorted(rows) == ["^GSPC", "^RUT"]
    rut, gspc = rows["^RUT"], rows["^GSPC"]
    assert (rut.first, rut.last, rut.gaps_since_2000, rut.role) == (
        "1987-09-10",
        "2026-08-21",
        0,
        "small",
    )
    assert (gspc.first, gspc.last, gspc.gaps_since_2000, gspc.role) == (
        "1927-12-30",
        "2026-08-21",
        0,
        "large",
    )
    assert read_manifest(pair_store)["sample"] is False


def test_null_row_of_2020_10_02_is_filled_from_the_day_before(pair_store: Path) -> None:
    frame = read_series(pair_store, "^RUT").frame
    close = frame.loc["2020-10-01", "close"]
    assert frame.loc["2020-10-02"].to_dict() == {
        "open": close,
        "high": close,
        "low": close,
        "close": close,
        "adj_close": frame.loc["2020-10-01", "adj_close"],
        "volume": 0.0,
    }


def test_status_command_shows_the_pair(pair_store: Path, capsys) -> None:
    assert run("--store", pair_store, "--config", CONFIG, "status") == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"store {pair_store} (real data), 2 series"
    rut = out[2].split()
    gspc = out[3].split()
    # symbol role first last rows gaps gaps>=2000 stale source
    assert rut[:4] == ["^RUT", "small", "1987-09-10", "2026-08-21"] and rut[6] == "0"
    assert gspc[:4] == ["^GSPC", "large", "1927-12-30", "2026-08-21"] and gspc[6] == "0"


def test_second_import_changes_no_file(pair_store: Path, capsys) -> None:
    before = file_state(pair_store)
    paths = [MARKETDATA / name for name in PAIR_FILES]
    assert run("--store", pair_store, "--config", CONFIG, "import", *paths) == 0
    assert file_state(pair_store) == before
    last = capsys.readouterr().err.splitlines()[-1]
    assert last.startswith(f"{pair_store}: 0 series written, 0 new rows, ")


def test_import_of_the_whole_folder(marketdata: Path, tmp_path: Path, capsys) -> None:
    store = tmp_path / "data"
    started = time.perf_counter()
    code = run("--quiet", "--store", store, "--config", CONFIG, "import", marketdata)
    print(f"\nimport of {marketdata}: {time.perf_counter() - started:.2f} s")
    assert code == 0, capsys.readouterr().err
    assert run("--store", store, "--config", CONFIG, "status") == 0
    lines = capsys.readouterr().out.splitlines()
    by_symbol = {line.split()[0]: line.split() for line in lines[2:]}
    for symbol in ("^RUT", "^GSPC"):
        assert by_symbol[symbol][3] == "2026-08-21"
        assert by_symbol[symbol][6] == "0"
    before = file_state(store)
    assert run("--quiet", "--store", store, "--config", CONFIG, "import", marketdata) == 0
    assert file_state(store) == before
