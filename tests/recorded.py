"""Recorded responses for the live research sources (Ken French, FRED), made by the tests.

``Recorded`` is an ``Http`` opener that answers each URL from a queue of responses (or raises
``Unreachable``, as a timeout does) and records every request, so a test checks what was asked.
The file texts follow the real layouts, in miniature: the Ken French files as the library serves
them since its 2025 rebuild (bare CR line endings, a preamble naming the CRSP vintage, a daily
header cell ``Date``) and before (CRLF, an empty first header cell), FRED's CSV in both header
layouts with ``.`` for a missing value.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable

from generator.sources.http import Http, Response, Unreachable

FRENCH_BASE = "https://mba.tuck.dartmouth.edu/pages/faculty/ken.french/ftp/"
FRED_BASE = "https://fred.stlouisfed.org/graph/fredgraph.csv"


class Recorded:
    """An opener answering from ``answers`` (URL -> responses in turn; the last repeats)."""

    def __init__(self, answers: dict[str, list[Response | Exception]]):
        self.answers = {url: list(queue) for url, queue in answers.items()}
        self.requests: list[tuple[str, dict[str, str], float]] = []

    def __call__(self, url: str, headers: dict[str, str], timeout: float) -> Response:
        self.requests.append((url, headers, timeout))
        queue = self.answers.get(url)
        if not queue:
            return Response(
                404, b"<html><title>404 Not Found</title></html>", "text/html", "Not Found"
            )
        answer = queue.pop(0) if len(queue) > 1 else queue[0]
        if isinstance(answer, Exception):
            raise answer
        return answer

    @property
    def urls(self) -> list[str]:
        return [url for url, _, _ in self.requests]


def http(answers: dict[str, list[Response | Exception]]) -> tuple[Http, Recorded, list[float]]:
    """An Http over recorded answers, without real pauses (the pauses asked are listed)."""
    opener = Recorded(answers)
    pauses: list[float] = []
    return Http(opener=opener, sleep=pauses.append), opener, pauses


def ok(body: bytes, content_type: str = "application/zip") -> Response:
    return Response(200, body, content_type, "OK")


def status(code: int, reason: str, body: bytes = b"") -> Response:
    return Response(code, body, "text/html" if body else "", reason)


TIMEOUT = Unreachable("timed out")


def zipped(member: str, text: str, newline: str) -> bytes:
    """A zip holding one CSV member whose lines end in ``newline``."""
    data = newline.join(text.split("\n")).encode("utf-8")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(member, data)
    return buffer.getvalue()


SIZE_COLUMNS = "<= 0,Lo 30,Med 40,Hi 30,Lo 20,Qnt 2,Qnt 3,Qnt 4,Hi 20,Lo 10,Dec 2,Hi 10"


def size_row(date: str, base: float) -> str:
    cells = ["-99.99", *(f"{base + i / 100:.2f}" for i in range(11))]
    return ",".join([date, *cells])


# Portfolios_Formed_on_ME_daily: the post-2025 layout (bare CR line endings applied by
# ``zipped``; the preamble without a program name; a ``Date`` header cell).
ME_DAILY_2025 = "\n".join(
    [
        "This file was created using the 202505 CRSP database.",
        "The 1-month TBill rate data until 202405 are from Ibbotson Associates. Starting from "
        "202406, the 1-month TBill rate is from ICE BofA US 1-Month Treasury Bill Index.",
        "Missing data are indicated by -99.99 or -999.",
        "",
        f"Date,{SIZE_COLUMNS}",
        size_row("20250528", 0.10),
        size_row("20250529", 0.20),
        size_row("20250530", -0.30),
        "",
        "Copyright 2025 Eugene F. Fama and Kenneth R. French",
        "",
    ]
)

# The same file before 2025: CRLF, the program named, an empty first header cell.
ME_DAILY_2024 = "\n".join(
    [
        "This file was created by CMPT_ME_RETS_DAILY using the 202412 CRSP database.",
        "Missing data are indicated by -99.99 or -999.",
        "",
        f",{SIZE_COLUMNS}",
        size_row("20241230", 0.10),
        size_row("20241231", 0.20),
        "",
        "Copyright 2024 Eugene F. Fama and Kenneth R. French",
        "",
    ]
)

# F-F_Research_Data_Factors_daily, post-2025.
FACTORS_DAILY_2025 = "\n".join(
    [
        "This file was created by CMPT_ME_BEME_RETS_DAILY using the 202505 CRSP database.",
        "The Tbill return is the simple daily rate that, over the number of trading days",
        "in the month, compounds to 1-month TBill rate from ICE BofA.",
        "",
        "Date,Mkt-RF,SMB,HML,RF",
        "20250529,0.33,-0.14,0.34,0.018",
        "20250530,-0.02,-0.40,-0.21,0.018",
        "",
        "Copyright 2025 Eugene F. Fama and Kenneth R. French",
        "",
    ]
)

# A footer that changed and lost its blank line: glued to the last row.
ME_DAILY_FOOTER_GLUED = ME_DAILY_2025.replace(
    "\n\nCopyright 2025 Eugene F. Fama and Kenneth R. French",
    "\n(c) 2025 Kenneth R. French, all rights reserved",
)
# A footer reworded, after its blank line as before: a block without a header, ignored.
ME_DAILY_FOOTER_REWORDED = ME_DAILY_2025.replace(
    "Copyright 2025 Eugene F. Fama and Kenneth R. French",
    "Data library (c) 2025 Kenneth R. French; see the terms of use",
)

HTML_PAGE = (
    b"<!DOCTYPE html><html><head><title>Tuck School of Business | Page not found</title>"
    b"</head><body>Sorry.</body></html>"
)


def fred_csv(series_id: str, rows: Iterable[tuple[str, str]], *, old_layout: bool = False) -> bytes:
    """A FRED CSV download: ``observation_date,ID`` (``DATE,VALUE`` with ``old_layout``)."""
    header = "DATE,VALUE" if old_layout else f"observation_date,{series_id}"
    return ("\n".join([header, *(f"{d},{v}" for d, v in rows)]) + "\n").encode()
