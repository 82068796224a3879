"""Separation of duties in the browser: the Clerk proposes a privileged role, the Deputy
approves it from her home page, and an administrator is not offered the role at all."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from portal.demo import DEMO_PASSWORD, demo_email
from tests.browser.conftest import run_axe, sign_in

pytestmark = pytest.mark.browser


def test_the_clerk_proposes_hr_and_the_deputy_approves_it(page, demo_council):
    sign_in(page, demo_email("clerk"), DEMO_PASSWORD)
    page.get_by_role("link", name="Privileged roles").click()
    expect(page.get_by_role("heading", name="Privileged roles", level=1)).to_be_visible()
    assert run_axe(page) == []
    page.get_by_role("button", name="Propose the change").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert run_axe(page) == []
    page.get_by_label("Email address of the person").fill(demo_email("nina.foster"))
    page.get_by_label("Role").select_option("hr")
    page.get_by_role("button", name="Propose the change").click()
    expect(page.get_by_text("It takes effect when a second person approves it")).to_be_visible()
    # The proposer is never offered the approval.
    expect(page.get_by_role("button", name="Approve")).to_have_count(0)
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, demo_email("deputy"), DEMO_PASSWORD)
    task = page.get_by_role("link", name="Approve or refuse: Make Nina Foster HR")
    expect(task).to_be_visible()
    task.click()
    assert run_axe(page) == []
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_text("Make Nina Foster HR: approved.")).to_be_visible()
    hr_row = page.locator(".govuk-summary-list__row", has_text="HR")
    expect(hr_row).to_contain_text("Nina Foster")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, demo_email("admin"), DEMO_PASSWORD)
    expect(page.get_by_role("link", name="Privileged roles")).to_have_count(0)
    page.get_by_role("link", name="People").click()
    page.get_by_role("link", name="Add a person").click()
    expect(page.get_by_role("checkbox", name="Manager")).to_be_visible()
    for role in ("HR", "Town Clerk", "Deputy Clerk", "Mayor"):
        expect(page.get_by_role("checkbox", name=role, exact=True)).to_have_count(0)
