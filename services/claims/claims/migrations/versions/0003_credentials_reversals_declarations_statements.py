"""credentials reversals declarations statements

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('declarations',
    sa.Column('declaration_id', sa.Uuid(), nullable=False),
    sa.Column('fixmedins_code', sa.String(length=30), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('totals', postgresql.JSONB(), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('declared_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('late', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('declaration_id'),
    sa.UniqueConstraint('fixmedins_code', 'period')
    )
    op.create_table('region_deadlines',
    sa.Column('admdvs', sa.String(length=6), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('declaration_deadline_day', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('admdvs', 'version')
    )
    op.create_table('reversals',
    sa.Column('fixmedins_code', sa.String(length=30), nullable=False),
    sa.Column('setl_id', sa.String(length=30), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('reversed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('fixmedins_code', 'setl_id')
    )
    op.create_table('view_deductions',
    sa.Column('deduction_id', sa.Uuid(), nullable=False),
    sa.Column('fixmedins_code', sa.String(length=30), nullable=False),
    sa.Column('setl_id', sa.String(length=30), nullable=False),
    sa.Column('insutype', sa.String(length=3), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('amount', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('source', sa.String(length=12), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('deduction_id')
    )
    op.create_index('view_deductions_by_month', 'view_deductions', ['fixmedins_code', 'period'], unique=False)
    op.create_table('view_months',
    sa.Column('fixmedins_code', sa.String(length=30), nullable=False),
    sa.Column('insutype', sa.String(length=3), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('run_id', sa.Uuid(), nullable=False),
    sa.Column('figures', postgresql.JSONB(), nullable=False),
    sa.Column('settled_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('fixmedins_code', 'insutype', 'period')
    )
    op.add_column('institutions', sa.Column('token_issued_at', sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE institutions SET token_issued_at = registered_at")
    op.alter_column('institutions', 'token_hash',
               existing_type=sa.VARCHAR(length=64),
               nullable=True)
    op.add_column('view_payments', sa.Column('amount', sa.Numeric(precision=18, scale=2), nullable=True))


def downgrade() -> None:
    op.drop_column('view_payments', 'amount')
    op.alter_column('institutions', 'token_hash',
               existing_type=sa.VARCHAR(length=64),
               nullable=False)
    op.drop_column('institutions', 'token_issued_at')
    op.drop_table('view_months')
    op.drop_index('view_deductions_by_month', table_name='view_deductions')
    op.drop_table('view_deductions')
    op.drop_table('reversals')
    op.drop_table('region_deadlines')
    op.drop_table('declarations')
