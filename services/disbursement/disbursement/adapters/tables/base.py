"""The declarative base every disbursement table derives from, and their metadata (for Alembic)."""

from __future__ import annotations

from shared.columns import table_base

Table = table_base()
metadata = Table.metadata
