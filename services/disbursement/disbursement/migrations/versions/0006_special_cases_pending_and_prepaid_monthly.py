"""special cases are claimed, pending, then decided; cases cleared at year end are prepaid each month

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A case recorded before this revision was recorded approved: it claimed what it was approved.
    op.add_column("special_cases", sa.Column("claimed", sa.Numeric(18, 2), nullable=True))
    op.execute("UPDATE special_cases SET claimed = approved")
    op.alter_column("special_cases", "claimed", nullable=False)
    op.add_column("special_cases", sa.Column("status", sa.String(length=10), nullable=False,
                                             server_default="approved"))
    op.alter_column("special_cases", "status", server_default=None)
    op.alter_column("special_cases", "approved", nullable=True)
    op.add_column("special_cases", sa.Column("decided_by", sa.String(length=100), nullable=True))
    op.add_column("special_cases", sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("special_cases", sa.Column("decision_reason", sa.Text(), nullable=True))
    op.create_table(
        "special_case_prepayments",
        sa.Column("case_id", sa.Uuid(), sa.ForeignKey("special_cases.case_id"), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("amount", sa.Numeric(18, 2), nullable=False),
        sa.Column("run_id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("case_id", "period"),
    )


def downgrade() -> None:
    op.drop_table("special_case_prepayments")
    op.execute("DELETE FROM special_cases WHERE approved IS NULL")
    op.alter_column("special_cases", "approved", nullable=False)
    for column in ("decision_reason", "decided_at", "decided_by", "status", "claimed"):
        op.drop_column("special_cases", column)
