"""OpenTelemetry traces across HTTP and Kafka, off unless the standard ``OTEL_*`` variables ask for them.

On when ``OTEL_EXPORTER_OTLP_ENDPOINT`` (or ``..._TRACES_ENDPOINT``) or ``OTEL_TRACES_EXPORTER`` (``otlp``,
``console``) is set, and ``OTEL_SDK_DISABLED`` is not ``true``; the rest of the standard variables apply as
the SDK reads them (``OTEL_SERVICE_NAME``, ``OTEL_RESOURCE_ATTRIBUTES``, ``OTEL_TRACES_SAMPLER[_ARG]``,
``OTEL_EXPORTER_OTLP_HEADERS``, ``OTEL_BSP_*``, ``OTEL_PROPAGATORS``). Off, every hook here returns at its
first line: the SDK is not even imported.

How one request's trace crosses Kafka: an HTTP request gets a server span (its parent from ``traceparent``);
an event written to the outbox carries, in the row's headers, the context of the span that caused it; the
relay sends those headers with the message; the consumer starts one span per event, a child of the
message's context, and events its handlers write in turn carry that span's context. A batch handler
handles many events at once, so the outbox finds the span by the event's correlation id, which every
handler passes on (``outbox.add(..., correlation_id=event.correlation_id)``).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from opentelemetry import context as otel_context
from opentelemetry import propagate, trace

log = logging.getLogger(__name__)

_tracer: trace.Tracer | None = None
_provider: Any = None
#: The consumer's spans of the batch in hand, by the correlation id of their event.
_by_correlation: ContextVar[Mapping[str, otel_context.Context]] = ContextVar("traces_by_correlation", default={})


def wanted(env: Mapping[str, str] | None = None) -> bool:
    """Whether the environment asks for traces (the OpenTelemetry SDK's own variables)."""
    env = os.environ if env is None else env
    if env.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return False
    exporter = env.get("OTEL_TRACES_EXPORTER", "").strip().lower()
    if exporter == "none":
        return False
    return bool(exporter or env.get("OTEL_EXPORTER_OTLP_ENDPOINT") or env.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"))


def enabled() -> bool:
    return _tracer is not None


def configure(service: str, env: Mapping[str, str] | None = None, *, exporter: Any = None) -> bool:
    """Start tracing for this process if the environment asks for it (or ``exporter`` is given: tests).
    Returns whether tracing is on."""
    global _tracer, _provider
    env = os.environ if env is None else env
    if exporter is None and not wanted(env):
        return False
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor

    # Attributes given here win over OTEL_SERVICE_NAME, so the default is only given when it is not set.
    resource = Resource.create({} if env.get("OTEL_SERVICE_NAME") else {"service.name": f"jishi-{service}"})
    provider = TracerProvider(resource=resource)
    if exporter is not None:
        provider.add_span_processor(SimpleSpanProcessor(exporter))
    else:
        for name in [n.strip() for n in env.get("OTEL_TRACES_EXPORTER", "otlp").lower().split(",") if n.strip()]:
            provider.add_span_processor(BatchSpanProcessor(_exporter(name, env)))
        trace.set_tracer_provider(provider)
        from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor

        HTTPXClientInstrumentor().instrument(tracer_provider=provider)  # the bank link, the scheduler's calls
    _provider, _tracer = provider, provider.get_tracer("jishi")
    log.info("tracing on: service %s", resource.attributes.get("service.name"))
    return True


def _exporter(name: str, env: Mapping[str, str]) -> Any:
    if name == "console":
        from opentelemetry.sdk.trace.export import ConsoleSpanExporter

        return ConsoleSpanExporter()
    if name != "otlp":
        raise ValueError(f"OTEL_TRACES_EXPORTER={name!r}: only otlp, console or none are installed")
    protocol = env.get("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL") or env.get("OTEL_EXPORTER_OTLP_PROTOCOL") or ""
    if protocol and protocol != "http/protobuf":
        log.warning("OTEL_EXPORTER_OTLP_PROTOCOL=%s: only http/protobuf is installed; using it", protocol)
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    return OTLPSpanExporter()


def shutdown() -> None:
    """Export what is still buffered and stop (the process is about to exit)."""
    global _tracer, _provider
    if _provider is not None:
        _provider.shutdown()
    _tracer, _provider = None, None


def current_ids() -> dict[str, str]:
    """The current trace and span ids, for a log line."""
    if _tracer is None:
        return {}
    span_context = trace.get_current_span().get_span_context()
    if not span_context.is_valid:
        return {}
    return {"trace_id": format(span_context.trace_id, "032x"), "span_id": format(span_context.span_id, "016x")}


@contextmanager
def server_span(method: str, path: str, headers: Sequence[tuple[bytes, bytes]]) -> Iterator[Any]:
    """The span of one HTTP request, its parent from the caller's ``traceparent``; ``None`` when off."""
    if _tracer is None:
        yield None
        return
    carrier = {k.decode("latin-1"): v.decode("latin-1") for k, v in headers}
    with _tracer.start_as_current_span(method, context=propagate.extract(carrier), kind=trace.SpanKind.SERVER,
                                       attributes={"http.request.method": method, "url.path": path}) as span:
        yield span


def finish_server_span(span: Any, method: str, route: str | None, status: int) -> None:
    if span is None:
        return
    if route:
        span.update_name(f"{method} {route}")
        span.set_attribute("http.route", route)
    span.set_attribute("http.response.status_code", status)
    if status >= 500:
        span.set_status(trace.Status(trace.StatusCode.ERROR))


@contextmanager
def consuming(consumer: str, items: Sequence[Any]) -> Iterator[None]:
    """A span per event being applied, each item having its ``record`` and ``event``; while it is open, the
    outbox gives each event written the context of the span of the event it names as its cause."""
    if _tracer is None or not items:
        yield
        return
    spans, by_correlation = [], {}
    for item in items:
        record, event = item.record, item.event
        carrier = {k: v.decode("latin-1") for k, v in (record.headers or ()) if isinstance(v, bytes)}
        span = _tracer.start_span(
            f"{record.topic} process", context=propagate.extract(carrier), kind=trace.SpanKind.CONSUMER,
            attributes={"messaging.system": "kafka", "messaging.operation.type": "process",
                        "messaging.destination.name": record.topic, "messaging.consumer.group.name": consumer,
                        "messaging.destination.partition.id": str(record.partition),
                        "messaging.kafka.offset": record.offset, "messaging.message.id": str(event.event_id),
                        "jishi.correlation_id": event.correlation_id})
        spans.append(span)
        by_correlation.setdefault(event.correlation_id, trace.set_span_in_context(span))
    token = _by_correlation.set(by_correlation)
    try:
        yield
    except BaseException as exc:
        for span in spans:
            span.set_status(trace.Status(trace.StatusCode.ERROR, f"{type(exc).__name__}: {exc}"))
        raise
    finally:
        _by_correlation.reset(token)
        for span in spans:
            span.end()


def outbox_headers(correlation_id: str | None) -> dict[str, str]:
    """The trace context an event written now carries (``traceparent``, ``tracestate``): the span of the
    consumed event with the same correlation id, else the current span (an HTTP request's); none when off."""
    if _tracer is None:
        return {}
    found = _by_correlation.get().get(correlation_id) if correlation_id else None
    carrier: dict[str, str] = {}
    propagate.inject(carrier, context=found)
    return carrier
