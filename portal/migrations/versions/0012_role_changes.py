"""privileged role changes with a second person, and email changes confirmed by the new address

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "role_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("role", sa.String(length=30), nullable=True),
        sa.Column("new_email", sa.String(length=320), nullable=True),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("lapses_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("proposed_by_id", sa.Integer(), nullable=True),
        sa.Column("proposed_at", sa.DateTime(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_on_server", sa.Boolean(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("applied_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "(kind = 'email') = (new_email IS NOT NULL)", name=op.f("ck_role_changes_email_has_address")
        ),
        sa.CheckConstraint("(kind = 'email') = (role IS NULL)", name=op.f("ck_role_changes_role_has_role")),
        sa.CheckConstraint("kind IN ('grant', 'remove', 'email')", name=op.f("ck_role_changes_kind")),
        sa.CheckConstraint(
            "role IS NULL OR role IN ('administrator', 'town_clerk', 'deputy_clerk', 'mayor', 'manager', 'hr')",
            name=op.f("ck_role_changes_role"),
        ),
        sa.CheckConstraint(
            "status IN ('pending', 'approved', 'applied', 'refused', 'lapsed')",
            name=op.f("ck_role_changes_status"),
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["people.id"], name=op.f("fk_role_changes_decided_by_id_people")
        ),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_role_changes_person_id_people")),
        sa.ForeignKeyConstraint(
            ["proposed_by_id"], ["people.id"], name=op.f("fk_role_changes_proposed_by_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_role_changes")),
    )
    with op.batch_alter_table("role_changes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_role_changes_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_role_changes_status"), ["status"], unique=False)
    op.create_table(
        "email_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("new_email", sa.String(length=320), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("role_change_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_email_changes_person_id_people")),
        sa.ForeignKeyConstraint(
            ["requested_by_id"], ["people.id"], name=op.f("fk_email_changes_requested_by_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["role_change_id"], ["role_changes.id"], name=op.f("fk_email_changes_role_change_id_role_changes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_email_changes")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_email_changes_token_hash")),
    )
    with op.batch_alter_table("email_changes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_email_changes_person_id"), ["person_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("email_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_email_changes_person_id"))
    op.drop_table("email_changes")
    with op.batch_alter_table("role_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_role_changes_status"))
        batch_op.drop_index(batch_op.f("ix_role_changes_person_id"))
    op.drop_table("role_changes")
