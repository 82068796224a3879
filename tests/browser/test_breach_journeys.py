"""Breach records in the browser: a breach by someone the council does not employ goes on
the route their terms give. The Town Clerk records a volunteer's breach and their manager
handles it; a councillor's goes to the Monitoring Officer, and never against a policy
that does not bind councillors; an employee's is refused (a disciplinary case instead).
Every page is checked with axe-core, refused forms included."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from portal.clock import add_months
from portal.demo import DEMO_PASSWORD, demo_email
from portal.templating import format_date
from tests.browser.conftest import expect_date, fill_date, run_axe, sign_in

pytestmark = pytest.mark.browser

NETWORKING = "Social Media & Networking Policy"
COMMUNICATION = "Social Media & Electronic Communication Policy"


def _long(day: date) -> str:
    """A date as the portal shows it: 30 November 2026."""
    return f"{day.day} {day:%B %Y}"


def _fill_breach(page, subject: str, policy: str, sections: str, handler: str, what: str) -> None:
    """On "Record a breach", fills the form and sends it."""
    page.get_by_label("Email address of the person", exact=True).fill(demo_email(subject))
    page.get_by_label("What happened").fill(what)
    fill_date(page, "Date of the incident", date.today())
    page.get_by_label("Policy", exact=True).select_option(label=policy)
    page.get_by_label("Sections alleged to have been breached").fill(sections)
    page.get_by_label("Email address of the person handling it").fill(demo_email(handler))
    with page.expect_navigation():
        page.get_by_role("button", name="Record the breach").click()


def _open_the_form(page) -> None:
    """The Town Clerk or HR, signed in, goes to "Record a breach" from the navigation."""
    page.get_by_role("link", name="Breach records").first.click()
    expect(page.get_by_role("heading", name="Breach records")).to_be_visible()
    assert run_axe(page) == []
    page.get_by_role("link", name="Record a breach").click()
    expect(page.get_by_role("heading", name="Record a breach")).to_be_visible()


def _close(page, outcome: str, notes: str = "") -> None:
    page.get_by_label("What came of it").select_option(label=outcome)
    fill_date(page, "Date closed", date.today())
    page.get_by_label("Notes", exact=True).fill(notes)
    with page.expect_navigation():
        page.get_by_role("button", name="Close the record").click()


def _summary_row(page, key: str):
    return page.locator(".govuk-summary-list__row", has=page.locator("dt", has_text=re.compile(f"^{key}$")))


def _volunteer_signs_the_networking_policy(page) -> None:
    sign_in(page, demo_email("olivia.grant"), DEMO_PASSWORD)
    page.locator(".govuk-task-list__link", has_text=f"Read and sign the {NETWORKING}").click()
    page.get_by_label("I confirm the statement above").check()
    page.get_by_label("Type your full name").fill("Olivia Grant")
    page.get_by_label("Enter your password again").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign the policy").click()
    expect(page.get_by_role("heading", name="Policy signed")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()


def test_the_clerk_records_a_volunteers_breach_and_their_manager_closes_it(page, demo_council):
    _volunteer_signs_the_networking_policy(page)

    # The Town Clerk records the breach; the manager of the events team handles it.
    sign_in(page, demo_email("clerk"), DEMO_PASSWORD)
    _open_the_form(page)
    assert run_axe(page) == []
    _fill_breach(
        page,
        "olivia.grant",
        NETWORKING,
        "3.2",
        "events.manager",
        "Posted a photograph of a resident's complaint letter on her own Facebook page.",
    )
    confirmation = page.locator(".govuk-notification-banner")
    expect(confirmation).to_contain_text(re.compile(r"Breach record BR-\d{4}-\d{4} has been opened"))
    expect(confirmation).to_contain_text(
        "The route is a conduct concern under their volunteer agreement "
        "(guidance, a change of role, ending the placement)."
    )
    reference = re.search(r"BR-\d{4}-\d{4}", confirmation.inner_text()).group(0)
    record_url = page.url
    expect(page.get_by_role("heading", name="Olivia Grant")).to_be_visible()
    expect(page.locator(".govuk-caption-l")).to_have_text(f"Breach record {reference} · Open")
    # Case-insensitive: the template's `capitalize` filter lowercases the rest of the label.
    expect(_summary_row(page, "Route")).to_contain_text(
        re.compile("a conduct concern under their volunteer agreement", re.IGNORECASE)
    )
    expect(_summary_row(page, "Handled by")).to_contain_text("Sarah Collins")
    # The evidence as at the incident date: she had signed the wording in force.
    # She signed on the incident day, which has no time: not "before the incident".
    expect(_summary_row(page, "Acknowledgement")).to_contain_text(
        re.compile(
            rf"Olivia Grant signed {re.escape(NETWORKING)} \(version 2026\.1\) on "
            rf"{re.escape(format_date(date.today()))} at \d\d:\d\d, on the day of the incident\."
        )
    )
    expect(_summary_row(page, "Policy in force on .*")).to_contain_text(f"{NETWORKING}, version 2026.1")
    expect(page.get_by_role("link", name="Download the receipt as it was (PDF)")).to_be_visible()
    expect(page.get_by_text("Kept while the record is open.")).to_be_visible()
    assert run_axe(page) == []
    page.get_by_role("link", name="Back", exact=True).click()
    expect(page.get_by_role("link", name=reference)).to_be_visible()
    assert run_axe(page) == []
    page.get_by_role("button", name="Sign out").click()

    # The handler finds it on her home page.
    sign_in(page, demo_email("events.manager"), DEMO_PASSWORD)
    page.locator(".govuk-task-list__link", has_text=f"Handle breach record {reference}").click()
    assert page.url == record_url
    expect(page.get_by_role("heading", name="Olivia Grant")).to_be_visible()
    expect(page.get_by_role("button", name="Place a legal hold")).to_have_count(0)  # Clerk and HR only
    assert run_axe(page) == []

    # Closing without saying what came of it is refused, clearly and accessibly.
    with page.expect_navigation():
        page.get_by_role("button", name="Close the record").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Choose what came of it")
    link = summary.get_by_role("link", name="Choose what came of it")
    expect(link).to_have_attribute("href", "#close-outcome")
    expect(page.locator("#close-outcome-error")).to_contain_text("Choose what came of it")
    assert page.title().startswith("Error: ")
    assert run_axe(page) == []

    # A volunteer agreement's outcomes only: guidance, a change of role, ending the placement.
    outcomes = page.get_by_label("What came of it").locator("option").all_inner_texts()
    assert outcomes == [
        "Choose what came of it",
        "Guidance given",
        "A change of role",
        "The placement was ended",
        "No further action",
    ]
    _close(page, "Guidance given", "Talked through section 3.2 with Olivia; the post was taken down.")
    expect(page.get_by_text(f"Breach record {reference} has been closed.")).to_be_visible()
    expect(page.locator(".govuk-caption-l")).to_have_text(f"Breach record {reference} · Closed")
    expect(_summary_row(page, "Outcome")).to_contain_text(f"Guidance given, closed {_long(date.today())}")
    expect(_summary_row(page, "Outcome")).to_contain_text("the post was taken down")
    kept_until = add_months(date.today(), 72)  # PORTAL_BREACH_RETENTION_MONTHS, closed=72
    retention = f"Kept until {_long(kept_until)}, then removed by the retention schedule."
    expect(page.get_by_text(retention)).to_be_visible()
    expect(page.get_by_role("button", name="Close the record")).to_have_count(0)
    assert run_axe(page) == []

    page.get_by_role("link", name="Back", exact=True).click()
    row = page.get_by_role("row").filter(has_text=reference)
    expect(row).to_contain_text("Olivia Grant")
    expect(row).to_contain_text("Guidance given")
    assert run_axe(page) == []
    page.goto("/")
    expect(page.locator(".govuk-task-list__link", has_text="Handle breach record")).to_have_count(0)
    assert page.console_errors == []


def test_a_councillors_breach_is_referred_to_the_monitoring_officer(page, demo_council):
    sign_in(page, demo_email("clerk"), DEMO_PASSWORD)
    _open_the_form(page)

    # The Networking Policy does not bind councillors: the error is beside the Policy field
    # and nothing typed is lost.
    what = "Shared a confidential planning report in a public Facebook group."
    _fill_breach(page, "cllr.blake", NETWORKING, "3.2", "deputy", what)
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text(
        f"Version 2026.1 of the {NETWORKING} does not bind Councillor George Blake (it binds:"
    )
    expect(summary.get_by_role("link")).to_have_attribute("href", "#policy")
    expect(page.locator("#policy-error")).to_contain_text("does not bind Councillor George Blake")
    assert page.title().startswith("Error: ")
    subject = page.get_by_label("Email address of the person", exact=True)
    expect(subject).to_have_value(demo_email("cllr.blake"))
    expect(page.get_by_label("What happened")).to_have_value(what)
    expect_date(page, "Date of the incident", date.today())
    expect(page.get_by_label("Policy", exact=True).locator("option:checked")).to_have_text(NETWORKING)
    expect(page.get_by_label("Sections alleged to have been breached")).to_have_value("3.2")
    expect(page.get_by_label("Email address of the person handling it")).to_have_value(demo_email("deputy"))
    assert run_axe(page) == []
    summary.get_by_role("link").click()
    expect(page.get_by_label("Policy", exact=True)).to_be_focused()

    # The Communication Policy binds councillors: the record goes to the Monitoring Officer.
    _fill_breach(page, "cllr.blake", COMMUNICATION, "standards-for-council-communications", "deputy", what)
    confirmation = page.locator(".govuk-notification-banner")
    expect(confirmation).to_contain_text(
        "The route is a referral to the Monitoring Officer under the Members' Code of Conduct."
    )
    reference = re.search(r"BR-\d{4}-\d{4}", confirmation.inner_text()).group(0)
    expect(page.get_by_role("heading", name="Councillor George Blake")).to_be_visible()
    expect(_summary_row(page, "Route")).to_contain_text(
        re.compile("a referral to the Monitoring Officer", re.IGNORECASE)
    )
    expect(_summary_row(page, "Referred")).to_contain_text("Not yet")
    # He had not signed it: that absence is frozen as a fact.
    expect(_summary_row(page, "Acknowledgement")).to_contain_text(
        f"No signed acknowledgement of {COMMUNICATION} (version 2026.1) by Councillor George Blake"
    )
    expect(page.get_by_label("Who it was referred to")).to_be_visible()
    assert run_axe(page) == []

    # Only the Monitoring Officer can find a breach, so not before the referral.
    outcomes = page.get_by_label("What came of it").locator("option").all_inner_texts()
    assert outcomes[1:] == [
        "The Monitoring Officer resolved it informally",
        "A breach of the Code of Conduct was found",
        "No breach of the Code of Conduct was found",
        "No further action",
    ]
    _close(page, "A breach of the Code of Conduct was found")
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Record the referral first: only its body can reach that outcome"
    )
    expect(page.locator("#close-outcome-error")).to_be_visible()
    assert run_axe(page) == []

    # A referral needs its body: the refused referral form is shown with its error.
    fill_date(page, "Date it was referred", date.today())
    with page.expect_navigation():
        page.get_by_role("button", name="Record the referral").click()
    expect(page.locator("#referral-referred_to-error")).to_contain_text("Say who it was referred to")
    assert run_axe(page) == []

    page.get_by_label("Who it was referred to").fill("Monitoring Officer, Anyshire District Council")
    with page.expect_navigation():
        page.get_by_role("button", name="Record the referral").click()
    expect(page.get_by_text(f"The referral of {reference} has been recorded.")).to_be_visible()
    expect(_summary_row(page, "Referred")).to_contain_text(
        f"To Monitoring Officer, Anyshire District Council on {_long(date.today())}"
    )
    expect(page.get_by_role("heading", name="Correct the referral")).to_be_visible()
    assert run_axe(page) == []

    _close(page, "A breach of the Code of Conduct was found", "The Monitoring Officer's decision notice.")
    expect(page.get_by_text(f"Breach record {reference} has been closed.")).to_be_visible()
    expect(page.locator(".govuk-caption-l")).to_have_text(f"Breach record {reference} · Closed")
    expect(_summary_row(page, "Outcome")).to_contain_text(
        f"A breach of the Code of Conduct was found, closed {_long(date.today())}"
    )
    expect(page.get_by_role("heading", name="Correct the referral")).to_have_count(0)
    assert run_axe(page) == []

    # A standards hearing to come: the Town Clerk keeps the record from the schedule.
    page.get_by_label("Reason for a legal hold").fill("The standards committee hears it in January.")
    with page.expect_navigation():
        page.get_by_role("button", name="Place a legal hold").click()
    expect(page.get_by_text("The record is under a legal hold")).to_be_visible()
    expect(page.locator(".govuk-inset-text")).to_contain_text("The standards committee hears it in January.")
    assert run_axe(page) == []
    with page.expect_navigation():
        page.get_by_role("button", name="Lift the legal hold").click()
    expect(page.get_by_text("The legal hold has been lifted.")).to_be_visible()
    kept_until = add_months(date.today(), 72)
    expect(page.get_by_text(f"Kept until {_long(kept_until)}")).to_be_visible()
    assert run_axe(page) == []
    assert page.console_errors == []


def test_an_employees_breach_is_sent_to_a_disciplinary_case(page, demo_council):
    sign_in(page, demo_email("clerk"), DEMO_PASSWORD)
    _open_the_form(page)
    _fill_breach(
        page, "laura.bennett", NETWORKING, "3.2", "hr", "Posted the agenda of a closed meeting on X."
    )
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text(
        "Laura Bennett is employed by the council: a breach goes to the Disciplinary Policy. "
        "Open a disciplinary case instead"
    )
    expect(summary.get_by_role("link")).to_have_attribute("href", "#subject_email")
    expect(page.locator("#subject_email-error")).to_contain_text("Open a disciplinary case instead")
    expect(page.get_by_label("What happened")).to_have_value("Posted the agenda of a closed meeting on X.")
    assert page.title().startswith("Error: ")
    assert run_axe(page) == []

    # The list of routes says where an employee's breach goes, with the way there.
    page.get_by_role("link", name="Back", exact=True).click()
    row = page.get_by_role("row").filter(has=page.get_by_role("cell", name="Employee", exact=True))
    expect(row).to_contain_text("the Disciplinary Policy: a disciplinary case under the ACAS stages")
    row.get_by_role("link", name="disciplinary records").click()
    expect(page.get_by_role("link", name="Open a case")).to_be_visible()
    assert page.console_errors == []
