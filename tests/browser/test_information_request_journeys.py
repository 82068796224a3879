"""Information requests in the browser: a member of staff logs a request seen on the
council's Facebook page and it reaches the Town Clerk at once, who handles it against its
clock; a subject access request reaches HR, who confirm the requester's identity and
answer it. Every page is checked with axe-core, refused forms included."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from portal.clock import add_months, add_uk_working_days
from portal.demo import DEMO_PASSWORD, demo_email
from tests.browser.conftest import fill_date, run_axe, sign_in

pytestmark = pytest.mark.browser


def _long(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _log(page, kind: str, channel: str, requester: str, words: str, **extra: str) -> None:
    page.get_by_role("link", name="Information requests").first.click()
    expect(page.get_by_role("heading", name="Information requests")).to_be_visible()
    assert run_axe(page) == []
    page.get_by_role("link", name="Log a request").click()
    expect(page.get_by_role("heading", name="Log an information request")).to_be_visible()
    assert run_axe(page) == []
    page.get_by_label(kind, exact=True).check()
    page.get_by_label("Where did it arrive?").select_option(label=channel)
    if "other" in extra:
        page.get_by_label("How else did it arrive?").fill(extra["other"])
    page.get_by_label("Who asked").fill(requester)
    page.get_by_label("The request").fill(words)
    if "about" in extra:
        page.get_by_label("If it is from or about someone who works for the council", exact=False).fill(
            extra["about"]
        )
    with page.expect_navigation():
        page.get_by_role("button", name="Log the request").click()


def _open_step(page, title: str) -> None:
    page.locator("summary", has_text=title).click()


def test_staff_log_an_foi_request_and_the_clerk_handles_it(page, demo_council):
    sign_in(page, demo_email("laura.bennett"), DEMO_PASSWORD)
    # Nothing chosen: a clear message, and what was typed is kept.
    page.get_by_role("link", name="Information requests").first.click()
    page.get_by_role("link", name="Log a request").click()
    page.get_by_label("Who asked").fill("@skatefan")
    with page.expect_navigation():
        page.get_by_role("button", name="Log the request").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose what kind of request it is")
    expect(page.get_by_label("Who asked")).to_have_value("@skatefan")
    assert run_axe(page) == []

    _log(
        page,
        "Freedom of Information request",
        "Ashcombe Town Council (Facebook)",
        "@skatefan",
        "How much did the skate park cost?",
    )
    expect(page.locator(".govuk-notification-banner")).to_contain_text("handed to the Town Clerk")
    expect(page.get_by_text("handed to the Town Clerk").last).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, demo_email("clerk"), DEMO_PASSWORD)
    due = add_uk_working_days(date.today(), 20)
    task = page.locator(".govuk-task-list__link", has_text="Answer FOI request IR-")
    expect(task).to_be_visible()
    task.click()
    expect(page.get_by_role("heading", name="Freedom of Information request")).to_be_visible()
    expect(page.locator(".govuk-summary-list")).to_contain_text(_long(due))
    expect(page.locator(".govuk-summary-list")).to_contain_text("How much did the skate park cost?")
    assert run_axe(page) == []

    # Clarification asked: the clock stops; a date before the request is refused.
    _open_step(page, "Record that clarification was asked for")
    fill_date(page, "Date clarification was asked for", date.today() - timedelta(days=3))
    with page.expect_navigation():
        page.locator("details[open] button", has_text="Record it").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The date cannot be before")
    assert run_axe(page) == []
    fill_date(page, "Date clarification was asked for", date.today())
    with page.expect_navigation():
        page.locator("details[open] button", has_text="Record it").click()
    expect(page.locator(".govuk-summary-list")).to_contain_text("The clock is stopped")

    _open_step(page, "Record the answer")
    page.get_by_label("Outcome", exact=True).select_option(label="Information provided in full")
    fill_date(page, "Date answered", date.today())
    with page.expect_navigation():
        page.get_by_role("button", name="Record the answer and close it").click()
    expect(page.locator(".govuk-summary-list")).to_contain_text("Information provided in full")
    assert run_axe(page) == []


def test_a_subject_access_request_reaches_hr_who_confirm_identity(page, demo_council):
    sign_in(page, demo_email("events.manager"), DEMO_PASSWORD)
    _log(
        page,
        "Subject access request",
        "Another way (say how below)",
        "Laura Bennett",
        "I would like a copy of everything you hold about me.",
        other="Email to the events team",
        about=demo_email("laura.bennett"),
    )
    expect(page.locator(".govuk-notification-banner")).to_contain_text("handed to HR")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, demo_email("hr"), DEMO_PASSWORD)
    page.locator(".govuk-task-list__link", has_text="Answer Subject access request IR-").click()
    expect(page.get_by_role("link", name="what the portal holds about them")).to_be_visible()
    _open_step(page, "Record that their identity is confirmed")
    fill_date(page, "Date their identity was confirmed", date.today())
    page.get_by_label("How it was checked").fill("Known to HR; asked in person")
    with page.expect_navigation():
        page.locator("details[open] button", has_text="Record it").click()
    expect(page.locator(".govuk-summary-list")).to_contain_text(_long(add_months(date.today(), 1)))
    expect(page.locator(".govuk-summary-list")).to_contain_text("Known to HR; asked in person")
    assert run_axe(page) == []
    page.get_by_role("button", name="Sign out").click()

    # The Town Clerk cannot see it: subject access goes to HR.
    sign_in(page, demo_email("clerk"), DEMO_PASSWORD)
    expect(page.locator(".govuk-task-list__link", has_text="Subject access request")).to_have_count(0)
