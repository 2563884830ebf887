"""Where PostgreSQL's share of a bench goes, statement by statement (``--pg-statements N``).

The bench's own PostgreSQL preloads ``pg_stat_statements``; the view is reset just before the load and read
once the last line is written, so what it holds is the load and nothing of the set-up. Its times are
planning and execution, the WAL flush at COMMIT among them (a statement of its own, tracked as a utility);
parsing and the socket work of each round trip are not, and a lock waited for is, so the total is not
PostgreSQL's CPU a record.
"""

from __future__ import annotations

import asyncpg

SERVER_OPTIONS = ("shared_preload_libraries=pg_stat_statements", "pg_stat_statements.track_planning=on")

_TOP = """
SELECT d.datname, s.calls, s.total_exec_time + s.total_plan_time AS ms, s.rows, s.query
FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
ORDER BY ms DESC LIMIT $1
"""
_TOTAL = "SELECT coalesce(sum(total_exec_time + total_plan_time), 0) FROM pg_stat_statements"
# Sessions opened so far, per database: a pool that opens connections under load pays a connect, an
# authentication and asyncpg's type introspection for each.
_SESSIONS = "SELECT datname, sessions FROM pg_stat_database WHERE datname IS NOT NULL"


async def reset(dsn: str) -> dict[str, int]:
    """Empty the statistics; returns the sessions opened so far, for ``report`` to subtract."""
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        await conn.execute("SELECT pg_stat_statements_reset()")
        return dict(await conn.fetch(_SESSIONS))
    finally:
        await conn.close()


async def report(dsn: str, records: int, top: int, sessions_before: dict[str, int],
                 database_prefix: str = "") -> list[str]:
    """The ``top`` statements by time, each as µs a record and calls in all, and the total over every statement."""
    conn = await asyncpg.connect(dsn)
    try:
        rows = await conn.fetch(_TOP, top)
        total_ms = await conn.fetchval(_TOTAL)
        sessions = dict(await conn.fetch(_SESSIONS))
    finally:
        await conn.close()
    per = 1000 / max(records, 1)
    opened = {name.removeprefix(database_prefix): count - sessions_before.get(name, 0)
              for name, count in sessions.items() if name.startswith(database_prefix)}
    lines = [f"PostgreSQL statements: {total_ms * per:,.0f} µs a record in all (execution + planning); "
             "connections opened under the load: " + ", ".join(f"{name} {n}" for name, n in sorted(opened.items()))]
    for row in rows:
        query = " ".join(row["query"].split())
        database = row["datname"].removeprefix(database_prefix)
        lines.append(f"  {row['ms'] * per:7.1f} µs  {row['calls']:7d} calls  {row['ms'] / row['calls']:7.2f} ms/call  "
                     f"{row['rows'] / row['calls']:6.1f} rows/call  {database}: {query[:100]}")
    return lines
