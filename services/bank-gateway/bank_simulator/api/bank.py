"""The bank's side of the link: status queries (银企直联), the list of what it paid, and the fault drills."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict

from bank_simulator.adapters.tables import BankPayment
from bank_simulator.domain.faults import Faults
from bank_simulator.service.bank import answer_status_query, cancel_order, receipt_of
from bank_simulator.service.uow import BankUnitOfWork
from shared.auth import require_operator
from shared.contracts.codes import Text, VoucherNo
from shared.money import Amount, money_text, total
from shared.problems import Problem, not_found
from shared.service import runtime_of


async def _operator(request: Request) -> None:
    require_operator(request, runtime_of(request).settings.operator_token.get_secret_value())


async def _uow(request: Request) -> BankUnitOfWork:
    return runtime_of(request).uow()


UowDep = Annotated[BankUnitOfWork, Depends(_uow)]
payments = APIRouter(prefix="/v1/payments", tags=["payments"], dependencies=[Depends(_operator)])
faults = APIRouter(prefix="/v1/faults", tags=["faults"], dependencies=[Depends(_operator)])


class Cancellation(BaseModel):
    """A request to stop an order, naming its amount as the original instruction does."""

    model_config = ConfigDict(extra="forbid")
    amount: Amount


@payments.get("/{voucher_no}")
async def status_query(voucher_no: VoucherNo, uow: UowDep) -> dict[str, Any]:
    """The payment as the bank knows it, with its receipt (pain.002, camt.054) once the bank has finished
    with it. Asking completes a payment the bank accepted without a receipt."""
    payment = await answer_status_query(voucher_no, uow)
    if payment is None:
        raise not_found(f"voucher {voucher_no} at the bank")
    finished = payment.status in ("paid", "rejected", "cancelled")
    return {**_out(payment), "receipt": receipt_of(payment).model_dump(mode="json") if finished else None}


@payments.post("/{voucher_no}/cancellation")
async def cancel(voucher_no: VoucherNo, body: Cancellation, uow: UowDep) -> dict[str, Any]:
    """撤销: stop an order the bank has not accepted (it is then refused if it arrives). One the bank has
    accepted, paid or rejected is a 409 naming its status."""
    payment = await cancel_order(voucher_no, body.amount, uow)
    if payment.status != "cancelled":
        raise Problem(409, "already-accepted", "The bank has already taken this order",
                      f"voucher {voucher_no} is {payment.status} at the bank", bank_status=payment.status)
    return _out(payment)


@payments.get("")
async def paid_on(value_date: Annotated[date, Query()], uow: UowDep,
                  payee_acct: Annotated[Text | None, Query(max_length=40)] = None) -> dict[str, Any]:
    """What the bank paid on a value date (to one account, if asked), for reconciliation with the bank (对账)."""
    async with uow:
        paid = await uow.payments.paid_on(value_date, payee_acct)
        return {"value_date": value_date.isoformat(), "count": len(paid),
                "total": money_text(total(p.amount for p in paid)), "payments": [_out(p) for p in paid]}


@faults.get("")
async def get_faults(uow: UowDep) -> Faults:
    async with uow:
        return await uow.faults.current()


@faults.put("")
async def put_faults(body: Faults, uow: UowDep) -> Faults:
    """Switch on the drills: rejects by account or rate, timeouts, duplicate and late receipts, by seed."""
    async with uow:
        await uow.faults.set(body)
        await uow.commit()
    return body


@faults.delete("")
async def clear_faults(uow: UowDep) -> Faults:
    async with uow:
        await uow.faults.set(Faults())
        await uow.commit()
    return Faults()


def _out(p: BankPayment) -> dict[str, Any]:
    return {
        "voucher_no": p.voucher_no, "status": p.status, "amount": money_text(p.amount),
        "payer_acct": p.payer_acct, "payee_acct": p.payee_acct, "payee_name": p.payee_name,
        "bank_ref": p.bank_ref, "value_date": p.value_date.isoformat() if p.value_date else None,
        "reason_code": p.reason_code, "reason": p.reason, "received_at": p.received_at.isoformat(),
    }
