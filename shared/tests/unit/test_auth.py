"""Bearer tokens at the door (contract.md, Auth: "No token: 401")."""

from __future__ import annotations

import httpx
from fastapi import FastAPI
from pydantic import BaseModel
from starlette.requests import Request

from shared.auth import TokenFirst, bearer_token
from shared.problems import install_problem_handlers


class Body(BaseModel):
    n: int


def an_app() -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)
    app.add_middleware(TokenFirst)

    @app.post("/v1/things")
    async def things(body: Body) -> dict[str, int]:
        return {"n": body.n}

    @app.get("/health/live")
    async def live() -> dict[str, str]:
        return {"status": "ok"}

    return app


async def call(method: str, path: str, **kwargs: object) -> httpx.Response:
    transport = httpx.ASGITransport(app=an_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        return await client.request(method, path, **kwargs)  # type: ignore[arg-type]


async def test_no_token_is_401_before_the_body_is_looked_at() -> None:
    """A malformed body without a token is 401, not 400: nothing about the API is learnt without a token."""
    response = await call("POST", "/v1/things", content=b'{"n": ')
    assert response.status_code == 401 and response.headers["www-authenticate"] == "Bearer"
    assert response.headers["content-type"] == "application/problem+json"
    assert (await call("POST", "/v1/things", headers={"authorization": "Basic abc"}, json={"n": 1})).status_code == 401


async def test_a_token_lets_the_request_through_and_health_needs_none() -> None:
    """The route itself decides whether the token is right; health checks are for probes, without one."""
    response = await call("POST", "/v1/things", headers={"authorization": "Bearer x"}, json={"n": 1})
    assert response.status_code == 200 and response.json() == {"n": 1}
    assert (await call("GET", "/health/live")).status_code == 200


def test_the_token_is_read_from_a_bearer_header_only() -> None:
    """contract.md, Auth: ``Authorization: Bearer <token>``."""
    def request(value: str) -> Request:
        return Request({"type": "http", "headers": [(b"authorization", value.encode())]})

    assert bearer_token(request("Bearer  tok ")) == "tok"
    assert bearer_token(request("bearer tok")) == "tok"
