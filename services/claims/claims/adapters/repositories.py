"""Claims' repositories: one method per question a handler asks, domain values out."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select, text, tuple_
from sqlalchemy.dialects.postgresql import array, insert
from sqlalchemy.ext.asyncio import AsyncSession

from claims.adapters.tables import Institution as InstitutionRow
from claims.adapters.tables import Settlement, ViewAudit, ViewLine, ViewPayment
from claims.domain.institution import Institution
from shared.bulk import upsert_rows
from shared.contracts.codes import business_date
from shared.contracts.events import BankAccount
from shared.contracts.settlement import SettlementRecord


def _institution(row: InstitutionRow) -> Institution:
    return Institution(
        fixmedins_code=row.fixmedins_code,
        fixmedins_name=row.fixmedins_name,
        admdvs=row.admdvs,
        fixmedins_type=row.fixmedins_type,
        hosp_lv=row.hosp_lv,
        bank_acct=BankAccount.model_validate(row.bank_acct),
        version=row.version,
    )


class Institutions:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, fixmedins_code: str, *, for_update: bool = False) -> Institution | None:
        statement = select(InstitutionRow).where(InstitutionRow.fixmedins_code == fixmedins_code)
        if for_update:
            statement = statement.with_for_update()
        row = (await self._session.execute(statement)).scalar_one_or_none()
        return _institution(row) if row else None

    async def listing(self, *, admdvs: str | None, limit: int,
                      offset: int) -> tuple[list[tuple[Institution, str | None, datetime | None]], int]:
        """A page of the registry in code order, each with its token's hash and issue time, and how many
        institutions match in all."""
        where = [InstitutionRow.admdvs == admdvs] if admdvs is not None else []
        count = await self._session.scalar(select(func.count()).select_from(InstitutionRow).where(*where))
        statement = (select(InstitutionRow).where(*where).order_by(InstitutionRow.fixmedins_code)
                     .limit(limit).offset(offset))
        rows = (await self._session.execute(statement)).scalars()
        return [(_institution(r), r.token_hash, r.token_issued_at) for r in rows], int(count or 0)

    async def by_token_hash(self, token_hash: str) -> Institution | None:
        statement = select(InstitutionRow).where(InstitutionRow.token_hash == token_hash)
        row = (await self._session.execute(statement)).scalar_one_or_none()
        return _institution(row) if row else None

    async def add(self, institution: Institution, *, token_hash: str, at: datetime) -> bool:
        """Insert a new institution; False if the code is taken (a concurrent registration won)."""
        statement = (
            insert(InstitutionRow)
            .values(**_columns(institution), token_hash=token_hash, registered_at=at, updated_at=at)
            .on_conflict_do_nothing(index_elements=["fixmedins_code"])
            .returning(InstitutionRow.fixmedins_code)
        )
        return (await self._session.execute(statement)).scalar_one_or_none() is not None

    async def set_token(self, fixmedins_code: str, token_hash: str | None, *, at: datetime) -> None:
        """A new token (its hash) or, with None, none: the old one stops working at once."""
        row = await self._session.get_one(InstitutionRow, fixmedins_code)
        row.token_hash, row.token_issued_at, row.updated_at = token_hash, at if token_hash else None, at
        row.version += 1

    async def token_state(self, fixmedins_code: str) -> tuple[str | None, datetime | None]:
        row = await self._session.get_one(InstitutionRow, fixmedins_code)
        return row.token_hash, row.token_issued_at

    async def update(self, institution: Institution, *, at: datetime) -> str | None:
        """Apply new details; returns the (unchanged) hash of the institution's token."""
        row = await self._session.get_one(InstitutionRow, institution.fixmedins_code)
        for name, value in _columns(institution).items():
            setattr(row, name, value)
        row.updated_at = at
        return row.token_hash


def _columns(institution: Institution) -> dict[str, Any]:
    return {
        "fixmedins_code": institution.fixmedins_code,
        "fixmedins_name": institution.fixmedins_name,
        "admdvs": institution.admdvs,
        "fixmedins_type": institution.fixmedins_type,
        "hosp_lv": institution.hosp_lv,
        "bank_acct": institution.bank_acct.model_dump(mode="json"),
        "version": institution.version,
    }


