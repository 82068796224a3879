"""the retention schedule for every kind of personal record: the owner's functions that judge and remove each append-only kind

Revision ID: 0029
Revises: 0028
Create Date: 2026-11-30

The schedule itself is the application's (portal/retention). On PostgreSQL the runtime
role cannot delete from the append-only tables, nor delete a key, so each kind held
there is removed only by an owner's SECURITY DEFINER function for that kind, which
judges what is due itself:
- from rows the runtime role cannot change (audit events, the sealed records), never
  from an editable column alone;
- by the database's London date (retention_today), never a date the caller passes;
- never sooner than the owner's floor for the kind (the defaults of
  PORTAL_PERSONAL_RETENTION_MONTHS): the runtime may ask for longer, not shorter.

The append-only guard now lets a row go only when the table's owner deletes it inside
one of these functions, which names the tables it may delete from for the length of the
transaction; the audit events are never deleted, by anyone.

SQLite has no roles: there the application applies the same rules itself.
"""

import sqlalchemy as sa
from alembic import op

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None

RUNTIME_GROUP = "portal_runtime"

_TODAY = """
CREATE FUNCTION retention_today() RETURNS date
LANGUAGE sql STABLE SET search_path = pg_catalog AS $$ SELECT (now() AT TIME ZONE 'Europe/London')::date $$
"""

_FLOOR = """
CREATE FUNCTION personal_retention_floor(kind text) RETURNS integer
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog AS $$
    SELECT CASE kind
        WHEN 'leaver_accounts' THEN 72 WHEN 'acknowledgements' THEN 72 WHEN 'quiz_attempts' THEN 72
        WHEN 'authorisations' THEN 72 WHEN 'business_cases' THEN 72 WHEN 'information_requests' THEN 36
        WHEN 'audit_details' THEN 72
    END
$$
"""

# A leaver is due from the append-only "people.left" event and must still be recorded as
# gone; anyone with a disciplinary case or breach record still kept is never due (those
# records go on their own schedules, and their evidence names the person).
_LEAVERS = """
CREATE FUNCTION retention_leavers_due(p_kind text, p_months integer) RETURNS SETOF integer
LANGUAGE sql STABLE SET search_path = pg_catalog, {schema}, pg_temp AS $$
    SELECT p.id FROM people p
    WHERE NOT p.is_active
      AND (
          SELECT max((a.details::jsonb ->> 'leaving_date')::date) FROM audit_events a
          WHERE a.action = 'people.left' AND a.object_type = 'person' AND a.object_id = p.id::text
      ) + make_interval(months => greatest(p_months, personal_retention_floor(p_kind))) < retention_today()
      AND NOT EXISTS (SELECT 1 FROM disciplinary_cases c WHERE c.subject_id = p.id)
      AND NOT EXISTS (SELECT 1 FROM breach_records b WHERE b.subject_id = p.id)
    ORDER BY p.id
$$
"""

_GUARD = """
CREATE OR REPLACE FUNCTION refuse_change_to_append_only_table() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog AS $$
BEGIN
    IF TG_OP = 'DELETE' AND TG_LEVEL = 'ROW' AND TG_TABLE_NAME <> 'audit_events'
       AND current_user = (SELECT pg_get_userbyid(c.relowner) FROM pg_class c WHERE c.oid = TG_RELID)
       AND TG_TABLE_NAME = ANY (string_to_array(coalesce(current_setting('portal.retention_purge', true), ''), ','))
    THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$
"""

_OLD_GUARD = """
CREATE OR REPLACE FUNCTION refuse_change_to_append_only_table() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$
"""

_ACKNOWLEDGEMENTS = """
CREATE FUNCTION purge_leaver_acknowledgements(p_months integer, p_dry_run boolean) RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, {schema}, pg_temp AS $$
DECLARE
    due integer[] := ARRAY(SELECT retention_leavers_due('acknowledgements', p_months));
    matched integer;
BEGIN
    SELECT count(*) INTO matched FROM acknowledgements WHERE person_id = ANY (due);
    IF p_dry_run OR matched = 0 THEN
        RETURN matched;
    END IF;
    PERFORM set_config('portal.retention_purge', 'receipts,paper_scans,acknowledgements', true);
    DELETE FROM receipts r USING acknowledgements k WHERE r.acknowledgement_id = k.id AND k.person_id = ANY (due);
    DELETE FROM paper_scans s USING acknowledgements k WHERE s.acknowledgement_id = k.id AND k.person_id = ANY (due);
    DELETE FROM acknowledgements WHERE person_id = ANY (due);
    PERFORM set_config('portal.retention_purge', '', true);
    RETURN matched;
END;
$$
"""

