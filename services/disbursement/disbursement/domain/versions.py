"""Which policy version applies on a day (ZJ §3.2: a changed ratio applies from its effective date)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from disbursement.domain.policy import VersionedPolicy


def policy_in_force(versions: Sequence[VersionedPolicy], day: date) -> VersionedPolicy | None:
    """The latest version whose ``effective_from`` is on or before ``day``; a later version with an earlier
    effective date supersedes an earlier one (a correction)."""
    applicable = [v for v in versions if v.policy.effective_from <= day]
    return max(applicable, key=lambda v: v.version) if applicable else None
