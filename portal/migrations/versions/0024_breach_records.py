"""breach records: the routes other than the Disciplinary Policy, with frozen evidence and retention

Revision ID: 0024
Revises: 0023
Create Date: 2026-11-30

A breach by a councillor, a volunteer, agency or seconded staff, an honorary appointee
or a contractor is recorded on the route their terms give (breach_routes, migration
0017), never as a disciplinary case. Each record freezes the same "as at" evidence
(breach_evidence: sealed, append-only). On PostgreSQL, as for disciplinary cases
(migrations 0015 and 0016):
- the runtime group may read and add evidence, never change or delete it;
- only the owner's SECURITY DEFINER function `purge_breach_record` deletes a record,
  judging it from rows the runtime cannot change (the evidence, and the "opened",
  "closed" and legal hold audit events), by the database's London date, and never
  sooner than the owner's floor of 72 months after closing;
- the record's key is deleted with its evidence, so its sealed words and encrypted
  audit events can never be read again.
"""

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None

RUNTIME_GROUP = "portal_runtime"

ROUTES = ("employer_report", "agency_report", "contract", "volunteer_concern", "monitoring_officer")
OUTCOMES = (
    "dealt_with_by_them",
    "placement_ended",
    "no_further_action",
    "contract_remedy",
    "contract_ended",
    "guidance",
    "change_of_role",
    "informal_resolution",
    "breach_found",
    "no_breach",
)


