"""personal keys: addresses, browsers and a case's words sealed under keys the retention schedule deletes

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-30

Addresses and browsers are now stored encrypted under the key of the person who made the
request, or of the month for requests by nobody signed in (portal.audit.personal), so the
columns widen to hold the ciphertext. Forgetting them is deleting the key, which only the
owner may do: `forget_address_keys` runs as the owner and judges what is due itself
(portal/people/addresses.py). A disciplinary case's free text is sealed under the case's
key (portal.audit.sealed_text), so its two short text columns widen too.
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

_ADDRESSES = (
    ("audit_events", "ip_address"),
    ("acknowledgements", "ip_address"),
    ("authorisation_issues", "ip_address"),
    ("sign_in_failures", "ip_address"),
)

# The council's default schedule (PORTAL_ADDRESS_RETENTION_MONTHS) as a floor the runtime
# role cannot lower, as for disciplinary records (migration 0015).
_FLOOR = """
CREATE FUNCTION address_retention_floor(kind text) RETURNS integer
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog AS $$
    SELECT CASE kind WHEN 'after_leaving' THEN 72 WHEN 'not_signed_in' THEN 12 END
$$
"""

# A leaver is judged from the append-only "people.left" event (its leaving date), and the
# person must still be recorded as having left: the runtime role can edit the people row,
# so the row alone never makes a key due. A month's key is due once the month ended the
# set number of months ago. Today is London's, by the database's clock.
_FORGET = """
CREATE FUNCTION forget_address_keys(after_leaving integer, not_signed_in integer)
RETURNS TABLE (people integer, months integer)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, {schema}, pg_temp AS $$
DECLARE
    today date := (now() AT TIME ZONE 'Europe/London')::date;
    leaver_months integer := greatest(after_leaving, address_retention_floor('after_leaving'));
    month_months integer := greatest(not_signed_in, address_retention_floor('not_signed_in'));
    forgotten_people integer;
    forgotten_months integer;
BEGIN
    DELETE FROM record_keys k
    USING people p
    WHERE k.reference = 'person:' || p.id::text
      AND NOT p.is_active
      AND (
          SELECT max((a.details::jsonb ->> 'leaving_date')::date)
          FROM audit_events a
          WHERE a.action = 'people.left' AND a.object_type = 'person' AND a.object_id = p.id::text
      ) + make_interval(months => leaver_months) < today;
    GET DIAGNOSTICS forgotten_people = ROW_COUNT;
    DELETE FROM record_keys k
    WHERE k.reference ~ '^addresses:[0-9]{{4}}-[0-9]{{2}}$'
      AND (to_date(substr(k.reference, 11), 'YYYY-MM') + make_interval(months => month_months + 1))::date
          <= today;
    GET DIAGNOSTICS forgotten_months = ROW_COUNT;
    RETURN QUERY SELECT forgotten_people, forgotten_months;
END;
$$
"""


def _schema() -> str:
    name = op.get_bind().execute(sa.text("SELECT current_schema()")).scalar_one()
    return '"' + str(name).replace('"', '""') + '"'


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        # SQLite enforces no length, and rebuilding a table that other rows refer to fails
        # there: the models declare the old types for SQLite (portal.db.widened).
        return
    # Widening a varchar changes no row, so the append-only triggers are not involved.
    for table, column in _ADDRESSES:
        op.alter_column(table, column, type_=sa.String(200), existing_type=sa.String(45))
    op.alter_column("acknowledgements", "user_agent", type_=sa.Text(), existing_type=sa.String(400))
    op.alter_column("disciplinary_cases", "companion_name", type_=sa.Text(), existing_type=sa.String(200))
    op.alter_column("disciplinary_meetings", "title", type_=sa.Text(), existing_type=sa.String(200))
    op.execute(_FLOOR)
    op.execute(_FORGET.format(schema=_schema()))


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP FUNCTION forget_address_keys(integer, integer)")
    op.execute("DROP FUNCTION address_retention_floor(text)")
    # Sealed values do not fit the old widths: a downgrade keeps the wider columns.
