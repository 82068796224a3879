"""keyed seals (HMAC-SHA-256) on audit events and evidence records

Rows already in the database stay unsealed (NULL): the key lives outside the database
and is not something a migration should need, and sealing old rows now would vouch
for content nobody checked at the time. `flask audit verify` reports them as "sealed
before keys were introduced"; in the audit chain the first sealed event pins every
event before it, through its previous hash. Adding nullable columns needs no UPDATE,
so the append-only triggers on PostgreSQL are left untouched.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

SEALED_TABLES = (
    "audit_events",
    "acknowledgements",
    "authorisation_issues",
    "authorisation_revocations",
    "case_submissions",
    "case_decisions",
    "disciplinary_evidence",
    "disciplinary_packs",
)


def upgrade() -> None:
    for table in SEALED_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("seal", sa.String(length=64), nullable=True))
            batch_op.add_column(sa.Column("seal_key_id", sa.String(length=40), nullable=True))


def downgrade() -> None:
    for table in reversed(SEALED_TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("seal_key_id")
            batch_op.drop_column("seal")
