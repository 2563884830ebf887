"""The bank simulator's drills (contract.md, "The bank"): rejects by account or rate, timeouts, duplicate and
late receipts, each reproducible by seed."""

from __future__ import annotations

from collections import Counter

import pytest
from pydantic import ValidationError

from bank_simulator.domain.faults import REJECT_REASONS, Faults, fate, receipt_copies, receipt_delay_ms

NUMBERS = [f"220100-20251009-{n:06d}" for n in range(1, 4001)]


def test_no_faults_pays_everything_once_at_once() -> None:
    faults = Faults()
    assert {fate(faults, no, "6222")[0] for no in NUMBERS} == {"paid"}
    assert {receipt_copies(faults, no) for no in NUMBERS} == {1}
    assert {receipt_delay_ms(faults, no) for no in NUMBERS} == {0}


def test_an_account_on_the_reject_list_is_always_rejected_with_its_reason() -> None:
    faults = Faults(reject_accounts={"6222000000000001": "账户已销户"})
    assert fate(faults, NUMBERS[0], "6222000000000001") == ("rejected", "AC04", "账户已销户")
    assert fate(faults, NUMBERS[0], "6222000000000002")[0] == "paid"


def test_rates_come_out_near_what_was_asked() -> None:
    faults = Faults(reject_rate=0.05, timeout_rate=0.05, duplicate_receipt_rate=0.02, seed=7)
    fates = Counter(fate(faults, no, "6222")[0] for no in NUMBERS)
    duplicates = sum(receipt_copies(faults, no) == 2 for no in NUMBERS)
    assert 140 < fates["rejected"] < 260 and 140 < fates["timeout"] < 260
    assert 40 < duplicates < 130


def test_a_rejection_by_rate_carries_an_iso_reason_code() -> None:
    faults = Faults(reject_rate=1.0)
    assert {fate(faults, no, "6222")[1] for no in NUMBERS[:200]} == set(REJECT_REASONS)


def test_the_same_seed_gives_the_same_fates_and_another_seed_others() -> None:
    one, same, other = (Faults(reject_rate=0.3, timeout_rate=0.3, duplicate_receipt_rate=0.3,
                               late_receipt_ms=[0, 5000], seed=s) for s in (7, 7, 8))

    def run(f: Faults) -> list[tuple[object, ...]]:
        return [(fate(f, no, "6222"), receipt_copies(f, no), receipt_delay_ms(f, no)) for no in NUMBERS[:300]]

    assert run(one) == run(same)
    assert run(one) != run(other)


def test_each_copy_of_a_receipt_has_its_own_delay_within_the_bounds() -> None:
    faults = Faults(late_receipt_ms=[100, 900], seed=3)
    first = [receipt_delay_ms(faults, no, 0) for no in NUMBERS[:500]]
    second = [receipt_delay_ms(faults, no, 1) for no in NUMBERS[:500]]
    assert all(100 <= d <= 900 for d in first + second)
    assert first != second  # a duplicate may overtake the first copy


@pytest.mark.parametrize("body", [{"reject_rate": 0.6, "timeout_rate": 0.5}, {"reject_rate": -0.1},
                                  {"late_receipt_ms": [900, 100]}, {"late_receipt_ms": [1]}, {"unknown": 1}])
def test_faults_that_cannot_be_are_refused(body: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        Faults.model_validate(body)
