"""What a service tells its operators (shared.observability, issue 9 item 4): JSON log lines with the ids of
the work in hand, HTTP metrics by route template with a correlation id, business counters from the events
published, and traces that are off unless the OTEL_* variables ask for them."""

from __future__ import annotations

import io
import json
import logging
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from prometheus_client import REGISTRY
from pydantic import BaseModel

from shared.contracts import topics
from shared.messaging.envelope import Envelope, Event, Topic
from shared.messaging.outbox import Outbox
from shared.observability import business, context, tracing
from shared.observability.http import Observed
from shared.observability.logs import JsonFormatter


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


# logs -------------------------------------------------------------------------------------------------------


def log_line(emit: Any) -> dict[str, Any]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter("audit"))
    logger = logging.getLogger(f"test.{uuid.uuid4().hex}")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    emit(logger)
    return json.loads(stream.getvalue())


def test_a_log_line_is_json_with_the_ids_of_the_work_in_hand() -> None:
    with context.bound(correlation_id="req-1", event_id="e-1", setl_id="S0001"):
        line = log_line(lambda log: log.warning("audited %d", 3))
    assert line["message"] == "audited 3" and line["level"] == "WARNING" and line["service"] == "audit"
    assert (line["correlation_id"], line["event_id"], line["setl_id"]) == ("req-1", "e-1", "S0001")
    assert "trace_id" not in line  # tracing is off


def test_ids_given_with_the_line_win_and_outside_a_task_there_are_none() -> None:
    with context.bound(event_id="batch"):
        line = log_line(lambda log: log.error("to the DLQ", extra={"event_id": "the-one"}))
    assert line["event_id"] == "the-one"
    assert "correlation_id" not in log_line(lambda log: log.info("idle"))


def test_an_exception_is_in_the_line() -> None:
    def emit(log: logging.Logger) -> None:
        try:
            raise ValueError("boom")
        except ValueError:
            log.exception("failed")

    assert "ValueError: boom" in log_line(emit)["exc"]


# HTTP -------------------------------------------------------------------------------------------------------


def observed_app() -> FastAPI:
    app = FastAPI()
    app.add_middleware(Observed)

    @app.get("/things/{thing_id}")
    async def thing(thing_id: str) -> dict[str, Any]:
        return {"correlation_id": context.correlation_id.get(), "trace": tracing.outbox_headers(None)}

    @app.get("/broken")
    async def broken() -> None:
        raise RuntimeError("a bug")

    return app


