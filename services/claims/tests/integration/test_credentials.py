"""Credentials and isolation (contract.md): an institution's token is shown once, stored only as a hash,
rotated or revoked by an operator; no token is 401, and another institution's record is 404 — its existence
does not leak (N art.12: each institution uploads and reads its own settlements)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from launcher.testing import operator_headers

if TYPE_CHECKING:
    from conftest import Claims


async def test_a_rotated_token_replaces_the_old_one_and_a_revoked_one_opens_nothing(claims: Claims) -> None:
    institution, old = await claims.institution()
    code = institution.fixmedins_code
    assert (await claims.client.get("/v1/settlements/nothing", headers=old)).status_code == 404

    rotated = await claims.client.post(f"/v1/institutions/{code}/token", headers=operator_headers())
    assert rotated.status_code == 200, rotated.text
    new = {"authorization": f"Bearer {rotated.json()['token']}"}
    assert (await claims.client.get("/v1/settlements/nothing", headers=old)).status_code == 401
    assert (await claims.client.get("/v1/settlements/nothing", headers=new)).status_code == 404
    shown = (await claims.client.get(f"/v1/institutions/{code}", headers=operator_headers())).json()
    assert shown["token"] == "active" and rotated.json()["token"] not in str(shown)

    revoked = await claims.client.delete(f"/v1/institutions/{code}/token", headers=operator_headers())
    assert revoked.status_code == 200, revoked.text
    refused = await claims.client.post("/v1/settlements", headers=new,
                                       json={"records": claims.records(institution, date(2025, 9, 1), 1)})
    assert refused.status_code == 401 and refused.headers["www-authenticate"] == "Bearer"
    shown = (await claims.client.get(f"/v1/institutions/{code}", headers=operator_headers())).json()
    assert shown["token"] == "revoked"
    listed = (await claims.client.get("/v1/institutions", headers=operator_headers(),
                                      params={"admdvs": institution.admdvs, "limit": 500})).json()
    assert [i for i in listed["items"] if i["fixmedins_code"] == code] == [shown]  # the registry shows no token
    assert listed["count"] >= len(listed["items"]) >= 1


async def test_operators_endpoints_take_only_the_operator_token(claims: Claims) -> None:
    institution, headers = await claims.institution()
    code = institution.fixmedins_code
    for method, path in (("GET", f"/v1/institutions/{code}"), ("POST", f"/v1/institutions/{code}/token"),
                         ("DELETE", f"/v1/institutions/{code}/token")):
        assert (await claims.client.request(method, path, headers=headers)).status_code == 401
        assert (await claims.client.request(method, path)).status_code == 401
    missing = await claims.client.post("/v1/institutions/NOSUCH/token", headers=operator_headers())
    assert missing.status_code == 404 and missing.headers["content-type"] == "application/problem+json"
    # The institution still works: the refused calls changed nothing.
    assert (await claims.client.get("/v1/settlements/nothing", headers=headers)).status_code == 404


async def test_another_institutions_settlement_is_not_found_whatever_is_asked(claims: Claims) -> None:
    owner, owner_headers = await claims.institution()
    _, stranger = await claims.institution()
    record = claims.records(owner, date(2025, 9, 1), 1)[0]
    await claims.upload(owner_headers, [record])
    setl_id = record["setl_id"]

    seen = await claims.client.get(f"/v1/settlements/{setl_id}", headers=stranger)
    never = await claims.client.get("/v1/settlements/NEVER-UPLOADED", headers=stranger)
    assert seen.status_code == never.status_code == 404
    assert seen.json()["detail"].replace(setl_id, "X") == never.json()["detail"].replace("NEVER-UPLOADED", "X")
    reversal = await claims.client.post(f"/v1/settlements/{setl_id}/reversal", headers=stranger,
                                        json={"reason": "not mine"})
    assert reversal.status_code == 404
    statement = (await claims.client.get("/v1/statements/2025-09", headers=stranger)).json()
    assert statement["lines"] == []
    # The owner's record is untouched by the stranger's attempts.
    view = (await claims.client.get(f"/v1/settlements/{setl_id}", headers=owner_headers)).json()
    assert "reversal" not in view
