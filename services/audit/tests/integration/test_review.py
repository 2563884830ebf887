"""The review queue and deductions on the real broker and PostgreSQL (人工复核, 月度抵扣; N art.13, JL art.13):
suspicious records wait for a reviewer, a decision is made once and kept, a confirmed violation is published
as a deduction exactly once, and a reversed settlement is never deducted."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from launcher.testing import eventually, operator_headers
from shared.contracts import topics

if TYPE_CHECKING:
    from conftest import AuditHarness

CONSULT, TCT, METFORMIN = "110200001", "270300005", "XA10BAA059A001010100"
REVIEWER = {"reviewer": "王审核", "reason": "病历无糖尿病诊断依据"}


def doubtful(audit: AuditHarness) -> Any:
    """Metformin, paid only for diabetes, on a cold's settlement (MED-IND-01: for a reviewer to judge)."""
    return audit.settlement(audit.line(CONSULT), audit.line(METFORMIN, cnt="30"))


async def test_a_suspicious_record_waits_and_a_confirmation_deducts_it_once(audit: AuditHarness) -> None:
    # N art.13: suspicious → manual review; JL art.13: confirmed violations deducted in the monthly settlement
    record = doubtful(audit)
    await audit.record(record)
    finding = await eventually(lambda: audit.finding_of(record.setl_id, status="open"))
    assert (finding["kind"], finding["rule_ids"], finding["vola_amt"]) == ("suspicious", ["MED-IND-01"], "6.00")
    view = await audit.get(f"/v1/findings/{finding['finding_id']}")
    [rule_finding] = view["findings"]
    assert [line["med_list_codg"] for line in rule_finding["lines"]] == [METFORMIN]  # the line that proves it
    assert (view["decisions"], view["deduction"], view["automatic_status"]) == ([], None, "suspicious")

    response = await audit.decide(finding["finding_id"], {"decision": "confirm", "amount": "5.50", **REVIEWER})
    assert response.status_code == 200, response.text
    decided = response.json()
    assert (decided["status"], decided["confirmed_amt"]) == ("confirmed", "5.50")
    assert [(d["decision"], d["amount"], d["reviewer"]) for d in decided["decisions"]] == [("confirm", "5.50", "王审核")]
    assert (decided["deduction"]["amount"], decided["deduction"]["source"], decided["deduction"]["period"]) == \
        ("5.50", "review", "2025-09")

    again = await audit.decide(finding["finding_id"], {"decision": "dismiss", **REVIEWER})
    assert again.status_code == 409 and again.json()["type"].endswith("/already-decided")
    outcomes = (await audit.audited(2))[record.setl_id]
    assert [(o["stage"], o["status"], o["vola_amt"]) for o in outcomes] == \
        [("automatic", "suspicious", "6.00"), ("reviewed", "violation", "5.50")]
    [deduction] = await audit.read(topics.DEDUCTION_CONFIRMED, 1)
    assert (deduction["setl_id"], deduction["amount"], deduction["source"], deduction["period"],
            deduction["rule_ids"], deduction["insutype"]) == \
        (record.setl_id, "5.50", "review", "2025-09", ["MED-IND-01"], "310")
    assert deduction["deduction_id"] == decided["deduction"]["deduction_id"]


async def test_a_proposed_violation_dismissed_passes_and_deducts_nothing(audit: AuditHarness) -> None:
    # N art.13: where the region does not auto-confirm, a clear-cut violation is a deduction proposal
    assert (await audit.put(f"/v1/regions/{audit.region}/audit-config", {"auto_confirm": False})).status_code == 200
    record = audit.settlement(audit.line(TCT))  # a female-only test for a man: clear-cut
    await audit.record(record)
    finding = await eventually(lambda: audit.finding_of(record.setl_id, status="open"))
    assert (finding["kind"], finding["vola_amt"]) == ("violation", "120.00")
    response = await audit.decide(finding["finding_id"], {"decision": "dismiss", "reviewer": "李复核",
                                                          "reason": "性别登记错误，已更正"})
    assert response.status_code == 200, response.text
    assert (response.json()["status"], response.json()["deduction"]) == ("dismissed", None)
    outcomes = (await audit.audited(2))[record.setl_id]
    assert [(o["stage"], o["status"], o["vola_amt"]) for o in outcomes] == \
        [("automatic", "violation", "120.00"), ("reviewed", "pass", "0.00")]
    assert await audit.read(topics.DEDUCTION_CONFIRMED, 0, linger=1.0) == []


async def test_a_clear_cut_violation_is_deducted_at_once_and_only_once(audit: AuditHarness) -> None:
    # N art.13; JL art.13: the default region auto-confirms clear-cut violations (source "automatic")
    record = audit.settlement(audit.line(TCT), audit.line(CONSULT))
    await audit.record(record)
    await audit.record(record)  # the same settlement again: still one deduction
    [deduction] = await audit.read(topics.DEDUCTION_CONFIRMED, 1, linger=1.0)
    assert (deduction["source"], deduction["amount"], deduction["rule_ids"]) == ("automatic", "120.00", ["POL-SEX-01"])
    finding = await audit.finding_of(record.setl_id)
    assert finding["status"] == "confirmed"
    view = await audit.get(f"/v1/findings/{finding['finding_id']}")
    assert [(d["decision"], d["reviewer"]) for d in view["decisions"]] == [("confirm", "automatic")]
    listed = await audit.get("/v1/deductions", fixmedins_code=audit.code, period="2025-09")
    assert [d["deduction_id"] for d in listed["items"]] == [deduction["deduction_id"]]
    refused = await audit.decide(finding["finding_id"], {"decision": "dismiss", **REVIEWER})
    assert refused.status_code == 409


