"""breach routes: where a breach goes, by engagement type, kept as data

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-30

Only the Networking Policy names the Disciplinary Policy as its sanction, and only for
those employed by the council; councillors answer to the Members' Code of Conduct, and
volunteers, agency staff, contractors and secondees to their own terms
(portal/people/breach_routes.py). The defaults below are a council's usual choices.
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

ROUTES = (
    "disciplinary",
    "employer_report",
    "agency_report",
    "contract",
    "volunteer_concern",
    "monitoring_officer",
)

DEFAULTS = {
    "employee": "disciplinary",
    "temporary": "disciplinary",
    "bank": "disciplinary",
    "secondment": "employer_report",
    "honorary": "employer_report",
    "agency": "agency_report",
    "contractor": "contract",
    "volunteer": "volunteer_concern",
    "councillor": "monitoring_officer",
}


def upgrade() -> None:
    table = op.create_table(
        "breach_routes",
        sa.Column("engagement_type", sa.String(20), primary_key=True),
        sa.Column("route", sa.String(30), nullable=False),
        sa.CheckConstraint("route IN (" + ", ".join(f"'{r}'" for r in ROUTES) + ")", name=op.f("ck_breach_routes_route")),
    )
    op.bulk_insert(table, [{"engagement_type": e, "route": r} for e, r in DEFAULTS.items()])


def downgrade() -> None:
    op.drop_table("breach_routes")
