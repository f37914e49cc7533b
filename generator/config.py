"""The typed project configuration, read once from ``smallcap.toml`` and passed explicitly."""

from __future__ import annotations

import codecs
import datetime as dt
import math
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from generator.errors import ConfigError
from generator.source_settings import URL_SCHEMES, Sources
from generator.symbols import SymbolError, check_symbol

DEFAULT_CONFIG = Path("smallcap.toml")
RATE_KEYS = ("13w", "5y", "10y", "30y")
# The dates pandas can hold (nanosecond timestamps run from 1677-09-21 to 2262-04-11).
EARLIEST_DATE = dt.date(1678, 1, 1)
LATEST_DATE = dt.date(2261, 12, 31)


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
    sources: Sources = Sources()
    # The gauges the Great Rotation claim reads, first available first ([rotation] claim_gauges).
    rotation_claim: tuple[str, ...] = ()

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
    "rotation": set(),  # free keys: name = [numerator, denominator]; and ROTATION_CLAIM_KEY
    "validation": {f for f in ValidationRules.__dataclass_fields__},
    "fetch": {f for f in FetchSettings.__dataclass_fields__},
    "valuation": {"stale_after_days"},
    "sources": {f for f in Sources.__dataclass_fields__},
}
_REQUIRED_SECTIONS = ("pair", "rates")
# The one key of [rotation] that is not a gauge: the gauge names the Great Rotation claim reads.
ROTATION_CLAIM_KEY = "claim_gauges"


def load_config(path: str | Path = DEFAULT_CONFIG) -> Config:
    """Read and check the config file; every error names the file and the key."""
    path = Path(path)
    try:
        raw = tomllib.loads(_config_text(path))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    return parse_config(raw, str(path))


def _config_text(path: Path) -> str:
    """The file's text; ConfigError for a file that is absent, not a plain file or not UTF-8."""
    if path.is_dir():
        raise ConfigError(f"{path}: is a folder, not a config file")
    if path.exists() and not path.is_file():
        raise ConfigError(f"{path}: not a regular file (a config file is plain TOML text)")
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the config file ({exc.strerror or exc})") from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ConfigError(f"{path}: is UTF-16 text; save it as UTF-8 (TOML files are UTF-8)")
    if data.startswith(codecs.BOM_UTF8):
        raise ConfigError(
            f"{path}: starts with a byte order mark (BOM); save it as UTF-8 without a BOM"
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ConfigError(
            f"{path}: not UTF-8 text (byte 0x{data[exc.start]:02x} on line {line}); "
            "save it as UTF-8"
        ) from None


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
    raw_rotation = raw.get("rotation", {})
    rotation = {
        k: _pair(v, f"rotation.{k}", where)
        for k, v in raw_rotation.items()
        if k != ROTATION_CLAIM_KEY
    }
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
        sources=_sources(raw.get("sources", {}), where),
        rotation_claim=_rotation_claim(raw_rotation.get(ROTATION_CLAIM_KEY, []), rotation, where),
    )
    _check_duplicates(config, where)
    return config


def _sources(raw: dict[str, Any], where: str) -> Sources:
    """The ``[sources.NAME]`` tables: each key checked, URLs and names checked."""
    parts = {}
    for name, value in raw.items():
        cls = Sources.__dataclass_fields__[name].default.__class__
        if not isinstance(value, dict):
            raise ConfigError(f"{where}: sources.{name} must be a table [sources.{name}]")
        for key in value:
            if key not in cls.__dataclass_fields__:
                raise ConfigError(f"{where}: unknown key sources.{name}.{key}")
        values = dict(value)
        if "url" in values:
            values["url"] = _url(values["url"], f"sources.{name}.url", where)
        section = _section(
            cls, {k: v for k, v in values.items() if k != "url"}, f"sources.{name}", where
        )
        if "url" in values:
            section = replace(section, url=values["url"])
        parts[name] = section
    sources = Sources(**parts)
    for file in sources.french.files:
        if "/" in file or "\\" in file or not file.lower().endswith(".zip"):
            raise ConfigError(
                f"{where}: sources.french.files: {file!r} is not a file name ending in .zip"
            )
    for series in sources.fred.series:
        _symbol(series, "sources.fred.series", where)
    return sources


def _url(value: Any, key: str, where: str) -> str:
    """A source's base URL: http(s) or file, without spaces."""
    if (
        not isinstance(value, str)
        or not value.startswith(URL_SCHEMES)
        or any(c.isspace() for c in value)
    ):
        raise ConfigError(
            f"{where}: {key} = {_shown(value)} is not valid (expected an https://, http:// or "
            "file:// address without spaces)"
        )
    return value


