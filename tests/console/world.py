"""A region for a console test, set up through the services' APIs as institutions and a machine would: a Jilin
policy (audit first, 60 % daily, JL art.11), one enrolled hospital, and its settlements of 2025-09-02."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from launcher.demo_data import DemoInstitution, demo_institutions
from tests.console.conftest import Console
from tests.e2e.api import Api
from tests.e2e.test_audit_review import CONSULT, DAY, METFORMIN, a_record

__all__ = ["DAY", "Region", "a_region"]


@dataclass
class Region:
    admdvs: str
    api: Api
    hospital: DemoInstitution
    token: str
    records: list[dict[str, Any]]


async def a_region(console: Console, client: httpx.AsyncClient, admdvs: str, *, doubtful: bool = False) -> Region:
    """Two clean records (90.00 fee lines: 15.00 paid by the fund each); with ``doubtful`` a third the audit holds
    as suspicious (metformin without a diabetes diagnosis, MED-IND-01)."""
    api = Api(console.stack, client)
    await api.policy(admdvs, {"pack": "jilin", "effective_from": "2025-01-01"})
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
