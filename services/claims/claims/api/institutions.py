from __future__ import annotations

from fastapi import APIRouter, Response

from claims.api.deps import OperatorDep, UowDep
from claims.api.schemas import InstitutionIn, InstitutionOut
from claims.domain.institution import Institution
from claims.service.registry import ConcurrentRegistration, register_institution
from shared.problems import Problem

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
