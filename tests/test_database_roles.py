"""The least-privilege PostgreSQL role (migration 0015; README, "Two PostgreSQL roles").

The portal runs as a login in the `portal_runtime` group. These tests connect as that
login and try what an insider with the portal's database password would try: switch off
or get round the append-only triggers, empty or edit the evidence, and purge an open
case through the retention function. Each must be refused. The owner's purge still
removes a case that is genuinely due. PostgreSQL only: SQLite has no roles.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from flask import Flask
from sqlalchemy import Engine, create_engine, func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from portal.cli import migration_url
from portal.clock import add_months
from portal.conduct import retention
from portal.conduct import service as conduct
from portal.conduct.models import DisciplinaryCase, EvidencePack, EvidenceSnapshot
from portal.conduct.pack import build_pack
from portal.people.models import Person, Role
from portal.policies.service import get_policy
from tests.conftest import settings_for
from tests.factories import make_person, make_policy

APPEND_ONLY = [
    "audit_events",
    "acknowledgements",
    "receipts",
    "paper_scans",
    "authorisation_issues",
    "authorisation_declines",
    "authorisation_revocations",
    "authorisation_terms",
    "case_submissions",
    "case_reviews",
    "case_decisions",
    "disciplinary_evidence",
    "disciplinary_packs",
    "disciplinary_letters",
    "breach_evidence",
]
REFUSED = "permission denied|must be owner"
MONTHS = {"warning": 6, "no_warning": 6, "dismissal": 72}
TODAY = date.today()


@pytest.fixture
def runtime(database_url: str, runtime_database_url: str) -> Iterator[Engine]:
    """A connection as the portal's own login, outside the application."""
    if not database_url.startswith("postgresql"):
        pytest.skip("database roles exist on PostgreSQL only")
    assert runtime_database_url != database_url, "the portal must not run as the test server's login"
    engine = create_engine(runtime_database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def owner(runtime: Engine, owner_database_url: str) -> Iterator[Engine]:
    engine = create_engine(owner_database_url)
    yield engine
    engine.dispose()


def _refused(engine: Engine, *statements: str, match: str = REFUSED) -> None:
    with pytest.raises(DBAPIError, match=match), engine.begin() as connection:
        for statement in statements:
            connection.exec_driver_sql(statement)


# The runtime role cannot switch off, get round or empty the append-only tables --------


@pytest.mark.parametrize("table", APPEND_ONLY)
@pytest.mark.parametrize(
    "statement",
    [
        "DROP TRIGGER {table}_no_update_or_delete ON {table}",
        "DROP TRIGGER {table}_no_truncate ON {table}",
        "ALTER TABLE {table} DISABLE TRIGGER USER",
        "ALTER TABLE {table} DISABLE TRIGGER {table}_no_update_or_delete",
        "TRUNCATE {table}",
        "UPDATE {table} SET id = id",
        "DELETE FROM {table}",
        "ALTER TABLE {table} OWNER TO CURRENT_USER",
    ],
)
def test_the_runtime_role_cannot_touch_an_append_only_table(runtime, table, statement):
    _refused(runtime, statement.format(table=table))


def test_the_runtime_role_may_read_and_add_to_every_table_with_a_trigger_and_nothing_more(runtime):
    """Checked from the catalogue, so an append-only table that a later migration adds
    without its REVOKE (0015's comment) fails here."""
    with runtime.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT DISTINCT c.relname, has_table_privilege(c.oid, 'SELECT, INSERT'), "
                "has_table_privilege(c.oid, 'UPDATE, DELETE, TRUNCATE, TRIGGER, REFERENCES') "
                "FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE NOT t.tgisinternal AND c.relnamespace = current_schema()::regnamespace"
            )
        ).all()
    assert sorted(name for name, _, _ in rows) == sorted(APPEND_ONLY)
    assert [name for name, may_add, _ in rows if not may_add] == []
    assert [name for name, _, may_change in rows if may_change] == []


def test_the_runtime_role_owns_nothing_and_cannot_change_the_schema(runtime):
    with runtime.connect() as connection:
        owned = connection.scalar(
            text(
                "SELECT count(*) FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace "
                "AND pg_has_role(current_user, c.relowner, 'MEMBER')"
            )
        )
        owns_functions = connection.scalar(
            text(
                "SELECT count(*) FROM pg_proc p WHERE p.pronamespace = current_schema()::regnamespace "
                "AND pg_has_role(current_user, p.proowner, 'MEMBER')"
            )
        )
    assert owned == 0 and owns_functions == 0
    _refused(runtime, "CREATE TABLE intruder (id integer)")
    _refused(runtime, "ALTER TABLE disciplinary_cases ADD COLUMN intruder text")
    _refused(runtime, "DROP TABLE people")
    _refused(runtime, "UPDATE alembic_version SET version_num = '9999'")
    # The retention floor is the owner's: the runtime cannot shorten the schedule.
    _refused(
        runtime,
        "CREATE OR REPLACE FUNCTION disciplinary_retention_floor(record_type text) RETURNS integer "
        "LANGUAGE sql AS $$ SELECT 0 $$",
    )


