"""The download client of the research sources: retries, statuses, User-Agent, file:// URLs."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.errors import FetchError
from generator.sources.http import USER_AGENT, Http, urllib_opener
from tests.recorded import TIMEOUT, http, ok, status

URL = "https://example.org/data.zip"


def test_success_sends_the_user_agent_and_the_timeout() -> None:
    client, opener, pauses = http({URL: [ok(b"PK")]})
    assert client.get(URL, source="french").body == b"PK"
    assert opener.requests == [(URL, {"User-Agent": USER_AGENT, "Accept": "*/*"}, 60.0)]
    assert pauses == []


def test_503_then_success_is_retried_with_a_pause() -> None:
    client, opener, pauses = http({URL: [status(503, "Service Unavailable"), ok(b"PK")]})
    assert client.get(URL, source="french").body == b"PK"
    assert opener.urls == [URL, URL]
    assert pauses == [2.0]


def test_timeouts_are_retried_with_doubling_pauses_then_named() -> None:
    client, opener, pauses = http({URL: [TIMEOUT]})
    with pytest.raises(FetchError) as err:
        client.get(URL, source="fred")
    assert str(err.value) == f"fred: {URL}: no answer (timed out) (gave up after 3 attempts)"
    assert len(opener.urls) == 3 and pauses == [2.0, 4.0]


def test_server_errors_give_up_after_the_attempts() -> None:
    client, opener, _ = http({URL: [status(500, "Internal Server Error")]})
    with pytest.raises(
        FetchError,
        match=r"^french: .*: HTTP 500 Internal Server Error \(gave up after 3 attempts\)$",
    ):
        client.get(URL, source="french")
    assert len(opener.urls) == 3


@pytest.mark.parametrize(
    ("code", "reason"), [(401, "Unauthorized"), (403, "Forbidden"), (404, "Not Found")]
)
def test_client_errors_are_not_retried(code: int, reason: str) -> None:
    client, opener, pauses = http({URL: [status(code, reason, b"<html>no</html>"), ok(b"PK")]})
    with pytest.raises(FetchError) as err:
        client.get(URL, source="french")
    assert str(err.value) == f"french: {URL}: HTTP {code} {reason}"
    assert opener.urls == [URL] and pauses == []


def test_file_urls_read_a_local_mirror(tmp_path: Path) -> None:
    (tmp_path / "data.zip").write_bytes(b"PK\x03\x04 mirror")
    answer = Http().get((tmp_path / "data.zip").as_uri(), source="french")
    assert (answer.status, answer.body) == (200, b"PK\x03\x04 mirror")


def test_a_missing_mirror_file_is_one_line_without_retries(tmp_path: Path) -> None:
    url = (tmp_path / "absent.zip").as_uri()
    calls: list[str] = []

    def opener(u: str, headers: dict[str, str], timeout: float):  # type: ignore[no-untyped-def]
        calls.append(u)
        return urllib_opener(u, headers, timeout)

    with pytest.raises(FetchError) as err:
        Http(opener=opener, sleep=lambda s: None).get(url, source="french")
    assert str(err.value) == f"french: {url}: No such file or directory"
    assert calls == [url]
