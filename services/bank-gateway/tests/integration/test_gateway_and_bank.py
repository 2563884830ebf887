"""The gateway and the bank simulator together, over the broker and the bank-enterprise link (银企直联):
timeouts become status queries (never a second payment), cancellation only while the bank has not accepted
a voucher, and reconciliation with the bank per value date (N art.15, art.18, art.22; JL art.18)."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import asyncpg
import httpx
import pytest
import uvicorn
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.paymentreconciliation import PaymentReconciliation

from bank_gateway.adapters.bank_link import BankLink, CancelAnswer
from bank_gateway.domain.vouchers import voucher_document
from bank_gateway.main import create_app as gateway_app
from bank_gateway.service.status_queries import ask_once
from bank_gateway.settings import BankGatewaySettings
from bank_simulator.main import create_app as bank_app
from bank_simulator.settings import BankSimulatorSettings
from launcher.environment import ensure_topics
from launcher.procs import free_port
from launcher.testing import Infra, eventually, migrate, operator_headers, read_topic, serving, settings_for
from shared.contracts import topics
from shared.contracts.codes import SHANGHAI
from shared.contracts.events import VoucherIssued

from .test_gateway import an_order, issued, send


@asynccontextmanager
async def a_bank(infra: Infra, prefix: str) -> AsyncIterator[tuple[str, BankSimulatorSettings]]:
    """The simulator as a real HTTP server (the gateway reaches it by URL), on the given topic prefix."""
    settings = settings_for(BankSimulatorSettings, infra, prefix)
    await migrate("bank_simulator", settings)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(bank_app(settings), host="127.0.0.1", port=port, lifespan="on",
                                           log_config=None, access_log=False))
    task = asyncio.create_task(server.serve())
    while not server.started:
        assert not task.done(), "the bank simulator did not start"
        await asyncio.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}", settings
    finally:
        server.should_exit = True
        await task


@asynccontextmanager
async def a_gateway(infra: Infra, prefix: str, bank_url: str, **overrides: Any) -> AsyncIterator[tuple[Any, BankGatewaySettings]]:
    settings = settings_for(BankGatewaySettings, infra, prefix, bank_url=bank_url, **{
        "receipt_timeout_s": 0.5, "status_query_backoff_s": 0.3, "status_query_backoff_max_s": 1.0,
        "status_query_scan_s": 0.1, **overrides})
    await migrate("bank_gateway", settings)
    async with serving(gateway_app(settings)) as client:
        yield client, settings


@pytest.fixture
async def linked(infra: Infra, prefix: str, topics: str) -> AsyncIterator[tuple[Any, Any, BankGatewaySettings]]:
    """A gateway and a bank on one set of topics: every voucher reaches the bank."""
    async with a_bank(infra, prefix) as (url, _), a_gateway(infra, prefix, url) as (client, settings):
        async with httpx.AsyncClient(base_url=url, headers=operator_headers()) as bank:
            yield client, bank, settings


@pytest.fixture
async def unlinked(infra: Infra, prefix: str, topics: str) -> AsyncIterator[tuple[Any, Any, BankGatewaySettings]]:
    """A gateway whose vouchers never reach the bank it asks (the bank listens on other topics)."""
    elsewhere = f"{prefix}x"
    await asyncio.to_thread(ensure_topics, infra.kafka_bootstrap, prefix=f"{elsewhere}.", partitions=1)
    async with a_bank(infra, elsewhere) as (url, _), a_gateway(infra, prefix, url) as (client, settings):
        async with httpx.AsyncClient(base_url=url, headers=operator_headers()) as bank:
            yield client, bank, settings


async def outcomes(settings: BankGatewaySettings, topic: str, until: Callable[[list[Any]], bool],
                   linger: float = 1.0) -> list[dict[str, Any]]:
    messages = await read_topic(settings.kafka_bootstrap, settings.topic(topic), until=until, linger=linger)
    return [m["payload"] for m in messages]


async def test_a_voucher_with_no_receipt_is_asked_about_and_never_sent_twice(linked: Any) -> None:
    """N art.15, JL art.18: the bank took the order and sent no receipt; after the timeout the gateway asks,
    the answer settles the voucher once, and the receipt the bank then pushes is a duplicate."""
    client, bank, settings = linked
    assert (await bank.put("/v1/faults", json={"timeout_rate": 1.0})).status_code == 200
    order = an_order("66.60")
    await send(settings, topics.PAYMENT_ORDERED, order, order.fixmedins_code)
    [voucher] = await issued(settings, 1)
    voucher_no = voucher["voucher_no"]

    async def paid() -> dict[str, Any] | None:
        view = (await client.get(f"/v1/vouchers/{voucher_no}", headers=operator_headers())).json()
        return view if view["status"] == "paid" and len(view["receipts"]) == 2 else None

    view = await eventually(paid, timeout=40)
    assert view["status_queries"]["count"] >= 1 and view["status_queries"]["last_answer"] == "paid"
    assert sorted((r["source"], r["outcome"]) for r in view["receipts"]) == \
        [("push", "duplicate"), ("status-query", "applied")]
    confirmed = await outcomes(settings, topics.PAYMENT_CONFIRMED.name, lambda m: len(m) >= 1)
    assert [c["voucher_no"] for c in confirmed] == [voucher_no] and confirmed[0]["amount"] == "66.60"
    assert len(await issued(settings, 1)) == 1  # asked about, never sent again
    at_bank = (await bank.get(f"/v1/payments/{voucher_no}")).json()
    assert at_bank["status"] == "paid" and at_bank["bank_ref"] == view["receipt"]["bank_ref"]


async def test_while_the_bank_has_not_seen_a_voucher_it_is_asked_less_and_less_often(unlinked: Any) -> None:
    """Backoff (tenacity): waits of 0.3 s doubling to 1 s, not a question every scan (0.1 s); and the voucher
    is never sent again as a new payment."""
    client, _, settings = unlinked
    order = an_order()
    await send(settings, topics.PAYMENT_ORDERED, order, order.fixmedins_code)
    [voucher] = await issued(settings, 1)
    started = time.monotonic()
    await asyncio.sleep(4.0)
    view = (await client.get(f"/v1/vouchers/{voucher['voucher_no']}", headers=operator_headers())).json()
    elapsed = time.monotonic() - started
    asked = view["status_queries"]["count"]
    assert view["status"] == "issued" and view["status_queries"]["last_answer"] == "not at the bank"
    assert 3 <= asked <= 2 + elapsed / 0.5, f"{asked} questions in {elapsed:.1f}s"  # unbacked: ~40
    assert len(await issued(settings, 1)) == 1


async def test_a_voucher_the_bank_has_not_accepted_is_cancelled_and_carried_forward(unlinked: Any) -> None:
    """作废 only before the bank accepts (the bank is asked first); the payment reaches disbursement as not
    paid, reason CANC, once (累计顺延, N art.18)."""
    client, bank, settings = unlinked
    order = an_order("12.30")
    await send(settings, topics.PAYMENT_ORDERED, order, order.fixmedins_code)
    [voucher] = await issued(settings, 1)
    voucher_no, headers = voucher["voucher_no"], operator_headers()
    response = await client.post(f"/v1/vouchers/{voucher_no}/cancel", json={"reason": "收款账户有误"}, headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "cancelled" and response.json()["receipt"]["reason_code"] == "CANC"
    again = await client.post(f"/v1/vouchers/{voucher_no}/cancel", json={"reason": "再次"}, headers=headers)
    assert again.status_code == 200 and again.json()["cancelled_at"] == response.json()["cancelled_at"]
    rejected = await outcomes(settings, topics.PAYMENT_REJECTED.name, lambda m: len(m) >= 1, linger=1.5)
    assert [(r["voucher_no"], r["reason_code"], r["payment_id"]) for r in rejected] == \
        [(voucher_no, "CANC", str(order.payment_id))]
    assert (await bank.get(f"/v1/payments/{voucher_no}")).json()["status"] == "cancelled"
    missing = await client.post("/v1/vouchers/220100-20990101-000001/cancel", json={"reason": "x"}, headers=headers)
    assert missing.status_code == 404
    blank = await client.post(f"/v1/vouchers/{voucher_no}/cancel", json={"reason": " "}, headers=headers)
    assert blank.status_code == 422


class StatusQueryBetween:
    """A bank link whose cancel lets a status query land after the bank has stopped the order and before the
    gateway records it: the order a fast status-query loop can give the two."""

    def __init__(self, link: BankLink, uow_factory: Callable[[], Any]) -> None:
        self._link, self._uow_factory = link, uow_factory

    async def cancel(self, voucher_no: str, amount: Decimal) -> CancelAnswer:
        answer = await self._link.cancel(voucher_no, amount)
        await ask_once(voucher_no, self._uow_factory, self._link)
        return answer


@pytest.mark.usefixtures("topics")
async def test_a_cancel_a_status_query_overtook_still_says_cancelled_and_is_heard_once(infra: Infra,
                                                                                       prefix: str) -> None:
    """作废 (N art.14-15) when the status query hears the bank's CANC refusal first: the voucher says cancelled,
    with the operator's reason, and disbursement hears it as not paid once (累计顺延, N art.18)."""
    elsewhere = f"{prefix}x"
    await asyncio.to_thread(ensure_topics, infra.kafka_bootstrap, prefix=f"{elsewhere}.", partitions=1)
    async with a_bank(infra, elsewhere) as (url, _):
        settings = settings_for(BankGatewaySettings, infra, prefix, bank_url=url, receipt_timeout_s=3600)
        await migrate("bank_gateway", settings)
        app = gateway_app(settings)
        async with serving(app) as client:
            app.state.bank_link = StatusQueryBetween(app.state.bank_link, app.state.runtime.uow)
            order = an_order("45.60")
            await send(settings, topics.PAYMENT_ORDERED, order, order.fixmedins_code)
            [voucher] = await issued(settings, 1)
            voucher_no, headers = voucher["voucher_no"], operator_headers()
            response = await client.post(f"/v1/vouchers/{voucher_no}/cancel", json={"reason": "收款账户有误"},
                                         headers=headers)
            assert response.status_code == 200, response.text
            view = response.json()
            assert view["status_queries"]["count"] == 1  # the query did land in between
            assert (view["status"], view["receipt"]["reason_code"]) == ("cancelled", "CANC")
            assert view["cancelled_at"] is not None and view["receipt"]["reason"] == "收款账户有误"
            rejected = await outcomes(settings, topics.PAYMENT_REJECTED.name, lambda m: len(m) >= 1, linger=1.5)
            assert [(r["voucher_no"], r["reason_code"]) for r in rejected] == [(voucher_no, "CANC")]


