"""Where the system's PostgreSQL, Kafka and operator token come from: the environment when set (that is how
production runs), otherwise the embedded ones, started here under ``.run/``."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from launcher.infra import EmbeddedPostgres, EmbeddedTansu
from shared.auth import new_token
from shared.contracts.topics import all_topic_names, partitions_of
from shared.messaging.kafka import create_topics


@dataclass
class Infrastructure:
    database_url: str
    kafka_bootstrap: str
    postgres: EmbeddedPostgres | None = None
    tansu: EmbeddedTansu | None = None

    @property
    def pids(self) -> list[int]:
        """The processes this project started (none when it uses servers given by the environment)."""
        return [p.process.pid for p in (self.postgres, self.tansu) if p is not None]

    def stop(self) -> None:
        if self.tansu is not None:
            self.tansu.stop()
        if self.postgres is not None:
            self.postgres.stop()


def start_infrastructure(run_dir: Path, env: dict[str, str] | None = None, *, pg_port: int | None = None,
                         kafka_port: int | None = None, pg_dir: Path | None = None,
                         pg_options: Sequence[str] = ()) -> Infrastructure:
    env = env if env is not None else dict(os.environ)
    infra = Infrastructure(env.get("JISHI_DATABASE_URL", ""), env.get("JISHI_KAFKA_BOOTSTRAP", ""))
    try:
        if not infra.database_url:
            port = pg_port or int(env.get("JISHI_PG_PORT", "55432"))
            infra.postgres = EmbeddedPostgres.start(pg_dir or run_dir / "pgdata", port,
                                                    log_file=run_dir / "logs" / "postgres.log", options=pg_options)
            infra.database_url = infra.postgres.url
        if not infra.kafka_bootstrap:
            port = kafka_port or int(env.get("JISHI_KAFKA_PORT", "9092"))
            infra.tansu = EmbeddedTansu.start(port, log_file=run_dir / "logs" / "tansu.log")
            infra.kafka_bootstrap = infra.tansu.bootstrap
    except BaseException:
        infra.stop()
        raise
    return infra


def ensure_topics(bootstrap: str, *, prefix: str = "", partitions: int = 8) -> list[str]:
    """Every topic and its ``.dlq``; ``partitions`` for a topic with a message per settlement, which bounds how
    far a consumer can scale out, and fewer for the others (``topics.partitions_of``)."""
    by_count: dict[int, list[str]] = {}
    for name in all_topic_names():
        by_count.setdefault(partitions_of(name, partitions), []).append(f"{prefix}{name}")

    async def create() -> list[str]:
        return [created for count, names in by_count.items()
                for created in await create_topics(bootstrap, names, partitions=count)]

    return asyncio.run(create())


def operator_token(run_dir: Path, env: dict[str, str] | None = None) -> tuple[str, bool]:
    """``JISHI_OPERATOR_TOKEN`` when set; otherwise the one generated earlier, or a new one written to
    ``.run/operator-token``. Returns the token and whether it was generated now."""
    env = env if env is not None else dict(os.environ)
    if env.get("JISHI_OPERATOR_TOKEN"):
        return env["JISHI_OPERATOR_TOKEN"], False
    path = run_dir / "operator-token"
    if path.exists():
        return path.read_text().strip(), False
    token = new_token("op_")
    run_dir.mkdir(parents=True, exist_ok=True)
    path.write_text(token + "\n")
    path.chmod(0o600)
    return token, True
