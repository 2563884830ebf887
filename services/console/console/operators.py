"""Creating an operator account: from the admin page and from the command line (the first admin)."""

from __future__ import annotations

from datetime import UTC, datetime

from console.adapters.tables import Operator
from console.adapters.uow import ConsoleUnitOfWork
from console.domain.passwords import hash_password
from console.domain.roles import Role


async def add_operator(uow: ConsoleUnitOfWork, *, username: str, display_name: str, roles: frozenset[Role],
                       password: str, created_by: str) -> bool:
    """False when the user name is taken (nothing changes); WeakPassword for a short password."""
    password_hash = hash_password(password)
    async with uow:
        if await uow.operators.get(username) is not None:
            return False
        uow.operators.add(Operator(username=username, display_name=display_name, password_hash=password_hash,
                                   roles=sorted(r.value for r in roles), active=True, created_at=datetime.now(UTC),
                                   created_by=created_by))
        await uow.commit()
    return True
