from disbursement.adapters.repositories import (
    Assessments,
    CareToCashRecords,
    ConsistencyChecks,
    Declarations,
    Deductions,
    Enrollments,
    FundRequests,
    Institutions,
    IntakeRepository,
    Lines,
    Payments,
    Policies,
    PolicyProposals,
    RiskMeasures,
    Runs,
    SpecialCases,
)
from shared.messaging.uow import UnitOfWork


class DisbursementUnitOfWork(UnitOfWork):
    institutions: Institutions
    enrollments: Enrollments
    policies: Policies
    policy_proposals: PolicyProposals
    intake: IntakeRepository
    lines: Lines
    runs: Runs
    payments: Payments
    deductions: Deductions
    special_cases: SpecialCases
    fund_requests: FundRequests
    assessments: Assessments
    declarations: Declarations
    consistency: ConsistencyChecks
    risk_measures: RiskMeasures
    care_to_cash: CareToCashRecords

    def _start(self) -> None:
        self.institutions = Institutions(self.session)
        self.enrollments = Enrollments(self.session)
        self.policies = Policies(self.session)
        self.policy_proposals = PolicyProposals(self.session)
        self.intake = IntakeRepository(self.session)
        self.lines = Lines(self.session)
        self.runs = Runs(self.session)
        self.payments = Payments(self.session)
        self.deductions = Deductions(self.session)
        self.special_cases = SpecialCases(self.session)
        self.fund_requests = FundRequests(self.session)
        self.assessments = Assessments(self.session)
        self.declarations = Declarations(self.session)
        self.consistency = ConsistencyChecks(self.session)
        self.risk_measures = RiskMeasures(self.session)
        self.care_to_cash = CareToCashRecords(self.session)
