from claims.adapters.repositories import Institutions, Settlements, Views
from shared.messaging.uow import UnitOfWork


class ClaimsUnitOfWork(UnitOfWork):
    institutions: Institutions
    settlements: Settlements
    views: Views

    def _start(self) -> None:
        self.institutions = Institutions(self.session)
        self.settlements = Settlements(self.session)
        self.views = Views(self.session)
