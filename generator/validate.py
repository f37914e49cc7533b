"""Validation of incoming series against the NYSE calendar and the stored history.

Every problem is either repaired by a documented rule (and reported) or rejected with a
ValidationError naming symbol, date and rule. Rules (names as they appear in messages):

- ``null-row``: rows without a close are dropped (the session then counts as missing).
- ``duplicate-date``: identical duplicate rows are dropped; conflicting duplicates reject.
- ``non-session``: rows dated on a day that is not an NYSE session are dropped.
- ``future-date``: a row dated after today (New York) rejects.
- ``live-bar``: a bar for a session that has not closed yet is dropped.
- ``bad-price``: an open, high, low, close or adjusted close that is not a finite number, or is
  zero or negative (a yield: below -5%), rejects; so does a research value that is not finite.
- ``bad-volume``: a volume that is negative or not finite rejects. Empty (missing) opens, highs,
  lows, adjusted closes and volumes are kept as missing.
- ``revision``: a stored close that changed beyond the tolerance rejects; an adjusted-close
  history rescaled by one uniform factor (a dividend or split re-adjustment) is repaired by
  rescaling the stored adjusted closes (``adj-rescale``), but only when at least
  ``MIN_RESCALE_SESSIONS`` overlapping sessions agree on that factor: one odd row is a bad
  value, not a re-adjustment, and rejects.
  A series of snapshots (``Series.snapshots``, the ETF fundamentals) has no revisions: a refetch
  on a day already stored replaces that day's row.
- ``missing-session``: runs of up to ``max_fill_sessions`` missing sessions are filled by carrying
  the previous close forward (``filled``); longer runs reject. Before ``calendar_checked_from``
  the XNYS model does not match historical records, so gaps there are tolerated.
- ``jump``: a session-to-session move beyond ``max_daily_jump`` (prices, relative) or
  ``max_yield_jump`` (yields, percentage points) rejects.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from generator.calendar import SessionTable, xnys
from generator.config import ValidationRules
from generator.errors import ValidationError
from generator.model import SCHEMAS, Series

NY = "America/New_York"
# Overlapping sessions that must agree on one factor before the stored adjusted closes are
# rescaled. A fetch overlaps ``overlap_sessions`` + 1 sessions (6 by default).
MIN_RESCALE_SESSIONS = 3


@dataclass(frozen=True)
class Checked:
    """A validated series (merged with the stored history) and the repairs applied."""

    series: Series
    repairs: tuple[str, ...]
    new_rows: int


def validate_update(
    incoming: Series,
    existing: Series | None,
    rules: ValidationRules,
    now: pd.Timestamp | None = None,
    *,
    allow_gaps: bool = False,
    calendar: SessionTable | None = None,
) -> Checked:
    """Check ``incoming`` and merge it into ``existing``; raise ValidationError on rejection.

    ``allow_gaps`` (imports of historical files) keeps long runs of missing sessions as gaps,
    reported as repairs, instead of rejecting them: the files hold what exists. ``calendar``:
    the run's session table (None: the one this process builds).
    """
    calendar = xnys() if calendar is None else calendar
    repairs: list[str] = []
    frame = _normalised(incoming)
    frame = _drop_null_rows(incoming.symbol, frame, repairs)
    frame = _drop_duplicates(incoming.symbol, frame, repairs)
    if incoming.calendar_checked:
        frame = _drop_non_sessions(incoming.symbol, frame, repairs, calendar)
        frame = _drop_unclosed(incoming.symbol, frame, now, repairs, calendar)
    _check_values(incoming, frame)
    if frame.empty:
        raise ValidationError(
            incoming.symbol,
            None,
            "empty",
            f"no usable rows ({_why_empty(len(incoming.frame), repairs, calendar)})",
        )
    merged, new_rows = _merge(incoming, frame, existing, rules, repairs)
    if incoming.calendar_checked:
        merged = _fill_missing(
            incoming.symbol, merged, frame.index[0], rules, repairs, calendar, allow_gaps
        )
    _check_jumps(incoming, merged, frame.index[0], rules, calendar)
    return Checked(replace(incoming, frame=merged, notes=()), tuple(repairs), new_rows)


def _why_empty(given: int, repairs: list[str], calendar: SessionTable) -> str:
    """Why an update has no rows left: the source gave none, or how many each rule dropped
    (a row outside the calendar's range is told apart from a weekday that is a holiday)."""
    if not given:
        return "the source gave no rows"
    counts: dict[str, int] = {}
    for line in repairs:
        tag = line[line.rindex("[") :]
        if tag == "[non-session]" and ": outside the NYSE calendar (" in line:
            tag = "outside"
        counts[tag] = counts.get(tag, 0) + 1
    first, last = calendar.known_range()
    texts = {
        "[null-row]": ("without a value", "without a value"),
        "[duplicate-date]": ("a duplicate", "duplicates"),
        "[non-session]": ("not an NYSE session", "not NYSE sessions"),
        "outside": (f"outside the NYSE calendar ({first:%Y-%m-%d} to {last:%Y-%m-%d})",) * 2,
        "[live-bar]": ("of a session not closed yet", "of sessions not closed yet"),
    }
    reasons = [
        f"{n} {texts[tag][n != 1]} {'[non-session]' if tag == 'outside' else tag}"
        for tag, n in counts.items()
        if tag in texts
    ]
    return f"{f'all {given} rows' if given > 1 else 'its one row'} dropped: {', '.join(reasons)}"


def _normalised(series: Series) -> pd.DataFrame:
    columns = list(SCHEMAS[series.schema])
    missing = [c for c in columns if c not in series.frame.columns]
    if missing:
        raise ValidationError(series.symbol, None, "columns", f"missing columns {missing}")
    frame = series.frame.loc[:, columns].astype("float64")
    index = pd.DatetimeIndex(frame.index)
    if index.tz is not None:
        # Midnight stamps already carry the session date in their own zone (yfinance uses UTC
        # midnight for some series); converting them would shift the date back a day.
        at_midnight = (index == index.normalize()).all()
        index = index.tz_localize(None) if at_midnight else index.tz_convert(NY).tz_localize(None)
    frame.index = index.normalize().rename("date")
    return frame.sort_index(kind="stable")


def _value_column(schema: str) -> str:
    return "close" if schema == "ohlcv" else "value"


def _drop_null_rows(symbol: str, frame: pd.DataFrame, repairs: list[str]) -> pd.DataFrame:
    col = "close" if "close" in frame else "value"
    null = frame[col].isna()
    for day in frame.index[null]:
        repairs.append(f"{symbol} {day:%Y-%m-%d}: row without a value dropped [null-row]")
    return frame.loc[~null]


def _drop_duplicates(symbol: str, frame: pd.DataFrame, repairs: list[str]) -> pd.DataFrame:
    dup = frame.index.duplicated(keep=False)
    if not dup.any():
        return frame
    for day, group in frame.loc[dup].groupby(level=0):
        if len(group.drop_duplicates()) > 1:
            raise ValidationError(
                symbol, f"{day:%Y-%m-%d}", "duplicate-date", "conflicting rows for the same date"
            )
        repairs.append(f"{symbol} {day:%Y-%m-%d}: identical duplicate row dropped [duplicate-date]")
    return frame.loc[~frame.index.duplicated(keep="first")]


def _drop_non_sessions(
    symbol: str, frame: pd.DataFrame, repairs: list[str], calendar: SessionTable
) -> pd.DataFrame:
    valid = calendar.sessions(frame.index[0], frame.index[-1]) if len(frame) else frame.index
    extra = frame.index.difference(valid)
    # Before the calendar's first session and after its last, we cannot judge.
    first, last = calendar.known_range()
    for day in extra:
        what = (
            f"outside the NYSE calendar ({first:%Y-%m-%d} to {last:%Y-%m-%d})"
            if not first <= day <= last
            else "not an NYSE session"
        )
        repairs.append(f"{symbol} {day:%Y-%m-%d}: {what}, row dropped [non-session]")
    return frame.drop(index=extra)


def _drop_unclosed(
    symbol: str,
    frame: pd.DataFrame,
    now: pd.Timestamp | None,
    repairs: list[str],
    calendar: SessionTable,
) -> pd.DataFrame:
    if now is None or frame.empty:
        return frame
    today = now.tz_convert(NY).tz_localize(None).normalize()
    future = frame.index[frame.index > today]
    if len(future):
        raise ValidationError(
            symbol, f"{future[0]:%Y-%m-%d}", "future-date", f"dated after today ({today:%Y-%m-%d})"
        )
    last = frame.index[-1]
    if last == today and not calendar.is_closed(last, now):
        repairs.append(
            f"{symbol} {last:%Y-%m-%d}: session not closed yet, live bar dropped [live-bar]"
        )
        return frame.iloc[:-1]
    return frame


def _check_values(series: Series, frame: pd.DataFrame) -> None:
    """Every column must hold finite numbers in range; missing values (NaN) are allowed in all
    but the value column, whose missing rows were dropped already (``null-row``)."""
    value = _value_column(series.schema)
    for col in [value, *(c for c in frame.columns if c != value)]:  # the close is named first
        values = frame[col].to_numpy(dtype=float)
        with np.errstate(invalid="ignore"):
            ok = _valid_values(series.measure, col, values)
        bad = ~ok & ~np.isnan(values)
        if bad.any():
            position = int(np.flatnonzero(bad)[0])
            raise ValidationError(
                series.symbol,
                f"{frame.index[position]:%Y-%m-%d}",
                "bad-volume" if col == "volume" else "bad-price",
                f"{col} = {float(values[position])} is not valid",
            )


def _valid_values(measure: str, col: str, values: np.ndarray) -> np.ndarray:
    finite = np.isfinite(values)
    if col == "volume":
        return finite & (values >= 0)
    if measure == "yield":
        return finite & (values >= -5.0)
    if measure in ("price", "level"):
        return finite & (values > 0)
    return finite


def _merge(
    incoming: Series,
    frame: pd.DataFrame,
    existing: Series | None,
    rules: ValidationRules,
    repairs: list[str],
) -> tuple[pd.DataFrame, int]:
    if existing is None or existing.frame.empty:
        return frame, len(frame)
    if (existing.schema, existing.measure) != (incoming.schema, incoming.measure):
        raise ValidationError(
            incoming.symbol,
            None,
            "schema",
            f"stored as {existing.schema}/{existing.measure}, "
            f"incoming {incoming.schema}/{incoming.measure}",
        )
    old = existing.frame
    overlap = frame.index.intersection(old.index)
    if len(overlap) and incoming.schema == "ohlcv" and incoming.measure != "yield":
        old = _reconcile_adjusted(incoming.symbol, old, frame, overlap, rules, repairs)
    if not incoming.snapshots:
        _check_revision(incoming, old, frame, overlap, _value_column(incoming.schema), rules)
    merged = frame.combine_first(old).loc[:, list(SCHEMAS[incoming.schema])]
    return merged, len(frame.index.difference(old.index))


def _relative_change(new: pd.Series, old: pd.Series) -> pd.Series:
    return (new / old - 1.0).abs()


def _check_revision(
    series: Series,
    old: pd.DataFrame,
    new: pd.DataFrame,
    overlap: pd.DatetimeIndex,
    col: str,
    rules: ValidationRules,
) -> None:
    if not len(overlap):
        return
    a, b = old.loc[overlap, col], new.loc[overlap, col]
    if series.measure == "yield":
        change = (b - a).abs()
        limit = rules.yield_revision_tolerance
    else:
        change = _relative_change(b, a)
        limit = rules.revision_tolerance
    bad = change > limit
    if bad.any():
        day = overlap[bad.to_numpy()][0]
        raise ValidationError(
            series.symbol,
            f"{day:%Y-%m-%d}",
            "revision",
            f"stored {col} {a[day]:.6f} revised to {b[day]:.6f}",
        )


def _reconcile_adjusted(
    symbol: str,
    old: pd.DataFrame,
    new: pd.DataFrame,
    overlap: pd.DatetimeIndex,
    rules: ValidationRules,
    repairs: list[str],
) -> pd.DataFrame:
    """Rescale the stored adjusted closes when the source re-adjusted its whole history: the
    factor must hold over at least MIN_RESCALE_SESSIONS overlapping sessions."""
    ratio = (new.loc[overlap, "adj_close"] / old.loc[overlap, "adj_close"]).dropna()
    off = ((ratio - 1.0).abs() > rules.revision_tolerance).to_numpy()
    if not off.any():
        return old
    if len(ratio) < MIN_RESCALE_SESSIONS:
        day = ratio.index[off][0]
        raise ValidationError(
            symbol,
            f"{day:%Y-%m-%d}",
            "revision",
            f"stored adj_close {old.at[day, 'adj_close']:.6f} revised to "
            f"{new.at[day, 'adj_close']:.6f} with only {len(ratio)} overlapping session(s); "
            f"rescaling the stored history needs {MIN_RESCALE_SESSIONS} sessions agreeing "
            "on one factor",
        )
    spread = ratio.max() / ratio.min() - 1.0
    if spread > rules.revision_tolerance:
        bad = ratio.index[off][0]
        raise ValidationError(
            symbol,
            f"{bad:%Y-%m-%d}",
            "revision",
            f"adjusted close revised unevenly across the overlap "
            f"(factors {ratio.min():.6f}..{ratio.max():.6f})",
        )
    factor = float(ratio.median())
    repairs.append(
        f"{symbol} {overlap[0]:%Y-%m-%d}: adjusted closes re-adjusted by the source, "
        f"stored history rescaled by {factor:.6f} [adj-rescale]"
    )
    rescaled = old.copy()
    rescaled["adj_close"] = rescaled["adj_close"] * factor
    return rescaled


def _fill_missing(
    symbol: str,
    frame: pd.DataFrame,
    new_from: pd.Timestamp,
    rules: ValidationRules,
    repairs: list[str],
    calendar: SessionTable,
    allow_gaps: bool = False,
) -> pd.DataFrame:
    start = max(frame.index[0], pd.Timestamp(rules.calendar_checked_from))
    expected = calendar.sessions(start, frame.index[-1])
    missing = expected.difference(frame.index)
    if not len(missing):
        return frame
    runs = _runs(expected, missing)
    for first, length in runs:
        # The session after the gap tells whether the gap touches new data.
        after = first + length
        touches_new = after >= len(expected) or expected[after] >= new_from
        if length <= rules.max_fill_sessions or not touches_new:
            continue
        day = expected[first]
        if allow_gaps:
            repairs.append(
                f"{symbol} {day:%Y-%m-%d}: {length} consecutive sessions missing, "
                "left as a gap [missing-session]"
            )
            continue
        raise ValidationError(
            symbol,
            f"{day:%Y-%m-%d}",
            "missing-session",
            f"{length} consecutive sessions missing (at most {rules.max_fill_sessions} are filled)",
        )
    fillable = [
        expected[i]
        for first, length in runs
        if length <= rules.max_fill_sessions
        for i in range(first, first + length)
    ]
    if not fillable:
        return frame
    filled = frame.reindex(frame.index.union(pd.DatetimeIndex(fillable)))
    carried = filled.ffill()
    value = "close" if "close" in frame else "value"
    for col in filled.columns:
        if col == "volume":
            filled[col] = filled[col].fillna(0.0)
        elif col in ("open", "high", "low"):
            filled[col] = filled[col].fillna(carried[value])
        else:
            filled[col] = carried[col]
    for day in fillable:
        repairs.append(
            f"{symbol} {day:%Y-%m-%d}: missing session filled with the previous close [filled]"
        )
    return filled.rename_axis("date")


def _runs(expected: pd.DatetimeIndex, missing: pd.DatetimeIndex) -> list[tuple[int, int]]:
    """(position in expected, length) of each run of consecutive missing sessions."""
    pos = np.sort(expected.get_indexer(missing))
    breaks = np.flatnonzero(np.diff(pos) != 1) + 1
    return [(int(g[0]), len(g)) for g in np.split(pos, breaks)]


def _check_jumps(
    series: Series,
    frame: pd.DataFrame,
    new_from: pd.Timestamp,
    rules: ValidationRules,
    calendar: SessionTable,
) -> None:
    if series.measure not in ("price", "yield", "level") or series.frequency != "daily":
        return
    if series.symbol in rules.jump_exempt:
        return
    values = frame[_value_column(series.schema)]
    if series.measure == "yield":
        move = values.diff().abs()
        limit, unit = rules.max_yield_jump, "percentage points"
    else:
        move = _relative_change(values, values.shift())
        limit, unit = rules.max_daily_jump, "relative"
    # Only adjacent sessions: across a gap (e.g. two files years apart) a move is not a jump.
    position = calendar.sessions(frame.index[0], frame.index[-1]).get_indexer(frame.index)
    adjacent = np.diff(position, prepend=-10) == 1
    move = move[adjacent & (move.index >= new_from)]
    bad = move > limit
    if bad.any():
        day = move.index[bad.to_numpy()][0]
        raise ValidationError(
            series.symbol,
            f"{day:%Y-%m-%d}",
            "jump",
            f"moved {move[day]:.4f} ({unit}) in one session, limit {limit}",
        )
