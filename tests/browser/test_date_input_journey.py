"""A date typed as day, month and year (the GOV.UK date input pattern) in the browser:
a half-typed date comes back with what was typed and the missing box marked, the error
summary's link goes to that box, and the page passes axe, refused and not."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from portal.demo import DEMO_PASSWORD, demo_email
from tests.browser.conftest import expect_date, fill_date, run_axe, sign_in

pytestmark = pytest.mark.browser


def test_a_half_typed_start_date_is_kept_and_the_missing_month_asked_for(page, demo_council):
    sign_in(page, demo_email("admin"), DEMO_PASSWORD)
    page.goto("/people/new")
    assert page.locator('input[type="date"]').count() == 0
    start = page.get_by_role("group", name="Start date", exact=True)
    expect(start.locator("legend")).to_have_text("Start date")
    assert run_axe(page) == []

    page.get_by_label("Full name").fill("Yusuf Datewise")
    page.get_by_label("Email address", exact=True).fill("yusuf@ashcombe-tc.example")
    page.get_by_label("How they work for the council").select_option("volunteer")
    start.get_by_label("Day", exact=True).fill("23")
    start.get_by_label("Year", exact=True).fill("2026")
    with page.expect_navigation():
        page.get_by_role("button", name="Add person").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Start date must include a month")
    expect(page.locator("#start_date-error")).to_contain_text("Start date must include a month")
    expect(start.get_by_label("Day", exact=True)).to_have_value("23")
    expect(start.get_by_label("Year", exact=True)).to_have_value("2026")
    expect(start.get_by_label("Month", exact=True)).to_have_class(
        "govuk-input govuk-date-input__input govuk-input--width-2 govuk-input--error"
    )
    expect(start.get_by_label("Day", exact=True)).not_to_have_class("govuk-input--error")
    expect(page.get_by_label("Full name")).to_have_value("Yusuf Datewise")
    assert run_axe(page) == []

    summary.get_by_role("link", name="Start date must include a month").click()
    expect(start.get_by_label("Month", exact=True)).to_be_focused()

    fill_date(page, "Start date", date(2026, 11, 23))
    with page.expect_navigation():
        page.get_by_role("button", name="Add person").click()
    expect(page.get_by_text("Yusuf Datewise has been added")).to_be_visible()


def test_a_date_already_held_is_shown_in_the_three_boxes(page, demo_council):
    sign_in(page, demo_email("admin"), DEMO_PASSWORD)
    page.goto("/people/new")
    page.get_by_label("Full name").fill("Wren Prefilled")
    page.get_by_label("Email address", exact=True).fill("wren@ashcombe-tc.example")
    page.get_by_label("How they work for the council").select_option("volunteer")
    fill_date(page, "Start date", date(2026, 3, 9))
    with page.expect_navigation():
        page.get_by_role("button", name="Add person").click()
    expect(page.get_by_text("Wren Prefilled has been added")).to_be_visible()
    page.get_by_role("link", name="Edit details").click()
    expect_date(page, "Start date", date(2026, 3, 9))
    assert run_axe(page) == []
