"""Every topic of the system. Named ``<domain>.<event>`` in the past tense, keyed by ``fixmedins_code``."""

from __future__ import annotations

from typing import Any

from shared.contracts import events as e
from shared.messaging.envelope import Topic

INSTITUTION_REGISTERED = Topic("claims.institution-registered", e.InstitutionRegistered)
SETTLEMENT_RECORDED = Topic("claims.settlement-recorded", e.SettlementRecorded, per_settlement=True)
SETTLEMENT_REVERSED = Topic("claims.settlement-reversed", e.SettlementReversed)
DECLARATION_SUBMITTED = Topic("claims.declaration-submitted", e.DeclarationSubmitted)
SETTLEMENT_AUDITED = Topic("audit.settlement-audited", e.SettlementAudited, per_settlement=True)
DEDUCTION_CONFIRMED = Topic("audit.deduction-confirmed", e.DeductionConfirmed)
RISK_MEASURE_TAKEN = Topic("audit.risk-measure-taken", e.RiskMeasureTaken)
LINE_COMPUTED = Topic("disbursement.line-computed", e.LineComputed, per_settlement=True)
PAYMENT_ORDERED = Topic("disbursement.payment-ordered", e.PaymentOrdered)
LINES_ORDERED = Topic("disbursement.lines-ordered", e.LinesOrdered)
MONTHLY_SETTLED = Topic("disbursement.monthly-settled", e.MonthlySettled)
ENROLLMENT_CHANGED = Topic("disbursement.enrollment-changed", e.EnrollmentChanged)
POLICY_SET = Topic("disbursement.policy-set", e.RegionPolicySet)
FUND_REQUESTED = Topic("disbursement.fund-requested", e.FundRequested)
VOUCHER_ISSUED = Topic("bankgateway.voucher-issued", e.VoucherIssued)
RECEIPT_RETURNED = Topic("bank.receipt-returned", e.ReceiptReturned)
PAYMENT_CONFIRMED = Topic("bankgateway.payment-confirmed", e.PaymentConfirmed)
PAYMENT_REJECTED = Topic("bankgateway.payment-rejected", e.PaymentRejected)
CONSISTENCY_CHECKED = Topic("accounting.consistency-checked", e.ConsistencyChecked)

ALL: list[Topic[Any]] = [
    INSTITUTION_REGISTERED,
    SETTLEMENT_RECORDED,
    SETTLEMENT_REVERSED,
    DECLARATION_SUBMITTED,
    SETTLEMENT_AUDITED,
    DEDUCTION_CONFIRMED,
    RISK_MEASURE_TAKEN,
    LINE_COMPUTED,
    PAYMENT_ORDERED,
    LINES_ORDERED,
    MONTHLY_SETTLED,
    ENROLLMENT_CHANGED,
    FUND_REQUESTED,
    POLICY_SET,
    VOUCHER_ISSUED,
    RECEIPT_RETURNED,
    PAYMENT_CONFIRMED,
    PAYMENT_REJECTED,
    CONSISTENCY_CHECKED,
]


#: The partitions of a topic with a message a payment, a month or an institution, and of every dead-letter
#: topic: two, one for each of the two replicas a consumer runs at least, and no more. Each partition a consumer is
#: assigned costs a part of every fetch, for the broker and for aiokafka, which encodes and decodes it in
#: Python: measured on Tansu, one idle consumer of 48 partitions took a quarter of a core of the broker.
QUIET_PARTITIONS = 2


def all_topic_names() -> list[str]:
    """Each topic and its dead-letter topic, as the launcher and the deploy manifests create them."""
    return [name for topic in ALL for name in (topic.name, topic.dlq)]


def partitions_of(name: str, partitions: int) -> int:
    """The partitions topic ``name`` is created with: ``partitions`` for a topic with a message for every
    settlement (the ceiling of how many consumers of one group share its load), fewer for any other topic and
    for every ``.dlq``."""
    busy = {topic.name for topic in ALL if topic.per_settlement}
    return partitions if name in busy else min(QUIET_PARTITIONS, partitions)
