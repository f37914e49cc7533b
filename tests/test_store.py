"""The store: exact CSV bytes, manifest, idempotent and atomic writes, sample never mixed."""

from __future__ import annotations

import hashlib
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import store
from generator.errors import DataError
from generator.model import OHLCV_COLUMNS, SCHEMAS, Series

DAYS = pd.DatetimeIndex(["2026-08-19", "2026-08-20", "2026-08-21"], name="date")


def ohlcv(closes: list[float], days: pd.DatetimeIndex = DAYS) -> pd.DataFrame:
    c = np.asarray(closes, dtype=float)
    return pd.DataFrame(
        {
            "open": c - 0.5,
            "high": c + 1.0,
            "low": c - 1.0,
            "close": c,
            "adj_close": c * 0.5,
            "volume": np.arange(1, len(c) + 1) * 1000.0,
        },
        index=days,
    )


def price(symbol: str, closes: list[float], source: str = "test") -> Series:
    return Series(symbol, ohlcv(closes), source)


def file_state(folder: Path) -> dict[str, tuple[str, int]]:
    """Every file's sha256 and mtime, to prove a folder did not change."""
    return {
        p.name: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
        for p in sorted(folder.iterdir())
    }


def test_render_csv_exact_bytes() -> None:
    frame = pd.DataFrame(
        {
            # Deliberately out of order: the stored column order is fixed.
            "volume": [1234.4, np.nan, 0.0],
            "close": [101.5, 102.25, 3.0],
            "adj_close": [0.1234564, 99.9999996, 3.0],
            "open": [100.0, 2.5, 1234.5678901],
            "low": [99.0, 2.0, 2.0],
            "high": [102.0, 103.0, 1234.6],
        },
        index=DAYS,
    )
    expected = (
        b"date,open,high,low,close,adj_close,volume\n"
        b"2026-08-19,100.000000,102.000000,99.000000,101.500000,0.123456,1234\n"
        b"2026-08-20,2.500000,103.000000,2.000000,102.250000,100.000000,\n"
        b"2026-08-21,1234.567890,1234.600000,2.000000,3.000000,3.000000,0\n"
    )
    assert store.render_csv(Series("X", frame, "test")) == expected


def test_render_csv_value_schema() -> None:
    frame = pd.DataFrame({"value": [-0.012, 0.00005, 1.5]}, index=DAYS)
    series = Series("FF", frame, "test", schema="value", measure="return")
    assert store.render_csv(series) == (
        b"date,value\n2026-08-19,-0.012000\n2026-08-20,0.000050\n2026-08-21,1.500000\n"
    )


def test_write_then_read_round_trips(tmp_path: Path) -> None:
    written = price("^RUT", [2000.125, 2010.5, 1999.875])
    yields = Series("^TNX", ohlcv([4.125, 4.25, 4.0]), "test", measure="yield")
    changed = store.write_store(
        tmp_path, [written, yields], fetched_at="2026-08-22T00:00:00Z", sample=False
    )
    assert changed == [tmp_path / "^RUT.csv", tmp_path / "^TNX.csv", tmp_path / "manifest.json"]
    back = store.read_series(tmp_path, "^RUT")
    assert back is not None
    pd.testing.assert_frame_equal(back.frame, written.frame, check_freq=False)
    assert (back.symbol, back.source, back.schema, back.measure, back.frequency) == (
        "^RUT",
        "test",
        "ohlcv",
        "price",
        "daily",
    )
    assert store.read_series(tmp_path, "^TNX").measure == "yield"
    assert store.read_series(tmp_path, "SPY") is None
    # What was written is exactly what render_csv produced.
    assert (tmp_path / "^RUT.csv").read_bytes() == store.render_csv(written)


def test_manifest_fields(tmp_path: Path) -> None:
    series = price("IWM", [200.0, 201.0, 202.0], source="yahoo")
    store.write_store(tmp_path, [series], fetched_at="2026-08-22T01:02:03Z", sample=False)
    data = (tmp_path / "IWM.csv").read_bytes()
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert manifest == {
        "sample": False,
        "series": {
            "IWM": {
                "first": "2026-08-19",
                "last": "2026-08-21",
                "rows": 3,
                "source": "yahoo",
                "fetched_at": "2026-08-22T01:02:03Z",
                "sha256": "sha256:" + hashlib.sha256(data).hexdigest(),
                "schema": "ohlcv",
                "measure": "price",
                "frequency": "daily",
            }
        },
    }
    # Stable text: sorted keys, two-space indent, final newline.
    text = (tmp_path / "manifest.json").read_text(encoding="utf-8")
    assert text == json.dumps(manifest, indent=2, sort_keys=True) + "\n"
    assert store.read_manifest(tmp_path) == manifest


