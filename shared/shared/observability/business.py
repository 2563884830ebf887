"""Business counters, read from the events a service publishes: the service that states a fact counts it,
once, when its relay has the broker's ack, so summing a counter over every pod of the system counts each fact
once, and no service's code has to remember to count.

- ``jishi_settlements_accepted_total``: claims accepted a settlement (claims.settlement-recorded, N art.12).
- ``jishi_settlements_audited_total{status,stage}``: audit's outcomes (audit.settlement-audited, N art.13).
- ``jishi_payments_ordered_total`` / ``_yuan_total`` ``{insutype}``: payments a run ordered, in yuan per fund
  (disbursement.payment-ordered, the 日拨付汇总表's payment).
- ``jishi_payments_paid_total`` / ``_yuan_total`` ``{insutype}``: what the bank paid (bankgateway.payment-confirmed).
- ``jishi_payments_postponed_total{insutype,reason}``: payments carried into a later run (N art.18) — ``rejected``
  by the bank (bankgateway.payment-rejected; its yuan in ``jishi_payments_postponed_yuan_total{insutype}``),
  or a batch on a ``non-working-day`` / an institution ``held`` (disbursement.lines-ordered, which carries
  no amount).

Amounts are floats here (Prometheus has no other number); the books, not the metrics, are exact to the fen.
"""

from __future__ import annotations

import logging
from collections import Counter as Tally
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from prometheus_client import Counter
from pydantic import BaseModel, ConfigDict, ValidationError, create_model

from shared.contracts import topics
from shared.observability.metrics import EVENTS_PUBLISHED

log = logging.getLogger(__name__)

SETTLEMENTS_ACCEPTED = Counter("jishi_settlements_accepted", "Settlements claims accepted (N art.12)")
SETTLEMENTS_AUDITED = Counter("jishi_settlements_audited", "Audit outcomes published (N art.13)", ["status", "stage"])
PAYMENTS_ORDERED = Counter("jishi_payments_ordered", "Payments ordered by a run, per fund", ["insutype"])
PAYMENTS_ORDERED_YUAN = Counter("jishi_payments_ordered_yuan", "Yuan ordered paid by runs, per fund", ["insutype"])
PAYMENTS_PAID = Counter("jishi_payments_paid", "Payments the bank confirmed paid, per fund", ["insutype"])
PAYMENTS_PAID_YUAN = Counter("jishi_payments_paid_yuan", "Yuan the bank confirmed paid, per fund", ["insutype"])
PAYMENTS_POSTPONED = Counter("jishi_payments_postponed", "Payments carried into a later run (N art.18), per fund",
                             ["insutype", "reason"])
PAYMENTS_POSTPONED_YUAN = Counter("jishi_payments_postponed_yuan",
                                  "Yuan the bank rejected, carried into the next payment (N art.18), per fund",
                                  ["insutype"])


class _Read(BaseModel):
    """The few fields a counter needs; the rest of the message is skipped by pydantic-core, not built (a
    settlement's outcome was read whole with ``json.loads`` for two labels: 18 µs against 6)."""

    model_config = ConfigDict(extra="ignore", frozen=True)


class _Audited(_Read):
    status: str
    stage: str = "automatic"


class _Ordered(_Read):
    insutype: str
    payment: Decimal


class _Settled(_Read):
    insutype: str
    amount: Decimal


class _LinesOrdered(_Read):
    insutype: str
    payment_status: str = "ordered"


def _audited(p: _Audited) -> None:
    SETTLEMENTS_AUDITED.labels(p.status, p.stage).inc()


def _ordered(p: _Ordered) -> None:
    PAYMENTS_ORDERED.labels(p.insutype).inc()
    PAYMENTS_ORDERED_YUAN.labels(p.insutype).inc(float(p.payment))


def _paid(p: _Settled) -> None:
    PAYMENTS_PAID.labels(p.insutype).inc()
    PAYMENTS_PAID_YUAN.labels(p.insutype).inc(float(p.amount))


def _rejected(p: _Settled) -> None:
    PAYMENTS_POSTPONED.labels(p.insutype, "rejected").inc()
    PAYMENTS_POSTPONED_YUAN.labels(p.insutype).inc(float(p.amount))


def _lines_ordered(p: _LinesOrdered) -> None:
    if p.payment_status != "ordered":
        reason = "non-working-day" if p.payment_status == "postponed" else p.payment_status
        PAYMENTS_POSTPONED.labels(p.insutype, reason).inc()


def _counting(model: type[_Read], count: Callable[[Any], None]) -> tuple[type[BaseModel], Callable[[Any], None]]:
    envelope = create_model(f"{model.__name__}Envelope", __base__=_Read, payload=(model, ...))
    return envelope, count


#: The topics whose payload is read: the envelope as the counter reads it, and what it adds to.
_READ: dict[str, tuple[type[BaseModel], Callable[[Any], None]]] = {
    topics.SETTLEMENT_AUDITED.name: _counting(_Audited, _audited),
    topics.PAYMENT_ORDERED.name: _counting(_Ordered, _ordered),
    topics.PAYMENT_CONFIRMED.name: _counting(_Settled, _paid),
    topics.PAYMENT_REJECTED.name: _counting(_Settled, _rejected),
    topics.LINES_ORDERED.name: _counting(_LinesOrdered, _lines_ordered),
}


def note_published(rows: Iterable[tuple[str, bytes]]) -> None:
    """Count a batch the relay has just published: ``(logical topic, message value)`` per row."""
    per_topic: Tally[str] = Tally()
    for topic, value in rows:
        per_topic[topic] += 1
        reading = _READ.get(topic)
        if reading is not None:
            envelope, count = reading
            try:
                count(envelope.model_validate_json(value).payload)  # type: ignore[attr-defined]
            except ValueError as exc:  # a ValidationError, or an amount a counter refuses: never stop the relay
                reason = exc.errors()[0]["msg"] if isinstance(exc, ValidationError) else str(exc)
                log.warning("not counted: a %s message without the fields it should have (%s)", topic, reason)
    for topic, n in per_topic.items():
        EVENTS_PUBLISHED.labels(topic).inc(n)
    accepted = per_topic.get(topics.SETTLEMENT_RECORDED.name)
    if accepted:
        SETTLEMENTS_ACCEPTED.inc(accepted)
