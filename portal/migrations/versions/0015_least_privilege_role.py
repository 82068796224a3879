"""a least-privilege runtime role, and retention purges only through an owner's function

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01

Until now the portal's own database login owned every table, so it could drop or
disable the append-only triggers, and `SET LOCAL portal.retention_purge = 'on'` let any
of its sessions delete the frozen evidence of an open case. From here on (README, "Two
PostgreSQL roles"):

- the login that runs migrations (PORTAL_MIGRATION_DATABASE_URL) owns the tables,
  functions and triggers;
- the portal runs as a login that is a member of the group role `portal_runtime`, which
  the database administrator creates. This migration grants that group SELECT and INSERT
  on the append-only tables (nothing else), ordinary DML on the others, and USAGE on the
  sequences. It owns nothing, so it can neither ALTER, DROP nor TRUNCATE anything.
  When the group does not exist (a single-login development or embedded set-up) the
  grants are skipped and everything keeps working, with the old single-role exposure;
- disciplinary retention deletes only through `purge_disciplinary_case`, a SECURITY
  DEFINER function owned by the owner. The evidence and pack triggers now allow a DELETE
  only when all three hold: the current user is the table's owner (true only inside
  that function, or for the owner itself), the transaction-local flag the function sets
  names this row's case, and the case is due by the append-only records. A session
  setting alone widens nothing any more.

Nothing on SQLite: it has neither roles nor these triggers.
"""

import logging

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")

# The fixed name of the group role the administrator creates and grants to the portal's
# login (README). Fixed, so migrations need no setting and a login can be swapped
# (password rotation, a new login) by granting it this group.
RUNTIME_GROUP = "portal_runtime"

# Every table that PostgreSQL triggers keep append-only (migrations 0002, 0003, 0005-0008,
# 0014). The runtime role may only read and add rows to them. A LATER migration that adds
# an append-only table must REVOKE UPDATE, DELETE ON it FROM portal_runtime itself: the
# default privileges below grant every new table ordinary DML.
APPEND_ONLY_TABLES = (
    "audit_events",
    "acknowledgements",
    "receipts",
    "paper_scans",
    "authorisation_issues",
    "authorisation_declines",
    "authorisation_revocations",
    "case_submissions",
    "case_reviews",
    "case_decisions",
    "disciplinary_evidence",
    "disciplinary_packs",
)

_PURGE_ARGS = "integer, integer, integer, integer"

# The council's default schedule (PORTAL_RETENTION_MONTHS) as a floor the runtime role
# cannot lower: it passes its configured months, and the database uses the longer of the
# two. Lowering a floor is the owner's decision (README shows the statement).
_FLOOR = """
CREATE FUNCTION disciplinary_retention_floor(record_type text) RETURNS integer
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog AS $$
    SELECT CASE record_type WHEN 'warning' THEN 6 WHEN 'no_warning' THEN 6 WHEN 'dismissal' THEN 72 END
$$
"""

