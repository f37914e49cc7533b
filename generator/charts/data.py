"""Chart data frames from a Market: point-in-time, aggregated before charting.

Every frame is computed from data on or before ``week_end`` only. Long histories are sampled
weekly (the last session of each calendar week) and the secondary history charts show the
trailing ``DETAIL_YEARS`` years, so one report's specs stay small (see ``assets.py``).

Frames select, reshape and sample the tables of ``generator.metrics``; they compute no
statistic of their own. The month and phase statistics and the seasonal paths are the objects
the metrics document is built from (computed once per cut market, so shared when the charts get
the document's cut), the leadership regimes are ``relative.regime_arrays`` as in the document,
the year-to-date path is ``returns.rebased_table`` and the rolling correlation and beta are
``risk.rolling_risk_table``; tests/test_chart_metrics_agree.py checks the chart values against
the document's.

Frames and their columns (dates are naive ``Timestamp``s; returns and spreads are decimals):

- ``ytd_rebased``: ``date, small, large`` - price index levels rebased to 100 at the last close of
  the previous year, every session of the year so far.
- ``relative_ratio``: ``kind, date, ratio, ma50, ma200, end, leader, cum_spread``. ``kind="week"``
  rows: weekly small/large ratio and its 50- and 200-session moving averages (computed daily,
  then sampled). ``kind="regime"`` rows: one per leadership regime (``date`` = start, ``end``,
  ``leader`` small/large/none, ``cum_spread``) from ``metrics.relative.regime_table``.
- ``rolling_12m_spread``: ``date, spread`` - 252-session return of small minus that of large.
- ``month_spread``: ``month, month_name, small_mean, large_mean, spread_mean, hit_rate, years,
  spread_ci99_low, spread_ci99_high, current`` - the months with years of
  ``metrics.monthly.month_stats`` (the seasonality section's table, its 99% interval of the mean
  spread), ``current`` 1 for the week's month.
- ``relative_ratio_3y``: ``date, ratio, ma50, ma200`` - the ratio chart's weekly rows of the
  trailing three years.
- ``leadership_strip``: ``date, small, large, spread, leader`` - each of the trailing 12 weeks'
  return of both sides (last close of the week against the previous week's), their spread and
  which side led (``small``, ``large`` or ``tie``).
- ``spread_heatmap``: ``year, Jan, ..., Dec`` - every paired month's small minus large return,
  one row per year (the months the seasonality statistics are computed from).
- ``seasonal_path``: ``month, month_name, current, average, phase_average`` - ``metrics.
  seasonality.seasonal_paths``: compounded small minus compounded large return from the start of
  the year through each complete month, its average over the complete years before, and the
  average over those years in this year's cycle phase (the cycle section's ``phase_average_path``).
- ``french_months``: the ``month_spread`` columns for the Ken French size portfolios
  (``metrics.seasonality.french_months``, the seasonality section's ``french`` table).
- ``cycle_phases``: ``phase, phase_name, small_mean, large_mean, spread_mean, hit_rate, years,
  current`` - the phases with years of ``metrics.cycle.phase_stats`` (calendar-year returns
  grouped by presidential-cycle phase, year mod 4).
- ``drawdowns``: ``date, small, large`` - ``metrics.drawdowns.drawdown_path``: close / running
  maximum of all closes so far - 1.
- ``rolling_risk``: ``date, corr, beta`` - ``metrics.risk.rolling_risk_table``: 252-session
  correlation and beta of small on large.
- ``yields_vs_relative``: ``date, relative, yield_10y`` - small/large ratio rebased to 100 at the
  window start, and the 10-year Treasury yield (percent).
- ``ladder``: ``symbol, label, basis, period, value`` - 1w, YTD and 1y returns of adjusted closes
  (pair indices first, then the ladder in config order); ``basis`` says whether they are
  "total return" (adjusted closes differ from closes) or "price return" (an index).

Frame ``attrs`` carry display names for the builders: ``small``/``large`` (side names) and, where
useful, ``first_year``/``last_year``/``year``; ``names`` (the ladder's number of bars per period).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from generator.charts import history
from generator.config import Config
from generator.metrics.common import Unavailable, current_close, iso, truncate_market
from generator.metrics.cycle import phase_stats
from generator.metrics.drawdowns import drawdown_path
from generator.metrics.ladder import LADDER_PERIODS, ladder_row
from generator.metrics.monthly import PairMonths, pair_months, stats_table
from generator.metrics.paths import mean_path
from generator.metrics.relative import moving_average, regime_table, week_last_rows
from generator.metrics.returns import rebased_table
from generator.metrics.risk import rolling_risk_table
from generator.metrics.seasonality import french_month_arrays, french_months, seasonal_paths
from generator.model import Market

MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
PHASE_NAMES = ("Election", "Post-election", "Midterm", "Pre-election")
# The columns of the metrics' month and phase tables the charts draw.
MONTH_COLUMNS = ("small_mean", "large_mean", "spread_mean", "hit_rate", "years")
PHASE_COLUMNS = MONTH_COLUMNS
# The verdicts' 99% interval of the mean spread (the seasonality section's, the same numbers).
INTERVAL_COLUMNS = ("spread_ci99_low", "spread_ci99_high")
# The ratio's zoom and the leadership strip: the trailing window they show.
ZOOM_YEARS = 3
STRIP_WEEKS = 12


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
    # The first day of the secondary history charts' window (see history.DETAIL_YEARS).
    detail_start: np.datetime64 = field(default=np.datetime64("NaT"), compare=False)

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
    if not small.index.equals(large.index):
        small, large = small.align(large, join="inner")
    if small.empty:
        reason = f"{config.small.index} and {config.large.index} have no date in common"
        return _Inputs(market, config, week_end, None, None, reason)
    start = history.detail_start(week_end)
    return _Inputs(market, config, week_end, small, large, "", start)


def ytd_rebased_frame(inputs: _Inputs) -> pd.DataFrame:
    dates, s, lg = inputs.arrays()
    try:
        # small and large share their dates, so the year's start close is at the same row
        table = rebased_table(dates, {"small": s, "large": lg}, inputs.week_end, "ytd")
    except Unavailable:
        raise Unavailable(f"no close before the start of {inputs.week_end.year}") from None
    # The metrics' year-to-date path as an index level: 100 at the start close.
    columns = {side: (1 + table[side].to_numpy()) * 100 for side in ("small", "large")}
    return history.date_frame(table["date"].to_numpy(), columns)


def relative_ratio_frame(inputs: _Inputs) -> pd.DataFrame:
    dates, s, lg = inputs.arrays()
    ratio = s / lg  # metrics.relative.relative_ratio on dates the pair shares
    # Rolling means count rows, not dates: a plain range index gives the same numbers.
    daily = pd.Series(ratio)
    ma50 = moving_average(daily, 50).to_numpy()
    ma200 = moving_average(daily, 200).to_numpy()
    last = week_last_rows(dates)
    if np.count_nonzero(last) < 2:
        raise Unavailable("fewer than two weeks of common history")
    weeks = dates[last]
    regimes = regime_table((weeks, s[last], lg[last]))
    n, k = len(weeks), len(regimes)
    blank = np.full(k, np.nan)
    return pd.DataFrame(
        {
            "kind": ["week"] * n + ["regime"] * k,
            "date": np.concatenate([weeks, regimes["start"].to_numpy()]),
            "ratio": np.concatenate([ratio[last], blank]),
            "ma50": np.concatenate([ma50[last], blank]),
            "ma200": np.concatenate([ma200[last], blank]),
            "end": np.concatenate(
                [np.full(n, np.datetime64("NaT"), dtype=dates.dtype), regimes["end"].to_numpy()]
            ),
            "leader": [np.nan] * n + regimes["leader"].tolist(),
            "cum_spread": np.concatenate([np.full(n, np.nan), regimes["cum_spread"].to_numpy()]),
        }
    )


def rolling_12m_spread_frame(inputs: _Inputs) -> pd.DataFrame:
    dates, s, lg = inputs.arrays()
    start = history.window_start(dates, inputs.detail_start)
    spread = history.rolling_return(s, start) - history.rolling_return(lg, start)
    return history.weekly_rows(dates[start:], {"spread": spread})


def drawdowns_frame(inputs: _Inputs) -> pd.DataFrame:
    dates, s, lg = inputs.arrays()
    start = history.window_start(dates, inputs.detail_start)
    columns = {"small": drawdown_path(s, start), "large": drawdown_path(lg, start)}
    return history.weekly_rows(dates[start:], columns)


def rolling_risk_frame(inputs: _Inputs) -> pd.DataFrame:
    dates, s, lg = inputs.arrays()
    table = rolling_risk_table(dates, s, lg)
    days = table["date"].to_numpy()
    start = history.window_start(days, inputs.detail_start)
    columns = {name: table[name].to_numpy()[start:] for name in ("corr", "beta")}
    return history.weekly_rows(days[start:], columns)


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


def _pair_months_of(inputs: _Inputs) -> PairMonths:
    """The metrics' paired months of the pair (computed once per cut, shared with them)."""
    inputs.pair()  # the pair's own reason first (e.g. no date in common)
    months = pair_months(inputs.market, inputs.config, inputs.week_end)
    if months.months.first_year() is None:
        raise Unavailable("no January return exists for both small and large")
    return months


