"""Running ``mkdocs build --strict`` in its own process, and reading its log: any warning or
error line fails the build, as one SiteError line quoting them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from generator.errors import SiteError


def run_mkdocs(config_path: Path) -> None:
    """Run MkDocs in the config's folder (its paths are relative to it); SiteError on a warning."""
    env = {
        **os.environ,
        "NO_MKDOCS_2_WARNING": "1",  # mkdocs-material's banner is not a warning
    }
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config_path)]
    done = subprocess.run(
        command, capture_output=True, text=True, env=env, cwd=config_path.parent, check=False
    )
    problems = problem_lines(done.stderr)
    if done.returncode != 0 or problems:
        detail = "; ".join(problems) or done.stderr.strip().splitlines()[-1:]
        raise SiteError(f"mkdocs build --strict failed ({config_path}): {detail}")


def problem_lines(log: str) -> list[str]:
    """The lines of MkDocs' log that fail a strict build: warnings, errors and tracebacks."""
    return [
        line
        for line in log.splitlines()
        if line.startswith(("WARNING", "ERROR", "Error", "Aborted")) or "Traceback" in line
    ]
