"""Cancelling a voucher (作废, N art.14-15): only while the bank has not accepted it, and only after asking the
bank to stop it — the bank's word decides, so a voucher is cancelled or paid, never both. A cancelled
voucher's payment was not made: disbursement hears it as rejected (reason CANC) and carries it into the
next payment to the institution (累计顺延, N art.18)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from bank_gateway.adapters.bank_link import BankLink
from bank_gateway.service.receipts import publish_not_paid
from bank_gateway.service.uow import BankGatewayUnitOfWork

CANCELLED_CODE = "CANC"


class VoucherUnknown(Exception):
    pass


class NotCancellable(Exception):
    def __init__(self, voucher_no: str, status: str, why: str) -> None:
        super().__init__(why)
        self.voucher_no, self.status = voucher_no, status


async def cancel_voucher(voucher_no: str, reason: str, uow_factory: Callable[[], BankGatewayUnitOfWork],
                         link: BankLink) -> None:
    """Raises VoucherUnknown, NotCancellable, or BankUnavailable (nothing changed: try again)."""
    async with uow_factory() as uow:
        voucher = await uow.vouchers.get(voucher_no)
        if voucher is None:
            raise VoucherUnknown(voucher_no)
        if voucher.status == "cancelled":
            return  # cancelling twice is one cancellation
        if voucher.status != "issued":
            raise NotCancellable(voucher_no, voucher.status, f"the bank's receipt says {voucher.status}")
        amount = voucher.amount
    answer = await link.cancel(voucher_no, amount)  # ask first: only the bank knows whether it accepted it
    if not answer.cancelled:
        raise NotCancellable(voucher_no, answer.bank_status, f"the bank has already taken it ({answer.bank_status})")
    async with uow_factory() as uow:
        voucher = await uow.vouchers.get(voucher_no, for_update=True)
        assert voucher is not None
        if voucher.status == "issued":
            now = datetime.now(UTC)
            voucher.status, voucher.cancelled_at, voucher.receipt_at = "cancelled", now, now
            voucher.bank_ref, voucher.reason_code, voucher.reason = answer.bank_ref, CANCELLED_CODE, reason
            publish_not_paid(uow, voucher, bank_ref=answer.bank_ref, at=now)
        elif voucher.status == "rejected" and voucher.reason_code == CANCELLED_CODE and voucher.cancelled_at is None:
            # A status query heard the bank's refusal of the order we just stopped (CANC) first and already told
            # disbursement; the voucher is still the one this operator cancelled, and says so.
            voucher.status, voucher.cancelled_at, voucher.reason = "cancelled", datetime.now(UTC), reason
        await uow.commit()
