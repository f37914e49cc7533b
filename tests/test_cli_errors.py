"""One-line errors instead of tracebacks, and messages that say what happened (issue 11, items
8-10): each case runs ``generator.cli.main`` and checks the exact stderr line and exit code."""

from __future__ import annotations

import errno
import logging
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import jinja2.bccache
import pandas as pd
import pytest
import yfinance as yf

from generator import calendar, cli, report_folder
from generator.config import load_config
from generator.errors import DataError, FetchError, GeneratorError, UsageError
from generator.site_config import checked_site_url
from generator.sources import yahoo
from tests.weeklyproject import DISPOSABLE
from tests.yfshapes import CURL_UNREACHABLE, FakeDownload, Offline

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "smallcap.toml"
END = "2026-08-21"  # a Friday: the sample's last week ends here
REPORT_DIR = Path("sample/docs/blog/posts/2026/08/21")
ENOSPC = "No space left on device"


def run(*argv: str | Path) -> int:
    """main() in-process; argparse's own exits count as return codes."""
    try:
        return cli.main([str(a) for a in argv])
    except SystemExit as exc:
        return int(exc.code or 0)


def pin_clock(monkeypatch: pytest.MonkeyPatch, now: pd.Timestamp) -> None:
    """The CLI reads the clock once, in Context."""
    original = cli.Context.__init__

    def init(self: cli.Context, args) -> None:  # type: ignore[no-untyped-def]
        original(self, args)
        self.now = now

    monkeypatch.setattr(cli.Context, "__init__", init)


def disk_full(path: object) -> OSError:
    """What a write on a full disk raises: errno ENOSPC, and (from a write call) no file name."""
    return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.fixture(scope="module")
def small_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A sample store holding ^RUT for January 1985 (status reads it in a blink)."""
    store = tmp_path_factory.mktemp("small") / "data"
    assert (
        run(
            "--store",
            store,
            "--config",
            CONFIG,
            "-q",
            "fetch",
            "--sample",
            "--end",
            "1985-01-31",
            "--symbols",
            "^RUT",
        )
        == 0
    )
    return store


@pytest.fixture
def store(small_store: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(small_store, copy)
    return copy


@pytest.fixture(scope="module")
def sample_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The whole sample market through END (what `report --sample` needs)."""
    store = tmp_path_factory.mktemp("sample") / "data"
    assert run("--store", store, "--config", CONFIG, "-q", "fetch", "--sample", "--end", END) == 0
    return store


@pytest.fixture
def sample_project(sample_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working folder holding the sample project's store (sample/data), made current."""
    shutil.copytree(sample_data, tmp_path / "sample" / "data")
    shutil.copy2(CONFIG, tmp_path / "smallcap.toml")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def kept_files(folder: Path) -> list[str]:
    """``files_under`` without the caches that only save time (a run may fill them) and their
    folder (anything else in it still shows)."""
    return [f for f in files_under(folder) if f != ".cache" and not f.startswith(DISPOSABLE)]


def files_under(folder: Path) -> list[str]:
    return (
        sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))
        if folder.exists()
        else []
    )


# --- 8. the site URL ----------------------------------------------------------------------------

INJECTED = 'https://example.org/x/"><script>alert(9)</script>/'


