"""Chart numbers in the registry's units, so a tooltip says what the report's table says.

A chart column tied to a published number (``ChartDef.metrics``: column -> registry path) is
written into the chart's data rounded once, as the table rounds it (``rounded_text``), and shown
by ``shown_expression``: a Vega expression formatting it as ``Metric.format`` does (decimals,
sign, thousands separator, "%", " pp"). The browser then formats a number that already is what
the table shows, so no second rounding can differ: three significant digits shown with two
decimals made a table's −15.65% read −15.60% in its tooltip, and a hit rate of 80% read 81%.
"""

from __future__ import annotations

import json
import math

from generator.metrics.registry import (
    BP,
    COUNT,
    DAYS,
    INDEX,
    MONTHS_COUNT,
    PERCENT,
    PP,
    RATIO,
    SESSIONS,
    WEEKS,
    YEAR,
    YEARS,
    YIELD,
    Metric,
)

# unit -> (decimal places the shown number moves: 0.081 -> 8.1, suffix); as ``registry._SHOWN``.
_SHOWN = {
    PERCENT: (2, "%"),
    PP: (2, " pp"),
    YIELD: (0, "%"),
    BP: (2, " bp"),
    INDEX: (0, ""),
    RATIO: (0, ""),
}
_WHOLE = (YEARS, WEEKS, SESSIONS, DAYS, MONTHS_COUNT, COUNT, YEAR)


def _places(metric: Metric) -> int:
    """Decimals of the shown number (basis points are always whole)."""
    return 0 if metric.unit == BP else metric.digits


def _shown(metric: Metric) -> tuple[int, str]:
    if metric.unit not in _SHOWN:
        raise ValueError(f"metric {metric.path}: unit {metric.unit!r} is not a chart number")
    return _SHOWN[metric.unit]


def rounded_text(value: float, metric: Metric) -> str:
    """``value`` (in the metric's stored unit) as chart-data text, rounded where the metric's
    table rounds it (``-0.15654`` as a percent of two decimals: ``-0.1565``); empty when not a
    number. Trailing zeros are dropped (the tooltip's format puts them back)."""
    if not math.isfinite(value):
        return ""
    if metric.unit in _WHOLE:
        return str(int(round(value)))
    shift, _ = _shown(metric)
    text = format(value * 10**shift, f".{_places(metric)}f")
    return _moved_point(text, shift)


def _moved_point(text: str, places: int) -> str:
    """The decimal ``text`` divided by 10**``places`` (moving its point, so no float rounding),
    without trailing zeros; zero unsigned."""
    sign, body = ("-", text[1:]) if text.startswith("-") else ("", text)
    whole, _, fraction = body.partition(".")
    if places:
        whole = whole.rjust(places + 1, "0")
        whole, fraction = whole[:-places], whole[-places:] + fraction
    whole, fraction = whole.lstrip("0") or "0", fraction.rstrip("0")
    out = whole + ("." + fraction if fraction else "")
    return out if out == "0" else sign + out


def shown_expression(metric: Metric, value: str) -> str:
    """A Vega expression of the number ``value`` (an expression) as ``metric.format`` shows it:
    "+0.45 pp", "−15.65%", "80%", "1,234.50". Vega's format writes a real minus, as the registry
    does, and no sign on a value that rounds to zero."""
    if metric.unit in _WHOLE:
        return f"format({value}, ',.0f')"
    shift, suffix = _shown(metric)
    places = _places(metric)
    scaled = f"{value} * {10**shift}" if shift else value
    text = f"format({scaled}, {json.dumps(f',.{places}f')})"
    if metric.signed:  # "+" only when the shown number is above zero, as ``registry._signed``
        text = f"(round({scaled} * {10**places}) > 0 ? '+' : '') + {text}"
    return text + (f" + {json.dumps(suffix)}" if suffix else "")
