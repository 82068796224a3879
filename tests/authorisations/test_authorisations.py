from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import DBAPIError

from portal.audit import personal
from portal.audit.models import AuditEvent
from portal.audit.service import verify_chain
from portal.authorisations import service
from portal.authorisations.models import AuthorisationIssue, AuthorisationRevocation
from portal.errors import DomainError
from portal.outbox.models import OutboxMessage
from portal.people.models import Role
from portal.ratelimit import limiter
from portal.training import attempts
from tests.business_cases.helpers import pdf_text
from tests.factories import PASSWORD, make_person
from tests.training.helpers import answer_all

START = date.today() + timedelta(days=1)


def _ready(session, sign_as, person, policy_slug="test-policy"):
    """Sign the policy and pass the poster module: what issue requires."""
    from portal.policies.service import get_policy

    sign_as(person, get_policy(session, policy_slug))
    quiz = attempts.get_quiz(session, "authorised-poster")
    attempt = attempts.start_attempt(session, person, quiz)
    answer_all(session, person, attempt, right=True)
    attempts.submit(session, person, attempt)
    session.commit()


def _request(client, member, channel, **overrides):
    form = {
        "person": str(member.id),
        "channels": [str(channel.id)],
        "scope": "Event notices only",
        "conditions": "Checked by the office first",
        "starts_on": START.isoformat(),
        "ends_on": (START + timedelta(days=300)).isoformat(),
        "justification": "Runs the events page",
    }
    form.update(overrides)
    return client.post("/authorisations/new", form)


def _only_request(session):
    from portal.authorisations.models import AuthorisationRequest

    return service.get_request(session, session.scalar(select(AuthorisationRequest.id)))


def test_a_manager_requests_for_their_team_only(client, session, council):
    _, _, manager, member, channel = council
    outsider = make_person(session)
    client.sign_in_as(manager)
    refused = _request(client, outsider, channel)
    assert "only for people in your team" in refused.get_data(as_text=True)
    response = _request(client, member, channel)
    assert response.status_code == 302
    request = _only_request(session)
    assert service.status_of(request) == "requested" and [c.id for c in request.channels] == [channel.id]
    # Asking gives the person the poster module to take.
    assert "Take the quiz: Posting for the council" in _home_of(client, member)


def _home_of(client, person):
    browser = client.another_browser()
    browser.sign_in_as(person)
    return browser.get("/").get_data(as_text=True)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"ends_on": (START - timedelta(days=1)).isoformat()},
            "The end date must be on or after the start date",
        ),
        (
            {"ends_on": (START + timedelta(days=400)).isoformat()},
            "An authorisation can last 12 months at most",
        ),
        ({"scope": ""}, "Say what they may publish"),
    ],
)
def test_bad_requests_get_field_errors(client, session, council, overrides, message):
    _, _, manager, member, channel = council
    client.sign_in_as(manager)
    assert message in _request(client, member, channel, **overrides).get_data(as_text=True)


def test_a_channel_not_in_the_register_gets_400(client, session, council):
    _, _, manager, member, channel = council
    client.sign_in_as(manager)
    assert _request(client, member, channel, channels=["999"]).status_code == 400


def test_unmet_preconditions_are_listed_and_nothing_is_issued(client, session, council):
    clerk, _, manager, member, channel = council
    client.sign_in_as(manager)
    _request(client, member, channel)
    request = _only_request(session)
    issuer = client.another_browser()
    issuer.sign_in_as(clerk)
    html = issuer.post(
        f"/authorisations/{request.id}/issue", {"typed_name": clerk.name, "password": PASSWORD}
    ).get_data(as_text=True)
    assert "This authorisation cannot be issued yet" in html
    assert (
        "has not signed the current Test Policy" in html
        and "has not passed the Posting for the council" in html
    )
    assert session.scalar(select(func.count()).select_from(AuthorisationIssue)) == 0