async def get(path: str, headers: dict[str, str] | None = None) -> httpx.Response:
    transport = httpx.ASGITransport(app=observed_app(), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        return await client.get(path, headers=headers)


async def test_requests_are_counted_and_timed_by_route_template_not_by_path() -> None:
    route = {"method": "GET", "route": "/things/{thing_id}"}
    before = sample("jishi_http_requests_total", **route, status="200")
    timed = sample("jishi_http_request_duration_seconds_count", **route)
    await get("/things/a")
    await get("/things/b")
    assert sample("jishi_http_requests_total", **route, status="200") == before + 2
    assert sample("jishi_http_request_duration_seconds_count", **route) == timed + 2


async def test_unknown_paths_share_one_label_and_errors_count_as_500() -> None:
    unmatched = sample("jishi_http_requests_total", method="GET", route="(unmatched)", status="404")
    errors = sample("jishi_http_requests_total", method="GET", route="/broken", status="500")
    await get(f"/scan/{uuid.uuid4().hex}")
    assert (await get("/broken")).status_code == 500
    assert sample("jishi_http_requests_total", method="GET", route="(unmatched)", status="404") == unmatched + 1
    assert sample("jishi_http_requests_total", method="GET", route="/broken", status="500") == errors + 1


async def test_a_correlation_id_is_taken_or_made_seen_by_the_route_and_echoed() -> None:
    given = await get("/things/a", {"x-correlation-id": "batch-2025-09-01.7"})
    assert given.headers["x-correlation-id"] == given.json()["correlation_id"] == "batch-2025-09-01.7"
    made = await get("/things/a")
    assert made.headers["x-correlation-id"] == made.json()["correlation_id"] and len(made.json()["correlation_id"]) == 32
    hostile = await get("/things/a", {"x-correlation-id": "x\" injected=1" * 20})
    assert hostile.json()["correlation_id"] != "x\" injected=1" * 20  # replaced: it would end up in logs


# business counters ------------------------------------------------------------------------------------------


def envelope_bytes(payload: dict[str, Any]) -> bytes:
    return json.dumps({"event_id": str(uuid.uuid4()), "payload": payload}).encode()


def test_published_events_count_settlements_and_money_per_fund() -> None:
    accepted = sample("jishi_settlements_accepted_total")
    ordered = sample("jishi_payments_ordered_yuan_total", insutype="390")
    paid = sample("jishi_payments_paid_yuan_total", insutype="390")
    postponed = sample("jishi_payments_postponed_yuan_total", insutype="390")
    rejected = sample("jishi_payments_postponed_total", insutype="390", reason="rejected")
    non_working = sample("jishi_payments_postponed_total", insutype="390", reason="non-working-day")
    audited = sample("jishi_settlements_audited_total", status="violation", stage="automatic")
    business.note_published([
        (topics.SETTLEMENT_RECORDED.name, b"{}"), (topics.SETTLEMENT_RECORDED.name, b"{}"),
        (topics.SETTLEMENT_AUDITED.name, envelope_bytes({"status": "violation", "stage": "automatic"})),
        (topics.PAYMENT_ORDERED.name, envelope_bytes({"insutype": "390", "payment": "1234.56"})),
        (topics.PAYMENT_CONFIRMED.name, envelope_bytes({"insutype": "390", "amount": "1000.00"})),
        (topics.PAYMENT_REJECTED.name, envelope_bytes({"insutype": "390", "amount": "234.56"})),
        (topics.LINES_ORDERED.name, envelope_bytes({"insutype": "390", "payment_status": "postponed"})),
        (topics.LINES_ORDERED.name, envelope_bytes({"insutype": "390", "payment_status": "ordered"})),
    ])
    assert sample("jishi_settlements_accepted_total") == accepted + 2
    assert sample("jishi_settlements_audited_total", status="violation", stage="automatic") == audited + 1
    assert sample("jishi_payments_ordered_yuan_total", insutype="390") == pytest.approx(ordered + 1234.56)
    assert sample("jishi_payments_paid_yuan_total", insutype="390") == pytest.approx(paid + 1000)
    assert sample("jishi_payments_postponed_yuan_total", insutype="390") == pytest.approx(postponed + 234.56)
    assert sample("jishi_payments_postponed_total", insutype="390", reason="rejected") == rejected + 1
    assert sample("jishi_payments_postponed_total", insutype="390", reason="non-working-day") == non_working + 1


def test_a_message_without_the_expected_fields_is_not_counted_and_does_not_stop_the_relay() -> None:
    published = sample("jishi_events_published_total", topic=topics.PAYMENT_ORDERED.name)
    business.note_published([(topics.PAYMENT_ORDERED.name, b'{"payload": {}}'), (topics.PAYMENT_ORDERED.name, b"x"),
                             (topics.PAYMENT_ORDERED.name, envelope_bytes({"insutype": "390", "payment": "-1.00"}))])
    assert sample("jishi_events_published_total", topic=topics.PAYMENT_ORDERED.name) == published + 3


# tracing ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("env", "wanted"), [
    ({}, False),
    ({"OTEL_SERVICE_NAME": "audit"}, False),
    ({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"}, True),
    ({"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://collector:4318/v1/traces"}, True),
    ({"OTEL_TRACES_EXPORTER": "console"}, True),
    ({"OTEL_TRACES_EXPORTER": "none", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"}, False),
    ({"OTEL_SDK_DISABLED": "true", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"}, False),
])
def test_tracing_is_on_only_when_the_standard_variables_ask(env: dict[str, str], wanted: bool) -> None:
    assert tracing.wanted(env) is wanted


def test_configured_without_the_variables_tracing_stays_off() -> None:
    assert tracing.configure("audit", {"OTEL_SERVICE_NAME": "audit"}) is False
    assert not tracing.enabled()


async def test_when_off_nothing_is_traced_and_events_carry_no_trace_headers() -> None:
    assert not tracing.enabled()
    outbox = Outbox(session=None)  # type: ignore[arg-type]  # add() only collects rows
    outbox.add(NOTED, noted(), key="H1")
    assert outbox._rows[0]["headers"] == {}
    assert (await get("/things/a")).json()["trace"] == {}


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    tracing.configure("test", {}, exporter=exporter)
    try:
        yield exporter
    finally:
        tracing.shutdown()


class Noted(BaseModel):
    setl_id: str


NOTED = Topic("toy.noted", Noted)


def noted() -> Noted:
    return Noted(setl_id="S0001")


@dataclass
class _Record:
    topic: str
    partition: int
    offset: int
    headers: list[tuple[str, bytes]]


@dataclass
class _Consumed:
    record: _Record
    event: Any


async def test_a_request_and_the_events_it_causes_downstream_are_one_trace(spans: InMemorySpanExporter) -> None:
    caller_trace = "4bf92f3577b34da6a3ce929d0e0e4736"
    response = await get("/things/a", {"traceparent": f"00-{caller_trace}-00f067aa0ba902b7-01",
                                       "x-correlation-id": "req-9"})
    written = response.json()["trace"]  # what an event written by that request carries
    assert written["traceparent"].split("-")[1] == caller_trace

    # A consumer applies that event in a batch with another request's; the event it writes in turn names
    # its cause by correlation id, and carries the consumed event's span.
    other = Envelope.wrap(NOTED, noted(), correlation_id="req-other")
    mine = Envelope.wrap(NOTED, noted(), correlation_id="req-9")
    batch = [_Consumed(_Record("t.toy.noted", 0, 1, []), Event(other, noted())),
             _Consumed(_Record("t.toy.noted", 0, 2,
                               [("traceparent", written["traceparent"].encode())]), Event(mine, noted()))]
    outbox = Outbox(session=None)  # type: ignore[arg-type]
    with tracing.consuming("audit", batch):
        outbox.add(NOTED, noted(), key="H1", correlation_id="req-9")
        raw = Envelope.wrap(NOTED, noted(), correlation_id="req-9").to_bytes()
        outbox.add_raw(NOTED.name, key="H1", value=raw)  # a hot path's own bytes
    server, consumed_other, consumed_mine = sorted(spans.get_finished_spans(), key=lambda s: s.start_time)
    assert server.name == "GET /things/{thing_id}" and server.attributes["http.route"] == "/things/{thing_id}"
    assert consumed_mine.parent.span_id == server.context.span_id
    assert format(consumed_mine.context.trace_id, "032x") == caller_trace
    assert consumed_other.context.trace_id != server.context.trace_id  # another request, another trace
    for row in outbox._rows:
        _, trace_id, parent_span, _ = row["headers"]["traceparent"].split("-")
        assert (trace_id, parent_span) == (caller_trace, format(consumed_mine.context.span_id, "016x"))

