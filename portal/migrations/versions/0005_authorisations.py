"""posting authorisations and channels

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "channels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("url", sa.String(length=300), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("status IN ('active', 'retired')", name=op.f("ck_channels_status")),
        sa.ForeignKeyConstraint(
            ["department_id"], ["departments.id"], name=op.f("fk_channels_department_id_departments")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_channels")),
    )
    op.create_table(
        "authorisation_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=False),
        sa.Column("requested_at", sa.DateTime(), nullable=False),
        sa.Column("scope", sa.Text(), nullable=False),
        sa.Column("conditions", sa.Text(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("justification", sa.Text(), nullable=False),
        sa.Column("renews_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_authorisation_requests_person_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["renews_id"],
            ["authorisation_requests.id"],
            name=op.f("fk_authorisation_requests_renews_id_authorisation_requests"),
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"], ["people.id"], name=op.f("fk_authorisation_requests_requested_by_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_authorisation_requests")),
    )
    with op.batch_alter_table("authorisation_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_authorisation_requests_person_id"), ["person_id"], unique=False)

    op.create_table(
        "authorisation_declines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("declined_by_id", sa.Integer(), nullable=False),
        sa.Column("declined_at", sa.DateTime(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["declined_by_id"], ["people.id"], name=op.f("fk_authorisation_declines_declined_by_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["authorisation_requests.id"],
            name=op.f("fk_authorisation_declines_request_id_authorisation_requests"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_authorisation_declines")),
        sa.UniqueConstraint("request_id", name=op.f("uq_authorisation_declines_request_id")),
    )
    op.create_table(
        "authorisation_issues",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=20), nullable=False),
        sa.Column("verification_code", sa.String(length=40), nullable=False),
        sa.Column("signed_by_id", sa.Integer(), nullable=False),
        sa.Column("signer_name", sa.String(length=200), nullable=False),
        sa.Column("signer_role", sa.String(length=30), nullable=False),
        sa.Column("typed_name", sa.String(length=200), nullable=False),
        sa.Column("signed_at", sa.DateTime(), nullable=False),
        sa.Column("ip_address", sa.String(length=45), nullable=True),
        sa.Column("letter_pdf", sa.LargeBinary(), nullable=False),
        sa.Column("letter_sha256", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["authorisation_requests.id"],
            name=op.f("fk_authorisation_issues_request_id_authorisation_requests"),
        ),
        sa.ForeignKeyConstraint(
            ["signed_by_id"], ["people.id"], name=op.f("fk_authorisation_issues_signed_by_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_authorisation_issues")),
        sa.UniqueConstraint("reference", name=op.f("uq_authorisation_issues_reference")),
        sa.UniqueConstraint("request_id", name=op.f("uq_authorisation_issues_request_id")),
        sa.UniqueConstraint("verification_code", name=op.f("uq_authorisation_issues_verification_code")),
    )
    op.create_table(
        "authorisation_request_channels",
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["channel_id"],
            ["channels.id"],
            name=op.f("fk_authorisation_request_channels_channel_id_channels"),
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["authorisation_requests.id"],
            name=op.f("fk_authorisation_request_channels_request_id_authorisation_requests"),
        ),
        sa.PrimaryKeyConstraint("request_id", "channel_id", name=op.f("pk_authorisation_request_channels")),
    )
    op.create_table(
        "authorisation_revocations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("revoked_by_id", sa.Integer(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["authorisation_requests.id"],
            name=op.f("fk_authorisation_revocations_request_id_authorisation_requests"),
        ),
        sa.ForeignKeyConstraint(
            ["revoked_by_id"], ["people.id"], name=op.f("fk_authorisation_revocations_revoked_by_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_authorisation_revocations")),
        sa.UniqueConstraint("request_id", name=op.f("uq_authorisation_revocations_request_id")),
    )

    if op.get_bind().dialect.name == "postgresql":
        # An issued authorisation, its decline or its revocation is never edited (0002 has the function).
        for table in ("authorisation_issues", "authorisation_declines", "authorisation_revocations"):
            op.execute(
                f"CREATE TRIGGER {table}_no_update_or_delete BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION refuse_change_to_append_only_table()"
            )


def downgrade() -> None:
    op.drop_table("authorisation_revocations")
    op.drop_table("authorisation_request_channels")
    op.drop_table("authorisation_issues")
    op.drop_table("authorisation_declines")
    with op.batch_alter_table("authorisation_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_authorisation_requests_person_id"))

    op.drop_table("authorisation_requests")
    op.drop_table("channels")
