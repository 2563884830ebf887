"""Claims on the real broker and PostgreSQL: its app served with its consumers, institutions registered
through the operators' API, and other services' events published as they would be."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import httpx
import pytest
from pydantic import BaseModel

from claims.main import create_app
from claims.settings import ClaimsSettings
from launcher.demo_data import DemoInstitution, SettlementFactory
from launcher.testing import Infra, migrate, operator_headers, publish, serving, settings_for
from shared.messaging.envelope import Envelope, Topic


class Claims:
    """The claims app under test, and what a test does through it."""

    def __init__(self, client: httpx.AsyncClient, settings: ClaimsSettings) -> None:
        self.client, self.settings = client, settings
        self._factories: dict[date, SettlementFactory] = {}

    async def institution(self, admdvs: str = "220100") -> tuple[DemoInstitution, dict[str, str]]:
        """A newly registered institution and the headers that authenticate it."""
        institution = DemoInstitution(f"H{secrets.token_hex(5).upper()}", "测试医院", admdvs, "1", "3",
                                      "102241000017", "62220001")
        response = await self.client.post("/v1/institutions", headers=operator_headers(),
                                          json=institution.registration())
        assert response.status_code == 201, response.text
        return institution, {"authorization": f"Bearer {response.json()['token']}"}

    async def upload(self, headers: dict[str, str], records: list[dict[str, Any]]) -> None:
        response = await self.client.post("/v1/settlements", headers=headers, json={"records": records})
        assert response.status_code == 200, response.text
        assert {r["status"] for r in response.json()["results"]} == {"accepted"}, response.text

    def records(self, institution: DemoInstitution, day: date, count: int) -> list[dict[str, Any]]:
        """New settlements of a business date (one factory per date, so their ids never repeat)."""
        factory = self._factories.setdefault(day, SettlementFactory(day, seed=day.toordinal()))
        return [factory.settlement(institution) for _ in range(count)]

    async def send(self, topic: Topic[Any], payload: BaseModel, key: str) -> None:
        """Publish an event as the service that owns ``topic`` would."""
        await publish(self.settings.kafka_bootstrap, self.settings.topic(topic.name),
                      Envelope.wrap(topic, payload).to_bytes(), key.encode())


@pytest.fixture
async def claims(infra: Infra, prefix: str, topics: str) -> AsyncIterator[Claims]:
    settings = settings_for(ClaimsSettings, infra, prefix, max_body_bytes=256 * 1024, max_batch_records=50,
                            intake_concurrency=2)
    await migrate("claims", settings)
    async with serving(create_app(settings)) as client:
        yield Claims(client, settings)