def _one_of(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{v}'" for v in values)


# PORTAL_BREACH_RETENTION_MONTHS' default as a floor the runtime role cannot lower.
_FLOOR = """
CREATE FUNCTION breach_retention_floor() RETURNS integer
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog AS $$ SELECT 72 $$
"""

# portal/breaches/retention.py's rule, judged only from rows the runtime cannot change:
# the evidence (its record id is fixed, and its hash is what the record froze), the
# "opened" event that names both (and the record's audit key), the last "closed" event
# (its date) and the last hold event. The record id, not the printed reference (which
# the runtime can edit), tells apart two records whose evidence is the same (one person,
# one policy, one day).
_JUDGE = """
CREATE FUNCTION breach_record_retention(p_record_id integer, p_months integer)
RETURNS TABLE (kept_until date, on_hold boolean, due boolean)
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, {schema}, pg_temp AS $$
DECLARE
    evidence_sha text;
    audit_name text;
    closed date;
    hold_action text;
    today date := (now() AT TIME ZONE 'Europe/London')::date;
BEGIN
    SELECT e.content_sha256 INTO evidence_sha FROM breach_evidence e WHERE e.record_id = p_record_id;
    BEGIN
        SELECT a.object_id INTO STRICT audit_name FROM audit_events a
        WHERE a.action = 'breaches.opened' AND a.object_type = 'breach_record'
          AND a.details::jsonb ->> 'record_id' = p_record_id::text
          AND a.details::jsonb ->> 'evidence_sha256' = evidence_sha;
    EXCEPTION WHEN no_data_found OR too_many_rows THEN
        -- No single opening event matches: the record cannot be told apart, so it is kept.
        RETURN QUERY SELECT NULL::date, false, false;
        RETURN;
    END;
    SELECT (a.details::jsonb ->> 'closed_on')::date INTO closed FROM audit_events a
    WHERE a.object_type = 'breach_record' AND a.object_id = audit_name AND a.action = 'breaches.closed'
    ORDER BY a.id DESC LIMIT 1;
    SELECT a.action INTO hold_action FROM audit_events a
    WHERE a.object_type = 'breach_record' AND a.object_id = audit_name
      AND a.action IN ('breaches.legal_hold_placed', 'breaches.legal_hold_lifted')
    ORDER BY a.id DESC LIMIT 1;
    on_hold := coalesce(hold_action = 'breaches.legal_hold_placed', false);
    IF closed IS NULL THEN
        RETURN QUERY SELECT NULL::date, on_hold, false;  -- open: never due
        RETURN;
    END IF;
    kept_until := (closed + make_interval(months => greatest(coalesce(p_months, 0), breach_retention_floor())))::date;
    RETURN QUERY SELECT kept_until, on_hold, coalesce(kept_until < today AND NOT on_hold, false);
END;
$$
"""

_PURGE = """
CREATE FUNCTION purge_breach_record(p_record_id integer, p_months integer) RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, {schema}, pg_temp AS $$
BEGIN
    IF NOT coalesce((SELECT r.due FROM breach_record_retention(p_record_id, p_months) r), false) THEN
        RETURN false;
    END IF;
    PERFORM set_config('portal.retention_purge_breach', p_record_id::text, true);
    DELETE FROM breach_evidence WHERE record_id = p_record_id;
    DELETE FROM breach_records WHERE id = p_record_id;
    PERFORM set_config('portal.retention_purge_breach', '', true);
    RETURN true;
END;
$$
"""

# All three must hold, as in 0015's guard: the owner deleting, inside the purge of this
# very record, and the record due by the append-only records.
_GUARD = """
CREATE FUNCTION refuse_breach_evidence_change() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, {schema}, pg_temp AS $$
BEGIN
    IF TG_OP = 'DELETE'
       AND current_user = (SELECT pg_get_userbyid(c.relowner) FROM pg_class c WHERE c.oid = TG_RELID)
       AND current_setting('portal.retention_purge_breach', true) = OLD.record_id::text
       AND coalesce((SELECT r.due FROM breach_record_retention(OLD.record_id, 0) r), false)
    THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$
"""

# The record's key goes with its evidence, found through the append-only "opened" event
# that names this evidence's record id and hash.
_FORGET_ON_PURGE = """
CREATE FUNCTION forget_breach_key_on_purge() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, {schema}, pg_temp AS $$
BEGIN
    DELETE FROM record_keys WHERE reference IN (
        SELECT a.object_id FROM audit_events a
        WHERE a.action = 'breaches.opened' AND a.object_type = 'breach_record'
          AND a.details::jsonb ->> 'record_id' = OLD.record_id::text
          AND a.details::jsonb ->> 'evidence_sha256' = OLD.content_sha256
    );
    RETURN OLD;
END;
$$
"""


def _schema() -> str:
    name = op.get_bind().execute(sa.text("SELECT current_schema()")).scalar_one()
    return '"' + str(name).replace('"', '""') + '"'


def upgrade() -> None:
    op.create_table(
        "breach_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=20), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("route", sa.String(length=30), nullable=False),
        sa.Column("engagement_type", sa.String(length=20), nullable=False),
        sa.Column("allegation", sa.Text(), nullable=False),
        sa.Column("incident_date", sa.Date(), nullable=False),
        sa.Column("policy_version_id", sa.Integer(), nullable=False),
        sa.Column("sections", sa.JSON(), nullable=False),
        sa.Column("handler_id", sa.Integer(), nullable=False),
        sa.Column("opened_by_id", sa.Integer(), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("referred_on", sa.Date(), nullable=True),
        sa.Column("referred_to", sa.Text(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("outcome", sa.String(length=30), nullable=True),
        sa.Column("outcome_notes", sa.Text(), nullable=False),
        sa.Column("legal_hold_since", sa.DateTime(), nullable=True),
        sa.Column("legal_hold_reason", sa.Text(), nullable=False),
        sa.Column("audit_reference", sa.String(length=32), nullable=False),
        sa.CheckConstraint(f"route IN ({_one_of(ROUTES)})", name=op.f("ck_breach_records_route")),
        sa.CheckConstraint("status IN ('open', 'closed')", name=op.f("ck_breach_records_status")),
        sa.CheckConstraint(
            f"outcome IS NULL OR outcome IN ({_one_of(OUTCOMES)})", name=op.f("ck_breach_records_outcome")
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"], ["people.id"], name=op.f("fk_breach_records_subject_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["handler_id"], ["people.id"], name=op.f("fk_breach_records_handler_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["opened_by_id"], ["people.id"], name=op.f("fk_breach_records_opened_by_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["policy_version_id"],
            ["policy_versions.id"],
            name=op.f("fk_breach_records_policy_version_id_policy_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_breach_records")),
        sa.UniqueConstraint("reference", name=op.f("uq_breach_records_reference")),
        sa.UniqueConstraint("audit_reference", name=op.f("uq_breach_records_audit_reference")),
    )
    op.create_index(op.f("ix_breach_records_subject_id"), "breach_records", ["subject_id"], unique=False)
    op.create_index(op.f("ix_breach_records_handler_id"), "breach_records", ["handler_id"], unique=False)
    op.create_table(
        "breach_evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("taken_at", sa.DateTime(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("content_sha256", sa.String(length=64), nullable=False),
        sa.Column("receipt_pdf", sa.LargeBinary(), nullable=True),
        sa.Column("seal", sa.String(length=64), nullable=True),
        sa.Column("seal_key_id", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(
            ["record_id"], ["breach_records.id"], name=op.f("fk_breach_evidence_record_id_breach_records")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_breach_evidence")),
        sa.UniqueConstraint("record_id", name=op.f("uq_breach_evidence_record_id")),
    )
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    schema = _schema()
    op.execute(_FLOOR)
    op.execute(_JUDGE.format(schema=schema))
    op.execute(_PURGE.format(schema=schema))
    op.execute(_GUARD.format(schema=schema))
    op.execute(_FORGET_ON_PURGE.format(schema=schema))
    op.execute(
        "CREATE TRIGGER breach_evidence_no_update_or_delete BEFORE UPDATE OR DELETE ON breach_evidence "
        "FOR EACH ROW EXECUTE FUNCTION refuse_breach_evidence_change()"
    )
    op.execute(
        "CREATE TRIGGER breach_evidence_no_truncate BEFORE TRUNCATE ON breach_evidence "
        "FOR EACH STATEMENT EXECUTE FUNCTION refuse_change_to_append_only_table()"
    )
    op.execute(
        "CREATE TRIGGER breach_evidence_forget_key AFTER DELETE ON breach_evidence "
        "FOR EACH ROW EXECUTE FUNCTION forget_breach_key_on_purge()"
    )
    # A new function is executable by PUBLIC; only the portal's runtime may purge.
    op.execute("REVOKE EXECUTE ON FUNCTION purge_breach_record(integer, integer) FROM PUBLIC")
    if bind.execute(
        sa.text("SELECT 1 FROM pg_roles WHERE rolname = :name"), {"name": RUNTIME_GROUP}
    ).scalar():
        op.execute(f"GRANT EXECUTE ON FUNCTION purge_breach_record(integer, integer) TO {RUNTIME_GROUP}")
        # 0015's default privileges gave both tables ordinary DML; the evidence is append-only.
        op.execute(f"REVOKE UPDATE, DELETE, TRUNCATE ON breach_evidence FROM {RUNTIME_GROUP}")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER breach_evidence_forget_key ON breach_evidence")
        op.execute("DROP TRIGGER breach_evidence_no_truncate ON breach_evidence")
        op.execute("DROP TRIGGER breach_evidence_no_update_or_delete ON breach_evidence")
        op.execute("DROP FUNCTION forget_breach_key_on_purge()")
        op.execute("DROP FUNCTION refuse_breach_evidence_change()")
        op.execute("DROP FUNCTION purge_breach_record(integer, integer)")
        op.execute("DROP FUNCTION breach_record_retention(integer, integer)")
        op.execute("DROP FUNCTION breach_retention_floor()")
    op.drop_table("breach_evidence")
    op.drop_index(op.f("ix_breach_records_handler_id"), table_name="breach_records")
    op.drop_index(op.f("ix_breach_records_subject_id"), table_name="breach_records")
    op.drop_table("breach_records")
