"""council accounts for single sign-on, and the rule that requires them

Revision ID: 0031
Revises: 0030
Create Date: 2026-11-30

A person's council account (OpenID Connect issuer and subject) is bound once, by email,
and matched on the pair from then on (portal/auth/single_sign_on.py). The one-row
sign_in_rules table holds the Town Clerk's choice to require the council account for
council addresses. Both are ordinary tables: the runtime role gets ordinary DML on them
from the owner's default privileges (0015), and the audit trail keeps every change.
"""

import sqlalchemy as sa
from alembic import op

revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "council_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("issuer", sa.String(length=300), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("linked_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_council_accounts_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_council_accounts")),
        sa.UniqueConstraint("issuer", "subject", name=op.f("uq_council_accounts_issuer_subject")),
        sa.UniqueConstraint("person_id", "issuer", name=op.f("uq_council_accounts_person_id_issuer")),
    )
    op.create_index(op.f("ix_council_accounts_person_id"), "council_accounts", ["person_id"], unique=False)
    op.create_table(
        "sign_in_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("council_account_required", sa.Boolean(), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_sign_in_rules_one_row")),
        sa.ForeignKeyConstraint(
            ["changed_by_id"], ["people.id"], name=op.f("fk_sign_in_rules_changed_by_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_rules")),
    )


def downgrade() -> None:
    op.drop_table("sign_in_rules")
    op.drop_index(op.f("ix_council_accounts_person_id"), table_name="council_accounts")
    op.drop_table("council_accounts")
