"""The monthly settlement run (月结算与轧差, N art.16, JL art.15, SX §3, ZJ §3.3): per institution and fund,
the month's payable less the confirmed deductions, the deposit reservation and everything already paid for
the month (daily lines or the prepayment), plus any negative net of earlier months; a negative net is
carried forward and deducted from what comes next, month after month, until covered (SX §3)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from disbursement.adapters.tables import Payment, Run
from disbursement.domain.categories import PERSONAL_ACCOUNT, category_of
from disbursement.domain.daily import carry_value
from disbursement.domain.errors import SettlementNotReady
from disbursement.domain.ids import payment_id
from disbursement.domain.monthly import declaration_deadline, net_settlement, settlement_due, settlement_not_ready
from disbursement.service.lines import republish
from disbursement.service.runs.common import carry_in, existing_or_policy, new_run
from disbursement.service.runs.prepayment import month_bounds
from disbursement.service.runs.view import run_view_of
from disbursement.service.uow import DisbursementUnitOfWork
from shared.calendar import WorkingDayCalendar
from shared.contracts import topics
from shared.contracts.codes import SHANGHAI
from shared.contracts.events import MonthlySettled
from shared.money import ZERO, money_text

SETTLEMENT = "monthly-settlement"


async def monthly_settlement_run(admdvs: str, period: str, uow: DisbursementUnitOfWork,
                                 calendar: WorkingDayCalendar, *, today: date | None = None,
                                 prepared_by: str | None = None) -> dict[str, Any]:
    """The month's settlement, once the month, its declarations and its audit are done (N art.16, SX §3);
    ``today`` is the Beijing date the run is asked on (a scheduler passes the day it runs for)."""
    first_day, last_day = month_bounds(period)
    today = today or datetime.now(SHANGHAI).date()
    async with uow:
        found = await existing_or_policy(uow, SETTLEMENT, admdvs, period, last_day, path=None)
        if isinstance(found, Run):
            return await run_view_of(found, uow, calendar)
        policy = found.policy
        rule = policy.settlement
        audit = await uow.intake.month_audit(admdvs, first_day, last_day)
        not_ready = settlement_not_ready(period, today, declaration_deadline(period, rule), audit, rule.open_review)
        if not_ready:
            raise SettlementNotReady(f"{period} cannot be settled in region {admdvs} yet", errors=not_ready)
        due = settlement_due(period, rule, calendar, audit_ended=audit.ended_on)
        run = new_run(SETTLEMENT, admdvs, period, found.version, due.payment_due, "computed", [], [], {}, prepared_by)

        settled = await uow.intake.settle(run.run_id, admdvs, last_day, undeclared=rule.undeclared)
        payable: dict[tuple[str, str], Decimal] = defaultdict(lambda: ZERO)
        records: dict[tuple[str, str], int] = defaultdict(int)
        categories: dict[tuple[str, str], dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
        for record in settled:
            if record.reversed:
                continue  # a cancelled settlement owes nothing (N art.10)
            key = (record.fixmedins_code, record.insutype)
            payable[key] += record.fund_pay_sumamt
            records[key] += 1
            categories[key][category_of(record.med_type)] += record.fund_pay_sumamt
            if policy.personal_account and record.personal_account:
                payable[key] += record.personal_account  # ZJ §2: the employee fund includes the account
                categories[key][PERSONAL_ACCOUNT] += record.personal_account
        daily_paid, taken_in = await uow.lines.close_for_settlement(run.run_id)
        await republish(uow, taken_in)
        prepaid = await _prepaid(uow, admdvs, period)
        deductions = await uow.deductions.apply(run.run_id, admdvs, period)
        keys = set(payable) | set(daily_paid) | set(prepaid) | set(deductions)
        carried = await carry_in(uow, admdvs, None, settlement=True, today=today)  # every institution: the month is ordinary
        carried_in: dict[tuple[str, str], Decimal] = defaultdict(lambda: ZERO)
        for p in carried.payments:
            carried_in[(p.fixmedins_code, p.insutype)] += carry_value(p.status, p.payment, p.carried_forward)
        keys |= set(carried_in)

        rows = []
        for code, insutype in sorted(keys):
            key = (code, insutype)
            figures = net_settlement(payable=payable[key], deductions=deductions.get(key, ZERO),
                                     already_paid=daily_paid.get(key, ZERO) + prepaid.get(key, ZERO),
                                     carried_in=carried_in[key], deposit_share=policy.quality_deposit_share)
            rows.append({
                "payment_id": payment_id(run.run_id, code, insutype, period), "run_id": run.run_id,
                "run_type": SETTLEMENT, "admdvs": admdvs, "fixmedins_code": code, "insutype": insutype,
                "period": period, "records": records[key], "amount": figures.net - figures.carried_in,
                "carried_in": figures.carried_in, "payment": figures.payment,
                "carried_forward": figures.carried_forward,
                "status": "computed" if figures.payment > 0 else "nothing", "ordered_at": run.computed_at,
                "details": {
                    "payable": money_text(figures.payable), "deductions": money_text(figures.deductions),
                    "deposit_reserved": money_text(figures.deposit_reserved),
                    "already_paid": money_text(figures.already_paid), "net": money_text(figures.net),
                    "by_category": {c: money_text(v) for c, v in sorted(categories[key].items())},
                },
            })
        await uow.payments.add(rows)
        await uow.payments.mark_carried({p.payment_id: payment_id(run.run_id, p.fixmedins_code, p.insutype, period)
                                         for p in carried.payments})
        run.total = sum((r["amount"] + r["carried_in"] for r in rows), ZERO)
        run.payment_total = sum((r["payment"] for r in rows), ZERO)
        declared = await uow.declarations.of_period(admdvs, period)
        run.summary = {"records": sum(records.values()), "declaration_deadline": due.declaration_deadline.isoformat(),
                       "review_due": due.review_due.isoformat(), "institutions": len({c for c, _ in keys}),
                       "audit_ended": audit.ended_on.isoformat() if audit.ended_on else None,
                       "declared": sorted(declared.keys()),
                       "undeclared": sorted({c for c, _ in keys} - set(declared)), "undeclared_rule": rule.undeclared}
        uow.runs.add(run)
        await uow.session.flush()
        view = await run_view_of(run, uow, calendar)
        await uow.commit()
    return view


async def _prepaid(uow: DisbursementUnitOfWork, admdvs: str, period: str) -> dict[tuple[str, str], Decimal]:
    """The month's prepayment (path C), whatever became of it at the bank: failed or held, it is carried and
    still paid once (N art.18)."""
    prepaid: dict[tuple[str, str], Decimal] = defaultdict(lambda: ZERO)
    for run in await uow.runs.of_type("monthly-prepayment", admdvs):
        if run.run_key == period:
            for p in await uow.payments.of_run(run.run_id):
                if p.period == period:
                    prepaid[(p.fixmedins_code, p.insutype)] += p.amount
    return prepaid


def publish_settlement(uow: DisbursementUnitOfWork, run: Run, payments: list[Payment], at: datetime) -> None:
    """Once signed, each line of the settlement is a fact the books and the institution's statement need."""
    for p in payments:
        details = p.details
        uow.outbox.add(topics.MONTHLY_SETTLED, MonthlySettled(
            run_id=run.run_id, admdvs=run.admdvs, fixmedins_code=p.fixmedins_code, insutype=p.insutype,
            period=p.period, payable=Decimal(details["payable"]), deductions=Decimal(details["deductions"]),
            deposit_reserved=Decimal(details["deposit_reserved"]), already_paid=Decimal(details["already_paid"]),
            carried_in=p.carried_in, net=Decimal(details["net"]), payment=p.payment,
            carried_forward=p.carried_forward,
            by_category={c: Decimal(v) for c, v in details["by_category"].items()},
            payment_id=p.payment_id if p.payment > 0 else None, settled_at=at,
        ), key=p.fixmedins_code)

