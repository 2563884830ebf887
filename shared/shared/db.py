"""The database session factory: one async engine per service, built by ``create_app``, never at import."""

from __future__ import annotations

import asyncpg
import sqlalchemy.exc
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from shared.settings import ServiceSettings, database_url


def make_engine(settings: ServiceSettings) -> AsyncEngine:
    # No pre-ping by default: on asyncpg it is three round trips (BEGIN, a query, ROLLBACK) before every unit
    # of work, more than the writes of a small consumer batch. A connection the server dropped is found on its
    # first use instead: SQLAlchemy then recycles every connection of the pool opened before, the consumer
    # retries its batch, and the API answers that one request 503 (``install_problem_handlers``).
    # No overflow either: the pool closes an overflow connection as soon as it is returned. At 2,000 records/s
    # claims opened 23 connections against a pool of 10 (``bench/e2e.py --pg-statements``), each a connect,
    # an authentication, four of asyncpg's type introspections (about 10 ms of PostgreSQL each) and every
    # statement prepared again. The most a process holds is still 20; now it keeps them.
    return create_async_engine(
        settings.sqlalchemy_url,
        pool_size=settings.database_pool_size,
        max_overflow=0,
        pool_pre_ping=settings.database_pool_pre_ping,
    )


# SQLSTATEs worth retrying forever: serialization failure, deadlock, the server going away or refusing
# connections, too many connections.
_TRANSIENT_SQLSTATES = {"40001", "40P01", "53300", "57P01", "57P02", "57P03"}


def is_database_outage(exc: BaseException) -> bool:
    """The database away, restarting, out of connections or losing a race (a serialization failure, a
    deadlock): the same work succeeds if tried again, nothing is wrong with it."""
    if isinstance(exc, (asyncpg.PostgresConnectionError, asyncpg.InterfaceError)):
        return True
    if isinstance(exc, sqlalchemy.exc.TimeoutError):  # the pool ran dry
        return True
    if isinstance(exc, sqlalchemy.exc.DBAPIError):
        if exc.connection_invalidated:
            return True
        for candidate in (exc.orig, getattr(exc.orig, "__cause__", None)):
            state = getattr(candidate, "sqlstate", None) or getattr(candidate, "pgcode", None)
            if state and (state in _TRANSIENT_SQLSTATES or state.startswith("08")):
                return True
            if isinstance(candidate, (OSError, asyncpg.PostgresConnectionError, asyncpg.InterfaceError)):
                return True
    return False


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


async def ensure_database(server_url: str, name: str) -> bool:
    """Create the database ``name`` on the server if it does not exist; True if it was created."""
    conn = await asyncpg.connect(database_url(server_url, "postgres", driver="postgresql"))
    try:
        exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if exists:
            return False
        # CREATE DATABASE cannot take a bind parameter; the name is ours, quoted as an identifier anyway.
        quoted = '"' + name.replace('"', '""') + '"'
        try:
            await conn.execute(f"CREATE DATABASE {quoted}")
        except asyncpg.DuplicateDatabaseError:
            return False  # another process won the race
        return True
    finally:
        await conn.close()
