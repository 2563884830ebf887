"""Issue 8's bank drill, through real processes: the bank rejects 5 %, times out 5 %, duplicates 2 % of its
receipts and sends them late; a day of settlements and its daily run, then the next day's run. Every rejected
payment is postponed and paid exactly once (累计顺延, N art.18), no voucher is paid twice, and the bank's paid
total = the gateway's paid vouchers = the credits to 支出户存款 (account 1004) in the books (N art.19, art.22)."""

from __future__ import annotations

import asyncio
import random
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import asyncpg
import httpx
import pytest

from launcher.demo_data import DemoInstitution, SettlementFactory
from launcher.environment import ensure_topics
from launcher.stack import Stack
from launcher.testing import Infra, operator_headers, read_topic
from shared.iso20022 import read_credit_transfer, schema_errors
from shared.money import total
from shared.settings import database_url
from tests.e2e.api import Api
from tests.e2e.conftest import make_stack

pytestmark = pytest.mark.e2e
REGION = "220100"
DAY1, DAY2 = date(2025, 9, 2), date(2025, 9, 3)  # Tuesday and Wednesday, working days
INSTITUTIONS = 60
RECORDS_A_DAY = 300
FROZEN = DemoInstitution(f"D{REGION}00001", "长春市第1定点医疗机构", REGION, "1", "2", "102241000017", "6222010000000001")
FAULTS = {"reject_rate": 0.05, "timeout_rate": 0.05, "duplicate_receipt_rate": 0.02, "late_receipt_ms": [0, 3000]}


@pytest.fixture
def drill_stack(infra: Infra) -> Iterator[Stack]:
    """A stack of its own (exact totals), whose gateway asks the bank about a voucher after 2 s without a
    receipt. ``BANK_GATEWAY_BANK_URL`` points the gateway at the simulator's status queries."""
    name = f"d{random.getrandbits(40):010x}"
    ensure_topics(infra.kafka_bootstrap, prefix=f"{name}.", partitions=8)
    stack = make_stack(infra, name)
    stack.extra_env.update({
        "BANK_GATEWAY_BANK_URL": stack.url("bank-simulator"), "BANK_GATEWAY_RECEIPT_TIMEOUT_S": "2",
        "BANK_GATEWAY_STATUS_QUERY_BACKOFF_S": "1", "BANK_GATEWAY_STATUS_QUERY_BACKOFF_MAX_S": "4",
        "BANK_GATEWAY_STATUS_QUERY_SCAN_S": "0.5",
    })
    try:
        stack.start()
        yield stack
    finally:
        stack.stop()


def institutions() -> list[DemoInstitution]:
    """Sixty institutions of the region; the first one's account is frozen on day 1."""
    return [DemoInstitution(f"D{REGION}{n:05d}", f"长春市第{n}定点医疗机构", REGION, "1", "2", "102241000017",
                            f"62220100{n:08d}") for n in range(1, INSTITUTIONS + 1)]


async def post_day(api: Api, tokens: dict[str, str], day: date, seed: int) -> int:
    posted = SettlementFactory(day, seed=seed).day_of(institutions(), RECORDS_A_DAY)
    by_code: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for institution, record in posted:
        by_code[institution.fixmedins_code].append(record)

    async def post(code: str, records: list[dict[str, Any]]) -> None:
        response = await api.post(tokens[code], {"records": records})
        assert response.status_code == 200, response.text

    await asyncio.gather(*(post(code, records) for code, records in by_code.items()))
    return len(posted)


def expenditure(books: dict[str, Any]) -> Decimal:
    """The credits to 支出户存款 (1004) in the trial balance, over every fund."""
    return total(Decimal(r["credit"]) for rows in books["funds"].values() for r in rows if r["account"] == "1004")


