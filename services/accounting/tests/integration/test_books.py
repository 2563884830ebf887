"""The books on real PostgreSQL: the database itself refuses an unbalanced entry, an event is posted once,
and the trial balance balances (N art.19, SX §5, ZJ §5)."""

from __future__ import annotations

import secrets
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import asyncpg
import pytest

from accounting.main import create_app
from accounting.service.uow import AccountingUnitOfWork
from accounting.settings import AccountingSettings
from launcher.testing import eventually, operator_headers, publish, serving
from shared.contracts import topics
from shared.contracts.events import PaymentConfirmed
from shared.db import make_engine, make_sessionmaker
from shared.messaging.envelope import Envelope


async def test_the_database_refuses_an_entry_whose_debits_and_credits_differ(db: asyncpg.Connection) -> None:
    """Even a write that bypasses the code cannot unbalance the books: the check runs at commit."""
    entry = uuid.uuid4()
    with pytest.raises(asyncpg.CheckViolationError, match="does not balance"):
        async with db.transaction():
            await db.execute("INSERT INTO journal_entries (entry_id, source_event_id, source_type, fund, period, "
                             "entry_date, memo, posted_at) VALUES ($1, $2, 'test', '310', '2025-09', '2025-09-02', "
                             "'unbalanced', now())", entry, uuid.uuid4())
            await db.execute("INSERT INTO postings (entry_id, account_code, side, amount, fund, period) VALUES "
                             "($1, '120101', 'D', 100.00, '310', '2025-09'), ($1, '1004', 'C', 99.99, '310', '2025-09')",
                             entry)
    assert await db.fetchval("SELECT count(*) FROM postings WHERE entry_id = $1", entry) == 0


async def test_the_database_refuses_a_negative_or_sideless_leg(db: asyncpg.Connection) -> None:
    for bad in ("'C', -5.00", "'X', 5.00"):
        entry = uuid.uuid4()
        with pytest.raises(asyncpg.CheckViolationError):
            async with db.transaction():
                await db.execute("INSERT INTO journal_entries (entry_id, source_event_id, source_type, fund, period, "
                                 "entry_date, memo, posted_at) VALUES ($1, $2, 'test', '310', '2025-09', "
                                 "'2025-09-02', 'x', now())", entry, uuid.uuid4())
                await db.execute("INSERT INTO postings (entry_id, account_code, side, amount, fund, period) VALUES "
                                 f"($1, '1004', {bad}, '310', '2025-09')", entry)


async def test_the_database_refuses_an_entry_without_legs(db: asyncpg.Connection) -> None:  # N art.19
    with pytest.raises(asyncpg.CheckViolationError, match="has no legs"):
        await db.execute("INSERT INTO journal_entries (entry_id, source_event_id, source_type, fund, period, "
                         "entry_date, memo, posted_at) VALUES ($1, $2, 'test', '310', '2025-09', '2025-09-02', "
                         "'empty', now())", uuid.uuid4(), uuid.uuid4())
    assert await db.fetchval("SELECT count(*) FROM journal_entries") == 0


@pytest.mark.usefixtures("topics")  # the app's consumers read the test's topics
async def test_a_confirmed_payment_is_posted_once_however_often_it_is_delivered(settings: AccountingSettings) -> None:
    """SX §5 / ZJ §5: Dr 暂付款—即时结算预拨 (institution × month) / Cr 支出户存款, once per event."""
    code = f"H{secrets.token_hex(4).upper()}"
    confirmed = PaymentConfirmed(voucher_no="220100-20250902-000009", payment_id=uuid.uuid4(), admdvs="220100",
                                 fixmedins_code=code, insutype="390", period="2025-08", amount=Decimal("1234.56"),
                                 bank_ref="CB1", receipt_at=datetime.now(UTC), value_date=date(2025, 9, 2))
    envelope = Envelope.wrap(topics.PAYMENT_CONFIRMED, confirmed)
    async with serving(create_app(settings)) as client:
        for _ in range(2):
            await publish(settings.kafka_bootstrap, settings.topic(topics.PAYMENT_CONFIRMED.name),
                          envelope.to_bytes(), code.encode())

        async def posted() -> dict | None:  # type: ignore[type-arg]
            books = (await client.get("/v1/trial-balance", headers=operator_headers())).json()
            return books if books["funds"] else None

        books = await eventually(posted)
        by_account = {row["account"]: row for row in books["funds"]["390"]}
        assert by_account["120101"]["debit"] == "1234.56" and by_account["120101"]["balance"] == "1234.56"
        assert by_account["1004"]["credit"] == "1234.56" and by_account["1004"]["balance"] == "-1234.56"
        assert books["balanced"] and books["total_debit"] == books["total_credit"] == "1234.56"
        august = (await client.get("/v1/trial-balance", headers=operator_headers(),
                                   params={"period": "2025-08"})).json()
        assert august["funds"] == {}  # booked in September, when the money left; the advance names August

    engine = make_engine(settings)
    async with AccountingUnitOfWork(make_sessionmaker(engine)) as uow:
        rows = await uow.ledger.balances(period=None, fund="390")
    await engine.dispose()
    assert len(rows) == 2
    conn = await asyncpg.connect(settings.asyncpg_dsn)
    try:
        leg = await conn.fetchrow("SELECT fixmedins_code, aux_period FROM postings WHERE account_code = '120101'")
        assert (leg["fixmedins_code"], leg["aux_period"]) == (code, "2025-08")
        assert await conn.fetchval("SELECT count(*) FROM journal_entries") == 1
    finally:
        await conn.close()
