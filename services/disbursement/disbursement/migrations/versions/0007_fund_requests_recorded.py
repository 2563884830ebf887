"""a fund request to finance is recorded when it is made (SX §4)

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "fund_requests",
        sa.Column("request_id", sa.Uuid(), nullable=False),
        sa.Column("admdvs", sa.String(length=6), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("funds", JSONB(), nullable=False),
        sa.Column("request_by", sa.Date(), nullable=True),
        sa.Column("requested_by", sa.String(length=100), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("policy_version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("request_id"),
        sa.UniqueConstraint("admdvs", "period", name="one_request_per_region_month"),
    )


def downgrade() -> None:
    op.drop_table("fund_requests")
