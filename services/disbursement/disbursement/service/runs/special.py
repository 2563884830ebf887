"""Special cases (特例单议) and the annual clearing (年度清算)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from disbursement.adapters.tables import Run, SpecialCase
from disbursement.domain.daily import carry_value
from disbursement.domain.errors import RunNotReady
from disbursement.domain.ids import payment_id
from disbursement.domain.special import ClearingFigures, special_case_now
from disbursement.domain.versions import policy_in_force
from disbursement.service.runs.common import (
    carry_in,
    existing_or_policy,
    new_run,
    payment_rows,
    record_carries,
    summarize,
)
from disbursement.service.runs.view import run_view_of
from disbursement.service.uow import DisbursementUnitOfWork
from shared.calendar import WorkingDayCalendar
from shared.money import ZERO, money_text

SPECIAL = "special-cases"
CLEARING = "annual-clearing"


def review_period_end(review_period: str) -> date:
    """The last day of a review period: "2025-09" or "2025-Q3"."""
    year = int(review_period[:4])
    if "Q" in review_period:
        month = int(review_period[-1]) * 3
    else:
        month = int(review_period[5:])
    following = date(year + (month == 12), month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


async def approve_special_case(uow: DisbursementUnitOfWork, *, admdvs: str, fixmedins_code: str, insutype: str,
                               review_period: str, approved: Decimal, description: str) -> SpecialCase:
    """An expert panel's decision, with the region's clearing rule of the day (N art.16, JL art.16)."""
    async with uow:
        day = review_period_end(review_period)
        in_force = policy_in_force((await uow.policies.versions([admdvs])).get(admdvs, []), day)
        if in_force is None:
            raise RunNotReady(f"region {admdvs} has no policy in force on {day}")
        rule = in_force.policy.special_cases
        expected = "Q" if rule.review == "quarterly" else "-"
        if (expected == "Q") != ("Q" in review_period):
            raise RunNotReady(f"region {admdvs} reviews special cases {rule.review}; {review_period} is not such a period")
        case = SpecialCase(case_id=uuid.uuid4(), admdvs=admdvs, fixmedins_code=fixmedins_code, insutype=insutype,
                           review_period=review_period, approved=approved, description=description,
                           clearing=rule.clearing, prepay_share=rule.prepay_share, created_at=datetime.now(UTC))
        uow.special_cases.add(case)
        await uow.commit()
    return case


async def special_cases_run(admdvs: str, review_period: str, uow: DisbursementUnitOfWork,
                            calendar: WorkingDayCalendar) -> dict[str, Any]:
    """The supplement for a review period's approved cases: in full where they settle on approval, the prepaid
    share where they clear at year end (N art.16)."""
    day = review_period_end(review_period)
    async with uow:
        found = await existing_or_policy(uow, SPECIAL, admdvs, review_period, day, path=None)
        if isinstance(found, Run):
            return await run_view_of(found, uow, calendar)
        cases = await uow.special_cases.unpaid(admdvs, review_period)
        run = new_run(SPECIAL, admdvs, review_period, found.version,
                      calendar.add_working_days(day, found.policy.settlement.total_working_days), "computed", [], [], {})
        period = f"{day:%Y-%m}"
        amounts = []
        for case in cases:
            case.paid_now = special_case_now(case.approved, case.clearing, case.prepay_share)
            case.run_id = run.run_id
            amounts.append(((case.fixmedins_code, case.insutype, period), case.paid_now))
        carried = await carry_in(uow, admdvs, {c.fixmedins_code for c in cases})
        summary = summarize(amounts, carried)
        await uow.payments.add(payment_rows(run.run_id, SPECIAL, admdvs, summary, status="computed", now=run.computed_at))
        await record_carries(uow, run.run_id, carried)
        run.total = sum((s.amount for s in summary), ZERO)
        run.payment_total = sum((s.payment for s in summary), ZERO)
        run.summary = {"cases": len(cases), "approved": money_text(sum((c.approved for c in cases), ZERO))}
        uow.runs.add(run)
        await uow.session.flush()
        view = await run_view_of(run, uow, calendar)
        await uow.commit()
    return view


async def annual_clearing_run(admdvs: str, year: int, uow: DisbursementUnitOfWork,
                              calendar: WorkingDayCalendar) -> dict[str, Any]:
    """年度清算 (N art.17, SX §3): the year's months are netted already; what is cleared now is what was held
    back — the quality deposits reserved — the special cases left to year end, the annual assessment's
    adjustment, and any negative net still carried."""
    december = f"{year}-12"
    async with uow:
        found = await existing_or_policy(uow, CLEARING, admdvs, str(year), date(year, 12, 31), path=None)
        if isinstance(found, Run):
            return await run_view_of(found, uow, calendar)
        if await uow.runs.find("monthly-settlement", admdvs, december) is None:
            raise RunNotReady(f"{december} is not settled in region {admdvs}; the year clears after its last month")
        run = new_run(CLEARING, admdvs, str(year), found.version,
                      calendar.add_working_days(date(year + 1, 1, 1), found.policy.settlement.total_working_days),
                      "computed", [], [], {})
        deposits: dict[tuple[str, str], Decimal] = defaultdict(lambda: ZERO)
        for p in await uow.payments.of_year(admdvs, "monthly-settlement", year):
            deposits[(p.fixmedins_code, p.insutype)] += Decimal(p.details.get("deposit_reserved", "0"))
        remainders: dict[tuple[str, str], Decimal] = defaultdict(lambda: ZERO)
        for case in await uow.special_cases.to_clear(admdvs, year):
            remainders[(case.fixmedins_code, case.insutype)] += case.approved - (case.paid_now or ZERO)
            case.cleared_run_id = run.run_id
        assessments = await uow.assessments.of_year(admdvs, year)
        carried = await carry_in(uow, admdvs, None, settlement=True)
        carried_in: dict[tuple[str, str], Decimal] = defaultdict(lambda: ZERO)
        for p in carried.payments:
            carried_in[(p.fixmedins_code, p.insutype)] += carry_value(p.status, p.payment, p.carried_forward)
        rows = []
        for key in sorted(set(deposits) | set(remainders) | set(assessments) | set(carried_in)):
            assessment = assessments[key].adjustment if key in assessments else ZERO
            figures = ClearingFigures(deposits[key], remainders[key], assessment, carried_in[key])
            rows.append({
                "payment_id": payment_id(run.run_id, key[0], key[1], december), "run_id": run.run_id,
                "run_type": CLEARING, "admdvs": admdvs, "fixmedins_code": key[0], "insutype": key[1],
                "period": december, "records": 0, "amount": figures.net - figures.carried_in,
                "carried_in": figures.carried_in, "payment": figures.payment, "carried_forward": figures.carried_forward,
                "status": "computed" if figures.payment > 0 else "nothing", "ordered_at": run.computed_at,
                "details": {"deposits_released": money_text(figures.deposits_released),
                            "special_remainders": money_text(figures.special_remainders),
                            "assessment": money_text(figures.assessment)},
            })
        await uow.payments.add(rows)
        await uow.payments.mark_carried({p.payment_id: payment_id(run.run_id, p.fixmedins_code, p.insutype, december)
                                         for p in carried.payments})
        run.total = sum((r["amount"] for r in rows), ZERO)
        run.payment_total = sum((r["payment"] for r in rows), ZERO)
        run.summary = {"year": year, "institutions": len({r["fixmedins_code"] for r in rows})}
        uow.runs.add(run)
        await uow.session.flush()
        view = await run_view_of(run, uow, calendar)
        await uow.commit()
    return view
