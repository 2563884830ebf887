"""payments carry batches of lines

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index(op.f('view_line_payments_by_settlement'), table_name='view_line_payments')
    op.drop_table('view_line_payments')
    op.add_column('view_lines', sa.Column('insutype', sa.String(length=3), nullable=True))
    op.add_column('view_lines', sa.Column('period', sa.String(length=7), nullable=True))
    op.add_column('view_lines', sa.Column('batch_date', sa.Date(), nullable=True))
    # A line only heard of through an ordering (never through its computation) cannot be shown any more;
    # the others take their fund from their settlement and their batch from their date.
    op.execute("DELETE FROM view_lines WHERE computed_at IS NULL OR business_date IS NULL")
    op.execute("UPDATE view_lines v SET insutype = s.insutype, period = to_char(v.business_date, 'YYYY-MM'), "
               "batch_date = v.business_date FROM settlements s "
               "WHERE s.fixmedins_code = v.fixmedins_code AND s.setl_id = v.setl_id")
    op.execute("DELETE FROM view_lines WHERE insutype IS NULL")
    op.alter_column('view_lines', 'insutype', nullable=False)
    op.alter_column('view_lines', 'period', nullable=False)
    op.alter_column('view_lines', 'ratio',
               existing_type=sa.NUMERIC(precision=7, scale=4),
               nullable=False)
    op.alter_column('view_lines', 'business_date',
               existing_type=sa.DATE(),
               nullable=False)
    op.alter_column('view_lines', 'policy_version',
               existing_type=sa.INTEGER(),
               nullable=False)
    op.alter_column('view_lines', 'computed_at',
               existing_type=postgresql.TIMESTAMP(timezone=True),
               nullable=False)
    op.add_column('view_payments', sa.Column('fixmedins_code', sa.String(length=30), nullable=True))
    op.add_column('view_payments', sa.Column('insutype', sa.String(length=3), nullable=True))
    op.add_column('view_payments', sa.Column('period', sa.String(length=7), nullable=True))
    op.add_column('view_payments', sa.Column('batch_dates', postgresql.JSONB(), server_default=sa.text("'[]'::jsonb"), nullable=False))
    op.add_column('view_payments', sa.Column('carried_from', postgresql.JSONB(), server_default=sa.text("'[]'::jsonb"), nullable=False))
    op.add_column('view_payments', sa.Column('ordered_at', sa.DateTime(timezone=True), nullable=True))
    op.create_index('view_payments_by_month', 'view_payments', ['fixmedins_code', 'insutype', 'period'], unique=False)


def downgrade() -> None:
    op.drop_index('view_payments_by_month', table_name='view_payments')
    op.drop_column('view_payments', 'ordered_at')
    op.drop_column('view_payments', 'carried_from')
    op.drop_column('view_payments', 'batch_dates')
    op.drop_column('view_payments', 'period')
    op.drop_column('view_payments', 'insutype')
    op.drop_column('view_payments', 'fixmedins_code')
    op.alter_column('view_lines', 'computed_at',
               existing_type=postgresql.TIMESTAMP(timezone=True),
               nullable=True)
    op.alter_column('view_lines', 'policy_version',
               existing_type=sa.INTEGER(),
               nullable=True)
    op.alter_column('view_lines', 'business_date',
               existing_type=sa.DATE(),
               nullable=True)
    op.alter_column('view_lines', 'ratio',
               existing_type=sa.NUMERIC(precision=7, scale=4),
               nullable=True)
    op.drop_column('view_lines', 'batch_date')
    op.drop_column('view_lines', 'period')
    op.drop_column('view_lines', 'insutype')
    op.create_table('view_line_payments',
    sa.Column('line_id', sa.UUID(), autoincrement=False, nullable=False),
    sa.Column('payment_id', sa.UUID(), autoincrement=False, nullable=False),
    sa.Column('fixmedins_code', sa.VARCHAR(length=30), autoincrement=False, nullable=False),
    sa.Column('setl_id', sa.VARCHAR(length=30), autoincrement=False, nullable=False),
    sa.Column('ordered_at', postgresql.TIMESTAMP(timezone=True), autoincrement=False, nullable=False),
    sa.PrimaryKeyConstraint('line_id', 'payment_id', name=op.f('view_line_payments_pkey'))
    )
    op.create_index(op.f('view_line_payments_by_settlement'), 'view_line_payments', ['fixmedins_code', 'setl_id'], unique=False)