# Ended: declined on the day of the decline; issued, on the day it ended or was revoked
# (the sealed terms, the revocation), whichever came first. A request never decided goes
# with its holder's other records once they have left.
_AUTHORISATIONS_DUE = """
CREATE FUNCTION authorisations_due(p_months integer) RETURNS SETOF integer
LANGUAGE sql STABLE SET search_path = pg_catalog, {schema}, pg_temp AS $$
    SELECT r.id FROM authorisation_requests r
    LEFT JOIN authorisation_declines d ON d.request_id = r.id
    LEFT JOIN authorisation_issues i ON i.request_id = r.id
    LEFT JOIN authorisation_terms t ON t.issue_id = i.id
    LEFT JOIN authorisation_revocations v ON v.request_id = r.id
    WHERE coalesce(
        ((d.declined_at) AT TIME ZONE 'UTC' AT TIME ZONE 'Europe/London')::date,
        CASE WHEN i.id IS NOT NULL THEN least(((v.revoked_at) AT TIME ZONE 'UTC' AT TIME ZONE 'Europe/London')::date, t.ends_on) END
    ) + make_interval(months => greatest(p_months, personal_retention_floor('authorisations'))) < retention_today()
    OR (
        d.id IS NULL AND i.id IS NULL
        AND r.person_id IN (SELECT retention_leavers_due('authorisations', p_months))
    )
    ORDER BY r.id
$$
"""

_AUTHORISATIONS = """
CREATE FUNCTION purge_authorisations(p_months integer, p_dry_run boolean) RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, {schema}, pg_temp AS $$
DECLARE
    due integer[] := ARRAY(SELECT authorisations_due(p_months));
BEGIN
    IF p_dry_run OR cardinality(due) = 0 THEN
        RETURN cardinality(due);
    END IF;
    PERFORM set_config(
        'portal.retention_purge',
        'authorisation_terms,authorisation_revocations,authorisation_issues,authorisation_declines',
        true
    );
    UPDATE authorisation_requests SET renews_id = NULL WHERE renews_id = ANY (due);
    DELETE FROM authorisation_terms t USING authorisation_issues i WHERE t.issue_id = i.id AND i.request_id = ANY (due);
    DELETE FROM authorisation_revocations WHERE request_id = ANY (due);
    DELETE FROM authorisation_issues WHERE request_id = ANY (due);
    DELETE FROM authorisation_declines WHERE request_id = ANY (due);
    DELETE FROM authorisation_request_channels WHERE request_id = ANY (due);
    DELETE FROM authorisation_requests WHERE id = ANY (due);
    PERFORM set_config('portal.retention_purge', '', true);
    RETURN cardinality(due);
END;
$$
"""

# Ended: rejected (and not submitted again since), withdrawn (and nothing done since), or
# approved for a channel that has since been retired, each dated by the append-only
# decisions and audit events.
_CASES_DUE = """
CREATE FUNCTION business_cases_due(p_months integer) RETURNS SETOF integer
LANGUAGE sql STABLE SET search_path = pg_catalog, {schema}, pg_temp AS $$
    WITH latest AS (
        SELECT DISTINCT ON (v.case_id) v.case_id, d.outcome, d.decided_at
        FROM case_decisions d JOIN case_reviews v ON v.id = d.review_id
        ORDER BY v.case_id, d.decided_at DESC, d.id DESC
    ), ended AS (
        SELECT c.id, CASE
            WHEN l.outcome = 'rejected' AND NOT EXISTS (
                SELECT 1 FROM case_submissions s WHERE s.case_id = c.id AND s.submitted_at > l.decided_at
            ) THEN ((l.decided_at) AT TIME ZONE 'UTC' AT TIME ZONE 'Europe/London')::date
            WHEN l.outcome = 'approved' AND c.channel_id IS NOT NULL THEN (
                SELECT max(((a.occurred_at) AT TIME ZONE 'UTC' AT TIME ZONE 'Europe/London')::date) FROM audit_events a
                WHERE a.action = 'authorisations.channel_retired' AND a.object_type = 'channel'
                  AND a.object_id = c.channel_id::text
            )
            ELSE (
                SELECT CASE WHEN a.action = 'business_cases.withdrawn' THEN ((a.occurred_at) AT TIME ZONE 'UTC' AT TIME ZONE 'Europe/London')::date END
                FROM audit_events a WHERE a.object_type = 'business_case' AND a.object_id = c.id::text
                ORDER BY a.id DESC LIMIT 1
            )
        END AS ended_on
        FROM business_cases c LEFT JOIN latest l ON l.case_id = c.id
    )
    SELECT id FROM ended
    WHERE ended_on + make_interval(months => greatest(p_months, personal_retention_floor('business_cases')))
          < retention_today()
    ORDER BY id
$$
"""

