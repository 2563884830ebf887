"""cancellations: an order stopped before it arrived has no accounts yet

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_ACCOUNT_COLUMNS = {"payer_acct": 40, "payee_acct": 40, "payee_name": 200, "payee_bank": 20}


def upgrade() -> None:
    for column, length in _ACCOUNT_COLUMNS.items():
        op.alter_column("bank_payments", column, existing_type=sa.String(length=length), nullable=True)


def downgrade() -> None:
    op.execute("DELETE FROM bank_payments WHERE payee_acct IS NULL")
    for column, length in _ACCOUNT_COLUMNS.items():
        op.alter_column("bank_payments", column, existing_type=sa.String(length=length), nullable=False)
