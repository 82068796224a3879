"""Breach records: a breach by someone the council does not employ goes on the route
their terms give, with the same frozen evidence and need-to-know as a disciplinary case
(issue: right in law, section 1, "other routes")."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, text

from portal.audit.models import AuditEvent
from portal.breaches.models import BreachRecord
from portal.config import BadMonthsSetting, Settings
from portal.outbox.models import OutboxMessage
from portal.people.models import EngagementType, Person, Role
from tests.factories import make_person, make_policy
from tests.helpers import text_of

E = EngagementType
TODAY = date.today()
ALLEGATION = "Shared a photograph of a resident's letter in a community group."


@dataclass
class Council:
    clerk: Person
    hr: Person
    handler: Person
    other: Person
    admin: Person
    volunteer: Person
    policy: object


@pytest.fixture
def council(session) -> Council:
    clerk = make_person(session, name="Clara Clerk", roles={Role.TOWN_CLERK})
    policy, _ = make_policy(session, clerk=clerk, slug="social-media", title="Social Media Policy")
    return Council(
        clerk=clerk,
        hr=make_person(session, name="Harriet HR", roles={Role.HR}),
        handler=make_person(session, name="Vic Coordinator", roles={Role.MANAGER}),
        other=make_person(session, name="Nosy Manager", roles={Role.MANAGER}),
        admin=make_person(session, name="Ada Admin", roles={Role.ADMINISTRATOR}),
        volunteer=make_person(
            session, name="Val Volunteer", email="val@council.example", engagement=E.VOLUNTEER
        ),
        policy=policy,
    )


def _record(client, council, subject=None, **overrides):
    form = {
        "subject_email": (subject or council.volunteer).email,
        "allegation": ALLEGATION,
        "incident_date": TODAY.isoformat(),
        "policy": "social-media",
        "sections": "3.2",
        "handler_email": council.handler.email,
    }
    form.update(overrides)
    return client.post("/breaches/new", form)


def _latest(session) -> BreachRecord:
    from portal.breaches.service import get_record

    session.expire_all()
    return get_record(session, session.scalar(select(func.max(BreachRecord.id))))


def _count(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(BreachRecord)) or 0


def test_recording_a_volunteers_breach_freezes_the_evidence_on_their_route(client, session, council, sign_as):
    ack = sign_as(council.volunteer, council.policy)
    client.sign_in_as(council.clerk)
    response = _record(client, council)
    assert response.status_code == 302, text_of(response.get_data(as_text=True))
    found = _latest(session)
    assert found.route == "volunteer_concern" and found.reference.startswith("BR-")
    evidence = json.loads(found.evidence.content)
    assert evidence["acknowledgement"]["id"] == ack.id and found.evidence.receipt_pdf.startswith(b"%PDF")
    assert found.evidence.seal  # sealed like every evidence table
    page = text_of(client.get(response.headers["Location"]).get_data(as_text=True))
    assert "volunteer agreement" in page and "Val Volunteer signed Social Media Policy" in page
    # The words are sealed at rest: the column holds no allegation.
    stored = session.execute(text("SELECT allegation FROM breach_records")).scalar_one()
    assert "photograph" not in stored and stored.startswith("sealed:")
    # The opening is audited with no free text in clear.
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "breaches.opened"))
    assert "photograph" not in json.dumps(event.details) and event.actor_id is None


@pytest.mark.parametrize(
    ("engagement", "route"),
    [
        (E.VOLUNTEER, "volunteer_concern"),
        (E.COUNCILLOR, "monitoring_officer"),
        (E.AGENCY, "agency_report"),
        (E.SECONDMENT, "employer_report"),
        (E.HONORARY, "employer_report"),
        (E.CONTRACTOR, "contract"),
    ],
)
def test_the_route_is_the_one_the_persons_engagement_gives(client, session, council, engagement, route):
    person = make_person(session, engagement=engagement)
    client.sign_in_as(council.hr)
    assert _record(client, council, subject=person).status_code == 302
    assert _latest(session).route == route


@pytest.mark.parametrize("engagement", [E.EMPLOYEE, E.TEMPORARY, E.BANK])
def test_someone_the_council_employs_goes_to_a_disciplinary_case_instead(
    client, session, council, engagement
):
    person = make_person(session, engagement=engagement)
    client.sign_in_as(council.clerk)
    page = text_of(_record(client, council, subject=person).get_data(as_text=True))
    assert "Open a disciplinary case instead" in page and ALLEGATION in page  # nothing typed is lost
    assert _count(session) == 0


def test_a_councillor_is_never_recorded_against_a_policy_that_does_not_bind_councillors(
    client, session, council
):
    """The Networking Policy's Scope names no councillors; the Communication Policy does."""
    make_policy(
        session,
        clerk=council.clerk,
        slug="networking",
        title="Networking Policy",
        engagements=[e for e in E if e != E.COUNCILLOR],
    )
    make_policy(session, clerk=council.clerk, slug="communication", title="Communication Policy")
    councillor = make_person(session, name="Cllr Cole", engagement=E.COUNCILLOR)
    client.sign_in_as(council.clerk)
    page = text_of(_record(client, council, subject=councillor, policy="networking").get_data(as_text=True))
    assert "does not bind Cllr Cole" in page and _count(session) == 0
    assert _record(client, council, subject=councillor, policy="communication").status_code == 302
    assert _latest(session).route == "monitoring_officer"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"incident_date": (TODAY + timedelta(days=1)).isoformat()}, "cannot be in the future"),
        ({"sections": "9.9"}, "has no section 9.9"),
        ({"subject_email": "nobody@council.example"}, "There is nobody with that email address"),
        ({"handler_email": "val@council.example"}, "cannot be its subject"),
    ],
)
def test_bad_details_get_a_message_and_record_nothing(client, session, council, change, message):
    client.sign_in_as(council.clerk)
    page = text_of(_record(client, council, **change).get_data(as_text=True))
    assert message in page and _count(session) == 0


