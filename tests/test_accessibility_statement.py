"""The accessibility statement (Public Sector Bodies Accessibility Regulations 2018): a
contact to report a problem, the date and method of the last tests from data, and what
is known not to be accessible, with the alternatives that really exist."""

from __future__ import annotations

import io
import json
import textwrap
from datetime import date

import pytest
from pypdf import PdfReader

from portal import create_app
from portal.config import PROJECT_ROOT, Settings
from portal.documents.render import render_pdf_from_html
from portal.home import statement
from portal.home.statement import (
    AccessibilityTest,
    StatementDataError,
    StatementFacts,
    load_statement_facts,
    parse_statement_facts,
)
from tests.conftest import settings_for
from tests.helpers import text_of

GOOD = textwrap.dedent(
    """\
    statement_prepared_on: 2026-11-21
    statement_reviewed_on: 2026-11-30
    automated_test:
      last_tested_on: 2026-11-30
      by: the developers
      method: axe-core in Chromium on every page.
    manual_test: null
    """
)


def _statement(client) -> str:
    response = client.get("/accessibility")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_statement_gives_the_contact_from_the_settings(app, client, monkeypatch):
    settings = app.config["PORTAL_SETTINGS"]
    monkeypatch.setattr(settings, "accessibility_email", "access@ashcombe-tc.example")
    monkeypatch.setattr(settings, "accessibility_phone", "01632 960 123")
    html = _statement(client)
    assert 'href="mailto:access@ashcombe-tc.example"' in html and 'href="tel:01632960123"' in html
    words = text_of(html)
    assert "email: access@ashcombe-tc.example telephone: 01632 960 123" in words
    reporting = words.split("Reporting accessibility problems with this website")[1].split("Enforcement")[0]
    assert "access@ashcombe-tc.example or on 01632 960 123" in reporting

    monkeypatch.setattr(settings, "accessibility_phone", "")
    words = text_of(_statement(client))
    assert "telephone" not in words and "email: access@ashcombe-tc.example" in words


def test_the_statement_reports_the_last_tests_from_the_data_file(app, client, monkeypatch):
    facts = load_statement_facts()
    words = text_of(_statement(client))
    day = facts.automated.tested_on.strftime("%-d %B %Y")
    assert (
        f"last tested automatically on {day} against the WCAG 2.2 AA standard, by {facts.automated.by}"
        in words
    )
    assert facts.automated.method in words
    assert f"It was last reviewed on {facts.reviewed_on.strftime('%-d %B %Y')}." in words
    assert "has not yet been tested by hand" in words  # the committed file records none

    by_hand = AccessibilityTest(
        date(2026, 12, 3), "an accessibility auditor", "NVDA with Firefox, keyboard only."
    )
    monkeypatch.setitem(
        app.extensions,
        "accessibility_statement",
        StatementFacts(date(2026, 11, 21), date(2026, 12, 4), facts.automated, by_hand),
    )
    words = text_of(_statement(client))
    assert (
        "last tested by hand on 3 December 2026, by an accessibility auditor. Method: NVDA with Firefox"
        in words
    )
    assert "has not yet been tested by hand" not in words


def test_the_statement_says_what_is_not_accessible_and_what_to_use_instead(client):
    words = text_of(_statement(client))
    assert "partially compliant" in words
    known = words.split("Non-compliance with the accessibility regulations")[1].split(
        "Disproportionate burden"
    )[0]
    for claim in (
        "without accessibility tags",
        "1.3.1",
        "1.1.1",
        "cannot be corrected",
        "break its signature",
    ):
        assert claim in known
    assert (
        "receipt checking page" in known and "ask the Town Clerk for its content in another format" in known
    )


def test_the_alternatives_the_statement_offers_exist(app):
    """It promises a receipt's facts on the checking page, an authorisation's page, and the
    compliance figures as a page and a CSV: those routes must be there."""
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert {"receipts.verify", "authorisations.show", "reports.index", "reports.export_csv"} <= endpoints


def test_the_portals_pdfs_are_untagged_as_the_statement_says(app):
    """If documents gain accessibility tags, this fails: then update the statement."""
    with app.app_context():
        pdf = render_pdf_from_html("<html lang='en-GB'><body><h1>Receipt</h1><p>Text</p></body></html>")
    catalogue = PdfReader(io.BytesIO(pdf)).trailer["/Root"]
    assert "/StructTreeRoot" not in catalogue


def test_the_committed_data_file_is_sound_and_names_the_axe_in_use():
    facts = load_statement_facts()
    assert facts.prepared_on <= facts.reviewed_on
    axe = json.loads((PROJECT_ROOT / "node_modules" / "axe-core" / "package.json").read_text())["version"]
    major_minor = ".".join(axe.split(".")[:2])
    assert f"axe-core {major_minor}" in facts.automated.method, "update portal/home/accessibility.yaml"


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        (
            ("statement_reviewed_on: 2026-11-30", "statement_reviewed_on: 30/11/2026"),
            "statement_reviewed_on must be a date",
        ),
        (
            ("statement_reviewed_on: 2026-11-30", "statement_reviewed_on: 2026-11-01"),
            "is before statement_prepared_on",
        ),
        (("  last_tested_on: 2026-11-30", "  last_tested_on: 2026-12-01"), "automated_test is newer than"),
        (("  by: the developers", "  by: ''"), "automated_test.by must be some text"),
        (("  method: axe-core in Chromium on every page.\n", ""), "automated_test: missing method"),
        (("manual_test: null", "manual_tests: null"), "missing manual_test; unknown manual_tests"),
        (("manual_test: null", "manual_test: yes"), "manual_test must be a set of keys"),
        (
            ("manual_test: null", "manual_test:\n  last_tested_on: 2026-11-29\n  by: x"),
            "manual_test: missing method",
        ),
        (("statement_prepared_on: 2026-11-21", "statement_prepared_on: [2026"), "not readable YAML"),
    ],
)
def test_a_data_file_that_cannot_be_trusted_is_refused(change, complaint):
    old, new = change
    assert old in GOOD
    with pytest.raises(StatementDataError, match=complaint):
        parse_statement_facts(GOOD.replace(old, new))


def test_a_recorded_manual_test_is_read():
    facts = parse_statement_facts(
        GOOD.replace(
            "manual_test: null",
            "manual_test:\n  last_tested_on: 2026-11-28\n  by: an auditor\n"
            "  method: >-\n    NVDA and\n    keyboard.",
        )
    )
    assert facts.manual == AccessibilityTest(date(2026, 11, 28), "an auditor", "NVDA and keyboard.")


def test_the_portal_will_not_start_with_a_data_file_it_cannot_trust(database_url, tmp_path, monkeypatch):
    broken = tmp_path / "accessibility.yaml"
    broken.write_text(GOOD.replace("statement_reviewed_on: 2026-11-30", "statement_reviewed_on: soon"))
    monkeypatch.setattr(statement, "ACCESSIBILITY_FILE", broken)
    with pytest.raises(StatementDataError, match="statement_reviewed_on must be a date"):
        create_app(settings_for(database_url))


def test_the_contact_and_the_channels_policy_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("PORTAL_ACCESSIBILITY_EMAIL", " access@example-tc.gov.uk ")
    monkeypatch.setenv("PORTAL_ACCESSIBILITY_PHONE", "01632 960 123")
    monkeypatch.setenv("PORTAL_CHANNELS_POLICY", "our-comms")
    settings = Settings.from_environment()
    assert (settings.accessibility_email, settings.accessibility_phone, settings.channels_policy) == (
        "access@example-tc.gov.uk",
        "01632 960 123",
        "our-comms",
    )
