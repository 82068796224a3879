"""appeal result: whether the appeal left the outcome standing or withdrew it

Revision ID: 0023
Revises: 0022
Create Date: 2026-11-30

An appeal recorded only its words, so a warning withdrawn on appeal went on counting
towards the next stage. The case now records the appeal's decision; appeals heard before
this revision have none (the words say what was decided).
"""

from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN, as in 0020: rebuilding disciplinary_cases on SQLite would fail
    # once other rows refer to it.
    op.execute(
        "ALTER TABLE disciplinary_cases ADD COLUMN appeal_result VARCHAR(20) "
        "CONSTRAINT ck_disciplinary_cases_appeal_result CHECK "
        "(appeal_result IS NULL OR appeal_result IN ('upheld', 'overturned'))"
    )


def downgrade() -> None:
    op.drop_column("disciplinary_cases", "appeal_result")
