"""What each form of the console accepts: checked here, before anything is stored or any service is asked, so
that a bad value comes back to the page as a message next to its field."""

from __future__ import annotations

import json
import uuid
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator

from console.domain.passwords import MIN_LENGTH
from console.domain.roles import Role

_Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
_Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
_Admdvs = Annotated[str, StringConstraints(pattern=r"^\d{6}$")]
_Period = Annotated[str, StringConstraints(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]
_Code = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9_-]{1,30}$")]


class Form(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)


class LoginForm(Form):
    username: _Name
    password: Annotated[str, StringConstraints(min_length=1, max_length=200)]


class PrepareRunForm(Form):
    run_type: Literal["daily-disbursement", "monthly-prepayment", "monthly-settlement"]
    admdvs: _Admdvs
    business_date: date | None = None
    period: _Period | None = None

    def body(self) -> dict[str, str]:
        if self.run_type == "daily-disbursement":
            if self.business_date is None:
                raise FormError({"business_date": "a daily run needs its business date"})
            return {"admdvs": self.admdvs, "business_date": self.business_date.isoformat()}
        if self.period is None:
            raise FormError({"period": "a monthly run needs its period (YYYY-MM)"})
        return {"admdvs": self.admdvs, "period": self.period}


class SignForm(Form):
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] = ""


class DecisionForm(Form):
    decision: Literal["confirm", "dismiss"]
    #: The amount to deduct, in yuan with at most two decimals (a confirmation); thousands separators allowed.
    amount: Decimal | None = Field(default=None, ge=0, max_digits=16, decimal_places=2)
    reason: _Reason

    @field_validator("amount", mode="before")
    @classmethod
    def _plain(cls, value: Any) -> Any:
        return (value.replace(",", "").strip() or None) if isinstance(value, str) else value


class RiskMeasureForm(Form):
    measure: Literal["interview", "lower_ratio", "suspend", "dismiss"]
    reason: _Reason
    #: With a lowered ratio: the institution's ratio at most this (a fraction, 0.50 for 50 %) for settlements
    #: of ``effective_from`` on.
    ratio: Decimal | None = Field(default=None, ge=0, le=1, max_digits=5, decimal_places=4)
    effective_from: date | None = None
    #: Drawn when the page was shown: the same form sent twice is one measure (a form without one is new).
    request_id: uuid.UUID = Field(default_factory=uuid.uuid4)

    def body(self, taken_by: str) -> dict[str, Any]:
        body: dict[str, Any] = {"measure": self.measure, "reason": self.reason, "taken_by": taken_by,
                                "request_id": str(self.request_id)}
        if self.measure != "lower_ratio":
            return body
        if self.ratio is None or self.effective_from is None:
            raise FormError({name: "a lowered ratio needs it" for name in ("ratio", "effective_from")
                             if getattr(self, name) is None})
        return {**body, "ratio": f"{self.ratio:.4f}", "effective_from": self.effective_from.isoformat()}


class EnrollmentForm(Form):
    action: Literal["enroll", "suspend", "resume", "terminate"]
    reason: _Reason


class PolicyForm(Form):
    pack: Literal["national", "jilin", "shanxi", "zhenjiang", "leshan"]
    effective_from: date
    #: The pack's settings to override, as a JSON object (e.g. ``{"ratios": {"310": "0.50"}}``).
    overrides: str = "{}"

    def body(self) -> dict[str, Any]:
        try:
            overrides = json.loads(self.overrides or "{}")
        except json.JSONDecodeError as exc:
            raise FormError({"overrides": f"not JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"}) from exc
        if not isinstance(overrides, dict):
            raise FormError({"overrides": "a JSON object of settings, {...}"})
        if {"pack", "effective_from"} & overrides.keys():
            raise FormError({"overrides": "pack and effective_from have their own fields"})
        return {"pack": self.pack, "effective_from": self.effective_from.isoformat(), **overrides}


class RejectionForm(Form):
    reason: _Reason


class OperatorForm(Form):
    username: Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[a-z][a-z0-9._-]{2,39}$")]
    display_name: _Name
    roles: list[Role] = Field(min_length=1)
    password: Annotated[str, StringConstraints(min_length=MIN_LENGTH, max_length=200)]


class RunFilter(Form):
    admdvs: _Admdvs | None = None
    run_type: Literal["daily-disbursement", "monthly-prepayment", "monthly-settlement", "special-cases",
                      "annual-clearing"] | None = None
    status: Literal["computed", "ordered", "postponed"] | None = None
    page: Annotated[int, Field(ge=1, le=10_000)] = 1

    @field_validator("admdvs", "run_type", "status", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        return None if value == "" else value


F = TypeVar("F", bound=Form)


class FormError(Exception):
    """Field → message, for the page to show next to each field."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def parse(form_class: type[F], data: dict[str, Any]) -> F:
    """The form's values checked, or FormError naming each bad field in words an operator reads. A field left
    blank is a field not given (its default, or "Field required")."""
    try:
        return form_class.model_validate({k: v for k, v in data.items() if v != ""})
    except ValidationError as exc:
        errors: dict[str, str] = {}
        for error in exc.errors():
            field = ".".join(str(p) for p in error["loc"]) or "form"
            errors.setdefault(field.split(".")[0], error["msg"])
        raise FormError(errors) from exc


def a_uuid(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError as exc:
        raise FormError({"id": f"{value!r} is not an id"}) from exc
