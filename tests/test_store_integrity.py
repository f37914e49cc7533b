"""Store integrity: one rule for symbols, nothing written outside the store, a lost manifest,
rollback of a failed update, and refusing (and restoring) a store that differs from its manifest.

Every store and file is built here from tiny fixtures; nothing reads the repository's data.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import calendar, store
from generator.config import load_config, parse_config
from generator.errors import ConfigError, DataError, ParseError
from generator.model import Series
from generator.sources.csvfiles import parse_file
from generator.sources.fred import frequency_change
from generator.sources.sample import sample_market
from generator.symbols import RESERVED, SymbolError, check_symbol
from tests.weeklyproject import pin_clock, run_cli

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "smallcap.toml"
DAYS = calendar.sessions("2025-01-02", "2026-08-21")  # ~415 sessions
NOW = pd.Timestamp("2026-08-25 17:00", tz="America/New_York").tz_convert("UTC")


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    pin_clock(monkeypatch, NOW)


def run(*argv: str | Path) -> int:
    return run_cli(*(str(a) for a in argv))


def with_store(folder: Path, *argv: str | Path) -> int:
    return run("--store", folder, "--config", CONFIG, *argv)


def err_lines(capsys: pytest.CaptureFixture[str]) -> list[str]:
    """What a command said on stderr, without its progress bars."""
    lines = capsys.readouterr().err.splitlines()
    return [line for line in lines if line and not line.startswith("parse:")]


def tree(root: Path) -> dict[str, str | None]:
    """sha256 of every file and None for every folder under ``root``."""
    return {
        p.relative_to(root).as_posix(): (
            hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else None
        )
        for p in sorted(root.rglob("*"))
    }


def closes(n: int, start: float = 100.0) -> np.ndarray:
    return start * np.cumprod(np.r_[1.0, np.full(n - 1, 1.001)])


def download_csv(path: Path, days: pd.DatetimeIndex, close: np.ndarray, **cells: str) -> Path:
    """A Yahoo download CSV; ``cells`` overrides one column's text in every row."""
    lines = ["Date,Open,High,Low,Close,Adj Close,Volume"]
    for day, c in zip(days, close, strict=True):
        row = {"open": f"{c:.4f}", "high": f"{c:.4f}", "low": f"{c:.4f}", "close": f"{c:.4f}"}
        row |= {"adj": f"{c / 2:.4f}", "volume": "1000"} | cells
        lines.append(f"{day:%Y-%m-%d},{','.join(row.values())}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# --- 6. one rule for every symbol ----------------------------------------------------------


TICKERS = ["^GSPC", "^RUT", "IWM", "BRK-B", "BRK.B", "GC=F", "EURUSD=X", "DX-Y.NYB", "M&M.NS"]
TICKERS += ["FF_ME_LO30", "RU2000TR", "SHILLER_PE10", "IWM (1)", "valuations", "manifest2"]


@pytest.mark.parametrize("symbol", TICKERS)
def test_symbols_in_use_are_accepted(symbol: str) -> None:
    assert check_symbol(symbol) == symbol


@pytest.mark.parametrize(
    ("symbol", "reason"),
    [
        ("../../x", "contains '/'"),
        ("/tmp/abs", "contains '/'"),
        ("a\\b", "contains '\\\\'"),
        ("C:x", "contains ':'"),
        ("..", "starts with '.'"),
        (".", "starts with '.'"),
        (".hidden", "starts with '.'"),
        ("x..y", "contains '..'"),
        ("a\x00b", "control character '\\x00'"),
        ("a\nb", "control character '\\n'"),
        ("a\u202eb", "control character '\\u202e'"),
        ("", "is empty"),
        (" IWM", "starts or ends with a space"),
        ("valuation", "is reserved: the curated valuation.csv"),
        ("Valuation", "is reserved: the curated valuation.csv"),
        ("MANIFEST", "is reserved: the store's manifest.json"),
        ("X" * 65, "longer than 64 characters"),
        ("a|b", "contains '|'"),
    ],
)
def test_symbols_that_could_name_another_file_are_refused(symbol: str, reason: str) -> None:
    with pytest.raises(SymbolError) as info:
        check_symbol(symbol)
    assert str(info.value).startswith(f"symbol {symbol!r} ")
    assert reason in str(info.value)


@pytest.mark.slow
@settings(max_examples=500, deadline=None)
@given(st.text(max_size=80))
def test_an_accepted_symbol_names_one_file_directly_in_the_store(symbol: str) -> None:
    folder = Path("/srv/project/data")
    try:
        check_symbol(symbol)
    except SymbolError:
        return
    path = store.series_path(folder, symbol)
    assert path.name == f"{symbol}.csv"
    assert Path(os.path.abspath(path)).parent == folder
    assert path.stem.casefold() not in RESERVED


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(
    st.text(max_size=20),
    st.sampled_from(["/", "\\", "..", "\x00", "\n", "\r", "\t", "\x7f", ":"]),
    st.text(max_size=20),
)
def test_separators_dot_dot_and_controls_are_refused_anywhere(
    before: str, bad: str, after: str
) -> None:
    with pytest.raises(SymbolError):
        check_symbol(before + bad + after)


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(sorted(RESERVED)).flatmap(
        lambda n: st.tuples(*(st.sampled_from([c.lower(), c.upper()]) for c in n))
    )
)
def test_reserved_names_are_refused_in_any_case(letters: tuple[str, ...]) -> None:
    with pytest.raises(SymbolError, match="is reserved"):
        check_symbol("".join(letters))


