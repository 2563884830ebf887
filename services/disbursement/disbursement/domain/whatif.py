"""The what-if simulator (政策模拟): a closed month's settlements replayed under the region's policy and under
another — another pack, other ratios, another path — with the engine's own rules (per-record lines, batches,
prepayment, the monthly settlement and its due dates), and what each would have paid, when, and how soon after
care. Pure: records in, figures out; it touches no table.

Per institution and fund, a month's money goes out as
- the daily lines of its records (path B) on their batch's payment day (JL art.11, N art.22);
- the prepayment based on the month (path C, SX §3 / ZJ §3.2) on its due day in the next month;
- the monthly settlement on its payment due day (N art.16): payable less deductions, the quality deposit, the
  daily lines and the prepayment (ZJ §3.3), a negative net owed back rather than paid.
Days from care to cash are weighted by money: a line counts from its own record's date, the prepayment and the
settlement from the month's mean care date of the institution's fund (weighted by what it incurred)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from disbursement.domain.batches import batch_closing
from disbursement.domain.lines import AuditStatus, disbursement_line, payable_base
from disbursement.domain.monthly import monthly_prepayment, net_settlement, prepayment_due, settlement_due
from disbursement.domain.policy import RegionPolicy
from shared.calendar import WorkingDayCalendar
from shared.money import ZERO

GroupKey = tuple[str, str]  # (fixmedins_code, insutype)


@dataclass(frozen=True, slots=True)
class HistoricRecord:
    """A settlement as disbursement heard it (recorded, audited, not reversed)."""

    fixmedins_code: str
    insutype: str
    med_type: str
    business_date: date
    fund_pay_sumamt: Decimal
    personal_account: Decimal
    audit_status: AuditStatus | None
    vola_amt: Decimal


@dataclass
class GroupFigures:
    """What one institution's fund was paid for the month under one policy."""

    records: int = 0
    incurred: Decimal = ZERO
    deductions: Decimal = ZERO
    daily: Decimal = ZERO
    prepayment: Decimal = ZERO
    settlement: Decimal = ZERO
    deposit: Decimal = ZERO
    owed_back: Decimal = ZERO
    #: Σ amount × days from care to cash, for the money-weighted mean.
    money_days: Decimal = ZERO
    #: Σ incurred × the care date's ordinal, for the mean care date.
    care_days: Decimal = ZERO

    def add(self, other: GroupFigures) -> None:
        for name in _SUMMED:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def paid(self) -> Decimal:
        return self.daily + self.prepayment + self.settlement

    @property
    def mean_days_to_cash(self) -> Decimal | None:
        return (self.money_days / self.paid).quantize(Decimal("0.01")) if self.paid > 0 else None


_SUMMED = ("records", "incurred", "deductions", "daily", "prepayment", "settlement", "deposit", "owed_back",
           "money_days", "care_days")


@dataclass
class Scenario:
    """One policy's replay: its figures per institution and fund, and the fund's outflow day by day."""

    label: str
    policy: RegionPolicy
    groups: dict[GroupKey, GroupFigures] = field(default_factory=lambda: defaultdict(GroupFigures))
    outflow: dict[date, Decimal] = field(default_factory=lambda: defaultdict(lambda: ZERO))
    #: The payment day of each business date's daily batch, worked out once.
    pay_days: dict[date, date] = field(default_factory=dict)

    def by_fund(self) -> dict[str, GroupFigures]:
        funds: dict[str, GroupFigures] = defaultdict(GroupFigures)
        for (_, insutype), g in self.groups.items():
            funds[insutype].add(g)
        return dict(sorted(funds.items()))

    def absorb(self, month: Scenario) -> None:
        """Add a month's replay to a longer one (a year is its months, each settled on its own)."""
        for key, g in month.groups.items():
            self.groups[key].add(g)
        for day, amount in month.outflow.items():
            self.outflow[day] += amount


def add_records(records: Iterable[HistoricRecord], scenarios: Sequence[Scenario],
                calendar: WorkingDayCalendar) -> None:
    """Each record into every scenario at once: a month of a million records is read once, in chunks."""
    for record in records:
        for scenario in scenarios:
            _record(scenario, record, calendar)


def close_month(period: str, deductions: dict[GroupKey, Decimal], scenarios: Sequence[Scenario],
                calendar: WorkingDayCalendar) -> None:
    """Once the month's records are in: each scenario's prepayment and monthly settlement."""
    for scenario in scenarios:
        _close_month(scenario, period, deductions, calendar)


def _record(s: Scenario, r: HistoricRecord, calendar: WorkingDayCalendar) -> None:
    policy, g = s.policy, s.groups[(r.fixmedins_code, r.insutype)]
    incurred = r.fund_pay_sumamt + (r.personal_account if policy.personal_account else ZERO)
    g.records += 1
    g.incurred += incurred
    g.care_days += incurred * r.business_date.toordinal()
    if "B" not in policy.paths:
        return
    ratio = policy.ratio(r.insutype, r.med_type)
    base = payable_base(policy.audit_mode, r.audit_status, r.fund_pay_sumamt, r.vola_amt)
    if ratio is None or base is None:
        return  # not paid daily here: the monthly settlement pays it
    line = disbursement_line(base, ratio)
    paid_on = s.pay_days.get(r.business_date)
    if paid_on is None:
        closing = batch_closing(r.business_date, policy.batch, calendar)
        paid_on = s.pay_days[r.business_date] = calendar.add_working_days(closing, policy.pay_within_working_days)
    g.daily += line
    g.money_days += line * (paid_on - r.business_date).days
    s.outflow[paid_on] += line


def _close_month(s: Scenario, period: str, deductions: dict[GroupKey, Decimal],
                 calendar: WorkingDayCalendar) -> None:
    policy = s.policy
    year, month = int(period[:4]), int(period[5:])
    next_year, next_month = (year + 1, 1) if month == 12 else (year, month + 1)
    settles_on = settlement_due(period, policy.settlement, calendar).payment_due
    prepaid_on = prepayment_due(next_year, next_month, policy.prepayment.due, calendar) \
        if policy.prepayment is not None and "C" in policy.paths else None
    for key, g in s.groups.items():
        g.deductions = deductions.get(key, ZERO)
        payable = g.incurred - g.deductions
        if prepaid_on is not None and policy.prepayment is not None and key[1] in policy.prepayment.ratios:
            base = g.incurred if policy.prepayment.basis == "incurred" else payable
            g.prepayment = monthly_prepayment(base, policy.prepayment.ratios[key[1]])
            _pay(s, g, prepaid_on, g.prepayment)
        figures = net_settlement(payable=g.incurred, deductions=g.deductions, already_paid=g.daily + g.prepayment,
                                 carried_in=ZERO, deposit_share=policy.quality_deposit_share)
        g.deposit, g.settlement, g.owed_back = figures.deposit_reserved, figures.payment, figures.carried_forward
        _pay(s, g, settles_on, g.settlement)


def _pay(s: Scenario, g: GroupFigures, on: date, amount: Decimal) -> None:
    if amount <= 0:
        return
    mean_care = g.care_days / g.incurred if g.incurred else Decimal(on.toordinal())
    g.money_days += amount * (Decimal(on.toordinal()) - mean_care)
    s.outflow[on] += amount
