"""Who may do what in the console (经办人员的分工). Roles are the agency's: a clerk (经办) prepares, a reviewer
(审核) decides audit findings, an approver (复核/审批) signs payments off and approves policy, finance (财务)
reads the books, an admin manages operators and credentials. Four eyes — the maker is never the checker — is
held by the services themselves; these roles only say which page's buttons a person may press."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    CLERK = "clerk"
    REVIEWER = "reviewer"
    APPROVER = "approver"
    FINANCE = "finance"
    ADMIN = "admin"


class Action(StrEnum):
    VIEW = "view"
    PREPARE_RUN = "prepare_run"
    SIGN_RUN = "sign_run"
    DECIDE_FINDING = "decide_finding"
    TAKE_RISK_MEASURE = "take_risk_measure"
    CHANGE_ENROLLMENT = "change_enrollment"
    ROTATE_TOKEN = "rotate_token"
    PROPOSE_POLICY = "propose_policy"
    DECIDE_POLICY = "decide_policy"
    READ_BOOKS = "read_books"
    MANAGE_OPERATORS = "manage_operators"


#: Segregation of duties: no role both prepares and signs, so that even a person holding several roles still
#: meets the services' four-eyes refusal on their own work.
NEEDS: dict[Action, frozenset[Role]] = {
    Action.VIEW: frozenset(Role),
    Action.PREPARE_RUN: frozenset({Role.CLERK}),
    Action.SIGN_RUN: frozenset({Role.APPROVER}),
    Action.DECIDE_FINDING: frozenset({Role.REVIEWER}),
    #: A risk warning is judged by those who judge findings; a lowered ratio or a suspension is also an
    #: approver's call (JL art.23).
    Action.TAKE_RISK_MEASURE: frozenset({Role.REVIEWER, Role.APPROVER}),
    Action.CHANGE_ENROLLMENT: frozenset({Role.CLERK, Role.APPROVER}),
    Action.ROTATE_TOKEN: frozenset({Role.ADMIN}),
    Action.PROPOSE_POLICY: frozenset({Role.CLERK, Role.ADMIN}),
    Action.DECIDE_POLICY: frozenset({Role.APPROVER}),
    Action.READ_BOOKS: frozenset({Role.FINANCE, Role.APPROVER, Role.ADMIN}),
    Action.MANAGE_OPERATORS: frozenset({Role.ADMIN}),
}


def may(roles: frozenset[Role] | set[Role], action: Action) -> bool:
    return bool(NEEDS[action] & set(roles))


def parse_roles(values: list[str]) -> frozenset[Role]:
    """The roles named, each a known one; ValueError naming the first unknown."""
    roles = set()
    for value in values:
        try:
            roles.add(Role(value))
        except ValueError:
            raise ValueError(f"unknown role {value!r}: one of {', '.join(Role)}") from None
    return frozenset(roles)
