"""disciplinary records

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "disciplinary_cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=20), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("allegation", sa.Text(), nullable=False),
        sa.Column("incident_date", sa.Date(), nullable=False),
        sa.Column("policy_version_id", sa.Integer(), nullable=False),
        sa.Column("sections", sa.JSON(), nullable=False),
        sa.Column("investigating_officer_id", sa.Integer(), nullable=False),
        sa.Column("opened_by_id", sa.Integer(), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("hearing_on", sa.Date(), nullable=True),
        sa.Column("companion_kind", sa.String(length=20), nullable=False),
        sa.Column("companion_name", sa.String(length=200), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=True),
        sa.Column("stage_skip_reason", sa.Text(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("outcome_reasons", sa.Text(), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("warning_live_until", sa.Date(), nullable=True),
        sa.Column("appeal_deadline", sa.Date(), nullable=True),
        sa.Column("appeal_lodged_on", sa.Date(), nullable=True),
        sa.Column("appeal_late_reason", sa.Text(), nullable=False),
        sa.Column("appeal_hearing_on", sa.Date(), nullable=True),
        sa.Column("appeal_outcome", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "stage IS NULL OR stage IN ('informal', 'first_written', 'final_written', 'dismissal', 'no_action')",
            name=op.f("ck_disciplinary_cases_stage"),
        ),
        sa.CheckConstraint("status IN ('open', 'decided')", name=op.f("ck_disciplinary_cases_status")),
        sa.ForeignKeyConstraint(
            ["investigating_officer_id"],
            ["people.id"],
            name=op.f("fk_disciplinary_cases_investigating_officer_id_people"),
        ),
        sa.ForeignKeyConstraint(
            ["opened_by_id"], ["people.id"], name=op.f("fk_disciplinary_cases_opened_by_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["policy_version_id"],
            ["policy_versions.id"],
            name=op.f("fk_disciplinary_cases_policy_version_id_policy_versions"),
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"], ["people.id"], name=op.f("fk_disciplinary_cases_subject_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disciplinary_cases")),
        sa.UniqueConstraint("reference", name=op.f("uq_disciplinary_cases_reference")),
    )
    with op.batch_alter_table("disciplinary_cases", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_disciplinary_cases_investigating_officer_id"),
            ["investigating_officer_id"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_disciplinary_cases_subject_id"), ["subject_id"], unique=False)

    op.create_table(
        "disciplinary_evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("taken_at", sa.DateTime(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("content_sha256", sa.String(length=64), nullable=False),
        sa.Column("receipt_pdf", sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["disciplinary_cases.id"],
            name=op.f("fk_disciplinary_evidence_case_id_disciplinary_cases"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disciplinary_evidence")),
        sa.UniqueConstraint("case_id", name=op.f("uq_disciplinary_evidence_case_id")),
    )
    op.create_table(
        "disciplinary_meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("shared_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["disciplinary_cases.id"],
            name=op.f("fk_disciplinary_meetings_case_id_disciplinary_cases"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disciplinary_meetings")),
    )
    with op.batch_alter_table("disciplinary_meetings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_disciplinary_meetings_case_id"), ["case_id"], unique=False)

    op.create_table(
        "disciplinary_packs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("generated_by_id", sa.Integer(), nullable=False),
        sa.Column("generated_at", sa.DateTime(), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["disciplinary_cases.id"],
            name=op.f("fk_disciplinary_packs_case_id_disciplinary_cases"),
        ),
        sa.ForeignKeyConstraint(
            ["generated_by_id"], ["people.id"], name=op.f("fk_disciplinary_packs_generated_by_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disciplinary_packs")),
    )
    with op.batch_alter_table("disciplinary_packs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_disciplinary_packs_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_disciplinary_packs_sha256"), ["sha256"], unique=False)

    if op.get_bind().dialect.name == "postgresql":
        # The evidence as it stood, and each pack handed out, are never edited (0002 has the function).
        for table in ("disciplinary_evidence", "disciplinary_packs"):
            op.execute(
                f"CREATE TRIGGER {table}_no_update_or_delete BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION refuse_change_to_append_only_table()"
            )


def downgrade() -> None:
    with op.batch_alter_table("disciplinary_packs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_disciplinary_packs_sha256"))
        batch_op.drop_index(batch_op.f("ix_disciplinary_packs_case_id"))

    op.drop_table("disciplinary_packs")
    with op.batch_alter_table("disciplinary_meetings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_disciplinary_meetings_case_id"))

    op.drop_table("disciplinary_meetings")
    op.drop_table("disciplinary_evidence")
    with op.batch_alter_table("disciplinary_cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_disciplinary_cases_subject_id"))
        batch_op.drop_index(batch_op.f("ix_disciplinary_cases_investigating_officer_id"))

    op.drop_table("disciplinary_cases")
