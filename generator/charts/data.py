"""Chart data frames from a Market: point-in-time, aggregated before charting.

Every frame is computed from data on or before ``week_end`` only. Long histories are sampled
weekly (the last session of each calendar week) and the secondary history charts show the
trailing ``DETAIL_YEARS`` years, so one report's specs stay small (see ``assets.py``).

Frames and their columns (dates are naive ``Timestamp``s; returns and spreads are decimals):

- ``ytd_rebased``: ``date, small, large`` - price index levels rebased to 100 at the last close of
  the previous year, every session of the year so far.
- ``relative_ratio``: ``kind, date, ratio, ma50, ma200, end, leader, cum_spread``. ``kind="week"``
  rows: weekly small/large ratio and its 50- and 200-session moving averages (computed daily,
  then sampled). ``kind="regime"`` rows: one per leadership regime (``date`` = start, ``end``,
  ``leader`` small/large/none, ``cum_spread``) from ``metrics.relative.leadership_regimes``.
- ``rolling_12m_spread``: ``date, spread`` - 252-session return of small minus that of large.
- ``month_spread``: ``month, month_name, small_mean, large_mean, spread_mean, hit_rate, years``.
- ``seasonal_path``: ``month, month_name, current, average`` - compounded small minus compounded
  large return from the start of the year through each complete month.
- ``cycle_phases``: ``phase, phase_name, small_mean, large_mean, spread_mean, hit_rate, years,
  current`` - calendar-year returns grouped by presidential-cycle phase (year mod 4).
- ``drawdowns``: ``date, small, large`` - close / running maximum of all closes so far - 1.
- ``rolling_risk``: ``date, corr, beta`` - 252-session correlation and beta of small on large.
- ``yields_vs_relative``: ``date, relative, yield_10y`` - small/large ratio rebased to 100 at the
  window start, and the 10-year Treasury yield (percent).
- ``ladder``: ``symbol, label, period, value`` - 1w, YTD and 1y total returns (pair indices first,
  then the ladder in config order).

Frame ``attrs`` carry display names for the builders: ``small``/``large`` (side names) and, where
useful, ``first_year``/``last_year``/``year``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from generator.charts import history
from generator.config import Config
from generator.metrics.common import (
    Unavailable,
    current_close,
    iso,
    market_calendar,
    truncate_market,
)
from generator.metrics.ladder import LADDER_PERIODS, ladder_row
from generator.metrics.monthly import (
    first_january_year,
    keyed_monthly_returns,
    pair_months,
    paired_months,
)
from generator.metrics.paths import average_path, cumulative_spread_paths
from generator.metrics.relative import moving_average, turning_points
from generator.metrics.returns import period_start
from generator.metrics.risk import rolling_beta_of, rolling_corr_of
from generator.model import Market

MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
PHASE_NAMES = ("Election", "Post-election", "Midterm", "Pre-election")


@dataclass(frozen=True)
class ChartSet:
    """The week's chart frames, plus the charts that could not be drawn and why."""

    frames: dict[str, pd.DataFrame]
    omitted: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class _Inputs:
    market: Market
    config: Config
    week_end: pd.Timestamp
    small: pd.Series | None  # price index closes on common dates, or None (see pair_reason)
    large: pd.Series | None
    pair_reason: str = ""
    # Whether small's and large's closes had the same dates before any alignment.
    same_dates: bool = False
    # The first day of the secondary history charts' window (see history.DETAIL_YEARS).
    detail_start: np.datetime64 = field(default=np.datetime64("NaT"), compare=False)
    # Frames computed once and read by several charts (e.g. the paired months); not compared.
    shared: dict[str, pd.DataFrame] = field(default_factory=dict, compare=False, repr=False)

    def pair(self) -> tuple[pd.Series, pd.Series]:
        if self.small is None or self.large is None:
            raise Unavailable(self.pair_reason)
        return self.small, self.large

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(dates, small closes, large closes) of ``pair`` as numpy arrays (views, read only)."""
        small, large = self.pair()
        return small.index.to_numpy(), small.to_numpy(), large.to_numpy()

    def names(self) -> dict[str, str]:
        return {"small": self.config.small.name, "large": self.config.large.name}


def compute_chart_data(
    market: Market, config: Config, week_end: pd.Timestamp
) -> dict[str, pd.DataFrame]:
    """Chart name -> frame for every chart whose inputs exist (see ``compute_charts``)."""
    return compute_charts(market, config, week_end).frames


def compute_charts(market: Market, config: Config, week_end: pd.Timestamp) -> ChartSet:
    """Every chart frame of the week ending ``week_end``; missing inputs omit a chart with a reason."""
    week_end = pd.Timestamp(week_end).normalize()
    # Cut once (free when the caller passes the cut it gave compute_metrics): every close the
    # frames read is then extracted once and shared, e.g. with the ladder of the metrics.
    inputs = _inputs(truncate_market(market, week_end), config, week_end)
    frames: dict[str, pd.DataFrame] = {}
    omitted: dict[str, str] = {}
    for name, compute in FRAMES.items():
        try:
            frame = compute(inputs)
        except Unavailable as exc:
            omitted[name] = str(exc)
            continue
        if frame.empty:
            omitted[name] = "no data to chart"
            continue
        frame.attrs.update(inputs.names())
        frames[name] = frame
    return ChartSet(frames=frames, omitted=omitted)


def _inputs(market: Market, config: Config, week_end: pd.Timestamp) -> _Inputs:
    try:
        small = current_close(market, config.small.index, week_end)
        large = current_close(market, config.large.index, week_end)
    except Unavailable as exc:
        return _Inputs(market, config, week_end, None, None, str(exc))
    same_dates = small.index.equals(large.index)
    if not same_dates:
        small, large = small.align(large, join="inner")
    if small.empty:
        reason = f"{config.small.index} and {config.large.index} have no date in common"
        return _Inputs(market, config, week_end, None, None, reason)
    start = history.detail_start(week_end)
    return _Inputs(market, config, week_end, small, large, "", same_dates, start)


def ytd_rebased_frame(inputs: _Inputs) -> pd.DataFrame:
    small, _ = inputs.pair()
    dates, s, lg = inputs.arrays()
    try:
        # small and large share their dates, so the year's start close is at the same row
        pos = period_start(small.index, inputs.week_end, "ytd")
    except Unavailable:
        raise Unavailable(f"no close before the start of {inputs.week_end.year}") from None
    # Rebased as metrics.returns.rebased computes it: window / start close - 1.
    columns = {
        side: (1 + (v[pos:] / float(v[pos]) - 1.0)) * 100
        for side, v in (("small", s), ("large", lg))
    }
    return history.date_frame(dates[pos:], columns)


def relative_ratio_frame(inputs: _Inputs) -> pd.DataFrame:
    dates, s, lg = inputs.arrays()
    ratio = s / lg  # metrics.relative.relative_ratio on dates the pair shares
    # Rolling means count rows, not dates: a plain range index gives the same numbers.
    daily = pd.Series(ratio)
    ma50 = moving_average(daily, 50).to_numpy()
    ma200 = moving_average(daily, 200).to_numpy()
    last = history.week_last_mask(dates)
    if np.count_nonzero(last) < 2:
        raise Unavailable("fewer than two weeks of common history")
    weeks = dates[last]
    starts, ends, leaders, cum_spread = _regimes(weeks, s[last], lg[last], ratio[last])
    n, k = len(weeks), len(starts)
    blank = np.full(k, np.nan)
    return pd.DataFrame(
        {
            "kind": ["week"] * n + ["regime"] * k,
            "date": np.concatenate([weeks, starts]),
            "ratio": np.concatenate([ratio[last], blank]),
            "ma50": np.concatenate([ma50[last], blank]),
            "ma200": np.concatenate([ma200[last], blank]),
            "end": np.concatenate([np.full(n, np.datetime64("NaT"), dtype=dates.dtype), ends]),
            "leader": [np.nan] * n + leaders,
            "cum_spread": np.concatenate([np.full(n, np.nan), cum_spread]),
        }
    )


def _regimes(
    weeks: np.ndarray, small: np.ndarray, large: np.ndarray, ratio: np.ndarray
) -> tuple[np.ndarray, np.ndarray, list[str], np.ndarray]:
    """(start, end, leader, cum_spread) of every leadership regime from the weekly closes and
    ratio: the rows of ``metrics.relative.regime_rows``, on arrays already sampled weekly."""
    bounds = np.array(sorted({0, *turning_points(ratio), len(ratio) - 1}))
    a, b = bounds[:-1], bounds[1:]
    cum_spread = (small[b] / small[a] - 1.0) - (large[b] / large[a] - 1.0)
    relative = ratio[b] / ratio[a] - 1.0
    leaders = ["small" if rel > 0 else "large" if rel < 0 else "none" for rel in relative.tolist()]
    return weeks[a], weeks[b], leaders, cum_spread


def rolling_12m_spread_frame(inputs: _Inputs) -> pd.DataFrame:
    dates, s, lg = inputs.arrays()
    start = history.window_start(dates, inputs.detail_start)
    spread = history.rolling_return(s, start) - history.rolling_return(lg, start)
    return history.weekly_rows(dates[start:], {"spread": spread})


def drawdowns_frame(inputs: _Inputs) -> pd.DataFrame:
    dates, s, lg = inputs.arrays()
    start = history.window_start(dates, inputs.detail_start)
    columns = {"small": history.drawdown(s, start), "large": history.drawdown(lg, start)}
    return history.weekly_rows(dates[start:], columns)


def rolling_risk_frame(inputs: _Inputs) -> pd.DataFrame:
    dates, s, lg = inputs.arrays()
    # metrics.risk.paired_returns on closes that share their dates; rolling windows count rows.
    returns = pd.DataFrame({"small": s[1:] / s[:-1] - 1, "large": lg[1:] / lg[:-1] - 1})
    corr = rolling_corr_of(returns).to_numpy()
    beta = rolling_beta_of(returns).to_numpy()
    days = dates[1:]
    start = history.window_start(days, inputs.detail_start)
    return history.weekly_rows(days[start:], {"corr": corr[start:], "beta": beta[start:]})


def yields_vs_relative_frame(inputs: _Inputs) -> pd.DataFrame:
    dates, s, lg = inputs.arrays()
    symbol = inputs.config.rates.get("10y")
    yield_dates, yields = history.yield_close(inputs.market, symbol, inputs.week_end)
    start = history.window_start(dates, inputs.detail_start)
    y_start = history.window_start(yield_dates, inputs.detail_start)
    days, i, j = np.intersect1d(
        dates[start:], yield_dates[y_start:], assume_unique=True, return_indices=True
    )
    ratio = s[start:][i] / lg[start:][i]
    weeks, columns = history.weekly_arrays(days, {"ratio": ratio, "yield_10y": yields[y_start:][j]})
    if len(weeks) == 0:
        raise Unavailable(f"{symbol} and the pair have no date in common")
    ratio = columns["ratio"]
    # The ratio rebased to 100 at the window's first week.
    relative = ratio / float(ratio[0]) * 100
    return history.date_frame(weeks, {"relative": relative, "yield_10y": columns["yield_10y"]})


def _paired_months(inputs: _Inputs) -> pd.DataFrame:
    if "paired_months" not in inputs.shared:
        inputs.shared.update(_compute_paired_months(inputs))
    return inputs.shared["paired_months"]


def _month_paths(inputs: _Inputs) -> pd.DataFrame:
    """``cumulative_spread_paths`` of the paired months."""
    pair = _paired_months(inputs)
    if "month_paths" not in inputs.shared:
        inputs.shared["month_paths"] = cumulative_spread_paths(pair)
    return inputs.shared["month_paths"]


def _compute_paired_months(inputs: _Inputs) -> dict[str, pd.DataFrame]:
    small, large = inputs.pair()
    found: dict[str, pd.DataFrame] = {}
    if inputs.same_dates:
        # Closes that needed no alignment give the metrics' months of the pair, which the cut
        # computes once for the seasonality and cycle sections: share them (and their paths).
        months = pair_months(inputs.market, inputs.config, inputs.week_end)
        found = {"paired_months": months.pair, "month_paths": months.paths}
    else:
        week_end = inputs.week_end
        pair = paired_months(
            *(
                keyed_monthly_returns(c, week_end, market_calendar(inputs.market))
                for c in (small, large)
            )
        )
        found = {"paired_months": pair}
    if first_january_year(found["paired_months"]) is None:
        raise Unavailable("no January return exists for both small and large")
    return found


def month_spread_frame(inputs: _Inputs) -> pd.DataFrame:
    pair = _paired_months(inputs)
    stats = _month_means(pair)
    years = stats.pop("years")
    present = years > 0
    months = np.arange(1, 13)[present]
    table = pd.DataFrame(
        {
            "month": months,
            "month_name": [MONTH_NAMES[m - 1] for m in months.tolist()],
            **{name: values[present] for name, values in stats.items()},
            "years": years[present],
        }
    )
    table.attrs.update(first_year=int(pair["year"].min()), last_year=int(pair["year"].max()))
    return table


def _month_means(pair: pd.DataFrame) -> dict[str, np.ndarray]:
    """``small_mean, large_mean, spread_mean, hit_rate, years`` per calendar month 1..12 (NaN for
    a month without years): the columns of ``metrics.monthly.month_table`` the chart draws, by
    the same sums, without the bootstrap intervals it does not draw."""
    month = pair["month"].to_numpy() - 1
    small, large = pair["small"].to_numpy(dtype=float), pair["large"].to_numpy(dtype=float)
    spread = small - large
    years = np.bincount(month, minlength=12)
    out: dict[str, np.ndarray] = {}
    with np.errstate(invalid="ignore", divide="ignore"):
        for side, values in (("small", small), ("large", large), ("spread", spread)):
            out[f"{side}_mean"] = np.bincount(month, weights=values, minlength=12) / years
        wins = (spread > 0).astype(float)
        out["hit_rate"] = np.bincount(month, weights=wins, minlength=12) / years
    out["years"] = years
    return out


def seasonal_path_frame(inputs: _Inputs) -> pd.DataFrame:
    year = inputs.week_end.year
    paths = _month_paths(inputs)
    years, values = paths.index.to_numpy(), paths.to_numpy()
    average, count = average_path(paths, years[years < year])
    if count == 0:
        raise Unavailable(f"no complete calendar year of months before {year}")
    current = values[years == year][0] if year in years else np.full(12, np.nan)
    frame = pd.DataFrame(
        {
            "month": np.arange(1, 13),
            "month_name": list(MONTH_NAMES),
            "current": current.astype(float),
            "average": average.to_numpy(dtype=float),
        }
    )
    complete = years[(years < year) & np.isfinite(values).all(axis=1)]
    frame.attrs.update(year=year, first_year=int(complete.min()), last_year=int(complete.max()))
    return frame


def cycle_phases_frame(inputs: _Inputs) -> pd.DataFrame:
    dates, s, lg = inputs.arrays()
    closes = {"small": s, "large": lg}
    years, returns = history.calendar_year_returns(
        dates, closes, inputs.week_end, market_calendar(inputs.market)
    )
    if len(years) == 0:
        raise Unavailable(f"no complete calendar year before {inputs.week_end.year}")
    small, large = returns["small"], returns["large"]
    spread = small - large
    phase = years % 4
    columns = {
        "small_mean": small,
        "large_mean": large,
        "spread_mean": spread,
        "hit_rate": (spread > 0).astype(float),
    }
    phases, means = history.group_means(phase, columns)
    return pd.DataFrame(
        {
            "phase": phases,
            "phase_name": [PHASE_NAMES[p] for p in phases.tolist()],
            **means,
            "years": np.bincount(phase, minlength=4)[phases],
            "current": (phases == inputs.week_end.year % 4).astype(int),
        }
    )


def ladder_frame(inputs: _Inputs) -> pd.DataFrame:
    config, week_end = inputs.config, inputs.week_end
    entries = [(config.small.index, config.small.name), (config.large.index, config.large.name)]
    entries += list(config.ladder.items())
    rows = []
    for symbol, label in entries:
        row = ladder_row(inputs.market, symbol, label, week_end)
        for period in LADDER_PERIODS:
            if row.get(period) is not None:
                rows.append((symbol, label, period, float(row[period])))
    if not rows:
        raise Unavailable(f"no ladder symbol has data for the week ending {iso(week_end)}")
    symbols, labels, periods, values = (list(column) for column in zip(*rows, strict=True))
    return pd.DataFrame({"symbol": symbols, "label": labels, "period": periods, "value": values})


FRAMES: dict[str, Callable[[_Inputs], pd.DataFrame]] = {
    "ytd_rebased": ytd_rebased_frame,
    "relative_ratio": relative_ratio_frame,
    "rolling_12m_spread": rolling_12m_spread_frame,
    "month_spread": month_spread_frame,
    "seasonal_path": seasonal_path_frame,
    "cycle_phases": cycle_phases_frame,
    "drawdowns": drawdowns_frame,
    "rolling_risk": rolling_risk_frame,
    "yields_vs_relative": yields_vs_relative_frame,
    "ladder": ladder_frame,
}
CHART_NAMES = tuple(FRAMES)
