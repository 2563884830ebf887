"""The payload of each event, one model per topic (see ``topics.py``)."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from shared.contracts.codes import Admdvs, Code, Insutype, MedType, Period, Text
from shared.contracts.settlement import SettlementRecord
from shared.money import Amount, Money

Name = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Ratio = Annotated[Decimal, Field(ge=0, le=1, max_digits=7, decimal_places=4)]


class _Payload(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class BankAccount(_Payload):
    """A bank account as a voucher names it."""

    bank_code: Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z]{1,20}$")]
    acct_no: Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z\-]{4,40}$")]
    #: 140 characters: what an ISO 20022 name (Max140Text) carries to the bank, never cut short.
    acct_name: Annotated[Text, StringConstraints(min_length=1, max_length=140)]


# claims ---------------------------------------------------------------------------------------------------


class InstitutionRegistered(_Payload):
    """An institution was registered or its details changed (the latest ``version`` wins)."""

    fixmedins_code: Code
    fixmedins_name: Name
    admdvs: Admdvs
    fixmedins_type: str
    hosp_lv: str | None = None
    bank_acct: BankAccount
    #: SHA-256 of the institution's current token (never the token): lets every service accept it. None once
    #: the token is revoked.
    token_hash: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")] | None
    version: int = Field(ge=1)
    registered_at: AwareDatetime


class SettlementRecorded(_Payload):
    """Claims accepted a settlement (N art.12); what audit and disbursement start from."""

    fixmedins_code: Code
    admdvs: Admdvs
    accepted_at: AwareDatetime
    record: SettlementRecord


class SettlementReversed(_Payload):
    """A settlement was cancelled (结算撤销, N art.10). History is kept; what was paid for it is netted."""

    fixmedins_code: Code
    admdvs: Admdvs
    setl_id: Code
    insutype: Insutype
    med_type: MedType
    business_date: date
    fund_pay_sumamt: Amount
    reason: Annotated[str, StringConstraints(min_length=1, max_length=500)]
    reversed_at: AwareDatetime


class DeclaredFund(_Payload):
    """One fund's figures in a declaration, as the institution declares them."""

    records: int = Field(ge=0)
    medfee_sumamt: Amount
    fund_pay_sumamt: Amount


class DeclarationSubmitted(_Payload):
    """An institution's monthly declaration (申报, N art.12, JL art.14): its totals per fund for a period."""

    declaration_id: uuid.UUID
    fixmedins_code: Code
    admdvs: Admdvs
    period: Period
    totals: dict[Insutype, DeclaredFund]
    declared_at: AwareDatetime
    deadline: date
    late: bool


# audit ----------------------------------------------------------------------------------------------------

AuditStatus = Literal["pass", "suspicious", "violation"]


class Finding(_Payload):
    rule_id: str
    family: Literal["policy", "management", "medical"]
    sev_deg: Literal["low", "medium", "high"]
    description: str
    vola_amt: Amount
    feedetl_sns: list[str] = []


class DeductionConfirmed(_Payload):
    """A confirmed violation to deduct in the monthly settlement (月度抵扣, N art.13, JL art.13)."""

    deduction_id: uuid.UUID
    fixmedins_code: Code
    admdvs: Admdvs
    setl_id: Code
    insutype: Insutype
    #: The month of the settlement it belongs to.
    period: Period
    amount: Amount
    rule_ids: list[str]
    #: "automatic" for a clear-cut rule, "review" for a reviewer's decision.
    source: Literal["automatic", "review"]
    confirmed_at: AwareDatetime


class SettlementAudited(_Payload):
    """A settlement's audit outcome (N art.13): first the automatic one (``stage`` "automatic"); for a record
    sent to people, later the reviewed one ("reviewed": pass when dismissed, violation with the confirmed
    amount when confirmed). The latest ``audited_at`` stands."""

    fixmedins_code: Code
    admdvs: Admdvs
    setl_id: Code
    insutype: Insutype
    status: AuditStatus
    vola_amt: Amount
    findings: list[Finding] = []
    stage: Literal["automatic", "reviewed"] = "automatic"
    #: Chosen by the random sample for manual review (抽审) although the rules passed it.
    sampled: bool = False
    #: A finding on this record is open for people: the month's audit has not ended for it (SX §3, ZJ §3.1), so
    #: its monthly settlement waits for the reviewed outcome. False on every reviewed outcome.
    under_review: bool = False
    #: The deduction this outcome confirmed (a reviewer's, or a clear-cut rule's where the region auto-confirms),
    #: also published as DeductionConfirmed: carried here so that a month settled as soon as its review ends
    #: deducts it (月度抵扣) whichever of the two topics is read first.
    deduction: DeductionConfirmed | None = None
    audited_at: AwareDatetime