def test_the_store_refuses_a_symbol_before_writing_anything(tmp_path: Path) -> None:
    frame = pd.DataFrame({"value": [1.0]}, index=pd.DatetimeIndex(["2026-08-21"], name="date"))
    for symbol in ("../x", str(tmp_path / "abs"), "valuation"):
        bad = Series(symbol, frame, "test", schema="value", measure="level")
        with pytest.raises(SymbolError):
            store.write_store(tmp_path / "data", [bad], fetched_at="t", sample=False)
        with pytest.raises(SymbolError):
            store.series_path(tmp_path / "data", symbol)
    assert tree(tmp_path) == {}


def test_a_manifest_naming_a_path_is_refused(tmp_path: Path) -> None:
    (tmp_path / "manifest.json").write_text(
        '{"sample": false, "series": {"../x": {"schema": "value"}}}', encoding="utf-8"
    )
    with pytest.raises(DataError) as info:
        store.read_manifest(tmp_path)
    assert str(info.value).startswith(f"{tmp_path / 'manifest.json'}: symbol '../x' contains '/'")


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        (
            "fred.csv",
            "observation_date,../../x\n2026-08-20,1.0\n2026-08-21,1.1\n",
            "symbol '../../x' contains '/'",
        ),
        (
            "abs.csv",
            "observation_date,{abs}\n2026-08-20,1.0\n2026-08-21,1.1\n",
            "symbol '{abs}' contains '/'",
        ),
        (
            "yf.csv",
            "Price,Close,Open,High,Low,Volume\nTicker,../evil,../evil,../evil,../evil,../evil\n"
            "Date,,,,,\n2026-08-21,1,1,1,1,1\n",
            "symbol '../evil' contains '/'",
        ),
        ("valuation.csv", None, "symbol 'valuation' is reserved"),
        ("Valuation.csv", None, "symbol 'Valuation' is reserved"),
        ("manifest.csv", None, "symbol 'manifest' is reserved"),
    ],
)
def test_import_refuses_symbols_taken_from_file_content_or_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, text: str | None, message: str
) -> None:
    project = tmp_path / "project"
    data = project / "data"
    data.mkdir(parents=True)
    download_csv(project / "IWM.csv", DAYS[-3:], closes(3))
    assert with_store(data, "-q", "import", project / "IWM.csv") == 0
    (data / "valuation.csv").write_text(
        "date,side,forward_pe,earnings_growth,source,note\n", encoding="utf-8"
    )
    incoming = tmp_path / "in" / name
    incoming.parent.mkdir()
    if text is None:
        download_csv(incoming, DAYS[-3:], closes(3))
    else:
        incoming.write_text(text.replace("{abs}", str(tmp_path / "abs")), encoding="utf-8")
        message = message.replace("{abs}", str(tmp_path / "abs"))
    before = tree(tmp_path)
    assert with_store(data, "import", incoming) == 1
    assert err_lines(capsys) == [f"error: {incoming}: {message}" + err_tail(message)]
    assert tree(tmp_path) == before  # nothing written, inside the store or out


