"""NYSE sessions and trading weeks: a week ends on its last session, holidays included."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from generator import calendar
from generator.errors import DataError

NY = "America/New_York"


def ts(day: str) -> pd.Timestamp:
    return pd.Timestamp(day)


def ny(moment: str) -> pd.Timestamp:
    return pd.Timestamp(moment, tz=NY)


@pytest.mark.parametrize(
    ("day", "end", "n_sessions"),
    [
        pytest.param("2026-08-19", "2026-08-21", 5, id="normal-week-ends-friday"),
        pytest.param("2026-08-22", "2026-08-21", 5, id="saturday-belongs-to-its-week"),
        pytest.param("2026-04-01", "2026-04-02", 4, id="good-friday-week-ends-thursday"),
        pytest.param("2026-06-15", "2026-06-18", 4, id="juneteenth-2026-ends-thursday"),
        pytest.param("2026-11-23", "2026-11-27", 4, id="thanksgiving-friday-is-a-session"),
        pytest.param("2026-09-09", "2026-09-11", 4, id="labor-day-monday-holiday"),
        pytest.param("2001-09-12", "2001-09-10", 1, id="sept-11-week-ends-monday"),
    ],
)
def test_week_end(day: str, end: str, n_sessions: int) -> None:
    assert calendar.week_end(day) == ts(end)
    assert len(calendar.week_sessions(day)) == n_sessions


def test_week_sessions_skip_the_holiday() -> None:
    assert list(calendar.week_sessions("2026-11-27")) == [
        ts("2026-11-23"),
        ts("2026-11-24"),
        ts("2026-11-25"),
        ts("2026-11-27"),
    ]


def test_week_without_sessions_has_no_end() -> None:
    # Before the calendar's first session nothing can be a session.
    assert calendar.week_end("1800-01-01") is None


def test_sessions_are_naive_and_named() -> None:
    days = calendar.sessions("2026-06-17", "2026-06-23")
    assert list(days) == [ts("2026-06-17"), ts("2026-06-18"), ts("2026-06-22"), ts("2026-06-23")]
    assert days.tz is None and days.name == "date"
    assert len(calendar.sessions("2026-06-20", "2026-06-21")) == 0


def test_week_ends_over_a_range() -> None:
    ends = calendar.week_ends("2026-03-25", "2026-04-17")
    assert list(ends) == [ts("2026-03-27"), ts("2026-04-02"), ts("2026-04-10"), ts("2026-04-17")]


def test_week_ends_leave_out_an_incomplete_last_week() -> None:
    # The week of 2026-04-13 ends on Friday 04-17, after the range: not complete.
    ends = calendar.week_ends("2026-04-01", "2026-04-16")
    assert list(ends) == [ts("2026-04-02"), ts("2026-04-10")]


def test_week_ends_across_a_year_with_thanksgiving_and_christmas() -> None:
    ends = calendar.week_ends("2026-11-16", "2027-01-08")
    # Christmas 2026 and New Year 2027 fall on Fridays: those weeks end on Thursday.
    assert list(ends) == [
        ts("2026-11-20"),
        ts("2026-11-27"),
        ts("2026-12-04"),
        ts("2026-12-11"),
        ts("2026-12-18"),
        ts("2026-12-24"),
        ts("2026-12-31"),
        ts("2027-01-08"),
    ]


@pytest.mark.parametrize(
    ("last_data", "expected"),
    [
        pytest.param("2026-08-19", "2026-08-14", id="through-wednesday-previous-week"),
        pytest.param("2026-08-21", "2026-08-21", id="through-friday-that-week"),
        pytest.param("2026-08-23", "2026-08-21", id="through-sunday-that-week"),
        pytest.param("2026-04-02", "2026-04-02", id="through-thursday-before-good-friday"),
        pytest.param("2026-04-01", "2026-03-27", id="through-wednesday-of-good-friday-week"),
        pytest.param("2026-11-27", "2026-11-27", id="through-day-after-thanksgiving"),
        pytest.param("2026-09-08", "2026-09-04", id="through-tuesday-after-labor-day"),
    ],
)
def test_latest_complete_week_from_the_data(last_data: str, expected: str) -> None:
    assert calendar.latest_complete_week(ts(last_data)) == ts(expected)


def test_latest_complete_week_waits_for_the_closing_bell() -> None:
    friday = ts("2026-08-21")
    before = ny("2026-08-21 15:59")
    after = ny("2026-08-21 16:00")
    assert calendar.latest_complete_week(friday, now=before) == ts("2026-08-14")
    assert calendar.latest_complete_week(friday, now=after) == friday


def test_latest_complete_week_without_any_week() -> None:
    assert calendar.latest_complete_week(ts("1885-01-01")) is None


def test_is_closed_on_an_early_close() -> None:
    # The day after Thanksgiving closes at 13:00 New York time.
    day = ts("2025-11-28")
    assert calendar.session_close(day) == pd.Timestamp("2025-11-28 18:00", tz="UTC")
    assert not calendar.is_closed(day, ny("2025-11-28 12:59"))
    assert calendar.is_closed(day, ny("2025-11-28 13:00"))
    assert calendar.is_closed(day, ny("2025-11-28 13:30"))
    # A normal day is still open at 13:30.
    assert not calendar.is_closed(ts("2025-11-26"), ny("2025-11-26 13:30"))
    assert calendar.is_closed(ts("2025-11-26"), ny("2025-11-26 16:00"))


def test_resolve_week_latest_and_requested() -> None:
    last = ts("2026-08-19")
    assert calendar.resolve_week(last) == ts("2026-08-14")
    assert calendar.resolve_week(last, "2026-08-12") == ts("2026-08-14")
    assert calendar.resolve_week(ts("2026-06-18"), "2026-06-15") == ts("2026-06-18")


@pytest.mark.parametrize(
    ("last", "requested", "message"),
    [
        pytest.param(
            "2026-08-19",
            "2026-08-17",
            "week ending 2026-08-21 is not complete: data runs through 2026-08-19",
            id="incomplete",
        ),
        pytest.param(
            "2026-08-19",
            "1800-01-01",
            "the week of 1800-01-01 has no NYSE session",
            id="no-session",
        ),
        pytest.param(
            "1885-01-01",
            None,
            "no complete NYSE week in data ending 1885-01-01",
            id="no-complete-week",
        ),
    ],
)
def test_resolve_week_errors(last: str, requested: str | None, message: str) -> None:
    with pytest.raises(DataError) as info:
        calendar.resolve_week(ts(last), requested)
    assert str(info.value) == message


def test_the_session_table_is_exchange_calendars_xnys() -> None:
    import exchange_calendars as xcals

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        stock = xcals.get_calendar("XNYS", start=calendar.CALENDAR_START)
    for start, end in [("1885-01-01", "1885-02-01"), ("1987-10-01", "1987-11-01"),
                       ("2001-09-01", "2001-10-01"), ("2026-11-01", "2026-12-31")]:  # fmt: skip
        expected = stock.sessions_in_range(start, end)
        assert list(calendar.sessions(start, end)) == list(expected)
        for day in expected:
            assert calendar.session_close(day) == stock.session_close(day)
    assert calendar.session_close(ts("2026-11-27")) == pd.Timestamp("2026-11-27 18:00", tz="UTC")
    assert list(calendar.sessions("1880-01-01", "1885-01-02")) == [
        ts("1885-01-01"),
        ts("1885-01-02"),
    ]
    assert list(calendar.sessions("2026-11-26", "2026-11-26")) == []
    with pytest.raises(ValueError, match="2026-11-26 is not an NYSE session"):
        calendar.session_close(ts("2026-11-26"))


def test_the_session_table_is_kept_between_processes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    everything = ("1885-01-01", "2030-01-01")
    built = calendar.load_calendar(tmp_path).sessions(*everything)
    [kept] = list(tmp_path.glob("xnys-*.npz"))
    (tmp_path / "xnys-0-old.npz").write_bytes(b"stale")

    def no_building(today: str) -> None:
        raise AssertionError("the table should have been read from the cache")

    monkeypatch.setattr(calendar, "_built_table", no_building)  # as in a new process
    table = calendar.load_calendar(tmp_path)
    assert list(table.sessions(*everything)) == list(built)
    assert table.session_close(ts("2026-11-27")) == pd.Timestamp("2026-11-27 18:00", tz="UTC")
    monkeypatch.undo()

    kept.write_bytes(b"not an npz")
    table = calendar.load_calendar(tmp_path)
    assert list(table.sessions(*everything)) == list(built)  # built again, stale one gone
    assert [p.name for p in tmp_path.glob("xnys-*.npz")] == [kept.name]


def test_a_run_table_answers_as_the_process_table() -> None:
    """The table a run loads and the one the module functions use give the same weeks."""
    table = calendar.load_calendar(None)
    assert table is calendar.xnys()
    assert list(table.week_ends("2026-11-01", "2026-12-31")) == list(
        calendar.week_ends("2026-11-01", "2026-12-31")
    )
    assert table.last_session_of_month(2026 * 12 + 10) == np.datetime64("2026-11-30")
