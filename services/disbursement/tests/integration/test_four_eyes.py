"""Four eyes (审核与复核分离; N art.22 "每笔拨付准确、可追溯"): the person who prepares a run or proposes a policy
change is never the one who signs or approves it, and the API — not only the console — holds that line."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from launcher.testing import operator_headers
from shared.auth import actor_header

if TYPE_CHECKING:
    from conftest import Harness


async def test_the_clerk_who_prepared_a_daily_run_cannot_sign_it_and_an_approver_can(harness: Harness) -> None:
    """JL art.11 (the summary is signed), N art.22: 250.05 × 60 % = 150.03 waits while its maker tries to sign;
    another person's signature releases it, and the run says who prepared and who signed."""
    await harness.institution()
    await harness.enroll()
    await harness.policy()
    await harness.settlement(date(2025, 9, 2), "250.05")
    await harness.lines(1)
    prepared = await harness.client.post("/v1/runs/daily-disbursement",
                                         headers={**operator_headers(), **actor_header("王经办")},
                                         json={"admdvs": harness.region, "business_date": "2025-09-02"})
    assert prepared.status_code == 200, prepared.text
    run = prepared.json()
    assert (run["prepared_by"], run["status"], run["total"]) == ("王经办", "computed", "150.03")
    for same in ("王经办", " 王经办 "):
        refused = await harness.client.post(f"/v1/runs/{run['run_id']}/sign-off", headers=operator_headers(),
                                            json={"signed_by": same})
        assert refused.status_code == 403, refused.text
        assert refused.json()["type"].endswith("/four-eyes")
    listed = await harness.client.get("/v1/runs", headers=operator_headers(),
                                      params={"admdvs": harness.region, "status": "computed"})
    assert [(r["run_id"], r["prepared_by"], r["total"]) for r in listed.json()["items"]] == [
        (run["run_id"], "王经办", "150.03")]
    signed = await harness.client.post(f"/v1/runs/{run['run_id']}/sign-off", headers=operator_headers(),
                                       json={"signed_by": "张审批"})
    assert signed.status_code == 200, signed.text
    assert (signed.json()["status"], signed.json()["signed_by"], signed.json()["payment_total"]) == (
        "ordered", "张审批", "150.03")
    # Asking for the run again (idempotent) returns it as signed, with its maker unchanged.
    again = await harness.client.post("/v1/runs/daily-disbursement",
                                      headers={**operator_headers(), **actor_header("张审批")},
                                      json={"admdvs": harness.region, "business_date": "2025-09-02"})
    assert (again.json()["prepared_by"], again.json()["signed_by"]) == ("王经办", "张审批")


async def test_a_policy_change_waits_for_a_second_person_with_its_diff(harness: Harness) -> None:
    """N art.22 via four eyes: Jilin's 60 % (JL art.11) becomes 50 % for the employee fund only when someone other
    than the proposer approves; the proposal shows exactly that setting moving; the proposer's approval is
    refused."""
    first = await harness.policy()  # version 1, put in force by two people
    proposer = {**operator_headers(), **actor_header("王经办")}
    body = {"pack": "jilin", "effective_from": "2025-10-01", "ratios": {"310": "0.50"}}
    missing = await harness.client.put(f"/v1/regions/{harness.region}/policy", headers=operator_headers(), json=body)
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "X-Jishi-Actor"
    proposed = await harness.client.put(f"/v1/regions/{harness.region}/policy", headers=proposer, json=body)
    assert proposed.status_code == 202, proposed.text
    proposal = proposed.json()
    retried = await harness.client.put(f"/v1/regions/{harness.region}/policy", headers=proposer, json=body)
    assert retried.json()["proposal_id"] == proposal["proposal_id"]  # a retry makes no second proposal
    assert (proposal["status"], proposal["against_version"]) == ("proposed", first["version"])
    assert {d["path"]: (d["from"], d["to"]) for d in proposal["diff"]} == {
        "effective_from": ("2025-01-01", "2025-10-01"),
        "ratios.310": ("0.60", "0.50")}
    in_force = await harness.client.get(f"/v1/regions/{harness.region}/policy", headers=operator_headers())
    assert in_force.json()["version"] == first["version"]  # nothing changes while it waits
    url = f"/v1/regions/{harness.region}/policy/proposals/{proposal['proposal_id']}"
    own = await harness.client.post(f"{url}/approval", headers=operator_headers(), json={"approved_by": "王经办"})
    assert own.status_code == 403, own.text
    approved = await harness.client.post(f"{url}/approval", headers=operator_headers(),
                                         json={"approved_by": "李复核"})
    assert approved.status_code == 200, approved.text
    assert (approved.json()["version"], approved.json()["ratios"]) == (first["version"] + 1,
                                                                     {"310": "0.50", "390": "0.60"})
    again = await harness.client.post(f"{url}/approval", headers=operator_headers(), json={"approved_by": "李复核"})
    assert again.json()["version"] == first["version"] + 1  # approving twice makes no third version
    versions = (await harness.client.get(f"/v1/regions/{harness.region}/policy/versions",
                                         headers=operator_headers())).json()["items"]
    assert [(v["version"], v["proposed_by"], v["approved_by"]) for v in versions][-1] == (
        first["version"] + 1, "王经办", "李复核")


async def test_a_rejected_proposal_changes_nothing_and_cannot_be_approved(harness: Harness) -> None:
    """N art.22: the checker sends a change back with a reason; it never comes into force."""
    first = await harness.policy()
    proposed = await harness.client.put(f"/v1/regions/{harness.region}/policy",
                                        headers={**operator_headers(), **actor_header("王经办")},
                                        json={"pack": "jilin", "effective_from": "2025-10-01", "paths": ["A"]})
    url = f"/v1/regions/{harness.region}/policy/proposals/{proposed.json()['proposal_id']}"
    no_reason = await harness.client.post(f"{url}/rejection", headers=operator_headers(),
                                          json={"rejected_by": "李复核", "reason": ""})
    assert no_reason.status_code == 422
    rejected = await harness.client.post(f"{url}/rejection", headers=operator_headers(),
                                         json={"rejected_by": "李复核", "reason": "路径A须经局务会"})
    assert (rejected.json()["status"], rejected.json()["reason"]) == ("rejected", "路径A须经局务会")
    late = await harness.client.post(f"{url}/approval", headers=operator_headers(), json={"approved_by": "赵处长"})
    assert late.status_code == 409, late.text
    in_force = await harness.client.get(f"/v1/regions/{harness.region}/policy", headers=operator_headers())
    assert in_force.json()["version"] == first["version"]
