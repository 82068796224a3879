"""Logging a request from any channel, handing it on at once to whoever may answer it,
and handling it against its clock (issue: the deadlines the law sets, section 1)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, text

from portal.audit.models import AuditEvent
from portal.authorisations.models import Channel
from portal.authorisations.service import add_channel
from portal.clock import today
from portal.information_requests.models import InformationRequest
from portal.outbox.models import OutboxMessage
from portal.people.models import Person, Role
from tests.factories import make_person
from tests.helpers import text_of

TODAY = today()
WORDS = "Please send me the minutes of every meeting about the skate park since 2020."


@dataclass
class Council:
    clerk: Person
    hr: Person
    staff: Person
    admin: Person
    channel: Channel


@pytest.fixture
def council(session) -> Council:
    clerk = make_person(session, name="Clara Clerk", roles={Role.TOWN_CLERK})
    channel = add_channel(
        session,
        clerk,
        platform="facebook",
        name="Council page",
        url="https://f.example/c",
        basis="Minute 24/001",
    )
    session.commit()
    return Council(
        clerk=clerk,
        hr=make_person(session, name="Harriet HR", roles={Role.HR}),
        staff=make_person(session, name="Sid Staff", email="sid@council.example"),
        admin=make_person(session, name="Ada Admin", roles={Role.ADMINISTRATOR}),
        channel=channel,
    )


def _log(client, council, **overrides):
    form = {
        "kind": "foi",
        "channel": str(council.channel.id),
        "other_channel": "",
        "received_on": TODAY.isoformat(),
        "received_time": "09:15",
        "requester": "@skatefan",
        "words": WORDS,
        "about_email": "",
    }
    form.update(overrides)
    return client.post("/information-requests/new", {k: v for k, v in form.items() if v is not None})


def _latest(session) -> InformationRequest:
    from portal.information_requests.service import get_request

    session.expire_all()
    return get_request(session, session.scalar(select(func.max(InformationRequest.id))))


def _count(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(InformationRequest)) or 0


def _mail_to(session, person) -> list[OutboxMessage]:
    return list(session.scalars(select(OutboxMessage).where(OutboxMessage.person_id == person.id)))


def test_anyone_logs_an_foi_request_and_it_goes_to_the_town_clerk_at_once(client, session, council):
    client.sign_in_as(council.staff)
    response = _log(client, council)
    assert response.status_code == 302
    found = _latest(session)
    assert (found.handler_role, found.kind, found.reference[:3]) == ("town_clerk", "foi", "IR-")
    listing = text_of(client.get("/information-requests").get_data(as_text=True))
    assert (
        f"{found.reference}: freedom of information request" in listing
        and "handed to the Town Clerk" in listing
    )
    assert client.get(f"/information-requests/{found.id}").status_code == 404  # the logger hands it on
    (email,) = [m for m in _mail_to(session, council.clerk) if m.kind == "information_request"]
    assert (
        found.reference in email.subject
        and "skate" not in email.text_body
        and "@skatefan" not in email.text_body
    )
    assert _mail_to(session, council.hr) == []
    # What was asked, and by whom, is sealed at rest.
    stored = session.execute(text("SELECT requester, words FROM information_requests")).one()
    assert all(value.startswith("sealed:") for value in stored)
    client.sign_in_as(council.clerk)
    home = text_of(client.get("/").get_data(as_text=True))
    assert f"Answer FOI request {found.reference}" in home
    page = text_of(client.get(f"/information-requests/{found.id}").get_data(as_text=True))
    assert WORDS in page and "@skatefan" in page and "via Council page (Facebook)" in page
    client.sign_in_as(council.hr)
    assert client.get(f"/information-requests/{found.id}").status_code == 404


def test_a_subject_access_request_goes_to_hr(client, session, council):
    client.sign_in_as(council.staff)
    _log(client, council, kind="subject_access", channel="other", other_channel="Letter to the Town Hall")
    found = _latest(session)
    assert found.handler_role == "hr" and found.received_via == "Letter to the Town Hall"
    assert [m.kind for m in _mail_to(session, council.hr)] == ["information_request"]
    client.sign_in_as(council.clerk)
    assert client.get(f"/information-requests/{found.id}").status_code == 404


def test_without_anyone_in_hr_the_town_clerk_takes_subject_access(client, session, council):
    council.hr.is_active = False
    session.commit()
    client.sign_in_as(council.staff)
    _log(client, council, kind="subject_access")
    assert _latest(session).handler_role == "town_clerk"


@pytest.mark.parametrize(
    ("kind", "about", "goes_to"),
    [
        ("foi", "clerk", "hr"),  # about the Town Clerk: HR alone
        ("subject_access", "clerk", "hr"),
        ("subject_access", "hr", "town_clerk"),  # about an HR officer: the Town Clerk alone
        ("complaint", "hr", "town_clerk"),
    ],
)
def test_a_request_never_reaches_the_person_it_is_about(client, session, council, kind, about, goes_to):
    subject = getattr(council, about)
    client.sign_in_as(council.staff)
    assert _log(client, council, kind=kind, about_email=subject.email).status_code == 302
    found = _latest(session)
    assert found.handler_role == goes_to and found.about_id == subject.id
    assert _mail_to(session, subject) == []
    client.sign_in_as(subject)
    assert client.get(f"/information-requests/{found.id}").status_code == 404
    assert found.reference not in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"kind": None}, "Choose what kind of request it is"),
        ({"channel": "other"}, "Say where it arrived"),
        ({"received_on": (TODAY + timedelta(days=1)).isoformat()}, "cannot be in the future"),
        ({"requester": ""}, "Say who asked"),
        ({"about_email": "nobody@council.example"}, "There is nobody with that email address"),
    ],
)
def test_bad_details_get_a_message_log_nothing_and_keep_what_was_typed(
    client, session, council, change, message
):
    client.sign_in_as(council.staff)
    page = text_of(_log(client, council, **change).get_data(as_text=True))
    assert message in page and WORDS in page and _count(session) == 0


def _step(client, found, step, **fields):
    prefix = step.replace("-", "_")
    return client.post(
        f"/information-requests/{found.id}/{step}", {f"{prefix}-{k}": v for k, v in fields.items()}
    )


def test_a_clarification_stops_the_clock_until_it_arrives(client, session, council):
    client.sign_in_as(council.staff)
    _log(client, council, received_on=(TODAY - timedelta(days=7)).isoformat())
    found = _latest(session)
    client.sign_in_as(council.clerk)
    assert _step(client, found, "acknowledged", on=(TODAY - timedelta(days=6)).isoformat()).status_code == 302
    early = (TODAY - timedelta(days=8)).isoformat()
    assert "cannot be before" in text_of(
        _step(client, found, "clarification-asked", on=early).get_data(as_text=True)
    )
    assert (
        _step(client, found, "clarification-asked", on=(TODAY - timedelta(days=5)).isoformat()).status_code
        == 302
    )
    page = text_of(client.get(f"/information-requests/{found.id}").get_data(as_text=True))
    assert "The clock is stopped: waiting for the clarification" in page
    assert _step(client, found, "clarification-received", on=TODAY.isoformat()).status_code == 302
    from portal.clock import add_uk_working_days

    assert f"Due {add_uk_working_days(TODAY, 20).day}" in text_of(
        client.get(f"/information-requests/{found.id}").get_data(as_text=True)
    )


def test_an_extension_must_be_told_within_the_first_period(client, session, council):
    client.sign_in_as(council.staff)
    _log(client, council, kind="eir", received_on=(TODAY - timedelta(days=60)).isoformat())
    found = _latest(session)
    client.sign_in_as(council.clerk)
    page = text_of(
        _step(client, found, "extended", on=TODAY.isoformat(), reason="Volume").get_data(as_text=True)
    )
    assert "Too late: the requester had to be told by" in page and _latest(session).extended_on is None
    # An FOI request has no fixed extension to record.
    _log(client, council, kind="foi")
    foi = _latest(session)
    assert "Only EIR and subject access" in text_of(
        _step(client, foi, "extended", on=TODAY.isoformat(), reason="x").get_data(as_text=True)
    )


def test_subject_access_with_an_identity_check_and_the_answer(client, session, council):
    client.sign_in_as(council.staff)
    _log(client, council, kind="subject_access", about_email=council.staff.email)
    found = _latest(session)
    client.sign_in_as(council.hr)
    page = text_of(client.get(f"/information-requests/{found.id}").get_data(as_text=True))
    assert "what the portal holds about them" in page  # the export, for the person it is about
    assert "Say how their identity was checked" in text_of(
        _step(client, found, "identity-confirmed", on=TODAY.isoformat(), method="").get_data(as_text=True)
    )
    assert (
        _step(client, found, "identity-confirmed", on=TODAY.isoformat(), method="Passport seen").status_code
        == 302
    )
    assert (
        _step(client, found, "answered", outcome="provided", on=TODAY.isoformat(), notes="").status_code
        == 302
    )
    found = _latest(session)
    assert (found.status, found.identity_checked_by_id, found.identity_method) == (
        "answered",
        council.hr.id,
        "Passport seen",
    )
    page = text_of(client.get(f"/information-requests/{found.id}").get_data(as_text=True))
    assert "Personal data provided in full" in page
    assert "has been answered" in text_of(
        _step(client, found, "acknowledged", on=TODAY.isoformat()).get_data(as_text=True)
    )
    actions = set(session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("information.%"))))
    assert {"information.logged", "information.identity_confirmed", "information.answered"} <= actions


def test_an_outcome_must_be_one_the_kind_allows(client, session, council):
    client.sign_in_as(council.staff)
    _log(client, council, kind="complaint")
    found = _latest(session)
    client.sign_in_as(council.clerk)
    response = _step(client, found, "answered", outcome="not_held", on=TODAY.isoformat(), notes="")
    assert response.status_code == 200 and _latest(session).status == "open"


def test_an_overdue_request_is_reminded_and_escalated_like_training(app, client, session, council):
    from portal.config import Settings
    from portal.jobs.reminders import run

    client.sign_in_as(council.staff)
    _log(client, council, received_on=(TODAY - timedelta(days=60)).isoformat())
    found = _latest(session)
    with app.app_context():
        counts = run(session, Settings(), TODAY)
    session.commit()
    assert counts["overdue"] >= 1
    subjects = [m.subject for m in _mail_to(session, council.clerk)]
    assert any(s.startswith("Overdue: answer FOI request " + found.reference) for s in subjects)
    client.sign_in_as(council.clerk)
    assert "Overdue" in text_of(client.get("/information-requests").get_data(as_text=True))


def test_the_audit_trail_shows_a_request_in_full_only_to_its_handlers(client, session, council):
    client.sign_in_as(council.staff)
    _log(client, council, kind="subject_access")
    token = _latest(session).audit_reference
    for viewer, full in [(council.hr, True), (council.clerk, False), (council.admin, False)]:
        client.sign_in_as(viewer)
        page = text_of(client.get(f"/audit?object_id={token}").get_data(as_text=True))
        assert ("Not shown" not in page) is full, viewer.name
        assert "skate" not in page  # never what was asked
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "information.logged"))
    assert "skate" not in json.dumps(event.details)


def test_the_handlers_list_pages_fifty_at_a_time_and_filters(app, session, council, client):
    from datetime import datetime

    from portal.clock import LONDON
    from portal.information_requests import service

    with app.app_context():
        for number in range(51):
            service.log_request(
                session,
                council.staff,
                service.Arrival(
                    "foi", council.channel.id, "", datetime.now(LONDON), f"Asker {number}", "Words"
                ),
            )
    session.commit()
    client.sign_in_as(council.clerk)
    first, second = (
        text_of(client.get(f"/information-requests?page={n}").get_data(as_text=True)) for n in (1, 2)
    )
    assert "Requests you handle (51)" in first and first.count("IR-") == 50 and second.count("IR-") == 1
    assert "There are no answered requests" in text_of(
        client.get("/information-requests?status=answered").get_data(as_text=True)
    )


def test_the_time_received_is_londons_in_summer_too(client, session, council):
    """23:30 on 1 July is 22:30 UTC: the request arrived on 1 July, and its clock runs from then."""
    from portal.clock import add_uk_working_days, london_date
    from portal.information_requests.deadlines import clock_of

    client.sign_in_as(council.staff)
    _log(client, council, received_on="2026-07-01", received_time="23:30")
    found = _latest(session)
    assert london_date(found.received_at) == date(2026, 7, 1) and found.received_at.hour == 22
    assert clock_of(found).due == add_uk_working_days(date(2026, 7, 1), 20)


def test_the_compliance_overview_lists_due_requests_to_those_who_may_see_them(client, session, council):
    manager = make_person(session, name="Mo Manager", roles={Role.MANAGER})
    client.sign_in_as(council.staff)
    _log(client, council, kind="foi", received_on=(TODAY - timedelta(days=60)).isoformat())
    foi = _latest(session).reference
    _log(client, council, kind="subject_access")
    sar = _latest(session).reference
    _log(client, council, kind="complaint")  # no statutory clock: not listed
    complaint = _latest(session).reference
    client.get("/information-requests")  # shows (and so clears) the confirmation
    client.sign_in_as(council.clerk)
    page = text_of(client.get("/reports").get_data(as_text=True))
    assert "Information requests you handle" in page and f"{foi} FOI" in page and "Overdue" in page
    assert sar not in page and complaint not in page
    client.sign_in_as(council.hr)
    page = text_of(client.get("/reports").get_data(as_text=True))
    assert sar in page and foi not in page
    client.sign_in_as(manager)
    assert "Information requests you handle" not in text_of(client.get("/reports").get_data(as_text=True))


def test_digests_and_escalations_reach_only_those_who_may_see_the_request(app, client, session, council):
    """An overdue subject access request goes into HR's digest, not the Clerk's, and is
    escalated to the other HR officer, not to the line manager (the Town Clerk here)."""
    from portal.config import Settings
    from portal.jobs.reminders import run

    second = make_person(session, name="Hugo HR", roles={Role.HR})
    council.hr.line_manager_id = council.clerk.id
    session.commit()
    client.sign_in_as(council.staff)
    _log(client, council, kind="subject_access", received_on=(TODAY - timedelta(days=70)).isoformat())
    sar = _latest(session).reference
    _log(client, council, kind="foi", received_on=(TODAY - timedelta(days=70)).isoformat())
    foi = _latest(session).reference
    monday = TODAY - timedelta(days=TODAY.weekday())  # weekly digests go out on Mondays
    with app.app_context():
        run(session, Settings(escalate_after_overdue_days=1), monday)
    session.commit()

    def mail(person, kind):
        return " ".join(m.subject + " " + m.text_body for m in _mail_to(session, person) if m.kind == kind)

    assert sar not in mail(council.clerk, "digest") + mail(council.clerk, "escalation")
    assert foi in mail(council.clerk, "digest")
    assert sar in mail(council.hr, "digest") and foi not in mail(council.hr, "digest")
    assert "Harriet HR is overdue" in mail(second, "escalation")
