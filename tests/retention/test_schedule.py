"""The retention schedule for every kind of personal record, on SQLite and PostgreSQL.

Time is moved honestly. A leaver's leaving date can be set in the past through the
service, so the kinds counted from leaving need no trick at all. The kinds counted from a
decision or an answer (authorisations, business cases, information requests) are judged
on PostgreSQL by the database's own date (retention_today, migration 0029), which the
runtime role cannot change: here the owner replaces that one function for the test, as
the owner could, and SQLite is given the same day.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from portal.audit.forgetting import FORGOTTEN, RecordKey, readable
from portal.audit.models import AuditEvent
from portal.audit.service import details_key, verify_chain
from portal.clock import LONDON, add_months, today
from portal.config import BadMonthsSetting, Settings
from portal.outbox.models import OutboxMessage
from portal.outbox.service import Message, queue
from portal.people.email_changes import confirm_email_change, request_email_change
from portal.people.models import Person
from portal.people.service import REMOVED_NAME, mark_leaver
from portal.policies.models import Acknowledgement, Receipt
from portal.policies.service import get_policy
from portal.policies.signing import RequestDetails as SigningDetails
from portal.policies.signing import sign
from portal.retention import service
from portal.tasks import retention_kinds
from portal.training.attempts import get_quiz, start_attempt, submit
from portal.training.models import Attempt, Completion
from portal.training.sync import sync
from tests.factories import PASSWORD, make_clerk, make_person, make_policy
from tests.training.conftest import TEST_BANK
from tests.training.helpers import answer_all

TODAY = today()
LEFT = TODAY - timedelta(days=30)
SIX_YEARS = 72  # the default for every after-leaving kind, and the owner's floor


def _on_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


@pytest.fixture
def clock(session: Session, owner_database_url: str) -> Iterator[Callable[[date], date]]:
    """Sets the day the schedule runs on: SQLite is given it; PostgreSQL's owner makes it
    the database's date for the judging functions."""
    engine = create_engine(owner_database_url) if _on_postgres(session) else None

    def set_day(day: date) -> date:
        if engine is not None:
            with engine.begin() as connection:
                connection.exec_driver_sql(
                    "CREATE OR REPLACE FUNCTION retention_today() RETURNS date LANGUAGE sql STABLE "
                    f"SET search_path = pg_catalog AS $$ SELECT DATE '{day.isoformat()}' $$"
                )
        return day

    yield set_day
    if engine is not None:
        with engine.begin() as connection:
            connection.exec_driver_sql(
                "CREATE OR REPLACE FUNCTION retention_today() RETURNS date LANGUAGE sql STABLE "
                "SET search_path = pg_catalog AS $$ SELECT (now() AT TIME ZONE 'Europe/London')::date $$"
            )
        engine.dispose()


@pytest.fixture
def leaver(app, session):
    """Someone who signed a policy, passed a quiz and changed their email address, then
    left a month ago; and the Town Clerk who recorded it."""
    clerk = make_clerk(session)
    policy, published = make_policy(session, clerk=clerk)
    person = make_person(
        session, name="Lena Leaver", email="lena@council.example", start_date=date(2020, 1, 6)
    )
    with app.app_context():
        sign(
            session,
            person,
            get_policy(session, policy.slug),
            version_id=published.id,
            password=PASSWORD,
            typed_name=person.name,
            confirmed=True,
            request=SigningDetails(),
        )
        sync(session, TEST_BANK)
        attempt = start_attempt(session, person, get_quiz(session, "basics"))
        answer_all(session, person, attempt, right=True)
        submit(session, person, attempt)
        raw = request_email_change(session, clerk, person, "lena.l@council.example")
        confirm_email_change(session, raw)
        mark_leaver(session, clerk, person, LEFT)
        session.commit()
        yield {"clerk": clerk, "person": person, "slug": policy.slug, "version_id": published.id}


def _count(session: Session, model, *where) -> int:
    session.expire_all()
    found = session.scalar(select(func.count()).select_from(model).where(*where)) or 0
    session.commit()  # SQLite: a read holds the write lock until the transaction ends
    return found


def _run(app, session: Session, on: date, *, dry_run: bool = False) -> dict[str, int]:
    with app.app_context():
        done = service.run(session, on, dry_run=dry_run)
        session.commit()
    return {item.kind.name: item.count for item in done}