async def settled_books(api: Api, expected: Decimal, timeout: float = 30) -> dict[str, Any]:
    """The trial balance once accounting has posted what it heard (it reads the same events, later)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        books = await api.operator_get("accounting", "/v1/trial-balance")
        if expenditure(books) >= expected or asyncio.get_running_loop().time() > deadline:
            await asyncio.sleep(1.0)  # and nothing more arrives: a double posting would show now
            return await api.operator_get("accounting", "/v1/trial-balance")
        await asyncio.sleep(0.3)


async def gateway_rows(stack: Stack, sql: str) -> list[asyncpg.Record]:
    name = stack.extra_env["BANK_GATEWAY_DATABASE_NAME"]
    conn = await asyncpg.connect(database_url(stack.database_url, name, driver="postgresql"))
    try:
        return list(await conn.fetch(sql))
    finally:
        await conn.close()


async def test_rejected_payments_are_postponed_and_paid_exactly_once_and_the_books_equal_the_bank(
        drill_stack: Stack) -> None:
    stack = drill_stack
    async with httpx.AsyncClient(timeout=60) as client:
        api = Api(stack, client)
        await api.policy(REGION, {"pack": "jilin", "effective_from": "2025-01-01"})
        tokens = dict(zip([i.fixmedins_code for i in institutions()],
                          await asyncio.gather(*(api.register(i) for i in institutions())), strict=True))
        await asyncio.gather(*(api.enroll(code) for code in tokens))  # N art.4: paid by the daily path
        faults = await client.put(api.url("bank-simulator", "/v1/faults"), headers=operator_headers(),
                                  json={**FAULTS, "seed": 7, "reject_accounts": {FROZEN.acct_no: "账户已冻结"}})
        assert faults.status_code == 200, faults.text

        # day 1: a day of settlements, its daily run, and the bank misbehaving
        posted = await post_day(api, tokens, DAY1, seed=81)
        await api.wait_intake(REGION, audited=posted)
        day1 = await api.wait_settled(await api.daily_run(REGION, DAY1.isoformat()))

        # day 2: the account is thawed and the bank stops rejecting (still slow, still duplicating); the next
        # run carries day 1's failures
        faults = await client.put(api.url("bank-simulator", "/v1/faults"), headers=operator_headers(),
                                  json={**FAULTS, "reject_rate": 0.0, "seed": 8})
        assert faults.status_code == 200, faults.text
        posted += await post_day(api, tokens, DAY2, seed=82)
        await api.wait_intake(REGION, audited=posted)
        day2 = await api.wait_settled(await api.daily_run(REGION, DAY2.isoformat()))
        assert {line["status"] for line in day2["lines"]} == {"paid"}
        day1 = await api.operator_get("disbursement", f"/v1/runs/{day1['run_id']}")  # now carried into day 2
        failed = [line for line in day1["lines"] if line["status"] == "failed"]
        paid1 = [line for line in day1["lines"] if line["status"] == "paid"]
        assert len(failed) + len(paid1) == len(day1["lines"]) > 80

        vouchers = (await api.operator_get("bank-gateway", "/v1/vouchers", limit=5000))["vouchers"]
        value_dates = sorted({v["receipt"]["value_date"] for v in vouchers if v["status"] == "paid"})
        bank = [await api.operator_get("bank-simulator", "/v1/payments", value_date=d) for d in value_dates]
        reconciliations = [await api.operator_get("bank-gateway", "/v1/bank-reconciliation", value_date=d)
                           for d in value_dates]
        exceptions = await api.operator_get("bank-gateway", "/v1/receipt-exceptions")
        bank_total = total(Decimal(day["total"]) for day in bank)
        books = await settled_books(api, bank_total)

    # the drill happened: rejections, timeouts answered by status queries, duplicate and late receipts
    assert failed, "the bank rejected nothing; the drill proves nothing"
    receipts = Counter((r["source"], r["outcome"]) for r in await gateway_rows(
        stack, "SELECT source, outcome FROM receipts"))
    assert receipts[("status-query", "applied")] > 0, receipts  # timeouts, settled by asking
    assert receipts[("push", "duplicate")] > 0, receipts  # duplicate receipts and receipts after an answer
    assert exceptions["exceptions"] == []  # nothing unexplained

    # every rejected payment is postponed into day 2 and paid there, once (N art.18)
    carried = {(line["fixmedins_code"], line["insutype"]): Decimal(line["carried_in"]) for line in day2["lines"]}
    for line in failed:
        assert line["carried_into"] and carried[(line["fixmedins_code"], line["insutype"])] == Decimal(line["payment"])
    assert total(carried.values()) == total(Decimal(line["payment"]) for line in failed)
    earned = total(Decimal(line["amount"]) for line in day1["lines"] + day2["lines"])
    ordered_and_paid = total(Decimal(line["payment"]) for line in paid1 + day2["lines"])
    assert ordered_and_paid == earned  # everything the two days earned, paid exactly once

    # no voucher paid twice; every pain.001 valid against the official schema
    bank_payments = [p for day in bank for p in day["payments"]]
    assert len({p["voucher_no"] for p in bank_payments}) == len(bank_payments)
    issued = await read_topic(stack.kafka_bootstrap, f"{stack.topic_prefix}bankgateway.voucher-issued",
                              until=lambda m: len({x["payload"]["voucher_no"] for x in m}) >= len(vouchers))
    documents = {x["payload"]["voucher_no"]: x["payload"]["pain001"] for x in issued}
    assert set(documents) == {v["voucher_no"] for v in vouchers}
    assert all(schema_errors(doc) == [] for doc in documents.values())
    assert {read_credit_transfer(doc).voucher_no for doc in documents.values()} == set(documents)
    assert len({v["payment_id"] for v in vouchers}) == len(vouchers)  # one voucher per payment order

    # the bank's paid total = the gateway's paid vouchers = the credits to 支出户存款 (1004)
    gateway_total = total(Decimal(v["amount"]) for v in vouchers if v["status"] == "paid")
    assert bank_total == gateway_total == expenditure(books) == ordered_and_paid > 0
    assert all(r["status"] == "agreed" for r in reconciliations), reconciliations
    assert books["balanced"]
