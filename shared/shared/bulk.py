"""Many rows in one statement: ``INSERT ... SELECT FROM unnest(arrays) ... ON CONFLICT``.

An executemany upsert is one statement a row for PostgreSQL and a round of SQLAlchemy's per-row bind
processing for Python; at a few thousand settlements a second those rows were the largest single cost of
claims' and accounting's views. Sent as one array per column, a batch is one statement whatever its size,
and the same prepared statement every time (the text depends only on the table and the columns).

``one_per_key`` is the same idea for reading: a batch's keys as one array a column instead of ``(a, b) IN
((..), (..), ...)``, whose text (so its plan) changes with the batch's size and which PostgreSQL plans
slowly once it holds hundreds of rows (40 ms for disbursement's 500 waiting settlements).

What it cannot carry: PostgreSQL ``ARRAY`` columns (``unnest`` would flatten them into rows). JSON columns go
as ``jsonb[]``, one JSON document each, so a JSON list stays one value.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncSession

_DIALECT = postgresql.dialect()


async def insert_rows(session: AsyncSession, table: sa.Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert ``rows``, all with the same columns, in one statement."""
    if rows:
        columns = _columns(table, rows[0])
        await _execute(session, table, rows, columns, _statement(table, columns, None, None, None))


async def upsert_rows(session: AsyncSession, table: sa.Table, rows: Sequence[dict[str, Any]], *,
                      keys: Sequence[str], update: Sequence[str] | None = None, where: str | None = None) -> None:
    """Insert ``rows``; on a key already present update ``update`` (every non-key column given, when None;
    nothing, when empty) if ``where`` (SQL over the table's and ``EXCLUDED``'s columns) holds. Rows that share
    a key are one row, the last of them, as executing them one after another would have left it (a single
    statement cannot touch a row twice)."""
    if not rows:
        return
    columns = _columns(table, rows[0])
    latest = list({tuple(row[k] for k in keys): row for row in rows}.values())
    sets = tuple(c for c in rows[0] if c not in keys) if update is None else tuple(update)
    await _execute(session, table, latest, columns, _statement(table, columns, tuple(keys), sets, where))


def one_per_key(statement: sa.Select[Any], columns: Sequence[sa.ColumnElement[Any]],
                keys: Iterable[Sequence[Any]]) -> sa.Select[Any]:
    """``statement``'s row for each of ``keys`` (values of ``columns``, a unique key of its table), each found
    by its own index lookup: ``unnest(arrays) CROSS JOIN LATERAL (statement AND columns = key LIMIT 1)``.

    ``LIMIT 1`` keeps PostgreSQL from folding the lateral subquery into a join, which it would plan as a hash
    of every row ``statement`` matches: for disbursement's waiting settlements that is the whole backlog,
    95 ms a batch under load, where a lookup a key costs the same whatever is waiting."""
    keys = list(dict.fromkeys(tuple(key) for key in keys))  # a key given twice would be its row twice
    arrays = [sa.cast(sa.bindparam(None, [key[i] for key in keys]), postgresql.ARRAY(_element_type(column)))
              for i, column in enumerate(columns)]
    wanted = sa.func.unnest(*arrays).table_valued(*(f"k{i}" for i in range(len(columns)))).render_derived()
    found = statement.where(*(column == wanted.c[i] for i, column in enumerate(columns))).limit(1).lateral()
    return sa.select(*found.c).select_from(wanted).join(found, sa.true())


async def _execute(session: AsyncSession, table: sa.Table, rows: Sequence[dict[str, Any]],
                   columns: tuple[str, ...], statement: sa.TextClause) -> None:
    """One array a column: the rows' values, or the column's default for each row."""
    defaults = _defaults(table, tuple(rows[0]))
    json_columns = _json_columns(table, columns)
    arrays: dict[str, list[Any]] = {}
    for c in columns:
        values = [row[c] for row in rows] if c not in defaults else [defaults[c]() for _ in rows]
        arrays[c] = [_json(v, json_columns[c]) for v in values] if c in json_columns else values
    await session.execute(statement, arrays)


