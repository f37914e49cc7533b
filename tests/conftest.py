"""Shared fixtures. No test touches the network: sockets are blocked for every test."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MARKETDATA = ROOT.parent / "shared" / "marketdata"


class NetworkBlocked(RuntimeError):
    pass


@pytest.fixture(autouse=True)
def _block_network(monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> None:
    """Refuse every connection except to the loopback interface (the browser tests' server)."""
    real_connect = socket.socket.connect

    def guarded_connect(self: socket.socket, address: object) -> object:
        host = address[0] if isinstance(address, tuple) else address
        if self.family == socket.AF_UNIX or host in ("127.0.0.1", "::1", "localhost"):
            return real_connect(self, address)
        raise NetworkBlocked(f"test tried to reach {address!r}")

    def refuse(*args: object, **kwargs: object) -> None:
        raise NetworkBlocked(f"test tried to resolve or connect: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket, "create_connection", _loopback_only(socket.create_connection))
    monkeypatch.setattr(socket, "getaddrinfo", _loopback_only(socket.getaddrinfo))


def _loopback_only(func):  # type: ignore[no-untyped-def]
    def wrapper(host, *args, **kwargs):  # type: ignore[no-untyped-def]
        name = host[0] if isinstance(host, tuple) else host
        if name in ("127.0.0.1", "::1", "localhost", None):
            return func(host, *args, **kwargs)
        raise NetworkBlocked(f"test tried to reach {name!r}")

    return wrapper


@pytest.fixture
def marketdata() -> Path:
    """The real data folder beside the project; skips the test when it is absent."""
    if not MARKETDATA.is_dir():
        pytest.skip(f"real market data not found at {MARKETDATA}")
    return MARKETDATA
