"""every append-only table refuses TRUNCATE, not only the audit trail and acknowledgements

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-30

A TRUNCATE fires no row triggers, so the UPDATE/DELETE guards of 0005-0008 did not stop
it: one statement could empty the issued authorisations or the frozen evidence. Each of
these tables now has a statement trigger that refuses it, as 0002 and 0003 gave the
audit trail and the acknowledgements. (Retention removes rows with DELETE, never with
TRUNCATE, so nothing legitimate is refused.)
"""

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

TABLES = (
    "authorisation_issues",
    "authorisation_declines",
    "authorisation_revocations",
    "case_submissions",
    "case_reviews",
    "case_decisions",
    "disciplinary_evidence",
    "disciplinary_packs",
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION refuse_change_to_append_only_table()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        op.execute(f"DROP TRIGGER {table}_no_truncate ON {table}")
