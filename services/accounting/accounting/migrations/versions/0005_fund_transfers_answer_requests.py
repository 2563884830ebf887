"""finance's transfer names the fund request it answers (SX §4)

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "fund_requests",
        sa.Column("request_id", sa.Uuid(), nullable=False),
        sa.Column("admdvs", sa.String(length=6), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("funds", JSONB(), nullable=False),
        sa.Column("requested_by", sa.String(length=100), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("request_id"),
    )
    op.add_column("fund_transfers", sa.Column("request_id", sa.Uuid(), sa.ForeignKey("fund_requests.request_id"),
                                              nullable=True))


def downgrade() -> None:
    op.drop_column("fund_transfers", "request_id")
    op.drop_table("fund_requests")