def err_tail(message: str) -> str:
    reasons = {
        "contains '/'": ", which cannot be in a file name (a path separator, or refused by Windows)",
        "reserved": "",
    }
    tail = next(v for k, v in reasons.items() if k in message)
    if "reserved" in message:
        what = "the curated valuation.csv" if "aluation" in message else "the store's manifest.json"
        tail = f": {what} lives beside the series (upper or lower case alike)"
    return tail + "; rename the column or file"


@pytest.mark.parametrize("symbol", ["valuation", "VALUATION", "a\tb", "Manifest"])
def test_config_symbols_pass_the_same_rule(symbol: str) -> None:
    raw = {
        "pair": {"small": {"index": "^RUT"}, "large": {"index": "^GSPC"}},
        "ladder": {symbol: "label"},
        "rates": {"13w": "^IRX", "5y": "^FVX", "10y": "^TNX", "30y": "^TYX"},
    }
    with pytest.raises(ConfigError) as info:
        parse_config(raw, "smallcap.toml")
    with pytest.raises(SymbolError) as direct:
        check_symbol(symbol)
    assert str(info.value) == (
        f"smallcap.toml: ladder.{symbol} = {symbol!r} cannot be used as a file name: "
        f"{direct.value.reason}"
    )


def test_symbols_differing_only_in_case_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    download_csv(tmp_path / "IWM.csv", DAYS[-3:], closes(3))
    assert with_store(data, "-q", "import", tmp_path / "IWM.csv") == 0
    (tmp_path / "in").mkdir()
    lower = download_csv(tmp_path / "in" / "iwm.csv", DAYS[-3:], closes(3))
    before = tree(data)
    assert with_store(data, "import", lower) == 1
    assert err_lines(capsys) == [
        f"error: {data}: symbols 'IWM' and 'iwm' differ only in case; on a case-insensitive "
        "file system (macOS, Windows) they would share one file"
    ]
    assert tree(data) == before


# --- 7. a lost manifest, a failed rename, huge numbers, FRED frequency -----------------------


def test_import_after_the_manifest_is_lost_merges_with_the_csv_on_disk(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    history = closes(len(DAYS))
    download_csv(tmp_path / "IWM.csv", DAYS[:-1], history[:-1])
    assert with_store(data, "-q", "import", tmp_path / "IWM.csv") == 0
    (data / "manifest.json").unlink()
    recent = tmp_path / "recent" / "IWM.csv"
    recent.parent.mkdir()
    download_csv(recent, DAYS[-11:], history[-11:])  # ten stored rows and one new
    assert with_store(data, "import", recent) == 0
    lines = err_lines(capsys)
    assert lines[0] == (
        f"repaired: IWM: IWM.csv was not listed in manifest.json; its {len(DAYS) - 1} rows "
        "were kept and merged [unlisted-file]"
    )
    assert lines[-1] == f"{data}: 1 series written, 1 new rows, 1 repairs"
    merged = store.read_series(data, "IWM").frame
    assert len(merged) == len(DAYS)
    np.testing.assert_allclose(merged["close"], np.round(history, 4), rtol=1e-9)
    assert store.manifest_mismatches(data) == []


def test_an_unlisted_csv_of_another_kind_is_refused_with_the_fix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "IWM.csv").write_text("date,value\n2026-08-21,1.000000\n", encoding="utf-8")
    download_csv(tmp_path / "IWM.csv", DAYS[-3:], closes(3))
    before = tree(data)
    assert with_store(data, "import", tmp_path / "IWM.csv") == 1
    assert err_lines(capsys) == [
        f"error: {data / 'IWM.csv'}: columns ['value'] differ from ['open', 'high', 'low', "
        "'close', 'adj_close', 'volume']; IWM.csv is not listed in manifest.json: move it out "
        f"of {data} to import IWM afresh, or restore manifest.json"
    ]
    assert tree(data) == before


