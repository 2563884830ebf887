"""Many rows in one unnest statement (shared.bulk) on the real PostgreSQL: each value lands as an insert of
that row alone would have stored it, or is refused as it would have been. The views it writes are what an
institution reads of its settlements (contract.md, "Money": amounts exact to the fen)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, ClassVar

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel.sql.sqltypes import AutoString

from launcher.testing import Infra, settings_for
from shared.bulk import insert_rows, one_per_key, upsert_rows
from shared.db import ensure_database, make_engine, make_sessionmaker
from shared.settings import ServiceSettings


class BulkSettings(ServiceSettings):
    SERVICE: ClassVar[str] = "bulk"


metadata = sa.MetaData()
views = sa.Table(
    "bulk_views", metadata,
    sa.Column("payment_id", sa.Uuid, primary_key=True),
    sa.Column("code", sa.String(5), nullable=False),
    sa.Column("amount", sa.Numeric(18, 2)),
    sa.Column("day", sa.Date),
    sa.Column("at", sa.DateTime(timezone=True)),
    sa.Column("final", sa.Boolean, nullable=False),
    sa.Column("batches", JSONB),
    sa.Column("kind", sa.String(10), nullable=False, default="record"),
)
#: A SQLModel ``str`` field with ``max_length`` is this type: a TypeDecorator over VARCHAR(n).
modelled = sa.Table("bulk_modelled", metadata, sa.Column("code", AutoString(5), primary_key=True))
arrays = sa.Table("bulk_arrays", metadata, sa.Column("id", sa.Integer, primary_key=True),
                  sa.Column("tags", sa.ARRAY(sa.Text)))


@pytest.fixture
async def engine(infra: Infra, prefix: str) -> AsyncIterator[AsyncEngine]:
    settings = settings_for(BulkSettings, infra, prefix)
    await ensure_database(settings.database_url, settings.database_name)
    engine = make_engine(settings)
    async with engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    yield engine
    await engine.dispose()


async def write(engine: AsyncEngine, fn: Any, *args: Any, **kwargs: Any) -> None:
    async with make_sessionmaker(engine)() as session, session.begin():
        await fn(session, *args, **kwargs)


async def stored(engine: AsyncEngine) -> dict[uuid.UUID, Any]:
    async with engine.connect() as conn:
        return {r.payment_id: r for r in await conn.execute(sa.select(views))}


def row(payment_id: uuid.UUID, **values: Any) -> dict[str, Any]:
    return {"payment_id": payment_id, "code": "H0001", "amount": Decimal("12.34"), "day": date(2025, 9, 2),
            "at": datetime(2025, 9, 2, 1, 30, tzinfo=UTC), "final": False, "batches": ["2025-09-02"]} | values


async def test_each_value_lands_as_a_single_insert_would_store_it(engine: AsyncEngine) -> None:
    """Money to the fen, dates, times, UUIDs, JSON lists (one value, not flattened), a Python default filled."""
    a, b = uuid.uuid4(), uuid.uuid4()
    await write(engine, insert_rows, views, [row(a), row(b, amount=None, batches=None, code="C1")])
    got = await stored(engine)
    assert got[a].amount == Decimal("12.34") and got[a].day == date(2025, 9, 2)
    assert got[a].at == datetime(2025, 9, 2, 1, 30, tzinfo=UTC) and got[a].batches == ["2025-09-02"]
    assert got[a].kind == "record"  # the column's default, as a Core insert applies it
    assert got[b].amount is None and got[b].code == "C1"
    assert got[b].batches is None  # JSONB's None is JSON null by SQLAlchemy's rule, read back as None


async def test_an_upsert_updates_what_it_names_where_its_condition_holds(engine: AsyncEngine) -> None:
    """The view never moves a fact backwards: a final payment keeps the bank's first answer."""
    kept, moved = uuid.uuid4(), uuid.uuid4()
    await write(engine, insert_rows, views, [row(kept, final=True), row(moved)])
    later = datetime(2025, 9, 3, tzinfo=UTC)
    await write(engine, upsert_rows, views, [row(kept, amount=Decimal("1.00"), at=later),
                                             row(moved, amount=Decimal("1.00"), at=later)],
                keys=["payment_id"], update=["amount"], where="NOT bulk_views.final")
    got = await stored(engine)
    assert got[kept].amount == Decimal("12.34")
    assert (got[moved].amount, got[moved].at) == (Decimal("1.00"), datetime(2025, 9, 2, 1, 30, tzinfo=UTC))


async def test_rows_of_one_key_in_a_batch_are_one_row_the_last(engine: AsyncEngine) -> None:
    key = uuid.uuid4()
    await write(engine, upsert_rows, views, [row(key, amount=Decimal("1.00")), row(key, amount=Decimal("2.00"))],
                keys=["payment_id"])
    assert (await stored(engine))[key].amount == Decimal("2.00")


async def test_a_value_too_long_for_its_column_is_refused_not_cut(engine: AsyncEngine) -> None:
    """A cast to VARCHAR(n) would truncate silently; the statement casts to text, so the column refuses it."""
    with pytest.raises(DBAPIError, match="too long"):
        await write(engine, insert_rows, views, [row(uuid.uuid4(), code="H00012")])
    assert await stored(engine) == {}


async def test_a_value_too_long_for_a_sqlmodel_column_is_refused_not_cut(engine: AsyncEngine) -> None:
    """The same through SQLModel's own string type, which once slipped past as VARCHAR(5) and was cut."""
    with pytest.raises(DBAPIError, match="too long"):
        await write(engine, insert_rows, modelled, [{"code": "H00012"}])


async def test_an_array_column_is_refused_before_anything_is_sent(engine: AsyncEngine) -> None:
    with pytest.raises(TypeError, match="unnest would flatten it"):
        await write(engine, insert_rows, arrays, [{"id": 1, "tags": ["a", "b"]}])


async def test_one_per_key_reads_the_rows_of_exactly_the_keys_given_whatever_their_number(engine: AsyncEngine) -> None:
    """Disbursement finds a batch's waiting settlements by (institution, setl_id) pairs (JL art.11: a line
    for each record): a pair matches only both halves together, a key given twice is one row, and one
    statement serves any batch size."""
    ids = [uuid.uuid4() for _ in range(4)]
    await write(engine, insert_rows, views, [row(ids[0], code="H0001"), row(ids[1], code="H0002"),
                                             row(ids[2], code="H0001"), row(ids[3], code="H0001", final=True)])
    statements = set()

    async def keys_of(pairs: list[tuple[str, uuid.UUID]]) -> list[uuid.UUID]:
        statement = one_per_key(sa.select(views.c.payment_id).where(views.c.final.is_(False)).with_for_update(),
                                (views.c.code, views.c.payment_id), pairs)
        statements.add(str(statement.compile(dialect=engine.dialect)))
        async with engine.connect() as conn:
            return sorted((await conn.execute(statement)).scalars(), key=ids.index)

    assert await keys_of([("H0001", ids[0]), ("H0001", ids[1]), ("H0002", ids[1])]) == [ids[0], ids[1]]
    assert await keys_of([("H0001", ids[2]), ("H0001", ids[2])]) == [ids[2]]
    assert await keys_of([("H0001", ids[3])]) == []  # the statement's own condition still holds
    assert await keys_of([]) == []
    assert len(statements) == 1  # the same text, so the same prepared statement, for 3, 2 and 0 keys
