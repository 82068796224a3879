"""What a newcomer tripped on in the authorisation journey (issue 20, part 2): nobody was
told of a request, a letter not yet in force was called valid, the signer had to guess
their own name, the person was typed as an email address, duplicates went through, and
the letter was not a letter. Each test here failed before its fix."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from pypdf import PdfReader
from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.authorisations import service
from portal.authorisations.models import AuthorisationRequest
from portal.outbox.models import OutboxMessage
from portal.templating import format_date
from tests.authorisations.test_authorisations import _issued, _only_request, _ready
from tests.business_cases.helpers import pdf_text
from tests.factories import PASSWORD, make_person

TOMORROW = date.today() + timedelta(days=1)


def _ask(client, who, channel, *, starts=TOMORROW, days=100, **overrides):
    form = {
        "person": str(who.id),
        "channels": [str(channel.id)],
        "scope": "Event notices only",
        "conditions": "",
        "starts_on": starts.isoformat(),
        "ends_on": (starts + timedelta(days=days)).isoformat(),
        "justification": "Runs the events page",
    }
    form.update(overrides)
    return client.post("/authorisations/new", form)


def _page(client, person, url):
    browser = client.another_browser()
    browser.sign_in_as(person)
    return browser.get(url).get_data(as_text=True)


def _issue(app, session, request, signer):
    with app.app_context():
        service.issue(session, signer, request, password=PASSWORD, typed_name=signer.name, ip_address=None)
    session.commit()


# 1. Nobody was told about a request --------------------------------------------------


def test_a_request_is_a_task_and_an_email_for_the_mayor_and_the_clerk_and_the_module_is_emailed(
    client, session, council
):
    clerk, mayor, manager, member, channel = council
    client.sign_in_as(manager)
    response = _ask(client, member, channel)
    assert response.status_code == 302
    request = _only_request(session)
    # The confirmation says exactly whom it went to, and it is true.
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"has been sent to {clerk.name} (Town Clerk) and {mayor.name} (Mayor)" in shown
    for signer in (mayor, clerk):
        home = _page(client, signer, "/")
        assert f"Decide the request to authorise {member.name} to post for the council" in home
        assert f'href="/authorisations/{request.id}"' in home
    assert "Decide the request" not in _page(client, manager, "/")
    asked = session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "authorisation_requested")
    ).all()
    assert sorted(m.to_address for m in asked) == sorted([mayor.email, clerk.email])
    assert all(member.name in m.subject and f"/authorisations/{request.id}" in m.text_body for m in asked)
    # The person is told which module to take, and by when.
    module = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "authorisation_module")).all()
    assert [m.to_address for m in module] == [member.email]
    assert "Posting for the council" in module[0].subject and "/training/quizzes/authorised-poster" in (
        module[0].text_body
    )
    assert f"{manager.name} has asked for you to be authorised" in module[0].text_body
    assert session.scalar(select(func.count()).where(AuditEvent.action == "authorisations.requested")) == 1
    # Decided: the task goes.
    browser = client.another_browser()
    browser.sign_in_as(clerk)
    browser.post(f"/authorisations/{request.id}/decline", {"reason": "Not needed"})
    assert "Decide the request" not in _page(client, mayor, "/")


def test_many_waiting_requests_are_one_task_and_nobody_is_asked_about_their_own(session, client, council):
    clerk, mayor, manager, _, channel = council
    team = [make_person(session, manager=manager) for _ in range(6)]
    client.sign_in_as(manager)
    for person in team:
        assert _ask(client, person, channel).status_code == 302
    home = _page(client, mayor, "/")
    assert "Decide 6 requests for authorisations to post for the council" in home
    assert "/authorisations/requests?status=requested" in home
    listed = _page(client, mayor, "/authorisations/requests?status=requested")
    assert all(person.name in listed for person in team)
    # The Clerk asks for the Mayor: only the Clerk is asked to decide, never the Mayor.
    clerk_browser = client.another_browser()
    clerk_browser.sign_in_as(clerk)
    assert _ask(clerk_browser, mayor, channel).status_code == 302
    request = session.scalar(select(AuthorisationRequest).where(AuthorisationRequest.person_id == mayor.id))
    assert (
        session.scalar(
            select(func.count()).where(
                OutboxMessage.kind == "authorisation_requested",
                OutboxMessage.dedupe_key.like(f"%:{request.id}:%"),
            )
        )
        == 0
    )


# 2. "Valid" before the start date ----------------------------------------------------


def test_an_authorisation_starting_tomorrow_is_not_yet_in_force(app, client, session, council, sign_as):
    clerk, _, manager, member, channel = council
    with app.app_context():
        request = service.request_authorisation(
            session,
            manager,
            service.RequestDetails(
                member, [channel.id], "Events", "", TOMORROW, TOMORROW + timedelta(days=30), "x"
            ),
        )
    session.commit()
    _ready(session, sign_as, member)
    _issue(app, session, request, clerk)
    expected = f"Not yet in force: starts {format_date(TOMORROW)}"
    code = request.issue.verification_code
    page = client.get(f"/verify/{code}").get_data(as_text=True)
    assert expected in page and ">Valid<" not in page
    for url in ("/authorisations/requests", f"/authorisations/{request.id}"):
        html = _page(client, clerk, url)
        assert expected in html and ">Valid<" not in html
    assert member.name not in _page(client, clerk, "/authorisations")  # not in the register today
    with time_machine.travel(datetime.now(UTC) + timedelta(days=1, hours=1)):
        assert ">Valid<" in client.get(f"/verify/{code}").get_data(as_text=True)


# 3. The issuer had to guess their own name ------------------------------------------


def test_the_signer_is_shown_the_exact_name_to_type(client, session, council):
    _, mayor, manager, member, channel = council
    client.sign_in_as(manager)
    _ask(client, member, channel)
    request = _only_request(session)
    html = _page(client, mayor, f"/authorisations/{request.id}")
    assert f"Type your name as it appears here: {mayor.name}" in html


# 4. Picking the person ----------------------------------------------------------------


def test_a_manager_picks_from_their_team_and_the_clerk_from_everyone(client, session, council):
    clerk, mayor, manager, member, channel = council
    outsider = make_person(session, name="Otto Outsider")
    leaver = make_person(session, name="Lee Leaver", manager=manager)
    leaver.is_active = False
    session.commit()
    form = _page(client, manager, "/authorisations/new")
    assert f'<option value="{member.id}">{member.name}</option>' in form
    assert outsider.name not in form and leaver.name not in form and 'type="email"' not in form
    everyone = _page(client, clerk, "/authorisations/new")
    assert member.name in everyone and outsider.name in everyone and leaver.name not in everyone
    assert "Find the person by name" in everyone
    found = _page(client, clerk, "/authorisations/new?q=otto")
    assert outsider.name in found and member.name not in found
    # The service checks the choice again: a forged form is refused beside the field.
    client.sign_in_as(manager)
    for person, message in (
        (outsider, "only for people in your team"),
        (leaver, f"{leaver.name} has left"),
    ):
        assert message in _ask(client, person, channel).get_data(as_text=True)
    assert "Choose the person from the list" in _ask(client, member, channel, person="999999").get_data(
        as_text=True
    )
    assert "Choose the person" in _ask(client, member, channel, person="").get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(AuthorisationRequest)) == 0


# 5. Duplicates -------------------------------------------------------------------------


def test_an_overlapping_request_for_the_same_channel_is_refused_naming_the_one_there(
    app, client, session, council, sign_as
):
    clerk, _, manager, member, channel = council
    other = service.add_channel(
        session,
        clerk,
        platform="linkedin",
        name="Council",
        url="https://linkedin.example/c",
        basis="Minute 24/2",
    )
    session.commit()
    client.sign_in_as(manager)
    assert _ask(client, member, channel).status_code == 302
    waiting = _ask(client, member, channel, starts=TOMORROW + timedelta(days=50)).get_data(as_text=True)
    assert f"{member.name} already has a request waiting for Council page (Facebook)" in waiting
    assert "See the request already waiting" in waiting
    # Another channel, or dates after it ends, are another matter.
    assert _ask(client, member, other).status_code == 302
    assert _ask(client, member, channel, starts=TOMORROW + timedelta(days=300), days=10).status_code == 302
    first = session.scalar(select(AuthorisationRequest).order_by(AuthorisationRequest.id))
    _ready(session, sign_as, member)
    _issue(app, session, service.get_request(session, first.id), clerk)
    refused = _ask(client, member, channel, starts=TOMORROW + timedelta(days=10), days=10).get_data(
        as_text=True
    )
    reference = service.get_request(session, first.id).issue.reference
    assert f"{member.name} already holds authorisation {reference} for Council page (Facebook)" in refused
    assert "Renew that authorisation instead" in refused
    assert f'href="/authorisations/new?renews={first.id}"' in refused
    # The renewal it offers goes through, though its dates overlap the one it renews.
    renewal = client.post(
        f"/authorisations/new?renews={first.id}",
        {
            "renews": str(first.id),
            "person": str(member.id),
            "channels": [str(channel.id)],
            "scope": "Events",
            "conditions": "",
            "starts_on": (TOMORROW + timedelta(days=90)).isoformat(),
            "ends_on": (TOMORROW + timedelta(days=200)).isoformat(),
            "justification": "Still needed",
        },
    )
    assert renewal.status_code == 302
    assert session.scalar(select(func.count()).where(AuthorisationRequest.renews_id == first.id)) == 1


def test_a_declined_request_does_not_block_a_new_one(client, session, council):
    clerk, _, manager, member, channel = council
    client.sign_in_as(manager)
    _ask(client, member, channel)
    request = _only_request(session)
    with client.app.app_context():
        service.decline(session, clerk, request, "Not now")
    session.commit()
    assert _ask(client, member, channel).status_code == 302


# 6. The letter ---------------------------------------------------------------------------


def test_the_letter_is_a_council_letter(app, session, council, sign_as):
    clerk, _, _, member, _ = council
    request = _issued(app, session, council, sign_as)
    settings = app.config["PORTAL_SETTINGS"]
    before = settings.council_address
    settings.council_address = "Town Hall, 1 Market Square, Ashcombe, AB1 2CD"
    try:
        _issue(app, session, request, clerk)
    finally:
        settings.council_address = before
    letter = request.issue
    words = pdf_text(letter.letter_pdf)
    for part in (
        f"{settings.council_name} Town Hall 1 Market Square Ashcombe AB1 2CD",
        f"{member.name} {settings.council_name}",
        format_date(letter.signed_at),
        f"Our reference: {letter.reference}",
        f"Dear {member.name},",
        "Channels: Council page (Facebook)",
        "Yours sincerely,",
    ):
        assert part in words, part
    lines = PdfReader(io.BytesIO(letter.letter_pdf)).pages[0].extract_text().splitlines()
    url = f"{settings.base_url}/verify/{letter.verification_code}"
    assert url in [line.strip() for line in lines]  # the verification address on one line


def test_the_council_address_is_a_setting(monkeypatch):
    from portal.authorisations.letters import address_lines
    from portal.config import Settings

    monkeypatch.setenv("PORTAL_COUNCIL_ADDRESS", " Guildhall, High Street,  Exampleton EX1 1AA ")
    settings = Settings.from_environment()
    assert address_lines(settings.council_address) == ["Guildhall", "High Street", "Exampleton EX1 1AA"]


@pytest.mark.parametrize(
    ("platform", "shown"),
    [
        ("facebook", "Facebook"),
        ("linkedin", "LinkedIn"),
        ("youtube", "YouTube"),
        ("x", "X"),
        ("website", "Website"),
    ],
)
def test_platforms_are_spelt_as_their_owners_spell_them(session, council, platform, shown):
    clerk = council[0]
    channel = service.add_channel(
        session,
        clerk,
        platform=platform,
        name="Ours",
        url=f"https://{platform}.example/o",
        basis="Minute 1/1",
    )
    assert channel.label == f"Ours ({shown})"


# 7. Paging and search ------------------------------------------------------------------


def test_the_register_and_the_requests_page_fifty_at_a_time_with_search_and_export_all(
    app, client, session, council
):
    from portal.authorisations.models import AuthorisationIssue

    clerk, _, manager, _, channel = council
    people = [make_person(session, name=f"Poster {n:02}", manager=manager, commit=False) for n in range(55)]
    session.flush()
    for number, person in enumerate(people):
        request = AuthorisationRequest(
            person_id=person.id,
            requested_by_id=manager.id,
            requested_at=datetime.now(UTC),
            scope="Events",
            conditions="",
            starts_on=date.today(),
            ends_on=date.today() + timedelta(days=30),
            justification="x",
            channels=[channel],
        )
        session.add(request)
        session.flush()
        with app.app_context():
            session.add(
                AuthorisationIssue(
                    request_id=request.id,
                    reference=f"PA-2026-{number + 1:04}",
                    verification_code=f"code-{number}",
                    signed_by_id=clerk.id,
                    signer_name=clerk.name,
                    signer_role="town_clerk",
                    typed_name=clerk.name,
                    signed_at=datetime.now(UTC),
                    letter_pdf=b"%PDF",
                    letter_sha256="x",
                )
            )
            session.flush()
    session.commit()
    client.sign_in_as(make_person(session))
    first = client.get("/authorisations").get_data(as_text=True)
    assert "55 authorisations in force" in first and "Page 1 of 2" in first
    assert first.count('<tr class="govuk-table__row">') == 51  # the heading row and 50
    second = client.get("/authorisations?page=2").get_data(as_text=True)
    assert second.count('<tr class="govuk-table__row">') == 6
    searched = client.get("/authorisations?q=poster+0").get_data(as_text=True)
    assert (
        "10 authorisations in force" in searched and "Poster 09" in searched and "Poster 10" not in searched
    )
    assert "/authorisations/register.csv?q=poster+0" in searched
    everything = client.get("/authorisations/register.csv").get_data(as_text=True)
    assert len(everything.strip().splitlines()) == 56  # every one the filter selects, not one page
    assert (
        len(client.get("/authorisations/register.csv?q=poster+0").get_data(as_text=True).strip().splitlines())
        == 11
    )
    browser = client.another_browser()
    browser.sign_in_as(clerk)
    listed = browser.get("/authorisations/requests?q=poster&status=issued").get_data(as_text=True)
    assert "55 requests found" in listed and "Page 1 of 2" in listed
    assert "status=issued" in listed and "page=2" in listed
    assert "0 requests found" in browser.get("/authorisations/requests?status=requested").get_data(
        as_text=True
    )
    # A manager sees their own requests; someone else sees none of them.
    assert "55 requests found" in _page(client, manager, "/authorisations/requests?q=poster")
    assert "0 requests found" in _page(client, make_person(session), "/authorisations/requests")