def month_spread_frame(inputs: _Inputs) -> pd.DataFrame:
    months = _pair_months_of(inputs)
    table = months.table  # the seasonality section's month statistics, the same object
    shown = table[table["years"].to_numpy() > 0]
    frame = pd.DataFrame(
        {
            "month": shown["month"].to_numpy(),
            "month_name": [MONTH_NAMES[m - 1] for m in shown["month"].tolist()],
            **{name: shown[name].to_numpy() for name in MONTH_COLUMNS + INTERVAL_COLUMNS},
            "current": (shown["month"].to_numpy() == inputs.week_end.month).astype(int),
        }
    )
    keys = months.months.keys
    frame.attrs.update(first_year=int(keys[0] // 12), last_year=int(keys[-1] // 12))
    return frame


def seasonal_path_frame(inputs: _Inputs) -> pd.DataFrame:
    _pair_months_of(inputs)
    year = inputs.week_end.year
    paths = seasonal_paths(inputs.market, inputs.config, inputs.week_end)
    if paths.years == 0:
        raise Unavailable(f"no complete calendar year of months before {year}")
    table = paths.table
    # The average path of the years in this year's cycle phase (the cycle section's).
    months, phase = _pair_months_of(inputs), year % 4
    in_phase, phase_years = mean_path(
        months.grid, (months.years % 4 == phase) & (months.years < year)
    )
    frame = pd.DataFrame(
        {
            "month": table["month"].to_numpy(),
            "month_name": list(MONTH_NAMES),
            "current": table["current"].to_numpy(),
            "average": table["average"].to_numpy(),
            "phase_average": in_phase,
        }
    )
    frame.attrs.update(year=year, first_year=paths.first_year, last_year=paths.last_year,
                       phase=PHASE_NAMES[phase].lower(), phase_years=phase_years)  # fmt: skip
    return frame


def french_months_frame(inputs: _Inputs) -> pd.DataFrame:
    """The month-spread frame of the Ken French size portfolios (the seasonality section's
    ``french`` table: bottom against top 30% by size, since 1926)."""
    pairs = french_months(inputs.market, inputs.week_end).pairs
    table = stats_table(
        "month", list(range(1, 13)), french_month_arrays(inputs.market, inputs.week_end)
    )
    shown = table[table["years"].to_numpy() > 0]
    if shown.empty:
        raise Unavailable("no complete month of the Ken French size portfolios")
    frame = pd.DataFrame(
        {
            "month": shown["month"].to_numpy(),
            "month_name": [MONTH_NAMES[m - 1] for m in shown["month"].tolist()],
            **{name: shown[name].to_numpy() for name in MONTH_COLUMNS + INTERVAL_COLUMNS},
            "current": (shown["month"].to_numpy() == inputs.week_end.month).astype(int),
        }
    )
    frame.attrs.update(first_year=pairs.first_year(), last_year=int(pairs.keys[-1] // 12))
    return frame


def cycle_phases_frame(inputs: _Inputs) -> pd.DataFrame:
    inputs.pair()
    try:
        table = phase_stats(inputs.market, inputs.config, inputs.week_end).table
    except Unavailable:
        raise Unavailable(f"no complete calendar year before {inputs.week_end.year}") from None
    shown = table[table["years"].to_numpy() > 0]
    phases = shown["phase"].to_numpy()
    return pd.DataFrame(
        {
            "phase": phases,
            "phase_name": [PHASE_NAMES[p] for p in phases.tolist()],
            **{name: shown[name].to_numpy() for name in PHASE_COLUMNS},
            "current": (phases == inputs.week_end.year % 4).astype(int),
        }
    )


def relative_ratio_3y_frame(inputs: _Inputs) -> pd.DataFrame:
    """The ratio chart's weekly rows (the same numbers) of the trailing ``ZOOM_YEARS``."""
    frame = relative_ratio_frame(inputs)
    start = history.detail_start(inputs.week_end, ZOOM_YEARS)
    if frame["date"].iloc[0] >= start:
        raise Unavailable(f"less than {ZOOM_YEARS} years of history: the full chart shows them")
    weeks = (frame["kind"].to_numpy(dtype=object) == "week") & (frame["date"].to_numpy() >= start)
    return pd.DataFrame({c: frame[c].to_numpy()[weeks] for c in ("date", "ratio", "ma50", "ma200")})


def leadership_strip_frame(inputs: _Inputs) -> pd.DataFrame:
    """``date, small, large, spread, leader`` of the trailing ``STRIP_WEEKS`` weeks: each side's
    week return from the week's last close to the previous week's (the scoreboard's 1w)."""
    dates, s, lg = inputs.arrays()
    last = week_last_rows(dates)
    if np.count_nonzero(last) < 2:
        raise Unavailable("fewer than two weeks of common history")
    weeks, sw, lw = (
        dates[last][-STRIP_WEEKS - 1 :],
        s[last][-STRIP_WEEKS - 1 :],
        lg[last][-STRIP_WEEKS - 1 :],
    )
    small, large = sw[1:] / sw[:-1] - 1, lw[1:] / lw[:-1] - 1
    spread = small - large
    leader = np.where(spread > 0, "small", np.where(spread < 0, "large", "tie"))
    return history.date_frame(
        weeks[1:], {"small": small, "large": large, "spread": spread, "leader": leader}
    )


def spread_heatmap_frame(inputs: _Inputs) -> pd.DataFrame:
    """``year, Jan, ..., Dec``: every paired month's small minus large return, one row per year
    (the months the seasonality statistics are computed from; NaN for a month without both)."""
    months = _pair_months_of(inputs).months
    keys = months.keys.astype(int)
    years = np.arange(keys[0] // 12, keys[-1] // 12 + 1)
    grid = np.full((len(years), 12), np.nan)
    grid[keys // 12 - years[0], keys % 12] = months.small - months.large
    return pd.DataFrame({"year": years, **{name: grid[:, i] for i, name in enumerate(MONTH_NAMES)}})


def ladder_frame(inputs: _Inputs) -> pd.DataFrame:
    config, week_end = inputs.config, inputs.week_end
    entries = [(config.small.index, config.small.name), (config.large.index, config.large.name)]
    entries += list(config.ladder.items())
    rows = []
    for symbol, label in entries:
        row = ladder_row(inputs.market, symbol, label, week_end)
        basis = _return_basis(inputs.market, symbol, week_end)
        for period in LADDER_PERIODS:
            if row.get(period) is not None:
                rows.append((symbol, label, basis, period, float(row[period])))
    if not rows:
        raise Unavailable(f"no ladder symbol has data for the week ending {iso(week_end)}")
    symbols, labels, bases, periods, values = (list(c) for c in zip(*rows, strict=True))
    frame = pd.DataFrame(
        {"symbol": symbols, "label": labels, "basis": bases, "period": periods, "value": values}
    )
    # The chart's height is a number of pixels per bar (see catalogue.ladder_height).
    frame.attrs.update(names=len(dict.fromkeys(zip(symbols, labels, bases, strict=True))))
    return frame


def _return_basis(market: Market, symbol: str, week_end: pd.Timestamp) -> str:
    """What the ladder's return of ``symbol`` is: "total return" when its adjusted closes (which
    the ladder reads) differ from its closes (dividends reinvested), else "price return" (an
    index, or a fund whose source gives no adjustment)."""
    try:
        adjusted = current_close(market, symbol, week_end, adjusted=True).to_numpy()
        plain = current_close(market, symbol, week_end).to_numpy()
    except Unavailable:
        return "price return"
    same = len(adjusted) == len(plain) and np.allclose(adjusted, plain, rtol=1e-9, atol=0)
    return "price return" if same else "total return"


FRAMES: dict[str, Callable[[_Inputs], pd.DataFrame]] = {
    "ytd_rebased": ytd_rebased_frame,
    "relative_ratio": relative_ratio_frame,
    "relative_ratio_3y": relative_ratio_3y_frame,
    "leadership_strip": leadership_strip_frame,
    "rolling_12m_spread": rolling_12m_spread_frame,
    "month_spread": month_spread_frame,
    "french_months": french_months_frame,
    "seasonal_path": seasonal_path_frame,
    "spread_heatmap": spread_heatmap_frame,
    "cycle_phases": cycle_phases_frame,
    "drawdowns": drawdowns_frame,
    "rolling_risk": rolling_risk_frame,
    "yields_vs_relative": yields_vs_relative_frame,
    "ladder": ladder_frame,
}
CHART_NAMES = tuple(FRAMES)
