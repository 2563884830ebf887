"""The console's own store: operator accounts, their sessions, and the append-only trail of what each did. It
holds nothing of the fund: every figure on a page is read from a service's public API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field

from shared.columns import jsonb, table_base, timestamp

Table = table_base()
metadata = Table.metadata


class Operator(Table, table=True):
    __tablename__ = "operators"

    username: str = Field(primary_key=True, max_length=40)
    display_name: str = Field(max_length=100)
    #: argon2id (console.domain.passwords)
    password_hash: str = Field(max_length=200)
    roles: list[str] = jsonb()
    active: bool = Field(default=True)
    created_at: datetime = timestamp()
    created_by: str = Field(max_length=40)


class Session(Table, table=True):
    """A signed-in browser: the cookie holds a random token, the table only its SHA-256."""

    __tablename__ = "sessions"

    token_hash: str = Field(primary_key=True, max_length=64)
    username: str = Field(max_length=40, foreign_key="operators.username", index=True)
    #: The synchroniser token every form of this session carries (CSRF).
    csrf_token: str = Field(max_length=64)
    created_at: datetime = timestamp()
    expires_at: datetime = timestamp()


class ActionRecord(Table, table=True):
    """One operator action (who, when, what, on which run / proposal / finding, and what the service said).
    Append-only: the database refuses UPDATE and DELETE on it (migration 0001)."""

    __tablename__ = "actions"

    id: int | None = Field(default=None, sa_column=sa.Column(sa.BigInteger, sa.Identity(), primary_key=True))
    at: datetime = timestamp()
    username: str = Field(max_length=40, index=True)
    display_name: str = Field(max_length=100)
    action: str = Field(max_length=40)
    #: What it acted on: "run:<uuid>", "policy:220100/proposal:<uuid>", "finding:<uuid>", "institution:<code>"...
    target: str = Field(max_length=200)
    #: ok | refused (the service said no: its answer is in details)
    outcome: str = Field(max_length=10)
    details: dict[str, Any] = jsonb()
