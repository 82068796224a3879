"""elections and their pre-election periods, recorded by the Town Clerk

Revision ID: 0030
Revises: 0029
Create Date: 2026-11-30

Council publicity must never be party-political (Local Government Act 1986 s2), and in
the period from the notice of election to the poll the Code of Recommended Practice on
Local Authority Publicity asks for more restraint (portal/elections). An election is an
ordinary table: a correction or a cancellation changes the row, and the audit trail
keeps what it said before. On PostgreSQL the runtime role gets ordinary DML on it from
the owner's default privileges (0015), as 0028's table did; nothing here is append-only.
"""

import sqlalchemy as sa
from alembic import op

revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None

KINDS = ("ordinary", "by_election", "other")


def _one_of(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{v}'" for v in values)


def upgrade() -> None:
    op.create_table(
        "elections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("poll_on", sa.Date(), nullable=False),
        sa.Column("period_starts_on", sa.Date(), nullable=False),
        sa.Column("start_given", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("cancelled_by_id", sa.Integer(), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(), nullable=True),
        sa.Column("cancel_reason", sa.Text(), nullable=False),
        sa.CheckConstraint(f"kind IN ({_one_of(KINDS)})", name=op.f("ck_elections_kind")),
        sa.CheckConstraint("status IN ('recorded', 'cancelled')", name=op.f("ck_elections_status")),
        sa.CheckConstraint("period_starts_on < poll_on", name=op.f("ck_elections_period_before_poll")),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["people.id"], name=op.f("fk_elections_recorded_by_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["cancelled_by_id"], ["people.id"], name=op.f("fk_elections_cancelled_by_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_elections")),
    )
    op.create_index(op.f("ix_elections_poll_on"), "elections", ["poll_on"], unique=False)
    op.create_index(op.f("ix_elections_recorded_by_id"), "elections", ["recorded_by_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_elections_recorded_by_id"), table_name="elections")
    op.drop_index(op.f("ix_elections_poll_on"), table_name="elections")
    op.drop_table("elections")
