"""risk warnings: each institution's day of figures, regions' indicators, warnings and the measures taken

An outcome now keeps the settlement's fund payment and its risk flags, so a warning can list the records
that explain it without a copy of each record (N art.20-21, JL art.22-23).

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_MONEY = sa.Numeric(18, 2)
_VALUE = sa.Numeric(24, 4)
_NOW = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.add_column("audit_outcomes", sa.Column("fund_pay_sumamt", _MONEY, nullable=True))
    op.add_column("audit_outcomes", sa.Column("risk_flags", ARRAY(sa.Text), nullable=True))
    op.create_index("audit_outcomes_by_day", "audit_outcomes", ["fixmedins_code", "business_date"])
    op.create_table(
        "risk_days",
        sa.Column("fixmedins_code", sa.String(30), primary_key=True),
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("admdvs", sa.String(6), nullable=False),
        sa.Column("records", sa.BigInteger, nullable=False),
        sa.Column("fund_pay", _MONEY, nullable=False),
        *(sa.Column(c, sa.BigInteger, nullable=False, server_default="0")
          for c in ("high_cost", "repeats", "late", "violations", "reversals")),
        sa.CheckConstraint("records >= 0 AND high_cost >= 0 AND repeats >= 0 AND late >= 0 AND violations >= 0 "
                           "AND reversals >= 0", name="risk_days_counts_not_negative"),
    )
    op.create_index("risk_days_by_region", "risk_days", ["admdvs", "day"])
    op.create_table(
        "risk_config_versions",
        sa.Column("admdvs", sa.String(6), primary_key=True),
        sa.Column("version", sa.Integer, primary_key=True),
        sa.Column("config", JSONB, nullable=False),
        sa.Column("changed_by", sa.String(100), nullable=False),
        sa.Column("created_at", _NOW, nullable=False),
    )
    op.create_table(
        "risk_warnings",
        sa.Column("warning_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("seq", sa.BigInteger, sa.Identity(), nullable=False, unique=True),
        sa.Column("fixmedins_code", sa.String(30), nullable=False),
        sa.Column("admdvs", sa.String(6), nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("indicator", sa.String(30), nullable=False),
        sa.Column("basis", sa.String(12), nullable=False),
        sa.Column("level", sa.String(6), nullable=False),
        sa.Column("value", _VALUE, nullable=False),
        sa.Column("figure", _VALUE, nullable=False),
        sa.Column("reference", _VALUE, nullable=True),
        sa.Column("threshold", _VALUE, nullable=False),
        sa.Column("records", sa.BigInteger, nullable=False),
        sa.Column("config_version", sa.Integer, nullable=False),
        sa.Column("status", sa.String(10), nullable=False, server_default="open"),
        sa.Column("raised_at", _NOW, nullable=False),
        sa.Column("updated_at", _NOW, nullable=False),
        sa.UniqueConstraint("fixmedins_code", "day", "indicator", name="risk_warnings_one_per_day_indicator"),
        sa.CheckConstraint("level IN ('yellow', 'red')", name="risk_warnings_level"),
        sa.CheckConstraint("status IN ('open', 'handled', 'dismissed')", name="risk_warnings_status"),
    )
    op.create_index("risk_warnings_by_region", "risk_warnings", ["admdvs", "status", "seq"])
    op.create_table(
        "risk_measures",
        sa.Column("measure_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("warning_id", UUID(as_uuid=True), sa.ForeignKey("risk_warnings.warning_id"), nullable=False,
                  index=True),
        sa.Column("measure", sa.String(12), nullable=False),
        sa.Column("ratio", sa.Numeric(5, 4), nullable=True),
        sa.Column("effective_from", sa.Date, nullable=True),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("taken_at", _NOW, nullable=False),
        sa.CheckConstraint("measure IN ('interview', 'lower_ratio', 'suspend', 'dismiss')",
                           name="risk_measures_kind"),
        sa.CheckConstraint("(measure = 'lower_ratio') = (ratio IS NOT NULL AND effective_from IS NOT NULL)",
                           name="risk_measures_ratio_with_lowering"),
    )
    # A measure is history like a review decision: a correction is another measure, never an edit.
    op.execute("CREATE TRIGGER risk_measures_append_only BEFORE UPDATE OR DELETE ON risk_measures "
               "FOR EACH ROW EXECUTE FUNCTION audit_append_only()")
    op.execute("CREATE TRIGGER risk_measures_no_truncate BEFORE TRUNCATE ON risk_measures "
               "FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()")


def downgrade() -> None:
    op.drop_table("risk_measures")
    op.drop_table("risk_warnings")
    op.drop_table("risk_config_versions")
    op.drop_table("risk_days")
    op.drop_index("audit_outcomes_by_day", "audit_outcomes")
    op.drop_column("audit_outcomes", "risk_flags")
    op.drop_column("audit_outcomes", "fund_pay_sumamt")
