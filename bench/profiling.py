"""Flame graphs of a running service for the benches (``--profile``): py-spy (a dev dependency) samples the
process from outside, so the service runs exactly as deployed while it is measured."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
from pathlib import Path

ARTEFACTS = Path(__file__).resolve().parents[1] / ".run" / "artefacts" / "bench"


def py_spy(out: Path, pid: int) -> subprocess.Popen[bytes] | None:
    """Start sampling ``pid`` into ``out`` (.svg flame graph, .txt collapsed stacks to grep); None without
    py-spy."""
    exe = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(exe).exists():
        print("py-spy not found (make venv installs it): no profile")
        return None
    out.parent.mkdir(parents=True, exist_ok=True)
    fmt = "raw" if out.suffix == ".txt" else "flamegraph"
    return subprocess.Popen([exe, "record", "-p", str(pid), "-o", str(out), "--rate", "200", "--nonblocking",
                             "--format", fmt], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def stop_profile(spy: subprocess.Popen[bytes] | None) -> None:
    if spy is not None:
        spy.send_signal(signal.SIGINT)  # py-spy writes its output when interrupted
        spy.wait(timeout=60)
