"""What disbursement publishes: lines, the payments its runs order, monthly settlements, enrollment, policies
and fund requests."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, Field, StringConstraints

from shared.contracts.codes import Admdvs, Code, Insutype, MedType, Period, Text
from shared.contracts.events.base import BankAccount, Name, Payload, Ratio
from shared.money import Amount, Money


class LineComputed(Payload):
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


class MonthlySettled(Payload):
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


class RegionPolicySet(Payload):
    """A region's policy got a new version (ZJ §3.2): what other services need of it — the declaration
    deadline that claims answers institutions with, say — is in ``policy``, the resolved policy."""

    admdvs: Admdvs
    version: int = Field(ge=1)
    pack: str
    effective_from: date
    policy: dict[str, Any]
    set_at: AwareDatetime


class FundRequested(Payload):
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


class EnrollmentChanged(Payload):
    """An institution joined, was suspended from, resumed or left instant settlement (N art.4, art.21)."""

    fixmedins_code: Code
    admdvs: Admdvs
    state: Literal["enrolled", "suspended", "terminated"]
    action: Literal["enroll", "suspend", "resume", "terminate"]
    reason: str
    effective_at: AwareDatetime


class AnnualClearing(Payload):
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


class PaymentOrdered(Payload):
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


class LinesOrdered(Payload):
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