async def test_a_voucher_the_bank_has_accepted_or_paid_cannot_be_cancelled(linked: Any) -> None:
    """A voucher can be cancelled only while the bank has not accepted it: 409, and nothing changes."""
    client, bank, settings = linked
    await bank.put("/v1/faults", json={"timeout_rate": 1.0})
    accepted = an_order("1.00")
    await send(settings, topics.PAYMENT_ORDERED, accepted, accepted.fixmedins_code)
    [voucher] = await issued(settings, 1)
    voucher_no = voucher["voucher_no"]
    await eventually(lambda: _at_bank(bank, voucher_no))
    response = await client.post(f"/v1/vouchers/{voucher_no}/cancel", json={"reason": "x"}, headers=operator_headers())
    assert response.status_code == 409, response.text
    assert response.json()["type"].endswith("/voucher-not-cancellable") and response.json()["bank_status"] in ("accepted", "paid")
    view = (await client.get(f"/v1/vouchers/{voucher_no}", headers=operator_headers())).json()
    assert view["status"] in ("issued", "paid") and view["cancelled_at"] is None
    assert await outcomes(settings, topics.PAYMENT_REJECTED.name, lambda m: True, linger=1.0) == []


async def _at_bank(bank: httpx.AsyncClient, voucher_no: str) -> bool | None:
    return True if (await bank.get(f"/v1/payments/{voucher_no}")).status_code == 200 else None


