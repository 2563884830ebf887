"""Fixtures for disbursement on the real broker and PostgreSQL, fed the events other services publish."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, ClassVar

import httpx
import pytest
from pydantic import BaseModel

from disbursement.main import create_app
from disbursement.settings import DisbursementSettings
from launcher.policy import policy_in_force
from launcher.testing import Infra, eventually, migrate, operator_headers, publish, serving, settings_for
from shared.contracts import topics
from shared.contracts.events import (
    BankAccount,
    DeclarationSubmitted,
    DeductionConfirmed,
    InstitutionRegistered,
    PaymentConfirmed,
    PaymentRejected,
    SettlementAudited,
    SettlementRecorded,
    SettlementReversed,
)
from shared.contracts.settlement import SettlementRecord
from shared.messaging.envelope import Envelope, Topic

REGION = "220100"


class Harness:
    #: An applicant meeting every condition of ZJ §4, as the operator records them.
    ZJ_CRITERIA: ClassVar[dict[str, Any]] = {
        "cooperates_with_key_work": True, "fund_use_score": 86, "uploads_on_time": True, "traceability_codes": True,
        "major_violation_within_2y": False, "operating_normally": True}

    def __init__(self, client: httpx.AsyncClient, settings: DisbursementSettings) -> None:
        self.client, self.settings = client, settings
        self.code = f"H{secrets.token_hex(4).upper()}"
        self.region = REGION
        self._n = 0

    async def send(self, topic: Topic[Any], payload: BaseModel, key: str | None = None) -> None:
        await publish(self.settings.kafka_bootstrap, self.settings.topic(topic.name),
                      Envelope.wrap(topic, payload).to_bytes(), (key or self.code).encode())

    async def institution(self, fixmedins_type: str = "1") -> None:
        """Registered in claims as a hospital of level 3 (``fixmedins_type`` "2": a retail pharmacy)."""
        await self.send(topics.INSTITUTION_REGISTERED, InstitutionRegistered(
            fixmedins_code=self.code, fixmedins_name="测试医院", admdvs=self.region, fixmedins_type=fixmedins_type,
            hosp_lv="3" if fixmedins_type == "1" else None,
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
        return await policy_in_force(self.client, "", self.region,
                                     {"pack": "jilin", "effective_from": "2025-01-01", **body}, headers=operator_headers())

    async def settlement(self, day: date, fund_pay: str, insutype: str = "310", med_type: str = "11", *,
                         acct_pay: str = "0.00", acct_mulaid_pay: str = "0.00", audit: str | None = "pass",
                         accepted_at: datetime | None = None) -> str:
        """A settlement as claims records it and, unless ``audit`` is None, its automatic audit outcome as
        audit publishes it (every record is audited, N art.13)."""
        self._n += 1
        setl_id = f"S{day:%m%d}{self._n:04d}{secrets.token_hex(3)}"
        medfee = str(Decimal(fund_pay) + Decimal(acct_pay))
        record = SettlementRecord.model_validate({
            "setl_id": setl_id, "mdtrt_id": setl_id, "psn_no": "P1", "gend": "1", "age": 40, "insutype": insutype,
            "med_type": med_type, "setl_time": f"{day}T10:00:00", "medfee_sumamt": medfee, "fund_pay_sumamt": fund_pay,
            "acct_pay": acct_pay, "acct_mulaid_pay": acct_mulaid_pay, "psn_cash_pay": "0.00",
            **({"adm_date": str(day), "dscg_date": str(day)} if med_type in ("21", "52") else {}),
            "details": [{"feedetl_sn": "1", "med_list_codg": "110200001", "med_chrgitm_type": "05", "cnt": "1",
                         "pric": medfee, "det_item_fee_sumamt": medfee}]})
        await self.send(topics.SETTLEMENT_RECORDED, SettlementRecorded(
            fixmedins_code=self.code, admdvs=self.region, accepted_at=accepted_at or datetime.now(UTC), record=record))
        if audit is not None:
            await self.audited(setl_id, audit, insutype=insutype, under_review=audit == "suspicious")
        return setl_id

    async def audited(self, setl_id: str, status: str, *, insutype: str = "310", vola_amt: str = "0.00",
                      under_review: bool = False, stage: str = "automatic",
                      deduction: DeductionConfirmed | None = None) -> None:
        await self.send(topics.SETTLEMENT_AUDITED, SettlementAudited(
            fixmedins_code=self.code, admdvs=self.region, setl_id=setl_id, insutype=insutype, status=status,
            vola_amt=Decimal(vola_amt), stage=stage, under_review=under_review, deduction=deduction,
            audited_at=datetime.now(UTC)))

    async def reviewed(self) -> None:
        """Until no record of the region is under review any more."""
        async def done() -> bool:
            counts = (await self.client.get("/v1/intake", headers=operator_headers(),
                                            params={"admdvs": self.region})).json()
            return bool(counts["under_review"] == 0)

        await eventually(done)

    async def declare(self, period: str, code: str | None = None) -> None:
        """The institution's monthly declaration (申报, N art.12), as claims publishes it; returns once
        disbursement has it."""
        year, month = int(period[:4]), int(period[5:])
        before = (await self.client.get("/v1/intake", headers=operator_headers(),
                                        params={"admdvs": self.region})).json()["declarations"]
        await self.send(topics.DECLARATION_SUBMITTED, DeclarationSubmitted(
            declaration_id=uuid.uuid4(), fixmedins_code=code or self.code, admdvs=self.region, period=period,
            totals={}, declared_at=datetime.now(UTC), deadline=date(year + (month == 12), month % 12 + 1, 10),
            late=False), key=code)
        await self.caught_up(declarations=before + 1)

    async def caught_up(self, *, recorded: int = 0, audited: int = 0, declarations: int = 0) -> None:
        """Until disbursement has taken in this many settlements, audit outcomes and declarations (region-wide)."""
        async def done() -> bool:
            counts = (await self.client.get("/v1/intake", headers=operator_headers(),
                                            params={"admdvs": self.region})).json()
            return bool(counts["recorded"] >= recorded and counts["audited"] >= audited
                        and counts["declarations"] >= declarations)

        await eventually(done)

    async def lines(self, expected: int) -> None:
        async def caught_up() -> bool:
            response = await self.client.get("/v1/intake", headers=operator_headers(), params={"admdvs": self.region})
            return bool(response.json()["lines"] >= expected)

        await eventually(caught_up)

    async def run(self, day: date, *, sign: bool = True) -> dict[str, Any]:
        """The day's run, signed by an operator as every pack asks (JL art.11) unless ``sign`` is False."""
        response = await self.client.post("/v1/runs/daily-disbursement", headers=operator_headers(),
                                          json={"admdvs": self.region, "business_date": day.isoformat()})
        assert response.status_code == 200, response.text
        run = dict(response.json())
        return await self.sign(run) if sign and run["status"] == "computed" else run

    async def scheduled(self, day: date) -> list[dict[str, Any]]:
        """What the scheduler starts on ``day`` (POST /v1/runs/scheduled), this region's runs only."""
        response = await self.client.post("/v1/runs/scheduled", headers=operator_headers(),
                                          json={"date": day.isoformat()})
        assert response.status_code == 200, response.text
        return [r for r in response.json()["runs"] if r["admdvs"] == self.region]



    def a_deduction(self, setl_id: str, period: str, amount: str) -> DeductionConfirmed:
        return DeductionConfirmed(
            deduction_id=uuid.uuid4(), fixmedins_code=self.code, admdvs=self.region, setl_id=setl_id,
            insutype="310", period=period, amount=Decimal(amount), rule_ids=["MGT-DUP-01"], source="review",
            confirmed_at=datetime.now(UTC))

    async def deduction(self, setl_id: str, period: str, amount: str,
                        deduction: DeductionConfirmed | None = None) -> None:
        await self.send(topics.DEDUCTION_CONFIRMED, deduction or self.a_deduction(setl_id, period, amount))

    async def reversal(self, setl_id: str, day: date, fund_pay: str) -> None:
        await self.send(topics.SETTLEMENT_REVERSED, SettlementReversed(
            fixmedins_code=self.code, admdvs=self.region, setl_id=setl_id, insutype="310", med_type="11",
            business_date=day, fund_pay_sumamt=Decimal(fund_pay), reason="结算撤销", reversed_at=datetime.now(UTC)))

    async def sign(self, run: dict[str, Any]) -> dict[str, Any]:
        response = await self.client.post(f"/v1/runs/{run['run_id']}/sign-off", headers=operator_headers(),
                                          json={"signed_by": "张会计"})
        assert response.status_code == 200, response.text
        return dict(response.json())

    async def month_run(self, run_type: str, period: str) -> dict[str, Any]:
        response = await self.client.post(f"/v1/runs/{run_type}", headers=operator_headers(),
                                          json={"admdvs": self.region, "period": period})
        assert response.status_code == 200, response.text
        return dict(response.json())

    async def bank(self, line: dict[str, Any], *, paid: bool = True) -> None:
        common = dict(voucher_no=f"{self.region}-20250101-{secrets.randbelow(999999):06d}",
                      payment_id=uuid.UUID(line["payment_id"]), admdvs=self.region, fixmedins_code=self.code,
                      insutype=line["insutype"], period=line["period"], amount=Decimal(line["payment"]),
                      bank_ref="CB1", receipt_at=datetime.now(UTC))
        if paid:
            await self.send(topics.PAYMENT_CONFIRMED, PaymentConfirmed(**common, value_date=date(2025, 1, 1)))
        else:
            await self.send(topics.PAYMENT_REJECTED, PaymentRejected(**common, reason_code="AC04", reason="销户"))

    async def payment_status(self, payment_id: str) -> str:
        listing = (await self.client.get("/v1/disbursements", headers=operator_headers(),
                                         params={"fixmedins_code": self.code, "limit": 1000})).json()
        return next(p["status"] for p in listing["payments"] if p["payment_id"] == payment_id)

    async def settled(self, line: dict[str, Any], status: str = "paid") -> None:
        async def done() -> bool:
            return await self.payment_status(line["payment_id"]) == status

        await eventually(done)


@pytest.fixture
async def harness(infra: Infra, prefix: str, topics: str) -> AsyncIterator[Harness]:
    settings = settings_for(DisbursementSettings, infra, prefix)
    await migrate("disbursement", settings)
    async with serving(create_app(settings)) as client:
        yield Harness(client, settings)
