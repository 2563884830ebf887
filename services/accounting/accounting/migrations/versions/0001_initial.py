"""initial

Revision ID: 0001
Revises: None
"""

import sqlalchemy as sa
from alembic import op

from accounting.domain.chart import chart
from shared.messaging.tables import create_messaging_v1, drop_messaging_v1

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_messaging_v1(op)
    op.create_table('accounts',
    sa.Column('code', sa.String(length=10), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('parent', sa.String(length=10), nullable=True),
    sa.PrimaryKeyConstraint('code')
    )
    op.create_table('journal_entries',
    sa.Column('entry_id', sa.Uuid(), nullable=False),
    sa.Column('source_event_id', sa.Uuid(), nullable=False),
    sa.Column('source_type', sa.String(length=60), nullable=False),
    sa.Column('fund', sa.String(length=3), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('entry_date', sa.Date(), nullable=False),
    sa.Column('memo', sa.Text(), nullable=False),
    sa.Column('posted_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('entry_id'),
    sa.UniqueConstraint('source_event_id')
    )
    op.create_index(op.f('ix_journal_entries_period'), 'journal_entries', ['period'], unique=False)
    op.create_table('postings',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('entry_id', sa.Uuid(), nullable=False),
    sa.Column('account_code', sa.String(length=10), nullable=False),
    sa.Column('side', sa.String(length=1), nullable=False),
    sa.Column('amount', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('fund', sa.String(length=3), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('fixmedins_code', sa.String(length=30), nullable=True),
    sa.Column('aux_period', sa.String(length=7), nullable=True),
    sa.CheckConstraint("side IN ('D', 'C')", name='leg_side_is_debit_or_credit'),
    sa.CheckConstraint('amount > 0', name='leg_amount_positive'),
    sa.ForeignKeyConstraint(['account_code'], ['accounts.code'], ),
    sa.ForeignKeyConstraint(['entry_id'], ['journal_entries.entry_id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_postings_entry_id'), 'postings', ['entry_id'], unique=False)
    op.create_index('postings_by_account_period', 'postings', ['account_code', 'fund', 'period'], unique=False)
    # The database itself refuses an unbalanced entry, even from a write that bypasses the code: checked at
    # commit (deferred), once the entry's every leg is in (as django-hordak's check_leg trigger does).
    op.execute("""
        CREATE FUNCTION check_entry_balances() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            difference numeric;
        BEGIN
            SELECT coalesce(sum(CASE side WHEN 'D' THEN amount ELSE -amount END), 0) INTO difference
            FROM postings WHERE entry_id = NEW.entry_id;
            IF difference <> 0 THEN
                RAISE EXCEPTION 'journal entry % does not balance: debits - credits = %', NEW.entry_id, difference
                    USING ERRCODE = 'check_violation';
            END IF;
            RETURN NULL;
        END $$;
    """)
    op.execute("""
        CREATE CONSTRAINT TRIGGER entry_balances AFTER INSERT OR UPDATE ON postings
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION check_entry_balances()
    """)
    op.bulk_insert(_accounts, [
        {"code": a.code, "name": a.name, "kind": a.kind, "parent": a.parent} for a in chart().values()
    ])


_accounts = sa.table("accounts", sa.column("code"), sa.column("name"), sa.column("kind"), sa.column("parent"))


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS entry_balances ON postings")
    op.execute("DROP FUNCTION IF EXISTS check_entry_balances()")
    op.drop_table('postings')
    op.drop_table('journal_entries')
    op.drop_table('accounts')
    drop_messaging_v1(op)
