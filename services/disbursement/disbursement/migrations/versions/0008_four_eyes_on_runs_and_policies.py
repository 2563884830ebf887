"""four eyes (maker/checker): who prepared each run, and policy changes proposed by one person, approved by another

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("runs", sa.Column("prepared_by", sa.String(length=100), nullable=True))
    op.add_column("policies", sa.Column("proposed_by", sa.String(length=100), nullable=True))
    op.add_column("policies", sa.Column("approved_by", sa.String(length=100), nullable=True))
    op.create_table(
        "policy_proposals",
        sa.Column("proposal_id", sa.Uuid(), nullable=False),
        sa.Column("admdvs", sa.String(length=6), nullable=False),
        sa.Column("pack", sa.String(length=20), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("overrides", JSONB(), nullable=False),
        sa.Column("body", JSONB(), nullable=False),
        sa.Column("proposed_by", sa.String(length=100), nullable=False),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("decided_by", sa.String(length=100), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("version", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("proposal_id"),
        sa.CheckConstraint("status IN ('proposed', 'approved', 'rejected')", name="proposal_status"),
        # The database holds the line too: no proposal is ever approved by the one who made it.
        sa.CheckConstraint("decided_by IS NULL OR lower(decided_by) <> lower(proposed_by)", name="four_eyes"),
    )
    op.create_index("proposals_by_region", "policy_proposals", ["admdvs", "proposed_at"])
    op.create_check_constraint("run_four_eyes", "runs",
                               "signed_by IS NULL OR prepared_by IS NULL OR lower(signed_by) <> lower(prepared_by)")


def downgrade() -> None:
    op.drop_constraint("run_four_eyes", "runs")
    op.drop_index("proposals_by_region", table_name="policy_proposals")
    op.drop_table("policy_proposals")
    op.drop_column("policies", "approved_by")
    op.drop_column("policies", "proposed_by")
    op.drop_column("runs", "prepared_by")
