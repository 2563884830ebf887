from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from bank_gateway.service.uow import BankGatewayUnitOfWork
from shared.auth import require_operator
from shared.money import money_text
from shared.problems import not_found
from shared.service import runtime_of


def _operator(request: Request) -> None:
    require_operator(request, runtime_of(request).settings.operator_token.get_secret_value())


def _uow(request: Request) -> BankGatewayUnitOfWork:
    return runtime_of(request).uow()


router = APIRouter(prefix="/v1/vouchers", tags=["vouchers"], dependencies=[Depends(_operator)])


@router.get("/{voucher_no}", responses={200: {"content": {"application/xml": {}}}})
async def get_voucher(voucher_no: str, request: Request,
                      uow: Annotated[BankGatewayUnitOfWork, Depends(_uow)]) -> Any:
    """A voucher with its receipt, as JSON; ``Accept: application/xml`` gives its pain.001."""
    async with uow:
        voucher = await uow.vouchers.get(voucher_no)
        if voucher is None:
            raise not_found(f"voucher {voucher_no}")
        if "application/xml" in request.headers.get("accept", ""):
            return Response(voucher.pain001, media_type="application/xml")
        return {
            "voucher_no": voucher.voucher_no, "payment_id": str(voucher.payment_id), "run_id": str(voucher.run_id),
            "admdvs": voucher.admdvs, "fixmedins_code": voucher.fixmedins_code, "insutype": voucher.insutype,
            "period": voucher.period, "payer": voucher.payer, "payee": voucher.payee,
            "amount": money_text(voucher.amount), "currency": "CNY", "purpose": voucher.purpose,
            "status": voucher.status, "issued_at": voucher.issued_at.isoformat(),
            "receipt": None if voucher.receipt_at is None else {
                "bank_ref": voucher.bank_ref, "value_date": voucher.value_date.isoformat() if voucher.value_date else None,
                "receipt_at": voucher.receipt_at.isoformat(), "reason_code": voucher.reason_code,
                "reason": voucher.reason,
            },
        }
