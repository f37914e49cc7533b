"""The metrics engine: pure functions from a point-in-time Market to the weekly document.

``compute_metrics`` builds the JSON-ready document, ``metrics_json`` serialises it
deterministically. The series functions re-exported here feed the charts.
"""

from generator.metrics.document import compute_core, compute_metrics, metrics_json
from generator.metrics.drawdowns import drawdown_path
from generator.metrics.relative import (
    leadership_regimes,
    moving_average,
    regime_table,
    relative_ratio,
    weekly_last,
)
from generator.metrics.returns import rebased, rebased_table
from generator.metrics.risk import daily_returns, rolling_risk_table, rolling_vol

__all__ = [
    "compute_core",
    "compute_metrics",
    "daily_returns",
    "drawdown_path",
    "leadership_regimes",
    "metrics_json",
    "moving_average",
    "rebased",
    "rebased_table",
    "regime_table",
    "relative_ratio",
    "rolling_risk_table",
    "rolling_vol",
    "weekly_last",
]