@pytest.mark.parametrize("command", ["site", "weekly"])
def test_markup_in_the_site_url_option_is_refused(
    command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.chdir(tmp_path)
    assert run("--config", CONFIG, command, "--sample", "--site-url", INJECTED) == 2
    assert capsys.readouterr().err == (
        f"usage: --site-url {INJECTED!r} is not an http(s) URL: it holds '\"' (no quotes, "
        "angle brackets, backslashes, spaces or control characters)\n"
    )
    assert files_under(tmp_path) == []  # refused before anything was written


def test_markup_in_the_site_url_variable_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SITE_URL", "https://example.org/<b>")
    assert run("--config", CONFIG, "site", "--sample") == 2
    assert capsys.readouterr().err == (
        "usage: SITE_URL 'https://example.org/<b>' is not an http(s) URL: it holds '<' (no "
        "quotes, angle brackets, backslashes, spaces or control characters)\n"
    )


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("javascript:alert(9)", "it must start with http:// or https://"),
        ("ftp://example.org/", "it must start with http:// or https://"),
        ("example.org/reports/", "it must start with http:// or https://"),
        ("https:///reports/", "it names no host"),
        ("https://example.org:99999/", "it cannot be parsed (Port out of range 0-65535)"),
        ("https://user:secret@example.org/", "it must not hold a user name or password"),
        ("https://example.org/?q=1", "it must not hold a ?query or a #fragment"),
        (
            "https://example.org/ x",
            "it holds ' ' (no quotes, angle brackets, backslashes, spaces or control characters)",
        ),
        (
            "https://example.org/\nx",
            "it holds '\\n' (no quotes, angle brackets, backslashes, spaces or control characters)",
        ),
        (
            "https://example.org/x'y",
            'it holds "\'" (no quotes, angle brackets, backslashes, spaces or control characters)',
        ),
    ],
)
def test_site_urls_that_are_not_plain_http_addresses(url: str, problem: str) -> None:
    with pytest.raises(UsageError) as info:
        checked_site_url(url, "--site-url")
    assert str(info.value) == f"--site-url {url!r} is not an http(s) URL: {problem}"
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    "url",
    ["https://example.org/", "http://127.0.0.1:8000/", "https://me.github.io/small-cap-weekly/"],
)
def test_plain_site_urls_pass(url: str) -> None:
    assert checked_site_url(url, "SITE_URL") == url


# --- 9. config files ----------------------------------------------------------------------------


def fetch_with_config(config: Path, store: Path) -> int:
    """A command that reads the config first (the sample market is drawn from it)."""
    return run(
        "--config",
        config,
        "--store",
        store,
        "-q",
        "fetch",
        "--sample",
        "--end",
        "1985-01-04",
        "--symbols",
        "^RUT",
    )


def real_config() -> str:
    return CONFIG.read_text(encoding="utf-8")


def with_edit(old: str, new: str) -> str:
    text = real_config()
    assert text.count(old) == 1, old
    return text.replace(old, new)


