"""Disbursement's repositories: one method per question a handler asks."""

from disbursement.adapters.repositories.care_to_cash import CareToCashRecords
from disbursement.adapters.repositories.institutions import Enrollments, Institutions, Payee
from disbursement.adapters.repositories.intake import IntakeRepository, MonthTotals, SettledRecord
from disbursement.adapters.repositories.ledgers import (
    Assessments,
    ConsistencyChecks,
    Declarations,
    Deductions,
    FundRequests,
    SpecialCases,
)
from disbursement.adapters.repositories.lines import ClaimedGroup, Lines
from disbursement.adapters.repositories.policies import Policies, PolicyProposals
from disbursement.adapters.repositories.risk import RiskMeasures
from disbursement.adapters.repositories.runs import Payments, Runs

__all__ = [
    "Assessments", "CareToCashRecords", "ClaimedGroup", "ConsistencyChecks", "Declarations", "Deductions", "Enrollments", "FundRequests", "Institutions", "IntakeRepository",
    "Lines", "MonthTotals", "Payee", "Payments", "Policies", "PolicyProposals", "RiskMeasures", "Runs", "SettledRecord", "SpecialCases",
]
