"""Where each source's data comes from and when it counts as stale: the ``[sources.NAME]``
tables of ``smallcap.toml`` as typed records (``config.parse_config`` reads and checks them)."""

from __future__ import annotations

from dataclasses import dataclass

FRENCH_URL = "https://mba.tuck.dartmouth.edu/pages/faculty/ken.french/ftp/"
FRENCH_FILES = (
    "Portfolios_Formed_on_ME_daily_CSV.zip",
    "Portfolios_Formed_on_ME_CSV.zip",
    "25_Portfolios_5x5_CSV.zip",
    "F-F_Research_Data_Factors_daily_CSV.zip",
)
FRED_URL = "https://fred.stlouisfed.org/graph/fredgraph.csv"
FRED_SERIES = ("FEDFUNDS", "DFEDTARU", "DGS10", "DTB3", "BAMLH0A0HYM2")
URL_SCHEMES = ("https://", "http://", "file://")


@dataclass(frozen=True)
class YahooSource:
    stale_after_days: int = 7


@dataclass(frozen=True)
class FrenchSource:
    url: str = FRENCH_URL  # the library's folder: each file is fetched from url + name
    files: tuple[str, ...] = FRENCH_FILES
    stale_after_days: int = 120


@dataclass(frozen=True)
class FredSource:
    url: str = FRED_URL  # each series is fetched from url?id=SERIES
    series: tuple[str, ...] = FRED_SERIES
    stale_after_days: int = 90


@dataclass(frozen=True)
class FundamentalsSource:
    enabled: bool = True
    stale_after_days: int = 14


@dataclass(frozen=True)
class Sources:
    """Where each source's data comes from and after how many days it counts as stale."""

    yahoo: YahooSource = YahooSource()
    french: FrenchSource = FrenchSource()
    fred: FredSource = FredSource()
    fundamentals: FundamentalsSource = FundamentalsSource()
