"""Disbursement's repositories: one method per question a handler asks."""

from __future__ import annotations

import uuid
import zlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select, text, tuple_, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from disbursement.adapters.tables import Institution, Intake, Line, Payment, Policy, Run
from disbursement.domain.policy import RegionPolicy, VersionedPolicy
from shared.contracts.events import BankAccount


@dataclass(frozen=True)
class Payee:
    fixmedins_code: str
    admdvs: str
    bank_acct: BankAccount


class Institutions:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def upsert_latest(self, rows: list[dict[str, Any]]) -> None:
        """Keep the highest version of each institution, whatever order the versions arrive in."""
        if not rows:
            return
        statement = insert(Institution)
        statement = statement.on_conflict_do_update(
            index_elements=["fixmedins_code"],
            set_={c: statement.excluded[c] for c in rows[0] if c != "fixmedins_code"},
            where=Institution.version < statement.excluded.version,
        )
        await self._session.execute(statement, rows)

    async def known_token(self, token_hash: str) -> bool:
        statement = select(Institution.fixmedins_code).where(Institution.token_hash == token_hash).limit(1)
        return (await self._session.execute(statement)).first() is not None

    async def payees(self, codes: Iterable[str]) -> dict[str, Payee]:
        wanted = list(set(codes))
        if not wanted:
            return {}
        statement = select(Institution).where(Institution.fixmedins_code.in_(wanted))  # type: ignore[attr-defined]
        return {
            r.fixmedins_code: Payee(r.fixmedins_code, r.admdvs, BankAccount.model_validate(r.bank_acct))
            for r in (await self._session.execute(statement)).scalars()
        }


class Policies:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, admdvs: str, policy: RegionPolicy, overrides: dict[str, Any]) -> int:
        # One writer per region at a time, so versions are consecutive.
        await self._session.execute(text("SELECT pg_advisory_xact_lock(:k)"),
                                    {"k": zlib.crc32(f"policy:{admdvs}".encode())})
        latest = await self._session.scalar(select(func.max(Policy.version)).where(Policy.admdvs == admdvs))
        version = (latest or 0) + 1
        self._session.add(Policy(admdvs=admdvs, version=version, pack=policy.pack,
                                 effective_from=policy.effective_from, body=policy.model_dump(mode="json"),
                                 overrides=overrides, created_at=func.now()))
        await self._session.flush()
        return version

    async def versions(self, regions: Iterable[str]) -> dict[str, list[VersionedPolicy]]:
        wanted = list(set(regions))
        out: dict[str, list[VersionedPolicy]] = defaultdict(list)
        if not wanted:
            return out
        statement = select(Policy).where(Policy.admdvs.in_(wanted)).order_by(Policy.version)  # type: ignore[attr-defined]
        for row in (await self._session.execute(statement)).scalars():
            out[row.admdvs].append(VersionedPolicy(admdvs=row.admdvs, version=row.version,
                                                   policy=RegionPolicy.model_validate(row.body)))
        return out


class IntakeRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def merge(self, rows: list[dict[str, Any]]) -> None:
        """Upsert the columns each row brings, leaving the others as they are."""
        if not rows:
            return
        statement = insert(Intake)
        columns = [c for c in rows[0] if c not in ("fixmedins_code", "setl_id")]
        statement = statement.on_conflict_do_update(
            index_elements=["fixmedins_code", "setl_id"], set_={c: statement.excluded[c] for c in columns}
        )
        await self._session.execute(statement, rows)

    async def waiting(self, keys: Iterable[tuple[str, str]] | None = None, *, admdvs: str | None = None) -> list[Intake]:
        """Recorded settlements that have no line yet (some of them, or all of a region)."""
        statement = select(Intake).where(Intake.line_id.is_(None), Intake.recorded_at.is_not(None))  # type: ignore[union-attr]
        if keys is not None:
            wanted = list(set(keys))
            if not wanted:
                return []
            statement = statement.where(tuple_(Intake.fixmedins_code, Intake.setl_id).in_(wanted))
        if admdvs is not None:
            statement = statement.where(Intake.admdvs == admdvs)
        return list((await self._session.execute(statement.with_for_update())).scalars())


@dataclass(frozen=True)
class ClaimedLine:
    line_id: uuid.UUID
    setl_id: str
    fixmedins_code: str
    insutype: str
    period: str
    amount: Decimal


