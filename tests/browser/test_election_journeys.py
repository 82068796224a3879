"""Pre-election periods in the browser: the Town Clerk records a by-election whose
period has started, and an authorised poster then sees the banner on their home page and
on the register, with the reminder in their email. Every page is checked with axe-core,
the refused form included."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal.demo import DEMO_PASSWORD, demo_email
from tests.browser.conftest import fill_date, run_axe, sign_in

pytestmark = pytest.mark.browser


def _authorise(app, session, local_part: str) -> None:
    """What the council would have done already: Chloe signed the policies, passed the
    poster module and holds the Town Clerk's written authorisation (Networking Policy 3.2)."""
    from sqlalchemy.orm import selectinload

    from portal.authorisations import service as authorisations
    from portal.people.models import Person
    from portal.policies.service import current_version, list_policies
    from portal.policies.signing import RequestDetails, sign
    from portal.training.attempts import get_quiz, start_attempt, submit
    from tests.training.helpers import answer_all

    def person(local: str) -> Person:
        return session.scalar(
            select(Person).options(selectinload(Person.role_grants)).where(Person.email == demo_email(local))
        )

    poster, manager, clerk = person(local_part), person("events.manager"), person("clerk")
    with app.app_context():
        request = authorisations.request_authorisation(
            session,
            manager,
            authorisations.RequestDetails(
                person=poster,
                channel_ids=[authorisations.active_channels(session)[0].id],
                scope="Notices of council events",
                conditions="",
                starts_on=date.today(),
                ends_on=date.today() + timedelta(days=180),
                justification="Runs the events programme",
            ),
        )
        for policy in list_policies(session):
            sign(
                session,
                poster,
                policy,
                version_id=current_version(policy).id,
                password=DEMO_PASSWORD,
                typed_name=poster.name,
                confirmed=True,
                request=RequestDetails(),
            )
        attempt = start_attempt(session, poster, get_quiz(session, "authorised-poster"))
        answer_all(session, poster, attempt, right=True)
        submit(session, poster, attempt)
        authorisations.issue(
            session, clerk, request, password=DEMO_PASSWORD, typed_name=clerk.name, ip_address=None
        )
    session.commit()


def test_the_clerk_records_an_election_and_a_poster_sees_the_banner(app, page, session, demo_council):
    _authorise(app, session, "chloe.martin")
    poll = date.today() + timedelta(days=21)
    poll_text = f"{poll.day} {poll:%B %Y}"

    sign_in(page, demo_email("clerk"), DEMO_PASSWORD)
    page.get_by_role("link", name="Elections").first.click()
    expect(page.get_by_role("heading", name="Elections", exact=True)).to_be_visible()
    assert run_axe(page) == []
    page.get_by_role("link", name="Record an election").click()
    expect(page.get_by_role("heading", name="Record an election")).to_be_visible()
    assert run_axe(page) == []
    # Nothing chosen: clear messages, and what was typed is kept.
    page.get_by_label("Name of the election").fill("By-election for Hillside ward")
    with page.expect_navigation():
        page.get_by_role("button", name="Record the election").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Choose what kind of election it is")
    expect(summary).to_contain_text("Enter polling day")
    expect(page.get_by_label("Name of the election")).to_have_value("By-election for Hillside ward")
    assert run_axe(page) == []

    page.get_by_label("By-election to the town council").check()
    fill_date(page, "Polling day", poll)
    fill_date(page, "Start of the pre-election period (optional)", date.today())
    with page.expect_navigation():
        page.get_by_role("button", name="Record the election").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("has been recorded")
    expect(page.locator(".govuk-summary-list")).to_contain_text("Pre-election period now")
    expect(page.locator(".govuk-summary-list")).to_contain_text(poll_text)
    assert run_axe(page) == []
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, demo_email("chloe.martin"), DEMO_PASSWORD)
    banner = page.locator(".govuk-notification-banner", has_text="Pre-election period")
    expect(banner).to_contain_text(f"polling day is {poll_text}")
    expect(banner).to_contain_text("Local Government Act 1986, section 2")
    expect(banner).to_contain_text("Code of Recommended Practice on Local Authority Publicity")
    assert run_axe(page) == []
    page.get_by_role("link", name="Posting for the council").first.click()
    expect(page.get_by_role("heading", name="Posting for the council")).to_be_visible()
    expect(page.locator(".govuk-notification-banner", has_text="Pre-election period")).to_contain_text(
        poll_text
    )
    expect(page.locator("main")).to_contain_text("Chloe Martin")  # she is on the register
    assert run_axe(page) == []
    page.get_by_role("button", name="Sign out").click()

    # Someone who does not post for the council gets no banner on their home page.
    sign_in(page, demo_email("grace.thornton"), DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="What I need to do")).to_be_visible()
    expect(page.locator(".govuk-notification-banner", has_text="Pre-election period")).to_have_count(0)
    assert page.console_errors == []

    from portal.outbox.models import OutboxMessage

    session.expire_all()
    sent = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "election_period")).all()
    assert [m.to_address for m in sent] == [demo_email("chloe.martin")]
