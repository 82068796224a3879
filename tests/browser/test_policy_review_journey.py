"""Policies that stay current, in the browser: the Town Clerk is asked to review a policy
whose review date has come and the Communication Policy after a channel joins the
register; the compliance overview lists both; the policy page names the adopting minute;
and the accessibility statement gives its contact and its last tests. Every page passes axe."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from portal.clock import today
from portal.demo import DEMO_PASSWORD, demo_email
from portal.people.service import find_by_email
from portal.policies import service
from portal.policies.models import ChangeKind
from tests.browser.conftest import run_axe, sign_in

pytestmark = pytest.mark.browser

NETWORKING = "Social Media & Networking Policy"
COMMUNICATION = "Social Media & Electronic Communication Policy"
LAPSED_MINUTE = "Full Council, 9 March 2025, minute 2025/017"


def _networking_due_for_review(session) -> None:
    """A re-adopted Networking Policy (minor: nobody signs again) whose review date has passed."""
    clerk = find_by_email(session, demo_email("clerk"))
    policy = service.get_policy(session, "social-media-networking")
    current = service.current_version(policy)
    version = service.draft_version(
        session,
        clerk,
        policy,
        service.VersionDetails(
            label="2026.2",
            effective_date=today() - timedelta(days=400),
            body=current.body_markdown,
            change_kind=ChangeKind.MINOR,
            change_summary="Re-adopted without change",
            adopted_minute=LAPSED_MINUTE,
            review_due=today() - timedelta(days=2),
            scope=service.scope_for_next_draft(policy),
        ),
    )
    service.publish_version(session, clerk, policy, version)
    session.commit()


def test_the_clerk_is_asked_to_review_policies_and_sees_them_on_the_overview(page, session, demo_council):
    sign_in(page, demo_email("clerk"), DEMO_PASSWORD)
    tasks = page.locator(".govuk-task-list")
    # The demo's channels are the ones its Communication Policy already names.
    expect(page.get_by_role("link", name="Review the", exact=False)).to_have_count(0)

    _networking_due_for_review(session)
    page.reload()
    review = tasks.locator("li").filter(has_text=f"Review the {NETWORKING}: version 2026.2 is due for review")
    expect(review).to_contain_text("Overdue")
    assert run_axe(page) == []

    page.goto("/authorisations/channels")
    page.get_by_label("Platform").select_option(label="Instagram")
    page.get_by_label("Name or handle").fill("Ashcombe Markets")
    page.get_by_label("Web address").fill("https://www.instagram.com/ashcombe-markets.example")
    page.get_by_label("The council's decision").fill("Minute 26/088, Council meeting 10 November 2026")
    with page.expect_navigation():
        page.get_by_role("button", name="Add channel").click()
    page.goto("/")
    page.get_by_role(
        "link", name=f"Review the {COMMUNICATION}: Ashcombe Markets (Instagram) joined the register"
    ).click()
    expect(page.get_by_role("heading", name=COMMUNICATION)).to_be_visible()
    expect(
        page.get_by_text("Version 2026.1 was adopted by the council: Full Council, 12 March 2026")
    ).to_be_visible()
    assert run_axe(page) == []

    page.goto("/policies/social-media-networking/versions")
    expect(page.locator("#review-due")).to_contain_text("Version 2026.2 is due for review")
    assert run_axe(page) == []

    page.goto("/reports")
    reviews = page.locator("#policy-reviews + ul")
    expect(reviews).to_contain_text(f"{NETWORKING}, version 2026.2: its review date was")
    expect(reviews).to_contain_text(f"{COMMUNICATION}, version 2026.1: Ashcombe Markets (Instagram) joined")
    assert run_axe(page) == []
    assert page.console_errors == []


def test_the_policy_page_names_the_minute_that_adopted_it(page, demo_council):
    sign_in(page, demo_email("nina.foster"), DEMO_PASSWORD)
    page.goto("/policies/social-media-networking")
    adoption = page.locator("#adoption")
    expect(adoption).to_contain_text("Adopted by the council")
    expect(adoption).to_contain_text("Full Council, 12 March 2026, minute 2026/041")
    expect(adoption).to_contain_text("Next review due by 31 March 2027")
    assert run_axe(page) == []


def test_the_accessibility_statement_gives_a_contact_and_its_tests(app, page, monkeypatch):
    settings = app.config["PORTAL_SETTINGS"]
    monkeypatch.setattr(settings, "accessibility_email", "access@ashcombe-tc.example")
    monkeypatch.setattr(settings, "accessibility_phone", "01632 960 123")
    page.goto("/accessibility")
    contact = page.locator("#accessibility-contact")
    expect(contact.get_by_role("link", name="access@ashcombe-tc.example")).to_have_attribute(
        "href", "mailto:access@ashcombe-tc.example"
    )
    expect(contact.get_by_role("link", name="01632 960 123")).to_have_attribute("href", "tel:01632960123")
    expect(page.locator("#automated-test")).to_contain_text("axe-core")
    expect(page.locator("#manual-test")).to_contain_text("not yet been tested by hand")
    expect(page.locator("#pdf-alternatives")).to_contain_text("receipt checking page")
    assert run_axe(page) == []