class Lines:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, rows: list[dict[str, Any]]) -> None:
        if rows:
            await self._session.execute(insert(Line), rows)

    async def claim_for_run(self, run_id: uuid.UUID, admdvs: str, business_date: date) -> list[ClaimedLine]:
        """Take every unordered line of the region up to the business date (late uploads of earlier days
        included) for this run, atomically: a line is claimed by exactly one run."""
        statement = (
            update(Line)
            .where(Line.admdvs == admdvs, Line.run_id.is_(None), Line.business_date <= business_date,  # type: ignore[union-attr]
                   Line.fixmedins_code.in_(select(Institution.fixmedins_code)))  # type: ignore[attr-defined]
            .values(run_id=run_id)
            .returning(Line.line_id, Line.setl_id, Line.fixmedins_code, Line.insutype, Line.period, Line.amount)
        )
        return [ClaimedLine(*row) for row in await self._session.execute(statement)]

    async def assign_payments(self, run_id: uuid.UUID) -> None:
        await self._session.execute(text(
            "UPDATE lines l SET payment_id = p.payment_id FROM payments p "
            "WHERE l.run_id = :run AND p.run_id = :run AND p.fixmedins_code = l.fixmedins_code "
            "AND p.insutype = l.insutype AND p.period = l.period"
        ), {"run": run_id})

    async def of_payments(self, payment_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, list[tuple[str, uuid.UUID, Decimal]]]:
        """(setl_id, line_id, amount) of the lines each payment carries, its own and those carried in."""
        ids = list(payment_ids)
        out: dict[uuid.UUID, list[tuple[str, uuid.UUID, Decimal]]] = defaultdict(list)
        if not ids:
            return out
        rows = await self._session.execute(text(
            "WITH RECURSIVE carriers(payment_id, origin) AS ("
            "  SELECT payment_id, payment_id FROM payments WHERE payment_id = ANY(:ids)"
            "  UNION ALL SELECT c.payment_id, p.payment_id FROM payments p JOIN carriers c ON p.carried_into = c.origin"
            ") SELECT c.payment_id, l.setl_id, l.line_id, l.amount FROM carriers c JOIN lines l ON l.payment_id = c.origin"
        ), {"ids": ids})
        for payment_id, setl_id, line_id, amount in rows:
            out[payment_id].append((setl_id, line_id, amount))
        return out


class Runs:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def lock_region(self, admdvs: str) -> None:
        """One run per region at a time: the second waits, then finds the first's result."""
        await self._session.execute(text("SELECT pg_advisory_xact_lock(:k)"),
                                    {"k": zlib.crc32(f"runs:{admdvs}".encode())})

    async def find(self, run_type: str, admdvs: str, run_key: str) -> Run | None:
        statement = select(Run).where(Run.run_type == run_type, Run.admdvs == admdvs, Run.run_key == run_key)
        return (await self._session.execute(statement)).scalar_one_or_none()

    async def get(self, run_id: uuid.UUID) -> Run | None:
        return await self._session.get(Run, run_id)

    def add(self, run: Run) -> None:
        self._session.add(run)


class Payments:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def to_carry(self, admdvs: str) -> list[Payment]:
        """Earlier payments that still owe something (postponed, failed at the bank, or a negative remainder),
        locked so that exactly one run carries each (N art.18)."""
        statement = (
            select(Payment)
            .where(Payment.admdvs == admdvs, Payment.carried_into.is_(None),  # type: ignore[union-attr]
                   (Payment.status.in_(("postponed", "failed"))) | (Payment.carried_forward != 0))  # type: ignore[attr-defined]
            .with_for_update()
        )
        return list((await self._session.execute(statement)).scalars())

    async def add(self, rows: list[dict[str, Any]]) -> None:
        if rows:
            await self._session.execute(insert(Payment), rows)

    async def mark_carried(self, carried_into: dict[uuid.UUID, uuid.UUID]) -> None:
        for payment_id, into in carried_into.items():
            await self._session.execute(
                update(Payment).where(Payment.payment_id == payment_id, Payment.carried_into.is_(None))  # type: ignore[union-attr]
                .values(carried_into=into)
            )

    async def of_run(self, run_id: uuid.UUID) -> list[Payment]:
        statement = select(Payment).where(Payment.run_id == run_id).order_by(
            Payment.fixmedins_code, Payment.insutype, Payment.period)
        return list((await self._session.execute(statement)).scalars())

    async def settle(self, payment_id: uuid.UUID, *, status: str, voucher_no: str, at: Any,
                     reason: str | None = None) -> bool:
        """ordered → paid | failed, once; a late or duplicate outcome changes nothing."""
        result = await self._session.execute(
            update(Payment).where(Payment.payment_id == payment_id, Payment.status == "ordered")
            .values(status=status, voucher_no=voucher_no, settled_at=at, reason=reason)
            .returning(Payment.payment_id)
        )
        return result.first() is not None


async def intake_counts(session: AsyncSession, admdvs: str, business_date: date | None) -> dict[str, int]:
    """How far disbursement has caught up with a region's settlements (for operators and the demo)."""
    filters = "admdvs = :admdvs" + (" AND business_date = :day" if business_date else "")
    row = (await session.execute(text(
        "SELECT count(*) FILTER (WHERE recorded_at IS NOT NULL) AS recorded,"
        " count(*) FILTER (WHERE audited_at IS NOT NULL) AS audited,"
        " count(*) FILTER (WHERE line_id IS NOT NULL) AS with_line,"
        " count(*) FILTER (WHERE recorded_at IS NOT NULL AND line_id IS NULL) AS waiting"
        f" FROM intake WHERE {filters}"
    ), {"admdvs": admdvs, "day": business_date})).one()
    return dict(row._mapping)