def test_rewriting_identical_data_changes_no_file(tmp_path: Path) -> None:
    batch = [price("^RUT", [1.0, 2.0, 3.0]), price("^GSPC", [4.0, 5.0, 6.0])]
    store.write_store(tmp_path, batch, fetched_at="2026-08-22T00:00:00Z", sample=False)
    for p in tmp_path.iterdir():  # age the files so a rewrite would show in the mtime
        os.utime(p, ns=(1_000_000_000, 1_000_000_000))
    before = file_state(tmp_path)
    changed = store.write_store(tmp_path, batch, fetched_at="2026-08-29T00:00:00Z", sample=False)
    assert changed == []
    assert file_state(tmp_path) == before


def test_only_changed_series_are_rewritten(tmp_path: Path) -> None:
    store.write_store(
        tmp_path,
        [price("^RUT", [1.0, 2.0, 3.0]), price("^GSPC", [4.0, 5.0, 6.0])],
        fetched_at="2026-08-22T00:00:00Z",
        sample=False,
    )
    gspc = (tmp_path / "^GSPC.csv").read_bytes()
    changed = store.write_store(
        tmp_path, [price("^RUT", [1.0, 2.0, 3.5])], fetched_at="2026-08-29T00:00:00Z", sample=False
    )
    assert changed == [tmp_path / "^RUT.csv", tmp_path / "manifest.json"]
    manifest = store.read_manifest(tmp_path)["series"]
    assert manifest["^RUT"]["fetched_at"] == "2026-08-29T00:00:00Z"
    assert manifest["^GSPC"]["fetched_at"] == "2026-08-22T00:00:00Z"
    assert (tmp_path / "^GSPC.csv").read_bytes() == gspc


def two_series_store(folder: Path) -> tuple[dict[str, bytes], list[Series]]:
    """A stored batch of A and B, its bytes, and an update that changes both."""
    old = [price("A", [1.0, 2.0, 3.0]), price("B", [4.0, 5.0, 6.0])]
    store.write_store(folder, old, fetched_at="2026-08-22T00:00:00Z", sample=False)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    return before, [price("A", [1.0, 2.0, 3.5]), price("B", [4.0, 5.0, 6.5])]


def test_failure_while_staging_leaves_every_file_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before, new = two_series_store(tmp_path)
    real_fsync = os.fsync
    calls: list[int] = []

    def fsync_then_die(fd: int) -> None:
        calls.append(fd)
        if len(calls) == 2:  # the temp file of B
            raise OSError(28, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync_then_die)
    with pytest.raises(DataError, match=r"cannot write \(No space left on device\)"):
        store.write_store(tmp_path, new, fetched_at="2026-08-29T00:00:00Z", sample=False)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def three_series_store(folder: Path) -> tuple[dict[str, bytes], list[Series]]:
    """A stored batch of A, B and C, its bytes, and an update that changes all three."""
    old = [price(name, [1.0, 2.0, 3.0]) for name in "ABC"]
    store.write_store(folder, old, fetched_at="2026-08-22T00:00:00Z", sample=False)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    return before, [price(name, [1.0, 2.0, 3.5]) for name in "ABC"]


@pytest.mark.parametrize(
    "failure",
    [OSError(5, "Input/output error"), KeyboardInterrupt()],
    ids=["io-error", "ctrl-c"],
)
def test_a_failed_third_rename_rolls_the_store_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: BaseException
) -> None:
    before, new = three_series_store(tmp_path)
    real_replace = os.replace
    calls: list[str] = []

    def replace_then_fail(src: str, dst: str) -> None:
        calls.append(Path(dst).name)
        if len(calls) == 3:
            raise failure
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace_then_fail)
    expected = DataError if isinstance(failure, OSError) else KeyboardInterrupt
    with pytest.raises(expected):
        store.write_store(tmp_path, new, fetched_at="2026-08-29T00:00:00Z", sample=False)
    monkeypatch.setattr(os, "replace", real_replace)

    # A and B were renamed, C failed; A and B were then put back (their old bytes, renamed in).
    assert calls[:3] == ["A.csv", "B.csv", "C.csv"]
    assert sorted(calls[3:]) == ["A.csv", "B.csv"]
    # The store is exactly as before: same files, same bytes, no temp file left.
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before
    assert store.manifest_mismatches(tmp_path) == []


