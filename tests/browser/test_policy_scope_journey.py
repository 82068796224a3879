"""The Town Clerk drafts a new version of the Networking Policy and sees whom it binds: the
draft starts from the current version's scope (no councillors), a change of scope shows
on the preview and in the comparison, and every page passes axe."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from portal.demo import DEMO_PASSWORD, demo_email
from tests.browser.conftest import run_axe, sign_in

pytestmark = pytest.mark.browser


def test_the_clerk_drafts_a_version_that_says_whom_it_binds(page, demo_council):
    sign_in(page, demo_email("clerk"), DEMO_PASSWORD)
    page.get_by_role("link", name="Policies", exact=True).first.click()
    page.locator("a[href$='/social-media-networking/versions']").click()
    expect(page.get_by_text("Who must sign it now (the scope of version 2026.1)")).to_be_visible()
    assert run_axe(page) == []

    page.get_by_role("link", name="Draft a new version").click()
    expect(page.get_by_label("Employee", exact=True)).to_be_checked()
    expect(page.get_by_label("Councillor", exact=True)).not_to_be_checked()
    page.get_by_label("Version label").fill("2026.2")
    page.get_by_label("Summary of changes").fill("Volunteers sign the Volunteer Agreement instead")
    for group in ["Employee", "Temporary worker", "Bank worker", "Agency worker", "On secondment"]:
        page.get_by_label(group, exact=True).uncheck()
    for group in ["Honorary post", "Contractor", "Volunteer"]:
        page.get_by_label(group, exact=True).uncheck()
    page.get_by_role("button", name="Save draft and preview").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Choose at least one group of people who must sign it")
    assert run_axe(page) == []

    for group in ["Employee", "Temporary worker", "Bank worker", "Agency worker", "On secondment"]:
        page.get_by_label(group, exact=True).check()
    page.get_by_label("Honorary post", exact=True).check()
    page.get_by_label("Contractor", exact=True).check()
    page.get_by_role("button", name="Save draft and preview").click()
    expect(page.get_by_text("This draft changes who must sign, compared with version 2026.1")).to_be_visible()
    expect(page.get_by_text("No longer to be signed by: Volunteer")).to_be_visible()
    assert run_axe(page) == []

    page.get_by_role("link", name="Back to versions").click()
    page.get_by_label("Older version").select_option(label="2026.1")
    page.get_by_label("Newer version").select_option(label="2026.2")
    page.get_by_role("button", name="Compare").click()
    expect(page.get_by_role("heading", name="Who must sign Changed")).to_be_visible()
    expect(page.get_by_text("No longer to be signed by: Volunteer")).to_be_visible()
    assert run_axe(page) == []
    assert page.console_errors == []
