"""months settle after their audit and declaration; the personal account settles with the employee fund

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("intake", sa.Column("under_review", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column("intake", sa.Column("acct_pay", sa.Numeric(18, 2), nullable=True))
    op.add_column("intake", sa.Column("acct_mulaid_pay", sa.Numeric(18, 2), nullable=True))
    op.create_index("declarations_by_month", "declarations", ["admdvs", "period", "fixmedins_code"])


def downgrade() -> None:
    op.drop_index("declarations_by_month", "declarations")
    op.drop_column("intake", "acct_mulaid_pay")
    op.drop_column("intake", "acct_pay")
    op.drop_column("intake", "under_review")
