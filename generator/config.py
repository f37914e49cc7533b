"""The typed project configuration, read once from ``smallcap.toml`` and passed explicitly."""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.errors import ConfigError
from generator.symbols import SymbolError, check_symbol

DEFAULT_CONFIG = Path("smallcap.toml")
RATE_KEYS = ("13w", "5y", "10y", "30y")


@dataclass(frozen=True)
class Side:
    """One side of the small/large comparison."""

    index: str
    total_return: str | None
    name: str


@dataclass(frozen=True)
class ValidationRules:
    max_daily_jump: float = 0.25
    max_yield_jump: float = 2.0
    max_fill_sessions: int = 3
    calendar_checked_from: dt.date = dt.date(1970, 1, 1)
    revision_tolerance: float = 0.0005
    yield_revision_tolerance: float = 0.01
    jump_exempt: tuple[str, ...] = ("^VIX",)  # volatility indices really do move >25% a day


@dataclass(frozen=True)
class FetchSettings:
    start: dt.date = dt.date(1985, 1, 1)
    overlap_sessions: int = 5
    max_attempts: int = 4
    max_seconds: float = 120.0


@dataclass(frozen=True)
class Config:
    small: Side
    large: Side
    ladder: dict[str, str]
    rates: dict[str, str]
    rotation: dict[str, tuple[str, str]]
    validation: ValidationRules
    fetch: FetchSettings
    valuation_stale_after_days: int = 120
    path: str = str(DEFAULT_CONFIG)

    def symbols(self) -> list[str]:
        """Every configured symbol, in a stable order: pair, ladder, rates."""
        seen: list[str] = []
        pair = [
            self.small.index,
            self.small.total_return,
            self.large.index,
            self.large.total_return,
        ]
        rotation = [s for pair_ in self.rotation.values() for s in pair_]
        for sym in [*pair, *self.ladder, *self.rates.values(), *rotation]:
            if sym and sym not in seen:
                seen.append(sym)
        return seen

    def yield_symbols(self) -> set[str]:
        return set(self.rates.values())


_SCHEMA: dict[str, set[str]] = {
    "pair": {"small", "large"},
    "ladder": set(),  # free keys: symbol = label
    "rates": set(RATE_KEYS),
    "rotation": set(),  # free keys: name = [numerator, denominator]
    "validation": {f for f in ValidationRules.__dataclass_fields__},
    "fetch": {f for f in FetchSettings.__dataclass_fields__},
    "valuation": {"stale_after_days"},
}
_REQUIRED_SECTIONS = ("pair", "rates")


def load_config(path: str | Path = DEFAULT_CONFIG) -> Config:
    """Read and check the config file; every error names the file and the key."""
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    return parse_config(raw, str(path))


def parse_config(raw: dict[str, Any], where: str = "smallcap.toml") -> Config:
    """Build a Config from parsed TOML, rejecting unknown keys and missing roles."""
    _check_keys(raw, where)
    pair = raw["pair"]
    small = _side(pair, "small", where)
    large = _side(pair, "large", where)
    rates = {k: _symbol(v, f"rates.{k}", where) for k, v in raw["rates"].items()}
    ladder = {
        _symbol(k, f"ladder.{k}", where): _text(v, f"ladder.{k}", where)
        for k, v in raw.get("ladder", {}).items()
    }
    rotation = {k: _pair(v, f"rotation.{k}", where) for k, v in raw.get("rotation", {}).items()}
    config = Config(
        small=small,
        large=large,
        ladder=ladder,
        rates=rates,
        rotation=rotation,
        validation=_section(ValidationRules, raw.get("validation", {}), "validation", where),
        fetch=_section(FetchSettings, raw.get("fetch", {}), "fetch", where),
        valuation_stale_after_days=_typed(
            raw.get("valuation", {}).get("stale_after_days", 120),
            120,
            "valuation.stale_after_days",
            where,
        ),
        path=where,
    )
    _check_duplicates(config, where)
    return config


