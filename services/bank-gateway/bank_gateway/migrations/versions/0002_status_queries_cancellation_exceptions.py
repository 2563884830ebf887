"""status queries, cancellation, the exceptions list, and a voucher's run

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_EXCEPTIONS = "outcome IN ('unknown-voucher', 'contradicts', 'amount-mismatch', 'account-mismatch', 'malformed')"


def upgrade() -> None:
    op.add_column("vouchers", sa.Column("run_type", sa.String(length=40), nullable=True))
    op.add_column("vouchers", sa.Column("business_date", sa.Date(), nullable=True))
    op.add_column("vouchers", sa.Column("queries", sa.Integer(), server_default="0", nullable=False))
    op.add_column("vouchers", sa.Column("last_query_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("vouchers", sa.Column("last_query_answer", sa.String(length=40), nullable=True))
    op.add_column("vouchers", sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index("vouchers_awaiting_receipt", "vouchers", ["issued_at"], postgresql_where=sa.text("status = 'issued'"))
    op.create_index("vouchers_by_value_date", "vouchers", ["value_date"])
    op.create_index("vouchers_by_run", "vouchers", ["run_id"])
    op.add_column("receipts", sa.Column("source", sa.String(length=20), server_default="push", nullable=False))
    op.add_column("receipts", sa.Column("detail", sa.Text(), nullable=True))
    op.create_index("receipt_exceptions", "receipts", ["id"], postgresql_where=sa.text(_EXCEPTIONS))


def downgrade() -> None:
    op.drop_index("receipt_exceptions", table_name="receipts")
    op.drop_column("receipts", "detail")
    op.drop_column("receipts", "source")
    op.drop_index("vouchers_by_run", table_name="vouchers")
    op.drop_index("vouchers_by_value_date", table_name="vouchers")
    op.drop_index("vouchers_awaiting_receipt", table_name="vouchers")
    for column in ("cancelled_at", "last_query_answer", "last_query_at", "queries", "business_date", "run_type"):
        op.drop_column("vouchers", column)
