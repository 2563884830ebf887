"""Each service's OpenAPI document turned into requests by schemathesis and sent over HTTP to the real app:
served by uvicorn on a free port from a thread of its own, with its lifespan (database, broker consumer,
outbox relay) started, on its own migrated database and topics, with the token each operation needs.

Why a real server rather than schemathesis' in-process ASGI client: that client starts an app's lifespan with
the first request and its pytest plugin ends it after every test, i.e. after every operation — a second of
stopping and starting each time, and most operations would then run with no consumer or relay. Over HTTP
the app runs as it does in production, and a 500 is counted as the status a client sees.

Used by tests/api/test_openapi_fuzz.py (a bounded run in every ``make test``) and bench/fuzz.py (the long
run, which reads the tallies written to ``JISHI_FUZZ_REPORT``).
"""

from __future__ import annotations

import asyncio
import importlib
import json
import os
import secrets
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
import schemathesis
import uvicorn
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.config import HealthCheck
from schemathesis.schemas import APIOperation, BaseSchema
from schemathesis.specs.openapi.checks import response_schema_conformance

from accounting.settings import AccountingSettings
from audit.settings import AuditSettings
from bank_gateway.settings import BankGatewaySettings
from bank_simulator.settings import BankSimulatorSettings
from claims.settings import ClaimsSettings
from disbursement.settings import DisbursementSettings
from launcher.environment import ensure_topics
from launcher.policy import CHECKER, MAKER
from launcher.procs import free_port
from launcher.testing import Infra, operator_headers, settings_for
from shared.auth import actor_header
from shared.migrations import upgrade
from shared.problems import PROBLEM_JSON
from shared.settings import ServiceSettings

#: Examples per operation in the fuzzing phase: bounded in the normal suite, many more from bench/fuzz.py.
EXAMPLES = int(os.environ.get("JISHI_FUZZ_EXAMPLES", "15"))
#: The coverage phase's negative cases (every constraint of every field broken in turn, nearly all answered 422
#: by request validation) are two thirds of its requests: bench/fuzz.py sends them, the normal suite does not.
NEGATIVE_COVERAGE = os.environ.get("JISHI_FUZZ_NEGATIVE_COVERAGE") == "1"
#: Where bench/fuzz.py wants the tallies (JSON), if it does.
REPORT = os.environ.get("JISHI_FUZZ_REPORT")
#: Every n-th case is also sent without a token and with a wrong one: both must be 401 (contract.md, Auth).
AUTH_PROBE_EVERY = 8
CHECKS = [not_a_server_error, response_schema_conformance]
ANONYMOUS: dict[str, str] = {}
WRONG_TOKEN = {"authorization": "Bearer not-a-token-of-ours"}

#: Values that broke or could break a service, mixed into what schemathesis generates wherever the schema
#: allows them: text PostgreSQL cannot store (NUL), dates and moments at the ends of the calendar (arithmetic
#: on them overflows), periods of year 0, integers past PostgreSQL's int4/int8, numbers past NUMERIC(18,2).
EDGES: list[str | int | float] = [
    "\x00", "a\x00b", "\x00" * 3, "0001-01-01", "9999-12-31", "0001-01-01T00:00:00", "9999-12-31T23:59:59",
    "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00", "0000-01", "9999-12", "0000-Q1", "9999-Q4",
    "1e400", "NaN", "-0.00", "99999999999999999999.99", "\u202e", "../..", "%00",
    "220100",  # the region the fuzzed claims and disbursement know (see _claims, _disbursement)
    2**31 - 1, 2**31, 2**63 - 1, 2**63, -(2**63) - 1, 10**30, 1e308, -1e308, 5e-324,
]

SERVICES: dict[str, tuple[str, type[ServiceSettings]]] = {
    "claims": ("claims", ClaimsSettings),
    "audit": ("audit", AuditSettings),
    "disbursement": ("disbursement", DisbursementSettings),
    "bank-gateway": ("bank_gateway", BankGatewaySettings),
    "bank-simulator": ("bank_simulator", BankSimulatorSettings),
    "accounting": ("accounting", AccountingSettings),
}
#: Building an app opens nothing (its engine and clients connect when its lifespan starts): the OpenAPI
#: documents are read from apps pointed nowhere, so the operations are known when tests are collected.
_NOWHERE = Infra("postgresql://nobody@127.0.0.1:9/nothing", "127.0.0.1:9", Path("/nonexistent"))


@dataclass
class Tally:
    """What one service answered: generated cases, requests sent per status code, the operations reached,
    and each server error with the request that caused it."""

    cases: int = 0
    requests: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    operations: set[str] = field(default_factory=set)
    server_errors: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)
    seconds: float = 0.0

    def record(self, case: schemathesis.Case, status: int) -> None:
        self.requests += 1
        self.statuses[status] += 1
        self.operations.add(case.operation.label)
        if status >= 500:
            self.server_errors.append(f"{status}: {case.as_curl_command()[:2000]}")

    def as_json(self) -> dict[str, Any]:
        return {"cases": self.cases, "requests": self.requests, "operations": sorted(self.operations),
                "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
                "seconds": round(self.seconds, 1), "server_errors": self.server_errors}


