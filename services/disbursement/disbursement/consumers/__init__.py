"""What disbursement listens to: institutions, settlements and their audit, risk measures, and the bank's
outcomes."""

from __future__ import annotations

from disbursement.service.adjustments import (
    on_consistency_checked,
    on_declarations_submitted,
    on_deductions_confirmed,
    on_settlements_reversed,
)
from disbursement.service.institutions import on_institutions_registered
from disbursement.service.lines import RECORDED_FOR_LINES, on_settlements_audited, on_settlements_recorded
from disbursement.service.payments import on_payments_confirmed, on_payments_rejected
from disbursement.service.risk import on_risk_measures_taken
from disbursement.service.uow import DisbursementUnitOfWork
from shared.contracts import topics
from shared.messaging.consumer import Subscription

subscriptions: list[Subscription[DisbursementUnitOfWork]] = [
    # Institutions first: a batch that brings an institution and its settlements can pay them.
    Subscription(topics.INSTITUTION_REGISTERED, on_institutions_registered),
    # Measures before settlements: a cap or a suspension in the same batch applies to its records' lines.
    Subscription(topics.RISK_MEASURE_TAKEN, on_risk_measures_taken),
    Subscription(topics.SETTLEMENT_RECORDED, on_settlements_recorded, reads=RECORDED_FOR_LINES),
    Subscription(topics.SETTLEMENT_AUDITED, on_settlements_audited),
    Subscription(topics.SETTLEMENT_REVERSED, on_settlements_reversed),
    Subscription(topics.DEDUCTION_CONFIRMED, on_deductions_confirmed),
    Subscription(topics.DECLARATION_SUBMITTED, on_declarations_submitted),
    Subscription(topics.CONSISTENCY_CHECKED, on_consistency_checked),
    Subscription(topics.PAYMENT_CONFIRMED, on_payments_confirmed),
    Subscription(topics.PAYMENT_REJECTED, on_payments_rejected),
]
