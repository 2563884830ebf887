"""consistency checks

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('consistency_checks',
    sa.Column('admdvs', sa.String(length=6), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('agreed', sa.Boolean(), nullable=False),
    sa.Column('differences', postgresql.JSONB(), nullable=False),
    sa.Column('checked_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('admdvs', 'period')
    )


def downgrade() -> None:
    op.drop_table('consistency_checks')
