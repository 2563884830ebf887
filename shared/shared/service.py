"""What turns a service's routers and consumers into a running process: one ``Runtime`` (engine, producer,
outbox relay, idempotent consumer) and ``service_app`` (FastAPI with problems, health, body limit)."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any, Generic, TypeVar

from aiokafka import AIOKafkaProducer
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel
from sqlalchemy import text

from shared.db import make_engine, make_sessionmaker
from shared.messaging.consumer import IdempotentConsumer, Subscription
from shared.messaging.kafka import make_producer
from shared.messaging.relay import OutboxRelay
from shared.messaging.uow import UnitOfWork
from shared.migrations import current_revision, head_revision
from shared.problems import BodyLimit, install_problem_handlers
from shared.settings import ServiceSettings

log = logging.getLogger(__name__)
U = TypeVar("U", bound=UnitOfWork)


class Runtime(Generic[U]):
    """The long-lived parts of one service process, started and stopped by the app's lifespan."""

    def __init__(
        self,
        settings: ServiceSettings,
        *,
        package: str,
        uow_class: Callable[..., U],
        subscriptions: Sequence[Subscription[U]] = (),
        background: Sequence[Callable[[Callable[[], U], asyncio.Event], Awaitable[None]]] = (),
    ) -> None:
        self.settings = settings
        self.package = package
        self.engine = make_engine(settings)
        self.sessionmaker = make_sessionmaker(self.engine)
        self._uow_class = uow_class
        # aiokafka clients must be built inside the running event loop: see start().
        self.producer: AIOKafkaProducer | None = None
        self.relay: OutboxRelay | None = None
        self.consumer: IdempotentConsumer[U] | None = None
        if subscriptions:
            self.consumer = IdempotentConsumer(
                settings, name=settings.SERVICE, subscriptions=subscriptions, uow_factory=self.uow
            )
        self._background = background
        self._stopping = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._head = head_revision(package)

    def uow(self) -> U:
        return self._uow_class(self.sessionmaker)

    async def start(self) -> None:
        self.producer = make_producer(self.settings)
        await self.producer.start()
        self.relay = OutboxRelay(self.settings, self.producer)
        self._tasks.append(self._watch(asyncio.create_task(self.relay.run(), name="outbox-relay")))
        if self.consumer is not None:
            self._tasks.append(self._watch(asyncio.create_task(self.consumer.run(), name="consumer")))
        for job in self._background:
            task = asyncio.create_task(job(self.uow, self._stopping), name=getattr(job, "__name__", "background"))
            self._tasks.append(self._watch(task))

    async def stop(self) -> None:
        """Stop taking messages and let the batch in flight commit; then drain the outbox and close."""
        self._stopping.set()
        if self.consumer is not None:
            self.consumer.stop()
        workers = [t for t in self._tasks if t.get_name() != "outbox-relay"]
        if workers:
            await asyncio.wait(workers, timeout=12)
        if self.relay is not None:
            self.relay.stop()  # after the workers: what they committed last is published before exit
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=5)
        for task in self._tasks:
            task.cancel()
        if self.producer is not None:
            await self.producer.stop()
        await self.engine.dispose()

    def _watch(self, task: asyncio.Task[None]) -> asyncio.Task[None]:
        def done(t: asyncio.Task[None]) -> None:
            if not t.cancelled() and t.exception() is not None:
                # A dead consumer or relay must not leave a process that looks alive: stop it, loudly.
                log.critical("%s died: %r; stopping the process", t.get_name(), t.exception(),
                             exc_info=t.exception())
                os.kill(os.getpid(), signal.SIGTERM)

        task.add_done_callback(done)
        return task

    async def readiness(self) -> dict[str, Any]:
        checks: dict[str, Any] = {}
        try:
            async with self.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
                revision = await current_revision(conn)
            checks["database"] = "ok"
            checks["migrations"] = "ok" if revision == self._head else f"at {revision}, head is {self._head}"
        except Exception as exc:  # readiness reports, it does not raise
            checks["database"] = f"unreachable: {type(exc).__name__}"
        if self.consumer is not None:
            checks["consumer"] = "ok" if self.consumer.assigned else "no partitions assigned yet"
        return checks


def _operation_id(route: APIRoute) -> str:
    return f"{route.tags[0]}-{route.name}" if route.tags else route.name


def service_app(
    runtime: Runtime[Any],
    *,
    title: str,
    description: str,
    routers: Sequence[APIRouter],
    max_body_bytes: int = 1024 * 1024,
    extra_schemas: Sequence[type[BaseModel]] = (),
) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await runtime.start()
        try:
            yield
        finally:
            await runtime.stop()

    app = FastAPI(title=title, description=description, version="1.0.0", lifespan=lifespan,
                  generate_unique_id_function=_operation_id)
    app.state.runtime = runtime
    install_problem_handlers(app)
    app.add_middleware(BodyLimit, max_bytes=max_body_bytes)
    for router in routers:
        app.include_router(router)
    if extra_schemas:
        _add_component_schemas(app, extra_schemas)

    @app.get("/health/live", tags=["health"], include_in_schema=False)
    async def live() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/health/ready", tags=["health"], include_in_schema=False)
    async def ready() -> JSONResponse:
        checks = await runtime.readiness()
        ok = all(v == "ok" for v in checks.values())
        return JSONResponse({"status": "ok" if ok else "not ready", "checks": checks}, status_code=200 if ok else 503)

    return app


def _add_component_schemas(app: FastAPI, models: Sequence[type[BaseModel]]) -> None:
    """Publish models a route parses by hand (to give a result per record) in the OpenAPI components."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = build()
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for model in models:
            model_schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
            for name, definition in model_schema.pop("$defs", {}).items():
                components.setdefault(name, definition)
            components.setdefault(model.__name__, model_schema)
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def runtime_of(request: Request) -> Runtime[Any]:
    return request.app.state.runtime
