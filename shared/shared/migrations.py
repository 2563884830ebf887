"""Alembic, driven from code: each service keeps its versions in ``<package>/migrations``.

``upgrade(package, settings)`` creates the service's database if needed and migrates it to head; a
service's ``migrations/env.py`` is two lines that call ``run_env(metadata)``.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from importlib.resources import files

import asyncpg
from alembic import command, context
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, pool
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

from shared.db import ensure_database
from shared.settings import ServiceSettings

#: See ``upgrade``.
_ONE_UPGRADE_AT_A_TIME = threading.Lock()


def alembic_config(package: str, url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(files(package) / "migrations"))
    if url:
        config.attributes["url"] = url
    return config


def upgrade(package: str, settings: ServiceSettings, revision: str = "head") -> None:
    """Create the database if missing, then migrate it (blocking; call it in a thread from async code).

    Several replicas starting at once (or a Job and a replica) migrate one after the other: the upgrade
    holds a session-level advisory lock, and whoever comes second finds the database at head already.
    """
    asyncio.run(ensure_database(settings.database_url, settings.database_name))
    # Alembic keeps the migration context in module globals: two upgrades in one process (a test migrating
    # several services from threads) must not interleave — that crashed the interpreter once. The advisory
    # lock below is per database, so it does not serialise them.
    with _ONE_UPGRADE_AT_A_TIME:
        asyncio.run(_locked(lambda: command.upgrade(alembic_config(package, settings.sqlalchemy_url), revision),
                            settings.asyncpg_dsn))


async def _locked(work: Callable[[], None], dsn: str) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("SELECT pg_advisory_lock(hashtext('alembic-upgrade'))")
        await asyncio.to_thread(work)
    finally:
        await conn.close()  # releases the lock


def head_revision(package: str) -> str | None:
    return ScriptDirectory.from_config(alembic_config(package)).get_current_head()


async def current_revision(conn: AsyncConnection) -> str | None:
    return await conn.run_sync(lambda sync: MigrationContext.configure(sync).get_current_revision())


def run_env(target_metadata: MetaData) -> None:
    """The body of every service's ``env.py`` (online, async engine)."""
    config = context.config
    url = config.attributes.get("url")
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=target_metadata, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return

    def do_run(connection: Connection) -> None:
        context.configure(connection=connection, target_metadata=target_metadata, compare_type=True)
        with context.begin_transaction():
            context.run_migrations()

    async def run_async() -> None:
        engine = create_async_engine(url, poolclass=pool.NullPool)
        async with engine.connect() as connection:
            await connection.run_sync(do_run)
        await engine.dispose()

    asyncio.run(run_async())