# disbursement ---------------------------------------------------------------------------------------------


class LineComputed(_Payload):
    """A settlement's disbursement line: fund payment × ratio, half-up to the fen (JL art.11)."""

    line_id: uuid.UUID
    fixmedins_code: Code
    admdvs: Admdvs
    setl_id: Code
    insutype: Insutype
    med_type: MedType
    business_date: date
    fund_pay_sumamt: Money
    #: What the ratio applies to: the fund payment, less a violation already found where the audit mode
    #: pays only what passed (N art.13).
    base: Money
    ratio: Ratio
    amount: Money
    policy_version: int
    #: The daily batch that pays it (the closing business date of its batch, N art.22); None once a monthly
    #: settlement took it in instead. Published again if the line moves to a later batch (N art.21).
    batch_date: date | None = None
    computed_at: AwareDatetime


class MonthlySettled(_Payload):
    """A monthly settlement line (月结算, N art.16, SX §3, ZJ §3.3) for one institution, fund and month:
    payable − deductions − deposit − already paid + carried in = net; what is ordered now never goes below
    zero, the rest is carried forward."""

    run_id: uuid.UUID
    admdvs: Admdvs
    fixmedins_code: Code
    insutype: Insutype
    period: Period
    payable: Money
    deductions: Money
    deposit_reserved: Money
    already_paid: Money
    carried_in: Money
    net: Money
    payment: Amount
    carried_forward: Money
    #: The month's payable by benefit category (待遇支出 by category: outpatient, chronic, inpatient, ...).
    by_category: dict[str, Money]
    payment_id: uuid.UUID | None = None
    settled_at: AwareDatetime


class RegionPolicySet(_Payload):
    """A region's policy got a new version (ZJ §3.2): what other services need of it — the declaration
    deadline that claims answers institutions with, say — is in ``policy``, the resolved policy."""

    admdvs: Admdvs
    version: int = Field(ge=1)
    pack: str
    effective_from: date
    policy: dict[str, Any]
    set_at: AwareDatetime


class FundRequested(_Payload):
    """The agency asked finance for a month's funds (请款, SX §4), per fund: the month's prepayment and
    settlement needs as the request was made. Finance's transfer names ``request_id``."""

    request_id: uuid.UUID
    admdvs: Admdvs
    period: Period
    funds: dict[Insutype, Amount]
    #: The region's deadline for the request, where its policy sets one (SX §4: before the 25th).
    request_by: date | None = None
    requested_by: Annotated[Text, StringConstraints(min_length=1, max_length=100)]
    requested_at: AwareDatetime


class EnrollmentChanged(_Payload):
    """An institution joined, was suspended from, resumed or left instant settlement (N art.4, art.21)."""

    fixmedins_code: Code
    admdvs: Admdvs
    state: Literal["enrolled", "suspended", "terminated"]
    action: Literal["enroll", "suspend", "resume", "terminate"]
    reason: str
    effective_at: AwareDatetime


class RiskMeasureTaken(_Payload):
    """An operator's measure on a risk warning (风险预警处置, N art.20-21, JL art.22-23): an interview reminder
    (约谈提醒, recorded only); the institution's disbursement ratio lowered to ``ratio`` for settlements of
    ``effective_from`` on, computed from now (a line already computed keeps its ratio); or its instant
    settlement suspended from this moment (N art.21: nothing more paid, pending lines held)."""

    measure_id: uuid.UUID
    warning_id: uuid.UUID
    fixmedins_code: Code
    admdvs: Admdvs
    measure: Literal["interview", "lower_ratio", "suspend"]
    ratio: Ratio | None = None
    effective_from: date | None = None
    actor: Annotated[Text, StringConstraints(min_length=1, max_length=100)]
    reason: Annotated[Text, StringConstraints(min_length=1, max_length=500)]
    taken_at: AwareDatetime


class AnnualClearing(_Payload):
    """What an annual-clearing payment (年度清算, N art.17, SX §3) clears, month by month, for the books
    (N art.19): ``amount`` of its payment = the deposits released + the special cases' approved cost − their
    monthly prepayments + the assessment; ``carried_in`` = the sum of ``carried_from``."""

    year: int = Field(ge=2000, le=2100)
    #: The quality deposit (保证金) given back, by the month whose settlement reserved it.
    deposits_released: dict[Period, Money] = {}
    #: What the special cases cleared at year end cost in all (approved; 0 for a rejected case).
    special_cases_cost: Money = Decimal("0.00")
    #: Their monthly prepaid shares (N art.16), by the month that paid them: advances cleared now.
    special_cases_prepaid: dict[Period, Money] = {}
    #: The annual assessment's adjustment (年度考核): + paid to the institution, − taken back.
    assessment: Money = Decimal("0.00")
    #: Earlier payments netted in this one, by their month: − a negative net owed back, + a payment not made.
    carried_from: dict[Period, Money] = {}


