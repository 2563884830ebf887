from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from audit.domain.catalogue import Catalogue
from audit.service.configs import RegionConfigs
from audit.service.uow import AuditUnitOfWork
from shared.auth import require_operator
from shared.service import runtime_of


async def _uow(request: Request) -> AuditUnitOfWork:
    return runtime_of(request).uow()  # type: ignore[no-any-return]


async def _configs(request: Request) -> RegionConfigs:
    return request.app.state.audit_configs  # type: ignore[no-any-return]


async def _catalogue(request: Request) -> Catalogue:
    return request.app.state.catalogue  # type: ignore[no-any-return]


async def _operator(request: Request) -> None:
    require_operator(request, runtime_of(request).settings.operator_token.get_secret_value())


UowDep = Annotated[AuditUnitOfWork, Depends(_uow)]
ConfigsDep = Annotated[RegionConfigs, Depends(_configs)]
CatalogueDep = Annotated[Catalogue, Depends(_catalogue)]
OperatorDep = Depends(_operator)
