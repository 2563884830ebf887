from __future__ import annotations

from disbursement.service.uow import DisbursementUnitOfWork
from shared.contracts.events import InstitutionRegistered
from shared.messaging.envelope import Event


async def on_institutions_registered(events: list[Event[InstitutionRegistered]], uow: DisbursementUnitOfWork) -> None:
    latest: dict[str, InstitutionRegistered] = {}
    for p in (e.payload for e in events):
        if p.fixmedins_code not in latest or latest[p.fixmedins_code].version < p.version:
            latest[p.fixmedins_code] = p
    await uow.institutions.upsert_latest([
        {"fixmedins_code": p.fixmedins_code, "fixmedins_name": p.fixmedins_name, "admdvs": p.admdvs,
         "fixmedins_type": p.fixmedins_type, "bank_acct": p.bank_acct.model_dump(mode="json"), "token_hash": p.token_hash, "hosp_lv": p.hosp_lv,
         "version": p.version}
        for p in latest.values()
    ])
