"""Per-symbol health of a store: range, gaps, staleness and source (for `generator status`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from generator.calendar import NY_TZ, SessionTable, xnys
from generator.config import Config
from generator.store import load_market, manifest_mismatches, read_manifest

__all__ = ["SymbolStatus", "manifest_mismatches", "store_status"]


@dataclass(frozen=True)
class SymbolStatus:
    symbol: str
    first: str
    last: str
    rows: int
    gaps: int  # missing NYSE sessions since the configured calendar check date
    gaps_since_2000: int
    stale_sessions: int | None  # sessions between the last row and the last closed session
    source: str
    role: str


def store_status(
    store: Path, config: Config, now: pd.Timestamp, calendar: SessionTable | None = None
) -> list[SymbolStatus]:
    """One row per stored symbol, configured symbols first (``calendar``: the run's session
    table; None: the one this process builds)."""
    calendar = xnys() if calendar is None else calendar
    market = load_market(store, verify=False)  # status reports mismatches, it does not refuse
    manifest = read_manifest(store)["series"]
    roles = _roles(config)
    last_closed = _last_closed_session(now, calendar)
    rows = []
    for symbol, series in market.series.items():
        index = series.frame.index
        gaps = gaps_2000 = 0
        stale = None
        if series.calendar_checked:
            start = max(index[0], pd.Timestamp(config.validation.calendar_checked_from))
            missing = calendar.sessions(start, index[-1]).difference(index)
            gaps, gaps_2000 = len(missing), int((missing >= "2000-01-01").sum())
            stale = max(0, len(calendar.sessions(index[-1], last_closed)) - 1)
        rows.append(
            SymbolStatus(
                symbol=symbol,
                first=f"{index[0]:%Y-%m-%d}",
                last=f"{index[-1]:%Y-%m-%d}",
                rows=len(index),
                gaps=gaps,
                gaps_since_2000=gaps_2000,
                stale_sessions=stale,
                source=manifest[symbol].get("source", ""),
                role=roles.get(symbol, "extra"),
            )
        )
    order = {s: i for i, s in enumerate(config.symbols())}
    return sorted(rows, key=lambda r: (order.get(r.symbol, len(order)), r.symbol))


def _roles(config: Config) -> dict[str, str]:
    roles = {
        # A gauge symbol that has no other role (``^IXIC``); the roles below take precedence.
        **{s: "rotation" for pair in config.rotation.values() for s in pair},
        config.small.index: "small",
        config.large.index: "large",
        **{s: "ladder" for s in config.ladder},
        **{s: f"rate {k}" for k, s in config.rates.items()},
    }
    if config.small.total_return:
        roles[config.small.total_return] = "small TR"
    if config.large.total_return:
        roles[config.large.total_return] = "large TR"
    return roles


def _last_closed_session(now: pd.Timestamp, calendar: SessionTable) -> pd.Timestamp:
    today = now.tz_convert(NY_TZ).tz_localize(None).normalize()
    recent = calendar.sessions(today - pd.Timedelta(days=10), today)
    if len(recent) and not calendar.is_closed(recent[-1], now):
        recent = recent[:-1]
    return recent[-1]
