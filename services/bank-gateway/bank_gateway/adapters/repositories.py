from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from bank_gateway.adapters.tables import Receipt, Voucher, VoucherSequence
from bank_gateway.domain.receipts import EXCEPTIONS


class Vouchers:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def for_payment(self, payment_id: uuid.UUID) -> Voucher | None:
        statement = select(Voucher).where(Voucher.payment_id == payment_id)
        return (await self._session.execute(statement)).scalar_one_or_none()

    async def payments_with_vouchers(self, payment_ids: list[uuid.UUID]) -> set[uuid.UUID]:
        statement = select(Voucher.payment_id).where(Voucher.payment_id.in_(payment_ids))  # type: ignore[attr-defined]
        return set((await self._session.execute(statement)).scalars())

    async def locked(self, numbers: list[str]) -> dict[str, Voucher]:
        """The vouchers with these numbers, locked in number order (so two batches never deadlock) and
        re-read, so a receipt applied meanwhile by another transaction is seen."""
        if not numbers:
            return {}
        statement = (select(Voucher).where(Voucher.voucher_no.in_(sorted(set(numbers))))  # type: ignore[attr-defined]
                     .order_by(Voucher.voucher_no).with_for_update().execution_options(populate_existing=True))
        return {v.voucher_no: v for v in (await self._session.execute(statement)).scalars()}

    async def get(self, voucher_no: str, *, for_update: bool = False) -> Voucher | None:
        # Locking re-reads the row into an object already loaded: a stale status would apply a receipt twice.
        return await self._session.get(Voucher, voucher_no, with_for_update=for_update, populate_existing=for_update)

    async def next_sequence(self, admdvs: str, issue_date: date) -> int:
        return (await self.reserve_sequences(admdvs, issue_date, 1))[0]

    async def reserve_sequences(self, admdvs: str, issue_date: date, count: int) -> list[int]:
        """``count`` numbers of the region's day, in one statement: never given twice, never reused."""
        statement = insert(VoucherSequence).values(admdvs=admdvs, issue_date=issue_date, last_seq=count)
        statement = statement.on_conflict_do_update(
            index_elements=["admdvs", "issue_date"], set_={"last_seq": VoucherSequence.last_seq + count}
        ).returning(VoucherSequence.last_seq)
        last = int((await self._session.execute(statement)).scalar_one())
        return list(range(last - count + 1, last + 1))

    def add(self, voucher: Voucher) -> None:
        self._session.add(voucher)

    def add_all(self, vouchers: list[Voucher]) -> None:
        self._session.add_all(vouchers)

    async def overdue(self, issued_before: datetime, limit: int = 500) -> list[str]:
        """Vouchers still waiting for the bank's receipt that were issued before the cut-off, oldest first."""
        statement = (select(Voucher.voucher_no).where(Voucher.status == "issued", Voucher.issued_at <= issued_before)
                     .order_by(Voucher.issued_at).limit(limit))
        return list((await self._session.execute(statement)).scalars())

    async def note_query(self, voucher_no: str, answer: str, at: datetime) -> None:
        await self._session.execute(
            update(Voucher).where(Voucher.voucher_no == voucher_no)
            .values(queries=Voucher.queries + 1, last_query_at=at, last_query_answer=answer[:40]))

    async def paid_on(self, value_date: date) -> list[Voucher]:
        statement = select(Voucher).where(Voucher.value_date == value_date, Voucher.status == "paid")
        return list((await self._session.execute(statement.order_by(Voucher.voucher_no))).scalars())

    async def numbered(self, numbers: list[str]) -> list[Voucher]:
        if not numbers:
            return []
        statement = select(Voucher).where(Voucher.voucher_no.in_(numbers))  # type: ignore[attr-defined]
        return list((await self._session.execute(statement)).scalars())

    async def listing(self, *, run_id: uuid.UUID | None, status: str | None, value_date: date | None,
                      limit: int) -> list[Voucher]:
        statement = select(Voucher)
        if run_id is not None:
            statement = statement.where(Voucher.run_id == run_id)
        if status is not None:
            statement = statement.where(Voucher.status == status)
        if value_date is not None:
            statement = statement.where(Voucher.value_date == value_date)
        return list((await self._session.execute(statement.order_by(Voucher.voucher_no).limit(limit))).scalars())


class Receipts:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    def log(self, voucher_no: str, status: str, outcome: str, body: dict[str, Any], at: Any, *,
            source: str = "push", detail: str | None = None) -> None:
        self._session.add(Receipt(voucher_no=voucher_no, status=status, outcome=outcome, body=body, received_at=at,
                                  source=source, detail=detail))

    async def of_voucher(self, voucher_no: str) -> list[Receipt]:
        statement = select(Receipt).where(Receipt.voucher_no == voucher_no).order_by(Receipt.id)  # type: ignore[arg-type]
        return list((await self._session.execute(statement)).scalars())

    async def exceptions(self, *, limit: int, before_id: int | None = None) -> list[Receipt]:
        """Receipts that changed nothing because something is wrong, newest first; never dropped."""
        statement = select(Receipt).where(Receipt.outcome.in_(EXCEPTIONS))  # type: ignore[attr-defined]
        if before_id is not None:
            statement = statement.where(Receipt.id < before_id)  # type: ignore[operator]
        return list((await self._session.execute(statement.order_by(Receipt.id.desc()).limit(limit))).scalars())  # type: ignore[union-attr]