@dataclass
class Target:
    """One service under fuzz: where it listens, the headers each operation is called with, its tally."""

    name: str
    url: str
    headers_for: Callable[[APIOperation], dict[str, str]]
    session: requests.Session = field(default_factory=requests.Session)
    tally: Tally = field(default_factory=Tally)

    def exercise(self, case: schemathesis.Case) -> None:
        """One generated request: never a 5xx, a 2xx body as its schema says, a 4xx an RFC 9457 problem; the
        right token is never refused, and every few cases the same request without a token and with a wrong
        one is 401."""
        self.tally.cases += 1
        headers = self.headers_for(case.operation)
        response = self._send(case, headers)
        case.validate_response(response, checks=CHECKS, headers=headers)
        assert response.status_code != 401, f"{case.operation.label}: the right token was refused: {response.text}"
        if self.tally.cases % AUTH_PROBE_EVERY == 0:
            # No token at all is 401 before anything else is looked at (shared.auth.TokenFirst); a wrong token
            # is known wrong only once the route runs, after the framework has read the body.
            anonymous = self._send(case, ANONYMOUS)
            assert anonymous.status_code == 401 or _no_such_route(anonymous), (
                f"{case.operation.label} without a token: {anonymous.status_code} {anonymous.text}")
            refused = self._send(case, WRONG_TOKEN)
            assert refused.status_code == 401 or _refused_before_auth(refused), (
                f"{case.operation.label} with a wrong token: {refused.status_code} {refused.text}")

    def _send(self, case: schemathesis.Case, headers: dict[str, str]) -> Any:
        response = case.call(base_url=self.url, session=self.session, headers=headers, timeout=30)
        self.tally.record(case, response.status_code)
        if 400 <= response.status_code < 500:
            _assert_problem(case, response)
        return response


def _assert_problem(case: schemathesis.Case, response: Any) -> None:
    """An error is an RFC 9457 problem (contract.md, Conventions): its media type, ``type``, ``title`` and the
    status it was sent with."""
    media = (response.headers.get("content-type") or [""])[0].split(";")[0]
    problem = response.json() if media == PROBLEM_JSON else {}
    assert (media == PROBLEM_JSON and isinstance(problem.get("type"), str) and isinstance(problem.get("title"), str)
            and problem.get("status") == response.status_code), (
        f"{case.operation.label}: {response.status_code} is not a problem: {media} {response.text[:500]}")


def _no_such_route(response: Any) -> bool:
    """A path outside ``/v1/`` that no route serves (a generated path parameter with a slash in it)."""
    try:
        problem = response.json()
    except ValueError:
        return False
    return (response.status_code, problem.get("detail")) in {(404, "Not Found"), (405, "Method Not Allowed")}


def _refused_before_auth(response: Any) -> bool:
    """What the framework answers before a route's dependencies (and so its authentication) run: no route
    for this path or method, a body over the limit, a body that is not JSON."""
    try:
        problem = response.json()
    except ValueError:
        return False
    slug = str(problem.get("type", "")).rsplit("/", 1)[-1]
    return ((response.status_code, problem.get("detail")) in {(404, "Not Found"), (405, "Method Not Allowed")}
            or response.status_code == 413
            or (response.status_code, slug) in {(400, "malformed-json"), (400, "bad-request")})


def documents() -> dict[str, BaseSchema]:
    """Each service's OpenAPI document as schemathesis reads it, by service name."""
    return {name: _schema(name, _build(name, _NOWHERE, "openapi").openapi()) for name in SERVICES}


def _schema(name: str, document: dict[str, Any]) -> BaseSchema:
    # An explicit configuration: no schemathesis.toml is looked for, cases are the same on every run, and no
    # example database is written into the repository.
    edges = {"dictionary": "edges", "probability": 0.15}
    config = schemathesis.Config.from_dict({
        "dictionaries": {"edges": {"values": EDGES}},
        # Parameters take the edges by type; a body's fields only by path, so each field is named.
        "generation": {"dictionaries": {kind: edges for kind in ("string", "integer", "number")}},
        "parameters": {f"body.{path}": edges for path in sorted(_body_leaves(document))},
    })
    config.projects.default.generation.update(max_examples=EXAMPLES, deterministic=True, database="none")
    config.projects.default.update(suppress_health_check=[HealthCheck.all])
    # A method no route has is answered 405 by the router before anything of ours runs: not worth a request.
    config.projects.default.phases.coverage.unexpected_methods = set()
    if not NEGATIVE_COVERAGE:
        config.projects.default.phases.coverage.generation.update(modes=[GenerationMode.POSITIVE])
    schema = schemathesis.openapi.from_dict(document, config=config)
    schema.location = name  # which service an operation belongs to, for Fleet.target
    return schema


