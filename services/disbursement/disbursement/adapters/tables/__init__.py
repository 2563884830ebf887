"""Disbursement's tables: what it heard (institutions, settlements and their audit status), the policy
versions, the per-record lines, the runs and the payments they ordered."""

from __future__ import annotations

from disbursement.adapters.tables.base import Table, metadata
from disbursement.adapters.tables.institutions import Assessment, Enrollment, EnrollmentEvent, Institution, RiskMeasure
from disbursement.adapters.tables.payments import Batch, CareToCash, ConsistencyCheck, FundRequest, Line, Payment, Run
from disbursement.adapters.tables.policies import Policy, PolicyProposal
from disbursement.adapters.tables.settlements import Declaration, Deduction, Intake, SpecialCase, SpecialCasePrepayment

__all__ = ["Table", "metadata", "Institution", "Enrollment", "EnrollmentEvent", "RiskMeasure", "Assessment", "Intake", "Declaration", "Deduction", "SpecialCase", "SpecialCasePrepayment", "Line", "Batch", "Run", "Payment", "FundRequest", "ConsistencyCheck", "CareToCash", "Policy", "PolicyProposal"]