def test_the_schedule_names_every_kind_of_personal_record(app):
    with app.app_context():
        kinds = {kind.name: kind for kind in retention_kinds()}
        assert set(kinds) == {
            "leaver_accounts",
            "sign_in_records",
            "addresses",
            "acknowledgements",
            "quiz_attempts",
            "authorisations",
            "business_cases",
            "information_requests",
            "outbox",
            "audit_details",
            "disciplinary_cases",
            "breach_records",
        }
        for kind in kinds.values():
            assert kind.period() and kind.basis and kind.how and kind.title


def test_a_leavers_records_stay_until_their_period_ends_then_go_and_the_chain_still_verifies(
    app, session, leaver, clock
):
    person = leaver["person"]
    person_id = person.id
    due_day = add_months(LEFT, SIX_YEARS) + timedelta(days=1)

    assert _run(app, session, clock(due_day - timedelta(days=1))) == dict.fromkeys(_run_names(app), 0)
    assert _count(session, Acknowledgement, Acknowledgement.person_id == person_id) == 1

    # A dry run counts exactly what the run removes, and changes nothing.
    events_before = _count(session, AuditEvent)
    dry = _run(app, session, clock(due_day), dry_run=True)
    assert dry["acknowledgements"] == 1 and dry["quiz_attempts"] == 1
    assert dry["leaver_accounts"] == 1 and dry["audit_details"] == 1
    assert _count(session, Acknowledgement, Acknowledgement.person_id == person_id) == 1
    assert _count(session, AuditEvent) == events_before

    done = _run(app, session, clock(due_day))
    assert done == dry
    assert _count(session, Acknowledgement, Acknowledgement.person_id == person_id) == 0
    assert _count(session, Receipt) == 0
    assert _count(session, Attempt, Attempt.person_id == person_id) == 0
    assert _count(session, Completion, Completion.person_id == person_id) == 0
    gone = session.get(Person, person_id)
    assert gone.name == REMOVED_NAME and "lena" not in gone.email and gone.password_hash is None
    # Their changed address was in the audit trail; its key is gone, the event stays.
    assert _count(session, RecordKey, RecordKey.reference == details_key(person_id)) == 0
    (changed,) = session.scalars(select(AuditEvent).where(AuditEvent.action == "people.email_changed"))
    assert readable(session, changed.details)["forgotten"] == FORGOTTEN
    assert "lena" not in changed.details

    # One event per kind, with the count and nothing else.
    applied = list(
        session.scalars(
            select(AuditEvent).where(AuditEvent.action == service.APPLIED, AuditEvent.id > events_before)
        )
    )
    assert sorted(e.object_id for e in applied) == sorted(_run_names(app))
    for event in applied:
        assert set(json.loads(event.details)) == {"kind", "count"} and event.actor_id is None
    assert verify_chain(session).ok
    assert app.test_cli_runner().invoke(args=["audit", "verify"]).exit_code == 0
    # Nothing is left to do.
    assert set(_run(app, session, clock(due_day)).values()) == {0}


def _run_names(app) -> list[str]:
    with app.app_context():
        return [kind.name for kind in retention_kinds()]


def test_personal_audit_details_are_sealed_but_read_in_the_trail_until_forgotten(app, session, leaver):
    (changed,) = session.scalars(select(AuditEvent).where(AuditEvent.action == "people.email_changed"))
    assert "lena" not in changed.details  # sealed under the person's details key
    opened = readable(session, changed.details)
    assert opened["from"] == "lena@council.example" and opened["to"] == "lena.l@council.example"


def test_a_case_about_a_leaver_keeps_all_their_records(app, session, leaver, clock):
    from portal.breaches import service as breaches
    from portal.people.models import EngagementType

    volunteer = make_person(
        session, name="Vic Volunteer", engagement=EngagementType.VOLUNTEER, start_date=date(2020, 1, 6)
    )
    with app.app_context():
        sign(
            session,
            volunteer,
            get_policy(session, leaver["slug"]),
            version_id=leaver["version_id"],
            password=PASSWORD,
            typed_name=volunteer.name,
            confirmed=True,
            request=SigningDetails(),
        )
        breaches.open_record(
            session,
            leaver["clerk"],
            breaches.Concern(
                subject=volunteer,
                allegation="Posted a resident's address.",
                incident_date=TODAY,
                policy=get_policy(session, leaver["slug"]),
                sections=["3.2"],
                handler=leaver["clerk"],
            ),
        )
        mark_leaver(session, leaver["clerk"], volunteer, LEFT)
        session.commit()
    _run(app, session, clock(add_months(LEFT, SIX_YEARS) + timedelta(days=1)))
    assert _count(session, Acknowledgement, Acknowledgement.person_id == volunteer.id) == 1
    assert session.get(Person, volunteer.id).name == "Vic Volunteer"
    assert _count(session, Acknowledgement, Acknowledgement.person_id == leaver["person"].id) == 0