def _body_leaves(document: dict[str, Any]) -> set[str]:
    """The paths (``records[*].details[*].cnt``) of every string, integer and number in a request body."""
    components = document.get("components", {}).get("schemas", {})
    leaves: set[str] = set()

    def walk(schema: Any, path: str, seen: frozenset[str]) -> None:
        if not isinstance(schema, dict):
            return
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            if name not in seen:
                walk(components.get(name), path, seen | {name})
            return
        for key in ("anyOf", "oneOf", "allOf"):
            for branch in schema.get(key, []):
                walk(branch, path, seen)
        for name, child in schema.get("properties", {}).items():
            walk(child, f"{path}.{name}" if path else name, seen)
        if "items" in schema and path:
            walk(schema["items"], f"{path}[*]", seen)
        if path and schema.get("type") in ("string", "integer", "number"):
            leaves.add(path)

    for item in document.get("paths", {}).values():
        for operation in item.values():
            content = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
            walk(content.get("schema"), "", frozenset())
    return leaves


def _build(name: str, infra: Infra, prefix: str, **overrides: Any) -> Any:
    package, settings_class = SERVICES[name]
    return importlib.import_module(f"{package}.main").create_app(settings_for(settings_class, infra, prefix,
                                                                              **overrides))


class Fleet:
    """The services under fuzz, one at a time: the one asked for last is running; asking for another stops
    it (and reports its tally)."""

    def __init__(self, infra: Infra, prefix: str) -> None:
        self.infra, self.prefix = infra, prefix
        self.tallies: dict[str, Tally] = {}
        self._current: Target | None = None
        self._stack = ExitStack()

    def target(self, case: schemathesis.Case) -> Target:
        name = case.operation.schema.location
        assert name in SERVICES, name
        if self._current is None or self._current.name != name:
            self.close()
            prefix = f"{self.prefix}{len(self.tallies)}"
            self._current = self._stack.enter_context(fuzz_target(name, self.infra, prefix))
            self.tallies[name] = self._current.tally
        return self._current

    def close(self) -> None:
        self._current = None
        self._stack.close()


@contextmanager
def fuzz_target(name: str, infra: Infra, prefix: str) -> Iterator[Target]:
    """The service ``name`` (a key of SERVICES) served on its own database and topics, ready to be fuzzed;
    stopped (and its tally reported) on exit. The bank gateway gets a bank simulator of its own to talk to."""
    with ExitStack() as stack:
        overrides = {}
        if name == "bank-gateway":
            overrides["bank_url"] = stack.enter_context(_served("bank-simulator", infra, f"{prefix}b"))
        url = stack.enter_context(_served(name, infra, prefix, **overrides))
        target = _claims(url) if name == "claims" else Target(name, url, lambda _: operator_headers())
        if name == "disbursement":
            _disbursement(url)
        try:
            yield target
        finally:
            target.tally.seconds = time.monotonic() - target.tally.started
            target.session.close()
            _report(target)


def _claims(url: str) -> Target:
    """Claims with one registered institution: its token for the institutions' operations, the operator's
    for the registry (tag ``institutions``)."""
    response = requests.post(f"{url}/v1/institutions", headers=operator_headers(), timeout=30, json={
        "fixmedins_code": f"H{secrets.token_hex(5).upper()}", "fixmedins_name": "测试医院", "admdvs": "220100",
        "fixmedins_type": "1", "hosp_lv": "3",
        "bank_acct": {"bank_code": "102241000017", "acct_no": "62220001", "acct_name": "测试医院"}})
    assert response.status_code == 201, response.text
    institution = {"authorization": f"Bearer {response.json()['token']}"}

    def headers_for(operation: APIOperation) -> dict[str, str]:
        return operator_headers() if "institutions" in (operation.tags or []) else institution

    return Target("claims", url, headers_for)


def _disbursement(url: str) -> None:
    """A policy in force in 220100, so that runs and reports there go past "no policy" into the arithmetic."""
    response = requests.put(f"{url}/v1/regions/220100/policy", timeout=30,
                            headers={**operator_headers(), **actor_header(MAKER)},
                            json={"pack": "jilin", "effective_from": "2025-01-01"})
    assert response.status_code == 202, response.text
    response = requests.post(f"{url}/v1/regions/220100/policy/proposals/{response.json()['proposal_id']}/approval",
                             headers=operator_headers(), timeout=30, json={"approved_by": CHECKER})
    assert response.status_code == 200, response.text


@contextmanager
def _served(name: str, infra: Infra, prefix: str, **overrides: Any) -> Iterator[str]:
    """The service migrated and served over HTTP with its lifespan; its base URL."""
    ensure_topics(infra.kafka_bootstrap, prefix=f"{prefix}.", partitions=1)
    package, settings_class = SERVICES[name]
    upgrade(package, settings_for(settings_class, infra, prefix, **overrides))
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(_build(name, infra, prefix, **overrides), host="127.0.0.1", port=port,
                                           lifespan="on", log_config=None, access_log=False))
    thread = threading.Thread(target=lambda: asyncio.run(server.serve()), name=name, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, f"{name} did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(60)


def _report(target: Target) -> None:
    if not REPORT:
        return
    path = Path(REPORT)
    tallies = json.loads(path.read_text()) if path.exists() else {}
    tallies[target.name] = target.tally.as_json()
    path.write_text(json.dumps(tallies, ensure_ascii=False, indent=1))
