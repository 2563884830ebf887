"""What audit publishes keeps to the contract (shared/contracts/events/), however it is written."""

from __future__ import annotations

from datetime import UTC, datetime

from audit.service.auditing import passed_envelope
from shared.contracts import topics
from shared.contracts.events import SettlementAudited
from shared.messaging.envelope import Envelope


def test_a_passed_records_envelope_is_the_contracts_settlement_audited(make):  # N art.13: one outcome each
    subject = make.subject(make.record(make.line("110200001")))
    now = datetime(2025, 9, 1, 9, 30, tzinfo=UTC)
    event_id, value = passed_envelope(subject, sampled=True, under_review=True, audited_at=now,
                                      correlation_id="c-1")
    envelope = Envelope.from_bytes(value)
    assert (envelope.event_id, envelope.event_type, envelope.schema_version, envelope.correlation_id) == \
        (event_id, topics.SETTLEMENT_AUDITED.event_type, topics.SETTLEMENT_AUDITED.schema_version, "c-1")
    expected = SettlementAudited(fixmedins_code=subject.fixmedins_code, admdvs=subject.admdvs,
                                 setl_id=subject.record.setl_id, insutype=subject.record.insutype, status="pass",
                                 vola_amt="0.00", findings=[], stage="automatic", sampled=True, under_review=True,
                                 audited_at=now)
    assert SettlementAudited.model_validate(envelope.payload) == expected
    assert envelope.payload == expected.model_dump(mode="json") | {"audited_at": now.isoformat()}
