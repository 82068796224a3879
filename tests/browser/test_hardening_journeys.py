"""Issue-15 journeys in the browser: a new email address confirmed from its own mailbox,
and an audit trail that shows a disciplinary case in full only to those who need it."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal.demo import DEMO_PASSWORD, demo_email
from portal.outbox.models import OutboxMessage
from tests.browser.conftest import open_case_about_grace, run_axe, sign_in

pytestmark = pytest.mark.browser


def _link_sent_to(session, address: str, marker: str) -> str:
    session.expire_all()
    body = session.scalar(select(OutboxMessage.text_body).where(OutboxMessage.to_address == address))
    session.rollback()
    return urlsplit(next(word for word in body.split() if marker in word)).path


def test_a_new_email_address_is_confirmed_from_its_mailbox(page, session, demo_council):
    sign_in(page, demo_email("admin"), DEMO_PASSWORD)
    page.get_by_role("link", name="People").click()
    page.get_by_label("Name or email").fill("Nina")
    page.get_by_role("button", name="Show people").click()
    page.get_by_role("link", name="Nina Foster").click()
    page.get_by_role("link", name="Edit details").click()
    page.get_by_label("Email address", exact=True).fill("nina.new@ashcombe-tc.example")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("A link has been sent to nina.new@ashcombe-tc.example")).to_be_visible()
    expect(page.get_by_text("is waiting for that address to confirm it")).to_be_visible()
    assert run_axe(page) == []
    link = _link_sent_to(session, "nina.new@ashcombe-tc.example", "/people/confirm-email/")

    mailbox = page.context.browser.new_context(base_url=page.url.split("/people")[0])
    theirs = mailbox.new_page()
    theirs.goto(link)
    expect(theirs.get_by_role("heading", name="Confirm your new email address")).to_be_visible()
    assert run_axe(theirs) == []
    theirs.get_by_role("button", name="Confirm this address").click()
    expect(theirs.get_by_role("heading", name="Your email address has changed")).to_be_visible()
    assert run_axe(theirs) == []
    sign_in(theirs, "nina.new@ashcombe-tc.example", DEMO_PASSWORD)
    expect(theirs.get_by_role("heading", name="What I need to do")).to_be_visible()
    mailbox.close()


def test_the_audit_trail_shows_a_case_in_full_only_to_those_who_need_it(page, demo_council):
    sign_in(page, demo_email("hr"), DEMO_PASSWORD)
    open_case_about_grace(page)
    page.get_by_role("link", name="Audit trail").click()
    opened = page.locator("tr", has_text="conduct.case_opened").first
    expect(opened).to_contain_text("Priya Shah")  # HR sees who opened it (the demo HR officer)
    assert run_axe(page) == []
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, demo_email("admin"), DEMO_PASSWORD)
    page.get_by_role("link", name="Audit trail").click()
    hidden = page.locator("tr", has_text="conduct.case_opened").first
    expect(hidden).to_contain_text("Not shown")
    for row in page.locator("tr", has_text="conduct.").all():
        text = row.inner_text()
        assert "Not shown" in text and "Grace Thornton" not in text and "Priya Shah" not in text
        assert "DC-" not in text  # not even the printed case reference
    assert run_axe(page) == []
