"""policies, versions, acknowledgements, receipts

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "policies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("owner_role", sa.String(length=30), nullable=False),
        sa.Column("applies_to_engagements", sa.JSON(), nullable=False),
        sa.Column("applies_to_roles", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_policies")),
        sa.UniqueConstraint("slug", name=op.f("uq_policies_slug")),
    )
    op.create_table(
        "policy_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("policy_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=40), nullable=False),
        sa.Column("effective_date", sa.Date(), nullable=False),
        sa.Column("body_markdown", sa.Text(), nullable=False),
        sa.Column("content_sha256", sa.String(length=64), nullable=False),
        sa.Column("change_kind", sa.String(length=10), nullable=False),
        sa.Column("change_summary", sa.Text(), nullable=False),
        sa.Column("adopted_minute", sa.String(length=200), nullable=False),
        sa.Column("review_due", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("published_at", sa.DateTime(), nullable=True),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.Column("archived_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "change_kind IN ('minor', 'material')", name=op.f("ck_policy_versions_change_kind")
        ),
        sa.CheckConstraint(
            "status IN ('draft', 'published', 'archived')", name=op.f("ck_policy_versions_status")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["people.id"], name=op.f("fk_policy_versions_created_by_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["policy_id"], ["policies.id"], name=op.f("fk_policy_versions_policy_id_policies")
        ),
        sa.ForeignKeyConstraint(
            ["published_by_id"], ["people.id"], name=op.f("fk_policy_versions_published_by_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_policy_versions")),
        sa.UniqueConstraint("policy_id", "label", name=op.f("uq_policy_versions_policy_id_label")),
    )
    with op.batch_alter_table("policy_versions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_policy_versions_policy_id"), ["policy_id"], unique=False)

    op.create_table(
        "acknowledgements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("record_number", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("person_name", sa.String(length=200), nullable=False),
        sa.Column("person_email", sa.String(length=320), nullable=False),
        sa.Column("version_label", sa.String(length=40), nullable=False),
        sa.Column("version_sha256", sa.String(length=64), nullable=False),
        sa.Column("statement_text", sa.Text(), nullable=False),
        sa.Column("statement_sha256", sa.String(length=64), nullable=False),
        sa.Column("typed_name", sa.String(length=200), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("witness_name", sa.String(length=200), nullable=True),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("first_viewed_at", sa.DateTime(), nullable=True),
        sa.Column("ip_address", sa.String(length=45), nullable=True),
        sa.Column("user_agent", sa.String(length=400), nullable=True),
        sa.Column("session_hash", sa.String(length=64), nullable=True),
        sa.Column("reauthenticated", sa.Boolean(), nullable=False),
        sa.Column("evidence_sha256", sa.String(length=64), nullable=False),
        sa.CheckConstraint(
            "kind IN ('signed', 'declined', 'withdrawn')", name=op.f("ck_acknowledgements_kind")
        ),
        sa.CheckConstraint(
            "method IN ('self', 'on_behalf', 'witnessed_paper')", name=op.f("ck_acknowledgements_method")
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["people.id"], name=op.f("fk_acknowledgements_actor_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_acknowledgements_person_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["policy_versions.id"],
            name=op.f("fk_acknowledgements_version_id_policy_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_acknowledgements")),
        sa.UniqueConstraint(
            "person_id",
            "version_id",
            "record_number",
            name=op.f("uq_acknowledgements_person_id_version_id_record_number"),
        ),
    )
    with op.batch_alter_table("acknowledgements", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_acknowledgements_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_acknowledgements_recorded_at"), ["recorded_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_acknowledgements_version_id"), ["version_id"], unique=False)

    op.create_table(
        "policy_sections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("section_id", sa.String(length=120), nullable=False),
        sa.Column("heading", sa.String(length=200), nullable=False),
        sa.Column("body_markdown", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["policy_versions.id"],
            name=op.f("fk_policy_sections_version_id_policy_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_policy_sections")),
        sa.UniqueConstraint(
            "version_id", "section_id", name=op.f("uq_policy_sections_version_id_section_id")
        ),
    )
    with op.batch_alter_table("policy_sections", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_policy_sections_version_id"), ["version_id"], unique=False)

    op.create_table(
        "paper_scans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("acknowledgement_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["acknowledgement_id"],
            ["acknowledgements.id"],
            name=op.f("fk_paper_scans_acknowledgement_id_acknowledgements"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_paper_scans")),
        sa.UniqueConstraint("acknowledgement_id", name=op.f("uq_paper_scans_acknowledgement_id")),
    )
    op.create_table(
        "receipts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("acknowledgement_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        sa.Column("pdf_sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["acknowledgement_id"],
            ["acknowledgements.id"],
            name=op.f("fk_receipts_acknowledgement_id_acknowledgements"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_receipts")),
        sa.UniqueConstraint("acknowledgement_id", name=op.f("uq_receipts_acknowledgement_id")),
        sa.UniqueConstraint("code", name=op.f("uq_receipts_code")),
        sa.UniqueConstraint("pdf_sha256", name=op.f("uq_receipts_pdf_sha256")),
    )

    if op.get_bind().dialect.name == "postgresql":
        # Evidence is append-only, as the audit trail is (see 0002 for the function).
        for table in ("acknowledgements", "receipts", "paper_scans"):
            op.execute(
                f"CREATE TRIGGER {table}_no_update_or_delete BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION refuse_change_to_append_only_table()"
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION refuse_change_to_append_only_table()"
            )


def downgrade() -> None:
    op.drop_table("receipts")
    op.drop_table("paper_scans")
    with op.batch_alter_table("policy_sections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_policy_sections_version_id"))

    op.drop_table("policy_sections")
    with op.batch_alter_table("acknowledgements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_acknowledgements_version_id"))
        batch_op.drop_index(batch_op.f("ix_acknowledgements_recorded_at"))
        batch_op.drop_index(batch_op.f("ix_acknowledgements_person_id"))

    op.drop_table("acknowledgements")
    with op.batch_alter_table("policy_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_policy_versions_policy_id"))

    op.drop_table("policy_versions")
    op.drop_table("policies")
