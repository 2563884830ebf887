"""Registering an institution (机构登记) and issuing its credential."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime

from claims.domain.institution import Institution
from claims.service.uow import ClaimsUnitOfWork
from shared.auth import new_token, token_hash
from shared.contracts import topics
from shared.contracts.events import InstitutionRegistered


@dataclass(frozen=True)
class Registered:
    institution: Institution
    created: bool
    #: Only on creation: the one time the token is ever shown.
    token: str | None


async def register_institution(details: Institution, uow: ClaimsUnitOfWork) -> Registered:
    """Register a new institution, or update one; every change is published with a new version."""
    now = datetime.now(UTC)
    async with uow:
        existing = await uow.institutions.get(details.fixmedins_code, for_update=True)
        if existing is None:
            token = new_token("inst_")
            institution, digest = replace(details, version=1), token_hash(token)
            if not await uow.institutions.add(institution, token_hash=digest, at=now):
                raise ConcurrentRegistration(details.fixmedins_code)
        else:
            token = None
            institution = replace(details, version=existing.version + 1)
            if _same(existing, institution):
                return Registered(existing, created=False, token=None)
            digest = await uow.institutions.update(institution, at=now)
        uow.outbox.add(topics.INSTITUTION_REGISTERED, _event(institution, digest, now),
                       key=institution.fixmedins_code)
        await uow.commit()
    return Registered(institution, created=existing is None, token=token)


class UnknownInstitution(LookupError):
    pass


async def rotate_token(fixmedins_code: str, uow: ClaimsUnitOfWork) -> tuple[str, datetime]:
    """A new token for an institution (shown this once); the old one stops working at once."""
    return await _set_token(fixmedins_code, uow, new_token("inst_"))  # type: ignore[return-value]


async def revoke_token(fixmedins_code: str, uow: ClaimsUnitOfWork) -> datetime:
    """No token any more: every call of the institution is 401 until an operator issues a new one."""
    _, at = await _set_token(fixmedins_code, uow, None)
    return at


async def _set_token(fixmedins_code: str, uow: ClaimsUnitOfWork, token: str | None) -> tuple[str | None, datetime]:
    now = datetime.now(UTC)
    async with uow:
        existing = await uow.institutions.get(fixmedins_code, for_update=True)
        if existing is None:
            raise UnknownInstitution(fixmedins_code)
        digest = token_hash(token) if token else None
        await uow.institutions.set_token(fixmedins_code, digest, at=now)
        institution = replace(existing, version=existing.version + 1)
        # Every service that accepts the institution's token learns the new one (or that there is none).
        uow.outbox.add(topics.INSTITUTION_REGISTERED, _event(institution, digest, now), key=fixmedins_code)
        await uow.commit()
    return token, now


class ConcurrentRegistration(Exception):
    """Two registrations of one new code raced; the loser may simply retry (it becomes an update)."""


def _same(a: Institution, b: Institution) -> bool:
    return replace(a, version=0) == replace(b, version=0)


def _event(institution: Institution, digest: str | None, at: datetime) -> InstitutionRegistered:
    return InstitutionRegistered(
        fixmedins_code=institution.fixmedins_code,
        fixmedins_name=institution.fixmedins_name,
        admdvs=institution.admdvs,
        fixmedins_type=institution.fixmedins_type,
        hosp_lv=institution.hosp_lv,
        bank_acct=institution.bank_acct,
        token_hash=digest,
        version=institution.version,
        registered_at=at,
    )
