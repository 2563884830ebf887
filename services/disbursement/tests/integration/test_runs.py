"""The disbursement service on the real broker and PostgreSQL, fed the events other services publish."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest
from pydantic import BaseModel

from disbursement.main import create_app
from disbursement.settings import DisbursementSettings
from launcher.testing import Infra, eventually, migrate, operator_headers, publish, read_topic, serving, settings_for
from shared.contracts import topics
from shared.contracts.events import BankAccount, InstitutionRegistered, PaymentRejected, SettlementRecorded
from shared.contracts.settlement import SettlementRecord
from shared.messaging.envelope import Envelope, Topic

REGION = "220100"


class Harness:
    def __init__(self, client: httpx.AsyncClient, settings: DisbursementSettings) -> None:
        self.client, self.settings = client, settings
        self.code = f"H{secrets.token_hex(4).upper()}"
        self._n = 0

    async def send(self, topic: Topic[Any], payload: BaseModel, key: str | None = None) -> None:
        await publish(self.settings.kafka_bootstrap, self.settings.topic(topic.name),
                      Envelope.wrap(topic, payload).to_bytes(), (key or self.code).encode())

    async def institution(self) -> None:
        await self.send(topics.INSTITUTION_REGISTERED, InstitutionRegistered(
            fixmedins_code=self.code, fixmedins_name="测试医院", admdvs=REGION, fixmedins_type="1", hosp_lv="3",
            bank_acct=BankAccount(bank_code="102", acct_no="62220001", acct_name="测试医院"),
            token_hash=secrets.token_hex(32), version=1, registered_at=datetime.now(UTC)))

    async def enroll(self, code: str | None = None, **body: Any) -> dict[str, Any]:
        """N art.4: only an enrolled institution is paid by the instant paths."""
        async def enrolled() -> dict[str, Any] | None:
            response = await self.client.post(f"/v1/enrollments/{code or self.code}", headers=operator_headers(),
                                              json={"action": "enroll", "reason": "pilot", **body})
            if response.status_code == 404:
                return None  # the registration has not reached disbursement yet
            assert response.status_code == 200, response.text
            return dict(response.json())

        return dict(await eventually(enrolled))

    async def policy(self, **body: Any) -> dict[str, Any]:
        response = await self.client.put(f"/v1/regions/{REGION}/policy", headers=operator_headers(),
                                         json={"pack": "jilin", "effective_from": "2025-01-01", **body})
        assert response.status_code == 200, response.text
        return dict(response.json())

    async def settlement(self, day: date, fund_pay: str, insutype: str = "310") -> str:
        self._n += 1
        setl_id = f"S{day:%m%d}{self._n:04d}{secrets.token_hex(3)}"
        record = SettlementRecord.model_validate({
            "setl_id": setl_id, "mdtrt_id": setl_id, "psn_no": "P1", "gend": "1", "age": 40, "insutype": insutype,
            "med_type": "11", "setl_time": f"{day}T10:00:00", "medfee_sumamt": fund_pay, "fund_pay_sumamt": fund_pay,
            "acct_pay": "0.00", "psn_cash_pay": "0.00",
            "details": [{"feedetl_sn": "1", "med_list_codg": "110200001", "med_chrgitm_type": "05", "cnt": "1",
                         "pric": fund_pay, "det_item_fee_sumamt": fund_pay}]})
        await self.send(topics.SETTLEMENT_RECORDED, SettlementRecorded(
            fixmedins_code=self.code, admdvs=REGION, accepted_at=datetime.now(UTC), record=record))
        return setl_id

    async def lines(self, expected: int) -> None:
        async def caught_up() -> bool:
            response = await self.client.get("/v1/intake", headers=operator_headers(), params={"admdvs": REGION})
            return bool(response.json()["with_line"] >= expected)

        await eventually(caught_up)

    async def run(self, day: date) -> dict[str, Any]:
        response = await self.client.post("/v1/runs/daily-disbursement", headers=operator_headers(),
                                          json={"admdvs": REGION, "business_date": day.isoformat()})
        assert response.status_code == 200, response.text
        return dict(response.json())



@pytest.fixture
async def harness(infra: Infra, prefix: str, topics: str) -> AsyncIterator[Harness]:
    settings = settings_for(DisbursementSettings, infra, prefix)
    await migrate("disbursement", settings)
    async with serving(create_app(settings)) as client:
        yield Harness(client, settings)


def only_line(run: dict[str, Any]) -> dict[str, Any]:
    [line] = run["lines"]
    return line


async def test_a_payment_the_bank_rejected_goes_out_with_the_next_run_exactly_once(harness: Harness) -> None:
    """N art.18, JL art.19: a disbursement that cannot be paid is not lost; it accumulates and is paid with
    the next disbursement (累计顺延) — once, however often the rejection is delivered or the run is asked."""
    await harness.institution()
    await harness.enroll()
    await harness.policy(audit_mode="pay_first")
    await harness.settlement(date(2025, 9, 1), "100.01")
    await harness.settlement(date(2025, 9, 1), "10.01")
    await harness.lines(2)
    first = only_line(await harness.run(date(2025, 9, 1)))
    assert (first["amount"], first["payment"], first["status"]) == ("66.02", "66.02", "ordered")  # 60.006 → 60.01 and 6.006 → 6.01

    rejected = PaymentRejected(voucher_no="220100-20250902-000001", payment_id=uuid.UUID(first["payment_id"]),
                               admdvs=REGION, fixmedins_code=harness.code, insutype="310", period="2025-09",
                               amount=Decimal("66.02"), bank_ref="R1", receipt_at=datetime.now(UTC),
                               reason_code="AC04", reason="账户已销户")
    await harness.send(topics.PAYMENT_REJECTED, rejected)
    await harness.send(topics.PAYMENT_REJECTED, rejected)  # the same outcome delivered again

    async def failed() -> bool:
        run = await harness.run(date(2025, 9, 1))  # asking again returns the same run, as it stands now
        return only_line(run)["status"] == "failed"

    await eventually(failed)
    await harness.settlement(date(2025, 9, 2), "50.00")
    await harness.lines(3)
    second = await harness.run(date(2025, 9, 2))
    line = only_line(second)
    assert (line["amount"], line["carried_in"], line["payment"]) == ("30.00", "66.02", "96.02")
    assert (await harness.run(date(2025, 9, 2)))["run_id"] == second["run_id"]
    third = await harness.run(date(2025, 9, 3))
    assert third["lines"] == []  # carried once: nothing left to carry again

    ordered = await read_topic(harness.settings.kafka_bootstrap, harness.settings.topic(topics.PAYMENT_ORDERED.name),
                               until=lambda m: len(m) >= 2)
    assert sorted(m["payload"]["payment"] for m in ordered) == ["66.02", "96.02"]


async def test_a_batch_on_a_non_working_day_is_postponed_to_the_next_working_day(harness: Harness) -> None:
    """N art.18: a holiday postpones the payment, which the next working day's run carries in; the weekend's
    summary is still made and shows what waits."""
    await harness.institution()
    await harness.enroll()
    await harness.policy(audit_mode="pay_first")
    await harness.settlement(date(2025, 9, 6), "20.00")  # a Saturday
    await harness.lines(1)
    saturday = await harness.run(date(2025, 9, 6))
    assert saturday["status"] == "postponed" and only_line(saturday)["status"] == "postponed"
    assert saturday["payment_total"] == "0.00" and saturday["due_date"] == "2025-09-08"
    monday = only_line(await harness.run(date(2025, 9, 8)))
    assert (monday["amount"], monday["carried_in"], monday["payment"], monday["status"]) == \
        ("0.00", "12.00", "12.00", "ordered")


async def test_a_ratio_changed_by_decision_applies_from_its_effective_date(harness: Harness) -> None:
    """ZJ §3.2: ratios can be changed by decision; records before the effective date keep the old ratio,
    and the run records the policy version it used."""
    await harness.institution()
    await harness.enroll()
    await harness.policy(audit_mode="pay_first")
    changed = await harness.policy(audit_mode="pay_first", effective_from="2025-09-05",
                                   ratios={"310": "0.70"})
    await harness.settlement(date(2025, 9, 4), "100.00")
    await harness.settlement(date(2025, 9, 5), "100.00")
    await harness.lines(2)
    run = await harness.run(date(2025, 9, 5))
    assert only_line(run)["amount"] == "130.00"  # 60.00 + 70.00
    assert run["policy_version"] == changed["version"] == 2


async def test_audit_first_holds_a_record_until_its_audit_arrives(harness: Harness) -> None:
    """N art.13 (即审即拨): in an audit-first region nothing is paid before its audit passes."""
    await harness.institution()
    await harness.enroll()
    await harness.policy()  # jilin: audit_first
    await harness.settlement(date(2025, 9, 1), "10.00")

    async def recorded() -> dict[str, Any] | None:
        response = await harness.client.get("/v1/intake", headers=operator_headers(), params={"admdvs": REGION})
        counts = dict(response.json())
        return counts if counts["recorded"] == 1 else None

    counts = await eventually(recorded)
    assert counts["with_line"] == 0 and counts["waiting"] == 1
    run = await harness.run(date(2025, 9, 1))
    assert run["lines"] == [] and run["records"] == 0
