"""Random sampling for manual review (随机抽审, N art.13): a configured share of the records the rules passed
goes to reviewers all the same. The draw is a keyed hash of the region's seed and the record's identity, so
it is reproducible — the same seed and records pick the same ones, whatever the order or batching they
arrive in — and each sampled record keeps the seed and share that chose it."""

from __future__ import annotations

import hashlib
from decimal import Decimal

_SPACE = 2**64


def draw(seed: int, fixmedins_code: str, setl_id: str) -> int:
    """A number in [0, 2**64) fixed by the seed and the record."""
    digest = hashlib.blake2b(f"{fixmedins_code}/{setl_id}".encode(), digest_size=8,
                             key=seed.to_bytes(8, "big")).digest()
    return int.from_bytes(digest, "big")


def is_sampled(seed: int, share: Decimal, fixmedins_code: str, setl_id: str) -> bool:
    """Whether the record falls in the sample: its draw is below ``share`` of the space, so each record is
    chosen with probability ``share``, independently of the others."""
    if share <= 0:
        return False
    return draw(seed, fixmedins_code, setl_id) < int(share * _SPACE)
