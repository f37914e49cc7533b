"""The universe config: the real smallcap.toml loads; every mistake names the file and the key."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator.config import (
    Config,
    FetchSettings,
    Side,
    ValidationRules,
    load_config,
    parse_config,
)
from generator.errors import ConfigError
from generator.source_settings import Sources

ROOT = Path(__file__).resolve().parents[1]
REAL_CONFIG = ROOT / "smallcap.toml"


@pytest.fixture(scope="module")
def real_text() -> str:
    return REAL_CONFIG.read_text(encoding="utf-8")


def write_variant(tmp_path: Path, text: str, name: str = "universe.toml") -> Path:
    """A config file beside the test, so messages can be checked for its name."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def edited(text: str, old: str, new: str) -> str:
    """The real config with one exact edit; fails loudly when the anchor moved."""
    assert text.count(old) == 1, f"anchor {old!r} not found exactly once in smallcap.toml"
    return text.replace(old, new)


def test_real_config_loads_with_every_role() -> None:
    config = load_config(REAL_CONFIG)
    assert config.small == Side(index="^RUT", total_return="IWM", name="Russell 2000")
    assert config.large == Side(index="^GSPC", total_return="SPY", name="S&P 500")
    assert list(config.ladder) == ["IWC", "IJR", "MDY", "RSP", "QQQ", "IWN", "IWO"]
    assert config.ladder["IJR"] == "S&P SmallCap 600"
    assert config.rates == {"13w": "^IRX", "5y": "^FVX", "10y": "^TNX", "30y": "^TYX"}
    assert config.rotation == {
        "equal_vs_cap": ("RSP", "SPY"),
        "small_vs_nasdaq": ("IWM", "QQQ"),
        "small_vs_nasdaq_index": ("^RUT", "^IXIC"),
    }
    assert config.rotation_claim == ("small_vs_nasdaq_index", "small_vs_nasdaq")
    assert config.validation == ValidationRules(
        max_daily_jump=0.25,
        max_yield_jump=2.0,
        max_fill_sessions=3,
        calendar_checked_from=dt.date(1970, 1, 1),
        revision_tolerance=0.0005,
    )
    assert config.fetch == FetchSettings(
        start=dt.date(1985, 1, 1), overlap_sessions=5, max_attempts=4, max_seconds=120.0
    )
    assert config.valuation_stale_after_days == 120
    assert config.path == str(REAL_CONFIG)


def test_symbols_order_is_pair_then_ladder_then_rates() -> None:
    config = load_config(REAL_CONFIG)
    assert config.symbols() == [
        "^RUT",
        "IWM",
        "^GSPC",
        "SPY",
        "IWC",
        "IJR",
        "MDY",
        "RSP",
        "QQQ",
        "IWN",
        "IWO",
        "^IRX",
        "^FVX",
        "^TNX",
        "^TYX",
        "^IXIC",  # only a rotation gauge names it: fetched all the same
    ]
    assert config.yield_symbols() == {"^IRX", "^FVX", "^TNX", "^TYX"}


