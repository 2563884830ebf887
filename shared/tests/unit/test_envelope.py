"""The envelope every Kafka message carries (contract.md, "Kafka topics")."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from pydantic import BaseModel, ValidationError

from shared.messaging.envelope import Envelope, Topic, reader, typed_envelope
from shared.money import Amount


class _Paid(BaseModel):
    fixmedins_code: str
    amount: Amount


DEMO = Topic("demo.thing-paid", _Paid, schema_version=2)


def an_envelope(**overrides: object) -> dict[str, object]:
    fields: dict[str, object] = {
        "event_id": str(uuid.uuid4()), "event_type": "demo.thing-paid", "schema_version": 1,
        "occurred_at": "2025-10-09T01:02:03+00:00", "correlation_id": "corr-1",
        "payload": {"fixmedins_code": "H22010000001", "amount": "12.30"},
    }
    fields.update(overrides)
    return fields


def test_a_topic_names_its_dead_letter_topic_and_event_type() -> None:
    assert DEMO.dlq == "demo.thing-paid.dlq"
    assert DEMO.event_type == "demo.thing-paid"


def test_wrap_stamps_the_topic_the_payload_and_a_correlation_id() -> None:
    before = datetime.now(UTC)
    env = Envelope.wrap(DEMO, _Paid(fixmedins_code="H1", amount="12.30"))
    assert env.event_type == "demo.thing-paid"
    assert env.schema_version == 2
    assert env.payload == {"fixmedins_code": "H1", "amount": "12.30"}  # money travels as a string
    assert env.correlation_id == str(env.event_id)  # a new conversation starts with its first event
    assert env.occurred_at.tzinfo is not None and env.occurred_at >= before


def test_wrap_keeps_a_given_event_id_and_correlation_id() -> None:
    event_id = uuid.UUID("00000000-0000-4000-8000-000000000017")
    env = Envelope.wrap(DEMO, _Paid(fixmedins_code="H1", amount="1.00"), correlation_id="run-42",
                        event_id=event_id)
    assert env.event_id == event_id
    assert env.correlation_id == "run-42"


def test_two_wraps_get_two_event_ids() -> None:
    payload = _Paid(fixmedins_code="H1", amount="1.00")
    assert Envelope.wrap(DEMO, payload).event_id != Envelope.wrap(DEMO, payload).event_id


def test_an_envelope_survives_the_trip_through_bytes() -> None:
    env = Envelope.wrap(DEMO, _Paid(fixmedins_code="H1", amount="12.30"), correlation_id="c-9")
    raw = env.to_bytes()
    assert isinstance(raw, bytes)
    assert json.loads(raw)["payload"]["amount"] == "12.30"
    back = Envelope.from_bytes(raw)
    assert back == env
    assert _Paid.model_validate(back.payload).amount == _Paid(fixmedins_code="H1", amount="12.30").amount


def test_the_instant_keeps_its_offset_through_bytes() -> None:
    shanghai = timezone(timedelta(hours=8))
    env = Envelope.model_validate(an_envelope(occurred_at="2025-10-09T09:02:03.250000+08:00"))
    back = Envelope.from_bytes(env.to_bytes())
    assert back.occurred_at == datetime(2025, 10, 9, 9, 2, 3, 250000, tzinfo=shanghai)
    assert back.occurred_at.utcoffset() == timedelta(hours=8)


def test_fields_a_newer_producer_adds_are_ignored() -> None:
    raw = json.dumps(an_envelope(trace_id="abc")).encode()
    assert Envelope.from_bytes(raw).correlation_id == "corr-1"


@pytest.mark.parametrize("raw", [None, b"", b"not json", b"\xff\xfe", b"[]", b"null", b'{"event_id": 1}'],
                         ids=["none", "empty", "text", "binary", "list", "null", "partial"])
def test_garbage_is_refused_with_a_validation_error(raw: bytes | None) -> None:  # the DLQ's reason
    with pytest.raises(ValidationError):
        Envelope.from_bytes(raw)


@pytest.mark.parametrize("missing", ["event_id", "event_type", "schema_version", "occurred_at", "correlation_id",
                                     "payload"])
def test_an_envelope_missing_a_field_is_refused(missing: str) -> None:
    fields = an_envelope()
    del fields[missing]
    with pytest.raises(ValidationError, match=missing):
        Envelope.from_bytes(json.dumps(fields).encode())


@pytest.mark.parametrize(("field", "bad"), [("event_id", "not-a-uuid"), ("event_type", ""), ("schema_version", 0),
                                            ("correlation_id", ""), ("payload", "a string")])
def test_an_envelope_with_a_bad_field_is_refused(field: str, bad: object) -> None:
    with pytest.raises(ValidationError, match=field):
        Envelope.from_bytes(json.dumps(an_envelope(**{field: bad})).encode())


def test_an_instant_without_an_offset_is_refused() -> None:
    with pytest.raises(ValidationError, match="occurred_at"):
        Envelope.from_bytes(json.dumps(an_envelope(occurred_at="2025-10-09T09:02:03")).encode())
    with pytest.raises(ValidationError, match="timezone"):
        Envelope.model_validate(an_envelope(occurred_at=datetime(2025, 10, 9, 9, 2, 3)))


def test_an_envelope_cannot_be_changed_once_made() -> None:
    env = Envelope.model_validate(an_envelope())
    with pytest.raises(ValidationError):
        env.correlation_id = "other"  # type: ignore[misc]


class _Paying(BaseModel):
    payee: _Paid
    memo: str


def test_one_pass_read_gives_the_payload_as_its_model_and_refuses_what_the_two_step_read_refuses() -> None:
    # contract.md "Kafka topics": the envelope and its payload read together, with the same checks
    typed = typed_envelope(_Paid)
    event = typed.model_validate_json(json.dumps(an_envelope()))
    assert event.payload == _Paid(fixmedins_code="H22010000001", amount=Decimal("12.30"))  # type: ignore[attr-defined]
    assert event.correlation_id == "corr-1"
    with pytest.raises(ValidationError):
        typed.model_validate_json(json.dumps(an_envelope(payload={"fixmedins_code": "H1", "amount": "1.234"})))


def test_a_reader_keeps_the_fields_it_names_as_the_contract_types_them_and_skips_the_rest() -> None:
    # a tolerant reader: what a consumer never looks at is not built, what it reads is still checked
    view = reader(_Paying, "memo", payee=reader(_Paid, "amount"))
    read = view.model_validate({"memo": "daily", "payee": {"fixmedins_code": "H1", "amount": "5.00"}})
    assert (read.memo, read.payee.amount) == ("daily", Decimal("5.00"))  # type: ignore[attr-defined]
    assert not hasattr(read.payee, "fixmedins_code")  # type: ignore[attr-defined]
    with pytest.raises(ValidationError):  # an amount not to the fen stays refused in the narrowed field
        view.model_validate({"memo": "daily", "payee": {"amount": "5.001"}})
