"""lines belong to their batch when computed

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('batches',
    sa.Column('admdvs', sa.String(length=6), nullable=False),
    sa.Column('batch_date', sa.Date(), nullable=False),
    sa.Column('run_id', sa.Uuid(), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('admdvs', 'batch_date')
    )
    op.add_column('lines', sa.Column('batch_date', sa.Date(), nullable=True))
    op.add_column('runs', sa.Column('batch_date', sa.Date(), nullable=True))
    # Until now a daily run's batch was its business date: a line a daily run claimed belongs to that run's
    # batch (closed), one a monthly settlement took in to none, one never claimed to its own date's (open).
    op.execute("UPDATE runs SET batch_date = run_key::date WHERE run_type = 'daily-disbursement'")
    op.execute("INSERT INTO batches (admdvs, batch_date, run_id, closed_at) SELECT admdvs, batch_date, run_id, "
               "computed_at FROM runs WHERE batch_date IS NOT NULL")
    op.execute("UPDATE lines l SET batch_date = r.batch_date FROM runs r WHERE r.run_id = l.run_id")
    op.execute("UPDATE lines SET batch_date = business_date WHERE run_id IS NULL")
    op.execute("INSERT INTO batches (admdvs, batch_date) SELECT DISTINCT admdvs, batch_date FROM lines "
               "WHERE run_id IS NULL ON CONFLICT DO NOTHING")
    op.drop_index(op.f('lines_by_run'), table_name='lines')
    op.drop_index(op.f('lines_unordered'), table_name='lines', postgresql_where='(run_id IS NULL)')
    op.create_index('lines_by_batch', 'lines', ['admdvs', 'batch_date', 'fixmedins_code'], unique=False)
    op.drop_column('lines', 'payment_id')
    op.drop_column('lines', 'run_id')
    op.create_index('runs_by_batch', 'runs', ['admdvs', 'batch_date'], unique=True, postgresql_where=sa.text('batch_date IS NOT NULL'))


def downgrade() -> None:
    op.drop_index('runs_by_batch', table_name='runs', postgresql_where=sa.text('batch_date IS NOT NULL'))
    op.drop_column('runs', 'batch_date')
    op.add_column('lines', sa.Column('run_id', sa.UUID(), autoincrement=False, nullable=True))
    op.add_column('lines', sa.Column('payment_id', sa.UUID(), autoincrement=False, nullable=True))
    op.drop_index('lines_by_batch', table_name='lines')
    op.create_index(op.f('lines_unordered'), 'lines', ['admdvs', 'business_date'], unique=False, postgresql_where='(run_id IS NULL)')
    op.create_index(op.f('lines_by_run'), 'lines', ['run_id'], unique=False)
    op.drop_column('lines', 'batch_date')
    op.drop_table('batches')