def test_symbols_skip_missing_total_return_and_add_rotation_only_symbols() -> None:
    raw = {
        "pair": {"small": {"index": "^RUT"}, "large": {"index": "^GSPC", "total_return": "SPY"}},
        "rates": {"13w": "^IRX", "5y": "^FVX", "10y": "^TNX", "30y": "^TYX"},
        "rotation": {"x": ["DIA", "SPY"]},
    }
    config = parse_config(raw, "mini.toml")
    assert config.small == Side(index="^RUT", total_return=None, name="^RUT")
    assert config.symbols() == ["^RUT", "^GSPC", "SPY", "^IRX", "^FVX", "^TNX", "^TYX", "DIA"]
    assert config.rotation_claim == ()  # no claim_gauges: the claim has no gauge to read
    # Sections left out take the documented defaults.
    assert config.validation == ValidationRules()
    assert config.fetch == FetchSettings()
    assert isinstance(config, Config) and config.path == "mini.toml"


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        pytest.param(
            "[valuation]\n",
            "[extra]\nx = 1\n\n[valuation]\n",
            "unknown section [extra]",
            id="unknown-section",
        ),
        pytest.param(
            "[validation]\n",
            "[validation]\nmax_jump = 0.3\n",
            "unknown key validation.max_jump",
            id="unknown-key",
        ),
        pytest.param(
            'large = { index = "^GSPC", total_return = "SPY", name = "S&P 500" }',
            'large = { index = "^GSPC", total_return = "SPY", name = "S&P 500", tr = "X" }',
            "unknown key pair.large.tr",
            id="unknown-key-in-side",
        ),
        pytest.param(
            'IWC = "Micro caps (iShares Micro-Cap)"',
            'IWC = "Micro caps (iShares Micro-Cap)"\nIWM = "again"',
            "duplicate symbol 'IWM' in pair.small.total_return and ladder.IWM",
            id="duplicate-ladder-and-pair",
        ),
        pytest.param(
            '"30y" = "^TYX"',
            '"30y" = "QQQ"',
            "duplicate symbol 'QQQ' in ladder.QQQ and rates.30y",
            id="duplicate-ladder-and-rates",
        ),
        pytest.param(
            'large = { index = "^GSPC", total_return = "SPY", name = "S&P 500" }\n',
            "",
            "missing required role pair.large",
            id="missing-pair-large",
        ),
        pytest.param(
            '"10y" = "^TNX"\n',
            "",
            "missing required role rates.10y",
            id="missing-rates-10y",
        ),
        pytest.param(
            'small = { index = "^RUT", total_return = "IWM", name = "Russell 2000" }',
            'small = { total_return = "IWM", name = "Russell 2000" }',
            "missing required key pair.small.index",
            id="missing-index",
        ),
        pytest.param(
            "max_daily_jump = 0.25 ",
            'max_daily_jump = "big" ',
            "validation.max_daily_jump = 'big' is not valid",
            id="bad-type-float",
        ),
        pytest.param(
            'calendar_checked_from = "1970-01-01"',
            'calendar_checked_from = "last year"',
            "validation.calendar_checked_from = 'last year' is not valid",
            id="bad-date",
        ),
        pytest.param(
            'IWC = "Micro caps (iShares Micro-Cap)"',
            "IWC = 5",
            "ladder.IWC must be a string",
            id="bad-type-label",
        ),
        pytest.param(
            '"10y" = "^TNX"',
            '"10y" = 10',
            "rates.10y must be a non-empty ticker string",
            id="bad-type-ticker",
        ),
        pytest.param(
            '"10y" = "^TNX"',
            '"10y" = "../x"',
            "rates.10y = '../x' cannot be used as a file name",
            id="ticker-with-slash",
        ),
        pytest.param(
            'small_vs_nasdaq = ["IWM", "QQQ"]',
            'small_vs_nasdaq = ["IWM"]',
            "rotation.small_vs_nasdaq must be [numerator, denominator]",
            id="bad-rotation",
        ),
        pytest.param(
            'claim_gauges = ["small_vs_nasdaq_index", "small_vs_nasdaq"]',
            'claim_gauges = ["small_vs_nasdaq_index", "small_vs_dow"]',
            "rotation.claim_gauges names 'small_vs_dow', which is not a gauge of [rotation] "
            "(equal_vs_cap, small_vs_nasdaq, small_vs_nasdaq_index)",
            id="claim-gauge-unknown",
        ),
        pytest.param(
            'claim_gauges = ["small_vs_nasdaq_index", "small_vs_nasdaq"]',
            'claim_gauges = "small_vs_nasdaq"',
            "rotation.claim_gauges must be a list of gauge names, not a string",
            id="claim-gauges-not-a-list",
        ),
        pytest.param(
            'small = { index = "^RUT", total_return = "IWM", name = "Russell 2000" }',
            'small = "^RUT"',
            "pair.small must be a table",
            id="side-not-a-table",
        ),
    ],
)
def test_config_mistakes_name_the_file_and_key(
    tmp_path: Path, real_text: str, old: str, new: str, expected: str
) -> None:
    path = write_variant(tmp_path, edited(real_text, old, new))
    with pytest.raises(ConfigError) as info:
        load_config(path)
    message = str(info.value)
    assert message.startswith(f"{path}: ")
    assert expected in message
    assert "\n" not in message