async def test_a_reversal_closes_an_open_finding_and_a_reversed_record_is_never_deducted(audit: AuditHarness) -> None:
    # N art.10 (结算撤销) and art.13: a reversed settlement is never deducted
    open_one = doubtful(audit)
    await audit.record(open_one)
    finding = await eventually(lambda: audit.finding_of(open_one.setl_id, status="open"))
    await audit.reverse(open_one)
    closed = await eventually(lambda: audit.finding_of(open_one.setl_id, status="reversed"))
    view = await audit.get(f"/v1/findings/{closed['finding_id']}")
    assert [(d["decision"], d["reviewer"]) for d in view["decisions"]] == [("reverse", "system")]
    assert (await audit.decide(finding["finding_id"], {"decision": "confirm", **REVIEWER})).status_code == 409

    reversed_first = audit.settlement(audit.line(TCT))  # the reversal overtakes the record
    await audit.reverse(reversed_first)
    await audit.record(reversed_first)
    await eventually(lambda: audit.finding_of(reversed_first.setl_id, status="reversed"))
    assert await audit.read(topics.DEDUCTION_CONFIRMED, 0, linger=1.0) == []


async def test_bad_decisions_are_refused_and_change_nothing(audit: AuditHarness) -> None:
    # contract.md: 401 without a token, 404 for what does not exist, 422 naming the field; N art.13
    record = doubtful(audit)
    await audit.record(record)
    finding = await eventually(lambda: audit.finding_of(record.setl_id, status="open"))
    path = f"/v1/findings/{finding['finding_id']}/decision"
    assert (await audit.client.get("/v1/findings")).status_code == 401
    assert (await audit.client.post(path, json={"decision": "dismiss", **REVIEWER})).status_code == 401
    for body, field in [({"decision": "confirm", "amount": 5.5, **REVIEWER}, "amount"),  # a JSON number
                        ({"decision": "confirm", "amount": "22.01", **REVIEWER}, "amount"),  # > the fund's 22.00
                        ({"decision": "dismiss", "amount": "1.00", **REVIEWER}, "amount"),
                        ({"decision": "approve", **REVIEWER}, "decision"),
                        ({"decision": "confirm", "reason": "x"}, "reviewer")]:
        response = await audit.client.post(path, headers=operator_headers(), json=body)
        assert response.status_code == 422, (body, response.text)
        assert field in [e["field"] for e in response.json()["errors"]], response.json()
    unknown = await audit.decide("00000000-0000-0000-0000-000000000000", {"decision": "dismiss", **REVIEWER})
    assert unknown.status_code == 404
    assert (await audit.get(f"/v1/findings/{finding['finding_id']}"))["status"] == "open"
    bad_cursor = await audit.client.get("/v1/findings", headers=operator_headers(), params={"cursor": "nope"})
    assert bad_cursor.status_code == 422
    bad_rule = await audit.client.get("/v1/findings", headers=operator_headers(), params={"rule_id": "NOPE-01"})
    assert bad_rule.status_code == 422


async def test_the_queue_pages_with_a_cursor_and_filters_by_rule(audit: AuditHarness) -> None:  # N art.13
    records = [doubtful(audit) for _ in range(3)]
    for record in records:
        await audit.record(record)
    await eventually(lambda: audit.finding_of(records[-1].setl_id, status="open"))
    seen, cursor = [], None
    while True:
        params = {"fixmedins_code": audit.code, "rule_id": "MED-IND-01", "limit": 2,
                  **({"cursor": cursor} if cursor else {})}
        page = await audit.get("/v1/findings", **params)
        seen += [f["setl_id"] for f in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [r.setl_id for r in records]
    assert (await audit.get("/v1/findings", fixmedins_code=audit.code, rule_id="POL-SEX-01"))["items"] == []


async def test_a_bad_configuration_is_refused_and_the_one_in_force_stays(audit: AuditHarness) -> None:
    # JL art.13: a region's parameters, validated; contract.md: 422 naming each field
    path = f"/v1/regions/{audit.region}/audit-config"
    assert (await audit.client.get(path)).status_code == 401
    response = await audit.put(path, {"sample_share": "2", "rules": {"MED-LOS-01": {"params": {"norms": {"J18": 0}}}}})
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert "sample_share" in fields
    assert (await audit.put(path, {"rules": {"MED-LOS-01": {"params": {"norms": {"J18": 0}}}}})).json()["errors"][0][
        "field"] == "rules.MED-LOS-01.params.norms.J18"
    assert (await audit.put(f"{path}/rules/NOPE-01", {"enabled": False})).status_code == 404
    assert (await audit.get(path))["version"] == 0
    rules = await audit.get("/v1/rules")
    assert len(rules["rules"]) >= 20 and all(r["source"] for r in rules["rules"])
