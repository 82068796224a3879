"""business cases

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "business_cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=20), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("account_name", sa.String(length=120), nullable=False),
        sa.Column("web_address", sa.String(length=300), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("benefit", sa.Text(), nullable=False),
        sa.Column("audience", sa.Text(), nullable=False),
        sa.Column("content_plan", sa.Text(), nullable=False),
        sa.Column("resources", sa.Text(), nullable=False),
        sa.Column("records_and_foi", sa.Text(), nullable=False),
        sa.Column("disclaimer", sa.Text(), nullable=False),
        sa.Column("exit_plan", sa.Text(), nullable=False),
        sa.Column("removal_target_hours", sa.Integer(), nullable=True),
        sa.Column("bank_holiday_cover", sa.Text(), nullable=False),
        sa.Column("next_review_on", sa.Date(), nullable=True),
        sa.Column("channel_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "status IN ('draft', 'submitted', 'in_review', 'approved', 'rejected', 'withdrawn')",
            name=op.f("ck_business_cases_status"),
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["people.id"], name=op.f("fk_business_cases_author_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["channel_id"], ["channels.id"], name=op.f("fk_business_cases_channel_id_channels")
        ),
        sa.ForeignKeyConstraint(
            ["department_id"], ["departments.id"], name=op.f("fk_business_cases_department_id_departments")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_business_cases")),
        sa.UniqueConstraint("reference", name=op.f("uq_business_cases_reference")),
    )
    with op.batch_alter_table("business_cases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_business_cases_department_id"), ["department_id"], unique=False)

    op.create_table(
        "case_submissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("submitted_by_id", sa.Integer(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("content_sha256", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["business_cases.id"], name=op.f("fk_case_submissions_case_id_business_cases")
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by_id"], ["people.id"], name=op.f("fk_case_submissions_submitted_by_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_submissions")),
        sa.UniqueConstraint("case_id", "number", name=op.f("uq_case_submissions_case_id_number")),
    )
    with op.batch_alter_table("case_submissions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_submissions_case_id"), ["case_id"], unique=False)

    op.create_table(
        "moderation_slots",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("duty", sa.String(length=10), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("duty IN ('moderator', 'cover')", name=op.f("ck_moderation_slots_duty")),
        sa.CheckConstraint("weekday BETWEEN 0 AND 4", name=op.f("ck_moderation_slots_weekday")),
        sa.ForeignKeyConstraint(
            ["case_id"], ["business_cases.id"], name=op.f("fk_moderation_slots_case_id_business_cases")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_moderation_slots_person_id_people")
        ),
        sa.PrimaryKeyConstraint("case_id", "weekday", "duty", name=op.f("pk_moderation_slots")),
    )
    op.create_table(
        "risk_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("inherent_likelihood", sa.Integer(), nullable=True),
        sa.Column("inherent_impact", sa.Integer(), nullable=True),
        sa.Column("controls", sa.Text(), nullable=False),
        sa.Column("residual_likelihood", sa.Integer(), nullable=True),
        sa.Column("residual_impact", sa.Integer(), nullable=True),
        sa.Column("treatment", sa.String(length=10), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("acceptance_justification", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "inherent_impact IS NULL OR inherent_impact BETWEEN 1 AND 5",
            name=op.f("ck_risk_items_inherent_impact"),
        ),
        sa.CheckConstraint(
            "inherent_likelihood IS NULL OR inherent_likelihood BETWEEN 1 AND 5",
            name=op.f("ck_risk_items_inherent_likelihood"),
        ),
        sa.CheckConstraint(
            "residual_impact IS NULL OR residual_impact BETWEEN 1 AND 5",
            name=op.f("ck_risk_items_residual_impact"),
        ),
        sa.CheckConstraint(
            "residual_likelihood IS NULL OR residual_likelihood BETWEEN 1 AND 5",
            name=op.f("ck_risk_items_residual_likelihood"),
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["business_cases.id"], name=op.f("fk_risk_items_case_id_business_cases")
        ),
        sa.ForeignKeyConstraint(["owner_id"], ["people.id"], name=op.f("fk_risk_items_owner_id_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_items")),
    )
    with op.batch_alter_table("risk_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_risk_items_case_id"), ["case_id"], unique=False)

    op.create_table(
        "case_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("started_by_id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("periodic", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["business_cases.id"], name=op.f("fk_case_reviews_case_id_business_cases")
        ),
        sa.ForeignKeyConstraint(
            ["started_by_id"], ["people.id"], name=op.f("fk_case_reviews_started_by_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["case_submissions.id"],
            name=op.f("fk_case_reviews_submission_id_case_submissions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_reviews")),
    )
    with op.batch_alter_table("case_reviews", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_reviews_case_id"), ["case_id"], unique=False)

    op.create_table(
        "risk_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("risk_id", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(["owner_id"], ["people.id"], name=op.f("fk_risk_actions_owner_id_people")),
        sa.ForeignKeyConstraint(
            ["risk_id"], ["risk_items.id"], name=op.f("fk_risk_actions_risk_id_risk_items")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_actions")),
    )
    with op.batch_alter_table("risk_actions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_risk_actions_risk_id"), ["risk_id"], unique=False)

    op.create_table(
        "case_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.Column("reviewer_name", sa.String(length=200), nullable=False),
        sa.Column("reviewer_role", sa.String(length=30), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("section_comments", sa.Text(), nullable=False),
        sa.Column("conditions", sa.Text(), nullable=False),
        sa.Column("next_review_on", sa.Date(), nullable=True),
        sa.Column("letter_pdf", sa.LargeBinary(), nullable=False),
        sa.Column("letter_sha256", sa.String(length=64), nullable=False),
        sa.CheckConstraint(
            "outcome IN ('approved', 'changes_requested', 'rejected')", name=op.f("ck_case_decisions_outcome")
        ),
        sa.ForeignKeyConstraint(
            ["review_id"], ["case_reviews.id"], name=op.f("fk_case_decisions_review_id_case_reviews")
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"], ["people.id"], name=op.f("fk_case_decisions_reviewer_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_decisions")),
        sa.UniqueConstraint("review_id", name=op.f("uq_case_decisions_review_id")),
    )

    if op.get_bind().dialect.name == "postgresql":
        # What was submitted, and what was decided on it, is never edited (0002 has the function).
        for table in ("case_submissions", "case_reviews", "case_decisions"):
            op.execute(
                f"CREATE TRIGGER {table}_no_update_or_delete BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION refuse_change_to_append_only_table()"
            )


def downgrade() -> None:
    op.drop_table("case_decisions")
    with op.batch_alter_table("risk_actions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_risk_actions_risk_id"))

    op.drop_table("risk_actions")
    with op.batch_alter_table("case_reviews", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_reviews_case_id"))

    op.drop_table("case_reviews")
    with op.batch_alter_table("risk_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_risk_items_case_id"))

    op.drop_table("risk_items")
    op.drop_table("moderation_slots")
    with op.batch_alter_table("case_submissions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_submissions_case_id"))

    op.drop_table("case_submissions")
    with op.batch_alter_table("business_cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_business_cases_department_id"))

    op.drop_table("business_cases")