def test_sent_emails_are_blanked_but_their_dedupe_keys_stop_a_second_sending(app, session, leaver):
    person = leaver["clerk"]
    with app.app_context():
        sent = queue(
            session, person, "reminder", Message("Sign the policy", ["Please sign."]), dedupe_key="r:1"
        )
        sent.status = "sent"
        waiting = queue(session, person, "reminder", Message("Still queued", ["Soon."]), dedupe_key="r:2")
        session.commit()
        sent_id, waiting_id = sent.id, waiting.id
        later = add_months(TODAY, 13)
        assert _run(app, session, later)["outbox"] >= 1
        blanked = session.get(OutboxMessage, sent_id)
        assert (blanked.to_address, blanked.subject, blanked.text_body, blanked.html_body) == ("", "", "", "")
        assert blanked.dedupe_key == "r:1"
        assert session.get(OutboxMessage, waiting_id).to_address == person.email  # not sent yet: kept
        assert (
            queue(session, person, "reminder", Message("Sign the policy", ["Again."]), dedupe_key="r:1")
            is None
        )


def test_decided_records_go_a_period_after_they_ended(app, session, leaver, clock):
    from portal.authorisations import service as authorisations
    from portal.information_requests import service as requests

    clerk = leaver["clerk"]
    poster = make_person(session, name="Pat Poster")
    with app.app_context():
        channel = authorisations.add_channel(
            session,
            clerk,
            platform="facebook",
            name="Council page",
            url="https://facebook.example/c",
            basis="Minute 24/001",
        )
        asked = authorisations.request_authorisation(
            session,
            clerk,
            authorisations.RequestDetails(
                person=poster,
                channel_ids=[channel.id],
                scope="Events",
                conditions="",
                starts_on=TODAY,
                ends_on=TODAY + timedelta(days=30),
                justification="Events",
            ),
        )
        authorisations.decline(session, clerk, asked, "Not needed this year")
        found = requests.log_request(
            session,
            clerk,
            requests.Arrival(
                "foi", channel.id, "", datetime.now(LONDON), "@resident", "What did the fete cost?"
            ),
        )
        requests.answer(session, clerk, found, TODAY, "provided", "Sent the figures")
        session.commit()
        asked_id, found_id, found_key = asked.id, found.id, found.audit_reference
        request_type, authorisation_type = type(found), type(asked)
    years = {"information_requests": 36, "authorisations": SIX_YEARS}  # the shorter first
    for kind, months in years.items():
        not_yet = _run(app, session, clock(add_months(TODAY, months)))
        assert not_yet[kind] == 0, kind
        assert _run(app, session, clock(add_months(TODAY, months) + timedelta(days=1)))[kind] == 1, kind
    session.expire_all()
    assert session.get(authorisation_type, asked_id) is None
    assert session.get(request_type, found_id) is None
    assert _count(session, RecordKey, RecordKey.reference == found_key) == 0
    assert verify_chain(session).ok


@pytest.mark.parametrize(
    "setting, problem",
    [
        ("leaver_accounts=72", "must give"),
        (
            "leaver_accounts=72,sign_in_records=0,acknowledgements=72,quiz_attempts=72,authorisations=72,"
            "business_cases=72,information_requests=36,outbox=12,audit_details=72",
            "at least one month",
        ),
        (
            "leaver_accounts=24,sign_in_records=12,acknowledgements=72,quiz_attempts=72,authorisations=72,"
            "business_cases=72,information_requests=36,outbox=12,audit_details=72",
            "at least 72 months",
        ),
        (
            "leaver_accounts=72,sign_in_records=twelve,acknowledgements=72,quiz_attempts=72,authorisations=72,"
            "business_cases=72,information_requests=36,outbox=12,audit_details=72",
            "cannot read",
        ),
    ],
)
def test_a_bad_setting_stops_the_portal_starting(setting, problem, monkeypatch):
    monkeypatch.setenv("PORTAL_PERSONAL_RETENTION_MONTHS", setting)
    with pytest.raises(BadMonthsSetting, match=problem):
        Settings.from_environment()


