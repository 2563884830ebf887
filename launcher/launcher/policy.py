"""A region policy put in force the way the API asks (four eyes): one name proposes, another approves. For the
demo, the benches and the tests, which stand in for the two operators."""

from __future__ import annotations

from typing import Any

import httpx

from shared.auth import actor_header

MAKER, CHECKER = "王经办", "李复核"


async def policy_in_force(client: httpx.AsyncClient, disbursement: str, admdvs: str, body: dict[str, Any], *,
                          headers: dict[str, str]) -> dict[str, Any]:
    """Propose ``body`` as ``MAKER`` and approve it as ``CHECKER``; the version in force, with
    ``lines_released``. Raises on any refusal, with the service's answer."""
    proposed = await client.put(f"{disbursement}/v1/regions/{admdvs}/policy", json=body,
                                headers={**headers, **actor_header(MAKER)})
    _raise_for(proposed)
    approved = await client.post(
        f"{disbursement}/v1/regions/{admdvs}/policy/proposals/{proposed.json()['proposal_id']}/approval",
        headers=headers, json={"approved_by": CHECKER})
    _raise_for(approved)
    return dict(approved.json())


def _raise_for(response: httpx.Response) -> None:
    if response.status_code >= 300:
        raise RuntimeError(f"{response.request.method} {response.request.url}: {response.status_code} "
                           f"{response.text}")
