"""overrides/hooks/quick_exit.py: the MkDocs process ends at once only after a clean build."""

from __future__ import annotations

import logging
import sys

import pytest

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "overrides" / "hooks"))
import quick_exit  # noqa: E402


class Exited(Exception):
    """Raised in place of ``os._exit``, so the test process goes on."""


@pytest.fixture
def ended(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """What the hook ended: the exit codes given to ``os._exit`` and 'logging' if it flushed
    logging first."""
    calls: list[object] = []

    def exit_now(code: int) -> None:
        calls.append(code)
        raise Exited

    monkeypatch.setattr(quick_exit.os, "_exit", exit_now)
    monkeypatch.setattr(quick_exit.logging, "shutdown", lambda: calls.append("logging"))
    quick_exit.warning_count().count = 0
    return calls


def build(command: str = "build", *, warn: bool = False, finished: bool = True) -> None:
    """The hook's events as MkDocs sends them for one run."""
    quick_exit.on_startup(command, dirty=False)
    quick_exit.on_config({})
    if warn:
        logging.getLogger("mkdocs.structure.pages").warning("a link that leads nowhere")
    if finished:
        quick_exit.on_post_build({})
    quick_exit.on_shutdown()


def test_a_clean_build_exits_with_status_zero_after_flushing(ended: list[object]) -> None:
    with pytest.raises(Exited):
        build()
    assert ended == ["logging", 0]


@pytest.mark.parametrize(
    "run",
    [
        pytest.param({"warn": True}, id="a warning (strict fails it)"),
        pytest.param({"finished": False}, id="a build that raised"),
        pytest.param({"command": "serve"}, id="mkdocs serve"),
    ],
)
def test_any_other_ending_goes_the_normal_way(ended: list[object], run: dict) -> None:
    build(**run)
    assert ended == []
