from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from bank_gateway.adapters.tables import Receipt, Voucher, VoucherSequence


class Vouchers:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def for_payment(self, payment_id: uuid.UUID) -> Voucher | None:
        statement = select(Voucher).where(Voucher.payment_id == payment_id)
        return (await self._session.execute(statement)).scalar_one_or_none()

    async def get(self, voucher_no: str, *, for_update: bool = False) -> Voucher | None:
        return await self._session.get(Voucher, voucher_no, with_for_update=for_update)

    async def next_sequence(self, admdvs: str, issue_date: date) -> int:
        statement = insert(VoucherSequence).values(admdvs=admdvs, issue_date=issue_date, last_seq=1)
        statement = statement.on_conflict_do_update(
            index_elements=["admdvs", "issue_date"], set_={"last_seq": VoucherSequence.last_seq + 1}
        ).returning(VoucherSequence.last_seq)
        return int((await self._session.execute(statement)).scalar_one())

    def add(self, voucher: Voucher) -> None:
        self._session.add(voucher)


class Receipts:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    def log(self, voucher_no: str, status: str, outcome: str, body: dict[str, Any], at: Any) -> None:
        self._session.add(Receipt(voucher_no=voucher_no, status=status, outcome=outcome, body=body, received_at=at))
