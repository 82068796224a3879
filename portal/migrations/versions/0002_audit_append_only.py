"""audit trail is append-only on PostgreSQL

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21

Triggers reject UPDATE, DELETE and TRUNCATE on audit_events, so even someone with
the application's database login cannot quietly rewrite history; the hash chain
then catches anything done by a superuser who disables them. SQLite has no
equivalent protection, so there the chain alone does that job.
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        """
        CREATE FUNCTION refuse_change_to_append_only_table() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
                USING ERRCODE = 'insufficient_privilege';
        END;
        $$
        """
    )
    op.execute(
        "CREATE TRIGGER audit_events_no_update_or_delete BEFORE UPDATE OR DELETE ON audit_events "
        "FOR EACH ROW EXECUTE FUNCTION refuse_change_to_append_only_table()"
    )
    op.execute(
        "CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events "
        "FOR EACH STATEMENT EXECUTE FUNCTION refuse_change_to_append_only_table()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER audit_events_no_truncate ON audit_events")
    op.execute("DROP TRIGGER audit_events_no_update_or_delete ON audit_events")
    op.execute("DROP FUNCTION refuse_change_to_append_only_table()")
