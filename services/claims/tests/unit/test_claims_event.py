"""The recorded event claims writes by hand on its hot path is exactly the contract's (contract.md, topics)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from claims.domain.institution import Institution
from claims.domain.settlement import canonical, fingerprint
from claims.service.intake import _Candidate, _publish
from launcher.demo_data import SettlementFactory, demo_institutions
from shared.contracts import topics
from shared.contracts.events import BankAccount, SettlementRecorded
from shared.contracts.settlement import SettlementRecord
from shared.messaging.envelope import Envelope


class _Outbox:
    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []

    def add_raw(self, topic_name: str, **row: Any) -> None:
        self.rows.append({"topic": topic_name, **row})


class _Uow:
    outbox = _Outbox()


def test_the_recorded_event_reads_back_through_the_contract_model() -> None:  # N art.12, contract.md topics
    demo = demo_institutions()[0]
    institution = Institution(demo.fixmedins_code, demo.fixmedins_name, demo.admdvs, demo.fixmedins_type, "3",
                              BankAccount(bank_code="102", acct_no="62220001", acct_name="x"), 1)
    record = SettlementRecord.model_validate(SettlementFactory(date(2025, 9, 2), seed=4).settlement(demo))
    content = canonical(record)
    uow = _Uow()
    now = datetime.now(UTC)
    _publish(uow, institution, _Candidate(0, record, content, fingerprint(content)), now, "corr-1")  # type: ignore[arg-type]
    [row] = uow.outbox.rows
    envelope = Envelope.from_bytes(row["value"])
    assert row["topic"] == envelope.event_type == topics.SETTLEMENT_RECORDED.name
    assert (row["event_id"], row["key"], envelope.correlation_id) == (envelope.event_id, demo.fixmedins_code, "corr-1")
    payload = SettlementRecorded.model_validate(envelope.payload)
    assert payload == SettlementRecorded(fixmedins_code=demo.fixmedins_code, admdvs=demo.admdvs, accepted_at=now,
                                         record=record)

