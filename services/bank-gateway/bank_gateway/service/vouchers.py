"""From payment order to voucher (拨付凭证, N art.14-15): one voucher per order, numbered, sent to the bank."""

from __future__ import annotations

from datetime import UTC, datetime

from bank_gateway.adapters.tables import Voucher
from bank_gateway.domain.accounts import PayerAccounts
from bank_gateway.domain.vouchers import voucher_document, voucher_number, voucher_purpose
from bank_gateway.service.uow import BankGatewayUnitOfWork
from shared.contracts import topics
from shared.contracts.codes import SHANGHAI
from shared.contracts.events import PaymentOrdered, VoucherIssued
from shared.messaging.consumer import PoisonEvent
from shared.messaging.envelope import Event


async def issue_vouchers(events: list[Event[PaymentOrdered]], uow: BankGatewayUnitOfWork, *,
                         accounts: PayerAccounts) -> None:
    for event in events:
        order = event.payload
        if await uow.vouchers.for_payment(order.payment_id) is not None:
            continue  # this order has its voucher; a voucher is never issued twice
        payer = accounts.payer(order.admdvs, order.insutype)
        if payer is None:
            raise PoisonEvent(f"no expenditure account for region {order.admdvs}, fund {order.insutype}")
        now = datetime.now(UTC)
        today = now.astimezone(SHANGHAI).date()
        voucher_no = voucher_number(order.admdvs, today, await uow.vouchers.next_sequence(order.admdvs, today))
        purpose = voucher_purpose(order.purpose, run_id=order.run_id, period=order.period, insutype=order.insutype)
        try:
            document = voucher_document(voucher_no, created_at=now, amount=order.payment, payer=payer,
                                        payee=order.payee, requested=today, purpose=purpose)
        except ValueError as exc:  # an account ISO 20022 cannot carry: no bank would take it
            raise PoisonEvent(f"payment {order.payment_id}: {exc}") from exc
        uow.vouchers.add(Voucher(
            voucher_no=voucher_no, payment_id=order.payment_id, run_id=order.run_id, run_type=order.run_type,
            business_date=order.business_date, admdvs=order.admdvs, fixmedins_code=order.fixmedins_code,
            insutype=order.insutype, period=order.period, payer=payer.model_dump(mode="json"),
            payee=order.payee.model_dump(mode="json"), amount=order.payment, purpose=purpose, status="issued",
            issued_at=now, pain001=document,
        ))
        uow.outbox.add(topics.VOUCHER_ISSUED, VoucherIssued(
            voucher_no=voucher_no, payment_id=order.payment_id, admdvs=order.admdvs,
            fixmedins_code=order.fixmedins_code, insutype=order.insutype, period=order.period, payer=payer,
            payee=order.payee, amount=order.payment, purpose=purpose, issued_at=now, pain001=document,
        ), key=order.fixmedins_code, correlation_id=event.correlation_id)
