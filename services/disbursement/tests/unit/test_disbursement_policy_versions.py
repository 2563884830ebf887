"""Which policy version applies on a day (ZJ §3.2: a ratio changed by decision applies from its effective
date)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from disbursement.domain.packs import resolve
from disbursement.domain.policy import VersionedPolicy
from disbursement.domain.versions import policy_in_force


def a_version(version: int, effective_from: str, employee_ratio: str = "0.60") -> VersionedPolicy:
    policy = resolve("zhenjiang", {"effective_from": effective_from,
                                   "prepayment": {"ratios": {"310": employee_ratio, "390": "0.50"}}})
    return VersionedPolicy(admdvs="321100", version=version, policy=policy)


def test_nothing_is_in_force_before_the_first_version_takes_effect():  # ZJ §3.2
    assert policy_in_force([a_version(1, "2025-06-01")], date(2025, 5, 31)) is None
    assert policy_in_force([], date(2025, 6, 1)) is None


def test_a_version_applies_from_its_effective_date_on():  # ZJ §3.2
    v1 = a_version(1, "2025-06-01")
    assert policy_in_force([v1], date(2025, 6, 1)) == v1
    assert policy_in_force([v1], date(2026, 1, 15)) == v1


def test_a_changed_ratio_applies_from_its_effective_date_not_before():  # ZJ §3.2
    v1, v2 = a_version(1, "2025-06-01", "0.60"), a_version(2, "2025-09-01", "0.70")
    assert policy_in_force([v1, v2], date(2025, 8, 31)) == v1
    assert policy_in_force([v2, v1], date(2025, 9, 1)) == v2
    assert policy_in_force([v1, v2], date(2025, 9, 1)).policy.prepayment.ratios["310"] == Decimal("0.70")


def test_a_later_version_with_an_earlier_effective_date_is_a_correction_and_wins():  # ZJ §3.2
    # v2 (from Sept) was decided, then v3 corrected the ratio from August on
    v1, v2, v3 = a_version(1, "2025-06-01"), a_version(2, "2025-09-01", "0.70"), a_version(3, "2025-08-01", "0.65")
    assert policy_in_force([v1, v2, v3], date(2025, 7, 31)) == v1
    assert policy_in_force([v1, v2, v3], date(2025, 8, 15)) == v3
    assert policy_in_force([v1, v2, v3], date(2025, 9, 15)) == v3


def test_the_order_versions_are_listed_in_does_not_matter():  # ZJ §3.2
    v1, v2, v3 = a_version(1, "2025-06-01"), a_version(2, "2025-07-01", "0.55"), a_version(3, "2025-08-01", "0.65")
    for listing in ([v1, v2, v3], [v3, v1, v2], [v2, v3, v1]):
        assert policy_in_force(listing, date(2025, 7, 20)) == v2
        assert policy_in_force(listing, date(2025, 8, 1)) == v3