class Settlements:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add_new(self, institution: Institution, records: list[SettlementRecord], contents: list[str],
                      fingerprints: list[str], accepted_at: datetime) -> set[str]:
        """Insert the records whose (fixmedins_code, setl_id) is new, in one statement of arrays (a batch of a
        thousand is one round trip); returns the setl_ids inserted."""
        if not records:
            return set()
        result = await self._session.execute(text(_ADD_NEW), {
            "code": institution.fixmedins_code, "admdvs": institution.admdvs, "at": accepted_at,
            "setl_ids": [r.setl_id for r in records], "psn_nos": [r.psn_no for r in records],
            "insutypes": [r.insutype for r in records], "med_types": [r.med_type for r in records],
            "setl_times": [r.setl_time for r in records],
            "days": [business_date(r.setl_time) for r in records],
            "medfees": [r.medfee_sumamt for r in records], "funds": [r.fund_pay_sumamt for r in records],
            "fingerprints": fingerprints, "records": contents,
        })
        return set(result.scalars())

    async def stored(
        self, fixmedins_code: str, setl_ids: Iterable[str]
    ) -> dict[str, tuple[str, dict[str, Any], datetime]]:
        """Fingerprint, content and acceptance time of records already stored, by setl_id."""
        ids = list(setl_ids)
        if not ids:
            return {}
        statement = select(Settlement.setl_id, Settlement.fingerprint, Settlement.record, Settlement.accepted_at).where(
            Settlement.fixmedins_code == fixmedins_code, Settlement.setl_id.in_(ids)  # type: ignore[attr-defined]
        )
        return {r.setl_id: (r.fingerprint, r.record, r.accepted_at) for r in await self._session.execute(statement)}

    async def get(self, fixmedins_code: str, setl_id: str) -> Settlement | None:
        return await self._session.get(Settlement, (fixmedins_code, setl_id))


_ADD_NEW = """
INSERT INTO settlements (fixmedins_code, setl_id, admdvs, psn_no, insutype, med_type, setl_time, business_date,
                         medfee_sumamt, fund_pay_sumamt, fingerprint, record, accepted_at)
SELECT :code, s.setl_id, :admdvs, s.psn_no, s.insutype, s.med_type, s.setl_time, s.day, s.medfee, s.fund,
       s.fingerprint, s.record, :at
FROM unnest(CAST(:setl_ids AS text[]), CAST(:psn_nos AS text[]), CAST(:insutypes AS text[]),
            CAST(:med_types AS text[]), CAST(:setl_times AS timestamptz[]), CAST(:days AS date[]),
            CAST(:medfees AS numeric[]), CAST(:funds AS numeric[]), CAST(:fingerprints AS text[]),
            CAST(:records AS jsonb[]))
     AS s(setl_id, psn_no, insutype, med_type, setl_time, day, medfee, fund, fingerprint, record)
ON CONFLICT (fixmedins_code, setl_id) DO NOTHING
RETURNING setl_id
"""


class Views:
    """Claims' copy of other services' decisions about each settlement."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def audit(self, fixmedins_code: str, setl_id: str) -> ViewAudit | None:
        return await self._session.get(ViewAudit, (fixmedins_code, setl_id))

    async def lines(self, fixmedins_code: str, setl_id: str) -> list[ViewLine]:
        statement = (
            select(ViewLine)
            .where(ViewLine.fixmedins_code == fixmedins_code, ViewLine.setl_id == setl_id)
            .order_by(ViewLine.computed_at)  # type: ignore[arg-type]
        )
        return list((await self._session.execute(statement)).scalars())

    async def payments_of_batches(self, fixmedins_code: str,
                                  batches: set[tuple[str, str, date]]) -> list[ViewPayment]:
        """The daily payments that carry these batches (fund, month, batch date) of an institution."""
        if not batches:
            return []
        statement = select(ViewPayment).where(
            ViewPayment.fixmedins_code == fixmedins_code,
            tuple_(ViewPayment.insutype, ViewPayment.period).in_([(i, p) for i, p, _ in batches]),
        )
        wanted = {(i, p, d.isoformat()) for i, p, d in batches}
        return [payment for payment in (await self._session.execute(statement)).scalars()
                if any((payment.insutype, payment.period, d) in wanted for d in payment.batch_dates)]

    async def payments_carrying(self, payment_ids: list[str]) -> list[ViewPayment]:
        """Later payments that took over any of these (N art.18)."""
        if not payment_ids:
            return []
        statement = select(ViewPayment).where(ViewPayment.carried_from.op("?|")(array(payment_ids)))  # type: ignore[attr-defined]
        return list((await self._session.execute(statement)).scalars())

    async def upsert(self, table: type, rows: list[dict[str, Any]], *, keys: list[str],
                     update: list[str] | None = None, where: str | None = None) -> None:
        """Insert the rows; on a key already present update ``update`` (all non-key columns given when None)
        where ``where`` holds. One statement for the batch."""
        await upsert_rows(self._session, table.__table__, rows, keys=keys, update=update, where=where)  # type: ignore[attr-defined]