# The retention rules of portal/conduct/retention.py (kept_until, record_type), judged
# only from rows the runtime role cannot change: the frozen evidence (which ties the case
# id to its evidence hash), and the audit events "case_opened" (which ties that hash and
# the printed reference to the case's audit name), "outcome_recorded" (stage, decision
# date, warning expiry) and "legal_hold_placed"/"legal_hold_lifted". The columns of
# disciplinary_cases (status, decided_on, legal_hold_since, audit_reference) are the
# runtime role's to update, so they are never consulted. Today is London's, by the
# database clock, so a caller cannot bring the date forward.
_JUDGE = """
CREATE FUNCTION disciplinary_case_retention(
    p_case_id integer, warning_months integer, no_warning_months integer, dismissal_months integer
) RETURNS TABLE (record_type text, kept_until date, on_hold boolean, due boolean)
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, {schema}, pg_temp AS $$
DECLARE
    evidence_sha text;
    printed text;
    audit_name text;
    outcome jsonb;
    outcome_at timestamp;
    hold_action text;
    kind text;
    starts date;
    months integer;
    today date := (now() AT TIME ZONE 'Europe/London')::date;
BEGIN
    SELECT e.content_sha256 INTO evidence_sha FROM disciplinary_evidence e WHERE e.case_id = p_case_id;
    SELECT c.reference INTO printed FROM disciplinary_cases c WHERE c.id = p_case_id;
    BEGIN
        SELECT a.object_id INTO STRICT audit_name FROM audit_events a
        WHERE a.action = 'conduct.case_opened' AND a.object_type = 'disciplinary_case'
          AND a.details::jsonb ->> 'evidence_sha256' = evidence_sha
          AND a.details::jsonb ->> 'reference' = printed;
    EXCEPTION WHEN no_data_found OR too_many_rows THEN
        -- No single opening event matches: the case cannot be told apart, so it is kept.
        RETURN QUERY SELECT NULL::text, NULL::date, false, false;
        RETURN;
    END;
    SELECT a.details::jsonb, a.occurred_at INTO outcome, outcome_at FROM audit_events a
    WHERE a.object_type = 'disciplinary_case' AND a.object_id = audit_name
      AND a.action = 'conduct.outcome_recorded'
    ORDER BY a.id DESC LIMIT 1;
    SELECT a.action INTO hold_action FROM audit_events a
    WHERE a.object_type = 'disciplinary_case' AND a.object_id = audit_name
      AND a.action IN ('conduct.legal_hold_placed', 'conduct.legal_hold_lifted')
    ORDER BY a.id DESC LIMIT 1;
    on_hold := coalesce(hold_action = 'conduct.legal_hold_placed', false);
    IF outcome IS NULL OR outcome ->> 'stage' IS NULL THEN
        RETURN QUERY SELECT NULL::text, NULL::date, on_hold, false;  -- open: never due
        RETURN;
    END IF;
    kind := CASE
        WHEN outcome ->> 'stage' IN ('first_written', 'final_written') THEN 'warning'
        WHEN outcome ->> 'stage' = 'dismissal' THEN 'dismissal'
        ELSE 'no_warning' END;
    IF kind = 'warning' THEN
        starts := (outcome ->> 'warning_live_until')::date;
    ELSE
        -- Outcomes recorded before revision 0015 carry no decision date: the day the
        -- outcome was recorded is never earlier, so the case is kept at least as long.
        starts := coalesce(
            (outcome ->> 'decided_on')::date,
            ((outcome_at AT TIME ZONE 'UTC') AT TIME ZONE 'Europe/London')::date
        );
    END IF;
    months := greatest(
        coalesce(CASE kind WHEN 'warning' THEN warning_months
                           WHEN 'dismissal' THEN dismissal_months
                           ELSE no_warning_months END, 0),
        disciplinary_retention_floor(kind)
    );
    kept_until := (starts + make_interval(months => months))::date;
    RETURN QUERY SELECT kind, kept_until, on_hold, coalesce(kept_until < today AND NOT on_hold, false);
END;
$$
"""

# Runs as its owner (SECURITY DEFINER), the only user the evidence triggers let delete.
# Children first, and packs before the evidence: the triggers re-judge the case from the
# evidence row while it is still there.
_PURGE = """
CREATE FUNCTION purge_disciplinary_case(
    p_case_id integer, warning_months integer, no_warning_months integer, dismissal_months integer
) RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, {schema}, pg_temp AS $$
BEGIN
    IF NOT coalesce((SELECT r.due FROM disciplinary_case_retention(
            p_case_id, warning_months, no_warning_months, dismissal_months) r), false) THEN
        RETURN false;
    END IF;
    PERFORM set_config('portal.retention_purge_case', p_case_id::text, true);
    DELETE FROM disciplinary_meetings WHERE case_id = p_case_id;
    DELETE FROM disciplinary_packs WHERE case_id = p_case_id;
    DELETE FROM disciplinary_evidence WHERE case_id = p_case_id;
    DELETE FROM disciplinary_linked_receipts WHERE case_id = p_case_id;
    DELETE FROM disciplinary_legal_holds WHERE case_id = p_case_id;
    DELETE FROM disciplinary_cases WHERE id = p_case_id;
    PERFORM set_config('portal.retention_purge_case', '', true);
    RETURN true;
END;
$$
"""

