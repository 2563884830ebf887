"""One ASGI middleware for what every request needs observed: its correlation id (``X-Correlation-Id``, taken
when well-formed, generated otherwise, seen by the routes, echoed in the answer and carried by every event the
request causes), its metrics by route template, and its server span when tracing is on."""

from __future__ import annotations

import re
import time
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.observability import context, tracing
from shared.observability.metrics import HTTP_DURATION, HTTP_IN_FLIGHT, HTTP_REQUESTS

HEADER = b"x-correlation-id"
#: What a client may give as its correlation id; anything else is replaced (it ends up in logs and events).
_WELL_FORMED = re.compile(rb"^[A-Za-z0-9._:\-]{1,100}$")
_METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}
#: The route label of a request no route matched: a scanner's paths must not each become a series.
UNMATCHED = "(unmatched)"


class Observed:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        given = next((v for k, v in scope["headers"] if k == HEADER), None)
        correlation = given if given is not None and _WELL_FORMED.match(given) else uuid.uuid4().hex.encode()
        if correlation is not given:
            scope = {**scope, "headers": [*((k, v) for k, v in scope["headers"] if k != HEADER),
                                          (HEADER, correlation)]}
        status = 500  # unless a response starts: an exception that escapes is answered 500 further out

        async def answer(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message = {**message, "headers": [*message.get("headers", ()), (HEADER, correlation)]}
            await send(message)

        method = scope["method"] if scope["method"] in _METHODS else "OTHER"
        started = time.perf_counter()
        HTTP_IN_FLIGHT.inc()
        token = context.correlation_id.set(correlation.decode())
        try:
            with tracing.server_span(method, scope["path"], scope["headers"]) as span:
                try:
                    await self.app(scope, receive, answer)
                finally:
                    route = getattr(scope.get("route"), "path", None)
                    tracing.finish_server_span(span, method, route, status)
        finally:
            context.correlation_id.reset(token)
            HTTP_IN_FLIGHT.dec()
            label = route or UNMATCHED
            HTTP_REQUESTS.labels(method, label, str(status)).inc()
            HTTP_DURATION.labels(method, label).observe(time.perf_counter() - started)
