"""care to cash: per paid payment and business date, the records it brought and after how many days

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "care_to_cash",
        sa.Column("payment_id", sa.Uuid(), nullable=False),
        sa.Column("business_date", sa.Date(), nullable=False),
        sa.Column("admdvs", sa.String(length=6), nullable=False),
        sa.Column("fixmedins_code", sa.String(length=30), nullable=False),
        sa.Column("insutype", sa.String(length=3), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("records", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("payment_id", "business_date"),
        sa.CheckConstraint("records > 0", name="care_to_cash_records"),
    )
    op.create_index("care_to_cash_by_region", "care_to_cash", ["admdvs", "business_date"])
    op.create_index("care_to_cash_by_paid_on", "care_to_cash", ["paid_on"])


def downgrade() -> None:
    op.drop_index("care_to_cash_by_paid_on", table_name="care_to_cash")
    op.drop_index("care_to_cash_by_region", table_name="care_to_cash")
    op.drop_table("care_to_cash")