def test_missing_required_section_is_named(tmp_path: Path, real_text: str) -> None:
    start = real_text.index("[rates]")
    end = real_text.index("[rotation]")
    path = write_variant(tmp_path, real_text[:start] + real_text[end:])
    with pytest.raises(ConfigError, match=r"missing required section \[rates\]") as info:
        load_config(path)
    assert str(path) in str(info.value)


def test_missing_file_and_invalid_toml(tmp_path: Path) -> None:
    absent = tmp_path / "absent.toml"
    with pytest.raises(ConfigError) as info:
        load_config(absent)
    assert str(info.value) == f"{absent}: config file not found"
    broken = write_variant(tmp_path, "[pair\nsmall = 1\n", "broken.toml")
    with pytest.raises(ConfigError) as info:
        load_config(broken)
    assert str(info.value).startswith(f"{broken}: not valid TOML (")


def test_fractional_session_count_is_rejected(tmp_path: Path, real_text: str) -> None:
    path = write_variant(
        tmp_path, edited(real_text, "max_fill_sessions = 3 ", "max_fill_sessions = 2.5 ")
    )
    with pytest.raises(ConfigError, match=r"validation\.max_fill_sessions"):
        load_config(path)


def test_bad_valuation_setting_is_a_config_error(tmp_path: Path, real_text: str) -> None:
    path = write_variant(
        tmp_path,
        edited(
            real_text,
            "[valuation]\nstale_after_days = 120",
            '[valuation]\nstale_after_days = "soon"',
        ),
    )
    with pytest.raises(ConfigError, match=r"valuation\.stale_after_days"):
        load_config(path)


# --- [sources] ---------------------------------------------------------------------------------


def test_sources_are_typed_records_with_the_files_defaults(real_text: str, tmp_path: Path) -> None:
    config = load_config(REAL_CONFIG)
    assert config.sources == Sources()  # the file states the defaults
    assert (
        config.sources.french.url == "https://mba.tuck.dartmouth.edu/pages/faculty/ken.french/ftp/"
    )
    assert config.sources.fred.series == ("FEDFUNDS", "DFEDTARU", "DGS10", "DTB3", "BAMLH0A0HYM2")
    mirror = write_variant(
        tmp_path,
        edited(
            real_text,
            'url = "https://fred.stlouisfed.org/graph/fredgraph.csv"',
            'url = "file:///srv/mirror/fred/fredgraph.csv"',
        ),
    )
    assert load_config(mirror).sources.fred.url == "file:///srv/mirror/fred/fredgraph.csv"


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("[sources.fred]\n", '[sources.fred]\napi_key = "x"\n', "unknown key sources.fred.api_key"),
        ("[sources.yahoo]", "[sources.bloomberg]", "unknown key sources.bloomberg"),
        (
            'url = "https://fred.stlouisfed.org/graph/fredgraph.csv"',
            'url = "ftp://mirror/fred"',
            "sources.fred.url = 'ftp://mirror/fred' is not valid (expected an https://, http:// or file:// address without spaces)",
        ),
        (
            '    "25_Portfolios_5x5_CSV.zip",',
            '    "../25_Portfolios_5x5.csv",',
            "sources.french.files: '../25_Portfolios_5x5.csv' is not a file name ending in .zip",
        ),
        (
            '"BAMLH0A0HYM2"]',
            '"BAML/H0A0"]',
            "sources.fred.series = 'BAML/H0A0' cannot be used as a file name",
        ),
        (
            "stale_after_days = 90",
            "stale_after_days = -1",
            "sources.fred.stale_after_days = -1 is not valid",
        ),
        (
            "enabled = true ",
            'enabled = "yes" ',
            "sources.fundamentals.enabled = 'yes' is not valid (expected bool)",
        ),
        (
            '    "F-F_Research_Data_Factors_daily_CSV.zip",\n]',
            "    3,\n]",
            "sources.french.files = [",
        ),
    ],
)
def test_source_mistakes_name_the_file_and_key(
    tmp_path: Path, real_text: str, old: str, new: str, expected: str
) -> None:
    path = write_variant(tmp_path, edited(real_text, old, new))
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(info.value).startswith(f"{path}: ")
    assert expected in str(info.value)
