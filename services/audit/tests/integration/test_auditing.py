"""Audit on the real broker: every recorded settlement through the rules, once (N art.13)."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest

from audit.main import create_app
from audit.settings import AuditSettings
from launcher.testing import Infra, migrate, publish, read_topic, serving, settings_for
from shared.contracts import topics
from shared.contracts.events import SettlementRecorded
from shared.contracts.settlement import SettlementRecord
from shared.messaging.envelope import Envelope


@pytest.fixture
async def audit(infra: Infra, prefix: str, topics: str) -> AsyncIterator[AuditSettings]:
    settings = settings_for(AuditSettings, infra, prefix)
    await migrate("audit", settings)
    async with serving(create_app(settings)):
        yield settings


def a_record(setl_id: str, psn_no: str, gend: str, items: list[tuple[str, str]]) -> SettlementRecord:
    details = [{"feedetl_sn": str(i), "med_list_codg": code, "med_chrgitm_type": "03", "cnt": "1", "pric": price,
                "det_item_fee_sumamt": price} for i, (code, price) in enumerate(items, 1)]
    total = f"{sum(float(p) for _, p in items):.2f}"  # test data only; the service never sees a float
    return SettlementRecord.model_validate({
        "setl_id": setl_id, "mdtrt_id": setl_id, "psn_no": psn_no, "gend": gend, "age": 40, "insutype": "310",
        "med_type": "11", "setl_time": "2025-09-01T09:00:00", "medfee_sumamt": total, "fund_pay_sumamt": total,
        "acct_pay": "0.00", "psn_cash_pay": "0.00", "details": details})


async def test_each_recorded_settlement_is_audited_with_its_findings(audit: AuditSettings) -> None:
    code, person = f"H{secrets.token_hex(4).upper()}", f"P{secrets.token_hex(4)}"
    records = [
        a_record("A1", person, "1", [("110200001", "20.00"), ("250101015", "25.00")]),  # clean
        a_record("A2", person, "1", [("110200001", "20.00")]),  # a second consultation the same day
        a_record("A3", f"Q{person}", "1", [("270300005", "150.00")]),  # a female-only test for a man
    ]
    for record in records:
        envelope = Envelope.wrap(topics.SETTLEMENT_RECORDED, SettlementRecorded(
            fixmedins_code=code, admdvs="220100", accepted_at=datetime.now(UTC), record=record))
        await publish(audit.kafka_bootstrap, audit.topic(topics.SETTLEMENT_RECORDED.name), envelope.to_bytes(),
                      code.encode())
        if record.setl_id == "A1":  # sent twice: still audited once
            await publish(audit.kafka_bootstrap, audit.topic(topics.SETTLEMENT_RECORDED.name), envelope.to_bytes(),
                          code.encode())
    audited = await read_topic(audit.kafka_bootstrap, audit.topic(topics.SETTLEMENT_AUDITED.name),
                               until=lambda m: len(m) >= 3, linger=0.5)
    by_id: dict[str, Any] = {m["payload"]["setl_id"]: m["payload"] for m in audited}
    assert len(audited) == 3
    assert by_id["A1"]["status"] == "pass" and by_id["A1"]["findings"] == []
    assert by_id["A2"]["status"] == "violation"  # MGT-DUP-01 across records of one person and day
    assert [(f["rule_id"], f["vola_amt"]) for f in by_id["A2"]["findings"]] == [("MGT-DUP-01", "20.00")]
    assert [(f["rule_id"], f["vola_amt"], f["feedetl_sns"]) for f in by_id["A3"]["findings"]] == \
        [("POL-SEX-01", "150.00", ["1"])]
