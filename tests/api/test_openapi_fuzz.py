"""Bad input never hurts (issue 5, item 7; contract.md, Conventions: errors are RFC 9457 problems, "bad input
is a 4xx ..., never a 500"; Auth: "No token: 401").

Every operation of every service's OpenAPI document — claims, audit, disbursement, the bank gateway, the bank
simulator, accounting — is fed what schemathesis generates from it: valid and invalid bodies, parameters and
paths, NUL characters, boundary numbers and dates. Each service is served over HTTP on its own database and
topics with its lifespan started, one service at a time (see fuzzing.py). Cases are the same on every run;
examples per operation are bounded here (``JISHI_FUZZ_EXAMPLES``, 15 by default); bench/fuzz.py runs many more.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import schemathesis

from launcher.testing import Infra
from tests.api.fuzzing import Fleet, documents

# Raised by schemathesis' own strategies (it draws from ``random`` inside them), nothing of ours.
pytestmark = pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisDeprecationWarning")


@pytest.fixture(scope="module")
def fleet(infra: Infra) -> Iterator[Fleet]:
    fleet = Fleet(infra, f"f{uuid.uuid4().hex[:8]}")
    try:
        yield fleet
    finally:
        fleet.close()


@schemathesis.pytest.parametrize(**documents())
def test_no_input_gets_a_server_error_and_none_passes_without_a_token(case: schemathesis.Case, fleet: Fleet) -> None:
    """Bad input is a 4xx, never a 5xx, and every error is an RFC 9457 problem (contract.md, Conventions; issue 5
    item 7): whatever an operation is sent, no 5xx; a 4xx is ``application/problem+json`` with its type, title
    and status; a 2xx body is what the document says; without a valid token, 401 (contract.md, Auth)."""
    fleet.target(case).exercise(case)
