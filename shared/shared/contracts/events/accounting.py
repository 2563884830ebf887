"""What accounting publishes: its business-vs-finance checks."""

from __future__ import annotations

from typing import Annotated

from pydantic import AwareDatetime, StringConstraints

from shared.contracts.codes import Admdvs, Code, Insutype, Period
from shared.contracts.events.base import Payload
from shared.money import Money


class ConsistencyDifference(Payload):
    """One institution, fund and month where business and finance disagree (业财不一致)."""

    fixmedins_code: Code
    insutype: Insutype
    #: What disagrees: e.g. "ordered-not-paid", "paid-not-booked", "booked-not-paid", "lines-not-ordered".
    kind: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    business: Money
    bank: Money
    books: Money
    explained: bool = False
    explanation: str | None = None


class ConsistencyChecked(Payload):
    """Accounting's business-vs-finance check of a region's month (业财一致性, N art.19, art.22). A monthly
    settlement cannot be signed while a difference stands unexplained."""

    admdvs: Admdvs
    period: Period
    agreed: bool
    differences: list[ConsistencyDifference] = []
    checked_at: AwareDatetime