def test_the_town_clerk_issues_a_letter_that_the_person_and_requester_can_download(
    client, session, council, sign_as
):
    clerk, _, manager, member, channel = council
    client.sign_in_as(manager)
    _request(client, member, channel)
    request = _only_request(session)
    _ready(session, sign_as, member)
    issuer = client.another_browser()
    issuer.sign_in_as(clerk)
    wrong = issuer.post(f"/authorisations/{request.id}/issue", {"typed_name": clerk.name, "password": "nope"})
    assert "Your password is not correct" in wrong.get_data(as_text=True)
    response = issuer.post(
        f"/authorisations/{request.id}/issue", {"typed_name": clerk.name, "password": PASSWORD}
    )
    assert response.status_code == 302
    again = issuer.post(
        f"/authorisations/{request.id}/issue", {"typed_name": clerk.name, "password": PASSWORD}
    )
    assert again.status_code == 302
    issued = session.scalars(select(AuthorisationIssue)).all()
    assert len(issued) == 1
    letter = issued[0]
    assert letter.reference == f"PA-{datetime.now(UTC).year}-0001"
    assert (letter.signer_name, letter.signer_role, letter.typed_name) == (
        clerk.name,
        "town_clerk",
        clerk.name,
    )
    assert len(letter.verification_code) >= 24
    assert personal.read(session, letter.ip_address) == "127.0.0.1" and "127.0.0.1" not in letter.ip_address
    words = pdf_text(letter.letter_pdf)
    for term in (
        letter.reference,
        f"Authorised person: {member.name}",
        f"Channels: {channel.label}",
        f"What they may publish: {request.scope}",
        f"Signed by {clerk.name}, Town Clerk",
    ):
        assert term in words
    for viewer in (manager, member, clerk):
        browser = client.another_browser()
        browser.sign_in_as(viewer)
        pdf = browser.get(f"/authorisations/{request.id}/letter.pdf")
        assert pdf.status_code == 200 and pdf.data == letter.letter_pdf
    stranger = client.another_browser()
    stranger.sign_in_as(make_person(session))
    assert stranger.get(f"/authorisations/{request.id}/letter.pdf").status_code == 404
    assert stranger.get(f"/authorisations/{request.id}").status_code == 404
    import hashlib

    assert hashlib.sha256(letter.letter_pdf).hexdigest() == letter.letter_sha256
    assert verify_chain(session).ok
    # Issued twice, emailed once each to the person and the requester, with the letter attached.
    emails = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "authorisation_issued")).all()
    assert sorted(e.to_address for e in emails) == sorted([member.email, manager.email])
    assert all(
        e.attachment == letter.letter_pdf and e.attachment_name == f"{letter.reference}.pdf" for e in emails
    )
    assert all(f"/authorisations/{request.id}" in e.text_body for e in emails)


def test_nobody_authorises_themselves(app, session, council, sign_as):
    clerk, _, _, _, channel = council
    with app.app_context():
        request = service.request_authorisation(
            session,
            clerk,
            service.RequestDetails(
                person=clerk,
                channel_ids=[channel.id],
                scope="x",
                conditions="",
                starts_on=START,
                ends_on=START + timedelta(days=10),
                justification="x",
            ),
        )
        with pytest.raises(DomainError, match="Nobody can authorise themselves"):
            service.issue(session, clerk, request, password=PASSWORD, typed_name=clerk.name, ip_address=None)


def test_only_the_mayor_and_the_town_clerk_see_the_issue_button(client, session, council):
    clerk, mayor, manager, member, channel = council
    client.sign_in_as(manager)
    _request(client, member, channel)
    request = _only_request(session)
    for person, shown in (
        (clerk, True),
        (mayor, True),
        (make_person(session, roles={Role.DEPUTY_CLERK}), False),
        (make_person(session, roles={Role.ADMINISTRATOR}), False),
    ):
        browser = client.another_browser()
        browser.sign_in_as(person)
        page = browser.get(f"/authorisations/{request.id}")
        html = page.get_data(as_text=True)
        assert ("Sign and issue" in html) is shown
        if not shown:
            assert page.status_code == 404 or "Sign and issue" not in html
            assert (
                browser.post(
                    f"/authorisations/{request.id}/issue", {"typed_name": person.name, "password": PASSWORD}
                ).status_code
                == 403
            )


