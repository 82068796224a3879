"""record keys: retention forgets a case's audit events by deleting its key

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-30

Events about a need-to-know record (a disciplinary case, a subject access export) are
from now on stored with their actor, address and details encrypted under a key of that
record's own (portal/audit/forgetting.py); the chain's hash covers the ciphertext, so
deleting the key when the retention schedule removes the record leaves a chain that
still verifies and says nothing. The keys are wrapped by a key derived from the
evidence key, which the database does not hold.

On PostgreSQL the runtime group may read and add keys but not change or delete them:
only the owner's retention purge deletes a case's key, together with the case.
Events written before this revision keep what they held (the chain cannot change).
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


# When the owner's purge (migration 0015) deletes a case's frozen evidence, the case's key
# goes too. Found through the append-only "case_opened" event that carries the evidence's
# hash, not through the case's audit_reference column, which the runtime role can edit.
# The trigger runs as whoever deletes: only the owner may delete evidence, and only the
# owner may delete keys, so the runtime role can do neither.
_FORGET_ON_PURGE = """
CREATE FUNCTION forget_case_key_on_purge() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, {schema}, pg_temp AS $$
BEGIN
    DELETE FROM record_keys WHERE reference IN (
        SELECT a.object_id FROM audit_events a
        WHERE a.action = 'conduct.case_opened' AND a.object_type = 'disciplinary_case'
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
        "record_keys",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("reference", sa.String(60), nullable=False, unique=True),
        sa.Column("wrapped_key", sa.LargeBinary(), nullable=False),
        sa.Column("wrap_key_id", sa.String(40), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    op.execute(_FORGET_ON_PURGE.format(schema=_schema()))
    op.execute(
        "CREATE TRIGGER disciplinary_evidence_forget_key AFTER DELETE ON disciplinary_evidence "
        "FOR EACH ROW EXECUTE FUNCTION forget_case_key_on_purge()"
    )
    if bind.execute(sa.text("SELECT 1 FROM pg_roles WHERE rolname = 'portal_runtime'")).scalar() is not None:
        # 0015's default privileges gave the runtime group ordinary DML on this new table:
        # it may make and read keys, never change or delete one (that would forget a case).
        op.execute("REVOKE UPDATE, DELETE, TRUNCATE ON record_keys FROM portal_runtime")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER disciplinary_evidence_forget_key ON disciplinary_evidence")
        op.execute("DROP FUNCTION forget_case_key_on_purge()")
    op.drop_table("record_keys")
