"""What a policy change changes: the settings that differ between two resolved policies, as dotted paths, so
that the checker of a proposal (four eyes) reads what moves, not two whole documents."""

from __future__ import annotations

from typing import Any


def flatten(policy: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """``{"prepayment": {"ratios": {"310": "0.60"}}}`` → ``{"prepayment.ratios.310": "0.60"}``; lists stay
    whole (a list of paths or holidays changes as one setting)."""
    out: dict[str, Any] = {}
    for key, value in policy.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            out.update(flatten(value, f"{path}."))
        else:
            out[path] = value
    return out


def policy_diff(before: dict[str, Any] | None, after: dict[str, Any]) -> list[dict[str, Any]]:
    """Each setting whose value differs, in path order: ``{"path", "from", "to"}``; ``from`` is None for a
    region with no policy yet (or a setting it did not have), ``to`` None for a setting dropped."""
    old, new = flatten(before or {}), flatten(after)
    return [{"path": path, "from": old.get(path), "to": new.get(path)}
            for path in sorted(old.keys() | new.keys()) if old.get(path) != new.get(path)]
