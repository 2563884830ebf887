"""The bank-enterprise link (银企直联) as the gateway uses it: ask about a voucher, cancel one the bank has
not accepted, and fetch what the bank paid on a value date. Over HTTP to the bank (the simulator speaks it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import httpx

from bank_gateway.domain.reconciliation import BankPayment
from shared.contracts.events import ReceiptReturned
from shared.money import money_text, parse_money


class BankUnavailable(Exception):
    """The bank did not answer, or answered with something that is not an answer: ask again later."""


@dataclass(frozen=True)
class StatusAnswer:
    #: The bank's word for the order (paid, rejected, cancelled, accepted), or None when it has never seen it.
    status: str | None
    #: The receipt, once the bank has finished with the order: applied as a pushed receipt would be.
    receipt: ReceiptReturned | None


@dataclass(frozen=True)
class CancelAnswer:
    cancelled: bool
    bank_status: str
    bank_ref: str


class BankLink:
    def __init__(self, base_url: str, credential: str, timeout_s: float) -> None:
        self._base_url, self._credential, self._timeout = base_url.rstrip("/"), credential, timeout_s
        self._client: httpx.AsyncClient | None = None

    def _http(self) -> httpx.AsyncClient:
        # Built on first use, inside the running loop; one pooled client for the process.
        if self._client is None:
            self._client = httpx.AsyncClient(base_url=self._base_url, timeout=self._timeout,
                                             headers={"authorization": f"Bearer {self._credential}"})
        return self._client

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def _call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            response = await self._http().request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise BankUnavailable(f"{type(exc).__name__}: {exc}") from exc
        if response.status_code >= 500 or response.status_code in (401, 403, 429):
            raise BankUnavailable(f"{method} {path}: HTTP {response.status_code}")
        return response

    async def status(self, voucher_no: str) -> StatusAnswer:
        response = await self._call("GET", f"/v1/payments/{voucher_no}")
        if response.status_code == 404:
            return StatusAnswer(None, None)
        body = self._json(response)
        receipt = body.get("receipt")
        return StatusAnswer(str(body.get("status")), ReceiptReturned.model_validate(receipt) if receipt else None)

    async def cancel(self, voucher_no: str, amount: Decimal) -> CancelAnswer:
        response = await self._call("POST", f"/v1/payments/{voucher_no}/cancellation",
                                    json={"amount": money_text(amount)})
        body = self._json(response, allow=(409,))
        if response.status_code == 409:
            return CancelAnswer(False, str(body.get("bank_status", "accepted")), "")
        return CancelAnswer(body.get("status") == "cancelled", str(body.get("status")), str(body.get("bank_ref", "")))

    async def paid_on(self, value_date: date) -> list[BankPayment]:
        response = await self._call("GET", "/v1/payments", params={"value_date": value_date.isoformat()})
        body = self._json(response)
        return [BankPayment(str(p["voucher_no"]), parse_money(p["amount"])) for p in body["payments"]]

    @staticmethod
    def _json(response: httpx.Response, allow: tuple[int, ...] = ()) -> dict[str, Any]:
        if response.status_code != 200 and response.status_code not in allow:
            raise BankUnavailable(f"unexpected HTTP {response.status_code}: {response.text[:200]}")
        try:
            return dict(response.json())
        except ValueError as exc:
            raise BankUnavailable("the bank's answer is not JSON") from exc