def test_the_schedule_page_lists_every_kind_and_what_its_last_run_did(app, client, session, leaver):
    client.sign_in_as(leaver["clerk"])
    page = client.get("/retention")
    assert page.status_code == 200
    for title in ("Leavers", "Signed acknowledgements", "Emails the portal sent", "Information requests"):
        assert title in page.text
    assert "Not run yet" in page.text
    _run(app, session, TODAY)
    page = client.get("/retention")
    assert "Not run yet" not in page.text and "0 removed" in page.text


def test_the_command_prints_each_kind_and_a_dry_run_changes_nothing(app, session, leaver):
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["retention", "run", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "acknowledgements: 0 would be removed" in dry.output and "(dry run: nothing changed)" in dry.output
    assert _count(session, AuditEvent, AuditEvent.action == service.APPLIED) == 0
    done = runner.invoke(args=["retention", "run"])
    assert done.exit_code == 0 and "leaver_accounts: 0 removed" in done.output
    assert _count(session, AuditEvent, AuditEvent.action == service.APPLIED) == len(_run_names(app))


# PostgreSQL: only the owner's functions delete from the append-only tables -----------------


def test_the_append_only_tables_refuse_a_delete_outside_the_owners_purge(
    session, leaver, owner_database_url, runtime_database_url
):
    if not _on_postgres(session):
        pytest.skip("database roles exist on PostgreSQL only")
    ack_id = session.scalars(select(Acknowledgement.id)).one()
    # The runtime login has no right to delete, with or without the purge's flag; the
    # owner deleting outside one of its purge functions meets the append-only guard.
    for url, flag, refusal in (
        (runtime_database_url, "acknowledgements", "permission denied"),
        (owner_database_url, "", "append-only"),
    ):
        engine = create_engine(url)
        try:
            with pytest.raises(DBAPIError, match=refusal), engine.begin() as connection:
                connection.execute(
                    text("SELECT set_config('portal.retention_purge', :flag, true)"), {"flag": flag}
                )
                connection.execute(
                    text("DELETE FROM paper_scans WHERE acknowledgement_id = :id"), {"id": ack_id}
                )
                connection.execute(
                    text("DELETE FROM receipts WHERE acknowledgement_id = :id"), {"id": ack_id}
                )
        finally:
            engine.dispose()
    assert _count(session, Acknowledgement) == 1


def test_editing_a_leaving_date_brings_nothing_forward_on_postgresql(
    app, session, leaver, runtime_database_url
):
    if not _on_postgres(session):
        pytest.skip("the database judges leavers on PostgreSQL only")
    engine = create_engine(runtime_database_url)
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE people SET leaving_date = '2001-01-01' WHERE id = :id"), {"id": leaver["person"].id}
        )
    engine.dispose()
    done = _run(app, session, add_months(TODAY, 500))
    assert done["acknowledgements"] == 0 and done["leaver_accounts"] == 0
    assert _count(session, Acknowledgement) == 1


def test_the_whole_schedule_run_past_every_date_leaves_an_audit_trail_that_verifies(app, session, clock):
    """One of everything, everyone who can leave gone, and the schedule run long after
    every period has ended: the records go, and `audit verify` still passes."""
    from portal.business_cases import service as cases
    from portal.business_cases.models import BusinessCase
    from tests.everything import one_of_everything

    everything = one_of_everything(app, session)
    with app.app_context():
        draft = session.get(BusinessCase, everything.ids["bc_draft"])
        cases.withdraw(session, everything.clerk, draft, "No longer needed")
        for person in session.scalars(select(Person).where(Person.id != everything.clerk.id)).all():
            if person.is_active:
                mark_leaver(session, everything.clerk, person, TODAY)
        session.commit()
    far = clock(date(2100, 1, 1))
    done = _run(app, session, far)
    assert done["authorisations"] >= 1 and done["business_cases"] >= 1
    assert done["leaver_accounts"] >= 1 and done["acknowledgements"] == 0  # the subject's case keeps theirs
    assert verify_chain(session).ok
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
