"""version scope: whom each policy version binds is recorded on the version

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-02

A policy's Scope says whom it binds (the Networking Policy names employees and everyone
working on the council's behalf, not councillors), and a new wording may bind different
people, so who must sign moves from the policy to each version (portal/policies/scope.py).
Every existing version gets its policy's scope, which is what bound its signers until
now, and the policy's columns go: a new draft takes its default from the version before
it, so a policy-level copy would only be a second answer that could disagree.

A published version's scope is frozen by the application, as its wording is
(portal/policies/library.py, update_draft). No trigger: policy_versions is not an
append-only table (publishing and archiving update it), and whoever could change a
version's scope in the database could as easily change a person's engagement type.

The columns are added and dropped with ALTER TABLE on both databases: a batch rebuild of
`policies` or `policy_versions` on SQLite would drop a table that versions, sections,
acknowledgements and disciplinary cases refer to, which the foreign keys refuse once
there are rows.
"""

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

COLUMNS = ("applies_to_engagements", "applies_to_roles")

# For the downgrade. A policy binds whom its current version does; failing that its latest
# published one, then its newest draft. A policy with no version keeps '[]': it asked
# nobody to sign.
_BACK_TO_THE_POLICY = """
UPDATE policies SET {column} = COALESCE((
    SELECT v.{column} FROM policy_versions v WHERE v.policy_id = policies.id
    ORDER BY CASE WHEN v.status = 'published' THEN 0 WHEN v.published_at IS NOT NULL THEN 1 ELSE 2 END,
             v.published_at DESC, v.id DESC
    LIMIT 1
), {column})
"""


def _add_json_columns(table: str) -> None:
    # '[]' binds nobody: the safe value for a row the backfill below does not reach.
    for column in COLUMNS:
        op.add_column(table, sa.Column(column, sa.JSON(), nullable=False, server_default=sa.text("'[]'")))


def _drop_columns(table: str) -> None:
    for column in COLUMNS:
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")


def _postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    _add_json_columns("policy_versions")
    op.execute(
        "UPDATE policy_versions SET "
        "applies_to_engagements = (SELECT p.applies_to_engagements FROM policies p "
        "WHERE p.id = policy_versions.policy_id), "
        "applies_to_roles = (SELECT p.applies_to_roles FROM policies p WHERE p.id = policy_versions.policy_id)"
    )
    _drop_columns("policies")
    if _postgresql():
        # The application always writes both; no default, as in the models.
        for column in COLUMNS:
            op.execute(f"ALTER TABLE policy_versions ALTER COLUMN {column} DROP DEFAULT")


def downgrade() -> None:
    _add_json_columns("policies")
    op.execute(_BACK_TO_THE_POLICY.format(column="applies_to_engagements"))
    op.execute(_BACK_TO_THE_POLICY.format(column="applies_to_roles"))
    if _postgresql():
        for column in COLUMNS:
            op.execute(f"ALTER TABLE policies ALTER COLUMN {column} DROP DEFAULT")
    _drop_columns("policy_versions")
