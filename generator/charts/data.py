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
from generator.metrics.common import Unavailable, current_close, iso, truncate_market
from generator.metrics.ladder import LADDER_PERIODS, ladder_row
from generator.metrics.monthly import (
    average_path,
    cumulative_spread_paths,
    first_january_year,
    keyed_monthly_returns,
    month_table,
    paired_months,
)
from generator.metrics.relative import leadership_regimes, moving_average, relative_ratio
from generator.metrics.returns import rebased
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
    # Frames computed once and read by several charts (e.g. the paired months); not compared.
    shared: dict[str, pd.DataFrame] = field(default_factory=dict, compare=False, repr=False)

    def pair(self) -> tuple[pd.Series, pd.Series]:
        if self.small is None or self.large is None:
            raise Unavailable(self.pair_reason)
        return self.small, self.large

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
    small, large = small.align(large, join="inner")
    if small.empty:
        reason = f"{config.small.index} and {config.large.index} have no date in common"
        return _Inputs(market, config, week_end, None, None, reason)
    return _Inputs(market, config, week_end, small, large)


def ytd_rebased_frame(inputs: _Inputs) -> pd.DataFrame:
    small, large = inputs.pair()
    s, lg = rebased(small, inputs.week_end, "ytd"), rebased(large, inputs.week_end, "ytd")
    if s.empty or lg.empty:
        raise Unavailable(f"no close before the start of {inputs.week_end.year}")
    frame = pd.DataFrame({"small": (1 + s) * 100, "large": (1 + lg) * 100})
    return history.with_date_column(frame)


def relative_ratio_frame(inputs: _Inputs) -> pd.DataFrame:
    small, large = inputs.pair()
    ratio = relative_ratio(small, large)
    daily = pd.DataFrame(
        {"ratio": ratio, "ma50": moving_average(ratio, 50), "ma200": moving_average(ratio, 200)}
    )
    weeks = history.with_date_column(history.weekly_last(daily))
    weeks.insert(0, "kind", "week")
    regimes = leadership_regimes(small, large)
    if len(weeks) < 2 or regimes.empty:
        raise Unavailable("fewer than two weeks of common history")
    regime_rows = pd.DataFrame(
        {
            "kind": "regime",
            "date": pd.to_datetime(regimes["start"]),
            "end": pd.to_datetime(regimes["end"]),
            "leader": regimes["leader"].astype(str),
            "cum_spread": regimes["cum_spread"].astype(float),
        }
    )
    return pd.concat([weeks, regime_rows], ignore_index=True)


def rolling_12m_spread_frame(inputs: _Inputs) -> pd.DataFrame:
    small, large = inputs.pair()
    spread = history.rolling_return(small) - history.rolling_return(large)
    return history.recent_weekly(spread.rename("spread").to_frame(), inputs.week_end)


def drawdowns_frame(inputs: _Inputs) -> pd.DataFrame:
    small, large = inputs.pair()
    frame = pd.DataFrame({"small": small / small.cummax() - 1, "large": large / large.cummax() - 1})
    return history.recent_weekly(frame, inputs.week_end)


def rolling_risk_frame(inputs: _Inputs) -> pd.DataFrame:
    small, large = inputs.pair()
    returns = history.paired_returns(small, large)
    frame = pd.DataFrame(
        {"corr": history.rolling_corr_of(returns), "beta": history.rolling_beta_of(returns)}
    )
    return history.recent_weekly(frame, inputs.week_end)


def yields_vs_relative_frame(inputs: _Inputs) -> pd.DataFrame:
    small, large = inputs.pair()
    symbol = inputs.config.rates.get("10y")
    yields = history.yield_close(inputs.market, symbol, inputs.week_end)
    both = pd.DataFrame({"ratio": relative_ratio(small, large), "yield_10y": yields}).dropna()
    frame = history.recent_weekly(both, inputs.week_end)
    if frame.empty:
        raise Unavailable(f"{symbol} and the pair have no date in common")
    ratio = frame.pop("ratio")
    frame.insert(1, "relative", ratio / float(ratio.iloc[0]) * 100)
    return frame


def _paired_months(inputs: _Inputs) -> pd.DataFrame:
    if "paired_months" not in inputs.shared:
        inputs.shared["paired_months"] = _compute_paired_months(inputs)
    return inputs.shared["paired_months"]


def _compute_paired_months(inputs: _Inputs) -> pd.DataFrame:
    small, large = inputs.pair()
    pair = paired_months(
        keyed_monthly_returns(small, inputs.week_end), keyed_monthly_returns(large, inputs.week_end)
    )
    if first_january_year(pair) is None:
        raise Unavailable("no January return exists for both small and large")
    return pair


def month_spread_frame(inputs: _Inputs) -> pd.DataFrame:
    pair = _paired_months(inputs)
    table = month_table(pair).reset_index()
    table = table[["month", "small_mean", "large_mean", "spread_mean", "hit_rate", "years"]]
    table.insert(1, "month_name", [MONTH_NAMES[m - 1] for m in table["month"]])
    table = table[table["years"] > 0].reset_index(drop=True)
    table.attrs.update(first_year=int(pair["year"].min()), last_year=int(pair["year"].max()))
    return table


def seasonal_path_frame(inputs: _Inputs) -> pd.DataFrame:
    pair = _paired_months(inputs)
    year = inputs.week_end.year
    paths = cumulative_spread_paths(pair)
    past = paths[paths.index < year]
    average, count = average_path(past)
    if count == 0:
        raise Unavailable(f"no complete calendar year of months before {year}")
    current = paths.loc[year] if year in paths.index else pd.Series(np.nan, index=paths.columns)
    frame = pd.DataFrame(
        {
            "month": np.arange(1, 13),
            "month_name": list(MONTH_NAMES),
            "current": current.to_numpy(dtype=float),
            "average": average.reindex(range(1, 13)).to_numpy(dtype=float),
        }
    )
    complete = past.dropna().index
    frame.attrs.update(year=year, first_year=int(complete.min()), last_year=int(complete.max()))
    return frame


def cycle_phases_frame(inputs: _Inputs) -> pd.DataFrame:
    small, large = inputs.pair()
    years = pd.DataFrame(
        {
            "small": history.calendar_year_returns(small, inputs.week_end),
            "large": history.calendar_year_returns(large, inputs.week_end),
        }
    ).dropna()
    if years.empty:
        raise Unavailable(f"no complete calendar year before {inputs.week_end.year}")
    years["spread"] = years["small"] - years["large"]
    phase = years.index.to_numpy() % 4
    grouped = years.groupby(phase)
    table = pd.DataFrame(
        {
            "small_mean": grouped["small"].mean(),
            "large_mean": grouped["large"].mean(),
            "spread_mean": grouped["spread"].mean(),
            "hit_rate": (years["spread"] > 0).groupby(phase).mean(),
            "years": grouped.size(),
        }
    ).rename_axis("phase")
    table = table.reset_index()
    table.insert(1, "phase_name", [PHASE_NAMES[p] for p in table["phase"]])
    table["current"] = (table["phase"] == inputs.week_end.year % 4).astype(int)
    return table


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
    return pd.DataFrame(rows, columns=["symbol", "label", "period", "value"])


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