def _columns(table: sa.Table, row: dict[str, Any]) -> tuple[str, ...]:
    """The row's columns, then those it leaves to a default computed in Python (as a Core insert would)."""
    return tuple(row) + tuple(c for c in _defaults(table, tuple(row)) if c not in row)


@lru_cache(maxsize=256)
def _defaults(table: sa.Table, given: tuple[str, ...]) -> dict[str, Any]:
    """Python-side defaults of the columns not given, each as a function of nothing; a NULL default is the
    database's own and needs no value."""
    defaults: dict[str, Any] = {}
    for column in table.c:
        default = column.default
        if column.name in given or default is None or (default.is_scalar and default.arg is None):  # type: ignore[attr-defined]
            continue
        if default.is_scalar:  # type: ignore[attr-defined]
            defaults[column.name] = lambda value=default.arg: value  # type: ignore[attr-defined]
        elif default.is_callable:  # type: ignore[attr-defined]
            defaults[column.name] = lambda fn=default.arg: fn(None)  # type: ignore[attr-defined]
        else:
            raise TypeError(f"{table.name}.{column.name}: give its value, its default is computed by SQL")
    return defaults


@lru_cache(maxsize=256)
def _statement(table: sa.Table, columns: tuple[str, ...], keys: tuple[str, ...] | None,
               sets: tuple[str, ...] | None, where: str | None) -> sa.TextClause:
    """``keys`` None: a plain insert. Else ON CONFLICT on them, updating ``sets`` (none: DO NOTHING)."""
    quote = _DIALECT.identifier_preparer.quote
    arrays = ", ".join(f"CAST(:{c} AS {_array_type(table.c[c])})" for c in columns)
    names = ", ".join(quote(c) for c in columns)
    into = _DIALECT.identifier_preparer.format_table(table)
    insert = f"INSERT INTO {into} ({names}) SELECT * FROM unnest({arrays}) AS u({names})"
    if keys is None:
        return sa.text(insert)
    conflict = f"ON CONFLICT ({', '.join(quote(k) for k in keys)}) "
    if sets:
        conflict += "DO UPDATE SET " + ", ".join(f"{quote(c)} = EXCLUDED.{quote(c)}" for c in sets)
        if where:
            conflict += f" WHERE {where}"
    else:
        conflict += "DO NOTHING"
    return sa.text(f"{insert} {conflict}")


def _array_type(column: sa.Column[Any]) -> str:
    return f"{_element_type(column).compile(dialect=_DIALECT)}[]"


def _element_type(column: sa.ColumnElement[Any]) -> sa.types.TypeEngine[Any]:
    # What the database stores: SQLModel's str columns are a TypeDecorator (AutoString) over VARCHAR(n).
    stored = column.type.impl_instance if isinstance(column.type, sa.TypeDecorator) else column.type
    if isinstance(stored, sa.ARRAY):
        raise TypeError(f"{column} is an array: unnest would flatten it")
    if isinstance(stored, sa.String) and not isinstance(stored, sa.Enum):
        return sa.Text()  # a cast to VARCHAR(n) would cut a long value short; assigning text to it refuses one
    if isinstance(stored, sa.Numeric) and not isinstance(stored, sa.Float):
        return sa.Numeric()  # the column's scale applies on assignment, as it would to a value inserted alone
    return column.type


@lru_cache(maxsize=256)
def _json_columns(table: sa.Table, columns: tuple[str, ...]) -> dict[str, bool]:
    """The JSON columns among ``columns``, each with whether None is SQL NULL there (else JSON ``null``)."""
    return {c: table.c[c].type.none_as_null for c in columns if isinstance(table.c[c].type, sa.JSON)}


def _json(value: Any, none_as_null: bool) -> str | None:
    """Each document as its text, as SQLAlchemy's asyncpg dialect sends JSONB; None as SQLAlchemy would."""
    if value is None and none_as_null:
        return None
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
