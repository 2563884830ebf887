"""Which fund a record is settled under (N art.3: maternity with the employee fund), as the region's policy of
its day says; a region with no policy yet folds as every pack does by default."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from disbursement.domain.policy import Funds, VersionedPolicy
from disbursement.domain.versions import policy_in_force
from disbursement.service.uow import DisbursementUnitOfWork

_DEFAULT = Funds()


class FundFolder:
    def __init__(self, versions: dict[str, list[VersionedPolicy]]) -> None:
        self._versions = versions

    def __call__(self, admdvs: str, day: date, insutype: str) -> str:
        """The settling fund; a code the region does not settle keeps its own (claims refuses it at intake, and
        a payment under it is rejected by the bank gateway, never silently lost)."""
        in_force = policy_in_force(self._versions.get(admdvs, []), day)
        funds = in_force.policy.funds if in_force is not None else _DEFAULT
        return funds.fund_of(insutype) or insutype


async def fund_folder(uow: DisbursementUnitOfWork, regions: Iterable[str]) -> FundFolder:
    return FundFolder(await uow.policies.versions(set(regions)))
