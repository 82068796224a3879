from __future__ import annotations

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.exc import DBAPIError

from portal.audit.models import AuditEvent
from portal.audit.service import GENESIS_HASH, record, verify_chain
from portal.people.models import Role
from tests.factories import make_person


def _three_events(session):
    for number in range(3):
        record(
            session,
            actor=None,
            action="test.event",
            object_type="thing",
            object_id=number,
            details={"n": number},
        )
    events = list(session.scalars(select(AuditEvent).order_by(AuditEvent.id)))
    session.commit()  # end the read too: on SQLite an open transaction blocks the intruder
    return events


def _tamper(database_url: str, *statements: str) -> None:
    """Change the audit table behind the application's back, as an intruder would."""
    engine = create_engine(database_url)
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            # Only a superuser can get past the append-only triggers like this.
            connection.execute(text("SET LOCAL session_replication_role = replica"))
        for statement in statements:
            connection.exec_driver_sql(statement)
    engine.dispose()


def test_events_link_to_the_one_before(session):
    first, second, third = _three_events(session)
    assert first.previous_hash == GENESIS_HASH
    assert second.previous_hash == first.hash
    assert third.previous_hash == second.hash
    assert verify_chain(session).ok


def test_an_edited_event_is_caught(session, database_url):
    _, second, _ = _three_events(session)
    _tamper(database_url, f"UPDATE audit_events SET details = '{{\"n\": 99}}' WHERE id = {second.id}")
    session.expire_all()
    report = verify_chain(session)
    assert not report.ok
    assert report.broken_event_id == second.id
    assert "altered" in report.reason


def test_a_deleted_event_is_caught(session, database_url):
    _, second, third = _three_events(session)
    _tamper(database_url, f"DELETE FROM audit_events WHERE id = {second.id}")
    session.commit()
    report = verify_chain(session)
    assert report.broken_event_id == third.id
    assert "deleted" in report.reason


def test_reordered_events_are_caught(session, database_url):
    first, second, _ = _three_events(session)
    # Swap the positions of the first two events, keeping each row's content.
    _tamper(
        database_url,
        f"UPDATE audit_events SET id = -1 WHERE id = {first.id}",
        f"UPDATE audit_events SET id = {first.id} WHERE id = {second.id}",
        f"UPDATE audit_events SET id = {second.id} WHERE id = -1",
    )
    session.expire_all()
    report = verify_chain(session)
    assert report.broken_event_id == first.id
    assert "reordered" in report.reason


def test_a_forged_hash_is_caught(session, database_url):
    _, second, _ = _three_events(session)
    _tamper(database_url, f"UPDATE audit_events SET hash = '{'f' * 64}' WHERE id = {second.id}")
    report = verify_chain(session)
    assert report.broken_event_id == second.id


@pytest.fixture
def postgres_only(database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("the append-only triggers exist on PostgreSQL only")


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_events SET action = 'x'", "DELETE FROM audit_events", "TRUNCATE audit_events"],
)
def test_postgres_refuses_to_change_audit_rows(session, database_url, postgres_only, statement):
    _three_events(session)
    engine = create_engine(database_url)
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
        connection.execute(text(statement))
    engine.dispose()
    assert verify_chain(session).events_checked == 3


def test_audit_verify_command_prints_ok_or_the_break(app, session, database_url):
    _three_events(session)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0
    assert result.output.startswith("OK")
    _tamper(database_url, "UPDATE audit_events SET action = 'forged' WHERE id = 2")
    broken = runner.invoke(args=["audit", "verify"])
    assert broken.exit_code == 1
    assert "BROKEN at event 2" in broken.output


def test_the_audit_viewer_filters_events(client, session):
    clerk = make_person(session, roles={Role.TOWN_CLERK})
    _three_events(session)
    client.sign_in_as(clerk)
    html = client.get("/audit?action=test.event&object_id=1").get_data(as_text=True)
    assert "1 event found" in html
    everything = client.get("/audit").get_data(as_text=True)
    assert "test.event" in everything and "people.created" in everything
    assert client.get("/audit?from=2999-01-01").get_data(as_text=True).count("0 events found") == 1


def test_the_audit_viewers_dates_are_typed_in_three_boxes(client, session):
    """Day, month and year, as every date in the portal: one that cannot be read is
    named and not applied, and the pager carries the dates that were."""
    client.sign_in_as(make_person(session, roles={Role.TOWN_CLERK}))
    _three_events(session)
    page = client.get("/audit?from-day=1&from-month=1&from-year=2999").get_data(as_text=True)
    assert "0 events found" in page and 'name="from-day"' in page and 'value="2999"' in page
    assert 'type="date"' not in page
    wrong = client.get("/audit?from-day=31&from-month=2&from-year=2026").get_data(as_text=True)
    assert "The first day must be a real date" in wrong and "0 events found" not in wrong


def test_an_event_records_the_address_of_the_request_and_none_from_a_command(app, client, session):
    from portal.audit import personal
    from portal.audit.models import AuditEvent
    from portal.audit.service import client_address, record
    from tests.factories import PASSWORD, make_person

    make_person(session, email="ada@council.example")
    client.post(
        "/sign-in",
        {"email": "ada@council.example", "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "203.0.113.9"},
    )
    signed_in = session.scalar(select(AuditEvent).where(AuditEvent.action == "auth.signed_in"))
    # Stored sealed under the person's key (portal.audit.personal), read back as written.
    assert "203.0.113.9" not in signed_in.ip_address
    assert personal.read(session, signed_in.ip_address) == "203.0.113.9"
    assert client_address() is None  # the request's address does not outlive it
    with app.app_context():
        event = record(session, actor=None, action="test.from_a_command", object_type="test")
    assert event.ip_address is None
