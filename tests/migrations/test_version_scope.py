"""Migration 0022: whom a policy binds moves from the policy to each of its versions.

Every version gets its policy's scope, which is what bound its signers before; the
downgrade gives each policy the scope of its current version.
"""

from __future__ import annotations

import json

from alembic import command
from sqlalchemy import inspect, text

from tests.migrations.test_migrations import _config, fresh_database_url, upgraded_with_rows  # noqa: F401 (the fixture)

STAFF = '["employee", "volunteer"]'
ROWS_AT_0021 = [
    "INSERT INTO policies (id, slug, title, owner_role, applies_to_engagements, applies_to_roles, created_at) "
    f"VALUES (1, 'networking', 'Networking', 'town_clerk', '{STAFF}', '[]', '2026-01-05 09:00:00'), "
    "(2, 'managers', 'Managers', 'town_clerk', '[\"employee\"]', '[\"manager\"]', '2026-01-05 09:00:00'), "
    "(3, 'empty', 'Never drafted', 'town_clerk', '[\"councillor\"]', '[]', '2026-01-05 09:00:00')",
    "INSERT INTO policy_versions (id, policy_id, label, effective_date, body_markdown, content_sha256, "
    "change_kind, change_summary, adopted_minute, review_due, status, created_at, published_at) VALUES "
    "(1, 1, '1', '2026-01-05', '# N', 'sha', 'material', 's', 'm', '2027-01-05', 'archived', "
    "'2026-01-05 09:00:00', '2026-01-05 09:00:00'), "
    "(2, 1, '2', '2026-02-05', '# N', 'sha', 'material', 's', 'm', '2027-01-05', 'published', "
    "'2026-02-05 09:00:00', '2026-02-05 09:00:00'), "
    "(3, 1, '3', '2026-03-05', '# N', 'sha', 'material', 's', 'm', '2027-01-05', 'draft', "
    "'2026-03-05 09:00:00', NULL), "
    "(4, 2, '1', '2026-01-05', '# M', 'sha', 'material', 's', 'm', '2027-01-05', 'published', "
    "'2026-01-05 09:00:00', '2026-01-05 09:00:00')",
]


def _scopes(connection, table: str) -> dict[int, tuple[list[str], list[str]]]:
    rows = connection.execute(
        text(f"SELECT id, applies_to_engagements, applies_to_roles FROM {table} ORDER BY id")  # noqa: S608
    )
    return {
        row[0]: tuple(json.loads(value) if isinstance(value, str) else value for value in row[1:])
        for row in rows
    }


def test_0022_gives_each_version_its_policys_scope_and_downgrades_to_the_current_ones(
    fresh_database_url,  # noqa: F811
):
    config, engine = upgraded_with_rows(fresh_database_url, "0021", ROWS_AT_0021, "0022")
    staff = (["employee", "volunteer"], [])
    with engine.connect() as connection:
        assert _scopes(connection, "policy_versions") == {
            1: staff,
            2: staff,
            3: staff,
            4: (["employee"], ["manager"]),
        }
    assert {"applies_to_engagements", "applies_to_roles"}.isdisjoint(
        column["name"] for column in inspect(engine).get_columns("policies")
    )
    with engine.begin() as connection:
        # The Clerk's draft binds councillors too: the current version still decides.
        connection.execute(
            text("UPDATE policy_versions SET applies_to_engagements = '[\"councillor\"]' WHERE id = 3")
        )
    command.downgrade(config, "0021")
    with engine.connect() as connection:
        assert _scopes(connection, "policies") == {1: staff, 2: (["employee"], ["manager"]), 3: ([], [])}
    assert {"applies_to_engagements", "applies_to_roles"}.isdisjoint(
        column["name"] for column in inspect(engine).get_columns("policy_versions")
    )
    command.upgrade(config, "0022")
    with engine.connect() as connection:
        assert _scopes(connection, "policy_versions")[3] == staff
    engine.dispose()
