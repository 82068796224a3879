"""reference counters: a printed reference is never given twice

Revision ID: 0025
Revises: 0024
Create Date: 2026-11-30

References (DC-2026-0004 and the like) were numbered by counting the rows of that year
still held. Once the retention schedule removed a record, the count fell: the next record
was given a number already in use (and the insert failed), or one an earlier, removed
record had carried. Each series now keeps its last number. Existing series carry on from
the highest reference still held, the first time each is used (portal/references.py).
"""

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reference_counters",
        sa.Column("series", sa.String(length=20), nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("series", name=op.f("pk_reference_counters")),
    )


def downgrade() -> None:
    op.drop_table("reference_counters")
