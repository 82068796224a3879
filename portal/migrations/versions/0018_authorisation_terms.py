"""authorisation terms: what each letter authorised, sealed and append-only

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-30

The public check of a letter read the person, channels and dates from the request, whose
columns stay editable: a database insider could extend an authorisation and the check
would call it valid. From now on each issue keeps its terms in a sealed, append-only
record, and the check reads those. Letters issued before this revision have none; their
check still reads the request, and says so.
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "authorisation_terms",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("issue_id", sa.Integer(), sa.ForeignKey("authorisation_issues.id", name=op.f("fk_authorisation_terms_issue_id_authorisation_issues")), nullable=False),
        sa.Column("person_name", sa.String(200), nullable=False),
        sa.Column("channels", sa.Text(), nullable=False),
        sa.Column("scope", sa.Text(), nullable=False),
        sa.Column("conditions", sa.Text(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("seal", sa.String(64), nullable=True),
        sa.Column("seal_key_id", sa.String(40), nullable=True),
        sa.UniqueConstraint("issue_id", name=op.f("uq_authorisation_terms_issue_id")),
    )
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    op.execute(
        "CREATE TRIGGER authorisation_terms_no_update_or_delete BEFORE UPDATE OR DELETE ON authorisation_terms "
        "FOR EACH ROW EXECUTE FUNCTION refuse_change_to_append_only_table()"
    )
    op.execute(
        "CREATE TRIGGER authorisation_terms_no_truncate BEFORE TRUNCATE ON authorisation_terms "
        "FOR EACH STATEMENT EXECUTE FUNCTION refuse_change_to_append_only_table()"
    )
    if bind.execute(sa.text("SELECT 1 FROM pg_roles WHERE rolname = 'portal_runtime'")).scalar() is not None:
        # 0015's default privileges gave the runtime group ordinary DML: an append-only
        # table takes it back (0015's comment).
        op.execute("REVOKE UPDATE, DELETE, TRUNCATE ON authorisation_terms FROM portal_runtime")


def downgrade() -> None:
    op.drop_table("authorisation_terms")
