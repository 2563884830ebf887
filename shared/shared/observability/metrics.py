"""Prometheus metrics of a service (``GET /metrics``).

Two kinds. Counters and histograms of what the process did (HTTP requests, events consumed and published,
dead letters, business facts: ``business.py``) live in the process-wide default registry, with the process's
own CPU and memory. Gauges of state (consumer lag per partition, outbox backlog, a service's own database
gauges: runs late, receipts overdue) are read when scraped, from the running consumer and relay and from
the database (at most every few seconds, with a time limit), into a registry of the app's own.

Labels name topics by their logical name (without the environment's prefix), so alerts hold in every
environment. No label says which service: Prometheus adds the target's ``job``/``service``/``pod``.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

log = logging.getLogger(__name__)

#: From a health probe (a millisecond) to a month's run over a large region (minutes).
_SECONDS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300)

HTTP_REQUESTS = Counter("jishi_http_requests", "HTTP requests answered, by route template and status code",
                        ["method", "route", "status"])
HTTP_DURATION = Histogram("jishi_http_request_duration_seconds",
                          "Time to answer an HTTP request, by route template (a run's route: the run's duration)",
                          ["method", "route"], buckets=_SECONDS)
HTTP_IN_FLIGHT = Gauge("jishi_http_requests_in_flight", "HTTP requests being answered now")
EVENTS_CONSUMED = Counter("jishi_events_consumed",
                          "Events a consumer took from a topic: applied, or a duplicate recognised by its event id",
                          ["topic", "result"])
DEAD_LETTERS = Counter("jishi_dead_letters",
                       "Messages a consumer could not apply and wrote to <topic>.dlq, by the topic they came from",
                       ["topic"])
CONSUMER_BATCHES = Histogram("jishi_consumer_batch_duration_seconds",
                             "Time to apply one batch (parse, claim, handle, commit), retries included",
                             buckets=_SECONDS)
EVENTS_PUBLISHED = Counter("jishi_events_published", "Events the outbox relay published (after the broker's ack)",
                           ["topic"])
METRICS_REFRESH_ERRORS = Counter("jishi_metrics_refresh_errors",
                                 "Scrapes whose database gauges could not be read (they are left out)")


@dataclass(frozen=True)
class DatabaseGauge:
    """A gauge read from the service's own database when scraped: each row of ``sql`` is its label values in
    the order of ``labels``, then the value. ``params`` are bound into the query."""

    name: str
    documentation: str
    sql: str
    labels: Sequence[str] = ()
    params: Mapping[str, Any] = field(default_factory=dict)


#: Every service has an outbox: how much is waiting for the relay, and for how long the oldest row has.
OUTBOX_BACKLOG = DatabaseGauge(
    "jishi_outbox_unsent", "Outbox rows committed and not yet published",
    "SELECT count(*) FROM outbox WHERE sent_at IS NULL")
OUTBOX_OLDEST = DatabaseGauge(
    "jishi_outbox_oldest_unsent_age_seconds", "Age of the oldest unpublished outbox row (0 when none)",
    "SELECT coalesce(extract(epoch FROM now() - min(created_at)), 0) FROM outbox WHERE sent_at IS NULL")


@dataclass(frozen=True)
class ConsumerState:
    """What a consumer tells when scraped: lag per (logical topic, partition) of its assigned partitions."""

    lag: Mapping[tuple[str, int], int]
    assigned: Mapping[str, int]


class RuntimeMetrics:
    """The scrape-time gauges of one running service, and the rendering of ``/metrics``."""

    def __init__(
        self,
        engine: AsyncEngine,
        *,
        consumer: Callable[[], ConsumerState | None] = lambda: None,
        relay_leader: Callable[[], bool | None] = lambda: None,
        gauges: Iterable[DatabaseGauge] = (),
        min_interval_s: float = 2.0,
        timeout_s: float = 3.0,
    ) -> None:
        self._engine = engine
        self._consumer = consumer
        self._relay_leader = relay_leader
        self._gauges = [OUTBOX_BACKLOG, OUTBOX_OLDEST, *gauges]
        self._values: dict[str, list[tuple[tuple[str, ...], float]]] = {}
        self._refreshed_at = -float("inf")
        self._min_interval_s, self._timeout_s = min_interval_s, timeout_s
        self._lock = asyncio.Lock()
        self.registry = CollectorRegistry(auto_describe=False)
        self.registry.register(_StateCollector(self))

    async def refresh(self) -> None:
        """Read the database gauges, unless they were read moments ago (several scrapers, a curl loop)."""
        async with self._lock:
            if time.monotonic() - self._refreshed_at < self._min_interval_s:
                return
            try:
                self._values = await asyncio.wait_for(self._read(), self._timeout_s)
            except Exception as exc:  # a scrape reports what it can; readiness reports the database
                METRICS_REFRESH_ERRORS.inc()
                log.warning("database gauges not read: %s: %s", type(exc).__name__, exc)
                self._values = {}
            self._refreshed_at = time.monotonic()

    async def _read(self) -> dict[str, list[tuple[tuple[str, ...], float]]]:
        values = {}
        async with self._engine.connect() as conn:
            for gauge in self._gauges:
                rows = (await conn.execute(text(gauge.sql), dict(gauge.params))).all()
                values[gauge.name] = [(tuple(str(v) for v in row[:-1]), float(row[-1] or 0)) for row in rows]
        return values

    async def render(self) -> bytes:
        await self.refresh()
        return generate_latest(REGISTRY) + generate_latest(self.registry)

    def _collect(self) -> Iterable[Metric]:
        for gauge in self._gauges:
            if gauge.name in self._values:
                family = GaugeMetricFamily(gauge.name, gauge.documentation, labels=list(gauge.labels))
                for labels, value in self._values[gauge.name]:
                    family.add_metric(list(labels), value)
                yield family
        leader = self._relay_leader()
        if leader is not None:
            yield GaugeMetricFamily("jishi_outbox_relay_leader",
                                    "1 when this process's relay holds the lock and publishes the outbox",
                                    value=1.0 if leader else 0.0)
        state = self._consumer()
        if state is not None:
            lag = GaugeMetricFamily("jishi_consumer_lag",
                                    "Messages behind the partition's high-water mark, per assigned partition",
                                    labels=["topic", "partition"])
            for (topic, partition), behind in sorted(state.lag.items()):
                lag.add_metric([topic, str(partition)], float(behind))
            yield lag
            assigned = GaugeMetricFamily("jishi_consumer_assigned_partitions",
                                         "Partitions of each topic assigned to this process's consumer",
                                         labels=["topic"])
            for topic, count in sorted(state.assigned.items()):
                assigned.add_metric([topic], float(count))
            yield assigned


class _StateCollector(Collector):
    def __init__(self, owner: RuntimeMetrics) -> None:
        self._owner = owner

    def collect(self) -> Iterable[Metric]:
        return self._owner._collect()
