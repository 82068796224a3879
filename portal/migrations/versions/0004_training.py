"""quizzes, attempts, completions

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "question_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_key", sa.String(length=40), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("declared_version", sa.Integer(), nullable=False),
        sa.Column("content_sha256", sa.String(length=64), nullable=False),
        sa.Column("is_latest", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("topic", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("audience_engagements", sa.JSON(), nullable=False),
        sa.Column("audience_roles", sa.JSON(), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("review_due", sa.Date(), nullable=False),
        sa.Column("source_file", sa.String(length=200), nullable=False),
        sa.Column("loaded_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('single', 'multiple', 'true_false', 'scenario')", name=op.f("ck_question_versions_kind")
        ),
        sa.CheckConstraint(
            "status IN ('draft', 'ready', 'retired')", name=op.f("ck_question_versions_status")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_question_versions")),
        sa.UniqueConstraint(
            "question_key", "content_sha256", name=op.f("uq_question_versions_question_key_content_sha256")
        ),
        sa.UniqueConstraint(
            "question_key", "revision", name=op.f("uq_question_versions_question_key_revision")
        ),
    )
    with op.batch_alter_table("question_versions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_question_versions_is_latest"), ["is_latest"], unique=False)
        batch_op.create_index(batch_op.f("ix_question_versions_question_key"), ["question_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_question_versions_topic"), ["topic"], unique=False)

    op.create_table(
        "quizzes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("quiz_key", sa.String(length=60), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("definition", sa.JSON(), nullable=False),
        sa.Column("content_sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("loaded_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quizzes")),
        sa.UniqueConstraint("quiz_key", name=op.f("uq_quizzes_quiz_key")),
    )
    op.create_table(
        "quiz_assignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("quiz_id", sa.Integer(), nullable=False),
        sa.Column("assigned_by_id", sa.Integer(), nullable=False),
        sa.Column("assigned_at", sa.DateTime(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assigned_by_id"], ["people.id"], name=op.f("fk_quiz_assignments_assigned_by_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_quiz_assignments_person_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["quiz_id"], ["quizzes.id"], name=op.f("fk_quiz_assignments_quiz_id_quizzes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quiz_assignments")),
        sa.UniqueConstraint("person_id", "quiz_id", name=op.f("uq_quiz_assignments_person_id_quiz_id")),
    )
    with op.batch_alter_table("quiz_assignments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_quiz_assignments_person_id"), ["person_id"], unique=False)

    op.create_table(
        "quiz_attempt_overrides",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("quiz_id", sa.Integer(), nullable=False),
        sa.Column("extra_attempts", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("granted_by_id", sa.Integer(), nullable=False),
        sa.Column("granted_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["granted_by_id"], ["people.id"], name=op.f("fk_quiz_attempt_overrides_granted_by_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_quiz_attempt_overrides_person_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["quiz_id"], ["quizzes.id"], name=op.f("fk_quiz_attempt_overrides_quiz_id_quizzes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quiz_attempt_overrides")),
    )
    with op.batch_alter_table("quiz_attempt_overrides", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_quiz_attempt_overrides_person_id"), ["person_id"], unique=False)

    op.create_table(
        "quiz_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("quiz_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("pass_mark", sa.Integer(), nullable=False),
        sa.Column("remedial_topics", sa.JSON(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=True),
        sa.Column("score_percent", sa.Float(), nullable=True),
        sa.Column("passed", sa.Boolean(), nullable=True),
        sa.CheckConstraint("status IN ('in_progress', 'submitted')", name=op.f("ck_quiz_attempts_status")),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_quiz_attempts_person_id_people")),
        sa.ForeignKeyConstraint(["quiz_id"], ["quizzes.id"], name=op.f("fk_quiz_attempts_quiz_id_quizzes")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quiz_attempts")),
        sa.UniqueConstraint(
            "person_id", "quiz_id", "number", name=op.f("uq_quiz_attempts_person_id_quiz_id_number")
        ),
    )
    with op.batch_alter_table("quiz_attempts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_quiz_attempts_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_quiz_attempts_quiz_id"), ["quiz_id"], unique=False)

    op.create_table(
        "quiz_attempt_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("attempt_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("question_version_id", sa.Integer(), nullable=False),
        sa.Column("option_order", sa.JSON(), nullable=False),
        sa.Column("answer", sa.JSON(), nullable=True),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.Column("mark", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["attempt_id"],
            ["quiz_attempts.id"],
            name=op.f("fk_quiz_attempt_questions_attempt_id_quiz_attempts"),
        ),
        sa.ForeignKeyConstraint(
            ["question_version_id"],
            ["question_versions.id"],
            name=op.f("fk_quiz_attempt_questions_question_version_id_question_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quiz_attempt_questions")),
        sa.UniqueConstraint(
            "attempt_id", "position", name=op.f("uq_quiz_attempt_questions_attempt_id_position")
        ),
    )
    with op.batch_alter_table("quiz_attempt_questions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_quiz_attempt_questions_attempt_id"), ["attempt_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_quiz_attempt_questions_question_version_id"), ["question_version_id"], unique=False
        )

    op.create_table(
        "quiz_completions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("quiz_id", sa.Integer(), nullable=False),
        sa.Column("attempt_id", sa.Integer(), nullable=False),
        sa.Column("completed_at", sa.DateTime(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["attempt_id"], ["quiz_attempts.id"], name=op.f("fk_quiz_completions_attempt_id_quiz_attempts")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_quiz_completions_person_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["quiz_id"], ["quizzes.id"], name=op.f("fk_quiz_completions_quiz_id_quizzes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quiz_completions")),
        sa.UniqueConstraint("attempt_id", name=op.f("uq_quiz_completions_attempt_id")),
    )
    with op.batch_alter_table("quiz_completions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_quiz_completions_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_quiz_completions_quiz_id"), ["quiz_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("quiz_completions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quiz_completions_quiz_id"))
        batch_op.drop_index(batch_op.f("ix_quiz_completions_person_id"))

    op.drop_table("quiz_completions")
    with op.batch_alter_table("quiz_attempt_questions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quiz_attempt_questions_question_version_id"))
        batch_op.drop_index(batch_op.f("ix_quiz_attempt_questions_attempt_id"))

    op.drop_table("quiz_attempt_questions")
    with op.batch_alter_table("quiz_attempts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quiz_attempts_quiz_id"))
        batch_op.drop_index(batch_op.f("ix_quiz_attempts_person_id"))

    op.drop_table("quiz_attempts")
    with op.batch_alter_table("quiz_attempt_overrides", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quiz_attempt_overrides_person_id"))

    op.drop_table("quiz_attempt_overrides")
    with op.batch_alter_table("quiz_assignments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quiz_assignments_person_id"))

    op.drop_table("quiz_assignments")
    op.drop_table("quizzes")
    with op.batch_alter_table("question_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_question_versions_topic"))
        batch_op.drop_index(batch_op.f("ix_question_versions_question_key"))
        batch_op.drop_index(batch_op.f("ix_question_versions_is_latest"))

    op.drop_table("question_versions")
