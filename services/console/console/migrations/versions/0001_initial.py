"""operators, sessions and the append-only trail of operator actions

Revision ID: 0001
Revises: None
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

from shared.messaging.tables import create_messaging_v1, drop_messaging_v1

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_messaging_v1(op)
    op.create_table(
        "operators",
        sa.Column("username", sa.String(length=40), nullable=False),
        sa.Column("display_name", sa.String(length=100), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("roles", JSONB(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("username"),
    )
    op.create_table(
        "sessions",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("username", sa.String(length=40), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["username"], ["operators.username"]),
        sa.PrimaryKeyConstraint("token_hash"),
    )
    op.create_index(op.f("ix_sessions_username"), "sessions", ["username"], unique=False)
    op.create_table(
        "actions",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("username", sa.String(length=40), nullable=False),
        sa.Column("display_name", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("target", sa.String(length=200), nullable=False),
        sa.Column("outcome", sa.String(length=10), nullable=False),
        sa.Column("details", JSONB(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_actions_username"), "actions", ["username"], unique=False)
    # The trail is evidence: not even a write that bypasses the code may change or remove a line of it.
    op.execute("""
        CREATE FUNCTION actions_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'the operator trail is append-only: % refused', TG_OP;
        END $$""")
    op.execute("""CREATE TRIGGER actions_append_only BEFORE UPDATE OR DELETE ON actions
                  FOR EACH ROW EXECUTE FUNCTION actions_append_only()""")
    op.execute("""CREATE TRIGGER actions_no_truncate BEFORE TRUNCATE ON actions
                  FOR EACH STATEMENT EXECUTE FUNCTION actions_append_only()""")


def downgrade() -> None:
    op.execute("DROP TRIGGER actions_no_truncate ON actions")
    op.execute("DROP TRIGGER actions_append_only ON actions")
    op.execute("DROP FUNCTION actions_append_only()")
    op.drop_table("actions")
    op.drop_table("sessions")
    op.drop_table("operators")
    drop_messaging_v1(op)
