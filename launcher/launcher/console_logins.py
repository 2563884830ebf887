"""The console's first accounts on a laptop: an admin, and one person per role for the demo (a clerk who
prepares the demo day's run, an approver who signs it in the browser). Passwords are generated once and kept
in ``.run/console-logins.json`` (mode 0600), so ``make run`` again prints the same logins."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from launcher.stack import CONSOLE, Stack


@dataclass(frozen=True)
class Login:
    username: str
    name: str
    role: str
    password: str

    @property
    def actor(self) -> str:
        """As the console names this person to the services (console.api.web.Who.actor)."""
        return f"{self.name} ({self.username})"


PEOPLE = [("admin", "管理员", "admin"), ("wang.clerk", "王经办", "clerk"), ("zhao.reviewer", "赵审核", "reviewer"),
          ("li.approver", "李复核", "approver"), ("qian.finance", "钱财务", "finance")]


def ensure_logins(stack: Stack, run_dir: Path) -> dict[str, Login]:
    """Create each account unless it exists; the logins by role."""
    path = run_dir / "console-logins.json"
    kept = json.loads(path.read_text()) if path.exists() else {}
    logins = {role: Login(username, name, role, kept.get(username) or secrets.token_urlsafe(12))
              for username, name, role in PEOPLE}
    for login in logins.values():
        done = subprocess.run(
            [sys.executable, "-m", "console", "create-operator", login.username, "--name", login.name,
             "--role", login.role, "--if-missing"],
            env={**stack.env(CONSOLE), "CONSOLE_NEW_PASSWORD": login.password}, capture_output=True, text=True,
            timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"creating the console account {login.username} failed: {done.stderr.strip()}")
    path.write_text(json.dumps({x.username: x.password for x in logins.values()}, indent=2) + "\n")
    os.chmod(path, 0o600)
    return logins
