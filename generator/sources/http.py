"""Downloads for the research sources (Ken French, FRED): one small client on urllib.

``Http`` is made by the run context (``RunContext.http``) and passed down to the fetchers, so
tests hand them one whose ``opener`` answers with recorded responses: no test touches the
network and nothing is patched. ``https://``, ``http://`` and ``file://`` URLs all work through
urllib, which is how a local mirror (a folder of the same files) is used: point the source's
``url`` in ``smallcap.toml`` at ``file:///path/to/mirror/``.

Every failure is one FetchError line naming the source, the URL and what went wrong (the HTTP
status and its reason, the network error). Server errors (5xx), timeouts and dropped
connections are retried with a doubling pause; 4xx answers (401, 403, 404) are not, since
asking again gets the same answer.
"""

from __future__ import annotations

import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field

from generator import __version__
from generator.errors import FetchError

USER_AGENT = f"smallcap-weekly/{__version__} (weekly report generator; python-urllib)"


@dataclass(frozen=True)
class Response:
    """What a server answered: the status, its body and content type."""

    status: int
    body: bytes
    content_type: str = ""
    reason: str = ""


class Unreachable(Exception):
    """The request got no answer (timeout, refused or dropped connection): worth retrying."""


# An opener sends one GET (url, headers, timeout in seconds) and returns the Response, whatever
# its status; it raises Unreachable when no answer came, FetchError when retrying cannot help.
Opener = Callable[[str, dict[str, str], float], Response]


def urllib_opener(url: str, headers: dict[str, str], timeout: float) -> Response:
    """One GET through urllib (https, http and file URLs)."""
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310 (URL from config)
            status = getattr(answer, "status", None) or 200  # file:// answers carry no status
            return Response(status, answer.read(), answer.headers.get("Content-Type", ""))
    except urllib.error.HTTPError as exc:
        body = exc.read() if exc.fp is not None else b""
        content_type = exc.headers.get("Content-Type", "") if exc.headers else ""
        return Response(exc.code, body, content_type, str(exc.reason or ""))
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, OSError) and not isinstance(reason, socket.timeout | ConnectionError):
            # a local file that is missing or unreadable, a host that does not resolve
            raise FetchError(f"{url}: {getattr(reason, 'strerror', None) or reason}") from None
        raise Unreachable(str(reason)) from None
    except (TimeoutError, ConnectionError) as exc:
        raise Unreachable(str(exc) or type(exc).__name__) from None


@dataclass(frozen=True)
class Http:
    """Gets a URL's bytes with a timeout, a User-Agent and a few retries (see the module
    docstring). ``opener`` and ``sleep`` are what tests replace."""

    timeout: float = 60.0
    attempts: int = 3
    backoff: float = 2.0  # seconds before the second attempt, doubled after each failure
    user_agent: str = USER_AGENT
    opener: Opener = field(default=urllib_opener, compare=False)
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False)

    def get(self, url: str, *, source: str) -> Response:
        """The successful (2xx) answer for ``url``; FetchError naming ``source``, the URL and the
        status otherwise."""
        headers = {"User-Agent": self.user_agent, "Accept": "*/*"}
        pause = self.backoff
        problem = ""
        for attempt in range(1, self.attempts + 1):
            try:
                answer = self.opener(url, headers, self.timeout)
            except Unreachable as exc:
                problem = f"no answer ({exc})"
            except FetchError as exc:
                raise FetchError(f"{source}: {exc}") from None
            else:
                if 200 <= answer.status < 300:
                    return answer
                problem = status_text(answer)
                if answer.status < 500:
                    raise FetchError(f"{source}: {url}: {problem}")
            if attempt < self.attempts:
                self.sleep(pause)
                pause *= 2
        raise FetchError(f"{source}: {url}: {problem} (gave up after {self.attempts} attempts)")


def status_text(answer: Response) -> str:
    """``HTTP 403 Forbidden``: the status and its reason, for messages."""
    reason = f" {answer.reason}" if answer.reason else ""
    return f"HTTP {answer.status}{reason}"


def looks_like_html(answer: Response) -> bool:
    """Whether an answer is a web page (an error or login page served with status 200)."""
    head = answer.body[:512].lstrip().lower()
    return "html" in answer.content_type.lower() or head.startswith((b"<!doctype", b"<html", b"<"))


def page_title(body: bytes) -> str:
    """The ``<title>`` of an HTML page, for messages ("" when it has none)."""
    text = body[:4096].decode("utf-8", "replace")
    start = text.lower().find("<title>")
    end = text.lower().find("</title>")
    if start < 0 or end < start:
        return ""
    return " ".join(text[start + 7 : end].split())[:80]
