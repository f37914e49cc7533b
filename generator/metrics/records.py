"""Where this week's move stands in history: the rank of each side's weekly price return among
every weekly return since its data start ("the S&P 500's 2nd-worst week since 1928").

Weekly returns run from one calendar week's last close to the next week's (weeks without a
close leave a gap, not a longer "week"), as ``returns.1w`` does for this week.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from generator.config import Config
from generator.metrics.common import Unavailable, current_close, record
from generator.metrics.rates import weekly_last
from generator.model import Market

MIN_WEEKS = 52  # a rank among fewer weeks says little


def week_rank(close: pd.Series) -> dict[str, Any]:
    """The last week's rank among all weekly returns of ``close`` (closes up to the week's end,
    its last row in that week): best and worst (1 = the most extreme), how many weeks, and the
    first year. Unavailable with fewer than MIN_WEEKS weekly returns."""
    weekly = weekly_last(close)
    values = weekly.to_numpy(dtype=float)
    returns = values[1:] / values[:-1] - 1
    starts = weekly.index[1:]
    valid = np.isfinite(returns)
    if not len(valid) or not valid[-1]:
        raise Unavailable("no close in the week before this one")
    if valid.sum() < MIN_WEEKS:
        raise Unavailable(f"fewer than {MIN_WEEKS} weekly returns")
    history = returns[valid]
    current = returns[-1]
    return {
        "weeks": int(valid.sum()),
        "rank_best": int((history > current).sum()) + 1,
        "rank_worst": int((history < current).sum()) + 1,
        "first_year": int(starts[valid][0].year),
    }


def week_rank_section(market: Market, config: Config, week_end: pd.Timestamp) -> dict[str, Any]:
    """``week_rank``: each side's rank (null with the reason when it has no current close)."""
    out: dict[str, Any] = {}
    for side, symbol in (("small", config.small.index), ("large", config.large.index)):
        record(out, side, lambda s=symbol: week_rank(current_close(market, s, week_end)))
    return out
