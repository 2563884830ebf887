"""The claims API on real PostgreSQL and the broker: a result per record, idempotent on
(fixmedins_code, setl_id), and each accepted record published once (contract.md, N art.12)."""

from __future__ import annotations

import asyncio
import json
import secrets
from datetime import date
from typing import TYPE_CHECKING, Any

import asyncpg
import httpx

from launcher.demo_data import DemoInstitution, SettlementFactory
from launcher.testing import operator_headers, read_topic
from shared.contracts import topics

if TYPE_CHECKING:  # the fixture's class, from this folder's conftest.py
    from conftest import Claims


def an_institution() -> DemoInstitution:
    code = f"H{secrets.token_hex(5).upper()}"
    return DemoInstitution(code, "测试医院", "220100", "1", "3", "102241000017", "62220001")


async def register(client: httpx.AsyncClient, institution: DemoInstitution) -> str:
    response = await client.post("/v1/institutions", headers=operator_headers(), json=institution.registration())
    assert response.status_code == 201, response.text
    return str(response.json()["token"])


async def test_a_batch_answers_each_record_in_order_and_a_bad_one_fails_no_other(
        claims: Claims) -> None:
    client, settings = claims.client, claims.settings
    institution = an_institution()
    token = await register(client, institution)
    factory = SettlementFactory(date(2025, 9, 1), seed=21)
    first, second = factory.settlement(institution), factory.settlement(institution)
    broken = {**factory.settlement(institution), "fund_pay_sumamt": "0.01"}
    other_content = {**first, "psn_no": "SOMEONE-ELSE"}
    body = {"records": [first, broken, first, other_content, second, {"setl_id": 7}]}

    response = await client.post("/v1/settlements", headers={"authorization": f"Bearer {token}"}, json=body)
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert [r["status"] for r in results] == ["accepted", "rejected", "replayed", "conflict", "accepted", "rejected"]
    assert results[2]["accepted_at"] == results[0]["accepted_at"]
    assert [e["field"] for e in results[3]["errors"]] == ["psn_no"]
    assert {e["field"] for e in results[1]["errors"]} >= {"medfee_sumamt", "fund_pay_sumamt"}
    assert results[5]["setl_id"] is None and any(e["field"] == "setl_id" for e in results[5]["errors"])

    recorded = await read_topic(settings.kafka_bootstrap, settings.topic(topics.SETTLEMENT_RECORDED.name),
                                until=lambda m: len(m) >= 2, linger=0.5)
    assert sorted(m["payload"]["record"]["setl_id"] for m in recorded) == sorted([first["setl_id"], second["setl_id"]])
    assert {m["payload"]["admdvs"] for m in recorded} == {"220100"}

    again = await client.post("/v1/settlements", headers={"authorization": f"Bearer {token}"}, json={"records": [second]})
    assert again.json()["results"][0]["status"] == "replayed"


async def test_limits_and_malformed_bodies_are_clear_4xx_problems(claims: Claims) -> None:
    """contract.md: a body over the limit is 413, malformed JSON is 400, never a 500."""
    client = claims.client
    token = await register(client, an_institution())
    headers = {"authorization": f"Bearer {token}", "content-type": "application/json"}
    malformed = await client.post("/v1/settlements", headers=headers, content=b'{"records": [')
    assert malformed.status_code == 400 and malformed.json()["type"].endswith("/malformed-json")
    too_many = await client.post("/v1/settlements", headers=headers, json={"records": [{}] * 51})
    assert too_many.status_code == 413 and too_many.json()["type"].endswith("/too-many-records")
    too_big = await client.post("/v1/settlements", headers=headers, content=b" " * (256 * 1024 + 1))
    assert too_big.status_code == 413 and too_big.headers["content-type"] == "application/problem+json"
    empty = await client.post("/v1/settlements", headers=headers, json={"records": []})
    assert empty.status_code == 422


async def test_uploads_beyond_the_intake_slots_wait_and_are_all_stored(claims: Claims) -> None:
    """Two slots (the fixture's ``intake_concurrency``), ten uploads at once, a refused one among them: each
    is answered, the refused one frees its slot, and every accepted record is stored once (N art.12)."""
    institution, headers = await claims.institution()
    batches = [claims.records(institution, date(2025, 9, 2), 5) for _ in range(9)]
    bad = claims.client.post("/v1/settlements", headers={**headers, "content-type": "application/json"},
                             content=b'{"records": [')
    answers = await asyncio.gather(bad, *(claims.client.post("/v1/settlements", headers=headers,
                                                              json={"records": b}) for b in batches))
    assert [a.status_code for a in answers] == [400] + [200] * 9
    assert all(r["status"] == "accepted" for a in answers[1:] for r in a.json()["results"])
    for batch in batches:
        for record in batch:
            view = await claims.client.get(f"/v1/settlements/{record['setl_id']}", headers=headers)
            assert view.status_code == 200, view.text


async def test_an_institution_is_registered_once_and_updated_after(claims: Claims) -> None:
    """The token is shown once; an update is a new version, published for the other services."""
    client, settings = claims.client, claims.settings
    institution = an_institution()
    await register(client, institution)
    moved = {**institution.registration(), "bank_acct": {"bank_code": "103", "acct_no": "99990001", "acct_name": "测试医院"}}
    response = await client.post("/v1/institutions", headers=operator_headers(), json=moved)
    assert response.status_code == 200 and response.json() == {"fixmedins_code": institution.fixmedins_code, "version": 2}
    assert (await client.post("/v1/institutions", json=moved)).status_code == 401
    assert (await client.post("/v1/institutions", headers={"authorization": "Bearer nope"}, json=moved)).status_code == 401
    events = await read_topic(settings.kafka_bootstrap, settings.topic(topics.INSTITUTION_REGISTERED.name),
                              until=lambda m: len(m) >= 2)
    payloads: list[dict[str, Any]] = [m["payload"] for m in events]
    assert [p["version"] for p in payloads] == [1, 2]
    assert payloads[1]["bank_acct"]["acct_no"] == "99990001"
    assert payloads[0]["token_hash"] == payloads[1]["token_hash"] and "token" not in json.dumps(payloads).replace("token_hash", "")


async def test_a_dropped_database_connection_costs_one_request_a_503_and_nothing_is_lost(claims: Claims) -> None:
    """contract.md: an unavailable service answers 503 with Retry-After, never a timeout; N art.12: the same
    records again are then accepted once. The pool does not test connections before use (three round trips a
    unit of work), so the request that meets a connection the server dropped is the one that pays for it."""
    institution, headers = await claims.institution()
    day = date(2025, 9, 8)
    await claims.upload(headers, claims.records(institution, day, 2))  # the pool now holds a live connection
    await _drop_connections(claims.settings.asyncpg_dsn)

    records = claims.records(institution, day, 3)
    refused = await claims.client.post("/v1/settlements", headers=headers, json={"records": records})
    assert refused.status_code == 503, refused.text
    assert refused.headers["retry-after"] == "1"
    assert refused.json()["type"].endswith("/database-unavailable")

    again = await claims.client.post("/v1/settlements", headers=headers, json={"records": records})
    assert again.status_code == 200, again.text
    assert [r["status"] for r in again.json()["results"]] == ["accepted"] * 3  # nothing half-stored before


async def _drop_connections(dsn: str) -> None:
    """Every other session of the service's database ended by the server, as a restart or failover does."""
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                           "WHERE datname = current_database() AND pid <> pg_backend_pid()")
    finally:
        await conn.close()
