"""From payment order to voucher (拨付凭证, N art.14-15): one voucher per order, numbered, sent to the bank."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime

from bank_gateway.adapters.tables import Voucher
from bank_gateway.domain.accounts import PayerAccounts
from bank_gateway.domain.vouchers import voucher_document, voucher_number, voucher_purpose
from bank_gateway.service.receipts import publish_not_paid
from bank_gateway.service.uow import BankGatewayUnitOfWork
from shared.contracts import topics
from shared.contracts.codes import SHANGHAI
from shared.contracts.events import BankAccount, PaymentOrdered, VoucherIssued
from shared.messaging.consumer import PoisonEvent
from shared.messaging.envelope import Event


async def issue_vouchers(events: list[Event[PaymentOrdered]], uow: BankGatewayUnitOfWork, *,
                         accounts: PayerAccounts) -> None:
    """A batch of orders in a few statements: which already have a voucher, the day's numbers reserved per
    region at once, and the new vouchers inserted together."""
    done = await uow.vouchers.payments_with_vouchers([e.payload.payment_id for e in events])
    fresh: list[Event[PaymentOrdered]] = []
    for event in events:
        if event.payload.payment_id not in done:  # this order has its voucher; never issued twice
            done.add(event.payload.payment_id)
            fresh.append(event)
    now = datetime.now(UTC)
    today = now.astimezone(SHANGHAI).date()
    by_region: dict[str, list[Event[PaymentOrdered]]] = defaultdict(list)
    for event in fresh:
        by_region[event.payload.admdvs].append(event)
    vouchers: list[Voucher] = []
    for admdvs, orders in sorted(by_region.items()):
        numbers = await uow.vouchers.reserve_sequences(admdvs, today, len(orders))
        for event, sequence in zip(orders, numbers, strict=True):
            voucher = _voucher(event, voucher_number(admdvs, today, sequence), accounts, now)
            vouchers.append(voucher)
            if voucher.status == "rejected":
                publish_not_paid(uow, voucher, bank_ref=NOT_SENT, at=now, correlation_id=event.correlation_id)
                continue
            uow.outbox.add(topics.VOUCHER_ISSUED, VoucherIssued(
                voucher_no=voucher.voucher_no, payment_id=voucher.payment_id, admdvs=voucher.admdvs,
                fixmedins_code=voucher.fixmedins_code, insutype=voucher.insutype, period=voucher.period,
                payer=BankAccount.model_validate(voucher.payer), payee=event.payload.payee, amount=voucher.amount,
                purpose=voucher.purpose, issued_at=now, pain001=voucher.pain001,
            ), key=voucher.fixmedins_code, correlation_id=event.correlation_id)
    uow.vouchers.add_all(vouchers)


def _voucher(event: Event[PaymentOrdered], voucher_no: str, accounts: PayerAccounts, now: datetime) -> Voucher:
    order = event.payload
    payer = accounts.payer(order.admdvs, order.insutype)
    if payer is None:
        return _not_sendable(order, voucher_no, now)
    today = now.astimezone(SHANGHAI).date()
    purpose = voucher_purpose(order.purpose, run_id=order.run_id, period=order.period, insutype=order.insutype)
    try:
        document = voucher_document(voucher_no, created_at=now, amount=order.payment, payer=payer,
                                    payee=order.payee, requested=today, purpose=purpose)
    except ValueError as exc:  # an account ISO 20022 cannot carry: no bank would take it
        raise PoisonEvent(f"payment {order.payment_id}: {exc}") from exc
    return Voucher(
        voucher_no=voucher_no, payment_id=order.payment_id, run_id=order.run_id, run_type=order.run_type,
        business_date=order.business_date, admdvs=order.admdvs, fixmedins_code=order.fixmedins_code,
        insutype=order.insutype, period=order.period, payer=payer.model_dump(mode="json"),
        payee=order.payee.model_dump(mode="json"), amount=order.payment, purpose=purpose, status="issued",
        issued_at=now, pain001=document,
    )


#: ``bank_ref`` of a payment the gateway itself could not send: no bank has seen it.
NOT_SENT = "NOT-SENT"


def _not_sendable(order: PaymentOrdered, voucher_no: str, now: datetime) -> Voucher:
    """A fund with no expenditure account here (a region settling a fund the gateway was not given an account
    for): the voucher is recorded rejected with ISO 20022's AC02 (invalid debtor account) and the payment goes
    back to disbursement as not paid, to be carried once the account exists (N art.18) — never a dead letter
    that leaves the payment ``ordered`` for ever."""
    return Voucher(
        voucher_no=voucher_no, payment_id=order.payment_id, run_id=order.run_id, run_type=order.run_type,
        business_date=order.business_date, admdvs=order.admdvs, fixmedins_code=order.fixmedins_code,
        insutype=order.insutype, period=order.period, payer={}, payee=order.payee.model_dump(mode="json"),
        amount=order.payment, purpose=order.purpose, status="rejected", issued_at=now, pain001="",
        receipt_at=now, reason_code="AC02",
        bank_ref=NOT_SENT,
        reason=f"no expenditure account (支出户) for region {order.admdvs}, fund {order.insutype}: not sent to the bank",
    )
