"""The services' public APIs, as the console calls them: the operator token, the signed-in person named in
``X-Jishi-Actor``, a problem+json answer turned into a ``Refusal`` the page can show."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx

from console.settings import ConsoleSettings
from shared.auth import actor_header


@dataclass
class Refusal(Exception):
    """A service said no (4xx) or could not answer (5xx, unreachable): its problem, for the page."""

    status: int
    title: str
    detail: str
    errors: list[dict[str, Any]] = field(default_factory=list)
    slug: str = ""

    def __str__(self) -> str:
        return f"{self.status} {self.title}: {self.detail}"


class Services:
    def __init__(self, settings: ConsoleSettings, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self._urls = {"claims": settings.claims_url, "audit": settings.audit_url,
                      "disbursement": settings.disbursement_url, "bank-gateway": settings.bank_gateway_url,
                      "accounting": settings.accounting_url}
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(30.0, connect=5.0), transport=transport,
            headers={"authorization": f"Bearer {settings.operator_token.get_secret_value()}"})

    async def close(self) -> None:
        await self._client.aclose()

    async def get(self, service: str, path: str, params: dict[str, Any] | None = None) -> Any:
        return (await self._send("GET", service, path, params=_clean(params))).json()

    async def raw(self, service: str, path: str, params: dict[str, Any] | None = None) -> httpx.Response:
        return await self._send("GET", service, path, params=_clean(params))

    async def post(self, service: str, path: str, body: Any, *, actor: str) -> Any:
        return (await self._send("POST", service, path, json=body, headers=actor_header(actor))).json()

    async def put(self, service: str, path: str, body: Any, *, actor: str) -> Any:
        return (await self._send("PUT", service, path, json=body, headers=actor_header(actor))).json()

    async def _send(self, method: str, service: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            response = await self._client.request(method, f"{self._urls[service]}{path}", **kwargs)
        except httpx.HTTPError as exc:
            raise Refusal(503, f"{service} unreachable", f"{type(exc).__name__}: {exc}") from exc
        if response.status_code >= 400:
            raise _refusal(service, response)
        return response


def _refusal(service: str, response: httpx.Response) -> Refusal:
    try:
        problem = response.json()
    except ValueError:
        problem = {}
    if not isinstance(problem, dict):
        problem = {}
    slug = str(problem.get("type", "")).rsplit("/", 1)[-1]
    return Refusal(response.status_code, str(problem.get("title") or f"{service} answered {response.status_code}"),
                   str(problem.get("detail") or response.text[:500]), list(problem.get("errors") or []), slug)


def _clean(params: dict[str, Any] | None) -> dict[str, Any] | None:
    return {k: v for k, v in params.items() if v not in (None, "")} if params else None
