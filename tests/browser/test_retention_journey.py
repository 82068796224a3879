"""The retention schedule in the browser: HR finds it from the navigation, reads every
kind with its period and basis, and sees what the last run did. The page passes axe."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from portal.clock import today
from portal.demo import DEMO_PASSWORD, demo_email
from portal.retention import service
from tests.browser.conftest import run_axe, sign_in

pytestmark = pytest.mark.browser


def test_hr_reads_the_schedule_and_what_the_last_run_did(page, app, session, demo_council):
    sign_in(page, demo_email("hr"), DEMO_PASSWORD)
    page.get_by_role("link", name="Retention schedule").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Retention schedule")
    table = page.get_by_role("table")
    expect(table.get_by_role("rowheader", name="Leavers' accounts", exact=False)).to_be_visible()
    leavers = table.get_by_role("row").filter(has_text="Leavers' accounts")
    expect(leavers).to_contain_text("72 months after the person leaves")
    expect(leavers).to_contain_text("Limitation Act 1980")
    expect(table.get_by_role("row").filter(has_text="Emails the portal sent")).to_contain_text("Not run yet")
    assert run_axe(page) == []

    with app.app_context():
        service.run(session, today(), dry_run=False)
        session.commit()
    page.reload()
    expect(table.get_by_role("row").filter(has_text="Emails the portal sent")).to_contain_text("0 removed")
    expect(page.get_by_text("Not run yet")).to_have_count(0)


def test_a_manager_has_no_way_to_the_schedule(page, demo_council):
    sign_in(page, demo_email("finance.manager"), DEMO_PASSWORD)
    expect(page.get_by_role("link", name="Retention schedule")).to_have_count(0)
    response = page.goto("/retention")
    assert response is not None and response.status == 403