def test_rolling_back_removes_a_file_the_update_created(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before, _ = two_series_store(tmp_path)
    real_replace = os.replace

    def fail_on_manifest(src: str, dst: str) -> None:
        if Path(dst).name == "manifest.json":
            raise OSError(28, "No space left on device", src, None, dst)
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", fail_on_manifest)
    with pytest.raises(DataError) as info:
        store.write_store(
            tmp_path,
            [price("NEW", [1.0, 2.0, 3.0])],
            fetched_at="2026-08-29T00:00:00Z",
            sample=False,
        )
    assert str(info.value).endswith(": cannot write (No space left on device)")
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


KILL_AFTER_FIRST_RENAME = """
import os, sys
from pathlib import Path
import numpy as np, pandas as pd
from generator import store
from generator.model import Series

real_replace = os.replace
def replace_then_die(src, dst):
    real_replace(src, dst)
    os._exit(9)  # killed between two renames: no rollback, no clean-up can run
os.replace = replace_then_die
days = pd.DatetimeIndex(["2026-08-19", "2026-08-20", "2026-08-21"], name="date")
def price(symbol, closes):
    c = np.asarray(closes, dtype=float)
    frame = pd.DataFrame({"open": c, "high": c, "low": c, "close": c, "adj_close": c,
                          "volume": c * 0}, index=days)
    return Series(symbol, frame, "test")
store.write_store(Path(sys.argv[1]), [price("A", [1.0, 2.0, 3.5]), price("B", [4.0, 5.0, 6.5])],
                  fetched_at="2026-08-29T00:00:00Z", sample=False)
"""


def test_kill_between_renames_leaves_whole_files_and_a_rerun_completes_it(tmp_path: Path) -> None:
    before, new = two_series_store(tmp_path)
    done = subprocess.run(
        [sys.executable, "-c", KILL_AFTER_FIRST_RENAME, str(tmp_path)], check=False
    )
    assert done.returncode == 9
    # A (renamed before the kill) is whole and new; B and the manifest are untouched.
    assert (tmp_path / "B.csv").read_bytes() == before["B.csv"]
    assert (tmp_path / "manifest.json").read_bytes() == before["manifest.json"]
    assert (tmp_path / "A.csv").read_bytes() != before["A.csv"]
    assert store.read_series(tmp_path, "A").frame["close"].iloc[-1] == 3.5
    assert store.manifest_mismatches(tmp_path) == [tmp_path / "A.csv"]
    for leftover in tmp_path.glob(".*.tmp"):  # what the killed run could not remove
        leftover.unlink()
    # Rerunning the same update completes it.
    store.write_store(tmp_path, new, fetched_at="2026-08-29T00:00:00Z", sample=False)
    assert store.manifest_mismatches(tmp_path) == []
    assert store.read_series(tmp_path, "B").frame["close"].iloc[-1] == 6.5


def test_failed_write_of_one_file_keeps_the_old_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "X.csv"
    target.write_bytes(b"old\n")

    def die(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", die)
    with pytest.raises(DataError) as info:
        store.atomic_write_bytes(target, b"new but never finished\n")
    assert str(info.value) == f"{target}: cannot write (No space left on device)"
    assert target.read_bytes() == b"old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["X.csv"]


@pytest.mark.parametrize(
    ("first", "second", "kind"), [(False, True, "real"), (True, False, "sample")]
)
def test_sample_and_real_never_mix(tmp_path: Path, first: bool, second: bool, kind: str) -> None:
    store.write_store(
        tmp_path, [price("A", [1.0, 2.0, 3.0])], fetched_at="2026-08-22T00:00:00Z", sample=first
    )
    before = file_state(tmp_path)
    with pytest.raises(DataError) as info:
        store.write_store(
            tmp_path,
            [price("B", [1.0, 2.0, 3.0])],
            fetched_at="2026-08-22T00:00:00Z",
            sample=second,
        )
    assert str(info.value) == f"{tmp_path}: store holds {kind} data; sample and real data never mix"
    assert file_state(tmp_path) == before


def test_empty_and_corrupt_manifest(tmp_path: Path) -> None:
    assert store.read_manifest(tmp_path / "nowhere") == {"sample": None, "series": {}}
    (tmp_path / "manifest.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(DataError) as info:
        store.read_manifest(tmp_path)
    assert str(info.value).startswith(f"{tmp_path / 'manifest.json'}: manifest is not valid JSON (")


def test_stored_file_with_wrong_columns_is_a_data_error(tmp_path: Path) -> None:
    store.write_store(
        tmp_path, [price("A", [1.0, 2.0, 3.0])], fetched_at="2026-08-22T00:00:00Z", sample=False
    )
    (tmp_path / "A.csv").write_text("date,close\n2026-08-19,1.0\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        store.read_series(tmp_path, "A")
    assert str(info.value) == (
        f"{tmp_path / 'A.csv'}: columns ['close'] differ from "
        "['open', 'high', 'low', 'close', 'adj_close', 'volume']"
    )


def test_load_market_reads_every_series(tmp_path: Path) -> None:
    batch = [
        price("^RUT", [1.0, 2.0, 3.0]),
        price("^GSPC", [4.0, 5.0, 6.0]),
        Series(
            "FF", pd.DataFrame({"value": [0.01, -0.02, 0.0]}, index=DAYS), "t", "value", "return"
        ),
    ]
    store.write_store(tmp_path, batch, fetched_at="2026-08-22T00:00:00Z", sample=True)
    market = store.load_market(tmp_path)
    assert list(market.series) == ["FF", "^GSPC", "^RUT"]
    assert market.sample is True
    assert market.close("^GSPC").tolist() == [4.0, 5.0, 6.0]
    assert market.close("^GSPC", adjusted=True).tolist() == [2.0, 2.5, 3.0]
    assert market.series["FF"].frame["value"].tolist() == [0.01, -0.02, 0.0]
    assert market.series["FF"].calendar_checked is False
    assert market.close("FF") is None


def pandas_csv(series: Series) -> bytes:
    """What ``render_csv`` wrote before it formatted columns itself: pandas' ``to_csv``."""
    frame = series.frame.loc[:, list(SCHEMAS[series.schema])].round(6) + 0.0
    if "volume" in frame:
        frame["volume"] = frame["volume"].round().astype("Int64")
    frame.index = pd.DatetimeIndex(frame.index).strftime("%Y-%m-%d")
    frame.index.name = "date"
    return frame.to_csv(float_format=store.FLOAT_FORMAT, lineterminator="\n").encode("utf-8")


prices = st.one_of(
    st.sampled_from([math.nan, math.inf, -math.inf]),
    # Up to 1e15 render_csv rounds as pandas does; above, pandas' x * 1e6 loses digits (or
    # overflows to inf) where render_csv keeps the value (the test below).
    st.floats(min_value=-1e15, max_value=1e15, exclude_min=True, exclude_max=True),
    st.floats(min_value=-1e-6, max_value=1e-6),  # rounds to 0 or -0
    st.floats(min_value=-1e12, max_value=1e12),
)


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(
    st.integers(min_value=0, max_value=12).flatmap(
        lambda n: st.tuples(
            st.lists(st.lists(prices, min_size=5, max_size=5), min_size=n, max_size=n),
            st.lists(
                st.one_of(st.just(math.nan), st.floats(min_value=0, max_value=1e15)),
                min_size=n,
                max_size=n,
            ),
        )
    )
)
def test_render_csv_writes_what_pandas_to_csv_writes(rows_and_volumes) -> None:
    rows, volumes = rows_and_volumes
    days = pd.bdate_range("2026-01-01", periods=len(rows))
    frame = pd.DataFrame(rows, index=days, columns=list(OHLCV_COLUMNS[:5]), dtype=float)
    frame["volume"] = volumes
    ohlcv_series = Series("X", frame, "test")
    assert store.render_csv(ohlcv_series) == pandas_csv(ohlcv_series)
    values = Series(
        "Y", frame[["close"]].rename(columns={"close": "value"}), "test", schema="value"
    )
    assert store.render_csv(values) == pandas_csv(values)


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_render_csv_never_turns_a_finite_value_into_inf(value: float) -> None:
    frame = pd.DataFrame({name: [value] for name in OHLCV_COLUMNS}, index=DAYS[:1])
    text = store.render_csv(Series("X", frame, "test")).decode().splitlines()[1]
    cells = text.split(",")[1:]
    assert not any("inf" in cell or "nan" in cell for cell in cells)
    written = float(cells[0])
    if abs(value) >= 1e15:  # no digit after the sixth decimal: written exactly
        assert written == value
    else:
        assert abs(written - value) <= 5e-7 + 1e-15 * abs(value)


def test_the_largest_prices_are_stored_and_read_back_exactly(tmp_path: Path) -> None:
    closes = [1e308, 1.7976931348623157e308, 4.468190061585711e16]
    store.write_store(
        tmp_path, [price("BIG", closes)], fetched_at="2026-08-22T00:00:00Z", sample=False
    )
    assert b"inf" not in (tmp_path / "BIG.csv").read_bytes()
    assert store.read_series(tmp_path, "BIG").frame["close"].tolist() == closes
