"""The command-line tools the suite shells out to, found the way the Makefile finds them.

A test that needs a tool asks here instead of trusting PATH: on a fresh machine only Python, make and what the
project's own files install are there, so a tool is looked for where those files put it, and when it is
nowhere the failure names the tool and the command that installs it, not a shell's "not found" three frames
below an assertion.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


class MissingTool(RuntimeError):
    pass


def required(name: str, *, env_var: str | None = None, also: tuple[Path, ...] = (), install: str) -> Path:
    """The executable ``name``: from ``env_var`` if set, else PATH, else the first of ``also`` that exists."""
    candidates: list[str | Path | None] = [os.environ.get(env_var) if env_var else None, shutil.which(name), *also]
    for candidate in candidates:
        if candidate and os.access(candidate, os.X_OK) and Path(candidate).is_file():
            return Path(candidate).resolve()
    looked = ", ".join(filter(None, [f"${env_var}" if env_var else None, "PATH", *map(str, also)]))
    raise MissingTool(f"`{name}` is needed and was not found (looked in {looked}); install it with: {install}")


def uv() -> Path:
    """The uv that `make` resolved: the Makefile exports it as JISHI_UV to `make test`; run by hand, PATH or the
    copy `make` bootstraps into .run/bootstrap."""
    return required("uv", env_var="JISHI_UV", also=(ROOT / ".run" / "bootstrap" / "bin" / "uv",),
                    install="make venv (bootstraps uv into .run/bootstrap)")


def npm() -> Path:
    return required("npm", install="apt-get update && apt-get install -y npm")


def chromium() -> Path:
    """Debian's Chromium, which the console's browser tests drive through Playwright (its own browser download
    is not reachable from every machine; Debian's package is). ``make browser`` installs it with a CJK font."""
    return required("chromium", env_var="JISHI_CHROMIUM", also=(Path("/usr/bin/chromium"),),
                    install="make browser (apt-get install -y chromium fonts-wqy-zenhei, as root)")
