"""The payload of each event, one model per topic (see ``topics.py``), each in the module of the service that
publishes it; imported from here."""

from __future__ import annotations

from shared.contracts.events.accounting import ConsistencyChecked, ConsistencyDifference
from shared.contracts.events.audit import AuditStatus, DeductionConfirmed, Finding, RiskMeasureTaken, SettlementAudited
from shared.contracts.events.bank_gateway import (
    PaymentConfirmed,
    PaymentRejected,
    PaymentSettled,
    ReceiptReturned,
    VoucherIssued,
)
from shared.contracts.events.base import BankAccount, Name, Payload, Ratio
from shared.contracts.events.claims import (
    DeclarationSubmitted,
    DeclaredFund,
    InstitutionRegistered,
    SettlementRecorded,
    SettlementReversed,
)
from shared.contracts.events.disbursement import (
    AnnualClearing,
    EnrollmentChanged,
    FundRequested,
    LineComputed,
    LinesOrdered,
    MonthlySettled,
    PaymentOrdered,
    RegionPolicySet,
)

__all__ = [
    "BankAccount", "Name", "Payload", "Ratio", "InstitutionRegistered", "SettlementRecorded", "SettlementReversed",
    "DeclaredFund", "DeclarationSubmitted", "Finding", "DeductionConfirmed", "SettlementAudited", "AuditStatus",
    "LineComputed", "MonthlySettled", "RegionPolicySet", "FundRequested", "EnrollmentChanged", "RiskMeasureTaken",
    "AnnualClearing", "PaymentOrdered", "LinesOrdered", "VoucherIssued", "ReceiptReturned", "PaymentSettled",
    "PaymentConfirmed", "PaymentRejected", "ConsistencyDifference", "ConsistencyChecked",
]
