"""Real-browser tests: Playwright driving Debian's chromium against a live portal.

The portal is served from a thread on a free loopback port, backed by the same
test database as everything else (so these run on SQLite and on PostgreSQL too).
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from portal.config import PROJECT_ROOT
from portal.demo import load_demo_council

CHROMIUM = os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
AXE_SCRIPT = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"


def _unavailable(reason: str) -> None:
    if os.environ.get("PORTAL_REQUIRE_BROWSER") == "1":
        pytest.fail(f"browser tests are required but {reason}")
    pytest.skip(f"browser tests skipped: {reason}")


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        _unavailable(f"chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    if not AXE_SCRIPT.exists():
        _unavailable("axe-core is missing; run `npm ci`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        yield browser
        browser.close()


class LiveServer:
    def __init__(self, app: Flask) -> None:
        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request drowns the failures
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.shutdown()
        self.thread.join(timeout=10)


@pytest.fixture(scope="session")
def live_server(app: Flask) -> Iterator[LiveServer]:
    with LiveServer(app) as server:
        yield server


@pytest.fixture
def demo_council(app, session) -> None:
    with app.app_context():  # receipts of the demo signatures are rendered from templates
        load_demo_council(session)
    session.commit()


@pytest.fixture
def page(chromium, live_server) -> Iterator[object]:
    context = chromium.new_context(base_url=live_server.url)
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda message: message.type == "error" and page.console_errors.append(message.text))
    yield page
    context.close()


def run_axe(page) -> list[dict]:
    """Every axe violation on the current page, of any impact: the WCAG 2.2 A and AA
    rules and axe's best practices (landmarks, one main heading, regions)."""
    page.evaluate(AXE_SCRIPT.read_text())  # DevTools evaluation is not subject to the page's CSP
    result = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: 'tag', values: [
                'wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'
            ]}
        })"""
    )
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "where": [n["target"] for n in v["nodes"]]}
        for v in result["violations"]
    ]


def fill_date(page, legend: str, when: date) -> None:
    """Types a date into the day, month and year boxes under `legend` (the GOV.UK date
    input pattern), as a person does."""
    boxes = page.get_by_role("group", name=legend, exact=True)
    for part, number in (("Day", when.day), ("Month", when.month), ("Year", when.year)):
        boxes.get_by_label(part, exact=True).fill(str(number))


def expect_date(page, legend: str, when: date) -> None:
    """The day, month and year boxes under `legend` show `when`."""
    from playwright.sync_api import expect

    boxes = page.get_by_role("group", name=legend, exact=True)
    for part, number in (("Day", when.day), ("Month", when.month), ("Year", when.year)):
        expect(boxes.get_by_label(part, exact=True)).to_have_value(str(number))


def sign_in(page, email: str, password: str) -> None:
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()


def open_case_about_grace(page) -> None:
    """HR, signed in, opens a disciplinary case about the demo employee Grace Thornton."""
    from portal.demo import demo_email

    page.get_by_role("link", name="Disciplinary records").click()
    page.get_by_role("link", name="Open a case").click()
    page.get_by_label("Email address of the employee").fill(demo_email("grace.thornton"))
    page.get_by_label("The allegation").fill("Posted that the office would be empty over Christmas.")
    fill_date(page, "Date of the incident", date.today())
    page.get_by_label("Policy").select_option(label="Social Media & Networking Policy")
    page.get_by_label("Sections alleged to have been breached").fill("3.2")
    page.get_by_label("Email address of the investigating officer").fill(demo_email("hr"))
    with page.expect_navigation():
        page.get_by_role("button", name="Open the case").click()


def arrange_hearing_by(page, officer_email: str, **reason: str) -> None:
    """HR, on a case page, arranges today's hearing heard by one officer, and issues the
    invitation. `reason` (independence_reason=...) when the investigating officer hears it."""
    fill_date(page, "Date of the hearing", date.today())
    page.get_by_label("Time", exact=True).fill("14:30")
    page.get_by_label("Place", exact=True).fill("Committee Room, Town Hall")
    page.get_by_label("The evidence the hearing will consider").fill("The screenshot of the post.")
    page.get_by_label("The most serious outcome it could reach").select_option(
        label="A final written warning"
    )
    page.get_by_label("An officer (one person)").check()
    page.get_by_label("Email address of the hearing officer (if an officer hears it)").fill(officer_email)
    if reason:
        page.get_by_label("Why the investigating officer hears it").fill(reason["independence_reason"])
    with page.expect_navigation():
        page.get_by_role("button", name="Arrange the hearing and issue the invitation").click()
