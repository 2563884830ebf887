"""Messaging: the event envelope, the transactional outbox and its relay, the idempotent consumer.

At-least-once delivery plus effects that are idempotent on ``event_id`` gives exactly-once effects; the
broker's own transactions are never relied on (Tansu has none).
"""

from shared.messaging.envelope import Envelope, Event, Topic
from shared.messaging.outbox import Outbox
from shared.messaging.uow import UnitOfWork

__all__ = ["Envelope", "Event", "Outbox", "Topic", "UnitOfWork"]
