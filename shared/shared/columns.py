"""Column shapes every service's tables use, so money is ``NUMERIC(18,2)`` everywhere and time is aware."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from shared.messaging.tables import add_messaging_tables


def table_base() -> type[SQLModel]:
    """A SQLModel base with its own metadata: services' tables never share one (``institutions`` exists in
    several services' databases), and the outbox tables are added to it."""
    base: type[SQLModel] = type("Table", (SQLModel,), {}, registry=registry())
    add_messaging_tables(base.metadata)
    return base


def money(*, nullable: bool = False, check_non_negative: bool = False, name: str | None = None) -> Any:
    constraints = [sa.CheckConstraint(f"{name} >= 0")] if check_non_negative and name else []
    return Field(sa_column=sa.Column(sa.Numeric(18, 2), *constraints, nullable=nullable))


def timestamp(*, nullable: bool = False, default_now: bool = False) -> Any:
    default = {"server_default": sa.func.now()} if default_now else {}
    return Field(sa_column=sa.Column(sa.DateTime(timezone=True), nullable=nullable, **default))


def jsonb(*, nullable: bool = False) -> Any:
    return Field(sa_column=sa.Column(JSONB, nullable=nullable))