def test_an_import_whose_third_rename_fails_leaves_the_store_as_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    files = [download_csv(tmp_path / f"{s}.csv", DAYS[:-1], closes(len(DAYS) - 1)) for s in "ABC"]
    assert with_store(data, "-q", "import", *files) == 0
    before = tree(data)
    update = tmp_path / "update"
    update.mkdir()
    new = [download_csv(update / f"{s}.csv", DAYS[-2:], closes(len(DAYS))[-2:]) for s in "ABC"]
    real_replace = os.replace
    calls: list[str] = []

    def third_fails(src, dst, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(Path(dst).name)
        if len(calls) == 3:
            raise OSError(5, "Input/output error", str(src), None, str(dst))
        return real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", third_fails)
    assert with_store(data, "import", *new) == 1
    monkeypatch.setattr(os, "replace", real_replace)
    assert calls[:3] == ["A.csv", "B.csv", "C.csv"]
    assert err_lines(capsys) == [f"error: {data / 'C.csv'}: cannot write (Input/output error)"]
    assert tree(data) == before  # A and B put back, the manifest never replaced, no temp file


def test_a_huge_price_is_stored_as_its_digits_never_inf(tmp_path: Path) -> None:
    data = tmp_path / "data"
    path = download_csv(tmp_path / "IWM.csv", DAYS[-1:], closes(1), high="1e308")
    assert with_store(data, "-q", "import", path) == 0
    text = (data / "IWM.csv").read_text(encoding="utf-8")
    assert "inf" not in text
    assert store.read_series(data, "IWM").frame["high"].tolist() == [1e308]
    assert store.manifest_mismatches(data) == []


@pytest.mark.parametrize("column", ["open", "high", "low", "volume"])
def test_import_refuses_an_infinite_or_negative_bar_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], column: str
) -> None:
    path = download_csv(tmp_path / "IWM.csv", DAYS[-3:], closes(3), **{column: "-1"})
    assert with_store(tmp_path / "data", "import", path) == 1
    rule = "bad-volume" if column == "volume" else "bad-price"
    day = f"{DAYS[-3]:%Y-%m-%d}"
    assert err_lines(capsys) == [
        f"error: IWM on {day}: {column} = -1.0 is not valid [rule: {rule}]"
    ]
    assert not (tmp_path / "data").exists()


def fred_file(path: Path, days: list[str]) -> Path:
    rows = [f"{day},{1 + i / 100:.2f}" for i, day in enumerate(days)]
    path.write_text("\n".join(["observation_date,RU2000TR", *rows]) + "\n", encoding="utf-8")
    return path


MONTHLY_1999 = [f"1999-{m:02d}-01" for m in range(1, 13)]
DAILY_2000 = [f"{d:%Y-%m-%d}" for d in calendar.sessions("2000-01-03", "2000-02-15")]


@pytest.mark.parametrize(
    ("days", "change"),
    [
        (MONTHLY_1999 + DAILY_2000, "monthly until 1999-12-01, daily from 2000-01-03"),
        (
            DAILY_2000 + ["2000-03-01", "2000-04-01", "2000-05-01", "2000-06-01"],
            "daily until 2000-03-01, monthly from 2000-04-01",
        ),
        (
            [f"{y}-01-01" for y in range(1990, 1995)] + [f"1995-{m:02d}-01" for m in range(2, 8)],
            "annual until 1994-01-01, monthly from 1995-02-01",
        ),
    ],
    ids=["monthly-then-daily", "daily-then-monthly", "annual-then-monthly"],
)
def test_a_fred_file_that_changes_frequency_midway_is_refused(
    tmp_path: Path, days: list[str], change: str
) -> None:
    path = fred_file(tmp_path / "RU2000TR.csv", days)
    with pytest.raises(ParseError) as info:
        parse_file(path)
    assert str(info.value) == (
        f"{path}: RU2000TR: the dates change frequency midway ({change}); a series has one "
        "frequency: download each as its own file and series"
    )


@pytest.mark.parametrize(
    "days",
    [
        DAILY_2000,
        MONTHLY_1999 + ["2000-03-01", "2000-04-01"],  # a missing month is one long step
        [f"{y}-01-01" for y in range(1990, 2000)],
        [f"{d:%Y-%m-%d}" for d in pd.date_range("2000-01-07", periods=30, freq="W-FRI")],
    ],
    ids=["daily", "monthly-with-a-gap", "annual", "weekly"],
)
def test_fred_files_of_one_frequency_pass(days: list[str]) -> None:
    assert frequency_change(pd.DatetimeIndex(days)) is None


# --- 7. a store that differs from its manifest: refused, and restored ------------------------