_CASES = """
CREATE FUNCTION purge_business_cases(p_months integer, p_dry_run boolean) RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, {schema}, pg_temp AS $$
DECLARE
    due integer[] := ARRAY(SELECT business_cases_due(p_months));
BEGIN
    IF p_dry_run OR cardinality(due) = 0 THEN
        RETURN cardinality(due);
    END IF;
    PERFORM set_config('portal.retention_purge', 'case_decisions,case_reviews,case_submissions', true);
    DELETE FROM case_decisions d USING case_reviews v WHERE d.review_id = v.id AND v.case_id = ANY (due);
    DELETE FROM case_reviews WHERE case_id = ANY (due);
    DELETE FROM case_submissions WHERE case_id = ANY (due);
    DELETE FROM risk_actions a USING risk_items r WHERE a.risk_id = r.id AND r.case_id = ANY (due);
    DELETE FROM risk_items WHERE case_id = ANY (due);
    DELETE FROM moderation_slots WHERE case_id = ANY (due);
    DELETE FROM business_cases WHERE id = ANY (due);
    PERFORM set_config('portal.retention_purge', '', true);
    RETURN cardinality(due);
END;
$$
"""

# Answered, dated by when the answer was recorded (the audit event: the request's own
# columns can be edited). Its key goes with it, so its sealed words and events are gone.
_REQUESTS = """
CREATE FUNCTION purge_information_requests(p_months integer, p_dry_run boolean) RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, {schema}, pg_temp AS $$
DECLARE
    due text[] := ARRAY(
        SELECT r.audit_reference FROM information_requests r
        WHERE r.status = 'answered' AND (
            SELECT ((a.occurred_at) AT TIME ZONE 'UTC' AT TIME ZONE 'Europe/London')::date FROM audit_events a
            WHERE a.object_type = 'information_request' AND a.object_id = r.audit_reference
              AND a.action = 'information.answered'
            ORDER BY a.id DESC LIMIT 1
        ) + make_interval(months => greatest(p_months, personal_retention_floor('information_requests')))
            < retention_today()
        ORDER BY r.id
    );
BEGIN
    IF p_dry_run OR cardinality(due) = 0 THEN
        RETURN cardinality(due);
    END IF;
    DELETE FROM information_requests WHERE audit_reference = ANY (due);
    DELETE FROM record_keys WHERE reference = ANY (due);
    RETURN cardinality(due);
END;
$$
"""

_DETAILS = """
CREATE FUNCTION forget_detail_keys(p_months integer, p_dry_run boolean) RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, {schema}, pg_temp AS $$
DECLARE
    due text[] := ARRAY(
        SELECT k.reference FROM record_keys k
        WHERE k.reference IN (SELECT 'details:' || id::text FROM retention_leavers_due('audit_details', p_months) id)
    );
BEGIN
    IF NOT p_dry_run THEN
        DELETE FROM record_keys WHERE reference = ANY (due);
    END IF;
    RETURN cardinality(due);
END;
$$
"""

_PURGES = (
    "purge_leaver_acknowledgements",
    "purge_authorisations",
    "purge_business_cases",
    "purge_information_requests",
    "forget_detail_keys",
)


def _schema() -> str:
    name = op.get_bind().execute(sa.text("SELECT current_schema()")).scalar_one()
    return '"' + str(name).replace('"', '""') + '"'


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    schema = _schema()
    op.execute(_TODAY)
    op.execute(_FLOOR)
    for statement in (_LEAVERS, _GUARD, _ACKNOWLEDGEMENTS, _AUTHORISATIONS_DUE, _AUTHORISATIONS):
        op.execute(statement.format(schema=schema))
    for statement in (_CASES_DUE, _CASES, _REQUESTS, _DETAILS):
        op.execute(statement.format(schema=schema))
    runtime = bind.execute(sa.text("SELECT 1 FROM pg_roles WHERE rolname = :name"), {"name": RUNTIME_GROUP}).scalar()
    for name in _PURGES:
        # A new function is executable by PUBLIC; only the portal's runtime may purge.
        op.execute(f"REVOKE EXECUTE ON FUNCTION {name}(integer, boolean) FROM PUBLIC")
        if runtime:
            op.execute(f"GRANT EXECUTE ON FUNCTION {name}(integer, boolean) TO {RUNTIME_GROUP}")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name in reversed(_PURGES):
        op.execute(f"DROP FUNCTION {name}(integer, boolean)")
    op.execute("DROP FUNCTION business_cases_due(integer)")
    op.execute("DROP FUNCTION authorisations_due(integer)")
    op.execute(_OLD_GUARD)
    op.execute("DROP FUNCTION retention_leavers_due(text, integer)")
    op.execute("DROP FUNCTION personal_retention_floor(text)")
    op.execute("DROP FUNCTION retention_today()")