def without_section(text: str, name: str) -> str:
    """The config without the table ``[name]`` (to put a value of the wrong shape in its place)."""
    return re.sub(rf"(?ms)^\[{re.escape(name)}\]\n.*?(?=^\[|\Z)", "", text)


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        pytest.param(
            real_config().encode("utf-16"),
            "is UTF-16 text; save it as UTF-8 (TOML files are UTF-8)",
            id="utf-16",
        ),
        pytest.param(
            b"\xef\xbb\xbf" + real_config().encode(),
            "starts with a byte order mark (BOM); save it as UTF-8 without a BOM",
            id="bom",
        ),
        pytest.param(
            real_config().replace("Russell 2000 Value", "Russell 2000 Valu\xe9").encode("latin-1"),
            "not UTF-8 text (byte 0xe9 on line 18); save it as UTF-8",
            id="latin-1",
        ),
        pytest.param(
            ("ladder = 5\n" + without_section(real_config(), "ladder")).encode(),
            "ladder must be a table [ladder], not an integer",
            id="ladder-integer",
        ),
        pytest.param(
            ('rates = ["^IRX", "^TNX"]\n' + without_section(real_config(), "rates")).encode(),
            "rates must be a table [rates], not an array",
            id="rates-array",
        ),
        pytest.param(
            with_edit("[valuation]", "[[valuation]]").encode(),
            "valuation must be a table [valuation], not an array of tables [[valuation]]",
            id="valuation-array-of-tables",
        ),
        pytest.param(
            ("pair = 1979-05-27T07:32:00Z\n" + without_section(real_config(), "pair")).encode(),
            "pair must be a table [pair], not a date-time",
            id="section-datetime",
        ),
        pytest.param(
            with_edit('start = "1985-01-01"', "start = 1985-01-01T09:30:00").encode(),
            "fetch.start = 1985-01-01T09:30:00 is not valid (expected a YYYY-MM-DD date, not a "
            "date-time)",
            id="date-time-for-a-date",
        ),
        pytest.param(
            with_edit(
                'calendar_checked_from = "1970-01-01"',
                "calendar_checked_from = 1970-01-01T00:00:00Z",
            ).encode(),
            "validation.calendar_checked_from = 1970-01-01T00:00:00+00:00 is not valid (expected "
            "a YYYY-MM-DD date, not a date-time)",
            id="zoned-date-time-for-a-date",
        ),
        pytest.param(
            with_edit('start = "1985-01-01"', 'start = "1200-01-01"').encode(),
            "fetch.start = '1200-01-01' is not valid (expected a date from 1678-01-01 to "
            "2261-12-31)",
            id="date-pandas-cannot-hold",
        ),
        pytest.param(
            with_edit("max_daily_jump = 0.25", "max_daily_jump = nan").encode(),
            "validation.max_daily_jump = nan is not valid (expected a finite number above 0)",
            id="nan-jump",
        ),
        pytest.param(
            with_edit("max_daily_jump = 0.25", "max_daily_jump = -0.25").encode(),
            "validation.max_daily_jump = -0.25 is not valid (expected a finite number above 0)",
            id="negative-jump",
        ),
        pytest.param(
            with_edit("revision_tolerance = 0.0005", "revision_tolerance = inf").encode(),
            "validation.revision_tolerance = inf is not valid (expected a finite number, 0 or "
            "more)",
            id="infinite-tolerance",
        ),
        pytest.param(
            with_edit("max_attempts = 4", "max_attempts = 0").encode(),
            "fetch.max_attempts = 0 is not valid (expected a whole number from 1 to 100)",
            id="no-attempts",
        ),
        pytest.param(
            with_edit("overlap_sessions = 5", "overlap_sessions = 9000000000000").encode(),
            "fetch.overlap_sessions = 9000000000000 is not valid (expected a whole number from 0 "
            "to 1000)",
            id="huge-overlap",
        ),
        pytest.param(
            with_edit("max_seconds = 120", "max_seconds = -1").encode(),
            "fetch.max_seconds = -1 is not valid (expected a finite number above 0)",
            id="negative-budget",
        ),
        pytest.param(
            with_edit(
                "[valuation]\nstale_after_days = 120", "[valuation]\nstale_after_days = -5"
            ).encode(),
            "valuation.stale_after_days = -5 is not valid (expected a whole number from 0 to "
            "36500)",
            id="negative-staleness",
        ),
    ],
)
def test_a_bad_config_file_is_one_line(tmp_path: Path, capsys, data: bytes, problem: str) -> None:
    config = tmp_path / "universe.toml"
    config.write_bytes(data)
    assert fetch_with_config(config, tmp_path / "data") == 1
    assert capsys.readouterr().err == f"error: {config}: {problem}\n"
    assert not (tmp_path / "data").exists()


def test_a_config_folder_is_one_line(tmp_path: Path, capsys) -> None:
    assert fetch_with_config(tmp_path, tmp_path / "data") == 1
    assert capsys.readouterr().err == f"error: {tmp_path}: is a folder, not a config file\n"


def test_a_config_fifo_is_refused_without_blocking(tmp_path: Path, capsys) -> None:
    config = tmp_path / "smallcap.toml"
    os.mkfifo(config)
    with unblocked_after(config, seconds=20):
        assert fetch_with_config(config, tmp_path / "data") == 1
    assert capsys.readouterr().err == (
        f"error: {config}: not a regular file (a config file is plain TOML text)\n"
    )


# --- 9. the curated valuation file --------------------------------------------------------------

VALUATION_HEADER = "date,side,forward_pe,earnings_growth,source,note\n"


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        pytest.param(
            (VALUATION_HEADER + "2024-06-28,small,15.2,0.1,Analyst Caf\xe9,\n").encode("latin-1"),
            ": not UTF-8 text (byte 0xe9 on line 2); save it as UTF-8",
            id="latin-1",
        ),
        pytest.param(
            (VALUATION_HEADER + "1600-01-03,small,15.2,0.1,Old Times,\n").encode(),
            " line 2, column date: 1600-01-03 is outside the dates the generator can hold "
            "(1678-01-01 to 2261-12-31)",
            id="date-before-1678",
        ),
    ],
)
def test_a_bad_valuation_file_is_one_line(store: Path, capsys, data: bytes, problem: str) -> None:
    (store / "valuation.csv").write_bytes(data)
    assert run("--store", store, "--config", CONFIG, "status") == 1
    out, err = capsys.readouterr()
    assert (out, err) == ("", f"error: {store / 'valuation.csv'}{problem}\n")


