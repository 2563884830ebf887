"""the personal account's expenditure, where a region settles it with the employee fund (ZJ §2)

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# Written out, not read from chart.json: 0001 already inserted whatever the chart held when it ran.
_ACCOUNT = {"c": "510106", "n": "待遇支出—个人账户支出", "k": "expense", "p": "5101"}


def upgrade() -> None:
    op.get_bind().execute(sa.text("INSERT INTO accounts (code, name, kind, parent) VALUES (:c, :n, :k, :p) "
                                  "ON CONFLICT (code) DO NOTHING"), _ACCOUNT)


def downgrade() -> None:
    op.execute("DELETE FROM accounts WHERE code = '510106'")
