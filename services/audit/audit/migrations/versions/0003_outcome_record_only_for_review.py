"""an outcome keeps the record only when it has a finding for review

Claims is the system of record for settlements; audit keeps a copy of a record only where a reviewer reads
it (a finding or a sampled record), so a passing record costs no second JSON write.

Revision ID: 0003
Revises: 0002
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.alter_column("audit_outcomes", "record", nullable=True)


def downgrade() -> None:
    op.execute("UPDATE audit_outcomes SET record = '{}'::jsonb WHERE record IS NULL")
    op.alter_column("audit_outcomes", "record", nullable=False)
