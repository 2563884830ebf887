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
    sa.Column('bank_acct', postgresql.JSONB(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('fixmedins_code')
    )
    op.create_index(op.f('ix_institutions_admdvs'), 'institutions', ['admdvs'], unique=False)
    op.create_index(op.f('ix_institutions_token_hash'), 'institutions', ['token_hash'], unique=False)
    op.create_table('intake',
    sa.Column('fixmedins_code', sa.String(length=30), nullable=False),
    sa.Column('setl_id', sa.String(length=30), nullable=False),
    sa.Column('admdvs', sa.String(length=6), nullable=True),
    sa.Column('insutype', sa.String(length=3), nullable=True),
    sa.Column('med_type', sa.String(length=4), nullable=True),
    sa.Column('business_date', sa.Date(), nullable=True),
    sa.Column('fund_pay_sumamt', sa.Numeric(precision=18, scale=2), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('audit_status', sa.String(length=12), nullable=True),
    sa.Column('vola_amt', sa.Numeric(precision=18, scale=2), nullable=True),
    sa.Column('audited_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('line_id', sa.Uuid(), nullable=True),
    sa.PrimaryKeyConstraint('fixmedins_code', 'setl_id')
    )
    op.create_index('intake_waiting', 'intake', ['admdvs'], unique=False, postgresql_where=sa.text('line_id IS NULL'))
    op.create_table('lines',
    sa.Column('line_id', sa.Uuid(), nullable=False),
    sa.Column('fixmedins_code', sa.String(length=30), nullable=False),
    sa.Column('setl_id', sa.String(length=30), nullable=False),
    sa.Column('admdvs', sa.String(length=6), nullable=False),
    sa.Column('insutype', sa.String(length=3), nullable=False),
    sa.Column('med_type', sa.String(length=4), nullable=False),
    sa.Column('business_date', sa.Date(), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('fund_pay_sumamt', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('base', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('ratio', sa.Numeric(precision=5, scale=4), nullable=False),
    sa.Column('amount', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('policy_version', sa.Integer(), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('run_id', sa.Uuid(), nullable=True),
    sa.Column('payment_id', sa.Uuid(), nullable=True),
    sa.PrimaryKeyConstraint('line_id')
    )
    op.create_index('lines_by_run', 'lines', ['run_id'], unique=False)
    op.create_index('lines_by_settlement', 'lines', ['fixmedins_code', 'setl_id'], unique=False)
    op.create_index('lines_unordered', 'lines', ['admdvs', 'business_date'], unique=False, postgresql_where=sa.text('run_id IS NULL'))
    op.create_table('payments',
    sa.Column('payment_id', sa.Uuid(), nullable=False),
    sa.Column('run_id', sa.Uuid(), nullable=False),
    sa.Column('admdvs', sa.String(length=6), nullable=False),
    sa.Column('fixmedins_code', sa.String(length=30), nullable=False),
    sa.Column('insutype', sa.String(length=3), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('records', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('carried_in', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('payment', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('carried_forward', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('carried_into', sa.Uuid(), nullable=True),
    sa.Column('ordered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('settled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('voucher_no', sa.String(length=35), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.CheckConstraint('carried_forward <= 0', name='carried_forward_is_owed_back'),
    sa.CheckConstraint('payment >= 0', name='payment_never_negative'),
    sa.PrimaryKeyConstraint('payment_id')
    )
    op.create_index(op.f('ix_payments_run_id'), 'payments', ['run_id'], unique=False)
    op.create_index('payments_to_carry', 'payments', ['admdvs'], unique=False, postgresql_where=sa.text("carried_into IS NULL AND (status IN ('postponed', 'failed') OR carried_forward <> 0)"))
    op.create_table('policies',
    sa.Column('admdvs', sa.String(length=6), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('pack', sa.String(length=20), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('body', postgresql.JSONB(), nullable=False),
    sa.Column('overrides', postgresql.JSONB(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('admdvs', 'version')
    )
    op.create_table('runs',
    sa.Column('run_id', sa.Uuid(), nullable=False),
    sa.Column('run_type', sa.String(length=30), nullable=False),
    sa.Column('admdvs', sa.String(length=6), nullable=False),
    sa.Column('run_key', sa.String(length=10), nullable=False),
    sa.Column('policy_version', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('total', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('payment_total', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('summary', postgresql.JSONB(), nullable=False),
    sa.PrimaryKeyConstraint('run_id'),
    sa.UniqueConstraint('run_type', 'admdvs', 'run_key')
    )


def downgrade() -> None:
    op.drop_table('runs')
    op.drop_table('policies')
    op.drop_table('payments')
    op.drop_table('lines')
    op.drop_table('intake')
    op.drop_table('institutions')
    drop_messaging_v1(op)
