"""the rule library's index, the review queue, deductions, reversals and regions' configurations

The per-line ``daily_charges`` becomes ``person_days`` (one row per settlement and day, its items' quantities
together), with what was recorded before carried over; stays and institutions' averages are built from the
outcomes already stored, so the cross-record rules see the history from the first batch after the upgrade.

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

_APPEND_ONLY = """
CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Decisions and deductions are history: a correction is a new row, never an edit.
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'restrict_violation';
END $$;
"""


def _append_only(table: str) -> None:
    op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
               "FOR EACH ROW EXECUTE FUNCTION audit_append_only()")
    op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
               "FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()")


def upgrade() -> None:
    op.add_column("audit_outcomes", sa.Column("sampled", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column("audit_outcomes", sa.Column("sample_seed", sa.BigInteger(), nullable=True))
    op.add_column("audit_outcomes", sa.Column("sample_share", sa.Numeric(5, 4), nullable=True))
    op.add_column("audit_outcomes", sa.Column("config_version", sa.Integer(), nullable=True))

    op.create_table(
        "person_days",
        sa.Column("psn_no", sa.String(length=30), nullable=False),
        sa.Column("fee_date", sa.Date(), nullable=False),
        sa.Column("fixmedins_code", sa.String(length=30), nullable=False),
        sa.Column("setl_id", sa.String(length=30), nullable=False),
        sa.Column("med_type", sa.String(length=6), nullable=False),
        sa.Column("items", postgresql.JSONB(), nullable=False),
        sa.PrimaryKeyConstraint("psn_no", "fee_date", "fixmedins_code", "setl_id"),
    )
    op.execute("""
        INSERT INTO person_days (psn_no, fee_date, fixmedins_code, setl_id, med_type, items)
        SELECT d.psn_no, d.fee_date, d.fixmedins_code, d.setl_id, coalesce(o.record->>'med_type', ''),
               jsonb_object_agg(d.med_list_codg, d.qty::text)
        FROM (SELECT psn_no, fee_date, fixmedins_code, setl_id, med_list_codg, trim_scale(sum(cnt)) AS qty
              FROM daily_charges GROUP BY 1, 2, 3, 4, 5) AS d
        LEFT JOIN audit_outcomes AS o USING (fixmedins_code, setl_id)
        GROUP BY d.psn_no, d.fee_date, d.fixmedins_code, d.setl_id, o.record->>'med_type'
    """)
    op.drop_table("daily_charges")

    op.create_table(
        "inpatient_stays",
        sa.Column("psn_no", sa.String(length=30), nullable=False),
        sa.Column("fixmedins_code", sa.String(length=30), nullable=False),
        sa.Column("setl_id", sa.String(length=30), nullable=False),
        sa.Column("adm_date", sa.Date(), nullable=False),
        sa.Column("dscg_date", sa.Date(), nullable=False),
        sa.Column("main_dise", sa.String(length=20), nullable=True),
        sa.PrimaryKeyConstraint("psn_no", "fixmedins_code", "setl_id"),
    )
    op.create_index("inpatient_stays_by_person", "inpatient_stays", ["psn_no", "dscg_date"])
    op.execute("""
        INSERT INTO inpatient_stays (psn_no, fixmedins_code, setl_id, adm_date, dscg_date, main_dise)
        SELECT psn_no, fixmedins_code, setl_id, (record->>'adm_date')::date, (record->>'dscg_date')::date,
               left(CASE jsonb_typeof(record->'dise_codg') WHEN 'array' THEN record->'dise_codg'->>0
                                                            ELSE record->>'dise_codg' END, 20)
        FROM audit_outcomes
        WHERE record->>'med_type' IN ('21', '52') AND record->>'adm_date' IS NOT NULL
          AND record->>'dscg_date' IS NOT NULL
    """)

    op.create_table(
        "institution_averages",
        sa.Column("fixmedins_code", sa.String(length=30), nullable=False),
        sa.Column("med_type", sa.String(length=6), nullable=False),
        sa.Column("records", sa.BigInteger(), nullable=False),
        sa.Column("medfee_sumamt", sa.Numeric(20, 2), nullable=False),
        sa.PrimaryKeyConstraint("fixmedins_code", "med_type"),
    )
    op.execute("""
        INSERT INTO institution_averages (fixmedins_code, med_type, records, medfee_sumamt)
        SELECT fixmedins_code, record->>'med_type', count(*), sum((record->>'medfee_sumamt')::numeric)
        FROM audit_outcomes GROUP BY 1, 2
    """)

    op.create_table(
        "findings",
        sa.Column("finding_id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("fixmedins_code", sa.String(length=30), nullable=False),
        sa.Column("setl_id", sa.String(length=30), nullable=False),
        sa.Column("admdvs", sa.String(length=6), nullable=False),
        sa.Column("insutype", sa.String(length=3), nullable=False),
        sa.Column("psn_no", sa.String(length=30), nullable=False),
        sa.Column("business_date", sa.Date(), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("vola_amt", sa.Numeric(18, 2), nullable=False),
        sa.Column("fund_pay_sumamt", sa.Numeric(18, 2), nullable=False),
        sa.Column("rule_ids", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("confirmed_amt", sa.Numeric(18, 2), nullable=True),
        sa.PrimaryKeyConstraint("finding_id"),
        sa.UniqueConstraint("seq"),
        sa.UniqueConstraint("fixmedins_code", "setl_id", name="findings_one_per_settlement"),
        sa.CheckConstraint("status IN ('open', 'confirmed', 'dismissed', 'reversed')", name="findings_status"),
        sa.CheckConstraint("kind IN ('violation', 'suspicious', 'sampled')", name="findings_kind"),
        sa.CheckConstraint("confirmed_amt IS NULL OR (confirmed_amt > 0 AND confirmed_amt <= fund_pay_sumamt)",
                           name="findings_confirmed_within_fund_payment"),
    )
    op.create_index("findings_queue", "findings", ["status", "seq"])
    op.create_index("findings_by_region", "findings", ["admdvs", "status", "seq"])
    op.create_index("findings_by_institution", "findings", ["fixmedins_code", "status", "seq"])

    op.create_table(
        "finding_decisions",
        sa.Column("id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("finding_id", sa.Uuid(), nullable=False),
        sa.Column("decision", sa.String(length=12), nullable=False),
        sa.Column("amount", sa.Numeric(18, 2), nullable=True),
        sa.Column("reviewer", sa.String(length=100), nullable=False),
        sa.Column("reason", sa.String(length=1000), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["finding_id"], ["findings.finding_id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.CheckConstraint("decision IN ('confirm', 'dismiss', 'reverse')", name="finding_decisions_decision"),
    )
    op.create_index("ix_finding_decisions_finding_id", "finding_decisions", ["finding_id"])

    op.create_table(
        "deductions",
        sa.Column("deduction_id", sa.Uuid(), nullable=False),
        sa.Column("finding_id", sa.Uuid(), nullable=False),
        sa.Column("fixmedins_code", sa.String(length=30), nullable=False),
        sa.Column("admdvs", sa.String(length=6), nullable=False),
        sa.Column("setl_id", sa.String(length=30), nullable=False),
        sa.Column("insutype", sa.String(length=3), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("amount", sa.Numeric(18, 2), nullable=False),
        sa.Column("rule_ids", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("source", sa.String(length=12), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["finding_id"], ["findings.finding_id"]),
        sa.PrimaryKeyConstraint("deduction_id"),
        sa.UniqueConstraint("finding_id"),
        sa.CheckConstraint("amount > 0", name="deductions_amount_positive"),
        sa.CheckConstraint("source IN ('automatic', 'review')", name="deductions_source"),
    )
    op.create_index("deductions_by_institution", "deductions", ["fixmedins_code", "period"])

    op.execute(_APPEND_ONLY)
    _append_only("finding_decisions")
    _append_only("deductions")

    op.create_table(
        "reversals",
        sa.Column("fixmedins_code", sa.String(length=30), nullable=False),
        sa.Column("setl_id", sa.String(length=30), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("reversed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("fixmedins_code", "setl_id"),
    )

    op.create_table(
        "audit_config_versions",
        sa.Column("admdvs", sa.String(length=6), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("config", postgresql.JSONB(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("admdvs", "version"),
    )


def downgrade() -> None:
    op.drop_table("audit_config_versions")
    op.drop_table("reversals")
    op.drop_table("deductions")
    op.drop_table("finding_decisions")
    op.execute("DROP FUNCTION audit_append_only()")
    op.drop_table("findings")
    op.drop_table("institution_averages")
    op.drop_table("inpatient_stays")
    op.create_table(
        "daily_charges",
        sa.Column("psn_no", sa.String(length=30), nullable=False),
        sa.Column("fee_date", sa.Date(), nullable=False),
        sa.Column("med_list_codg", sa.String(length=50), nullable=False),
        sa.Column("fixmedins_code", sa.String(length=30), nullable=False),
        sa.Column("setl_id", sa.String(length=30), nullable=False),
        sa.Column("feedetl_sn", sa.String(length=30), nullable=False),
        sa.Column("cnt", sa.Numeric(precision=16, scale=4), nullable=False),
        sa.PrimaryKeyConstraint("psn_no", "fee_date", "med_list_codg", "fixmedins_code", "setl_id", "feedetl_sn"),
    )
    # The lines of a day come back as one line per item (feedetl_sn "*"): the quantities are what the rules read.
    op.execute("""
        INSERT INTO daily_charges (psn_no, fee_date, med_list_codg, fixmedins_code, setl_id, feedetl_sn, cnt)
        SELECT p.psn_no, p.fee_date, i.key, p.fixmedins_code, p.setl_id, '*', i.value::numeric
        FROM person_days AS p, jsonb_each_text(p.items) AS i
    """)
    op.drop_table("person_days")
    for column in ("config_version", "sample_share", "sample_seed", "sampled"):
        op.drop_column("audit_outcomes", column)