def _issued(app, session, council, sign_as):
    """A request from the manager for their team member, who is then ready for it to be
    issued. (Asking emails the signatories, with links from the application's URL map.)"""
    clerk, _, manager, member, channel = council
    with app.app_context():
        request = service.request_authorisation(
            session,
            manager,
            service.RequestDetails(
                person=member,
                channel_ids=[channel.id],
                scope="Events",
                conditions="",
                starts_on=date.today(),
                ends_on=date.today() + timedelta(days=30),
                justification="x",
            ),
        )
    session.commit()
    _ready(session, sign_as, member)
    return request


def test_revoke_verify_and_expiry(app, client, session, council, sign_as):
    clerk, mayor, _, member, _ = council
    request = _issued(app, session, council, sign_as)
    with app.app_context():
        service.issue(session, clerk, request, password=PASSWORD, typed_name=clerk.name, ip_address=None)
    session.commit()
    # The service sends the letter itself, so an issue from outside a web request emails it too.
    issued = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "authorisation_issued")).all()
    assert sorted(e.to_address for e in issued) == sorted([member.email, request.requested_by.email])
    assert all(e.attachment == request.issue.letter_pdf for e in issued)
    code = request.issue.verification_code
    page = client.get(f"/verify/{code}").get_data(as_text=True)
    assert "Valid" in page and member.name in page and "Council page" in page
    assert member.email not in page
    unknown = client.get("/verify/made-up-code-that-does-not-exist")
    assert unknown.status_code == 200 and "Unknown" in unknown.get_data(as_text=True)
    with time_machine.travel(datetime.now(UTC) + timedelta(days=40)):
        assert "Expired" in client.get(f"/verify/{code}").get_data(as_text=True)
    browser = client.another_browser()
    browser.sign_in_as(mayor)
    revoke = f"/authorisations/{request.id}/revoke"
    no_reason = browser.post(revoke, {"reason": "", "password": PASSWORD})
    assert "Give the reason" in no_reason.get_data(as_text=True)
    # Revoking asks for the password again, as issuing does (auth.confirmation).
    assert "Enter your password" in browser.post(revoke, {"reason": "Posted"}).get_data(as_text=True)
    wrong = browser.post(revoke, {"reason": "Posted", "password": "not it"}).get_data(as_text=True)
    assert "Your password is not correct" in wrong
    assert session.scalar(select(func.count()).select_from(AuthorisationRevocation)) == 0
    done = browser.post(revoke, {"reason": "Posted a political message", "password": PASSWORD})
    assert done.status_code == 302
    assert browser.post(revoke, {"reason": "Twice", "password": PASSWORD}).status_code == 302
    assert session.scalar(select(func.count()).select_from(AuthorisationRevocation)) == 1
    assert "Revoked" in client.get(f"/verify/{code}").get_data(as_text=True)
    assert session.scalar(select(func.count()).where(AuditEvent.action == "authorisations.revoked")) == 1
    revoked = session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "authorisation_revoked")
    ).all()
    assert {e.to_address for e in revoked} == {member.email, request.requested_by.email}
    assert all("Posted a political message" in e.text_body for e in revoked)
    assert all(f"/authorisations/{request.id}" in e.text_body for e in revoked)


def test_a_leaver_loses_their_authorisations_at_once(app, client, session, council, sign_as):
    clerk, _, _, member, _ = council
    request = _issued(app, session, council, sign_as)
    with app.app_context():
        service.issue(session, clerk, request, password=PASSWORD, typed_name=clerk.name, ip_address=None)
    session.commit()
    admin = make_person(session, roles={Role.ADMINISTRATOR})
    client.sign_in_as(admin)
    assert (
        client.post(f"/people/{member.id}/leave", {"leaving_date": date.today().isoformat()}).status_code
        == 302
    )
    session.expire_all()
    assert service.status_of(service.get_request(session, request.id)) == "revoked"
    assert "left the council" in session.scalar(select(AuthorisationRevocation.reason))
    assert session.scalar(select(func.count()).where(OutboxMessage.kind == "authorisation_revoked")) == 0


