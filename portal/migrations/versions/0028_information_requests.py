"""information requests: FOI, EIR, subject access and complaints logged from any channel; who logs them on a department's account

Revision ID: 0028
Revises: 0027
Create Date: 2026-11-30

A request that reaches the council through one of its channels is logged by whoever saw
it and handed on at once; its statutory clock runs from the moment it arrived
(portal/information_requests). Who asked and what they asked are sealed under the
request's own key, like a disciplinary case's words. A business case's moderation plan
names who logs the requests that arrive on the account (Networking Policy 3.4).
"""

import sqlalchemy as sa
from alembic import op

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None

KINDS = ("foi", "eir", "subject_access", "complaint", "other")
OUTCOMES = ("provided", "part_provided", "refused", "not_held", "withdrawn", "answered")


def _one_of(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{v}'" for v in values)


def upgrade() -> None:
    op.create_table(
        "information_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("channel_id", sa.Integer(), nullable=True),
        sa.Column("other_channel", sa.String(length=200), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("requester", sa.Text(), nullable=False),
        sa.Column("words", sa.Text(), nullable=False),
        sa.Column("about_id", sa.Integer(), nullable=True),
        sa.Column("handler_role", sa.String(length=20), nullable=False),
        sa.Column("logged_by_id", sa.Integer(), nullable=False),
        sa.Column("logged_at", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("acknowledged_on", sa.Date(), nullable=True),
        sa.Column("clarification_asked_on", sa.Date(), nullable=True),
        sa.Column("clarification_received_on", sa.Date(), nullable=True),
        sa.Column("identity_requested_on", sa.Date(), nullable=True),
        sa.Column("identity_confirmed_on", sa.Date(), nullable=True),
        sa.Column("identity_checked_by_id", sa.Integer(), nullable=True),
        sa.Column("identity_method", sa.Text(), nullable=False),
        sa.Column("extended_on", sa.Date(), nullable=True),
        sa.Column("extension_reason", sa.Text(), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("outcome_notes", sa.Text(), nullable=False),
        sa.Column("answered_on", sa.Date(), nullable=True),
        sa.Column("audit_reference", sa.String(length=32), nullable=False),
        sa.CheckConstraint(f"kind IN ({_one_of(KINDS)})", name=op.f("ck_information_requests_kind")),
        sa.CheckConstraint(
            "handler_role IN ('town_clerk', 'hr')", name=op.f("ck_information_requests_handler_role")
        ),
        sa.CheckConstraint("status IN ('open', 'answered')", name=op.f("ck_information_requests_status")),
        sa.CheckConstraint(
            f"outcome IS NULL OR outcome IN ({_one_of(OUTCOMES)})",
            name=op.f("ck_information_requests_outcome"),
        ),
        sa.ForeignKeyConstraint(
            ["channel_id"], ["channels.id"], name=op.f("fk_information_requests_channel_id_channels")
        ),
        sa.ForeignKeyConstraint(
            ["about_id"], ["people.id"], name=op.f("fk_information_requests_about_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["logged_by_id"], ["people.id"], name=op.f("fk_information_requests_logged_by_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["identity_checked_by_id"],
            ["people.id"],
            name=op.f("fk_information_requests_identity_checked_by_id_people"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_information_requests")),
        sa.UniqueConstraint("reference", name=op.f("uq_information_requests_reference")),
        sa.UniqueConstraint("audit_reference", name=op.f("uq_information_requests_audit_reference")),
    )
    op.create_index(
        op.f("ix_information_requests_about_id"), "information_requests", ["about_id"], unique=False
    )
    op.create_index(
        op.f("ix_information_requests_logged_by_id"), "information_requests", ["logged_by_id"], unique=False
    )
    # A plain ADD COLUMN, as in 0020 and 0023: rebuilding business_cases on SQLite would
    # fail once other rows refer to it. SQLite cannot drop a column with a foreign key, so
    # its downgrade leaves the column, unused; upgrading again finds it there.
    if "requests_logger_id" not in {
        c["name"] for c in sa.inspect(op.get_bind()).get_columns("business_cases")
    }:
        op.execute(
            "ALTER TABLE business_cases ADD COLUMN requests_logger_id INTEGER "
            "CONSTRAINT fk_business_cases_requests_logger_id_people REFERENCES people (id)"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint(
            "fk_business_cases_requests_logger_id_people", "business_cases", type_="foreignkey"
        )
        op.drop_column("business_cases", "requests_logger_id")
    op.drop_index(op.f("ix_information_requests_logged_by_id"), table_name="information_requests")
    op.drop_index(op.f("ix_information_requests_about_id"), table_name="information_requests")
    op.drop_table("information_requests")
