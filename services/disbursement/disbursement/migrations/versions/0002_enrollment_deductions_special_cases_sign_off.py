"""enrollment deductions special cases sign-off

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
    op.create_table('assessments',
    sa.Column('admdvs', sa.String(length=6), nullable=False),
    sa.Column('fixmedins_code', sa.String(length=30), nullable=False),
    sa.Column('insutype', sa.String(length=3), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('adjustment', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('admdvs', 'fixmedins_code', 'insutype', 'year')
    )
    op.create_table('declarations',
    sa.Column('declaration_id', sa.Uuid(), nullable=False),
    sa.Column('fixmedins_code', sa.String(length=30), nullable=False),
    sa.Column('admdvs', sa.String(length=6), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('totals', postgresql.JSONB(), nullable=False),
    sa.Column('declared_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('late', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('declaration_id')
    )
    op.create_table('deductions',
    sa.Column('deduction_id', sa.Uuid(), nullable=False),
    sa.Column('fixmedins_code', sa.String(length=30), nullable=False),
    sa.Column('admdvs', sa.String(length=6), nullable=False),
    sa.Column('setl_id', sa.String(length=30), nullable=False),
    sa.Column('insutype', sa.String(length=3), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('amount', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('source', sa.String(length=12), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('applied_run_id', sa.Uuid(), nullable=True),
    sa.PrimaryKeyConstraint('deduction_id')
    )
    op.create_index('deductions_unapplied', 'deductions', ['admdvs'], unique=False, postgresql_where=sa.text('applied_run_id IS NULL'))
    op.create_table('enrollment_history',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('fixmedins_code', sa.String(length=30), nullable=False),
    sa.Column('action', sa.String(length=12), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('effective_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('criteria', postgresql.JSONB(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_enrollment_history_fixmedins_code'), 'enrollment_history', ['fixmedins_code'], unique=False)
    op.create_table('enrollments',
    sa.Column('fixmedins_code', sa.String(length=30), nullable=False),
    sa.Column('admdvs', sa.String(length=6), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('paths', postgresql.JSONB(), nullable=True),
    sa.Column('since', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('fixmedins_code')
    )
    op.create_table('special_cases',
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('admdvs', sa.String(length=6), nullable=False),
    sa.Column('fixmedins_code', sa.String(length=30), nullable=False),
    sa.Column('insutype', sa.String(length=3), nullable=False),
    sa.Column('review_period', sa.String(length=7), nullable=False),
    sa.Column('approved', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('clearing', sa.String(length=12), nullable=False),
    sa.Column('prepay_share', sa.Numeric(precision=5, scale=4), nullable=False),
    sa.Column('paid_now', sa.Numeric(precision=18, scale=2), nullable=True),
    sa.Column('run_id', sa.Uuid(), nullable=True),
    sa.Column('cleared_run_id', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('case_id')
    )
    op.add_column('institutions', sa.Column('hosp_lv', sa.String(length=10), nullable=True))
    op.alter_column('institutions', 'token_hash',
               existing_type=sa.VARCHAR(length=64),
               nullable=True)
    op.add_column('intake', sa.Column('reversed_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('intake', sa.Column('settled_run_id', sa.Uuid(), nullable=True))
    op.create_index('intake_by_month', 'intake', ['admdvs', 'business_date'], unique=False)
    op.add_column('lines', sa.Column('kind', sa.String(length=10), nullable=False, server_default='record'))
    op.add_column('payments', sa.Column('run_type', sa.String(length=30), nullable=False,
                                        server_default='daily-disbursement'))
    op.add_column('payments', sa.Column('details', postgresql.JSONB(), nullable=False,
                                        server_default=sa.text("'{}'::jsonb")))
    # A held payment (its institution suspended) is carried like a postponed one (N art.18, art.21).
    op.drop_index('payments_to_carry', table_name='payments')
    op.create_index('payments_to_carry', 'payments', ['admdvs'], unique=False, postgresql_where=sa.text(
        "carried_into IS NULL AND (status IN ('postponed', 'failed', 'held') OR carried_forward <> 0)"))
    op.create_index('payments_by_institution', 'payments', ['fixmedins_code', 'period'], unique=False)
    op.add_column('runs', sa.Column('signed_by', sa.String(length=100), nullable=True))
    op.add_column('runs', sa.Column('signed_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.drop_column('runs', 'signed_at')
    op.drop_column('runs', 'signed_by')
    op.drop_index('payments_by_institution', table_name='payments')
    op.drop_index('payments_to_carry', table_name='payments')
    op.create_index('payments_to_carry', 'payments', ['admdvs'], unique=False, postgresql_where=sa.text(
        "carried_into IS NULL AND (status IN ('postponed', 'failed') OR carried_forward <> 0)"))
    op.drop_column('payments', 'details')
    op.drop_column('payments', 'run_type')
    op.drop_column('lines', 'kind')
    op.drop_index('intake_by_month', table_name='intake')
    op.drop_column('intake', 'settled_run_id')
    op.drop_column('intake', 'reversed_at')
    op.alter_column('institutions', 'token_hash',
               existing_type=sa.VARCHAR(length=64),
               nullable=False)
    op.drop_column('institutions', 'hosp_lv')
    op.drop_table('special_cases')
    op.drop_table('enrollments')
    op.drop_index(op.f('ix_enrollment_history_fixmedins_code'), table_name='enrollment_history')
    op.drop_table('enrollment_history')
    op.drop_index('deductions_unapplied', table_name='deductions', postgresql_where=sa.text('applied_run_id IS NULL'))
    op.drop_table('deductions')
    op.drop_table('declarations')
    op.drop_table('assessments')
