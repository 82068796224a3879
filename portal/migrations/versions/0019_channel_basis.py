"""channel basis: why each channel is in the register

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-01

A department's own channel enters the register only through its approved business case
(Networking Policy 3.4); the council's corporate channels need the council's decision,
recorded as its resolution or minute reference. Channels that an approved case put in the
register get that case as their basis; every other channel had no basis recorded, and
says exactly that until the Town Clerk records one.

The columns are added with ALTER TABLE ... ADD COLUMN on both databases: a batch rebuild
of `channels` on SQLite would drop a table that requests and cases refer to, which the
foreign keys refuse once there are rows.
"""

from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

NOT_RECORDED = "not recorded before revision 0019"


def upgrade() -> None:
    op.execute(
        "ALTER TABLE channels ADD COLUMN basis_kind VARCHAR(20) DEFAULT 'not_recorded' NOT NULL "
        "CONSTRAINT ck_channels_basis_kind "
        "CHECK (basis_kind IN ('business_case', 'council_resolution', 'not_recorded'))"
    )
    op.execute(f"ALTER TABLE channels ADD COLUMN basis VARCHAR(200) DEFAULT '{NOT_RECORDED}' NOT NULL")
    op.execute(
        "UPDATE channels SET basis_kind = 'business_case', basis = ("
        "SELECT 'Business case ' || MIN(business_cases.reference) FROM business_cases "
        "WHERE business_cases.channel_id = channels.id"
        ") WHERE EXISTS (SELECT 1 FROM business_cases WHERE business_cases.channel_id = channels.id)"
    )


def downgrade() -> None:
    op.execute("ALTER TABLE channels DROP COLUMN basis")
    op.execute("ALTER TABLE channels DROP COLUMN basis_kind")
