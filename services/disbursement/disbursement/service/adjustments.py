"""What changes a month after the fact: cancelled settlements (结算撤销, N art.10), confirmed audit deductions
(月度抵扣, N art.13) and the institutions' declarations (申报, N art.12)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from disbursement.domain.batches import open_batch
from disbursement.service.funds import fund_folder
from disbursement.service.uow import DisbursementUnitOfWork
from shared.contracts import topics
from shared.contracts.codes import period_of
from shared.contracts.events import (
    ConsistencyChecked,
    DeclarationSubmitted,
    DeductionConfirmed,
    LineComputed,
    SettlementReversed,
)
from shared.messaging.envelope import Event

_REVERSAL = uuid.UUID("6f1c8e33-5b0e-4c6a-9d9e-3a6c1d2b7f10")


async def on_settlements_reversed(events: list[Event[SettlementReversed]], uow: DisbursementUnitOfWork) -> None:
    """A cancelled settlement owes nothing. Before its month is settled, a line already computed for it is
    netted by a negative line in the next run; after, what the settlement paid for it is deducted from the
    next monthly settlement."""
    fund = await fund_folder(uow, {e.payload.admdvs for e in events})
    for event in events:
        p = event.payload
        insutype = fund(p.admdvs, p.business_date, p.insutype)
        intake = await uow.intake.get(p.fixmedins_code, p.setl_id, for_update=True)
        if intake is None or intake.recorded_at is None:
            await uow.intake.merge([{"fixmedins_code": p.fixmedins_code, "setl_id": p.setl_id, "admdvs": p.admdvs,
                                     "insutype": insutype, "med_type": p.med_type,
                                     "business_date": p.business_date, "fund_pay_sumamt": p.fund_pay_sumamt,
                                     "reversed_at": p.reversed_at}])
            continue  # reversed before it was recorded here: it will never get a line nor be payable
        if intake.reversed_at is not None:
            continue
        intake.reversed_at = p.reversed_at
        if intake.settled_run_id is not None:
            # What the settlement paid for it: its fund payment less what audit deductions already took.
            clawback = p.fund_pay_sumamt - await uow.deductions.applied_for(p.fixmedins_code, p.setl_id)
            await uow.deductions.add([{
                "deduction_id": uuid.uuid5(_REVERSAL, f"{p.fixmedins_code}|{p.setl_id}"),
                "fixmedins_code": p.fixmedins_code, "admdvs": p.admdvs, "setl_id": p.setl_id,
                "insutype": insutype, "period": period_of(p.business_date), "amount": clawback,
                "source": "reversal", "confirmed_at": p.reversed_at}])
            continue
        lines = await uow.lines.of_settlement(p.fixmedins_code, p.setl_id)
        owed = sum((line.amount for line in lines), intake.fund_pay_sumamt * 0)
        if lines and owed != 0:
            original = lines[0]
            batch = await _open_batch_for(uow, original.admdvs, original.business_date, original.policy_version)
            negative = LineComputed(
                line_id=uuid.uuid4(), fixmedins_code=p.fixmedins_code, admdvs=original.admdvs, setl_id=p.setl_id,
                insutype=original.insutype, med_type=original.med_type, business_date=original.business_date,
                fund_pay_sumamt=-original.fund_pay_sumamt, base=-original.base, ratio=original.ratio, amount=-owed,
                policy_version=original.policy_version, batch_date=batch, computed_at=datetime.now(UTC))
            await uow.lines.add([{**negative.model_dump(), "period": original.period, "kind": "reversal"}])
            uow.outbox.add(topics.LINE_COMPUTED, negative, key=p.fixmedins_code, correlation_id=event.correlation_id)


async def _open_batch_for(uow: DisbursementUnitOfWork, admdvs: str, business_date: date, version: int) -> date:
    """The batch a negative line joins: the first not yet run from its settlement's date on."""
    await uow.lines.lock_batches([admdvs], exclusive=False)
    versions = {v.version: v.policy for v in (await uow.policies.versions([admdvs])).get(admdvs, [])}
    closed = (await uow.lines.closed_batches([admdvs], business_date)).get(admdvs, set())
    return open_batch(business_date, versions[version].batch, closed)


async def on_deductions_confirmed(events: list[Event[DeductionConfirmed]], uow: DisbursementUnitOfWork) -> None:
    await record_deductions([e.payload for e in events], uow)


async def record_deductions(deductions: list[DeductionConfirmed], uow: DisbursementUnitOfWork) -> None:
    """Each confirmed deduction once, by its id, whether it came on its own topic or with its audit outcome; from
    the fund that settled the record."""
    fund = await fund_folder(uow, {p.admdvs for p in deductions})
    await uow.deductions.add([
        {"deduction_id": p.deduction_id, "fixmedins_code": p.fixmedins_code, "admdvs": p.admdvs, "setl_id": p.setl_id,
         "insutype": fund(p.admdvs, date.fromisoformat(f"{p.period}-01"), p.insutype), "period": p.period,
         "amount": p.amount, "source": p.source,
         "confirmed_at": p.confirmed_at}
        for p in deductions
    ])


async def on_declarations_submitted(events: list[Event[DeclarationSubmitted]], uow: DisbursementUnitOfWork) -> None:
    await uow.declarations.add([
        {"declaration_id": p.declaration_id, "fixmedins_code": p.fixmedins_code, "admdvs": p.admdvs,
         "period": p.period, "totals": {fund: t.model_dump(mode="json") for fund, t in p.totals.items()}, "declared_at": p.declared_at, "late": p.late}
        for p in (e.payload for e in events)
    ])


async def on_consistency_checked(events: list[Event[ConsistencyChecked]], uow: DisbursementUnitOfWork) -> None:
    """Accounting's check of a month (业财一致性, N art.22): the settlement run shows it, and its signature
    waits while a difference stands unexplained."""
    await uow.consistency.record([
        {"admdvs": p.admdvs, "period": p.period, "agreed": p.agreed,
         "differences": [d.model_dump(mode="json") for d in p.differences], "checked_at": p.checked_at}
        for p in (e.payload for e in events)
    ])