def _check_keys(raw: dict[str, Any], where: str) -> None:
    for section in raw:
        if section not in _SCHEMA:
            raise ConfigError(f"{where}: unknown section [{section}]")
    for section in _REQUIRED_SECTIONS:
        if section not in raw:
            raise ConfigError(f"{where}: missing required section [{section}]")
    for section, allowed in _SCHEMA.items():
        if allowed and section in raw:
            for key in raw[section]:
                if key not in allowed:
                    raise ConfigError(f"{where}: unknown key {section}.{key}")
    for role in ("small", "large"):
        if role not in raw["pair"]:
            raise ConfigError(f"{where}: missing required role pair.{role}")
    for key in RATE_KEYS:
        if key not in raw["rates"]:
            raise ConfigError(f"{where}: missing required role rates.{key}")


def _side(pair: dict[str, Any], role: str, where: str) -> Side:
    value = pair[role]
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: pair.{role} must be a table with index, total_return, name")
    unknown = set(value) - {"index", "total_return", "name"}
    if unknown:
        raise ConfigError(f"{where}: unknown key pair.{role}.{sorted(unknown)[0]}")
    if "index" not in value:
        raise ConfigError(f"{where}: missing required key pair.{role}.index")
    tr = value.get("total_return")
    return Side(
        index=_symbol(value["index"], f"pair.{role}.index", where),
        total_return=_symbol(tr, f"pair.{role}.total_return", where) if tr else None,
        name=_text(value.get("name", value["index"]), f"pair.{role}.name", where),
    )


def _symbol(value: Any, key: str, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{where}: {key} must be a non-empty ticker string")
    try:
        return check_symbol(value.strip())
    except SymbolError as exc:
        raise ConfigError(
            f"{where}: {key} = {value!r} cannot be used as a file name: {exc.reason}"
        ) from None


def _text(value: Any, key: str, where: str) -> str:
    if not isinstance(value, str):
        raise ConfigError(f"{where}: {key} must be a string")
    return value


def _pair(value: Any, key: str, where: str) -> tuple[str, str]:
    if not (isinstance(value, list) and len(value) == 2):
        raise ConfigError(f"{where}: {key} must be [numerator, denominator]")
    return (_symbol(value[0], key, where), _symbol(value[1], key, where))


def _section(cls: type, values: dict[str, Any], name: str, where: str) -> Any:
    kwargs = {
        key: _typed(value, cls.__dataclass_fields__[key].default, f"{name}.{key}", where)
        for key, value in values.items()
    }
    return cls(**kwargs)


def _typed(value: Any, default: Any, key: str, where: str) -> Any:
    """``value`` converted to the type of ``default``, refusing lossy or surprising coercions."""
    problem = f"{where}: {key} = {value!r} is not valid"
    if isinstance(default, bool) or isinstance(value, bool):
        if type(value) is not type(default):
            raise ConfigError(f"{problem} (expected {type(default).__name__})")
        return value
    if isinstance(default, dt.date):
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            raise ConfigError(f"{problem} (expected a YYYY-MM-DD date)") from None
    if isinstance(default, int):
        if not isinstance(value, int):
            raise ConfigError(f"{problem} (expected a whole number)")
        return value
    if isinstance(default, float):
        if not isinstance(value, int | float):
            raise ConfigError(f"{problem} (expected a number)")
        return float(value)
    if isinstance(default, tuple):
        if not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            raise ConfigError(f"{problem} (expected a list of strings)")
        return tuple(value)
    raise ConfigError(problem)


def _check_duplicates(config: Config, where: str) -> None:
    roles: dict[str, str] = {}
    entries = [
        ("pair.small.index", config.small.index),
        ("pair.small.total_return", config.small.total_return),
        ("pair.large.index", config.large.index),
        ("pair.large.total_return", config.large.total_return),
        *((f"ladder.{s}", s) for s in config.ladder),
        *((f"rates.{k}", s) for k, s in config.rates.items()),
    ]
    for key, symbol in entries:
        if symbol is None:
            continue
        if symbol in roles:
            raise ConfigError(f"{where}: duplicate symbol {symbol!r} in {roles[symbol]} and {key}")
        roles[symbol] = key