def test_the_runtime_role_still_does_ordinary_work(runtime, session):
    """Normal tables keep normal DML and sequences: the portal itself must still work."""
    person = make_person(session, name="Rita Runtime")
    session.commit()
    with runtime.begin() as connection:
        connection.execute(text("UPDATE people SET name = 'Rita R' WHERE id = :id"), {"id": person.id})
    assert session.scalar(select(Person.name).where(Person.id == person.id)) == "Rita R"


# Retention purges go only through the owner's function, and only when due --------------


@pytest.fixture
def cast(runtime: Engine, session: Session) -> dict[str, object]:
    clerk = make_person(session, name="Clara Clerk", roles={Role.TOWN_CLERK})
    policy, _ = make_policy(session, clerk=clerk, slug="social-media", title="Social Media Policy")
    return {
        "hr": make_person(session, name="Harriet HR", roles={Role.HR}),
        "clerk": clerk,
        "subject": make_person(session, name="Sam Subject"),
        "policy": policy,
    }


def _case(
    app: Flask, session: Session, cast: dict, *, decided_on: date | None, stage: str = "no_action"
) -> int:
    """A case opened by HR through the service layer, decided on `decided_on` (None: open),
    with an evidence pack, so the purge has frozen rows to delete."""
    hr, clerk, subject, policy = cast["hr"], cast["clerk"], cast["subject"], cast["policy"]
    with app.app_context():
        case = conduct.open_case(
            session,
            hr,
            conduct.Allegation(
                subject=subject,
                allegation="Posted a resident's letter",
                incident_date=TODAY,
                policy=get_policy(session, policy.slug),
                sections=["3.2"],
                investigating_officer=clerk,
            ),
        )
        build_pack(session, hr, case)
        if decided_on is not None:
            outcome = conduct.Outcome(
                stage=stage,
                outcome="No further action.",
                reasons="A first lapse, admitted at once.",
                decided_on=decided_on,
                companion_kind="",
                companion_name="",
            )
            conduct.record_outcome(session, hr, case, outcome)
    session.commit()
    return case.id


def _purge(engine: Engine, case_id: int, months: dict[str, int] = MONTHS) -> bool:
    with engine.begin() as connection:
        return bool(
            connection.execute(
                text("SELECT purge_disciplinary_case(:case_id, :warning, :no_warning, :dismissal)"),
                {"case_id": case_id, **months},
            ).scalar()
        )


def _still_there(session: Session, case_id: int) -> bool:
    session.commit()
    evidence = session.scalar(select(func.count()).where(EvidenceSnapshot.case_id == case_id))
    packs = session.scalar(select(func.count()).where(EvidencePack.case_id == case_id))
    return evidence == 1 and packs == 1 and session.get(DisciplinaryCase, case_id) is not None


def test_an_open_case_made_to_look_old_and_decided_is_not_purged(app, runtime, cast, session):
    """The issue's own test: the runtime role can edit disciplinary_cases, so those
    columns cannot decide a purge; the sealed events say the case is open."""
    case_id = _case(app, session, cast, decided_on=None)
    with runtime.begin() as connection:
        connection.execute(
            text(
                "UPDATE disciplinary_cases SET status = 'decided', stage = 'no_action', "
                "decided_on = '2001-01-01', opened_at = '2000-01-01', "
                "legal_hold_since = NULL WHERE id = :id"
            ),
            {"id": case_id},
        )
    assert _purge(runtime, case_id, {"warning": 0, "no_warning": 0, "dismissal": 0}) is False
    assert retention.run(session, add_months(TODAY, 500), MONTHS, dry_run=False) == []
    assert _still_there(session, case_id)


def test_an_open_case_cannot_borrow_a_decided_cases_audit_name(app, runtime, cast, session):
    """Swapping the (editable) audit reference does not move the decided case's events."""
    old = _case(app, session, cast, decided_on=add_months(TODAY, -7))
    open_id = _case(app, session, cast, decided_on=None)
    with runtime.begin() as connection:
        name = connection.scalar(
            text("SELECT audit_reference FROM disciplinary_cases WHERE id = :id"), {"id": old}
        )
        connection.execute(
            text("UPDATE disciplinary_cases SET audit_reference = 'x' WHERE id = :id"), {"id": old}
        )
        connection.execute(
            text("UPDATE disciplinary_cases SET audit_reference = :name WHERE id = :id"),
            {"name": name, "id": open_id},
        )
    assert _purge(runtime, open_id) is False
    assert _still_there(session, open_id)


