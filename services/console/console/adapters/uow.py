from __future__ import annotations

from console.adapters.repositories import Operators, Sessions, Trail
from shared.messaging.uow import UnitOfWork


class ConsoleUnitOfWork(UnitOfWork):
    operators: Operators
    sessions: Sessions
    trail: Trail

    def _start(self) -> None:
        self.operators = Operators(self.session)
        self.sessions = Sessions(self.session)
        self.trail = Trail(self.session)
