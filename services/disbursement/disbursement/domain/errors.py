"""Why a run or a policy change is refused; the API turns each into a problem an operator can act on."""


class DisbursementError(Exception):
    slug = "disbursement-error"
    status = 422


class NoPolicy(DisbursementError):
    slug = "no-policy"


class PathNotEnabled(DisbursementError):
    slug = "path-not-enabled"


class NotABatchClosing(DisbursementError):
    slug = "not-a-batch-closing"


class RunNotReady(DisbursementError):
    """A run that needs another first (an annual clearing before December is settled)."""

    slug = "run-not-ready"


class NotFound(DisbursementError):
    slug = "not-found"


class Refused(DisbursementError):
    """An operator action the rules do not allow now; ``errors`` names each reason."""

    slug = "refused"

    def __init__(self, message: str, errors: list[dict[str, str]] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or []


class SettlementNotReady(Refused):
    """A monthly settlement asked for before the month, its declarations or its audit are done (409: asking again
    later succeeds)."""

    slug = "settlement-not-ready"
    status = 409


class Conflict(Refused):
    """Another answer to a question already answered (a special case decided otherwise)."""

    slug = "conflict"
    status = 409
    title = "Already decided"


class FourEyes(Refused):
    """The maker of a run or a policy change asked to be its checker too (four eyes, N art.22)."""

    slug = "four-eyes"
    status = 403
    title = "A second person must do this"


class OutOfRange(Refused):
    """A day or period the question cannot be asked of (a forecast as of a day outside its month)."""

    slug = "validation-error"
    status = 422