async def test_reconciliation_with_the_bank_agrees_or_lists_each_difference(linked: Any, infra: Infra) -> None:
    """银行对账 (N art.22): per value date, agreed when the bank's list and our paid vouchers match; otherwise
    paid by the bank and unknown to us, ours and not paid, and amounts that differ, each by voucher."""
    client, bank, settings = linked
    orders = [an_order(amount) for amount in ("10.00", "20.00", "30.00")]
    for order in orders:
        await send(settings, topics.PAYMENT_ORDERED, order, order.fixmedins_code)
    by_amount = {v["amount"]: v["voucher_no"] for v in await issued(settings, 3)}
    vouchers = [by_amount["10.00"], by_amount["20.00"], by_amount["30.00"]]
    today = datetime.now(UTC).astimezone(SHANGHAI).date().isoformat()

    async def all_paid() -> bool | None:
        listed = (await client.get("/v1/vouchers", params={"status": "paid"}, headers=operator_headers())).json()
        return True if listed["count"] == 3 else None

    await eventually(all_paid)
    agreed = (await client.get("/v1/bank-reconciliation", params={"value_date": today}, headers=operator_headers())).json()
    assert agreed["status"] == "agreed" and agreed["differences"] == []
    assert agreed["ours"] == agreed["bank"] == {"count": 3, "total": "60.00"}

    stranger = f"220100-{today.replace('-', '')}-{uuid.uuid4().int % 10**6:06d}"
    order = an_order("5.00")
    now = datetime.now(UTC)  # the bank is sent a voucher behind the gateway's back
    rogue = VoucherIssued(voucher_no=stranger, payment_id=uuid.uuid4(), admdvs="220100", fixmedins_code="HX",
                          insutype="310", period="2025-09", payer=order.payee, payee=order.payee, amount=order.payment,
                          purpose="x", issued_at=now,
                          pain001=voucher_document(stranger, created_at=now, amount=order.payment, payer=order.payee,
                                                   payee=order.payee, requested=now.date(), purpose="x"))
    await send(settings, topics.VOUCHER_ISSUED, rogue, "HX")
    await eventually(lambda: _at_bank(bank, stranger))
    conn = await asyncpg.connect(settings.asyncpg_dsn)
    try:  # our books go wrong behind the gateway's back: the reconciliation must say so
        await conn.execute("UPDATE vouchers SET amount = 20.01 WHERE voucher_no = $1", vouchers[1])
        await conn.execute("UPDATE vouchers SET voucher_no = voucher_no || 'X' WHERE voucher_no = $1", vouchers[2])
        await conn.execute("UPDATE vouchers SET status = 'paid', value_date = $2 WHERE voucher_no = $1",
                           vouchers[2] + "X", datetime.now(UTC).astimezone(SHANGHAI).date())
    finally:
        await conn.close()
    report = (await client.get("/v1/bank-reconciliation", params={"value_date": today}, headers=operator_headers())).json()
    assert report["status"] == "differences"
    assert {(d["kind"], d["voucher_no"], d["ours"], d["bank"]) for d in report["differences"]} == {
        ("amount-differs", vouchers[1], "20.01", "20.00"),
        ("unknown-to-us", vouchers[2], None, "30.00"),
        ("unknown-to-us", stranger, None, "5.00"),
        ("not-paid-by-bank", vouchers[2] + "X", "30.00", None),
    }
    bad = await client.get("/v1/bank-reconciliation", params={"value_date": "2025-13-01"}, headers=operator_headers())
    assert bad.status_code == 422


