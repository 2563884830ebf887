"""initial

Revision ID: 0001
Revises: None
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from shared.messaging.tables import create_messaging_v1, drop_messaging_v1

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_messaging_v1(op)
    op.create_table('audit_outcomes',
    sa.Column('fixmedins_code', sa.String(length=30), nullable=False),
    sa.Column('setl_id', sa.String(length=30), nullable=False),
    sa.Column('admdvs', sa.String(length=6), nullable=False),
    sa.Column('insutype', sa.String(length=3), nullable=False),
    sa.Column('psn_no', sa.String(length=30), nullable=False),
    sa.Column('business_date', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('vola_amt', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('findings', postgresql.JSONB(), nullable=False),
    sa.Column('record', postgresql.JSONB(), nullable=False),
    sa.Column('audited_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('fixmedins_code', 'setl_id')
    )
    op.create_table('daily_charges',
    sa.Column('psn_no', sa.String(length=30), nullable=False),
    sa.Column('fee_date', sa.Date(), nullable=False),
    sa.Column('med_list_codg', sa.String(length=50), nullable=False),
    sa.Column('fixmedins_code', sa.String(length=30), nullable=False),
    sa.Column('setl_id', sa.String(length=30), nullable=False),
    sa.Column('feedetl_sn', sa.String(length=30), nullable=False),
    sa.Column('cnt', sa.Numeric(precision=16, scale=4), nullable=False),
    sa.PrimaryKeyConstraint('psn_no', 'fee_date', 'med_list_codg', 'fixmedins_code', 'setl_id', 'feedetl_sn')
    )


def downgrade() -> None:
    op.drop_table('daily_charges')
    op.drop_table('audit_outcomes')
    drop_messaging_v1(op)
