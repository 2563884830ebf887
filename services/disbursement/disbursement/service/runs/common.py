"""What every run does the same way: find the run already made, the policy in force, carry in what earlier
payments still owe (累计顺延, N art.18), write payments, and on signature order them from the bank."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from disbursement.adapters.repositories import ClaimedGroup
from disbursement.adapters.tables import Payment, Run
from disbursement.domain.daily import SummaryLine, batch_summary, carry_value, daily_summary
from disbursement.domain.errors import NoPolicy, PathNotEnabled
from disbursement.domain.ids import payment_id
from disbursement.domain.policy import VersionedPolicy
from disbursement.domain.versions import policy_in_force
from disbursement.service.uow import DisbursementUnitOfWork
from shared.contracts import topics
from shared.contracts.codes import INSUTYPES, SHANGHAI
from shared.contracts.events import AnnualClearing, LinesOrdered, PaymentOrdered
from shared.money import total


async def existing_or_policy(uow: DisbursementUnitOfWork, run_type: str, admdvs: str, key: str, day: date,
                             path: str | None) -> Run | VersionedPolicy:
    """The run already made for this key, or the policy it will be made under (one run per region at a time)."""
    await uow.runs.lock_region(admdvs)
    existing = await uow.runs.find(run_type, admdvs, key)
    if existing is not None:
        return existing
    in_force = policy_in_force((await uow.policies.versions([admdvs])).get(admdvs, []), day)
    if in_force is None:
        raise NoPolicy(f"region {admdvs} has no policy in force on {day}; PUT /v1/regions/{admdvs}/policy")
    if path is not None and path not in in_force.policy.paths:
        raise PathNotEnabled(f"region {admdvs} does not run path {path} on {day}: its paths are "
                             f"{', '.join(in_force.policy.paths)}")
    return in_force


async def enrolled_for(uow: DisbursementUnitOfWork, admdvs: str, path: str) -> set[str]:
    """The institutions paid by this path now (N art.4): enrolled, and not suspended or terminated (N art.21)."""
    return {code for code, state in (await uow.enrollments.of_region(admdvs)).items() if state.pays_by(path)}


async def suspended(uow: DisbursementUnitOfWork, admdvs: str) -> set[str]:
    return {code for code, state in (await uow.enrollments.of_region(admdvs)).items() if state.state == "suspended"}


@dataclass(frozen=True)
class Carried:
    payments: list[Payment]

    def items(self) -> list[tuple[tuple[str, str, str], Decimal]]:
        return [((p.fixmedins_code, p.insutype, p.period), carry_value(p.status, p.payment, p.carried_forward))
                for p in self.payments]


async def carry_in(uow: DisbursementUnitOfWork, admdvs: str, institutions: Iterable[str] | None, *,
                   settlement: bool = False, daily: bool = False, today: date | None = None) -> Carried:
    """What earlier payments of these institutions (all of the region's when None) still owe, taken over. A run
    other than the daily one leaves a postponed batch that is not yet due to the daily run of its due date
    (N art.18: it goes out on that day, not with whatever run happens to come first)."""
    due_by = None if daily else (today or datetime.now(SHANGHAI).date())
    return Carried(await uow.payments.to_carry(admdvs, institutions, settlement_negatives=settlement,
                                               postponed_due_by=due_by))


def summarize(amounts: Iterable[tuple[tuple[str, str, str], Decimal]], carried: Carried) -> list[SummaryLine]:
    return daily_summary(amounts, carried.items())


def summarize_groups(groups: Iterable[ClaimedGroup], carried: Carried) -> list[SummaryLine]:
    return batch_summary((((g.fixmedins_code, g.insutype, g.period), g.records, g.amount) for g in groups),
                         carried.items())


def payment_rows(run_id: uuid.UUID, run_type: str, admdvs: str, lines: Sequence[SummaryLine], *, status: str,
                 now: datetime, details: dict[tuple[str, str, str], dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    rows = []
    for line in lines:
        key = (line.fixmedins_code, line.insutype, line.period)
        rows.append({
            "payment_id": payment_id(run_id, *key), "run_id": run_id, "run_type": run_type, "admdvs": admdvs,
            "fixmedins_code": line.fixmedins_code, "insutype": line.insutype, "period": line.period,
            "records": line.records, "amount": line.amount, "carried_in": line.carried_in, "payment": line.payment,
            "carried_forward": line.carried_forward, "status": "nothing" if line.payment == 0 else status,
            "ordered_at": now, "details": (details or {}).get(key, {}),
        })
    return rows


async def record_carries(uow: DisbursementUnitOfWork, run_id: uuid.UUID, carried: Carried,
                         into: dict[tuple[str, str, str], uuid.UUID] | None = None) -> None:
    """Each carried payment now belongs to the new payment of its institution, fund and month, once."""
    await uow.payments.mark_carried({
        p.payment_id: (into or {}).get((p.fixmedins_code, p.insutype, p.period))
        or payment_id(run_id, p.fixmedins_code, p.insutype, p.period)
        for p in carried.payments
    })


def new_run(run_type: str, admdvs: str, key: str, policy_version: int, due: date, status: str,
            amounts: Iterable[Decimal], payments: Iterable[Decimal], summary: dict[str, Any],
            prepared_by: str | None = None) -> Run:
    return Run(run_id=uuid.uuid4(), run_type=run_type, admdvs=admdvs, run_key=key, policy_version=policy_version,
               status=status, prepared_by=prepared_by, due_date=due, computed_at=datetime.now(UTC),
               total=total(amounts), payment_total=total(payments), summary=summary)


def books_fields(run: Run, p: Payment) -> dict[str, Any]:
    """What the books need beyond the cash (N art.17, art.19): of a special-cases payment, what decided cases
    cost now; of an annual-clearing payment, what it clears month by month."""
    details = p.details or {}
    if run.run_type == "special-cases":
        return {"special_cases_settled": Decimal(details.get("special_cases_settled", "0.00"))}
    if run.run_type == "annual-clearing" and "deposits_by_month" in details:
        return {"clearing": AnnualClearing(
            year=int(run.run_key), deposits_released=details["deposits_by_month"],
            special_cases_cost=Decimal(details["special_cases_cost"]),
            special_cases_prepaid=details["special_prepaid_by_month"],
            assessment=Decimal(details["assessment"]), carried_from=details["carried_from"])}
    return {}


async def order(uow: DisbursementUnitOfWork, run: Run, payments: list[Payment], *, purpose: str,
                business_date: date | None = None) -> None:
    """Publish each ordered payment for the bank gateway, and which settlements' lines it carries for claims."""
    payees = await uow.institutions.payees(p.fixmedins_code for p in payments)
    visible = [p for p in payments if p.status in ("ordered", "postponed", "held")]
    for p in visible:
        if p.status == "ordered":
            code = p.fixmedins_code
            uow.outbox.add(topics.PAYMENT_ORDERED, PaymentOrdered(
                payment_id=p.payment_id, run_id=run.run_id, run_type=run.run_type, admdvs=run.admdvs,
                fixmedins_code=code, insutype=p.insutype, period=p.period, business_date=business_date,
                amount=p.amount, carried_in=p.carried_in, payment=p.payment, payee=payees[code].bank_acct,
                purpose=f"{purpose} {INSUTYPES[p.insutype]} {p.period}", ordered_at=p.ordered_at,
                **books_fields(run, p)), key=code)
    batches = [date.fromisoformat(d) for d in run.summary.get("batches", [])]
    if not batches:
        return
    carried_from = await uow.payments.carried_into(p.payment_id for p in visible)
    for p in visible:
        uow.outbox.add(topics.LINES_ORDERED, LinesOrdered(
            payment_id=p.payment_id, run_id=run.run_id, fixmedins_code=p.fixmedins_code, insutype=p.insutype,
            period=p.period, batch_dates=batches, ordered_at=p.ordered_at,
            payment_status=p.status,  # type: ignore[arg-type]
            carried_from=carried_from.get(p.payment_id, [])), key=p.fixmedins_code)