async def fhir(client: httpx.AsyncClient, path: str, **params: Any) -> Any:
    response = await client.get(f"/v1/fhir/PaymentReconciliation{path}", headers=operator_headers(), params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/fhir+json"
    return response.text


async def test_a_voucher_is_a_payment_reconciliation_the_library_validates(linked: Any) -> None:
    """N art.14-15: each voucher as FHIR R4 — paid with its value date and amount to the fen, or cancelled
    (N art.18: carried) — parsed back by fhir.resources."""
    client, bank, settings = linked
    order = an_order("1234567.89")
    await send(settings, topics.PAYMENT_ORDERED, order, order.fixmedins_code)
    [voucher] = await issued(settings, 1)
    voucher_no = voucher["voucher_no"]

    async def paid() -> dict[str, Any] | None:
        view = (await client.get(f"/v1/vouchers/{voucher_no}", headers=operator_headers())).json()
        return view if view["status"] == "paid" else None
    view = await eventually(paid, timeout=40)

    one = PaymentReconciliation.model_validate_json(await fhir(client, f"/{voucher_no}"))
    assert (one.id, one.status, one.outcome) == (voucher_no, "active", "complete")
    assert (Decimal(str(one.paymentAmount.value)), one.paymentAmount.currency) == (Decimal("1234567.89"), "CNY")
    assert str(one.paymentDate) == view["receipt"]["value_date"]
    [detail] = one.detail
    assert (detail.identifier.value, detail.payee.identifier.value) == (str(order.payment_id), order.fixmedins_code)
    bundle = Bundle.model_validate_json(await fhir(client, "", run_id=str(order.run_id)))
    assert [e.resource.id for e in bundle.entry] == [voucher_no]
    missing = await client.get("/v1/fhir/PaymentReconciliation/220100-20990101-000001", headers=operator_headers())
    assert missing.status_code == 404


async def test_a_cancelled_voucher_reconciles_as_cancelled_with_its_reason(unlinked: Any) -> None:
    client, bank, settings = unlinked
    order = an_order("12.30")
    await send(settings, topics.PAYMENT_ORDERED, order, order.fixmedins_code)
    [voucher] = await issued(settings, 1)
    voucher_no = voucher["voucher_no"]
    response = await client.post(f"/v1/vouchers/{voucher_no}/cancel", json={"reason": "收款账户有误"},
                                 headers=operator_headers())
    assert response.status_code == 200, response.text
    cancelled = PaymentReconciliation.model_validate_json(await fhir(client, f"/{voucher_no}"))
    assert (cancelled.status, cancelled.outcome) == ("cancelled", "error")
    assert "收款账户有误" in cancelled.processNote[0].text
