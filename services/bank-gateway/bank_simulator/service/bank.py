"""What the bank does with a voucher: read its pain.001, pay or reject it once, and answer with a receipt
(pain.002, and a camt.054 when paid) — immediately, late, twice, or only when asked, as the faults say."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from bank_simulator.adapters.tables import BankPayment, PendingReceipt
from bank_simulator.domain.faults import CANCELLED, INVALID_FILE, Faults, fate, receipt_copies, receipt_delay_ms
from bank_simulator.service.uow import BankUnitOfWork
from shared.contracts import topics
from shared.contracts.codes import SHANGHAI
from shared.contracts.events import ReceiptReturned, VoucherIssued
from shared.iso20022 import (
    CreditNotification,
    StatusReport,
    credit_notification,
    payment_status_report,
    read_credit_transfer,
    schema_errors,
)
from shared.messaging.envelope import Event

log = logging.getLogger(__name__)


async def receive_vouchers(events: list[Event[VoucherIssued]], uow: BankUnitOfWork) -> None:
    """A batch of orders: the numbers already seen get their first outcome again (never a second payment);
    the new ones are judged, booked together, and answered."""
    faults = await uow.faults.current()
    orders: dict[str, VoucherIssued] = {}
    repeats: Counter[str] = Counter()
    for event in events:
        repeats[event.payload.voucher_no] += event.payload.voucher_no in orders
        orders.setdefault(event.payload.voucher_no, event.payload)
    for existing in (await uow.payments.numbered(list(orders))).values():
        del orders[existing.voucher_no]
        repeats[existing.voucher_no] += 1
    now = datetime.now(UTC)
    rows = []
    for voucher in orders.values():
        outcome, code, reason = _judge(voucher, faults)
        rows.append({
            "voucher_no": voucher.voucher_no, "msg_id": voucher.voucher_no, "payer_acct": voucher.payer.acct_no,
            "payee_acct": voucher.payee.acct_no, "payee_name": voucher.payee.acct_name,
            "payee_bank": voucher.payee.bank_code, "amount": voucher.amount,
            "status": {"timeout": "accepted"}.get(outcome, outcome), "reason_code": code, "reason": reason,
            "bank_ref": "", "received_at": now,
            "value_date": now.astimezone(SHANGHAI).date() if outcome == "paid" else None,
            "settled_at": now if outcome != "timeout" else None,
        })
    for payment in await uow.payments.add_new_many(rows):  # a number taken meanwhile is not booked twice
        payment.bank_ref = _bank_ref(payment, now)
        if payment.status != "accepted":
            send_receipt(uow, payment, faults)
    for payment in (await uow.payments.numbered([no for no, n in repeats.items() if n])).values():
        for _ in range(repeats[payment.voucher_no]):
            if payment.status != "accepted":  # a duplicate order gets the first outcome again
                send_receipt(uow, payment, faults)


def _bank_ref(payment: BankPayment, now: datetime) -> str:
    return f"CB{now.astimezone(SHANGHAI):%Y%m%d}{payment.seq:010d}"


def _judge(voucher: VoucherIssued, faults: Faults) -> tuple[str, str | None, str | None]:
    """A bank first checks the file against its schema (FF01), then that it says what the order says."""
    errors = schema_errors(voucher.pain001)
    if errors:
        code, reason = INVALID_FILE
        return "rejected", code, f"{reason}: {errors[0]}"
    try:
        transfer = read_credit_transfer(voucher.pain001)
    except ValueError as exc:
        return "rejected", "NARR", f"pain.001 unreadable: {exc}"
    if transfer.voucher_no != voucher.voucher_no or transfer.amount != voucher.amount:
        return "rejected", "NARR", "pain.001 does not match the voucher"
    if transfer.creditor.acct_no != voucher.payee.acct_no or transfer.debtor.acct_no != voucher.payer.acct_no:
        return "rejected", "NARR", "pain.001 names other accounts than the voucher"
    return fate(faults, voucher.voucher_no, voucher.payee.acct_no)


def send_receipt(uow: BankUnitOfWork, payment: BankPayment, faults: Faults) -> None:
    receipt = receipt_of(payment)
    for copy in range(receipt_copies(faults, payment.voucher_no)):
        delay = receipt_delay_ms(faults, payment.voucher_no, copy)
        if delay:
            uow.receipts.hold(payment.voucher_no, datetime.now(UTC) + timedelta(milliseconds=delay),
                              receipt.model_dump(mode="json"))
        else:
            uow.outbox.add(topics.RECEIPT_RETURNED, receipt, key=payment.voucher_no)


def receipt_of(payment: BankPayment) -> ReceiptReturned:
    """The receipt (回单) of a payment the bank has finished with: paid, rejected or cancelled."""
    now = datetime.now(UTC).replace(microsecond=0)
    status = "paid" if payment.status == "paid" else "rejected"
    pain002 = payment_status_report(StatusReport(
        msg_id=f"{payment.bank_ref}-S", original_msg_id=payment.msg_id, voucher_no=payment.voucher_no,
        status="ACSC" if status == "paid" else "RJCT", reason_code=payment.reason_code, reason=payment.reason,
        created_at=now,
    ))
    camt054 = None
    if status == "paid":
        assert payment.value_date is not None
        camt054 = credit_notification(CreditNotification(
            msg_id=f"{payment.bank_ref}-N", created_at=now, voucher_no=payment.voucher_no,
            bank_ref=payment.bank_ref, amount=payment.amount, value_date=payment.value_date,
            creditor_acct=payment.payee_acct or "",
        ))
    return ReceiptReturned(voucher_no=payment.voucher_no, status=status, amount=payment.amount,
                           reason_code=payment.reason_code, reason=payment.reason, bank_ref=payment.bank_ref,
                           value_date=payment.value_date, returned_at=now, pain002=pain002, camt054=camt054)


async def answer_status_query(voucher_no: str, uow: BankUnitOfWork) -> BankPayment | None:
    """A status query (银企直联): a payment accepted without a receipt (the timeout drill) is settled now, and
    its receipt sent; anything else is answered as it stands."""
    async with uow:
        payment = await uow.payments.get(voucher_no, for_update=True)
        if payment is None:
            return None
        if payment.status == "accepted":
            now = datetime.now(UTC)
            payment.status, payment.settled_at = "paid", now
            payment.value_date = now.astimezone(SHANGHAI).date()
            uow.outbox.add(topics.RECEIPT_RETURNED, receipt_of(payment), key=payment.voucher_no)
        await uow.commit()
        return payment


async def cancel_order(voucher_no: str, amount: Decimal, uow: BankUnitOfWork) -> BankPayment:
    """撤销 over the bank-enterprise link: an order the bank has not accepted is stopped — if it arrives later
    it is refused with the first outcome (CANC) — and one it has accepted stays as it is. The voucher number
    is the key either way, so an order is cancelled or paid, never both."""
    async with uow:
        now = datetime.now(UTC)
        code, reason = CANCELLED
        stopped = await uow.payments.add_new({
            "voucher_no": voucher_no, "msg_id": voucher_no, "amount": amount, "status": "cancelled",
            "reason_code": code, "reason": reason, "bank_ref": "", "received_at": now, "settled_at": now,
        })
        if stopped is not None:
            stopped.bank_ref = _bank_ref(stopped, now)
        payment = stopped or await uow.payments.get(voucher_no)
        assert payment is not None
        await uow.commit()
        return payment


async def deliver_late_receipts(uow_factory: Callable[[], BankUnitOfWork], stopping: asyncio.Event) -> None:
    """The simulator's clock: receipts held back by the late-receipt drill go out when due."""
    while not stopping.is_set():
        due: list[PendingReceipt] = []
        try:
            async with uow_factory() as uow:
                due = await uow.receipts.take_due(datetime.now(UTC))
                for held in due:
                    uow.outbox.add(topics.RECEIPT_RETURNED, ReceiptReturned.model_validate(held.payload),
                                   key=held.voucher_no)
                await uow.commit()
        except Exception as exc:  # the clock keeps ticking through an outage
            log.warning("late receipts: %s: %s", type(exc).__name__, exc)
        try:
            await asyncio.wait_for(stopping.wait(), timeout=0.25 if not due else 0)
        except TimeoutError:
            pass
