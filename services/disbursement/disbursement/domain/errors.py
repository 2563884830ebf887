"""Why a run or a policy change is refused; the API turns each into a problem an operator can act on."""


class DisbursementError(Exception):
    slug = "disbursement-error"


class NoPolicy(DisbursementError):
    slug = "no-policy"


class PathNotEnabled(DisbursementError):
    slug = "path-not-enabled"
