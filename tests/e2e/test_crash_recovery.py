"""Issue 3's acceptance drill: audit is killed with SIGKILL in the middle of a load, restarted, and every
record is still processed exactly once; the books then equal what the bank paid, to the fen."""

from __future__ import annotations

import asyncio
import signal
from collections import defaultdict
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import asyncpg
import httpx
import pytest

from launcher.demo_data import SettlementFactory, demo_institutions
from launcher.stack import Stack
from launcher.testing import read_topic
from shared.contracts.codes import SHANGHAI
from shared.settings import database_url
from tests.e2e.api import Api

pytestmark = pytest.mark.e2e
DAY = date(2025, 9, 3)
RECORDS = 2000
REGION = "220100"


async def audit_rows(stack: Stack, sql: str) -> int:
    name = stack.extra_env["AUDIT_DATABASE_NAME"]
    conn = await asyncpg.connect(database_url(stack.database_url, name, driver="postgresql"))
    try:
        return int(await conn.fetchval(sql))
    finally:
        await conn.close()


async def test_audit_killed_mid_load_processes_every_record_exactly_once(fresh_stack: Stack) -> None:
    """At-least-once delivery + idempotent effects = exactly-once effects (contract.md), through a SIGKILL
    that may land between a batch's database commit and its offset commit."""
    stack = fresh_stack
    async with httpx.AsyncClient(timeout=60) as client:
        api = Api(stack, client)
        await api.policy(REGION, {"pack": "jilin", "effective_from": "2025-01-01"})
        institutions = demo_institutions(REGION)
        tokens = {i.fixmedins_code: await api.register(i) for i in institutions}
        for code in tokens:
            await api.enroll(code)
        posted = SettlementFactory(DAY, seed=99).day_of(institutions, RECORDS)
        batches: list[tuple[str, list[dict[str, Any]]]] = []
        by_code: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for institution, record in posted:
            by_code[institution.fixmedins_code].append(record)
        for code, records in by_code.items():
            batches += [(code, records[i:i + 100]) for i in range(0, len(records), 100)]

        async def post_all() -> None:
            for code, records in batches:
                response = await api.post(tokens[code], {"records": records})
                assert response.status_code == 200, response.text

        loading = asyncio.create_task(post_all())
        while await audit_rows(stack, "SELECT count(*) FROM audit_outcomes") < RECORDS // 5:
            await asyncio.sleep(0.05)
        stack.kill("audit", signal.SIGKILL)
        killed_at = await audit_rows(stack, "SELECT count(*) FROM audit_outcomes")
        await loading
        stack.restart("audit")

        await api.wait_intake(REGION, audited=RECORDS, timeout=120)
        assert killed_at < RECORDS, "the kill came after the load; it proves nothing"
        assert await audit_rows(stack, "SELECT count(*) FROM audit_outcomes") == RECORDS
        assert await audit_rows(stack, "SELECT count(*) FROM processed_events WHERE consumer = 'audit'") == RECORDS
        audited = await read_topic(stack.kafka_bootstrap, f"{stack.topic_prefix}audit.settlement-audited",
                                   until=lambda m: len({x["event_id"] for x in m}) >= RECORDS)
        assert len({x["event_id"] for x in audited}) == RECORDS  # one outcome event per record, never two
        assert len({x["payload"]["setl_id"] for x in audited}) == RECORDS

        counts = await api.operator_get("disbursement", "/v1/intake", admdvs=REGION)
        run = await api.wait_settled(await api.daily_run(REGION, DAY.isoformat()))
        # audit-first (即审即拨): a record the audit found suspicious waits for review; every other is paid
        assert run["records"] == counts["with_line"] >= RECORDS * 0.95
        today = datetime.now(UTC).astimezone(SHANGHAI).date().isoformat()
        bank = await api.operator_get("bank-simulator", "/v1/payments", value_date=today)
        books = await api.operator_get("accounting", "/v1/trial-balance")

    paid = Decimal(bank["total"])
    assert paid == Decimal(run["payment_total"]) > 0
    legs = {(row["account"]): row for rows in books["funds"].values() for row in rows}
    advance = sum(Decimal(r["debit"]) for rows in books["funds"].values() for r in rows if r["account"] == "120101")
    expenditure = sum(Decimal(r["credit"]) for rows in books["funds"].values() for r in rows if r["account"] == "1004")
    assert books["balanced"] and "120101" in legs
    assert advance == expenditure == paid  # the books equal the bank's receipts, to the fen
