"""The channels register in the browser: the council's decision behind each corporate
channel, and the risk register saying which risks Networking Policy 3.4 requires."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from portal.demo import DEMO_PASSWORD, demo_email
from tests.browser.conftest import run_axe, sign_in

pytestmark = pytest.mark.browser

MINUTE = "Minute 24/077, Council meeting 9 July 2024"


def test_the_clerk_adds_a_corporate_channel_only_with_the_councils_decision(page, demo_council):
    sign_in(page, demo_email("clerk"), DEMO_PASSWORD)
    page.goto("/authorisations/channels")
    website = page.get_by_role("row").filter(has_text="Ashcombe Town Council website")
    expect(website).to_contain_text("Corporate")
    expect(website).to_contain_text("Minute 14/032, Council meeting 13 January 2014")
    assert run_axe(page) == []

    page.get_by_label("Platform").select_option(label="YouTube")
    page.get_by_label("Name or handle").fill("Ashcombe Town Council meetings")
    page.get_by_label("Web address").fill("https://www.youtube.com/@ashcombe-tc-example")
    with page.expect_navigation():
        page.get_by_role("button", name="Add channel").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text(
        "Enter the council resolution or minute reference that set up this channel"
    )
    assert page.title().startswith("Error: ")
    assert run_axe(page) == []

    page.get_by_label("The council's decision").fill(MINUTE)
    with page.expect_navigation():
        page.get_by_role("button", name="Add channel").click()
    expect(page.get_by_text("has been added to the register")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="Ashcombe Town Council meetings")
    expect(row).to_contain_text(MINUTE)

    row.get_by_role("link", name="Change").click()
    expect(page.get_by_role("heading", name="The council's decision for this channel")).to_be_visible()
    assert run_axe(page) == []
    page.get_by_label("Council resolution or minute reference").fill(
        "Minute 24/081, Council meeting 9 July 2024"
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_role("row").filter(has_text="Ashcombe Town Council meetings")).to_contain_text(
        "Minute 24/081"
    )
    assert page.console_errors == []


def test_the_risk_register_says_which_risks_the_policy_requires(page, demo_council):
    sign_in(page, demo_email("events.manager"), DEMO_PASSWORD)
    page.goto("/business-cases")
    page.get_by_role("link", name="Ashcombe Markets").first.click()
    table = page.get_by_role("table").filter(has_text="Risks, before and after controls")
    expect(table.get_by_role("row").filter(has_text="Malicious or abusive comments")).to_contain_text(
        "Required by the Networking Policy section 3.4"
    )
    expect(table.get_by_role("row").filter(has_text="Copyright")).to_contain_text(
        "The council's good practice"
    )
    expect(page.locator("#starting-risks")).to_contain_text("The council's good practice")
    assert run_axe(page) == []
    assert page.console_errors == []