def test_a_valuation_folder_is_one_line(store: Path, capsys) -> None:
    (store / "valuation.csv").mkdir()
    assert run("--store", store, "--config", CONFIG, "status") == 1
    assert capsys.readouterr().err == (
        f"error: {store / 'valuation.csv'}: is a folder, not the curated valuation file\n"
    )


# --- 9. FIFOs in the store ----------------------------------------------------------------------


class unblocked_after:  # noqa: N801 (used as a context manager, like a function)
    """Opens the FIFO for writing (and closes it) after ``seconds``, so a reader that blocked on
    it gets an empty file instead of hanging the test run forever."""

    def __init__(self, fifo: Path, seconds: float) -> None:
        self.fifo = fifo
        self.timer = threading.Timer(seconds, self._unblock)

    def _unblock(self) -> None:
        try:
            os.close(os.open(self.fifo, os.O_WRONLY | os.O_NONBLOCK))
        except OSError:  # nobody reading: nothing to unblock
            pass

    def __enter__(self) -> unblocked_after:
        self.timer.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.timer.cancel()


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("^RUT.csv", "the store holds only plain files"),
        ("manifest.json", "the store holds only plain files"),
        ("valuation.csv", "(the valuation file is plain CSV)"),
    ],
)
def test_status_refuses_a_fifo_in_the_store(store: Path, capsys, name: str, problem: str) -> None:
    fifo = store / name
    fifo.unlink(missing_ok=True)
    os.mkfifo(fifo)
    started = time.monotonic()
    with unblocked_after(fifo, seconds=20):
        assert run("--store", store, "--config", CONFIG, "status") == 1
    assert time.monotonic() - started < 15  # refused, not read
    out, err = capsys.readouterr()
    assert (out, err) == (
        "",
        f"error: {fifo}: is a FIFO, not a regular file{';' if problem[0] != '(' else ''} "
        f"{problem}\n",
    )


# --- 9. --store and --cache-dir -----------------------------------------------------------------


