"""the year-end books: special cases and the annual assessment as benefit expenditure of their own, and what
the books wrote off for a payment when it was ordered (N art.16-17, N art.19)

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# Written out, not read from chart.json: 0001 already inserted whatever the chart held when it ran.
_ACCOUNTS = [{"c": "510107", "n": "待遇支出—特例单议", "k": "expense", "p": "5101"},
             {"c": "510108", "n": "待遇支出—年度清算考核调整", "k": "expense", "p": "5101"}]


def upgrade() -> None:
    for account in _ACCOUNTS:
        op.get_bind().execute(sa.text("INSERT INTO accounts (code, name, kind, parent) VALUES (:c, :n, :k, :p) "
                                      "ON CONFLICT (code) DO NOTHING"), account)
    op.add_column("payment_facts", sa.Column("written_off", sa.Numeric(18, 2), nullable=True))
    op.add_column("payment_facts", sa.Column("cleared_by", sa.Uuid(), nullable=True))
    op.add_column("payment_facts", sa.Column("clears", postgresql.JSONB(), nullable=True))


def downgrade() -> None:
    op.drop_column("payment_facts", "clears")
    op.drop_column("payment_facts", "cleared_by")
    op.drop_column("payment_facts", "written_off")
    op.execute("DELETE FROM accounts WHERE code IN ('510107', '510108')")
