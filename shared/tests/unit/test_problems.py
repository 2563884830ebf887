"""How the APIs answer when the database is away (contract.md: an overloaded or unavailable service answers 503
with Retry-After, never a timeout; a 500 is a bug of ours)."""

from __future__ import annotations

import asyncpg
import httpx
import sqlalchemy.exc
from fastapi import FastAPI

from shared.problems import install_problem_handlers


def an_app() -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)

    @app.get("/dropped")
    async def dropped() -> None:
        raise sqlalchemy.exc.DBAPIError("BEGIN", None, asyncpg.ConnectionDoesNotExistError("connection was closed"),
                                        connection_invalidated=True)

    @app.get("/pool-dry")
    async def pool_dry() -> None:
        raise sqlalchemy.exc.TimeoutError("QueuePool limit of size 10 overflow 10 reached")

    @app.get("/our-bug")
    async def our_bug() -> None:
        raise sqlalchemy.exc.ProgrammingError("SELECT nope", None, asyncpg.UndefinedColumnError("nope"))

    return app


async def get(path: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=an_app(), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        return await client.get(path)


async def test_a_dropped_connection_and_a_dry_pool_are_a_503_to_send_again() -> None:
    for path in ("/dropped", "/pool-dry"):
        response = await get(path)
        assert response.status_code == 503, path
        assert response.headers["retry-after"] == "1"
        assert response.json()["type"].endswith("/database-unavailable")


async def test_a_statement_of_ours_the_database_refuses_is_a_500_not_a_retry() -> None:
    response = await get("/our-bug")
    assert response.status_code == 500
    assert response.json()["type"].endswith("/internal-error")