@pytest.mark.parametrize("option", ["--store", "--cache-dir"])
def test_a_folder_option_naming_a_file_is_a_usage_error(
    option: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.chdir(tmp_path)
    file = tmp_path / "notes.txt"
    file.write_text("not a folder\n", encoding="utf-8")
    argv = ["--config", CONFIG, option, file, "-q", "fetch", "--sample", "--end", "1985-01-04"]
    assert run(*argv, "--symbols", "^RUT") == 2
    assert capsys.readouterr().err == f"usage: {option} {file}: is a file, not a folder\n"
    assert file.read_text(encoding="utf-8") == "not a folder\n"


# --- 9. a full disk -----------------------------------------------------------------------------


def test_a_full_disk_under_the_archive_is_one_line(
    sample_project: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    real_write = Path.write_text

    def write_text(self: Path, *args, **kwargs):  # type: ignore[no-untyped-def]
        if "docs" in self.absolute().relative_to(sample_project).parts:
            raise disk_full(self)
        return real_write(self, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", write_text)
    assert run("--config", CONFIG, "report", "--sample", "--week", END, "--no-images") == 1
    assert capsys.readouterr().err == (
        f"error: week {END}: {REPORT_DIR}: {ENOSPC} (while writing the report)\n"
    )
    assert [p for p in files_under(sample_project / "sample" / "docs") if "/." in f"/{p}"] == []
    assert not (sample_project / REPORT_DIR).exists()


def test_a_full_disk_under_the_cache_only_costs_the_compiled_templates(
    sample_project: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    def write_bytecode(self, handle) -> None:  # type: ignore[no-untyped-def]
        raise disk_full(handle)

    monkeypatch.setattr(jinja2.bccache.Bucket, "write_bytecode", write_bytecode)
    assert run("--config", CONFIG, "report", "--sample", "--week", END, "--no-images") == 0
    assert capsys.readouterr().err == f"wrote {REPORT_DIR / 'index.md'}\n"
    assert (sample_project / REPORT_DIR / "index.md").is_file()


def test_a_full_disk_under_the_cache_stops_the_weekly_job_in_one_line(
    sample_project: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    pin_clock(monkeypatch, pd.Timestamp("2026-08-24 12:00", tz="America/New_York"))
    real_copyfile = shutil.copyfile

    def copyfile(source, target, *args, **kwargs):  # type: ignore[no-untyped-def]
        if ".cache" in Path(target).absolute().relative_to(sample_project).parts:
            raise disk_full(target)
        return real_copyfile(source, target, *args, **kwargs)

    monkeypatch.setattr(shutil, "copyfile", copyfile)
    before = files_under(sample_project / "sample")
    assert run("--config", CONFIG, "-q", "weekly", "--sample", "--week", END) == 1
    err = capsys.readouterr().err
    pattern = (
        r"error: \.cache/\.weekly\.[-\w]+\.tmp/store/\S+\.csv: cannot copy sample/data/\S+\.csv "
        rf"\({ENOSPC}\) \(while running the weekly job\)\n"
    )
    assert re.fullmatch(pattern, err), err
    assert files_under(sample_project / "sample") == before


# --- 9. Ctrl-C during a parallel backfill -------------------------------------------------------


@pytest.mark.slow
def test_ctrl_c_during_a_parallel_backfill_is_one_line(sample_data: Path, tmp_path: Path) -> None:
    """The terminal sends SIGINT to the whole process group: the parent's one line only, no
    worker tracebacks. Three plain weeks go to two workers, who then wait idle (where an
    interrupted worker printed its traceback) while the parent draws the pictured reports."""
    shutil.copytree(sample_data, tmp_path / "sample" / "data")
    posts = tmp_path / "sample" / "docs" / "blog" / "posts"
    command = [
        sys.executable,
        "-m",
        "generator",
        "--config",
        str(CONFIG),
        "-q",
        "backfill",
        "--sample",
        "--until",
        END,
        "--last",
        "20",
        "--images",
        "17",
        "--jobs",
        "2",
    ]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        command,
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a terminal's foreground job
    )
    try:
        deadline = time.monotonic() + 120
        while len(list(posts.glob("*/*/*/index.md"))) < 5 and time.monotonic() < deadline:
            assert process.poll() is None, process.communicate()
            time.sleep(0.05)
        os.killpg(process.pid, signal.SIGINT)
        out, err = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
    assert (process.returncode, out, err) == (
        130,
        "",
        "interrupted: nothing was left half-written\n",
    )
    leftovers = [
        p for p in files_under(posts) if any(part.startswith(".") for part in p.split("/"))
    ]
    assert leftovers == []


# --- issue 12: an error while writing a week names the week ----------------------------------


def _fail_page_of(week: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The page of ``week`` fails to render (in a backfill's workers too: they fork after this)."""
    real_render = report_folder.render_report

    def render(doc, *args, **kwargs):  # type: ignore[no-untyped-def]
        if doc.week_ending == week:
            raise DataError(f"templates/report.md.j2: injected failure in pid {os.getpid()}")
        return real_render(doc, *args, **kwargs)

    monkeypatch.setattr(report_folder, "render_report", render)


def test_a_report_that_fails_names_its_week(
    sample_project: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    _fail_page_of(END, monkeypatch)
    assert run("--config", CONFIG, "report", "--sample", "--week", END, "--no-images") == 1
    assert capsys.readouterr().err == (
        f"error: week {END}: templates/report.md.j2: injected failure in pid {os.getpid()}\n"
    )
    assert not (sample_project / REPORT_DIR).exists()


@pytest.mark.slow
def test_a_backfill_week_that_fails_in_a_worker_names_its_week(
    sample_project: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    """Four plain weeks on two workers: the parent writes the first, the workers the others."""
    _fail_page_of(END, monkeypatch)
    argv = ["--until", END, "--last", "4", "--images", "0", "--jobs", "2"]
    assert run("--config", CONFIG, "-q", "backfill", "--sample", *argv) == 1
    err = capsys.readouterr().err
    line = re.fullmatch(
        rf"error: week {END}: templates/report\.md\.j2: injected failure in pid (\d+)\n", err
    )
    assert line, err
    assert int(line.group(1)) != os.getpid()  # raised in a worker, named there
    assert not (sample_project / REPORT_DIR).exists()


# --- issue 12: --from-csv says which files it skips, as import does -----------------------------


@pytest.mark.parametrize("command", [("import",), ("weekly", "--from-csv")])
def test_csv_files_that_are_not_market_data_are_reported_as_skipped(
    command: tuple[str, ...], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "data.json").write_text('{"a": 1}\n', encoding="utf-8")
    (folder / "notes.txt").write_text("just notes\n", encoding="utf-8")
    assert run("--config", CONFIG, *command, "csv") == 1
    err = capsys.readouterr().err
    lines = err.splitlines()
    assert re.findall(r"skipped: [^\r\n]*", err) == [  # import's progress bar aside
        "skipped: csv/data.json: JSON file (metadata), not a CSV",
        "skipped: csv/notes.txt: not a supported CSV format",
    ]
    assert lines[-1] in (
        "error: nothing to import: no supported file found",
        "error: store lacks ^RUT or ^GSPC: nothing to report",
    )


# --- 10. Yahoo Finance out of reach -------------------------------------------------------------

UNREACHABLE = (
    "^RUT: Yahoo Finance could not be reached after 4 attempts (ConnectionError: "
    + CURL_UNREACHABLE.removeprefix("Failed to perform, ").split(" See https://")[0]
    + ")"
)


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> FakeDownload:
    """yf.download as it behaves offline (tests/yfshapes.py), with no waits between attempts."""
    outcomes = [Offline(), Offline(), Offline(timezone_failed=True)]
    fake = FakeDownload({"^RUT": outcomes})
    monkeypatch.setattr(yahoo.yf, "download", fake)
    monkeypatch.setattr(yf, "set_tz_cache_location", lambda path: None)
    monkeypatch.setattr(yahoo, "BACKOFF_BASE", 0.0)
    return fake


def test_offline_fetch_says_yahoo_could_not_be_reached(
    offline: FakeDownload, tmp_path: Path, capsys, caplog: pytest.LogCaptureFixture
) -> None:
    assert run("--store", tmp_path / "data", "--config", CONFIG, "-q", "fetch") == 1
    assert capsys.readouterr() == ("", f"error: {UNREACHABLE}\n")
    assert len(offline.calls) == 4
    # yfinance's own records (25 lines of them) never reach the output's handlers.
    assert [r for r in caplog.records if r.name.startswith("yfinance")] == []


def test_offline_weekly_says_yahoo_could_not_be_reached(
    offline: FakeDownload,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.chdir(tmp_path)
    assert run("--config", CONFIG, "-q", "weekly") == 1
    assert capsys.readouterr() == ("", f"error: {UNREACHABLE}\n")
    assert [r for r in caplog.records if r.name.startswith("yfinance")] == []
    assert files_under(tmp_path / "data") == []


# --- 10. weeks beyond the calendar or not closed yet --------------------------------------------


def test_a_week_beyond_the_calendar_is_said_to_be_in_the_future(sample_data: Path, capsys) -> None:
    last = calendar.sessions("2000-01-01", "2200-01-01")[-1]
    assert run("--store", sample_data, "--config", CONFIG, "metrics", "--week", "2100-01-06") == 1
    assert capsys.readouterr() == (
        "",
        "error: the week of 2100-01-06 is in the future, beyond the NYSE calendar "
        f"(which ends at {last:%Y-%m-%d})\n",
    )


def test_weekly_for_a_week_not_closed_yet_says_so(
    sample_project: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    pin_clock(monkeypatch, pd.Timestamp("2026-08-19 12:00", tz="America/New_York"))
    before = kept_files(sample_project)
    assert run("--config", CONFIG, "-q", "weekly", "--sample", "--week", "2026-08-19") == 1
    assert capsys.readouterr().err == (
        "error: the week ending 2026-08-21 has not closed yet (its last session closes at "
        "2026-08-21 16:00 New York time)\n"
    )
    assert kept_files(sample_project) == before  # the calendar's cache may have been filled


def test_weekly_for_a_week_beyond_the_calendar_says_so(
    sample_project: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    last = calendar.sessions("2000-01-01", "2200-01-01")[-1]
    assert run("--config", CONFIG, "-q", "weekly", "--sample", "--week", "2100-01-06") == 1
    assert capsys.readouterr().err == (
        "error: the week of 2100-01-06 is in the future, beyond the NYSE calendar "
        f"(which ends at {last:%Y-%m-%d})\n"
    )


# --- 10. an update with no usable rows ----------------------------------------------------------


@pytest.mark.parametrize(
    ("rows", "why"),
    [
        pytest.param(
            ["2024-07-04,1,1,1,1,1,100"],
            "its one row dropped: 1 not an NYSE session [non-session]",
            id="holiday",
        ),
        pytest.param(
            ["2024-07-06,1,1,1,1,1,100", "2024-07-07,1,1,1,1,1,100"],
            "all 2 rows dropped: 2 not NYSE sessions [non-session]",
            id="weekend",
        ),
        pytest.param(
            ["1850-01-07,1,1,1,1,1,100"],
            "its one row dropped: 1 outside the NYSE calendar (1885-01-01 to {last}) [non-session]",
            id="outside-the-calendar",
        ),
    ],
)
def test_an_import_without_usable_rows_says_why(
    tmp_path: Path, capsys, rows: list[str], why: str
) -> None:
    source = tmp_path / "IWM.csv"
    source.write_text(
        "\n".join(["Date,Open,High,Low,Close,Adj Close,Volume", *rows]) + "\n", encoding="utf-8"
    )
    last = calendar.sessions("2000-01-01", "2200-01-01")[-1]
    assert run("--store", tmp_path / "data", "--config", CONFIG, "-q", "import", source) == 1
    assert capsys.readouterr().err == (
        f"error: IWM: no usable rows ({why.format(last=f'{last:%Y-%m-%d}')}) [rule: empty]\n"
    )


# --- 10. global options after the command -------------------------------------------------------


def test_global_options_are_accepted_after_the_command(small_store: Path, capsys) -> None:
    assert run("--store", small_store, "--config", CONFIG, "status") == 0
    before = capsys.readouterr()
    assert run("status", "--store", small_store, "--config", CONFIG) == 0
    assert capsys.readouterr() == before
    assert run("--quiet", "--store", small_store, "status", "--config", CONFIG) == 0
    assert capsys.readouterr() == before


def test_a_global_option_after_the_command_wins_and_defaults_stay(
    small_store: Path, tmp_path: Path, capsys
) -> None:
    args = cli.build_parser().parse_args(["--store", "a", "status", "--store", "b", "-q"])
    assert (args.store, args.quiet, args.debug) == (Path("b"), True, False)
    assert (args.config, args.cache_dir) == (cli.DEFAULT_CONFIG, cli.DEFAULT_CACHE)
    args = cli.build_parser().parse_args(["--debug", "status"])
    assert (args.store, args.debug, args.quiet) == (None, True, False)
    # --quiet after the command silences the command's own messages too.
    store = tmp_path / "data"
    argv = ["fetch", "--sample", "--end", "1985-01-04", "--symbols", "^RUT", "--quiet"]
    assert run(*argv, "--store", store, "--config", CONFIG) == 0
    assert capsys.readouterr() == ("", "")
    assert (store / "^RUT.csv").is_file()


def test_help_documents_the_global_options_after_the_command(capsys) -> None:
    assert run("--help") == 0
    assert "The global options may also follow the command" in capsys.readouterr().out
    assert run("status", "--help") == 0
    out = capsys.readouterr().out
    assert "global options (also accepted before the command):" in out
    for option in (
        "--store STORE",
        "--config CONFIG",
        "--cache-dir CACHE_DIR",
        "--quiet",
        "--debug",
    ):
        assert option in out


def test_debug_after_the_command_shows_the_traceback(tmp_path: Path) -> None:
    with pytest.raises(GeneratorError, match="no store here"):
        cli.main(["status", "--store", str(tmp_path / "empty"), "--debug"])


def test_yfinance_records_show_with_debug_logging(
    offline: FakeDownload, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """--debug sets the root logger to DEBUG: yfinance's records then pass through."""
    with caplog.at_level(logging.DEBUG), pytest.raises(FetchError):
        yahoo.fetch_updates(
            tmp_path / "data",
            load_config(CONFIG),
            symbols=["^RUT"],
            cache_dir=tmp_path,
            progress=False,
        )
    messages = [r.getMessage() for r in caplog.records if r.name == "yfinance"]
    assert f"['^RUT']: ConnectionError({CURL_UNREACHABLE!r})" in messages