class PaymentOrdered(_Payload):
    """A run ordered a payment to one institution, for one fund and one month (日拨付汇总表 line)."""

    payment_id: uuid.UUID
    run_id: uuid.UUID
    run_type: str
    admdvs: Admdvs
    fixmedins_code: Code
    insutype: Insutype
    period: Period
    business_date: date | None = None
    amount: Money
    carried_in: Money
    payment: Amount
    payee: BankAccount
    purpose: Name
    ordered_at: AwareDatetime
    #: A special-cases payment: of ``amount``, what decided cases cost now (特例单议结算, N art.16, expenditure);
    #: the rest is the prepaid share of cases cleared at year end, an advance until the clearing.
    special_cases_settled: Money | None = None
    #: An annual-clearing payment: what it clears (N art.17).
    clearing: AnnualClearing | None = None


class LinesOrdered(_Payload):
    """A daily payment and the batches of lines it carries: every line of ``fixmedins_code``, ``insutype`` and
    ``period`` whose ``batch_date`` is one of ``batch_dates``, plus what the earlier payments in
    ``carried_from`` owed (N art.18). One event a payment, however many lines (a batch may hold a million)."""

    payment_id: uuid.UUID
    run_id: uuid.UUID
    fixmedins_code: Code
    insutype: Insutype
    period: Period
    batch_dates: Annotated[list[date], Field(min_length=1)]
    ordered_at: AwareDatetime
    #: "postponed" when the batch fell on a non-working day and waits for the next run; "held" while the
    #: institution is suspended (N art.18, art.21).
    payment_status: Literal["ordered", "postponed", "held"] = "ordered"
    carried_from: list[uuid.UUID] = []


# bank gateway and the bank ---------------------------------------------------------------------------------


class VoucherIssued(_Payload):
    """A payment voucher (拨付凭证) for the bank, with its ISO 20022 pain.001 document (N art.14-15)."""

    voucher_no: Annotated[str, StringConstraints(pattern=r"^[0-9A-Z\-]{8,35}$")]
    payment_id: uuid.UUID
    admdvs: Admdvs
    fixmedins_code: Code
    insutype: Insutype
    period: Period
    payer: BankAccount
    payee: BankAccount
    amount: Amount
    currency: Literal["CNY"] = "CNY"
    purpose: Name
    issued_at: AwareDatetime
    pain001: str


class ReceiptReturned(_Payload):
    """The bank's receipt (回单): paid or rejected, with its pain.002 (and camt.054 when paid)."""

    voucher_no: str
    status: Literal["paid", "rejected"]
    amount: Amount
    reason_code: str | None = None
    reason: str | None = None
    bank_ref: str
    value_date: date | None = None
    returned_at: AwareDatetime
    pain002: str
    camt054: str | None = None


class PaymentSettled(_Payload):
    """What a payment became at the bank; the base of confirmed and rejected."""

    voucher_no: str
    payment_id: uuid.UUID
    admdvs: Admdvs
    fixmedins_code: Code
    insutype: Insutype
    period: Period
    amount: Amount
    bank_ref: str
    receipt_at: AwareDatetime


class PaymentConfirmed(PaymentSettled):
    """The bank paid the institution (回盘 complete)."""

    value_date: date


class PaymentRejected(PaymentSettled):
    """The bank refused the payment; disbursement postpones it to the next payment (N art.18)."""

    reason_code: str
    reason: str


# accounting ----------------------------------------------------------------------------------------------


class ConsistencyDifference(_Payload):
    """One institution, fund and month where business and finance disagree (业财不一致)."""

    fixmedins_code: Code
    insutype: Insutype
    #: What disagrees: e.g. "ordered-not-paid", "paid-not-booked", "booked-not-paid", "lines-not-ordered".
    kind: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    business: Money
    bank: Money
    books: Money
    explained: bool = False
    explanation: str | None = None


class ConsistencyChecked(_Payload):
    """Accounting's business-vs-finance check of a region's month (业财一致性, N art.19, art.22). A monthly
    settlement cannot be signed while a difference stands unexplained."""

    admdvs: Admdvs
    period: Period
    agreed: bool
    differences: list[ConsistencyDifference] = []
    checked_at: AwareDatetime
