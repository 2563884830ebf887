"""Domain refusals as problems an operator can act on."""

from __future__ import annotations

from disbursement.domain.errors import DisbursementError, NotFound, Refused
from shared.problems import Problem, not_found


def problem(exc: DisbursementError) -> Problem:
    if isinstance(exc, NotFound):
        return not_found(str(exc))
    errors = exc.errors if isinstance(exc, Refused) else None
    title = getattr(exc, "title", None) or ("Refused" if exc.status == 422 else "Not yet")
    return Problem(exc.status, exc.slug, title, str(exc), errors=errors)