def _check_keys(raw: dict[str, Any], where: str) -> None:
    for section, value in raw.items():
        if section not in _SCHEMA:
            raise ConfigError(f"{where}: unknown section [{section}]")
        if not isinstance(value, dict):
            kind = _kind(value)
            if kind == "an array of tables":
                kind += f" [[{section}]]"
            raise ConfigError(f"{where}: {section} must be a table [{section}], not {kind}")
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


def _kind(value: Any) -> str:
    """What a TOML value is, for messages ("an array of tables ([[x]])" for ``[[x]]``)."""
    if isinstance(value, list):
        if value and all(isinstance(v, dict) for v in value):
            return "an array of tables"
        return "an array"
    kinds = [
        (bool, "a boolean"),
        (int, "an integer"),
        (float, "a number"),
        (str, "a string"),
        (dt.datetime, "a date-time"),
        (dt.date, "a date"),
        (dt.time, "a time"),
    ]
    return next((text for cls, text in kinds if isinstance(value, cls)), type(value).__name__)


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


def _rotation_claim(value: Any, gauges: dict[str, tuple[str, str]], where: str) -> tuple[str, ...]:
    """The gauge names of ``rotation.claim_gauges``, each one a gauge of the same table."""
    key = f"rotation.{ROTATION_CLAIM_KEY}"
    if not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
        raise ConfigError(f"{where}: {key} must be a list of gauge names, not {_kind(value)}")
    for name in value:
        if name not in gauges:
            known = ", ".join(sorted(gauges)) or "none"
            raise ConfigError(
                f"{where}: {key} names {name!r}, which is not a gauge of [rotation] ({known})"
            )
    return tuple(value)


def _section(cls: type, values: dict[str, Any], name: str, where: str) -> Any:
    kwargs = {
        key: _typed(value, cls.__dataclass_fields__[key].default, f"{name}.{key}", where)
        for key, value in values.items()
    }
    return cls(**kwargs)


def _typed(value: Any, default: Any, key: str, where: str) -> Any:
    """``value`` converted to the type of ``default`` and checked against the key's limits."""
    converted = _converted(value, default, key, where)
    limit = _LIMITS.get(key)
    if limit is not None and not limit[0](converted):
        raise ConfigError(f"{where}: {key} = {_shown(value)} is not valid (expected {limit[1]})")
    return converted


def _converted(value: Any, default: Any, key: str, where: str) -> Any:
    """``value`` converted to the type of ``default``, refusing lossy or surprising coercions."""
    problem = f"{where}: {key} = {_shown(value)} is not valid"
    if isinstance(default, bool) or isinstance(value, bool):
        if type(value) is not type(default):
            raise ConfigError(f"{problem} (expected {type(default).__name__})")
        return value
    if isinstance(default, dt.date):
        if isinstance(value, dt.datetime):  # a TOML date-time: the time would be dropped
            raise ConfigError(f"{problem} (expected a YYYY-MM-DD date, not a date-time)")
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


def _shown(value: Any) -> str:
    """A config value as the message shows it: TOML dates and times as written, others as repr."""
    return value.isoformat() if isinstance(value, dt.date | dt.time) else repr(value)


def _finite_above_zero(value: float) -> bool:
    return math.isfinite(value) and value > 0


def _finite_not_negative(value: float) -> bool:
    return math.isfinite(value) and value >= 0


def _date_pandas_holds(value: dt.date) -> bool:
    return EARLIEST_DATE <= value <= LATEST_DATE


_DATE_RANGE = f"a date from {EARLIEST_DATE} to {LATEST_DATE}"
# What each number or date may be (NaN compares false with everything, so a NaN limit would
# silently switch its check off; a huge session count overflows the date arithmetic).
_LIMITS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "validation.max_daily_jump": (_finite_above_zero, "a finite number above 0"),
    "validation.max_yield_jump": (_finite_above_zero, "a finite number above 0"),
    "validation.max_fill_sessions": (lambda n: 0 <= n <= 1000, "a whole number from 0 to 1000"),
    "validation.calendar_checked_from": (_date_pandas_holds, _DATE_RANGE),
    "validation.revision_tolerance": (_finite_not_negative, "a finite number, 0 or more"),
    "validation.yield_revision_tolerance": (_finite_not_negative, "a finite number, 0 or more"),
    "fetch.start": (_date_pandas_holds, _DATE_RANGE),
    "fetch.overlap_sessions": (lambda n: 0 <= n <= 1000, "a whole number from 0 to 1000"),
    "fetch.max_attempts": (lambda n: 1 <= n <= 100, "a whole number from 1 to 100"),
    "fetch.max_seconds": (_finite_above_zero, "a finite number above 0"),
    "valuation.stale_after_days": (lambda n: 0 <= n <= 36500, "a whole number from 0 to 36500"),
    **{
        f"sources.{name}.stale_after_days": (
            lambda n: 0 <= n <= 36500,
            "a whole number from 0 to 36500",
        )
        for name in ("yahoo", "french", "fred", "fundamentals")
    },
}


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
