"""Every published number, declared once: its path in the document, label, unit and format.

A path names a field of ``schema.Document`` by its JSON keys, ``*`` standing for every row of a
list or every key of a mapping (``seasonality.months.*.hit_rate``). Pages format numbers through
``Metric.format`` (the ``metric`` filter), "what changed" ranks the metrics that have a
``change_scale``, claim evidence is labelled from here, and a test checks that every number of
the schema is declared, that every path resolves, and that the methodology page defines each.
Nothing guesses a format from a key's spelling.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from generator.metrics.codec import Missing

# Units: what the stored number is, which decides how it is shown.
PERCENT = "percent"  # a decimal fraction (0.081) shown as a percent (8.1%)
PP = "percentage points"  # a difference of two decimal fractions, shown in pp (−3.8 pp)
YIELD = "yield percent"  # a yield already quoted in percent (4.25 -> 4.25%)
BP = "basis points"  # a change of a percent-quoted yield (0.25 -> +25 bp)
INDEX = "index level"  # a price or index level
RATIO = "ratio"  # a dimensionless number (ratio, z-score, beta, correlation, P/E)
YEARS = "years"  # a count of years
WEEKS = "weeks"
SESSIONS = "sessions"
DAYS = "days"
MONTHS_COUNT = "months"  # a count of months
YEAR = "calendar year"  # a year number (1988)
MONTH = "calendar month"  # 1-12, shown as the month's name
PHASE = "cycle phase"  # 0-3: election, post-election, midterm, pre-election
COUNT = "count"  # any other count (resamples, a seed)
UNITS = (PERCENT, PP, YIELD, BP, INDEX, RATIO, YEARS, WEEKS, SESSIONS, DAYS, MONTHS_COUNT, YEAR,
         MONTH, PHASE, COUNT)  # fmt: skip

NOT_AVAILABLE = "n/a"
MINUS = "\u2212"  # a real minus sign, so negative numbers do not wrap or read as dashes
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")  # fmt: skip
PHASES = ("election", "post-election", "midterm", "pre-election")


@dataclass(frozen=True)
class Metric:
    """One published number. ``change_scale`` (in the metric's stored unit) makes it a "what
    changed" measure: moves are ranked by |change| / scale. ``headline`` marks numbers the title
    and narrative may quote."""

    path: str
    label: str
    unit: str
    digits: int = 1
    signed: bool = False
    headline: bool = False
    change_scale: float | None = None

    def format(self, value: Any) -> str:
        """The value as a reader sees it in a table ("n/a" when missing)."""
        return format_number(value, self.unit, self.digits, self.signed)

    def format_prose(self, value: Any) -> str:
        """The value in a sentence (title, narrative): at most one decimal, easier to read."""
        return format_number(value, self.unit, min(self.digits, 1), self.signed)

    def format_compared(self, value: Any) -> str:
        """The value in "what changed", with a decimal at least: a whole-number percentile
        would make a 1.6-point move read as 2 points."""
        return format_number(value, self.unit, max(self.digits, 1), self.signed)

    def format_change(self, value: Any) -> str:
        """A week-over-week change of this metric (always signed; percents become pp)."""
        unit = PP if self.unit == PERCENT else self.unit
        return format_number(value, unit, max(self.digits, 1), True)


def format_number(value: Any, unit: str, digits: int = 1, signed: bool = False) -> str:
    """A stored number in ``unit`` as display text; Missing, None, NaN -> "n/a"."""
    if isinstance(value, Missing) or value is None or isinstance(value, bool):
        return NOT_AVAILABLE
    number = float(value)
    if not math.isfinite(number):
        return NOT_AVAILABLE
    if unit in (MONTH, PHASE):
        names = MONTHS if unit == MONTH else PHASES
        index = int(number) - 1 if unit == MONTH else int(number)
        return names[index] if 0 <= index < len(names) else NOT_AVAILABLE
    if unit == YEAR:
        return _signed(f"{int(round(number))}", number, signed)
    if unit in (YEARS, WEEKS, SESSIONS, DAYS, MONTHS_COUNT, COUNT):
        # Thousands separated, as every other number: "of 4,213 weeks".
        return _signed(f"{int(round(number)):,}", number, signed)
    scale, suffix, places = _SHOWN[unit]
    text = f"{number * scale:,.{digits if places is None else places}f}"
    if float(text.replace(",", "")) == 0:
        text = text.lstrip("-")  # no "−0.0%"
    return _signed(text, float(text.replace(",", "")), signed) + suffix


# unit -> (factor, suffix, fixed decimals or None for the metric's own)
_SHOWN = {
    PERCENT: (100.0, "%", None),
    PP: (100.0, " pp", None),
    YIELD: (1.0, "%", None),
    BP: (100.0, " bp", 0),
    INDEX: (1.0, "", None),
    RATIO: (1.0, "", None),
}


def _signed(text: str, number: float, signed: bool) -> str:
    if text.startswith("-"):
        return MINUS + text[1:]
    return ("+" + text) if signed and number > 0 else text


# The configured Treasury yields (config.RATE_KEYS) in words, as tables and sentences name them.
YIELD_LABELS = {"13w": "13-week", "5y": "5-year", "10y": "10-year", "30y": "30-year"}

PERIOD_LABELS = {
    "1w": "week",
    "mtd": "month to date",
    "qtd": "quarter to date",
    "ytd": "year to date",
    "1y": "1 year",
    "3y_ann": "3 years, annualised",
    "5y_ann": "5 years, annualised",
    "10y_ann": "10 years, annualised",
}
SIDE_LABELS = {"small": "Small caps", "large": "Large caps", "spread": "Spread (small − large)"}
PCT = {"unit": PERCENT, "digits": 1}


def _returns() -> list[Metric]:
    out = []
    for basis, what in (("returns", "price return"), ("returns_tr", "total return")):
        for period, period_label in PERIOD_LABELS.items():
            for side, side_label in SIDE_LABELS.items():
                unit = PP if side == "spread" else PERCENT
                scale = 0.01 if basis == "returns" and (period, side) in _CHANGED_RETURNS else None
                out.append(Metric(f"{basis}.{period}.{side}", f"{side_label}, {what}, "
                                  f"{period_label}", unit, 2, True, basis == "returns", scale))  # fmt: skip
    return out


_CHANGED_RETURNS = {("ytd", "small"), ("ytd", "large"), ("ytd", "spread"), ("1y", "spread")}


def _stats(base: str, digits: int = 2) -> list[Metric]:
    """The statistics of a group of years (a month, a window, a phase) under ``base``; means of
    calendar-year returns (``digits=1``) are larger numbers than monthly means."""
    return [
        Metric(f"{base}.years", "Years", YEARS, headline=True),
        Metric(f"{base}.small_mean", "Small caps, mean", PERCENT, digits, True),
        Metric(f"{base}.small_median", "Small caps, median", PERCENT, digits, True),
        Metric(f"{base}.large_mean", "Large caps, mean", PERCENT, digits, True),
        Metric(f"{base}.large_median", "Large caps, median", PERCENT, digits, True),
        Metric(f"{base}.spread_mean", "Mean spread", PP, digits, True, True),
        Metric(f"{base}.spread_median", "Median spread", PP, digits, True),
        Metric(f"{base}.hit_rate", "Hit rate", PERCENT, 0, headline=True),
        Metric(f"{base}.wins", "Years small caps led", YEARS),
        Metric(f"{base}.spread_ci90_low", "90% interval, low", PP, 1, True),
        Metric(f"{base}.spread_ci90_high", "90% interval, high", PP, 1, True),
        # Two decimals: the verdict turns on the sign of these ends, and "0.0 pp" beside
        # "supports" (an end of +0.04 pp) read as a contradiction.
        Metric(f"{base}.spread_ci99_low", "99% interval, low", PP, 2, True),
        Metric(f"{base}.spread_ci99_high", "99% interval, high", PP, 2, True),
    ]


def _seasonal(base: str, what: str) -> list[Metric]:
    windows = [
        *_stats(f"{base}.months.*"),
        Metric(f"{base}.months.*.month", "Month", MONTH),
        Metric(f"{base}.first_year", f"Since{what}", YEAR, headline=True),
    ]
    for key, label in (("dec15_feb15", "December 15 to February 15"),
                       ("first5_january", "first five sessions of January")):  # fmt: skip
        windows += _stats(f"{base}.{key}")
        windows += [
            Metric(f"{base}.{key}.this_year", f"This year, {label}{what}", YEAR),
            Metric(
                f"{base}.{key}.this_year_spread", f"Spread this year, {label}{what}", PP, 2, True
            ),  # fmt: skip
        ]
    return windows


def _sides(base: str, label: str, unit: str, digits: int = 1, signed: bool = False,
           scale: float | None = None, headline: bool = False) -> list[Metric]:  # fmt: skip
    return [
        Metric(
            f"{base}.{side}", label.format(side=words), unit, digits, signed, headline, scale
        )  # fmt: skip
        for side, words in (("small", "small caps"), ("large", "large caps"))
    ]


def _fundamentals() -> list[Metric]:
    """The ``fundamentals`` section: ETF snapshots of both sides and the Ken French B/M record."""
    base = "fundamentals"
    figures = (("pe", "P/E", RATIO, 1, PERCENT), ("pb", "P/B", RATIO, 2, PERCENT),
               ("earnings_growth_3y", "3-year earnings growth", PERCENT, 1, PP))  # fmt: skip
    out = []
    for key, label, unit, digits, compared in figures:
        for side, words in (("small", "small-cap ETF"), ("large", "large-cap ETF")):
            out += [
                Metric(f"{base}.{key}.{side}.value", f"{label}, {words}", unit, digits),
                Metric(
                    f"{base}.{key}.{side}.age_days", f"Age of the {label} snapshot, {words}", DAYS
                ),  # fmt: skip
            ]
        out.append(Metric(f"{base}.{key}.small_vs_large", f"{label}, small vs large", compared,
                          1, True))  # fmt: skip
    growth = f"{base}.earnings_growth_52w"
    out += [
        Metric(f"{growth}.small", "Earnings growth over 52 weeks, small-cap ETF", PERCENT, 1, True),
        Metric(f"{growth}.large", "Earnings growth over 52 weeks, large-cap ETF", PERCENT, 1, True),
        Metric(f"{growth}.gap", "Earnings growth over 52 weeks, small − large", PP, 1, True),
        Metric(f"{growth}.snapshots", "Weekly P/E snapshots", COUNT),
        Metric(
            f"{base}.book_to_market.ratio", "Book-to-market, small / big (Ken French)", RATIO, 2
        ),  # fmt: skip
        Metric(
            f"{base}.book_to_market.median", "Median book-to-market ratio since 1926", RATIO, 2
        ),  # fmt: skip
        Metric(
            f"{base}.book_to_market.percentile",
            "Percentile of the book-to-market ratio",
            PERCENT,
            0,
        ),  # fmt: skip
        Metric(f"{base}.book_to_market.months", "Months of book-to-market data", COUNT),
    ]
    return out


# Horizon key -> (its words after "over", its words before "window").
CUT_HORIZONS = {"3m": ("3 months", "3-month"), "6m": ("6 months", "6-month"),
                "12m": ("12 months", "12-month")}  # fmt: skip


def _ratecuts() -> list[Metric]:
    """The rate-cuts section: per-cycle windows, their summary, the policy rate, the HY spread."""
    base = "ratecuts.easing"
    out = [
        Metric(f"{base}.cycles.*.rate_before", "Peak rate before the first cut", YIELD, 2),
    ]
    for key, (words, span) in CUT_HORIZONS.items():
        row, stats = f"{base}.cycles.*.{key}", f"{base}.summary.{key}"
        out += [
            Metric(f"{row}.small", f"Small caps, {words} after the first cut", PERCENT, 1, True),
            Metric(f"{row}.large", f"Large caps, {words} after the first cut", PERCENT, 1, True),
            Metric(f"{row}.spread", f"Spread, {words} after the first cut", PP, 1, True),
            Metric(f"{stats}.n", f"Easing cycles with a complete {span} window", COUNT),
            Metric(f"{stats}.pending", f"Easing cycles whose {span} window is pending", COUNT),
            Metric(f"{stats}.spread_mean", f"Mean spread, {words} after first cuts", PP, 1, True),
            Metric(f"{stats}.spread_median", f"Median spread, {words}", PP, 1, True),
            Metric(f"{stats}.hit_rate", f"Hit rate, {words} after first cuts", PERCENT, 0),
            Metric(f"{stats}.wins", f"Cycles small caps led, {words} after first cuts", COUNT),
            *[
                Metric(
                    f"{stats}.spread_ci{level}_{end}",
                    f"{level}% interval, {end}, {words}",
                    PP,
                    1,
                    True,
                )  # fmt: skip
                for level in (90, 99)
                for end in ("low", "high")
            ],
            Metric(f"{stats}.first_year", f"First cycle with a {span} window", YEAR),
            Metric(f"{stats}.last_year", f"Last cycle with a {span} window", YEAR),
        ]
    return [
        *out,
        Metric("ratecuts.now.level", "Policy rate", YIELD, 2),
        Metric("ratecuts.now.change_12m", "Policy rate, 12-month change", BP, 0, True),
        Metric("ratecuts.now.months_since_last_cut", "Months since the last cut", MONTHS_COUNT),
        Metric(
            "ratecuts.now.months_since_cycle_start",
            "Months since the easing cycle began",
            MONTHS_COUNT,
        ),
        Metric("ratecuts.high_yield.level", "High-yield spread", YIELD, 2),
        Metric("ratecuts.high_yield.change_13w", "High-yield spread, 13-week change", BP, 0, True),
        Metric("ratecuts.high_yield.pct_all", "High-yield spread percentile, history", PERCENT, 0),
        Metric(
            "ratecuts.high_yield.beta",
            "Spread beta (pp of relative return per +1 pp of spread)",
            PP,
            2,
            True,
        ),
        Metric("ratecuts.high_yield.corr", "Spread correlation", RATIO, 2, True),
        Metric("ratecuts.high_yield.weeks", "Weeks", WEEKS),
    ]


METRICS: tuple[Metric, ...] = (
    *_returns(),
    *[
        Metric(f"drawdown.{s}.current", f"Current drawdown, {w}", PERCENT, 1, True, True, 0.01)
        for s, w in (("small", "small caps"), ("large", "large caps"))
    ],  # fmt: skip
    *[
        Metric(f"drawdown.{s}.{k}", f"{label}, {w}", PERCENT, 1, True)
        for s, w in (("small", "small caps"), ("large", "large caps"))
        for k, label in (
            ("max_1y", "Maximum drawdown, past year"),
            ("max_all", "Maximum drawdown, full history"),
        )
    ],  # fmt: skip
    *[
        m
        for s, w in (("small", "small caps"), ("large", "large caps"))
        for m in (
            Metric(f"highs.{s}.all_time", f"All-time closing high, {w}", INDEX, 2, headline=True),
            Metric(
                f"highs.{s}.pct_from_all_time", f"From all-time high, {w}", PERCENT, 1, True, True
            ),
            Metric(
                f"highs.{s}.sessions_since_all_time", f"Sessions since all-time high, {w}", SESSIONS
            ),
            Metric(f"highs.{s}.high_52w", f"52-week high, {w}", INDEX, 2),
            Metric(
                f"highs.{s}.pct_from_high_52w",
                f"From 52-week high, {w}",
                PERCENT,
                1,
                True,
                True,
                0.01,
            ),
            Metric(f"highs.{s}.low_52w", f"52-week low, {w}", INDEX, 2),
            Metric(f"highs.{s}.pct_from_low_52w", f"From 52-week low, {w}", PERCENT, 1, True),
        )
    ],  # fmt: skip
    Metric("relative.ratio", "Ratio small / large", RATIO, 4),
    Metric("relative.ma_50", "Ratio, 50-session average", RATIO, 4),
    Metric("relative.ma_200", "Ratio, 200-session average", RATIO, 4),
    Metric("relative.pct_52w", "Ratio percentile, past 52 weeks", PERCENT, 0, False, True, 0.01),
    Metric("relative.pct_all", "Ratio percentile, full history", PERCENT, 0, False, True, 0.01),
    Metric("relative.zscore_3y", "Ratio z-score, 3 years", RATIO, 2, True, True, 0.1),
    Metric("relative.drawdown", "Ratio drawdown from its peak", PERCENT, 1, True, True, 0.01),
    Metric("relative.last_week_spread", "Weekly relative return, latest week", PP, 2, True),
    Metric(
        "relative.outperf_streak_weeks", "Weeks in a row small caps led", WEEKS, headline=True
    ),  # fmt: skip
    Metric(
        "relative.underperf_streak_weeks", "Weeks in a row large caps led", WEEKS, headline=True
    ),  # fmt: skip
    Metric(
        "relative.outperf_streak_record_weeks",
        "Longest run of weeks small caps led",
        WEEKS,
        headline=True,
    ),  # fmt: skip
    Metric("relative.regime_threshold", "Regime threshold (zig-zag filter)", PERCENT, 0),
    Metric("relative.regimes.*.weeks", "Weeks", WEEKS),
    Metric(
        "relative.regimes.*.small_return", "Small caps' return over the regime", PERCENT, 1, True
    ),  # fmt: skip
    Metric(
        "relative.regimes.*.large_return", "Large caps' return over the regime", PERCENT, 1, True
    ),  # fmt: skip
    Metric("relative.regimes.*.cum_spread", "Cumulative spread", PP, 1, True),
    Metric("relative.regimes.*.relative_return", "Change of the ratio", PERCENT, 1, True, True),
    *_sides(
        "risk.vol_3m", "Volatility of {side}, 3 months (annualised)", PERCENT, 1, False, 0.01
    ),  # fmt: skip
    *_sides("risk.vol_1y", "Volatility of {side}, 1 year (annualised)", PERCENT, 1),
    Metric("risk.corr_1y", "Correlation, 1 year of daily returns", RATIO, 2, False, False, 0.01),
    Metric("risk.beta_1y", "Beta of small on large, 1 year", RATIO, 2, False, False, 0.01),
    *_seasonal("seasonality", ""),
    *_seasonal("seasonality.french", ", Ken French size portfolios"),
    Metric("seasonality.current_year", "Current year", YEAR),
    Metric("seasonality.bootstrap.level", "Bootstrap interval level", PERCENT, 0),
    Metric("seasonality.bootstrap.resamples", "Bootstrap resamples", COUNT),
    Metric("seasonality.bootstrap.seed", "Bootstrap seed", COUNT),
    Metric("claims.*.n", "Observations behind the verdict", COUNT),
    Metric("seasonality.average_path.*.month", "Month", MONTH),
    Metric("seasonality.average_path.*.spread", "Average cumulative spread", PP, 1, True),
    Metric("seasonality.average_path_years", "Years averaged in the seasonal path", YEARS),
    Metric("seasonality.current_year_path.*.month", "Month", MONTH),
    Metric("seasonality.current_year_path.*.spread", "Cumulative spread this year", PP, 1, True),
    *_stats("cycle.phases.*", digits=1),
    Metric("cycle.phases.*.phase", "Cycle phase", PHASE),
    *_stats("cycle.french.phases.*", digits=1),
    Metric("cycle.french.phases.*.phase", "Cycle phase", PHASE),
    Metric("cycle.french.first_year", "First year of the Ken French cycle table", YEAR),
    Metric("cycle.french.last_complete_year", "Last complete year, Ken French", YEAR),
    Metric("cycle.year", "Year", YEAR),
    Metric("cycle.phase", "Phase of the four-year cycle", PHASE, headline=True),
    Metric("cycle.first_year", "First year of the cycle table", YEAR),
    Metric("cycle.last_complete_year", "Last complete year", YEAR),
    Metric("cycle.monthly_spread_by_phase.*.phase", "Cycle phase", PHASE),
    Metric("cycle.monthly_spread_by_phase.*.months.*", "Mean monthly spread", PP, 2, True),
    Metric("cycle.phase_average_path.*.month", "Month", MONTH),
    Metric(
        "cycle.phase_average_path.*.spread", "Average cumulative spread, this phase", PP, 1, True
    ),  # fmt: skip
    Metric("cycle.phase_average_path_years", "Years averaged in the phase path", YEARS),
    Metric("cycle.current_year_path.*.month", "Month", MONTH),
    Metric("cycle.current_year_path.*.spread", "Cumulative spread this year", PP, 1, True),
    Metric("rates.yields.*.level", "Yield", YIELD, 2),
    Metric("rates.yields.*.change_1w", "Yield, week change", BP, 0, True),
    Metric("rates.yields.*.change_3m", "Yield, 3-month change", BP, 0, True),
    Metric("rates.slope_10y_13w", "Slope, 10-year minus 13-week", BP, 0),
    Metric(
        "rates.sensitivity.*.beta",
        "Rate beta (pp of relative return per +1 pp of yield)",
        PP,
        2,
        True,
    ),  # fmt: skip
    Metric("rates.sensitivity.*.corr", "Rate correlation", RATIO, 2, True),
    Metric("rates.sensitivity.*.weeks", "Weeks", WEEKS),
    Metric("rates.sensitivity.*.beta_ci99_low", "Rate beta, 99% interval, low", PP, 2, True),
    Metric("rates.sensitivity.*.beta_ci99_high", "Rate beta, 99% interval, high", PP, 2, True),
    Metric("valuation.curated.stale_after_days", "Stale after", DAYS),
    *[
        m
        for s, w in (("small", "small caps"), ("large", "large caps"))
        for m in (
            Metric(f"valuation.curated.{s}.forward_pe", f"Forward P/E, {w}", RATIO, 1),
            Metric(
                f"valuation.curated.{s}.earnings_growth",
                f"Expected earnings growth, {w}",
                PERCENT,
                1,
            ),
            Metric(f"valuation.curated.{s}.age_days", f"Age of the curated entry, {w}", DAYS),
            Metric(f"valuation.curated.{s}_forward_pe", f"Forward P/E, {w}", RATIO, 1),
            Metric(
                f"valuation.curated.{s}_earnings_growth",
                f"Expected earnings growth, {w}",
                PERCENT,
                1,
            ),
            Metric(f"valuation.trailing_pe.{s}.value", f"ETF trailing P/E, {w}", RATIO, 1),
        )
    ],  # fmt: skip
    Metric("valuation.curated.discount", "Forward P/E, small vs large", PERCENT, 1, True),
    Metric("valuation.curated.earnings_growth_gap", "Expected earnings growth gap", PP, 1, True),
    Metric(
        "valuation.trailing_pe.discount", "ETF trailing P/E, small vs large", PERCENT, 1, True
    ),  # fmt: skip
    Metric(
        "valuation.book_to_market.small.value", "Book-to-market, smallest size quintile", RATIO, 2
    ),  # fmt: skip
    Metric(
        "valuation.book_to_market.big.value", "Book-to-market, biggest size quintile", RATIO, 2
    ),  # fmt: skip
    Metric("valuation.book_to_market.ratio", "Book-to-market, small / big", RATIO, 2),
    *_fundamentals(),
    Metric("ladder.rows.*.1w", "Week", PERCENT, 2, True),
    Metric("ladder.rows.*.ytd", "Year to date", PERCENT, 2, True),
    Metric("ladder.rows.*.1y", "1 year", PERCENT, 2, True),
    Metric("ladder.rotation.*.ratio", "Gauge ratio", RATIO, 4),
    Metric("ladder.rotation.*.change_1w", "Gauge, week change", PERCENT, 2, True),
    Metric("ladder.rotation.*.pct_52w", "Gauge percentile, 52 weeks", PERCENT, 0),
    *[
        Metric(f"week_rank.{side}.{key}", f"{label}, {words}", unit)
        for side, words in (("small", "small caps"), ("large", "large caps"))
        for key, label, unit in (
            ("weeks", "Weekly returns ranked", WEEKS),
            ("rank_best", "This week's rank among the best weeks", COUNT),
            ("rank_worst", "This week's rank among the worst weeks", COUNT),
            ("first_year", "First year of the weekly ranking", YEAR),
        )
    ],
    *[
        m
        for side, words in (("small", "small caps"), ("large", "large caps"))
        for m in (
            Metric(f"lead.records.{side}.close", f"Index level, {words}", INDEX, 2, headline=True),
            Metric(
                f"lead.records.{side}.weeks_since_previous_record",
                f"Weeks since the record this close beat, {words}",
                WEEKS,
            ),
        )
    ],
    Metric(
        "lead.underperf_streak_record_weeks",
        "Longest run of weeks large caps led",
        WEEKS,
        headline=True,
    ),
    Metric("lead.ratio_first_year", "First year of the ratio small / large", YEAR, headline=True),
    Metric("sources.rows.*.series", "Stored series", COUNT),
    Metric("sources.rows.*.age_days", "Age of the latest observation", DAYS),
    Metric("sources.rows.*.stale_after_days", "Stale after", DAYS),
    Metric("sources.rows.*.stale_series", "Series older than the limit", COUNT),
    Metric("great_rotation.ci_level", "Level of the weekly relative return's interval", PERCENT, 0),
    Metric("great_rotation.gauges.*.weeks", "Weekly closes of the gauge's history", WEEKS),
    *[
        Metric(
            f"great_rotation.gauges.*.change_{w}w", f"Relative return, {w} weeks", PERCENT, 2, True
        )
        for w in (4, 13, 52)
    ],
    Metric("great_rotation.gauges.*.pct_all", "Ratio percentile, whole history", PERCENT, 0),
    Metric(
        "great_rotation.gauges.*.change_13w_pct",
        "13-week relative return, percentile of its history",
        PERCENT,
        0,
    ),
    Metric(
        "great_rotation.gauges.*.weekly_mean",
        "Mean weekly relative return, 52 weeks",
        PERCENT,
        2,
        True,
    ),
    Metric(
        "great_rotation.gauges.*.weekly_ci_low",
        "Mean weekly relative return, 99% interval, low",
        PERCENT,
        2,
        True,
    ),
    Metric(
        "great_rotation.gauges.*.weekly_ci_high",
        "Mean weekly relative return, 99% interval, high",
        PERCENT,
        2,
        True,
    ),
    Metric("great_rotation.gauges.*.weekly_n", "Weekly relative returns in the interval", WEEKS),
    *_ratecuts(),
)

# Series that only charts publish (in their data tables): not in the document, so their paths
# start with "chart." and name the chart and its column.
CHART_SERIES: tuple[Metric, ...] = (
    Metric("chart.ytd_rebased.small", "Small caps, rebased to 100 at the year's start", INDEX, 2),
    Metric("chart.ytd_rebased.large", "Large caps, rebased to 100 at the year's start", INDEX, 2),
    Metric("chart.yields_vs_relative.relative", "Ratio small / large, rebased to 100", INDEX, 2),
)

BY_PATH = {m.path: m for m in (*METRICS, *CHART_SERIES)}
# The measures of "what changed", in declaration order (ties of the ranking go by path).
CHANGE_METRICS = tuple(m for m in METRICS if m.change_scale is not None)


def metric(path: str) -> Metric:
    """The declaration at ``path`` (rows and keys written as ``*``); KeyError names it."""
    try:
        return BY_PATH[path]
    except KeyError:
        raise KeyError(f"no published metric is declared at {path!r}") from None
