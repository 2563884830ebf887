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
    op.create_table('receipts',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('voucher_no', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('body', postgresql.JSONB(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_receipts_voucher_no'), 'receipts', ['voucher_no'], unique=False)
    op.create_table('voucher_sequences',
    sa.Column('admdvs', sa.String(length=6), nullable=False),
    sa.Column('issue_date', sa.Date(), nullable=False),
    sa.Column('last_seq', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('admdvs', 'issue_date')
    )
    op.create_table('vouchers',
    sa.Column('voucher_no', sa.String(length=35), nullable=False),
    sa.Column('payment_id', sa.Uuid(), nullable=False),
    sa.Column('run_id', sa.Uuid(), nullable=False),
    sa.Column('admdvs', sa.String(length=6), nullable=False),
    sa.Column('fixmedins_code', sa.String(length=30), nullable=False),
    sa.Column('insutype', sa.String(length=3), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('payer', postgresql.JSONB(), nullable=False),
    sa.Column('payee', postgresql.JSONB(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('purpose', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('pain001', sa.Text(), nullable=False),
    sa.Column('bank_ref', sa.String(length=64), nullable=True),
    sa.Column('value_date', sa.Date(), nullable=True),
    sa.Column('receipt_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reason_code', sa.String(length=10), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.CheckConstraint('amount > 0', name='voucher_amount_positive'),
    sa.PrimaryKeyConstraint('voucher_no'),
    sa.UniqueConstraint('payment_id')
    )


def downgrade() -> None:
    op.drop_table('vouchers')
    op.drop_table('voucher_sequences')
    op.drop_table('receipts')
    drop_messaging_v1(op)
