from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from claims.api.deps import OperatorDep, UowDep, forget_tokens
from claims.api.schemas import InstitutionIn, InstitutionOut
from claims.domain.institution import Institution
from claims.service.registry import (
    ConcurrentRegistration,
    UnknownInstitution,
    register_institution,
    revoke_token,
    rotate_token,
)
from shared.contracts.codes import Admdvs, Code
from shared.problems import Problem, not_found

router = APIRouter(prefix="/v1/institutions", tags=["institutions"], dependencies=[OperatorDep])


@router.post("", response_model=InstitutionOut, response_model_exclude_none=True, status_code=201,
             responses={200: {"model": InstitutionOut, "description": "An existing institution was updated"}})
async def register(body: InstitutionIn, uow: UowDep, response: Response) -> InstitutionOut:
    """Register an institution (201, with its token, shown only this once) or update one (200)."""
    details = Institution(**body.model_dump(exclude={"bank_acct"}), bank_acct=body.bank_acct, version=0)
    try:
        registered = await register_institution(details, uow)
    except ConcurrentRegistration as exc:
        raise Problem(409, "conflict", "Registered concurrently", f"{exc} was registered at the same time; "
                      "send the request again to update it") from exc
    if not registered.created:
        response.status_code = 200
    return InstitutionOut(fixmedins_code=registered.institution.fixmedins_code,
                          version=registered.institution.version, token=registered.token)


@router.post("/{fixmedins_code}/token", responses={404: {"description": "No such institution"}})
async def post_token(fixmedins_code: Code, uow: UowDep, request: Request) -> dict[str, Any]:
    """Issue a new token (shown only this once); the old one stops working at once."""
    try:
        token, at = await rotate_token(fixmedins_code, uow)
    except UnknownInstitution as exc:
        raise not_found(f"institution {fixmedins_code}") from exc
    forget_tokens(request)
    return {"fixmedins_code": fixmedins_code, "token": token, "issued_at": at.isoformat()}


@router.delete("/{fixmedins_code}/token", responses={404: {"description": "No such institution"}})
async def delete_token(fixmedins_code: Code, uow: UowDep, request: Request) -> dict[str, Any]:
    """Revoke the institution's token: every call of its is 401 until a new one is issued."""
    try:
        at = await revoke_token(fixmedins_code, uow)
    except UnknownInstitution as exc:
        raise not_found(f"institution {fixmedins_code}") from exc
    forget_tokens(request)
    return {"fixmedins_code": fixmedins_code, "revoked_at": at.isoformat()}


@router.get("")
async def get_institutions(uow: UowDep, admdvs: Admdvs | None = None, limit: Annotated[int, Query(ge=1, le=500)] = 50,
                           offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0) -> dict[str, Any]:
    """The registry, a page at a time in code order; ``count`` is how many match in all."""
    async with uow:
        rows, count = await uow.institutions.listing(admdvs=admdvs, limit=limit, offset=offset)
    return {"items": [_view(*row) for row in rows], "count": count,
            "limit": limit, "offset": offset}


@router.get("/{fixmedins_code}", responses={404: {"description": "No such institution"}})
async def get_institution(fixmedins_code: Code, uow: UowDep) -> dict[str, Any]:
    """An institution as registered, and whether it holds a token (never the token)."""
    async with uow:
        institution = await uow.institutions.get(fixmedins_code)
        if institution is None:
            raise not_found(f"institution {fixmedins_code}")
        digest, issued_at = await uow.institutions.token_state(fixmedins_code)
    return _view(institution, digest, issued_at)


def _view(institution: Institution, digest: str | None, issued_at: datetime | None) -> dict[str, Any]:
    return {"fixmedins_code": institution.fixmedins_code, "fixmedins_name": institution.fixmedins_name,
            "admdvs": institution.admdvs, "fixmedins_type": institution.fixmedins_type,
            "hosp_lv": institution.hosp_lv, "bank_acct": institution.bank_acct.model_dump(mode="json"),
            "version": institution.version, "token": "active" if digest else "revoked",
            "token_issued_at": issued_at.isoformat() if issued_at else None}
