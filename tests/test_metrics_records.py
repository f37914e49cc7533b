"""The week's move ranked in history (``week_rank``): exact ranks on hand-made closes, gaps,
point in time, and the real S&P 500 week of 2008-10-10 against pandas."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from generator.metrics.common import Unavailable
from generator.metrics.records import MIN_WEEKS, week_rank
from generator.pages.filters import ranked


def fridays(values: list[float], start: str = "2000-01-07") -> pd.Series:
    return pd.Series(values, index=pd.date_range(start, periods=len(values), freq="W-FRI"))


def test_ranks_on_hand_made_weekly_closes() -> None:
    rng = np.random.default_rng(3)
    returns = rng.uniform(-0.02, 0.02, 80)
    returns[-1] = -0.05  # this week: worse than all but the two planted below
    returns[10], returns[40] = -0.08, -0.06
    closes = fridays(list(100 * np.cumprod(np.r_[1.0, 1 + returns])))
    rank = week_rank(closes)
    history = closes.to_numpy()[1:] / closes.to_numpy()[:-1] - 1
    assert rank == {
        "weeks": 80,
        "rank_worst": 3,
        "rank_best": int((history > history[-1]).sum()) + 1,
        "first_year": 2000,
    }
    assert rank["rank_best"] == 78  # 80 weeks: two are worse, 77 better


def test_a_week_without_a_close_leaves_a_gap_not_a_longer_week() -> None:
    closes = fridays([100.0 + i for i in range(60)])
    gapped = closes.drop(closes.index[30])  # the week after has no return; nothing spans it
    assert week_rank(gapped)["weeks"] == week_rank(closes)["weeks"] - 2


def test_too_little_history_or_no_previous_week_is_unavailable() -> None:
    with pytest.raises(Unavailable, match=f"fewer than {MIN_WEEKS}"):
        week_rank(fridays([100.0 + i for i in range(MIN_WEEKS)]))
    closes = fridays([100.0 + i for i in range(70)])
    with pytest.raises(Unavailable, match="no close in the week before"):
        week_rank(closes.drop(closes.index[-2]))


def test_later_data_changes_nothing() -> None:
    """The section reads closes up to the week's end only: a crash the week after, in the
    market it is given, changes neither rank nor count."""
    from generator.config import load_config
    from generator.metrics.records import week_rank_section
    from generator.model import Market, Series
    from tests.conftest import ROOT

    config = load_config(ROOT / "smallcap.toml")
    values = list(100 + np.sin(np.arange(120)) * 5)
    values[101] = 10.0  # after the week: the worst week by far if it were seen

    def market(closes: pd.Series) -> Market:
        frame = pd.DataFrame({c: closes.to_numpy() for c in
                              ("open", "high", "low", "close", "adj_close", "volume")},
                             index=closes.index.rename("date"))  # fmt: skip
        symbols = (config.small.index, config.large.index)
        return Market({s: Series(s, frame, "test") for s in symbols})

    closes = fridays(values)
    week = closes.index[99]
    seen = week_rank_section(market(closes), config, week)
    assert seen == week_rank_section(market(closes.iloc[:100]), config, week)
    assert seen["small"]["weeks"] == 99 and seen["small"]["rank_worst"] > 1


@pytest.mark.parametrize(("rank", "text"), [(1, "worst"), (2, "2nd-worst"), (3, "3rd-worst"),
                                            (4, "4th-worst"), (11, "11th-worst"),
                                            (21, "21st-worst"), (112, "112th-worst")])  # fmt: skip
def test_ranked_words(rank: int, text: str) -> None:
    assert ranked(rank, "worst") == text


@pytest.mark.realdata
def test_the_week_of_2008_10_10_against_pandas(marketdata: Path) -> None:
    frame = pd.read_csv(marketdata / "prices" / "^GSPC.csv", index_col="Date", parse_dates=["Date"],
                        na_values=["null"])["Close"].dropna().loc[:"2008-10-10"]  # fmt: skip
    weekly = frame.groupby(frame.index.to_period("W-SUN")).last()
    full = weekly.reindex(pd.period_range(weekly.index[0], weekly.index[-1], freq="W-SUN"))
    returns = (full / full.shift(1) - 1).dropna()
    rank = week_rank(frame)
    assert rank["weeks"] == len(returns)
    assert rank["rank_worst"] == int((returns < returns.iloc[-1]).sum()) + 1
    assert rank["first_year"] == returns.index[0].start_time.year == 1928
    assert rank["rank_worst"] <= 3  # −18.2%: among the worst weeks since 1928