@pytest.fixture(scope="module")
def real_store_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every configured series (the sample market's numbers, written as real data)."""
    data = tmp_path_factory.mktemp("real") / "data"
    series = sample_market(load_config(CONFIG), "2026-08-21")
    store.write_store(data, series, fetched_at="2026-08-22T00:00:00Z", sample=False)
    return data


@pytest.fixture
def real_store(real_store_once: Path, tmp_path: Path) -> Path:
    """A copy of ``real_store_once`` for one test to change."""
    data = tmp_path / "data"
    shutil.copytree(real_store_once, data)
    return data


def edit_last_close(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    cells = lines[-1].split(",")
    cells[4] = f"{float(cells[4]) * 1.001:.6f}"
    path.write_text("\n".join([*lines[:-1], ",".join(cells)]) + "\n", encoding="utf-8")


def test_report_metrics_and_backfill_refuse_a_tampered_store(
    real_store: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = real_store / "^RUT.csv"
    edit_last_close(path)
    advice = (
        f"error: {path}: listed in {real_store / 'manifest.json'} but differs from it (edited, or "
        f"a write was killed); keep the file as it is: `generator --store {real_store} import "
        f"--replace {path}`; or restore the series from a file: `generator --store {real_store} "
        'import --replace FILE` (README: "Restoring a series")'
    )
    project = tmp_path / "project"
    project.mkdir()
    monkeypatch.chdir(project)  # report and backfill write under ./docs: nothing may appear
    for command in (["metrics"], ["report", "--no-images"], ["backfill", "--last", "1"]):
        assert with_store(real_store, *command) == 1
        assert err_lines(capsys) == [advice]
    assert tree(project) == {}
    assert with_store(real_store, "status") == 1
    assert capsys.readouterr().err == f"warning: {advice.removeprefix('error: ')}\n"


def test_the_advice_keeps_an_edit_after_validating_it(
    real_store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = real_store / "^RUT.csv"
    edit_last_close(path)
    edited = store.read_series(real_store, "^RUT").frame
    assert with_store(real_store, "-q", "import", "--replace", path) == 0
    assert store.manifest_mismatches(real_store) == []
    assert with_store(real_store, "metrics") == 0
    pd.testing.assert_frame_equal(store.read_series(real_store, "^RUT").frame, edited)


@pytest.mark.parametrize("symbol", ["^RUT", "^TNX", "FF_ME_LO30"])
def test_a_committed_copy_restores_the_exact_bytes(
    real_store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], symbol: str
) -> None:
    path = real_store / f"{symbol}.csv"
    committed = tmp_path / "committed" / path.name  # e.g. `git show HEAD:data/^RUT.csv`
    committed.parent.mkdir()
    shutil.copy(path, committed)
    kind = {k: store.read_manifest(real_store)["series"][symbol][k] for k in store._META_KEYS}
    if symbol == "FF_ME_LO30":  # a return: one value edited
        path.write_text(path.read_text().replace(",0.", ",0.9", 1))
    else:
        edit_last_close(path)
    assert with_store(real_store, "metrics") == 1
    capsys.readouterr()
    assert with_store(real_store, "-q", "import", "--replace", committed) == 0
    assert path.read_bytes() == committed.read_bytes()
    entry = store.read_manifest(real_store)["series"][symbol]
    assert {k: entry[k] for k in store._META_KEYS} == kind  # a return stays a return
    assert with_store(real_store, "metrics") == 0


def test_a_missing_series_file_is_refused_and_restored_from_a_file(
    real_store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = real_store / "IWM.csv"
    copy = tmp_path / "IWM.csv"
    shutil.move(path, copy)
    assert with_store(real_store, "metrics") == 1
    assert err_lines(capsys) == [
        f"error: {path}: listed in {real_store / 'manifest.json'} but is missing; restore the "
        f"series from a file: `generator --store {real_store} import --replace FILE` "
        '(README: "Restoring a series")'
    ]
    assert with_store(real_store, "-q", "import", "--replace", copy) == 0
    assert with_store(real_store, "metrics") == 0


def test_replace_bypasses_the_revision_rule_and_nothing_else(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    download_csv(tmp_path / "IWM.csv", DAYS, closes(len(DAYS)))
    assert with_store(data, "-q", "import", tmp_path / "IWM.csv") == 0
    revised = tmp_path / "revised" / "IWM.csv"
    revised.parent.mkdir()
    download_csv(revised, DAYS[-5:], closes(5, start=50.0))
    assert with_store(data, "import", revised) == 1
    assert err_lines(capsys)[0].endswith("[rule: revision]")
    assert with_store(data, "-q", "import", "--replace", revised) == 0
    replaced = store.read_series(data, "IWM").frame
    assert list(replaced.index) == list(DAYS[-5:])  # wholesale: only the file's rows
    before = tree(data)
    bad = download_csv(tmp_path / "revised" / "IWM.csv", DAYS[-5:], closes(5), low="0")
    assert with_store(data, "import", "--replace", bad) == 1
    assert err_lines(capsys)[0].endswith("low = 0.0 is not valid [rule: bad-price]")
    assert tree(data) == before


def test_replace_refuses_a_series_of_another_kind(
    real_store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "^RUT.csv"
    other.write_text("DATE,VALUE\n2026-08-20,1.0\n2026-08-21,1.1\n", encoding="utf-8")
    before = tree(real_store)
    assert with_store(real_store, "import", "--replace", other) == 1
    assert err_lines(capsys) == [
        "error: ^RUT: stored as ohlcv/daily, the replacement is value/daily [rule: schema]"
    ]
    assert tree(real_store) == before


def test_checking_a_forty_year_store_is_cheap(tmp_path: Path) -> None:
    """The refusal hashes every stored file: about 40 ms for 1985-2026 here (printed)."""
    data = tmp_path / "data"
    series = sample_market(load_config(CONFIG), "2026-08-21")
    store.write_store(data, series, fetched_at="2026-08-22T00:00:00Z", sample=True)
    size = sum(p.stat().st_size for p in data.iterdir())
    started = time.perf_counter()
    store.check_store(data)
    seconds = time.perf_counter() - started
    print(f"\ncheck_store: {len(series)} series, {size / 1e6:.1f} MB in {seconds * 1000:.0f} ms")
    assert seconds < 5.0  # generous: a shared CI machine; the point is no re-parse


# --- the weekly job refuses before staging ---------------------------------------------------


@pytest.fixture
def weekly_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A sample project with week N published (tests/weeklyproject.py), run from inside it."""
    from tests import weeklyproject

    base, code = weeklyproject.first_week_published()
    assert code == 0
    root = tmp_path / "project"
    shutil.copytree(base, root)
    monkeypatch.chdir(root)
    weeklyproject.pin_clock(monkeypatch, weeklyproject.NOW)
    return root


@pytest.mark.sitebuild  # its project was published by the weekly job
def test_weekly_refuses_a_tampered_sample_store_before_staging_and_the_advice_works(
    weekly_project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import generator.site
    from tests.weeklyproject import WEEK_NEXT, changed_paths, fake_build_site, run_cli, snapshot

    edit_last_close(weekly_project / "sample" / "data" / "^RUT.csv")
    before = snapshot(weekly_project)
    assert run_cli("weekly", "--sample", "--week", WEEK_NEXT) == 1
    assert err_lines(capsys) == [
        "error: sample/data/^RUT.csv: listed in sample/data/manifest.json but differs from it "
        "(edited, or a write was killed); the sample market is regenerated: remove sample/data "
        "and run "
        "`generator --store sample/data fetch --sample`"
    ]
    assert changed_paths(before, snapshot(weekly_project)) == []  # no staging copy either
    # The advice, followed: the sample store is regenerated and the job runs.
    shutil.rmtree(weekly_project / "sample" / "data")
    assert run_cli("--quiet", "--store", "sample/data", "fetch", "--sample") == 0
    monkeypatch.setattr(generator.site, "build_site", fake_build_site)
    assert run_cli("--quiet", "weekly", "--sample", "--week", WEEK_NEXT) == 0


@pytest.mark.sitebuild  # its project was published by the weekly job
def test_weekly_refuses_a_tampered_real_store_before_fetching(
    weekly_project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import generator.sources.yahoo
    from tests.weeklyproject import CONFIG, WEEK_N, WEEK_NEXT, run_cli

    real = [s for s in sample_market(CONFIG, WEEK_N) if s.symbol in ("^RUT", "^GSPC")]
    store.write_store(Path("data"), real, fetched_at="2026-11-14T00:00:00Z", sample=False)
    (weekly_project / "data" / "^GSPC.csv").unlink()

    def no_fetch(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("fetched from a store that was refused")

    monkeypatch.setattr(generator.sources.yahoo, "fetch_updates", no_fetch)
    assert run_cli("--store", "data", "weekly", "--week", WEEK_NEXT) == 1
    assert err_lines(capsys) == [
        "error: data/^GSPC.csv: listed in data/manifest.json but is missing; restore the series "
        'from a file: `generator --store data import --replace FILE` (README: "Restoring a series")'
    ]
    assert not list((weekly_project / ".cache").glob("weekly-*"))