def test_the_register_lists_who_may_post_and_exports_csv(app, client, session, council, sign_as):
    clerk, _, _, member, _ = council
    request = _issued(app, session, council, sign_as)
    with app.app_context():
        service.issue(session, clerk, request, password=PASSWORD, typed_name=clerk.name, ip_address=None)
    session.commit()
    client.sign_in_as(make_person(session))  # any member of staff can check a colleague
    html = client.get("/authorisations").get_data(as_text=True)
    assert member.name in html and "Council page (Facebook)" in html
    csv = client.get("/authorisations/register.csv").get_data(as_text=True)
    assert csv.startswith("\ufeffreference,person") and member.name in csv


def test_declining_needs_a_reason(client, session, council):
    clerk, _, manager, member, channel = council
    client.sign_in_as(manager)
    _request(client, member, channel)
    request = _only_request(session)
    browser = client.another_browser()
    browser.sign_in_as(clerk)
    assert browser.post(f"/authorisations/{request.id}/decline", {"reason": "Not needed"}).status_code == 302
    session.expire_all()
    assert service.status_of(service.get_request(session, request.id)) == "declined"


def test_verification_is_rate_limited(client, session, council):
    limiter.reset()  # other tests' checks count too, within the same minute
    try:
        statuses = [client.get(f"/verify/guess-number-{n}").status_code for n in range(31)]
    finally:
        limiter.reset()
    assert statuses[:30] == [200] * 30 and statuses[30] == 429


def test_postgres_keeps_issued_authorisations_unchanged(app, session, database_url, council, sign_as):
    if not database_url.startswith("postgresql"):
        pytest.skip("the append-only triggers exist on PostgreSQL only")
    clerk = council[0]
    request = _issued(app, session, council, sign_as)
    with app.app_context():
        service.issue(session, clerk, request, password=PASSWORD, typed_name=clerk.name, ip_address=None)
    session.commit()
    engine = create_engine(database_url)
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
        connection.execute(text("UPDATE authorisation_issues SET signer_name = 'x'"))
    engine.dispose()


def test_a_renewal_is_a_new_authorisation_linked_to_the_old_one(app, client, session, council, sign_as):
    clerk, _, manager, member, _ = council
    old = _issued(app, session, council, sign_as)
    with app.app_context():
        service.issue(session, clerk, old, password=PASSWORD, typed_name=clerk.name, ip_address=None)
    session.commit()
    client.sign_in_as(manager)
    form = client.get(f"/authorisations/new?renews={old.id}").get_data(as_text=True)
    assert f"Renew authorisation {old.issue.reference}" in form and member.name in form
    response = client.post(
        "/authorisations/new",
        {
            "renews": str(old.id),
            "person": str(member.id),
            "channels": [str(c.id) for c in old.channels],
            "scope": old.scope,
            "conditions": "",
            "starts_on": old.ends_on.isoformat(),
            "ends_on": (old.ends_on + timedelta(days=200)).isoformat(),
            "justification": "Still runs the events page",
        },
    )
    assert response.status_code == 302
    from portal.authorisations.models import AuthorisationRequest

    renewal = session.scalar(select(AuthorisationRequest).where(AuthorisationRequest.renews_id == old.id))
    assert renewal is not None and renewal.person_id == member.id
    assert (
        service.status_of(service.get_request(session, old.id)) == "issued"
    )  # the old one stands until it ends
    assert client.get(f"/authorisations/new?renews={old.id + 999}").status_code == 404
    other_manager = client.another_browser()
    other_manager.sign_in_as(make_person(session, roles={Role.MANAGER}))
    assert other_manager.get(f"/authorisations/new?renews={old.id}").status_code == 404  # not theirs to see


def test_an_authorisation_ending_within_30_days_is_announced_once(
    app, session, council, sign_as, database_url
):
    from portal.jobs import reminders
    from tests.conftest import settings_for

    clerk, _, manager, member, _ = council
    request = _issued(app, session, council, sign_as)
    with app.app_context():
        service.issue(session, clerk, request, password=PASSWORD, typed_name=clerk.name, ip_address=None)
    session.commit()
    for _ in range(2):
        with app.test_request_context():
            reminders.run(session, settings_for(database_url), date.today())
        session.commit()
    expiring = session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "authorisation_expiring")
    ).all()
    assert sorted(m.to_address for m in expiring) == sorted([member.email, manager.email])
    assert all(request.issue.reference in m.subject for m in expiring)
