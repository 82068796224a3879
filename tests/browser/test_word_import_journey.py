"""A policy written in Word, in the browser (issue 20, part 3): the Town Clerk uploads a
.docx on the draft form of the policy library, lands on the preview with its sections
numbered as in Word, and is told plainly which headings lost their numbers. A
password-protected file is refused on the form. Every page passes axe."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from portal.demo import DEMO_PASSWORD, demo_email
from tests.browser.conftest import run_axe, sign_in
from tests.policies.word_files import networking_policy

pytestmark = pytest.mark.browser

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PROTECTED = bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 504 + "EncryptedPackage".encode("utf-16-le")


def _draft_from_word(page, label: str, content: bytes) -> None:
    page.goto("/policies/social-media-networking/versions")
    page.get_by_role("link", name="Draft a new version").click()
    page.get_by_label("Version label").fill(label)
    page.get_by_label("Summary of changes").fill("Rewritten in Word")
    page.get_by_label("Or upload the policy as a Word document (.docx)").set_input_files(
        files=[{"name": "networking.docx", "mimeType": DOCX, "buffer": content}]
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Save draft and preview").click()


def test_the_clerk_uploads_a_word_document_and_previews_its_sections(page, demo_council):
    sign_in(page, demo_email("clerk"), DEMO_PASSWORD)
    page.goto("/policies/social-media-networking/versions/new")
    expect(page.get_by_label("Or upload the policy as a Word document (.docx)")).to_be_visible()
    assert run_axe(page) == []

    _draft_from_word(page, "2026.9", networking_policy())
    expect(page.get_by_text("Preview of draft 2026.9")).to_be_visible()
    sections = page.get_by_role("navigation", name="Sections")
    for label in ("1 Purpose", "2 Private use", "2.1 Breaks", "2.2 Confidential information"):
        expect(sections.get_by_role("link", name=label, exact=True)).to_be_visible()
    breaks = page.locator("#section-2-1")
    expect(breaks.locator("ol").nth(1)).to_have_attribute("start", "3")
    expect(page.locator("#section-1 strong")).to_have_text("social media")
    expect(page.get_by_text("could not be read back")).to_have_count(0)
    assert run_axe(page) == []

    _draft_from_word(page, "2026.10", networking_policy(defined=False))
    expect(page.get_by_text("Preview of draft 2026.10")).to_be_visible()
    expect(page.get_by_text("their numbers could not be read back", exact=False)).to_be_visible()
    expect(
        page.get_by_text("Purpose; Private use; Breaks; Confidential information", exact=False)
    ).to_be_visible()
    assert run_axe(page) == []

    _draft_from_word(page, "2026.11", PROTECTED)
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("The file is password-protected")
    expect(page.locator("#document-error")).to_contain_text("remove the password")
    assert run_axe(page) == []
    page.goto("/policies/social-media-networking/versions")
    expect(page.get_by_text("2026.11")).to_have_count(0)
    assert page.console_errors == []
