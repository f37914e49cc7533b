"""The mkdocs.yml a build runs with: the project's, with the build's folders, the generated
chart scripts and the site address; and the check every site address passes."""

from __future__ import annotations

import re
import urllib.parse
from pathlib import Path
from typing import Any

import yaml

from generator.errors import UsageError

CONFIG_FILE = "mkdocs.yml"
# Characters a site URL never needs and that would let it break out of an HTML attribute (it
# lands in every page's canonical link and in the feeds) or hide in a log line.
_UNSAFE_URL_CHARACTERS = re.compile(r"[\s\"'<>`\\\x00-\x1f\x7f]")


def build_config(
    project_dir: Path,
    docs_dir: Path,
    site_dir: Path,
    scripts: list[str],
    cache_dir: Path,
    site_url: str | None = None,
) -> dict[str, Any]:
    """The project's mkdocs.yml with the given folders and the generated scripts added.

    ``build_site`` gives the folders relative to the build folder, where MkDocs runs, so the
    config is the same wherever the build folder is: the cache entries' keys include it.
    """
    config = yaml.safe_load((project_dir / CONFIG_FILE).read_text(encoding="utf-8"))
    if site_url:
        config["site_url"] = site_url
    config["docs_dir"] = str(docs_dir)
    config["site_dir"] = str(site_dir)
    theme = config.setdefault("theme", {})
    if theme.get("custom_dir"):
        theme["custom_dir"] = str((project_dir / theme["custom_dir"]).resolve())
    config["hooks"] = [str((project_dir / hook).resolve()) for hook in config.get("hooks", [])]
    config["extra_javascript"] = [*config.get("extra_javascript", []), *scripts]
    for plugin in config.get("plugins", []):
        if isinstance(plugin, dict) and "rss" in plugin:
            plugin["rss"]["cache_dir"] = str(cache_dir / "rss")
    return config


def checked_site_url(url: str, origin: str) -> str:
    """``url`` when it is a plain http(s) address; a UsageError naming ``origin`` (the option or
    the environment variable) otherwise. The address lands unescaped in every page's canonical
    link, so markup in it would run in readers' browsers."""
    problem = _site_url_problem(url)
    if problem is not None:
        raise UsageError(f"{origin} {url!r} is not an http(s) URL: {problem}")
    return url


def _site_url_problem(url: str) -> str | None:
    unsafe = _UNSAFE_URL_CHARACTERS.search(url)
    if unsafe is not None:
        return (
            f"it holds {unsafe.group()!r} (no quotes, angle brackets, backslashes, spaces or "
            "control characters)"
        )
    try:
        parts = urllib.parse.urlsplit(url)
        host, _port = parts.hostname, parts.port
    except ValueError as exc:
        return f"it cannot be parsed ({exc})"
    if parts.scheme not in ("http", "https"):
        return "it must start with http:// or https://"
    if not host:
        return "it names no host"
    if parts.username is not None or parts.password is not None:
        return "it must not hold a user name or password"
    if parts.query or parts.fragment:
        return "it must not hold a ?query or a #fragment"
    return None
