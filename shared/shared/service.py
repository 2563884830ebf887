"""What turns a service's routers and consumers into a running process: one ``Runtime`` (engine, producer,
outbox relay, idempotent consumer) and ``service_app`` (FastAPI with problems, health, metrics, body limit).

Shutdown (SIGTERM): the process stops taking work at once — the HTTP server accepts no new connection, the
consumer takes no new batch, background jobs see ``stopping`` — and readiness answers 503. Then what is in
flight finishes: HTTP requests (half the budget at most), the consumer's batch and its offsets, the
background jobs; then the outbox is flushed and the process exits, all within ``shutdown_timeout_s``."""

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
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from prometheus_client import CONTENT_TYPE_LATEST
from pydantic import BaseModel
from sqlalchemy import text

from shared.auth import TokenFirst
from shared.db import make_engine, make_sessionmaker
from shared.messaging.consumer import IdempotentConsumer, Subscription
from shared.messaging.kafka import make_producer
from shared.messaging.relay import OutboxRelay
from shared.messaging.uow import UnitOfWork
from shared.migrations import current_revision, head_revision
from shared.observability.http import Observed
from shared.observability.metrics import DatabaseGauge, RuntimeMetrics
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
        gauges: Sequence[DatabaseGauge] = (),
        ready_without_partitions: bool = False,
        kafka: bool = True,
    ) -> None:
        """``gauges``: the service's own state for ``/metrics``, read from its database when scraped.
        ``ready_without_partitions``: for a service whose work is its API, which must not leave its
        Service's endpoints while its consumer's group rebalances (claims: see its main.py). ``kafka``: False for a
        process that publishes and consumes nothing (the console, which acts through the services' APIs)."""
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
        self._kafka = kafka
        self._background = background
        self._ready_without_partitions = ready_without_partitions
        self._stopping = asyncio.Event()
        self._stop_requested_at: float | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._tasks: list[asyncio.Task[None]] = []
        #: A part of the runtime died and stopped the process: it exits 1, not 0.
        self.failed = False
        self._head = head_revision(package)
        self.metrics = RuntimeMetrics(
            self.engine, gauges=gauges,
            consumer=lambda: self.consumer.state() if self.consumer is not None else None,
            relay_leader=lambda: self.relay.is_leader if self.relay is not None else None,
        )

    def uow(self) -> U:
        return self._uow_class(self.sessionmaker)

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        if self._kafka:
            self.producer = make_producer(self.settings)
            await self.producer.start()
            self.relay = OutboxRelay(self.settings, self.producer)
            self._tasks.append(self._watch(asyncio.create_task(self.relay.run(), name="outbox-relay")))
        if self.consumer is not None:
            self._tasks.append(self._watch(asyncio.create_task(self.consumer.run(), name="consumer")))
        for job in self._background:
            task = asyncio.create_task(job(self.uow, self._stopping), name=getattr(job, "__name__", "background"))
            self._tasks.append(self._watch(task))

    def request_stop(self) -> None:
        """Stop taking work, from a signal handler (the HTTP server stops on the same signal)."""
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._stop_taking_work)

    def _stop_taking_work(self) -> None:
        if self._stop_requested_at is None:
            self._stop_requested_at = asyncio.get_running_loop().time()
            log.info("stopping: no new work; finishing what is in flight")
        self._stopping.set()
        if self.consumer is not None:
            self.consumer.stop()

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    async def stop(self) -> None:
        """Let the consumer's batch in flight commit and the background jobs end; then flush the outbox and
        close, within what is left of ``shutdown_timeout_s`` since the stop was asked for."""
        self._stop_taking_work()
        loop = asyncio.get_running_loop()
        assert self._stop_requested_at is not None
        deadline = self._stop_requested_at + self.settings.shutdown_timeout_s

        def left(keep: float) -> float:  # keep: seconds kept back for the steps after this one
            return max(deadline - keep - loop.time(), 0.5)

        workers = [t for t in self._tasks if t.get_name() != "outbox-relay"]
        if workers:
            await asyncio.wait(workers, timeout=left(3.0))
        if self.relay is not None:
            self.relay.stop()  # after the workers: what they committed last is published before exit
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=left(1.0))
        late = [t.get_name() for t in self._tasks if not t.done()]
        if late:
            log.warning("stopping: %s still running at the deadline; cancelled (a batch not committed is "
                        "delivered again, unsent outbox rows are published by the next relay)", ", ".join(late))
        for task in self._tasks:
            task.cancel()
        if self.producer is not None:
            try:
                await asyncio.wait_for(self.producer.stop(), timeout=left(0.0))
            except TimeoutError:
                log.warning("stopping: the Kafka producer did not close in time")
        await self.engine.dispose()
        log.info("stopped")

    def _watch(self, task: asyncio.Task[None]) -> asyncio.Task[None]:
        def done(t: asyncio.Task[None]) -> None:
            if not t.cancelled() and t.exception() is not None:
                # A dead consumer or relay must not leave a process that looks alive: stop it, loudly.
                log.critical("%s died: %r; stopping the process", t.get_name(), t.exception(),
                             exc_info=t.exception())
                self.failed = True
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
        if self.consumer is not None and not self._ready_without_partitions:
            checks["consumer"] = "ok" if self.consumer.assigned else "no partitions assigned yet"
        if self.stopping:
            checks["shutdown"] = "stopping: finishing what is in flight"
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
    app.add_middleware(TokenFirst)
    app.add_middleware(BodyLimit, max_bytes=max_body_bytes)
    app.add_middleware(Observed)  # outermost: it sees every answer, a 413 from the body limit too
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

    @app.get("/metrics", tags=["health"], include_in_schema=False)
    async def metrics() -> Response:
        return Response(await runtime.metrics.render(), media_type=CONTENT_TYPE_LATEST)

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
