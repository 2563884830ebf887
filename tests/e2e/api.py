"""A small client of the system's public APIs, as an institution's software and an operator would call them."""

from __future__ import annotations

import asyncio
import time
from decimal import Decimal
from typing import Any

import httpx

from launcher.demo_data import DemoInstitution
from launcher.policy import policy_in_force
from launcher.stack import Stack
from launcher.testing import operator_headers
from shared.money import ZERO, money_text


class Api:
    def __init__(self, stack: Stack, client: httpx.AsyncClient) -> None:
        self.stack, self.client = stack, client

    def url(self, service: str, path: str) -> str:
        return self.stack.url(service) + path

    async def register(self, institution: DemoInstitution) -> str:
        response = await self.client.post(self.url("claims", "/v1/institutions"), headers=operator_headers(),
                                          json=institution.registration())
        assert response.status_code == 201, response.text
        return str(response.json()["token"])

    async def enroll(self, fixmedins_code: str, timeout: float = 30) -> dict[str, Any]:
        """N art.4: an institution joins instant settlement; retried until its registration reaches disbursement."""
        deadline = time.monotonic() + timeout
        while True:
            response = await self.client.post(self.url("disbursement", f"/v1/enrollments/{fixmedins_code}"),
                                              headers=operator_headers(), json={"action": "enroll", "reason": "pilot"})
            if response.status_code != 404:
                assert response.status_code == 200, response.text
                return dict(response.json())
            assert time.monotonic() < deadline, f"{fixmedins_code} never reached disbursement"
            await asyncio.sleep(0.2)

    async def policy(self, admdvs: str, body: dict[str, Any]) -> dict[str, Any]:
        return await policy_in_force(self.client, self.url("disbursement", ""), admdvs, body,
                                     headers=operator_headers())

    async def audit_config(self, admdvs: str, body: dict[str, Any]) -> dict[str, Any]:
        response = await self.client.put(self.url("audit", f"/v1/regions/{admdvs}/audit-config"),
                                         headers=operator_headers(), json=body)
        assert response.status_code == 200, response.text
        return dict(response.json())

    async def post(self, token: str, body: Any) -> httpx.Response:
        return await self.client.post(self.url("claims", "/v1/settlements"),
                                      headers={"authorization": f"Bearer {token}"}, json=body)

    async def view(self, token: str, setl_id: str) -> httpx.Response:
        return await self.client.get(self.url("claims", f"/v1/settlements/{setl_id}"),
                                     headers={"authorization": f"Bearer {token}"})

    async def operator_get(self, service: str, path: str, **params: Any) -> dict[str, Any]:
        response = await self.client.get(self.url(service, path), headers=operator_headers(), params=params)
        assert response.status_code == 200, response.text
        return dict(response.json())

    async def daily_run(self, admdvs: str, business_date: str, *, signed_by: str | None = "张会计") -> dict[str, Any]:
        """The day's run, then the operator's signature every pack asks for (JL art.11) unless ``signed_by`` is
        None; signing a signed run returns it as it is."""
        response = await self.client.post(self.url("disbursement", "/v1/runs/daily-disbursement"),
                                          headers=operator_headers(),
                                          json={"admdvs": admdvs, "business_date": business_date})
        assert response.status_code == 200, response.text
        run = dict(response.json())
        if signed_by is None or run["status"] != "computed":
            return run
        response = await self.client.post(self.url("disbursement", f"/v1/runs/{run['run_id']}/sign-off"),
                                          headers=operator_headers(), json={"signed_by": signed_by})
        assert response.status_code == 200, response.text
        return dict(response.json())

    async def declare(self, token: str, period: str, records: list[dict[str, Any]]) -> dict[str, Any]:
        """申报 (N art.12): the month's totals per fund, summed from the records as the institution's system would."""
        totals: dict[str, dict[str, Any]] = {}
        for r in records:
            fund = totals.setdefault(r["insutype"], {"records": 0, "medfee_sumamt": ZERO, "fund_pay_sumamt": ZERO})
            fund["records"] += 1
            fund["medfee_sumamt"] += Decimal(r["medfee_sumamt"])
            fund["fund_pay_sumamt"] += Decimal(r["fund_pay_sumamt"])
        body = {"period": period, "totals": {k: {**v, "medfee_sumamt": money_text(v["medfee_sumamt"]),
                                                 "fund_pay_sumamt": money_text(v["fund_pay_sumamt"])}
                                             for k, v in totals.items()}}
        response = await self.client.post(self.url("claims", "/v1/declarations"),
                                          headers={"authorization": f"Bearer {token}"}, json=body)
        assert response.status_code in (200, 201), response.text
        return dict(response.json())

    async def monthly_settlement(self, admdvs: str, period: str, timeout: float = 60) -> dict[str, Any]:
        """The month's settlement, asked again while it answers 409 — its review or declarations have not reached
        disbursement yet (SX §3, N art.12) — as an operator would."""
        deadline = time.monotonic() + timeout
        while True:
            response = await self.client.post(self.url("disbursement", "/v1/runs/monthly-settlement"),
                                              headers=operator_headers(), json={"admdvs": admdvs, "period": period})
            if response.status_code != 409:
                assert response.status_code == 200, response.text
                return dict(response.json())
            assert time.monotonic() < deadline, response.text
            await asyncio.sleep(0.2)

    async def wait_intake(self, admdvs: str, *, audited: int, declarations: int = 0,
                          timeout: float = 60) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            counts = await self.operator_get("disbursement", "/v1/intake", admdvs=admdvs)
            if counts["recorded"] >= audited and counts["audited"] >= audited and \
                    counts["declarations"] >= declarations:
                return counts
            assert time.monotonic() < deadline, f"disbursement caught up only to {counts}, expecting {audited}"
            await asyncio.sleep(0.2)

    async def wait_settled(self, run: dict[str, Any], timeout: float = 60) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while any(line["status"] == "ordered" for line in run["lines"]):
            assert time.monotonic() < deadline, f"payments still unsettled: {run['lines']}"
            await asyncio.sleep(0.2)
            run = await self.operator_get("disbursement", f"/v1/runs/{run['run_id']}")
        return run
