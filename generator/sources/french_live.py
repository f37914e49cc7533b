"""Ken French Data Library, live: the configured zip files, unzipped in memory, parsed by the
CSV parser (``french.parse_french``) exactly as an imported file would be.

The files since the library's 2025 rebuild end their lines with a bare carriage return
(``\\r``, no ``\\n``: readers that split on ``\\r\\n`` see one long line, as pandas-datareader did
until its September 2025 fix), a daily file's header cell may read ``Date``, and the preamble may
drop the program's name (``This file was created using the 202505 CRSP database.``). The text is
read as ``import`` reads a file (``csvtext.decode_lines``: CR, LF and CRLF all end a line), so
the older CRLF files read the same; a Windows-1252 byte (the odd ``©``) is accepted too.

What else really happens, and what each becomes (one FetchError line naming the source, the URL
and the problem; nothing of that source is stored):

- an HTTP error (401 or 403 when the server refuses a client, 5xx): see ``http.Http``;
- an HTML page served instead of the zip (a moved file, a maintenance page): named as such,
  with the page's title;
- a truncated or damaged zip, or one without a CSV inside;
- a file whose layout changed (an unknown header, a footer glued to the last row): the
  parser's line-numbered error, prefixed with the URL.

The CRSP vintage line each file carries (``This file was created by CMPT_ME_RETS_DAILY using the
202505 CRSP database.``) becomes the series' ``version``, kept in the manifest.
"""

from __future__ import annotations

import dataclasses
import io
import re
import zipfile
import zlib
from pathlib import Path

from tqdm import tqdm

from generator.errors import FetchError, ParseError
from generator.model import Series
from generator.source_settings import FrenchSource
from generator.sources.csvtext import decode_lines
from generator.sources.french import parse_french
from generator.sources.http import Http, looks_like_html, page_title

NAME = "french"
SOURCE = "french"
_VINTAGE = re.compile(r"this file was created .*?\bCRSP database\b", re.IGNORECASE)


def fetch_french(settings: FrenchSource, http: Http, *, progress: bool = False) -> list[Series]:
    """Every series of every configured file (FetchError on the first file that fails)."""
    out: list[Series] = []
    for name in tqdm(settings.files, desc=NAME, unit="file", disable=not progress):
        out.extend(french_file(file_url(settings.url, name), name, http))
    return out


def file_url(base: str, name: str) -> str:
    """The URL of one library file: the folder URL (with or without its final ``/``) + name."""
    return base if base.endswith(name) else f"{base.rstrip('/')}/{name}"


def french_file(url: str, name: str, http: Http) -> list[Series]:
    """The series of one zipped library file at ``url``."""
    answer = http.get(url, source=NAME)
    if looks_like_html(answer):
        title = page_title(answer.body)
        shown = f" ({title!r})" if title else ""
        raise FetchError(f"{NAME}: {url}: got a web page{shown}, not a zip file")
    member, data = _csv_member(url, answer.body)
    lines = _text_lines(member, data)
    try:
        series = parse_french(Path(member), lines)
    except ParseError as exc:
        raise FetchError(f"{NAME}: {url}: {exc}") from None
    version = vintage(lines)
    return [dataclasses.replace(s, source=f"{SOURCE}:{name}", version=version) for s in series]


def _csv_member(url: str, body: bytes) -> tuple[str, bytes]:
    """The one CSV inside the zip, by name, and its bytes."""
    try:
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            names = [n for n in archive.namelist() if n.lower().endswith((".csv", ".txt"))]
            if len(names) != 1:
                raise FetchError(
                    f"{NAME}: {url}: expected one CSV file in the zip, found {len(names)}"
                    f" ({', '.join(archive.namelist()[:5]) or 'nothing'})"
                )
            return names[0], archive.read(names[0])
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise FetchError(
            f"{NAME}: {url}: damaged zip file, {len(body)} bytes (a download cut short?): {exc}"
        ) from None


def _text_lines(member: str, data: bytes) -> list[str]:
    """The member's lines; a byte that is not UTF-8 is read as Windows-1252."""
    try:
        return decode_lines(Path(member), data)
    except ParseError:
        return decode_lines(Path(member), data.decode("cp1252", "replace").encode("utf-8"))


def vintage(lines: list[str]) -> str:
    """The file's CRSP vintage line (``This file was created ... CRSP database.``), or ""."""
    for line in lines[:20]:
        match = _VINTAGE.search(line)
        if match:
            return " ".join(line.split())
    return ""