# Replaces 0008's body (the triggers keep pointing at it). All three must hold; the
# flag alone is settable by anyone, the owner alone could be a migration's mistake.
_GUARD = """
CREATE OR REPLACE FUNCTION refuse_change_except_retention_purge() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, {schema}, pg_temp AS $$
BEGIN
    IF TG_OP = 'DELETE'
       AND current_user = (SELECT pg_get_userbyid(c.relowner) FROM pg_class c WHERE c.oid = TG_RELID)
       AND current_setting('portal.retention_purge_case', true) = OLD.case_id::text
       AND coalesce((SELECT r.due FROM disciplinary_case_retention(OLD.case_id, 0, 0, 0) r), false)
    THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$
"""

# 0008's body, for the downgrade.
_OLD_GUARD = """
CREATE OR REPLACE FUNCTION refuse_change_except_retention_purge() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('portal.retention_purge', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP;
END;
$$
"""


def _schema() -> str:
    name = op.get_bind().execute(sa.text("SELECT current_schema()")).scalar_one()
    return '"' + str(name).replace('"', '""') + '"'


def _runtime_group_exists() -> bool:
    found = op.get_bind().execute(
        sa.text("SELECT 1 FROM pg_roles WHERE rolname = :name"), {"name": RUNTIME_GROUP}
    )
    return found.scalar() is not None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    schema = _schema()
    op.execute(_FLOOR)
    op.execute(_JUDGE.format(schema=schema))
    op.execute(_PURGE.format(schema=schema))
    op.execute(_GUARD.format(schema=schema))
    # A new function is executable by PUBLIC; only the portal's runtime may purge.
    op.execute(f"REVOKE EXECUTE ON FUNCTION purge_disciplinary_case({_PURGE_ARGS}) FROM PUBLIC")
    if not _runtime_group_exists():
        log.warning(
            "role %s does not exist: no grants made; the portal's login must own the tables "
            "(README, 'Two PostgreSQL roles')",
            RUNTIME_GROUP,
        )
        return
    group = RUNTIME_GROUP
    op.execute(f"GRANT USAGE ON SCHEMA {schema} TO {group}")
    op.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {group}")
    op.execute(f"REVOKE UPDATE, DELETE ON {', '.join(APPEND_ONLY_TABLES)} FROM {group}")
    # Which migrations have run is the owner's record: reading it is enough.
    op.execute(f"REVOKE INSERT, UPDATE, DELETE ON alembic_version FROM {group}")
    op.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {group}")
    op.execute(f"GRANT EXECUTE ON FUNCTION purge_disciplinary_case({_PURGE_ARGS}) TO {group}")
    # Tables and sequences that later migrations create (as this same owner) get the same
    # ordinary grants. An append-only one then needs its own REVOKE (see APPEND_ONLY_TABLES).
    op.execute(
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {group}"
    )
    op.execute(f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT USAGE, SELECT ON SEQUENCES TO {group}")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    schema = _schema()
    if _runtime_group_exists():
        group = RUNTIME_GROUP
        op.execute(f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} REVOKE ALL ON SEQUENCES FROM {group}")
        op.execute(f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} REVOKE ALL ON TABLES FROM {group}")
        op.execute(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM {group}")
        op.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {group}")
        op.execute(f"REVOKE USAGE ON SCHEMA {schema} FROM {group}")
    op.execute(_OLD_GUARD)
    op.execute(f"DROP FUNCTION purge_disciplinary_case({_PURGE_ARGS})")
    op.execute(f"DROP FUNCTION disciplinary_case_retention({_PURGE_ARGS})")
    op.execute("DROP FUNCTION disciplinary_retention_floor(text)")
