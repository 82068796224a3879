"""A complete ACAS process in the browser (issue 18, section 2): HR invites the employee
to a hearing in writing, a hearing officer other than the investigator hears it, the
outcome letter goes out, and a panel of councillors hears the appeal. Every page is
checked with axe-core."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from portal.demo import DEMO_PASSWORD, demo_email
from tests.browser.conftest import arrange_hearing_by, fill_date, open_case_about_grace, run_axe, sign_in

pytestmark = pytest.mark.browser


def _download(page, tmp_path, link_name: str) -> bytes:
    with page.expect_download() as download:
        page.get_by_role("link", name=link_name).last.click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    return saved.read_bytes()


def test_invitation_hearing_outcome_letter_and_appeal(page, demo_council, tmp_path):
    sign_in(page, demo_email("hr"), DEMO_PASSWORD)
    open_case_about_grace(page)  # HR is the investigating officer
    case_url = page.url

    # The investigator cannot hear the case without saying why: the error is shown clearly.
    arrange_hearing_by(page, demo_email("hr"))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Priya Shah is the investigating officer")
    assert page.title().startswith("Error: ")
    assert run_axe(page) == []

    # The Deputy Clerk hears it instead; the invitation is issued as a signed PDF.
    arrange_hearing_by(page, demo_email("deputy"))
    expect(page.get_by_text("The hearing has been arranged and the invitation issued")).to_be_visible()
    hearing = page.locator("#hearing + .govuk-summary-list")
    expect(hearing).to_contain_text("Committee Room, Town Hall")
    expect(hearing).to_contain_text("David Okafor")
    assert run_axe(page) == []
    invitation = _download(page, tmp_path, "Invitation to the disciplinary hearing")
    assert invitation.startswith(b"%PDF")

    # The outcome: a first written warning, with its improvement and timescale.
    page.get_by_label("Outcome stage").select_option(label="First written warning")
    page.get_by_label("Companion at the hearing").select_option(label="A trade union representative")
    page.get_by_label("Companion's name").fill("Una Union")
    page.get_by_label("Outcome", exact=True).fill("A first written warning.")
    page.get_by_label("Reasons").fill("The post told the public the office would be unattended.")
    fill_date(page, "Date of the decision", date.today())
    page.get_by_label("Improvement needed (for a warning)").fill("Never post when the office is empty.")
    fill_date(page, "Improvement needed by (for a warning)", date.today() + timedelta(days=30))
    with page.expect_navigation():
        page.get_by_role("button", name="Record the outcome and issue the letter").click()
    expect(page.get_by_text("has been recorded and the outcome letter issued")).to_be_visible()
    expect(page.get_by_text("Improvement needed: Never post when the office is empty.")).to_be_visible()
    assert run_axe(page) == []
    assert _download(page, tmp_path, "Outcome of the disciplinary hearing").startswith(b"%PDF")

    # The appeal: lodged, then heard by a panel of councillors with a companion present.
    fill_date(page, "Date the appeal was lodged", date.today())
    with page.expect_navigation():
        page.get_by_role("button", name="Record the appeal").click()
    expect(page.get_by_text("The appeal has been recorded.")).to_be_visible()
    fill_date(page, "Date of the appeal hearing", date.today())
    page.get_by_label("A panel of councillors (the staffing committee)").check()
    page.get_by_label("Email addresses of the councillors on the appeal panel").fill(
        f"{demo_email('cllr.hale')}\n{demo_email('cllr.ali')}"
    )
    page.get_by_label("Companion at the appeal hearing").select_option(label="A work colleague")
    page.locator("#appeal_hearing-companion_name").fill("Chloe Martin")
    page.get_by_label("The outcome stands").check()
    page.get_by_label("Outcome of the appeal", exact=True).fill("The warning stands.")
    with page.expect_navigation():
        page.get_by_role("button", name="Record the appeal's outcome and issue the letter").click()
    expect(page.get_by_text("The appeal's outcome has been recorded and the letter issued.")).to_be_visible()
    expect(
        page.get_by_text("a panel of councillors: Councillor Robert Hale and Councillor Yasmin Ali")
    ).to_be_visible()
    assert run_axe(page) == []
    assert _download(page, tmp_path, "Outcome of the appeal").startswith(b"%PDF")
    page.get_by_role("button", name="Sign out").click()

    # The employee reads her letters and what the warning asks of her.
    sign_in(page, demo_email("grace.thornton"), DEMO_PASSWORD)
    page.get_by_role("link", name="There is something to read in your employment record").click()
    page.get_by_role("link", name="Case DC-").click()
    assert page.url == case_url
    expect(page.get_by_text("This warning stays live until")).to_be_visible()
    expect(page.get_by_text("You can bring a companion to the hearing")).to_be_visible()
    assert run_axe(page) == []
    assert _download(page, tmp_path, "Invitation to the disciplinary hearing") == invitation
    assert page.console_errors == []
