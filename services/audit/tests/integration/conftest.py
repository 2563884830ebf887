"""Audit on the real broker and PostgreSQL, fed the events claims publishes, read back from its topics and API."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from decimal import Decimal
from itertools import count
from typing import Any

import httpx
import pytest

from audit.domain.catalogue import shipped_catalogue
from audit.main import create_app
from audit.settings import AuditSettings
from launcher.testing import Infra, migrate, operator_headers, publish, read_topic, serving, settings_for
from shared.contracts import topics
from shared.contracts.events import SettlementRecorded, SettlementReversed
from shared.contracts.settlement import SettlementRecord
from shared.messaging.envelope import Envelope, Topic
from shared.money import to_fen, total

REGION = "220100"
_n = count(1)


class AuditHarness:
    """Builds settlements (lines priced and typed as the catalogue has them), publishes what claims would,
    reads back what audit publishes and asks its API."""

    region = REGION

    def __init__(self, client: httpx.AsyncClient, settings: AuditSettings) -> None:
        self.client, self.settings = client, settings
        self.code = f"H{secrets.token_hex(4).upper()}"
        self.catalogue = shipped_catalogue()

    def line(self, code: str, cnt: str = "1", at: str | None = None, pric: str | None = None) -> dict[str, Any]:
        item = self.catalogue.get(code)
        assert item is not None and item.price_ceiling is not None
        price = Decimal(pric) if pric else item.price_ceiling
        out = {"feedetl_sn": f"F{next(_n)}", "med_list_codg": code, "med_chrgitm_type": item.chrgitm_type,
               "cnt": cnt, "pric": str(price), "det_item_fee_sumamt": str(to_fen(Decimal(cnt) * price))}
        return {**out, "fee_ocur_time": at} if at else out

    def settlement(self, *lines: dict[str, Any], psn_no: str | None = None, fund_share: str = "0.80",
                   **overrides: Any) -> SettlementRecord:
        """A man of 40 on the employee fund, general outpatient on 2025-09-01; the fund pays ``fund_share``."""
        n = next(_n)
        medfee = total(Decimal(x["det_item_fee_sumamt"]) for x in lines)
        fund = to_fen(medfee * Decimal(fund_share))
        return SettlementRecord.model_validate({
            "setl_id": f"S{n}", "mdtrt_id": f"M{n}", "psn_no": psn_no or f"P{secrets.token_hex(4)}", "gend": "1",
            "age": 40, "insutype": "310", "med_type": "11", "setl_time": "2025-09-01T09:00:00",
            "medfee_sumamt": str(medfee), "fund_pay_sumamt": str(fund), "acct_pay": "0.00",
            "psn_cash_pay": str(medfee - fund), "dise_codg": ["J06.9"], "details": list(lines), **overrides})

    async def send(self, topic: Topic[Any], payload: Any, key: str) -> Envelope:
        envelope = Envelope.wrap(topic, payload)
        await publish(self.settings.kafka_bootstrap, self.settings.topic(topic.name), envelope.to_bytes(),
                      key.encode())
        return envelope

    async def record(self, settlement: SettlementRecord, fixmedins_code: str | None = None,
                     admdvs: str = REGION) -> Envelope:
        code = fixmedins_code or self.code
        return await self.send(topics.SETTLEMENT_RECORDED, SettlementRecorded(
            fixmedins_code=code, admdvs=admdvs, accepted_at=datetime.now(UTC), record=settlement), code)

    async def reverse(self, settlement: SettlementRecord, fixmedins_code: str | None = None) -> Envelope:
        code = fixmedins_code or self.code
        return await self.send(topics.SETTLEMENT_REVERSED, SettlementReversed(
            fixmedins_code=code, admdvs=REGION, setl_id=settlement.setl_id, insutype=settlement.insutype,
            med_type=settlement.med_type, business_date=settlement.setl_time.date(),
            fund_pay_sumamt=settlement.fund_pay_sumamt, reason="患者退费", reversed_at=datetime.now(UTC)), code)

    async def read(self, topic: Topic[Any], n: int, *, linger: float = 0.5) -> list[dict[str, Any]]:
        messages = await read_topic(self.settings.kafka_bootstrap, self.settings.topic(topic.name),
                                    until=lambda m: len(m) >= n, linger=linger)
        return [m["payload"] for m in messages]

    async def audited(self, n: int, **kw: Any) -> dict[str, list[dict[str, Any]]]:
        """The audit outcomes published so far, per setl_id in the order published."""
        by_id: dict[str, list[dict[str, Any]]] = {}
        for payload in await self.read(topics.SETTLEMENT_AUDITED, n, **kw):
            by_id.setdefault(payload["setl_id"], []).append(payload)
        return by_id

    async def get(self, path: str, **params: Any) -> dict[str, Any]:
        response = await self.client.get(path, headers=operator_headers(), params=params)
        assert response.status_code == 200, response.text
        return dict(response.json())

    async def put(self, path: str, body: Any) -> httpx.Response:
        return await self.client.put(path, headers=operator_headers(), json=body)

    async def decide(self, finding_id: str, body: dict[str, Any]) -> httpx.Response:
        return await self.client.post(f"/v1/findings/{finding_id}/decision", headers=operator_headers(), json=body)

    async def finding_of(self, setl_id: str, **params: Any) -> dict[str, Any] | None:
        """The settlement's finding in the queue (None while there is none: ``eventually`` waits for it)."""
        items = (await self.get("/v1/findings", fixmedins_code=self.code, limit=500, **params))["items"]
        found = [f for f in items if f["setl_id"] == setl_id]
        assert len(found) <= 1
        return found[0] if found else None


@pytest.fixture
async def audit(infra: Infra, prefix: str, topics: str) -> AsyncIterator[AuditHarness]:
    settings = settings_for(AuditSettings, infra, prefix)
    await migrate("audit", settings)
    async with serving(create_app(settings)) as client:
        yield AuditHarness(client, settings)
