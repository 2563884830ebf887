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
    op.create_table('institutions',
    sa.Column('fixmedins_code', sa.String(length=30), nullable=False),
    sa.Column('fixmedins_name', sa.String(length=200), nullable=False),
    sa.Column('admdvs', sa.String(length=6), nullable=False),
    sa.Column('fixmedins_type', sa.String(length=2), nullable=False),
    sa.Column('hosp_lv', sa.String(length=10), nullable=True),
    sa.Column('bank_acct', postgresql.JSONB(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('registered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('fixmedins_code'),
    sa.UniqueConstraint('token_hash')
    )
    op.create_table('settlements',
    sa.Column('fixmedins_code', sa.String(length=30), nullable=False),
    sa.Column('setl_id', sa.String(length=30), nullable=False),
    sa.Column('admdvs', sa.String(length=6), nullable=False),
    sa.Column('psn_no', sa.String(length=30), nullable=False),
    sa.Column('insutype', sa.String(length=3), nullable=False),
    sa.Column('med_type', sa.String(length=4), nullable=False),
    sa.Column('setl_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('business_date', sa.Date(), nullable=False),
    sa.Column('medfee_sumamt', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('fund_pay_sumamt', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('record', postgresql.JSONB(), nullable=False),
    sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('fixmedins_code', 'setl_id')
    )
    op.create_index('settlements_by_day', 'settlements', ['fixmedins_code', 'business_date'], unique=False)
    op.create_table('view_audits',
    sa.Column('fixmedins_code', sa.String(length=30), nullable=False),
    sa.Column('setl_id', sa.String(length=30), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('vola_amt', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('findings', postgresql.JSONB(), nullable=False),
    sa.Column('audited_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('fixmedins_code', 'setl_id')
    )
    op.create_table('view_line_payments',
    sa.Column('line_id', sa.Uuid(), nullable=False),
    sa.Column('payment_id', sa.Uuid(), nullable=False),
    sa.Column('fixmedins_code', sa.String(length=30), nullable=False),
    sa.Column('setl_id', sa.String(length=30), nullable=False),
    sa.Column('ordered_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('line_id', 'payment_id')
    )
    op.create_index('view_line_payments_by_settlement', 'view_line_payments', ['fixmedins_code', 'setl_id'], unique=False)
    op.create_table('view_lines',
    sa.Column('line_id', sa.Uuid(), nullable=False),
    sa.Column('fixmedins_code', sa.String(length=30), nullable=False),
    sa.Column('setl_id', sa.String(length=30), nullable=False),
    sa.Column('amount', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('ratio', sa.Numeric(precision=7, scale=4), nullable=True),
    sa.Column('business_date', sa.Date(), nullable=True),
    sa.Column('policy_version', sa.Integer(), nullable=True),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('line_id')
    )
    op.create_index('view_lines_by_settlement', 'view_lines', ['fixmedins_code', 'setl_id'], unique=False)
    op.create_table('view_payments',
    sa.Column('payment_id', sa.Uuid(), nullable=False),
    sa.Column('voucher_no', sa.String(length=35), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('receipt_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('payment_id')
    )


def downgrade() -> None:
    op.drop_table('view_payments')
    op.drop_table('view_lines')
    op.drop_table('view_line_payments')
    op.drop_table('view_audits')
    op.drop_table('settlements')
    op.drop_table('institutions')
    drop_messaging_v1(op)
