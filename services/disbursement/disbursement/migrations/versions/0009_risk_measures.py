"""risk measures from audit (N art.20-21): each one recorded once with what came of it; lowered ratios cap lines

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "risk_measures",
        sa.Column("measure_id", sa.Uuid(), nullable=False),
        sa.Column("warning_id", sa.Uuid(), nullable=False),
        sa.Column("fixmedins_code", sa.String(length=30), nullable=False),
        sa.Column("admdvs", sa.String(length=6), nullable=False),
        sa.Column("measure", sa.String(length=12), nullable=False),
        sa.Column("ratio", sa.Numeric(5, 4), nullable=True),
        sa.Column("effective_from", sa.Date(), nullable=True),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.String(length=10), nullable=False),
        sa.Column("detail", sa.String(length=500), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("measure_id"),
        sa.CheckConstraint("measure IN ('interview', 'lower_ratio', 'suspend')", name="risk_measure_kind"),
        sa.CheckConstraint("outcome IN ('applied', 'refused', 'noted')", name="risk_measure_outcome"),
        sa.CheckConstraint("(measure = 'lower_ratio') = (ratio IS NOT NULL AND effective_from IS NOT NULL)",
                           name="risk_measure_cap"),
    )
    op.create_index("risk_measures_by_institution", "risk_measures", ["fixmedins_code", "taken_at"])


def downgrade() -> None:
    op.drop_index("risk_measures_by_institution", table_name="risk_measures")
    op.drop_table("risk_measures")
