"""Audit on the real broker: every recorded settlement through the region's rules, once (N art.13), the
cross-record rules reading the index across batches, and a region's parameters changed without a deploy."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from launcher.testing import eventually

if TYPE_CHECKING:
    from conftest import AuditHarness

CONSULT, BED, BLOOD, TCT = "110200001", "110900001", "250101015", "270300005"
REGION = "220100"


async def test_each_recorded_settlement_is_audited_once_with_its_findings(audit: AuditHarness) -> None:
    # N art.13: full coverage; 国家医保智能审核规则库（性别限定）
    person = "P-same-person"
    clean = audit.settlement(audit.line(CONSULT), audit.line(BLOOD), psn_no=person)
    second_visit = audit.settlement(audit.line(CONSULT), psn_no=person)  # a second visit that day: no duplicate
    female_test = audit.settlement(audit.line(TCT))  # a female-only test for a man
    await audit.record(clean)
    await audit.record(clean)  # sent twice (another event id): still audited once
    await audit.record(second_visit)
    await audit.record(female_test)
    by_id = await audit.audited(3)
    assert {k: len(v) for k, v in by_id.items()} == {clean.setl_id: 1, second_visit.setl_id: 1,
                                                     female_test.setl_id: 1}
    assert (by_id[clean.setl_id][0]["status"], by_id[clean.setl_id][0]["findings"]) == ("pass", [])
    assert by_id[second_visit.setl_id][0]["status"] == "pass"
    violation = by_id[female_test.setl_id][0]
    assert (violation["status"], violation["stage"], violation["vola_amt"]) == ("violation", "automatic", "120.00")
    assert [(f["rule_id"], f["vola_amt"], f["feedetl_sns"]) for f in violation["findings"]] == \
        [("POL-SEX-01", "120.00", [female_test.details[0].feedetl_sn])]


async def test_a_region_changes_a_rule_parameter_without_a_deploy(audit: AuditHarness) -> None:
    # JL art.13; 国家医保智能审核规则库（重复收费）: this region counts the person's other visits of the day
    response = await audit.put(f"/v1/regions/{REGION}/audit-config/rules/MGT-DUP-01",
                               {"params": {"scope": "institution"}})
    assert response.status_code == 200, response.text
    assert next(r for r in response.json()["rules"] if r["rule_id"] == "MGT-DUP-01")["params"] == \
        {"scope": "institution"}
    first = audit.settlement(audit.line(CONSULT), psn_no="P-twice")
    again = audit.settlement(audit.line(CONSULT), psn_no="P-twice")
    await audit.record(first)
    await audit.record(again)
    by_id = await audit.audited(2)
    assert by_id[first.setl_id][0]["status"] == "pass"
    assert [f["rule_id"] for f in by_id[again.setl_id][0]["findings"]] == ["MGT-DUP-01"]
    config = await audit.get(f"/v1/regions/{REGION}/audit-config")
    assert config["version"] == 1


async def test_the_index_carries_history_from_one_batch_to_the_next(audit: AuditHarness) -> None:
    # N art.13; 国家医保智能审核规则库（住院时间重叠）: two hospitals' stays of one person, audited apart
    person = "P-two-beds"
    days = [audit.line(BED, at=f"2025-09-0{d}T12:00:00") for d in (1, 2, 3)]
    first = audit.settlement(*days, psn_no=person, med_type="21", adm_date="2025-09-01", dscg_date="2025-09-04",
                             setl_time="2025-09-04T10:00:00", dise_codg=["J18.9"])
    await audit.record(first, fixmedins_code="H-ONE")
    await audit.audited(1)
    await asyncio.sleep(0.3)  # the first batch committed: the second reads it from the index
    overlapping = audit.settlement(audit.line(BED, at="2025-09-02T12:00:00"), audit.line(BED, at="2025-09-03T12:00:00"),
                                   psn_no=person, med_type="21", adm_date="2025-09-02", dscg_date="2025-09-05",
                                   setl_time="2025-09-05T10:00:00", dise_codg=["K35.8"])
    await audit.record(overlapping)
    by_id = await audit.audited(2)
    outcome = by_id[overlapping.setl_id][0]
    assert outcome["status"] == "suspicious"
    assert {"MGT-OVL-01", "MGT-DUP-02"} <= {f["rule_id"] for f in outcome["findings"]}
    assert "H-ONE" in next(f for f in outcome["findings"] if f["rule_id"] == "MGT-OVL-01")["description"]


async def test_sampled_records_are_published_as_sampled_and_wait_for_review(audit: AuditHarness) -> None:
    # N art.13: 随机抽审, reproducible with the seed recorded
    response = await audit.put(f"/v1/regions/{REGION}/audit-config", {"sample_share": "1", "sample_seed": 99})
    assert response.status_code == 200, response.text
    clean = audit.settlement(audit.line(CONSULT))
    await audit.record(clean)
    [outcome] = (await audit.audited(1))[clean.setl_id]
    assert (outcome["status"], outcome["sampled"]) == ("pass", True)
    finding = await eventually(lambda: audit.finding_of(clean.setl_id, status="open"))
    assert (finding["kind"], finding["vola_amt"]) == ("sampled", "0.00")
    view = await audit.get(f"/v1/findings/{finding['finding_id']}")
    assert (view["sample_seed"], view["sample_share"]) == (99, "1.0000")