def test_an_open_case_cannot_borrow_the_reference_of_a_decided_case_with_the_same_evidence(
    app, runtime, cast, session
):
    """Two cases about one employee on one day freeze identical evidence; swapping their
    (editable) printed references must not make the open one look decided: its opening
    event names its case id (migration 0026)."""
    old = _case(app, session, cast, decided_on=add_months(TODAY, -7))
    open_id = _case(app, session, cast, decided_on=None)
    with runtime.begin() as connection:
        ids = {"old": old, "open": open_id}
        references = dict(
            connection.execute(
                text("SELECT id, reference FROM disciplinary_cases WHERE id IN (:old, :open)"), ids
            ).all()
        )
        connection.execute(text("UPDATE disciplinary_cases SET reference = 'x' WHERE id = :old"), ids)
        connection.execute(
            text("UPDATE disciplinary_cases SET reference = :reference WHERE id = :open"),
            {**ids, "reference": references[old]},
        )
        connection.execute(
            text("UPDATE disciplinary_cases SET reference = :reference WHERE id = :old"),
            {**ids, "reference": references[open_id]},
        )
    assert _purge(runtime, open_id) is False
    assert _still_there(session, open_id)


def test_a_session_setting_does_not_let_anyone_delete_evidence(
    app, runtime, cast, owner, database_url, session
):
    """The old route (`SET LOCAL portal.retention_purge`) and the new flag are no use
    without the owner's function: not to the runtime role, not to another (superuser)
    login, and not to the owner itself for a case that is not due."""
    case_id = _case(app, session, cast, decided_on=None)
    widen = (
        "SET LOCAL portal.retention_purge = 'on'",
        f"SET LOCAL portal.retention_purge_case = '{case_id}'",
    )
    delete = f"DELETE FROM disciplinary_evidence WHERE case_id = {case_id}"
    _refused(runtime, *widen, delete)
    server = create_engine(database_url)
    try:
        _refused(server, *widen, delete, match="append-only")
    finally:
        server.dispose()
    _refused(owner, *widen, delete, match="append-only")
    assert _still_there(session, case_id)


def test_the_purge_removes_a_case_that_is_due(app, runtime, cast, session):
    case_id = _case(app, session, cast, decided_on=add_months(TODAY, -6) - timedelta(days=1))
    assert _purge(runtime, case_id) is True
    session.commit()
    assert session.get(DisciplinaryCase, case_id) is None
    assert session.scalar(select(func.count()).select_from(EvidenceSnapshot)) == 0
    assert session.scalar(select(func.count()).select_from(EvidencePack)) == 0


def test_the_purge_keeps_a_case_whose_retention_has_not_ended(app, runtime, cast, session):
    case_id = _case(app, session, cast, decided_on=add_months(TODAY, -6))  # kept until today
    assert _purge(runtime, case_id) is False
    assert _still_there(session, case_id)


def test_the_months_passed_in_cannot_undercut_the_owners_floor(app, runtime, cast, session):
    case_id = _case(app, session, cast, decided_on=add_months(TODAY, -3))
    assert _purge(runtime, case_id, {"warning": 0, "no_warning": 0, "dismissal": 0}) is False
    assert _still_there(session, case_id)


def test_the_purge_refuses_a_case_under_legal_hold_judged_by_its_events(app, runtime, cast, session):
    case_id = _case(app, session, cast, decided_on=add_months(TODAY, -12))
    retention.place_hold(
        session, cast["hr"], session.get(DisciplinaryCase, case_id), "Tribunal claim received"
    )
    session.commit()
    with runtime.begin() as connection:  # hide the hold in the editable columns
        connection.execute(
            text("UPDATE disciplinary_cases SET legal_hold_since = NULL WHERE id = :id"), {"id": case_id}
        )
    assert _purge(runtime, case_id) is False
    assert _still_there(session, case_id)


def test_flask_db_upgrade_runs_as_the_owner_when_one_is_set():
    runtime_only = settings_for("postgresql+psycopg://portal@db/portal")
    assert migration_url(runtime_only) == "postgresql+psycopg://portal@db/portal"
    both = settings_for(
        "postgresql+psycopg://portal@db/portal",
        migration_database_url="postgresql+psycopg://portal_owner@db/portal",
    )
    assert migration_url(both) == "postgresql+psycopg://portal_owner@db/portal"
