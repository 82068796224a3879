"""Migration 0019: every channel says why it is in the register.

A channel an approved business case put there gets that case as its basis; any other had
no basis recorded, and the backfill says exactly that rather than inventing one.
"""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.exc import IntegrityError

from tests.migrations.test_migrations import _config, fresh_database_url, upgraded_with_rows  # noqa: F401 (the fixture)

ROWS_AT_0018 = [
    "INSERT INTO departments (id, name) VALUES (1, 'Events')",
    "INSERT INTO people (id, name, email, engagement_type, department_id, start_date, is_active, "
    "session_token, is_demo, created_at) VALUES (1, 'Eve Events', 'eve@council.example', 'employee', 1, "
    "'2026-01-05', true, 'token', false, '2026-01-05 09:00:00')",
    "INSERT INTO channels (id, platform, name, url, department_id, status, created_at) VALUES "
    "(1, 'website', 'Council website', 'https://council.example/', NULL, 'active', '2026-01-05 09:00:00'), "
    "(2, 'instagram', 'Council markets', 'https://instagram.example/m', 1, 'active', '2026-01-06 09:00:00'), "
    "(3, 'facebook', 'Old events page', 'https://facebook.example/e', 1, 'retired', '2026-01-07 09:00:00')",
    "INSERT INTO business_cases (id, reference, department_id, author_id, created_at, updated_at, status, "
    "platform, account_name, web_address, purpose, benefit, audience, content_plan, resources, "
    "records_and_foi, disclaimer, exit_plan, bank_holiday_cover, channel_id) VALUES (1, 'BC-2026-0004', 1, 1, "
    "'2026-01-06 09:00:00', '2026-01-06 09:00:00', 'approved', 'instagram', 'Council markets', '', '', '', "
    "'', '', '', '', '', '', '', 2)",
    # A request naming the channels: the columns must be added without rebuilding the table
    # that it refers to.
    "INSERT INTO authorisation_requests (id, person_id, requested_by_id, requested_at, scope, conditions, "
    "starts_on, ends_on, justification) VALUES (1, 1, 1, '2026-01-08 09:00:00', 'Events', '', '2026-01-08', "
    "'2026-06-08', 'Markets')",
    "INSERT INTO authorisation_request_channels (request_id, channel_id) VALUES (1, 1), (1, 2)",
]


def _bases(connection) -> list[tuple]:
    return [
        tuple(row)
        for row in connection.execute(text("SELECT id, basis_kind, basis FROM channels ORDER BY id"))
    ]


def test_0019_backfills_each_channels_basis_and_downgrades_cleanly(fresh_database_url):  # noqa: F811
    config, engine = upgraded_with_rows(fresh_database_url, "0018", ROWS_AT_0018, "0019")
    with engine.connect() as connection:
        assert _bases(connection) == [
            (1, "not_recorded", "not recorded before revision 0019"),
            (2, "business_case", "Business case BC-2026-0004"),
            (3, "not_recorded", "not recorded before revision 0019"),
        ]
        assert connection.execute(text("SELECT count(*) FROM authorisation_request_channels")).scalar() == 2
    with engine.begin() as connection:
        connection.execute(
            text(
                "UPDATE channels SET basis_kind = 'council_resolution', basis = 'Minute 14/032' WHERE id = 1"
            )
        )
    command.downgrade(config, "0018")
    columns = {column["name"] for column in inspect(engine).get_columns("channels")}
    assert {"basis", "basis_kind"}.isdisjoint(columns)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM channels")).scalar() == 3
    command.upgrade(config, "0019")
    engine.dispose()


def test_0019_refuses_a_basis_kind_it_does_not_know(fresh_database_url):  # noqa: F811
    config = _config(fresh_database_url)
    command.upgrade(config, "0019")
    engine = create_engine(fresh_database_url)
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO channels (platform, name, url, status, created_at, basis_kind, basis) VALUES "
                "('x', 'A', 'https://x.example', 'active', '2026-01-05 09:00:00', 'hearsay', 'Minute 1')"
            )
        )
    engine.dispose()
