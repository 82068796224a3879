"""The schema lives in Alembic: these tests keep the models and migrations honest."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text

from portal.cli import alembic_config
from portal.models import metadata
from tests.conftest import _postgres_server_url, create_postgres_database
from tests.helpers import migrate


@pytest.fixture
def fresh_database_url(database_url: str, tmp_path) -> Iterator[str]:
    """An empty database of the same kind as this run's, for walking the migrations."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
        return
    with create_postgres_database(_postgres_server_url() or "") as url:
        yield url


def _revisions() -> list[str]:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    return [r.revision for r in reversed(list(script.walk_revisions()))]


def _config(url: str):
    config = alembic_config(url)
    config.attributes["configure_logging"] = False
    return config


def upgraded_with_rows(url: str, before: str, rows: list[str], revision: str):
    """A database at `before` holding `rows` (SQL written for that schema), then upgraded
    to `revision`: how a migration's backfill is tested. Returns the config and engine."""
    config = _config(url)
    engine = create_engine(url)
    command.upgrade(config, before)
    with engine.begin() as connection:
        for statement in rows:
            connection.execute(text(statement))
    command.upgrade(config, revision)
    return config, engine


def test_the_models_match_the_migrations(database_url):
    engine = create_engine(database_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, metadata)
    engine.dispose()
    assert differences == [], "run `alembic revision --autogenerate` and review it"


def test_revision_ids_are_sequential_and_readable():
    revisions = _revisions()
    assert revisions == [f"{n:04d}" for n in range(1, len(revisions) + 1)]


def test_every_revision_upgrades_downgrades_and_upgrades_again(fresh_database_url):
    config = _config(fresh_database_url)
    previous = "base"
    for revision in _revisions():
        command.upgrade(config, revision)
        command.downgrade(config, previous)
        command.upgrade(config, revision)
        previous = revision
    command.downgrade(config, "base")
    command.upgrade(config, "head")


# Rows written at a revision, in that revision's schema; they must survive to head.
SAMPLE_ROWS = {
    "0001": [
        "INSERT INTO departments (id, name) VALUES (1, 'Parks')",
        "INSERT INTO people (id, name, email, engagement_type, department_id, start_date, is_active, "
        "session_token, is_demo, created_at) VALUES (1, 'Kept Person', 'kept@council.example', "
        "'volunteer', 1, '2026-01-05', true, 'token', false, '2026-01-05 09:00:00')",
        "INSERT INTO person_roles (person_id, role) VALUES (1, 'manager')",
        "INSERT INTO audit_events (id, occurred_at, action, object_type, details, previous_hash, hash) "
        "VALUES (1, '2026-01-05 09:00:00', 'test.kept', 'thing', '{}', 'p', 'h')",
    ],
    "0003": [
        "INSERT INTO policies (id, slug, title, owner_role, applies_to_engagements, applies_to_roles, created_at) "
        "VALUES (1, 'kept', 'Kept Policy', 'town_clerk', '[\"employee\"]', '[]', '2026-01-05 09:00:00')",
        "INSERT INTO policy_versions (id, policy_id, label, effective_date, body_markdown, content_sha256, "
        "change_kind, change_summary, adopted_minute, review_due, status, created_at, published_at) VALUES "
        "(1, 1, '1', '2026-01-05', '# Kept', 'sha', 'material', 's', 'm', '2027-01-05', 'published', "
        "'2026-01-05 09:00:00', '2026-01-05 09:00:00')",
        "INSERT INTO acknowledgements (id, person_id, version_id, record_number, kind, method, person_name, "
        "person_email, version_label, version_sha256, statement_text, statement_sha256, actor_id, recorded_at, "
        "reauthenticated, evidence_sha256) VALUES (1, 1, 1, 1, 'signed', 'self', 'Kept Person', "
        "'kept@council.example', '1', 'sha', 'I agree', 'ssha', 1, '2026-01-06 09:00:00', true, 'esha')",
    ],
    "0006": [
        "INSERT INTO business_cases (id, reference, department_id, author_id, created_at, updated_at, status, "
        "platform, account_name, web_address, purpose, benefit, audience, content_plan, resources, "
        "records_and_foi, disclaimer, exit_plan, bank_holiday_cover) VALUES (1, 'BC-2026-0001', 1, 1, "
        "'2026-01-06 09:00:00', '2026-01-06 09:00:00', 'submitted', 'facebook', 'Kept Page', '', '', '', '', "
        "'', '', '', '', '', '')",
        "INSERT INTO case_submissions (id, case_id, number, submitted_by_id, submitted_at, content, "
        "content_sha256) VALUES (1, 1, 1, 1, '2026-01-06 09:00:00', '{}', 'sha')",
    ],
    "0007": [
        "INSERT INTO disciplinary_cases (id, reference, subject_id, allegation, incident_date, "
        "policy_version_id, sections, investigating_officer_id, opened_by_id, opened_at, status, "
        "companion_kind, companion_name, stage_skip_reason, outcome, outcome_reasons, appeal_late_reason, "
        "appeal_outcome) VALUES (1, 'DC-2026-0001', 1, 'Kept allegation', '2026-01-06', 1, '[\"3.2\"]', 1, 1, "
        "'2026-01-07 09:00:00', 'open', '', '', '', '', '', '', '')",
        "INSERT INTO disciplinary_evidence (id, case_id, taken_at, content, content_sha256) VALUES "
        "(1, 1, '2026-01-07 09:00:00', '{}', 'kept-evidence')",
    ],
}


def test_upgrading_a_database_with_rows_keeps_them(fresh_database_url):
    config = _config(fresh_database_url)
    engine = create_engine(fresh_database_url)
    for revision in _revisions():
        command.upgrade(config, revision)
        with engine.begin() as connection:
            for statement in SAMPLE_ROWS.get(revision, []):
                connection.execute(text(statement))
    command.upgrade(config, "head")
    with engine.connect() as connection:
        person = connection.execute(
            text("SELECT name, email, engagement_type FROM people WHERE id = 1")
        ).one()
        assert tuple(person) == ("Kept Person", "kept@council.example", "volunteer")
        assert (
            connection.execute(text("SELECT role FROM person_roles WHERE person_id = 1")).scalar()
            == "manager"
        )
        assert (
            connection.execute(text("SELECT action FROM audit_events WHERE id = 1")).scalar() == "test.kept"
        )
        assert connection.execute(text("SELECT person_name FROM acknowledgements WHERE id = 1")).scalar() == (
            "Kept Person"
        )
        assert connection.execute(
            text("SELECT content_sha256 FROM case_submissions WHERE case_id = 1")
        ).scalar() == ("sha")
        # Rows from before migration 0013 stay unsealed: `audit verify` reports them as
        # sealed before keys were introduced (the key is not the migration's to hold).
        for table in ("audit_events", "acknowledgements", "case_submissions", "disciplinary_evidence"):
            assert tuple(
                connection.execute(text(f"SELECT seal, seal_key_id FROM {table} WHERE id = 1")).one()
            ) == (
                None,
                None,
            )
    engine.dispose()


def test_flask_db_upgrade_applies_the_migrations(app, fresh_database_url):
    from portal import create_app
    from tests.conftest import settings_for

    fresh_app = create_app(settings_for(fresh_database_url))
    result = fresh_app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    engine = create_engine(fresh_database_url)
    with engine.connect() as connection:
        assert (
            connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == _revisions()[-1]
        )
    engine.dispose()


def test_migrate_helper_is_idempotent(fresh_database_url):
    migrate(fresh_database_url)
    migrate(fresh_database_url)
