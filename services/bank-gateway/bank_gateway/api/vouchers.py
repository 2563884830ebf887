"""Operators' view of the vouchers (拨付凭证, N art.14-15): as JSON, as the pain.001 sent to the bank, or as the
printable voucher; and cancellation while the bank has not accepted one."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, StringConstraints

from bank_gateway.adapters.bank_link import BankUnavailable
from bank_gateway.adapters.tables import Receipt, Voucher
from bank_gateway.adapters.voucher_pdf import PrintedVoucher, voucher_pdf
from bank_gateway.api.deps import BankLinkDep, UowDep, UowFactoryDep, bank_unavailable, operator
from bank_gateway.domain.capital import rmb_capital
from bank_gateway.domain.vouchers import fund_name
from bank_gateway.service.cancellation import NotCancellable, VoucherUnknown, cancel_voucher
from shared.contracts.codes import Text, VoucherNo
from shared.money import money_text
from shared.problems import Problem, not_found

router = APIRouter(prefix="/v1/vouchers", tags=["vouchers"], dependencies=[Depends(operator)])
XML, PDF = "application/xml", "application/pdf"


class CancelVoucher(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: Annotated[Text, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]


@router.get("")
async def list_vouchers(uow: UowDep, run_id: uuid.UUID | None = None,
                        status: Literal["issued", "paid", "rejected", "cancelled"] | None = None,
                        value_date: date | None = None,
                        limit: Annotated[int, Query(ge=1, le=5000)] = 500) -> dict[str, Any]:
    """Vouchers of a run, in a status, or paid on a value date, in number order."""
    async with uow:
        vouchers = await uow.vouchers.listing(run_id=run_id, status=status, value_date=value_date, limit=limit)
        return {"count": len(vouchers), "vouchers": [voucher_view(v) for v in vouchers]}


@router.get("/{voucher_no}", responses={200: {"content": {XML: {}, PDF: {}}}})
async def get_voucher(voucher_no: VoucherNo, request: Request, uow: UowDep,
                      format: Literal["json", "xml", "pdf"] | None = None) -> Any:
    """A voucher with its receipt, as JSON; ``Accept: application/xml`` (or ``?format=xml``) gives the pain.001
    sent to the bank, ``Accept: application/pdf`` (``?format=pdf``) the printable voucher."""
    async with uow:
        voucher = await uow.vouchers.get(voucher_no)
        if voucher is None:
            raise not_found(f"voucher {voucher_no}")
        wanted = format or _negotiate(request.headers.get("accept", ""))
        if wanted in ("xml", "pdf") and not voucher.pain001:
            raise Problem(409, "voucher-not-sent", "This voucher was never sent to the bank",
                          f"voucher {voucher_no}: {voucher.reason}; it has no pain.001 and nothing to print")
        if wanted == "xml":
            return Response(voucher.pain001, media_type=XML)
        if wanted == "pdf":
            return Response(voucher_pdf(printed(voucher)), media_type=PDF,
                            headers={"content-disposition": f'inline; filename="{voucher_no}.pdf"'})
        return {**voucher_view(voucher), "receipts": [_receipt_view(r) for r in await uow.receipts.of_voucher(voucher_no)]}


@router.post("/{voucher_no}/cancel")
async def cancel(voucher_no: VoucherNo, body: CancelVoucher, uow_factory: UowFactoryDep, link: BankLinkDep,
                 uow: UowDep) -> dict[str, Any]:
    """作废: only while the bank has not accepted the voucher (the bank is asked first); a 409 otherwise. The
    payment then reaches disbursement as not paid (reason CANC) and is carried into the next one (N art.18)."""
    try:
        await cancel_voucher(voucher_no, body.reason, uow_factory, link)
    except VoucherUnknown:
        raise not_found(f"voucher {voucher_no}") from None
    except NotCancellable as exc:
        raise Problem(409, "voucher-not-cancellable", "The bank has already taken this voucher", str(exc),
                      bank_status=exc.status) from None
    except BankUnavailable as exc:
        raise bank_unavailable(exc) from None
    async with uow:
        voucher = await uow.vouchers.get(voucher_no)
        assert voucher is not None
        return voucher_view(voucher)


def _negotiate(accept: str) -> str:
    for media in (part.split(";")[0].strip() for part in accept.split(",")):
        if media in (XML, "text/xml"):
            return "xml"
        if media == PDF:
            return "pdf"
        if media in ("application/json", "*/*"):
            return "json"
    return "json"


def voucher_view(v: Voucher) -> dict[str, Any]:
    return {
        "voucher_no": v.voucher_no, "payment_id": str(v.payment_id), "run_id": str(v.run_id),
        "run_type": v.run_type, "business_date": v.business_date.isoformat() if v.business_date else None,
        "admdvs": v.admdvs, "fixmedins_code": v.fixmedins_code, "insutype": v.insutype,
        "fund": fund_name(v.insutype), "period": v.period, "payer": v.payer, "payee": v.payee,
        "amount": money_text(v.amount), "amount_in_words": "人民币" + rmb_capital(v.amount), "currency": "CNY",
        "purpose": v.purpose, "status": v.status, "issued_at": v.issued_at.isoformat(),
        "receipt": None if v.receipt_at is None else {
            "bank_ref": v.bank_ref, "value_date": v.value_date.isoformat() if v.value_date else None,
            "receipt_at": v.receipt_at.isoformat(), "reason_code": v.reason_code, "reason": v.reason,
        },
        "cancelled_at": v.cancelled_at.isoformat() if v.cancelled_at else None,
        "status_queries": {"count": v.queries, "last_at": v.last_query_at.isoformat() if v.last_query_at else None,
                           "last_answer": v.last_query_answer},
    }


def _receipt_view(r: Receipt) -> dict[str, Any]:
    return {"id": r.id, "source": r.source, "status": r.status, "outcome": r.outcome, "detail": r.detail,
            "received_at": r.received_at.isoformat(), "bank_ref": r.body.get("bank_ref")}


def printed(v: Voucher) -> PrintedVoucher:
    run = f"{v.run_type or 'run'} {v.run_id}"
    return PrintedVoucher(
        voucher_no=v.voucher_no, issued_at=v.issued_at, payer_name=v.payer["acct_name"], payer_acct=v.payer["acct_no"],
        payer_bank=v.payer["bank_code"], payee_name=v.payee["acct_name"], payee_acct=v.payee["acct_no"],
        payee_bank=v.payee["bank_code"], amount=v.amount, purpose=v.purpose, run=run, period=v.period,
        fund=fund_name(v.insutype), status=v.status, bank_ref=v.bank_ref, value_date=v.value_date, reason=v.reason)