def test_who_can_see_a_record(client, session, council):
    client.sign_in_as(council.clerk)
    _record(client, council)
    found = _latest(session)
    url = f"/breaches/{found.id}"
    for person, status in [
        (council.clerk, 200),
        (council.hr, 200),
        (council.handler, 200),
        (council.volunteer, 404),  # the subject reads it through a subject access request
        (council.other, 404),
        (council.admin, 404),
    ]:
        client.sign_in_as(person)
        assert client.get(url).status_code == status, person.name
        assert client.post(f"{url}/close", {}).status_code == status, person.name
    client.sign_in_as(council.other)
    assert "BR-" not in text_of(client.get("/breaches").get_data(as_text=True))
    viewed = session.scalar(select(func.count()).where(AuditEvent.action == "breaches.viewed"))
    assert viewed == 3  # every look by a handler is audited


def test_a_record_about_the_town_clerk_is_for_hr_alone(client, session, council):
    interim = make_person(session, name="Ivy Interim", engagement=E.AGENCY, roles={Role.TOWN_CLERK})
    client.sign_in_as(council.clerk)
    assert "recorded by HR" in text_of(_record(client, council, subject=interim).get_data(as_text=True))
    client.sign_in_as(council.hr)
    page = text_of(_record(client, council, subject=interim).get_data(as_text=True))
    assert "handled by someone in HR" in page and _count(session) == 0
    assert _record(client, council, subject=interim, handler_email=council.hr.email).status_code == 302
    found = _latest(session)
    client.sign_in_as(council.clerk)
    assert client.get(f"/breaches/{found.id}").status_code == 404
    assert "Ivy Interim" not in client.get("/breaches").get_data(as_text=True)


def test_the_handler_is_told_by_email_and_on_their_home_page(client, session, council):
    client.sign_in_as(council.clerk)
    _record(client, council)
    found = _latest(session)
    message = session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "breach_record"))
    assert message.to_address == council.handler.email and found.reference in message.subject
    assert "Val" not in message.subject + message.text_body  # a link, never who or what
    client.sign_in_as(council.handler)
    home = text_of(client.get("/").get_data(as_text=True))
    assert f"Handle breach record {found.reference}" in home


def _refer(client, found, **overrides):
    form = {"referred_on": TODAY.isoformat(), "referred_to": "Monitoring Officer, Anyshire District Council"}
    form.update(overrides)
    return client.post(f"/breaches/{found.id}/referral", {f"referral-{k}": v for k, v in form.items()})


def _close(client, found, outcome, **overrides):
    form = {"outcome": outcome, "closed_on": TODAY.isoformat(), "notes": "Agreed at the meeting."}
    form.update(overrides)
    return client.post(f"/breaches/{found.id}/close", {f"close-{k}": v for k, v in form.items()})


