"""disciplinary cases: the retention purge finds a case's opening event by the case's id

Revision ID: 0026
Revises: 0025
Create Date: 2026-11-30

Two cases about one employee, one policy and one incident date freeze the same evidence,
so its hash alone does not say which "case_opened" event is whose. The purge (migration
0015) and the trigger that forgets a case's key with its evidence (migration 0016) told
them apart by the printed reference, which the runtime role can edit; the trigger used the
hash alone, so purging one such case also deleted the other's key, and its words could
never be read again. From here on each opening event also carries the case's id (fixed:
the frozen evidence refers to it), and both match on it. Events from before this revision
carry none and are matched by the reference as before.
"""

from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None

_PURGE_ARGS = "integer, integer, integer, integer"

# The opening event of the case (p_case_id, frozen evidence hash evidence_sha, printed
# reference printed), before and after this revision.
_OLD_MATCH = "AND a.details::jsonb ->> 'reference' = printed"
_NEW_MATCH = """AND CASE WHEN a.details::jsonb ->> 'case_id' IS NOT NULL
                   THEN a.details::jsonb ->> 'case_id' = p_case_id::text
                   ELSE a.details::jsonb ->> 'reference' = printed END"""

# Migration 0015's judge, with the opening event's match as {match}.
_JUDGE = """
CREATE OR REPLACE FUNCTION disciplinary_case_retention(
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
          {match};
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

# Migration 0016's trigger function, with the opening event's match as {match}. The purge
# deletes the evidence before the case, so the case's reference can still be read.
_FORGET = """
CREATE OR REPLACE FUNCTION forget_case_key_on_purge() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, {schema}, pg_temp AS $$
BEGIN
    DELETE FROM record_keys WHERE reference IN (
        SELECT a.object_id FROM audit_events a
        WHERE a.action = 'conduct.case_opened' AND a.object_type = 'disciplinary_case'
          AND a.details::jsonb ->> 'evidence_sha256' = OLD.content_sha256
          {match}
    );
    RETURN OLD;
END;
$$
"""
_FORGET_NEW_MATCH = """AND CASE WHEN a.details::jsonb ->> 'case_id' IS NOT NULL
                   THEN a.details::jsonb ->> 'case_id' = OLD.case_id::text
                   ELSE a.details::jsonb ->> 'reference' =
                        (SELECT c.reference FROM disciplinary_cases c WHERE c.id = OLD.case_id) END"""


def _schema() -> str:
    import sqlalchemy as sa

    name = op.get_bind().execute(sa.text("SELECT current_schema()")).scalar_one()
    return '"' + str(name).replace('"', '""') + '"'


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    schema = _schema()
    op.execute(_JUDGE.format(schema=schema, match=_NEW_MATCH))
    op.execute(_FORGET.format(schema=schema, match=_FORGET_NEW_MATCH))


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    schema = _schema()
    op.execute(_JUDGE.format(schema=schema, match=_OLD_MATCH))
    op.execute(_FORGET.format(schema=schema, match=""))
