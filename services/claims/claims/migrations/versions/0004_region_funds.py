"""claims knows which insutypes each region's policy version settles, to refuse what no fund would pay (N art.3)

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("region_deadlines", sa.Column("insutypes", JSONB(), nullable=True))


def downgrade() -> None:
    op.drop_column("region_deadlines", "insutypes")
