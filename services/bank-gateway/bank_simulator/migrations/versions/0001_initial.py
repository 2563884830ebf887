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
    op.create_table('bank_payments',
    sa.Column('voucher_no', sa.String(length=35), nullable=False),
    sa.Column('seq', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('msg_id', sa.String(length=35), nullable=False),
    sa.Column('payer_acct', sa.String(length=40), nullable=False),
    sa.Column('payee_acct', sa.String(length=40), nullable=False),
    sa.Column('payee_name', sa.String(length=200), nullable=False),
    sa.Column('payee_bank', sa.String(length=20), nullable=False),
    sa.Column('amount', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('reason_code', sa.String(length=10), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('bank_ref', sa.String(length=40), nullable=False),
    sa.Column('value_date', sa.Date(), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('settled_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('voucher_no'),
    sa.UniqueConstraint('seq')
    )
    op.create_index('bank_payments_by_value_date', 'bank_payments', ['value_date'], unique=False)
    op.create_table('fault_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('faults', postgresql.JSONB(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('pending_receipts',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('voucher_no', sa.String(length=35), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('payload', postgresql.JSONB(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )


def downgrade() -> None:
    op.drop_table('pending_receipts')
    op.drop_table('fault_settings')
    op.drop_table('bank_payments')
    drop_messaging_v1(op)
