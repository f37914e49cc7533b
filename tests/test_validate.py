"""Validation: one test per rule of generator/validate.py, plus all-or-nothing ingest."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from generator import calendar
from generator.config import ValidationRules, load_config
from generator.errors import DataError, ValidationError
from generator.ingest import ingest
from generator.model import Series
from generator.store import read_series, write_store
from generator.validate import validate_update

ROOT = Path(__file__).resolve().parents[1]
RULES = ValidationRules()
NY = "America/New_York"
# Sessions of two NYSE weeks in August 2026 (Mon 17 .. Fri 28).
AUG = calendar.sessions("2026-08-17", "2026-08-28")


def bars(
    days: list[str] | pd.DatetimeIndex,
    closes: list[float],
    adj: list[float] | None = None,
    volume: list[float] | None = None,
) -> pd.DataFrame:
    c = np.asarray(closes, dtype=float)
    # open, high and low are validated like the close: one close, one bar, whatever its level.
    return pd.DataFrame(
        {
            "open": c,
            "high": c,
            "low": c,
            "close": c,
            "adj_close": np.asarray(adj, dtype=float) if adj is not None else c / 2,
            "volume": volume if volume is not None else [1000.0] * len(c),
        },
        index=pd.DatetimeIndex(days, name="date"),
    )


def price(days, closes, adj=None, symbol: str = "X") -> Series:
    return Series(symbol, bars(days, closes, adj), "test")


def yields(days, levels, symbol: str = "^TNX") -> Series:
    return Series(symbol, bars(days, levels, adj=levels), "test", measure="yield")


def rejected(incoming: Series, existing: Series | None = None, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        validate_update(incoming, existing, kwargs.pop("rules", RULES), **kwargs)
    return info.value


def assert_rejection(error: ValidationError, symbol: str, date: str | None, rule: str) -> None:
    assert (error.symbol, error.date, error.rule) == (symbol, date, rule)
    where = f" on {date}" if date else ""
    assert str(error).startswith(f"{symbol}{where}: ")
    assert str(error).endswith(f" [rule: {rule}]")


def test_clean_series_passes_unchanged() -> None:
    incoming = price(AUG[:5], [100, 101, 102, 103, 104])
    checked = validate_update(incoming, None, RULES)
    pd.testing.assert_frame_equal(checked.series.frame, incoming.frame, check_freq=False)
    assert checked.repairs == ()
    assert checked.new_rows == 5


def test_null_row_is_dropped_then_filled() -> None:
    frame = bars(AUG[:3], [100.0, 101.0, 102.0])
    frame.loc[AUG[1]] = np.nan
    checked = validate_update(Series("X", frame, "test"), None, RULES)
    assert checked.repairs == (
        "X 2026-08-18: row without a value dropped [null-row]",
        "X 2026-08-18: missing session filled with the previous close [filled]",
    )
    row = checked.series.frame.loc[AUG[1]]
    assert row.to_dict() == {
        "open": 100.0,
        "high": 100.0,
        "low": 100.0,
        "close": 100.0,
        "adj_close": 50.0,
        "volume": 0.0,
    }


def test_identical_duplicate_is_dropped() -> None:
    frame = bars(AUG[:3], [100.0, 101.0, 102.0])
    frame = pd.concat([frame, frame.iloc[[1]]])
    checked = validate_update(Series("X", frame, "test"), None, RULES)
    assert checked.repairs == ("X 2026-08-18: identical duplicate row dropped [duplicate-date]",)
    assert checked.series.frame["close"].tolist() == [100.0, 101.0, 102.0]


def test_conflicting_duplicate_rejects() -> None:
    frame = bars(AUG[:3], [100.0, 101.0, 102.0])
    other = frame.iloc[[1]].copy()
    other["close"] = 101.5
    error = rejected(Series("X", pd.concat([frame, other]), "test"))
    assert_rejection(error, "X", "2026-08-18", "duplicate-date")
    assert (
        str(error) == "X on 2026-08-18: conflicting rows for the same date [rule: duplicate-date]"
    )


def test_non_session_rows_are_dropped() -> None:
    # Labor Day (Mon 2026-09-07) and a Saturday are not NYSE sessions.
    days = ["2026-09-04", "2026-09-05", "2026-09-07", "2026-09-08"]
    checked = validate_update(price(days, [100, 100.5, 101, 102]), None, RULES)
    assert checked.repairs == (
        "X 2026-09-05: not an NYSE session, row dropped [non-session]",
        "X 2026-09-07: not an NYSE session, row dropped [non-session]",
    )
    assert list(checked.series.frame.index) == [
        pd.Timestamp("2026-09-04"),
        pd.Timestamp("2026-09-08"),
    ]


def test_future_date_rejects() -> None:
    now = pd.Timestamp("2026-08-18 12:00", tz=NY)
    error = rejected(price(AUG[:3], [100, 101, 102]), now=now)
    assert_rejection(error, "X", "2026-08-19", "future-date")
    assert str(error) == "X on 2026-08-19: dated after today (2026-08-18) [rule: future-date]"


@pytest.mark.parametrize(
    ("now", "kept"),
    [
        pytest.param("2026-08-19 15:59", 2, id="before-close-dropped"),
        pytest.param("2026-08-19 16:00", 3, id="at-close-kept"),
        pytest.param("2026-08-20 09:00", 3, id="next-morning-kept"),
    ],
)
def test_live_bar(now: str, kept: int) -> None:
    checked = validate_update(
        price(AUG[:3], [100, 101, 102]), None, RULES, now=pd.Timestamp(now, tz=NY)
    )
    assert len(checked.series.frame) == kept
    expected = ("X 2026-08-19: session not closed yet, live bar dropped [live-bar]",)
    assert checked.repairs == (expected if kept == 2 else ())


def test_live_bar_on_an_early_close() -> None:
    days = ["2026-11-24", "2026-11-25", "2026-11-27"]
    at_1330 = pd.Timestamp("2026-11-27 13:30", tz=NY)  # closed at 13:00
    at_1230 = pd.Timestamp("2026-11-27 12:30", tz=NY)
    assert len(validate_update(price(days, [1, 1, 1]), None, RULES, now=at_1330).series.frame) == 3
    assert len(validate_update(price(days, [1, 1, 1]), None, RULES, now=at_1230).series.frame) == 2


@pytest.mark.parametrize(
    ("series", "date"),
    [
        pytest.param(price(AUG[:3], [100, 0, 102]), "2026-08-18", id="zero"),
        pytest.param(price(AUG[:3], [100, 101, -1]), "2026-08-19", id="negative"),
        pytest.param(yields(AUG[:3], [0.1, -5.5, 0.1]), "2026-08-18", id="yield-below-minus-5"),
    ],
)
def test_bad_price_rejects(series: Series, date: str) -> None:
    assert_rejection(rejected(series), series.symbol, date, "bad-price")


def test_small_negative_yield_is_accepted() -> None:
    checked = validate_update(yields(AUG[:3], [-4.0, -4.5, -5.0]), None, RULES)
    assert checked.series.frame["close"].tolist() == [-4.0, -4.5, -5.0]


def test_bad_price_message_shows_the_plain_number() -> None:
    error = rejected(price(AUG[:3], [100, 0, 102]))
    assert str(error) == "X on 2026-08-18: close = 0.0 is not valid [rule: bad-price]"


@pytest.mark.parametrize("bad", [0.0, -1.0])
def test_bad_adjusted_close_rejects(bad: float) -> None:
    error = rejected(price(AUG[:3], [100, 101, 102], adj=[50, bad, 51]))
    assert_rejection(error, "X", "2026-08-18", "bad-price")


def with_value(series: Series, column: str, value: float, row: int = 1) -> Series:
    frame = series.frame.copy()
    frame.iloc[row, frame.columns.get_loc(column)] = value
    return dataclasses.replace(series, frame=frame)


@pytest.mark.parametrize("column", ["open", "high", "low"])
@pytest.mark.parametrize("bad", [0.0, -1.0, np.inf, -np.inf])
def test_open_high_and_low_are_validated_like_the_close(column: str, bad: float) -> None:
    error = rejected(with_value(price(AUG[:3], [100, 101, 102]), column, bad))
    assert str(error) == f"X on 2026-08-18: {column} = {bad} is not valid [rule: bad-price]"


@pytest.mark.parametrize("column", ["open", "high", "low", "adj_close"])
def test_a_yield_bar_below_minus_five_percent_rejects(column: str) -> None:
    error = rejected(with_value(yields(AUG[:3], [0.1, 0.2, 0.3]), column, -5.5))
    assert_rejection(error, "^TNX", "2026-08-18", "bad-price")


@pytest.mark.parametrize("bad", [-1.0, np.inf, -np.inf])
def test_a_negative_or_infinite_volume_rejects(bad: float) -> None:
    error = rejected(with_value(price(AUG[:3], [100, 101, 102]), "volume", bad))
    assert str(error) == f"X on 2026-08-18: volume = {bad} is not valid [rule: bad-volume]"


@pytest.mark.parametrize(
    "series",
    [
        pytest.param(price(AUG[:3], [100, np.inf, 102]), id="price"),
        pytest.param(yields(AUG[:3], [4.0, np.inf, 4.0]), id="yield"),
        pytest.param(
            Series(
                "FF",
                pd.DataFrame({"value": [0.01, np.inf, 0.0]}, index=AUG[:3]),
                "t",
                "value",
                "return",
            ),
            id="return",
        ),
    ],
)
def test_an_infinite_close_or_value_rejects(series: Series) -> None:
    assert_rejection(rejected(series), series.symbol, "2026-08-18", "bad-price")


def test_missing_opens_highs_lows_and_volumes_are_kept_as_missing() -> None:
    series = price(AUG[:3], [100, 101, 102])
    for column in ("open", "high", "low", "adj_close", "volume"):
        series = with_value(series, column, np.nan)
    frame = validate_update(series, None, RULES).series.frame
    assert frame.iloc[1].isna().tolist() == [True, True, True, False, True, True]


def test_volume_zero_is_valid() -> None:
    series = with_value(price(AUG[:3], [100, 101, 102]), "volume", 0.0)
    assert validate_update(series, None, RULES).series.frame["volume"].tolist() == [1000, 0, 1000]


def test_revision_of_a_close_rejects() -> None:
    stored = price(AUG[:5], [100, 101, 102, 103, 104])
    incoming = price(AUG[3:7], [103, 104 * 1.01, 105, 106], adj=[51.5, 52, 52.5, 53])
    error = rejected(incoming, stored)
    assert_rejection(error, "X", "2026-08-21", "revision")
    assert str(error) == (
        "X on 2026-08-21: stored close 104.000000 revised to 105.040000 [rule: revision]"
    )


def test_revision_within_tolerance_takes_the_new_value() -> None:
    stored = price(AUG[:5], [100, 101, 102, 103, 104])
    incoming = price(AUG[3:7], [103, 104.04, 105, 106], adj=[51.5, 52, 52.5, 53])
    checked = validate_update(incoming, stored, RULES)
    assert checked.series.frame["close"].tolist() == [100, 101, 102, 103, 104.04, 105, 106]
    assert checked.new_rows == 2
    assert checked.repairs == ()


def test_uniform_adjusted_rescale_is_repaired() -> None:
    stored = price(AUG[:5], [100, 101, 102, 103, 104])  # adj = close / 2
    factor = 0.98
    # Three overlapping sessions (MIN_RESCALE_SESSIONS) agree on the factor.
    closes = (102, 103, 104, 105, 106)
    incoming = price(AUG[2:7], list(closes), adj=[x / 2 * factor for x in closes])
    checked = validate_update(incoming, stored, RULES)
    assert len(checked.repairs) == 1
    assert checked.repairs[0] == (
        "X 2026-08-19: adjusted closes re-adjusted by the source, "
        "stored history rescaled by 0.980000 [adj-rescale]"
    )
    expected = [x / 2 * factor for x in (100, 101, 102, 103, 104, 105, 106)]
    np.testing.assert_allclose(checked.series.frame["adj_close"], expected, rtol=1e-12)
    assert checked.series.frame["close"].tolist() == [100, 101, 102, 103, 104, 105, 106]


def test_uneven_adjusted_revision_rejects() -> None:
    stored = price(AUG[:5], [100, 101, 102, 103, 104])
    adj = [51 * 0.99, 51.5 * 0.99, 52 * 0.98, 52.5, 53]
    incoming = price(AUG[2:7], [102, 103, 104, 105, 106], adj=adj)
    error = rejected(incoming, stored)
    assert_rejection(error, "X", "2026-08-19", "revision")
    assert "adjusted close revised unevenly across the overlap (factors 0.980000..0.990000)" in str(
        error
    )


@pytest.mark.parametrize("overlap", [1, 2])
def test_an_adjusted_close_rescale_needs_several_overlapping_sessions(overlap: int) -> None:
    """One bad adjusted close (here 0.098 of the stored one) must not rescale a whole history."""
    stored = price(AUG[:5], [100, 101, 102, 103, 104])  # adj = close / 2
    closes = [100, 101, 102, 103, 104, 105, 106][5 - overlap :]
    adj = [c / 2 * 0.098 for c in closes]
    error = rejected(price(AUG[5 - overlap : 7], closes, adj=adj), stored)
    day = f"{AUG[5 - overlap]:%Y-%m-%d}"
    assert str(error) == (
        f"X on {day}: stored adj_close {closes[0] / 2:.6f} revised to {closes[0] / 2 * 0.098:.6f} "
        f"with only {overlap} overlapping session(s); rescaling the stored history needs 3 "
        "sessions agreeing on one factor [rule: revision]"
    )


def test_an_unchanged_short_overlap_needs_no_rescale() -> None:
    stored = price(AUG[:5], [100, 101, 102, 103, 104])
    checked = validate_update(price(AUG[4:6], [104, 105]), stored, RULES)
    assert checked.repairs == ()
    assert checked.series.frame["adj_close"].tolist() == [50, 50.5, 51, 51.5, 52, 52.5]


def test_small_yield_revision_near_zero_is_accepted() -> None:
    stored = yields(AUG[:3], [0.04, 0.04, 0.04], symbol="^IRX")
    incoming = yields(AUG[1:4], [0.04, 0.045, 0.05], symbol="^IRX")
    checked = validate_update(incoming, stored, RULES)
    assert checked.series.frame["close"].tolist() == [0.04, 0.04, 0.045, 0.05]


def test_yield_revision_beyond_a_hundredth_rejects() -> None:
    stored = yields(AUG[:3], [4.0, 4.0, 4.0])
    incoming = yields(AUG[2:4], [4.02, 4.03])
    assert_rejection(rejected(incoming, stored), "^TNX", "2026-08-19", "revision")


@pytest.mark.parametrize("run", [1, 2, 3])
def test_missing_sessions_up_to_three_are_filled(run: int) -> None:
    # Sessions AUG[1] .. AUG[run] are missing; AUG[0] closes at 100 with volume 5000.
    days = [AUG[0], *AUG[run + 1 : 8]]
    closes = [100.0 + i for i in range(len(days))]
    frame = bars(days, closes, volume=[5000.0] * len(days))
    checked = validate_update(Series("X", frame, "test"), None, RULES)
    out = checked.series.frame
    assert list(out.index) == list(AUG[:8])
    for day in AUG[1 : run + 1]:
        assert out.loc[day].to_dict() == {
            "open": 100.0,
            "high": 100.0,
            "low": 100.0,
            "close": 100.0,
            "adj_close": 50.0,
            "volume": 0.0,
        }
    assert checked.repairs == tuple(
        f"X {d:%Y-%m-%d}: missing session filled with the previous close [filled]"
        for d in AUG[1 : run + 1]
    )


def test_four_missing_sessions_reject() -> None:
    days = [AUG[0], *AUG[5:8]]
    error = rejected(price(days, [100, 101, 102, 103]))
    assert_rejection(error, "X", "2026-08-18", "missing-session")
    assert str(error) == (
        "X on 2026-08-18: 4 consecutive sessions missing (at most 3 are filled) "
        "[rule: missing-session]"
    )


def test_gap_between_stored_and_incoming_rejects() -> None:
    stored = price(AUG[:2], [100, 101])
    incoming = price(AUG[6:8], [102, 103])  # AUG[2..5] missing
    assert_rejection(rejected(incoming, stored), "X", "2026-08-19", "missing-session")


def test_old_gap_in_stored_history_is_tolerated() -> None:
    july = calendar.sessions("2026-07-01", "2026-07-31")
    old_days = july.delete(range(5, 11))  # six sessions missing in the stored history
    stored = price(old_days, [100.0] * len(old_days))
    incoming = price(july[-1:], [100.0])
    checked = validate_update(incoming, stored, RULES)
    assert len(checked.series.frame) == len(old_days)
    assert checked.repairs == ()


def test_gaps_before_calendar_checked_from_are_tolerated() -> None:
    days = calendar.sessions("1965-03-01", "1965-03-31").delete(range(5, 15))
    series = price(days, [80.0] * len(days))
    checked = validate_update(series, None, RULES)
    assert len(checked.series.frame) == len(days)
    assert checked.repairs == ()
    # The same series is rejected once the check date moves before it.
    strict = dataclasses.replace(RULES, calendar_checked_from=dt.date(1960, 1, 1))
    error = rejected(series, rules=strict)
    assert_rejection(error, "X", "1965-03-08", "missing-session")


@pytest.mark.parametrize(
    ("closes", "rejected_on"),
    [
        pytest.param([100, 125, 125], None, id="plus-25pct-accepted"),
        pytest.param([100, 75, 75], None, id="minus-25pct-accepted"),
        pytest.param([100, 125.1, 125.1], "2026-08-18", id="plus-25.1pct-rejects"),
        pytest.param([100, 100, 74.9], "2026-08-19", id="minus-25.1pct-rejects"),
    ],
)
def test_price_jump(closes: list[float], rejected_on: str | None) -> None:
    series = price(AUG[:3], closes)
    if rejected_on is None:
        assert validate_update(series, None, RULES).series.frame["close"].tolist() == closes
    else:
        assert_rejection(rejected(series), "X", rejected_on, "jump")


def test_price_jump_message() -> None:
    error = rejected(price(AUG[:3], [100, 130, 130]))
    assert str(error) == (
        "X on 2026-08-18: moved 0.3000 (relative) in one session, limit 0.25 [rule: jump]"
    )


def test_yield_jump_is_in_percentage_points() -> None:
    # 1.0 -> 2.9 is +190% relative but 1.9 pp: accepted.
    assert validate_update(yields(AUG[:3], [1.0, 2.9, 2.9]), None, RULES).repairs == ()
    error = rejected(yields(AUG[:3], [4.0, 6.1, 6.1]))
    assert_rejection(error, "^TNX", "2026-08-18", "jump")
    assert str(error) == (
        "^TNX on 2026-08-18: moved 2.1000 (percentage points) in one session, limit 2.0 "
        "[rule: jump]"
    )


def test_jump_from_stored_to_incoming_rejects_but_old_jumps_do_not() -> None:
    stored = price(AUG[:3], [100, 200, 200])  # an old jump, already in the store
    ok = validate_update(price(AUG[3:5], [201, 202]), stored, RULES)
    assert ok.series.frame["close"].tolist() == [100, 200, 200, 201, 202]
    error = rejected(price(AUG[3:5], [300, 300]), stored)
    assert_rejection(error, "X", "2026-08-20", "jump")


def test_empty_schema_and_columns_reject() -> None:
    empty = bars(AUG[:1], [np.nan])
    assert_rejection(rejected(Series("X", empty, "test")), "X", None, "empty")
    no_adj = bars(AUG[:2], [1, 1]).drop(columns="adj_close")
    error = rejected(Series("X", no_adj, "test"))
    assert_rejection(error, "X", None, "columns")
    stored = price(AUG[:2], [1, 1])
    error = rejected(yields(AUG[2:3], [1.0], symbol="X"), stored)
    assert str(error) == "X: stored as ohlcv/price, incoming ohlcv/yield [rule: schema]"


def test_tz_aware_index_becomes_new_york_session_dates() -> None:
    frame = bars(AUG[:3], [100, 101, 102])
    frame.index = (frame.index + pd.Timedelta(hours=4)).tz_localize("UTC")  # midnight in New York
    checked = validate_update(Series("X", frame, "test"), None, RULES)
    assert list(checked.series.frame.index) == list(AUG[:3])
    assert checked.series.frame.index.tz is None


# -- ingest: validate every series first, then write all of them or none -------------------------


def tree_hashes(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.fixture
def config():
    return load_config(ROOT / "smallcap.toml")


def test_ingest_rejects_the_whole_batch_when_one_series_is_bad(tmp_path: Path, config) -> None:
    write_store(
        tmp_path,
        [
            price(AUG[:3], [100, 101, 102], symbol="^RUT"),
            price(AUG[:3], [50, 51, 52], symbol="^GSPC"),
        ],
        fetched_at="2026-08-19T22:00:00Z",
        sample=False,
    )
    before = tree_hashes(tmp_path)
    good = price(AUG[3:5], [103, 104], symbol="^RUT")
    bad = price(AUG[3:5], [53, 0.0], symbol="^GSPC")
    new = price(AUG[:5], [1, 1, 1, 1, 1], symbol="IWM")
    with pytest.raises(ValidationError) as info:
        ingest(tmp_path, [good, bad, new], config, now=None)
    assert str(info.value).startswith("^GSPC on 2026-08-21: ")
    assert info.value.rule == "bad-price"
    assert tree_hashes(tmp_path) == before


def test_ingest_writes_a_valid_batch(tmp_path: Path, config) -> None:
    write_store(
        tmp_path,
        [price(AUG[:3], [100, 101, 102], symbol="^RUT")],
        fetched_at="2026-08-19T22:00:00Z",
        sample=False,
    )
    now = pd.Timestamp("2026-08-21 15:00", tz=NY)  # Friday's bar is still live
    report = ingest(tmp_path, [price(AUG[2:5], [102, 103, 104], symbol="^RUT")], config, now=now)
    assert report.changed == (tmp_path / "^RUT.csv", tmp_path / "manifest.json")
    assert report.repairs == (
        "^RUT 2026-08-21: session not closed yet, live bar dropped [live-bar]",
    )
    assert report.new_rows == {"^RUT": 1}
    stored = read_series(tmp_path, "^RUT")
    assert stored.frame["close"].tolist() == [100, 101, 102, 103]
    from generator.store import read_manifest

    assert read_manifest(tmp_path)["series"]["^RUT"]["fetched_at"] == "2026-08-21T19:00:00Z"


def test_ingest_refuses_to_mix_sample_into_real(tmp_path: Path, config) -> None:
    write_store(
        tmp_path,
        [price(AUG[:3], [100, 101, 102], symbol="^RUT")],
        fetched_at="2026-08-19T22:00:00Z",
        sample=False,
    )
    before = tree_hashes(tmp_path)
    with pytest.raises(DataError, match="store holds real data; sample and real data never mix"):
        ingest(tmp_path, [price(AUG[3:5], [1, 1], symbol="^RUT")], config, now=None, sample=True)
    assert tree_hashes(tmp_path) == before


@pytest.mark.parametrize(
    ("days", "closes", "now", "why"),
    [
        pytest.param([], [], None, "the source gave no rows", id="no-rows"),
        pytest.param(
            AUG[:2],
            [np.nan, np.nan],
            None,
            "all 2 rows dropped: 2 without a value [null-row]",
            id="null",
        ),
        pytest.param(
            ["2026-08-15", "2026-08-16", "2026-08-17"],
            [1.0, 1.0, np.nan],
            None,
            "all 3 rows dropped: 1 without a value [null-row], 2 not NYSE sessions [non-session]",
            id="null-and-weekend",
        ),
        pytest.param(
            AUG[:1],
            [1.0],
            pd.Timestamp("2026-08-17 12:00", tz=NY),
            "its one row dropped: 1 of a session not closed yet [live-bar]",
            id="live-bar",
        ),
    ],
)
def test_an_update_without_usable_rows_says_why(days, closes, now, why: str) -> None:
    error = rejected(price(pd.DatetimeIndex(days), closes), now=now)
    assert_rejection(error, "X", None, "empty")
    assert str(error) == f"X: no usable rows ({why}) [rule: empty]"


def test_rows_outside_the_calendar_are_named_so() -> None:
    first, last = calendar.sessions("1800-01-01", "2200-01-01")[[0, -1]]
    error = rejected(price(pd.DatetimeIndex(["1850-01-07", "2150-01-06"]), [1.0, 1.0]))
    assert str(error) == (
        f"X: no usable rows (all 2 rows dropped: 2 outside the NYSE calendar ({first:%Y-%m-%d} "
        f"to {last:%Y-%m-%d}) [non-session]) [rule: empty]"
    )