def test_a_councillor_referral_is_recorded_and_only_the_monitoring_officer_reaches_a_finding(
    client, session, council
):
    councillor = make_person(session, engagement=E.COUNCILLOR)
    client.sign_in_as(council.clerk)
    _record(client, council, subject=councillor)
    found = _latest(session)
    # A finding is the Monitoring Officer's, so it needs the referral first.
    assert "Record the referral first" in text_of(
        _close(client, found, "breach_found").get_data(as_text=True)
    )
    # Volunteer outcomes are not offered on this route.
    assert "Choose what came of it" in text_of(_close(client, found, "guidance").get_data(as_text=True))
    early = (TODAY - timedelta(days=1)).isoformat()
    assert "cannot be before" in text_of(_refer(client, found, referred_on=early).get_data(as_text=True))
    assert _refer(client, found).status_code == 302
    assert _close(client, found, "breach_found").status_code == 302
    found = _latest(session)
    assert (found.status, found.outcome, found.closed_on) == ("closed", "breach_found", TODAY)
    assert found.referred_to == "Monitoring Officer, Anyshire District Council"
    page = text_of(client.get(f"/breaches/{found.id}").get_data(as_text=True))
    assert "A breach of the Code of Conduct was found" in page and "Kept until" in page
    # Closed is closed: a further change is refused.
    assert "is closed" in text_of(_refer(client, found).get_data(as_text=True))
    actions = session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("breaches.%"))).all()
    assert {"breaches.opened", "breaches.referred", "breaches.closed"} <= set(actions)


def test_a_volunteer_concern_is_not_referred_and_ends_in_what_the_agreement_allows(client, session, council):
    client.sign_in_as(council.clerk)
    _record(client, council)
    found = _latest(session)
    assert "not referred" in text_of(_refer(client, found).get_data(as_text=True))
    assert _close(client, found, "change_of_role").status_code == 302
    assert _latest(session).outcome_label == "A change of role"


def test_the_list_pages_fifty_at_a_time(app, client, session, council):
    from portal.breaches import service

    people = [make_person(session, engagement=E.VOLUNTEER, commit=False) for _ in range(51)]
    session.commit()
    with app.app_context():  # the handler's email links to the record
        for person in people:
            service.open_record(
                session,
                council.clerk,
                service.Concern(person, "Posted", TODAY, council.policy, ["3.2"], council.handler),
            )
    session.commit()
    client.sign_in_as(council.hr)
    first, second = (text_of(client.get(f"/breaches?page={n}").get_data(as_text=True)) for n in (1, 2))
    assert "Records you handle (51)" in first and "Page 1 of 2" in first
    assert first.count("BR-") == 50 and second.count("BR-") == 1


def test_the_retention_setting_is_read_at_start_up():
    assert Settings(breach_retention_months="closed=24").breach_retention() == 24
    for bad in ("closed=x", "open=6", ""):
        with pytest.raises(BadMonthsSetting):
            Settings(breach_retention_months=bad)


def test_the_subject_reads_the_record_through_a_subject_access_export(client, session, council):
    client.sign_in_as(council.clerk)
    _record(client, council, allegation="Vic Coordinator saw the post on Saturday.")
    _close(client, _latest(session), "guidance")
    client.sign_in_as(council.hr)
    content = json.loads(client.get(f"/privacy/subject-access/{council.volunteer.id}.json").data)
    (found,) = content["breach_records"]
    assert found["allegation"].startswith("Vic Coordinator saw") and found["outcome"] == "Guidance given"
    mentions = {m["name"]: m["where"] for m in content["third_parties_to_consider_redacting"]}
    assert mentions == {"Vic Coordinator": ["breach_records[0].allegation"]}
    page = text_of(client.get(f"/privacy/subject-access/{council.volunteer.id}").get_data(as_text=True))
    assert "1 breach records about them" in page


def test_the_audit_trail_shows_a_records_events_in_full_only_to_those_who_need_to_know(
    client, session, council
):
    client.sign_in_as(council.clerk)
    _record(client, council)
    found = _latest(session)
    token = found.audit_reference
    assert token not in (str(found.id), found.reference)
    client.sign_in_as(council.admin)
    hidden = text_of(client.get(f"/audit?object_id={token}").get_data(as_text=True))
    assert "Not shown" in hidden and "Val Volunteer" not in hidden and "Clara Clerk" not in hidden
    client.sign_in_as(council.hr)
    shown = text_of(client.get(f"/audit?object_id={token}").get_data(as_text=True))
    assert "Not shown" not in shown and "Clara Clerk" in shown and "breaches.opened" in shown


def test_the_route_and_engagement_stay_as_they_were_when_the_record_was_opened(client, session, council):
    client.sign_in_as(council.clerk)
    _record(client, council)
    council.volunteer.engagement_type = E.EMPLOYEE.value  # later taken on as staff
    session.commit()
    found = _latest(session)
    assert (found.route, found.engagement) == ("volunteer_concern", E.VOLUNTEER)
    page = text_of(client.get(f"/breaches/{found.id}").get_data(as_text=True))
    assert (
        "A conduct concern under their volunteer agreement" in page and "(as volunteer when recorded)" in page
    )
