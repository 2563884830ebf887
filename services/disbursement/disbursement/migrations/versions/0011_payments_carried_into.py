"""payments carried into another are found by an index: care to cash walks them back from each paid payment,
and without it every step of that walk read the whole payments table

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("payments_carried_into", "payments", ["carried_into"],
                    postgresql_where=sa.text("carried_into IS NOT NULL"))


def downgrade() -> None:
    op.drop_index("payments_carried_into", table_name="payments")
