from claims.adapters.records import Declarations, Reversals, Statements, Totals
from claims.adapters.repositories import Institutions, Settlements, Views
from shared.messaging.uow import UnitOfWork


class ClaimsUnitOfWork(UnitOfWork):
    institutions: Institutions
    settlements: Settlements
    views: Views
    reversals: Reversals
    declarations: Declarations
    totals: Totals
    statements: Statements

    def _start(self) -> None:
        self.institutions = Institutions(self.session)
        self.settlements = Settlements(self.session)
        self.views = Views(self.session)
        self.reversals = Reversals(self.session)
        self.declarations = Declarations(self.session)
        self.totals = Totals(self.session)
        self.statements = Statements(self.session)
