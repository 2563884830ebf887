"""the books of record: closed periods, history never edited, the business facts and the consistency check

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

# Written out, not read from chart.json: 0001 already inserted whatever the chart held when it ran.
_NEW_ACCOUNTS = [("2101", "暂收款", "liability", None), ("210101", "暂收款—医疗服务质量保证金", "liability", "2101")]
_IMMUTABLE = ("journal_entries", "postings", "closed_periods", "fund_transfers", "consistency_explanations")


def money(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.Numeric(18, 2), nullable=nullable)


def upgrade() -> None:
    for code, name, kind, parent in _NEW_ACCOUNTS:
        op.get_bind().execute(sa.text("INSERT INTO accounts (code, name, kind, parent) VALUES (:c, :n, :k, :p) "
                                      "ON CONFLICT (code) DO NOTHING"), {"c": code, "n": name, "k": kind, "p": parent})
    op.add_column("journal_entries", sa.Column("seq", sa.BigInteger(), sa.Identity(always=False), nullable=False))
    op.create_unique_constraint("journal_entries_seq_key", "journal_entries", ["seq"])
    op.add_column("journal_entries", sa.Column("admdvs", sa.String(6), nullable=True))
    op.add_column("journal_entries", sa.Column("payment_id", sa.Uuid(), nullable=True))
    op.add_column("journal_entries", sa.Column("source_ref", sa.String(200), nullable=True))
    op.add_column("journal_entries", sa.Column("reverses", sa.Uuid(), sa.ForeignKey("journal_entries.entry_id"),
                                               nullable=True))
    op.create_unique_constraint("journal_entries_reverses_key", "journal_entries", ["reverses"])
    op.create_index("ix_journal_entries_payment_id", "journal_entries", ["payment_id"])
    op.create_index("postings_by_institution_month", "postings", ["account_code", "fixmedins_code", "aux_period"])

    op.create_table(
        "closed_periods",
        sa.Column("period", sa.String(7), primary_key=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_by", sa.String(100), nullable=False),
        sa.Column("reason", sa.String(500), nullable=False),
    )
    op.create_table(
        "fund_transfers",
        sa.Column("reference", sa.String(100), primary_key=True),
        sa.Column("admdvs", sa.String(6), nullable=False),
        sa.Column("fund", sa.String(3), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        money("amount"),
        sa.Column("value_date", sa.Date(), nullable=False),
        sa.Column("entry_id", sa.Uuid(), sa.ForeignKey("journal_entries.entry_id"), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "line_facts",
        sa.Column("line_id", sa.Uuid(), primary_key=True),
        sa.Column("admdvs", sa.String(6), nullable=False),
        sa.Column("fixmedins_code", sa.String(30), nullable=False),
        sa.Column("insutype", sa.String(3), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("batch_date", sa.Date(), nullable=True),
        money("amount"),
    )
    op.create_index("line_facts_by_batch", "line_facts", ["fixmedins_code", "insutype", "period", "batch_date"])
    op.create_table(
        "payment_facts",
        sa.Column("payment_id", sa.Uuid(), primary_key=True),
        sa.Column("admdvs", sa.String(6), nullable=True),
        sa.Column("fixmedins_code", sa.String(30), nullable=False),
        sa.Column("insutype", sa.String(3), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("run_id", sa.Uuid(), nullable=True),
        sa.Column("run_type", sa.String(30), nullable=True),
        money("amount", True), money("carried_in", True), money("payment", True),
        sa.Column("ordered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("batch_dates", postgresql.ARRAY(sa.Date()), nullable=True),
        sa.Column("lines_status", sa.String(10), nullable=True),
        sa.Column("carried_from", postgresql.JSONB(), nullable=True),
        sa.Column("bank_status", sa.String(10), nullable=True),
        money("bank_amount", True),
        sa.Column("voucher_no", sa.String(35), nullable=True),
        sa.Column("bank_ref", sa.String(100), nullable=True),
        sa.Column("value_date", sa.Date(), nullable=True),
        sa.Column("reason", sa.String(500), nullable=True),
    )
    op.create_index("payment_facts_by_month", "payment_facts", ["fixmedins_code", "insutype", "period"])
    op.create_index("payment_facts_by_region", "payment_facts", ["admdvs", "period"])
    op.create_table(
        "settlement_facts",
        sa.Column("fixmedins_code", sa.String(30), primary_key=True),
        sa.Column("insutype", sa.String(3), primary_key=True),
        sa.Column("period", sa.String(7), primary_key=True),
        sa.Column("admdvs", sa.String(6), nullable=False),
        sa.Column("run_id", sa.Uuid(), nullable=False),
        *(money(name) for name in ("payable", "deductions", "deposit_reserved", "already_paid", "carried_in", "net",
                                   "payment", "carried_forward")),
        sa.Column("by_category", postgresql.JSONB(), nullable=False),
        sa.Column("payment_id", sa.Uuid(), nullable=True),
        sa.Column("settled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("carried_into", sa.String(7), nullable=True),
    )
    op.create_table(
        "consistency_items",
        sa.Column("admdvs", sa.String(6), primary_key=True),
        sa.Column("period", sa.String(7), primary_key=True),
        sa.Column("fixmedins_code", sa.String(30), primary_key=True),
        sa.Column("insutype", sa.String(3), primary_key=True),
        sa.Column("kind", sa.String(40), primary_key=True),
        sa.Column("difference_id", sa.Uuid(), nullable=False),
        money("business"), money("bank"), money("books"),
        sa.Column("records", postgresql.JSONB(), nullable=False),
    )
    op.create_table(
        "consistency_checks",
        sa.Column("admdvs", sa.String(6), primary_key=True),
        sa.Column("period", sa.String(7), primary_key=True),
        sa.Column("agreed", sa.Boolean(), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("differences", postgresql.JSONB(), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "consistency_explanations",
        sa.Column("explanation_id", sa.Uuid(), primary_key=True),
        sa.Column("difference_id", sa.Uuid(), nullable=False, index=True),
        sa.Column("admdvs", sa.String(6), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("fixmedins_code", sa.String(30), nullable=False),
        sa.Column("insutype", sa.String(3), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        money("business"), money("bank"), money("books"),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("explained_by", sa.String(100), nullable=False),
        sa.Column("explained_at", sa.DateTime(timezone=True), nullable=False),
    )

    # The database refuses, at commit, whatever code wrote it: a leg whose entry does not balance, a leg in
    # another fund or period than its entry, an entry without legs, and an entry booked in a closed period.
    op.execute("DROP TRIGGER entry_balances ON postings")
    op.execute("DROP FUNCTION check_entry_balances()")
    op.execute("""
        CREATE FUNCTION check_entry_balances() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            difference numeric;
            strays integer;
        BEGIN
            SELECT coalesce(sum(CASE p.side WHEN 'D' THEN p.amount ELSE -p.amount END), 0),
                   count(*) FILTER (WHERE p.fund <> e.fund OR p.period <> e.period)
              INTO difference, strays
              FROM postings p JOIN journal_entries e USING (entry_id) WHERE p.entry_id = NEW.entry_id;
            IF difference <> 0 THEN
                RAISE EXCEPTION 'journal entry % does not balance: debits - credits = %', NEW.entry_id, difference
                    USING ERRCODE = 'check_violation';
            END IF;
            IF strays > 0 THEN
                RAISE EXCEPTION 'journal entry % has legs in another fund or period than itself', NEW.entry_id
                    USING ERRCODE = 'check_violation';
            END IF;
            RETURN NULL;
        END $$;
    """)
    op.execute("""
        CREATE CONSTRAINT TRIGGER entry_balances AFTER INSERT ON postings
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION check_entry_balances()
    """)
    op.execute("""
        CREATE FUNCTION check_entry_period() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF EXISTS (SELECT 1 FROM closed_periods WHERE period = NEW.period) THEN
                RAISE EXCEPTION 'period % is closed: journal entry % belongs in an open period', NEW.period,
                    NEW.entry_id USING ERRCODE = 'check_violation';
            END IF;
            IF NOT EXISTS (SELECT 1 FROM postings WHERE entry_id = NEW.entry_id) THEN
                RAISE EXCEPTION 'journal entry % has no legs', NEW.entry_id USING ERRCODE = 'check_violation';
            END IF;
            RETURN NULL;
        END $$;
    """)
    op.execute("""
        CREATE CONSTRAINT TRIGGER entry_in_open_period AFTER INSERT ON journal_entries
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION check_entry_period()
    """)
    # History is never edited (N art.19): a wrong entry is reversed by another, never updated or deleted.
    op.execute("""
        CREATE FUNCTION refuse_editing_history() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION '% is history: % refused; correct it with a reversing entry', TG_TABLE_NAME, TG_OP
                USING ERRCODE = 'insufficient_privilege';
        END $$;
    """)
    for table in _IMMUTABLE:
        op.execute(f"CREATE TRIGGER {table}_never_edited BEFORE UPDATE OR DELETE OR TRUNCATE ON {table} "
                   "FOR EACH STATEMENT EXECUTE FUNCTION refuse_editing_history()")


def downgrade() -> None:
    for table in _IMMUTABLE:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_never_edited ON {table}")
    op.execute("DROP FUNCTION IF EXISTS refuse_editing_history()")
    op.execute("DROP TRIGGER IF EXISTS entry_in_open_period ON journal_entries")
    op.execute("DROP FUNCTION IF EXISTS check_entry_period()")
    for table in ("consistency_explanations", "consistency_checks", "consistency_items", "settlement_facts",
                  "payment_facts", "line_facts", "fund_transfers", "closed_periods"):
        op.drop_table(table)
    op.drop_index("postings_by_institution_month", "postings")
    op.drop_index("ix_journal_entries_payment_id", "journal_entries")
    for column in ("reverses", "source_ref", "payment_id", "admdvs", "seq"):
        op.drop_column("journal_entries", column)
    op.execute("DELETE FROM accounts WHERE code IN ('210101', '2101')")
