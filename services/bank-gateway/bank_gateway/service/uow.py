from bank_gateway.adapters.repositories import Receipts, Vouchers
from shared.messaging.uow import UnitOfWork


class BankGatewayUnitOfWork(UnitOfWork):
    vouchers: Vouchers
    receipts: Receipts

    def _start(self) -> None:
        self.vouchers = Vouchers(self.session)
        self.receipts = Receipts(self.session)
