"""A region for a console test, set up through the services' APIs as institutions and a machine would: a Jilin
policy (audit first, 60 % daily, JL art.11), one enrolled hospital, and its settlements of 2025-09-02."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from launcher.demo_data import DemoInstitution, demo_institutions
from launcher.testing import eventually, operator_headers
from tests.console.conftest import Console
from tests.e2e.api import Api
from tests.e2e.test_audit_review import CONSULT, DAY, METFORMIN, a_record

__all__ = ["DAY", "Region", "a_region", "its_warning"]


@dataclass
class Region:
    admdvs: str
    api: Api
    hospital: DemoInstitution
    token: str
    records: list[dict[str, Any]]


async def a_region(console: Console, client: httpx.AsyncClient, admdvs: str, *, doubtful: bool = False,
                   watched: bool = False) -> Region:
    """Two clean records (90.00 fee lines: 15.00 paid by the fund each); with ``doubtful`` a third the audit holds
    as suspicious (metformin without a diabetes diagnosis, MED-IND-01). ``watched``: the region warns (yellow)
    from a violation rate of 20 % over three records (N art.20), so the doubtful third raises a warning."""
    api = Api(console.stack, client)
    await api.policy(admdvs, {"pack": "jilin", "effective_from": "2025-01-01"})
    # No random sample: the default 1 % sends one of the two clean records to review in about one region in
    # fifty, and its month would then wait for that review too (N art.13, SX §3).
    await api.audit_config(admdvs, {"sample_share": "0"})
    if watched:
        response = await client.put(api.url("audit", f"/v1/regions/{admdvs}/risk-indicators"),
                                    headers=operator_headers(), json={"indicators": {"violation_rate": {
                                        "basis": "absolute", "warn": "0.2", "severe": "0.5", "min_records": 3}}})
        assert response.status_code == 200, response.text
    hospital = demo_institutions(admdvs, prefix=f"K{admdvs}")[0]
    token = await api.register(hospital)
    await api.enroll(hospital.fixmedins_code)
    records = [a_record(f"C{admdvs}{n}", f"{admdvs}P{n}", [(CONSULT, 1)], ["J06.9"]) for n in (1, 2)]
    if doubtful:
        records.append(a_record(f"D{admdvs}", f"{admdvs}P3", [(CONSULT, 1), (METFORMIN, 30)], ["J06.9"]))
    response = await api.post(token, {"records": records})
    assert [r["status"] for r in response.json()["results"]] == ["accepted"] * len(records), response.text
    await api.wait_intake(admdvs, audited=len(records))
    return Region(admdvs, api, hospital, token, records)


async def its_warning(world: Region) -> dict[str, Any]:
    """The one warning a watched region's doubtful record raises, once audit has judged the day."""
    async def raised() -> dict[str, Any] | None:
        items = (await world.api.operator_get("audit", "/v1/risk/warnings", admdvs=world.admdvs))["items"]
        return items[0] if items else None
    return dict(await eventually(raised))
