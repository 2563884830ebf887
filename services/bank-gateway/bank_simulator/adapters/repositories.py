from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from bank_simulator.adapters.tables import BankPayment, FaultSettings, PendingReceipt
from bank_simulator.domain.faults import Faults


class BankPayments:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, voucher_no: str, *, for_update: bool = False) -> BankPayment | None:
        return await self._session.get(BankPayment, voucher_no, with_for_update=for_update)

    async def add_new(self, row: dict[str, Any]) -> BankPayment | None:
        """The payment, if this voucher number was never seen; None if it was (pay at most once)."""
        statement = insert(BankPayment).values(**row).on_conflict_do_nothing().returning(BankPayment.voucher_no)
        if (await self._session.execute(statement)).first() is None:
            return None
        return await self.get(row["voucher_no"])

    async def numbered(self, numbers: list[str]) -> dict[str, BankPayment]:
        if not numbers:
            return {}
        statement = select(BankPayment).where(BankPayment.voucher_no.in_(numbers))  # type: ignore[attr-defined]
        return {p.voucher_no: p for p in (await self._session.execute(statement)).scalars()}

    async def add_new_many(self, rows: list[dict[str, Any]]) -> list[BankPayment]:
        """The payments booked, in one statement; a number already booked is left as it is (pay at most once)."""
        if not rows:
            return []
        statement = insert(BankPayment).values(rows).on_conflict_do_nothing().returning(BankPayment.voucher_no)
        booked = set((await self._session.execute(statement)).scalars())
        if not booked:
            return []
        found = await self.numbered(sorted(booked))
        return [found[row["voucher_no"]] for row in rows if row["voucher_no"] in booked]

    async def paid_on(self, value_date: date, payee_acct: str | None = None) -> list[BankPayment]:
        statement = select(BankPayment).where(BankPayment.value_date == value_date, BankPayment.status == "paid")
        if payee_acct is not None:
            statement = statement.where(BankPayment.payee_acct == payee_acct)
        return list((await self._session.execute(statement.order_by(BankPayment.seq))).scalars())


class Receipts:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    def hold(self, voucher_no: str, due_at: datetime, payload: dict[str, Any]) -> None:
        self._session.add(PendingReceipt(voucher_no=voucher_no, due_at=due_at, payload=payload))

    async def take_due(self, now: datetime, limit: int = 500) -> list[PendingReceipt]:
        statement = (select(PendingReceipt).where(PendingReceipt.due_at <= now).order_by(PendingReceipt.due_at)
                     .limit(limit).with_for_update(skip_locked=True))
        due = list((await self._session.execute(statement)).scalars())
        if due:
            await self._session.execute(delete(PendingReceipt).where(PendingReceipt.id.in_([r.id for r in due])))  # type: ignore[union-attr]
        return due


class FaultStore:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def current(self) -> Faults:
        row = await self._session.get(FaultSettings, 1)
        return Faults.model_validate(row.faults) if row else Faults()

    async def set(self, faults: Faults) -> None:
        statement = insert(FaultSettings).values(id=1, faults=faults.model_dump())
        statement = statement.on_conflict_do_update(index_elements=["id"], set_={"faults": statement.excluded.faults})
        await self._session.execute(statement)
