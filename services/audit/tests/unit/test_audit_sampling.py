"""Random sampling for manual review (随机抽审, N art.13): a share of passed records, drawn reproducibly."""

from __future__ import annotations

from decimal import Decimal

from audit.domain.sampling import draw, is_sampled

RECORDS = [("H22010300001", f"S{n:07d}") for n in range(20_000)]


def picks(seed: int, share: str, records: list[tuple[str, str]] = RECORDS) -> set[tuple[str, str]]:
    return {r for r in records if is_sampled(seed, Decimal(share), *r)}


def test_the_sample_takes_about_the_configured_share():  # N art.13: a configured share is sampled
    chosen = picks(7, "0.05")
    assert 0.045 * len(RECORDS) < len(chosen) < 0.055 * len(RECORDS)


def test_the_same_seed_and_records_pick_the_same_ones_in_any_order():  # N art.13: reproducible
    assert picks(7, "0.05") == picks(7, "0.05", list(reversed(RECORDS)))
    assert draw(7, "H1", "S1") == draw(7, "H1", "S1")


def test_another_seed_draws_another_sample():  # N art.13
    assert picks(7, "0.05") != picks(8, "0.05")


def test_a_larger_share_keeps_the_smaller_ones_picks():  # N art.13: raising the share only adds records
    assert picks(7, "0.02") <= picks(7, "0.05")


def test_no_share_samples_nothing_and_a_full_share_everything():  # N art.13
    assert picks(7, "0") == set()
    assert picks(7, "1") == set(RECORDS)
