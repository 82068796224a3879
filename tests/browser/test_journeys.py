from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from portal.demo import DEMO_PASSWORD, demo_email
from tests.browser.conftest import run_axe, sign_in

pytestmark = pytest.mark.browser


def test_sign_in_and_sign_out(page, demo_council):
    page.goto("/")
    assert page.url.endswith("/sign-in?next=%2F")
    sign_in(page, demo_email("nina.foster"), DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="What I need to do")).to_be_visible()
    expect(page.get_by_text("Signed in as")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You have signed out.")).to_be_visible()
    page.goto("/")
    assert "/sign-in" in page.url
    assert page.console_errors == []  # includes any Content-Security-Policy refusal


def test_a_wrong_password_shows_an_accessible_error_summary(page, demo_council):
    sign_in(page, demo_email("nina.foster"), "not the right password")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    assert "Enter a correct email address and password" in summary.inner_text()
    assert page.title().startswith("Error: ")
    # GOV.UK Frontend's JavaScript moves focus to the summary for screen readers.
    assert page.evaluate("document.activeElement.classList.contains('govuk-error-summary')")
    assert run_axe(page) == []


def test_an_administrator_adds_a_person_and_creates_their_invitation(page, demo_council):
    sign_in(page, demo_email("admin"), DEMO_PASSWORD)
    page.get_by_role("link", name="People").click()
    page.get_by_role("link", name="Add a person").click()
    page.get_by_role("button", name="Add person").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert run_axe(page) == []
    page.get_by_label("Full name").fill("Zara Newstarter")
    page.get_by_label("Email address", exact=True).fill("zara@ashcombe-tc.example")
    page.get_by_label("How they work for the council").select_option("volunteer")
    page.get_by_label("Start date").fill("2026-11-23")
    page.get_by_role("button", name="Add person").click()
    expect(page.get_by_text("Zara Newstarter has been added")).to_be_visible()
    page.get_by_role("button", name="Create an invitation link").click()
    link = page.locator("#sign-in-link").inner_text()
    assert "/set-password/" in link

    newcomer = page.context.browser.new_context(base_url=page.url.split("/people")[0])
    their_page = newcomer.new_page()
    their_page.goto(link)
    their_page.get_by_label("New password", exact=True).fill("summer meadow lantern")
    their_page.get_by_label("Confirm new password").fill("summer meadow lantern")
    their_page.get_by_role("button", name="Save password").click()
    expect(their_page.get_by_text("Your password has been set")).to_be_visible()
    newcomer.close()


def test_a_new_starter_signs_both_policies_and_verifies_a_receipt(page, demo_council, tmp_path):
    sign_in(page, demo_email("nina.foster"), DEMO_PASSWORD)
    signing_tasks = page.locator(".govuk-task-list__link", has_text="Read and sign")
    assert signing_tasks.count() == 2
    receipt_path = None
    for _ in range(2):
        page.goto("/")
        page.locator(".govuk-task-list__link", has_text="Read and sign").first.click()
        expect(page.get_by_role("heading", name="Sections")).to_be_visible()

        # Sign without ticking the box first: the error summary explains.
        page.get_by_label("Type your full name").fill("Nina Foster")
        page.get_by_label("Enter your password again").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Sign the policy").click()
        assert "Tick the box to confirm the statement" in page.locator(".govuk-error-summary").inner_text()
        assert run_axe(page) == []
        page.get_by_label("I confirm the statement above").check()
        page.get_by_label("Type your full name").fill("Nina Foster")
        page.get_by_label("Enter your password again").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Sign the policy").click()
        expect(page.get_by_role("heading", name="Policy signed")).to_be_visible()
        assert run_axe(page) == []
        with page.expect_download() as download:
            page.get_by_role("link", name="Download your receipt (PDF)").click()
        receipt_path = tmp_path / download.value.suggested_filename
        download.value.save_as(receipt_path)
    page.goto("/")
    assert page.locator(".govuk-task-list__link", has_text="Read and sign").count() == 0
    expect(page.locator(".govuk-task-list__link", has_text="Take the quiz")).to_be_visible()

    page.goto("/receipts/verify")
    page.get_by_label("Or upload the receipt PDF").set_input_files(str(receipt_path))
    page.get_by_role("button", name="Check receipt").click()
    expect(page.get_by_text("This receipt is genuine")).to_be_visible()
    assert "Nina Foster" in page.locator("main").inner_text()
    assert run_axe(page) == []
    assert page.console_errors == []


def _answer_current_question(page, session, *, right: bool) -> None:
    """Answer the question on screen, looking up in the database which option is right."""
    from sqlalchemy import select
    from sqlalchemy.orm import selectinload

    from portal.training.attempts import scenario_path
    from portal.training.models import AttemptQuestion

    attempt_id, position = (int(part) for part in page.url.split("/attempts/")[1].split("/questions/"))
    session.expire_all()  # the live server has saved answers since the last look
    item = session.scalar(
        select(AttemptQuestion)
        .options(selectinload(AttemptQuestion.question))
        .where(AttemptQuestion.attempt_id == attempt_id, AttemptQuestion.position == position)
    )
    session.commit()  # end the read, so the live server is free to write
    question = item.question
    if question.kind == "scenario":
        step, _ = scenario_path(question, item.answer or [])
        choices = question.content["steps"][step]["choices"]
        choice = max(choices, key=lambda c: c["score"]) if right else min(choices, key=lambda c: c["score"])
        page.get_by_label(choice["text"], exact=True).check()
    else:
        for option in question.content["options"]:
            if (option["score"] > 0) == right:
                page.get_by_label(option["text"], exact=True).check()
                if question.kind != "multiple":
                    break
    with page.expect_navigation():
        page.get_by_role("button", name="Save and continue").click()


def _take(page, session, *, wrong_topics: set[str]) -> None:
    from sqlalchemy import select

    from portal.training.models import AttemptQuestion, QuestionVersion

    while "/questions/" in page.url:
        attempt_id, position = (int(part) for part in page.url.split("/attempts/")[1].split("/questions/"))
        topic = session.scalar(
            select(QuestionVersion.topic)
            .join(AttemptQuestion, AttemptQuestion.question_version_id == QuestionVersion.id)
            .where(AttemptQuestion.attempt_id == attempt_id, AttemptQuestion.position == position)
        )
        session.commit()
        _answer_current_question(page, session, right=topic not in wrong_topics)
    assert page.url.endswith("/review")
    with page.expect_navigation():
        page.get_by_role("button", name="Submit your answers").click()


def test_a_new_starter_fails_the_onboarding_quiz_retakes_the_failed_topics_and_passes(
    page, session, demo_council
):
    sign_in(page, demo_email("nina.foster"), DEMO_PASSWORD)
    page.get_by_role(
        "link", name="Take the quiz: Social media and communications at Ashcombe Town Council"
    ).click()
    with page.expect_navigation():
        page.get_by_role("button", name="Start the quiz").click()
    assert run_axe(page) == []
    failed = {"private-use", "confidentiality", "social-engineering"}
    _take(page, session, wrong_topics=failed)
    expect(page.get_by_role("heading", name="You did not pass this time")).to_be_visible()
    assert page.locator("details.govuk-details").count() > 0  # the cited clauses, ready to open
    assert run_axe(page) == []
    with page.expect_navigation():
        page.get_by_role("button", name="Retake the topics you did not pass").click()
    from sqlalchemy import select

    from portal.training.models import Attempt

    retake = session.scalars(select(Attempt).order_by(Attempt.id.desc())).first()
    session.commit()
    assert retake.number == 2 and set(retake.remedial_topics) == failed
    _take(page, session, wrong_topics=set())
    expect(page.get_by_role("heading", name="You passed")).to_be_visible()
    assert run_axe(page) == []
    page.goto("/training")
    expect(page.get_by_text("Passed", exact=True).first).to_be_visible()
    assert page.console_errors == []


def _make_ready(app, session, email: str) -> None:
    """What the person would do themselves: sign the policies and pass the poster module."""
    from sqlalchemy import select
    from sqlalchemy.orm import selectinload

    from portal.people.models import Person
    from portal.policies.service import current_version, list_policies
    from portal.policies.signing import RequestDetails, sign
    from portal.training.attempts import get_quiz, start_attempt, submit
    from tests.training.helpers import answer_all

    person = session.scalar(
        select(Person).options(selectinload(Person.role_grants)).where(Person.email == email)
    )
    with app.app_context():
        for policy in list_policies(session):
            sign(
                session,
                person,
                policy,
                version_id=current_version(policy).id,
                password=DEMO_PASSWORD,
                typed_name=person.name,
                confirmed=True,
                request=RequestDetails(),
            )
        attempt = start_attempt(session, person, get_quiz(session, "authorised-poster"))
        answer_all(session, person, attempt, right=True)
        submit(session, person, attempt)
    session.commit()


def test_request_issue_verify_and_revoke_an_authorisation(app, page, session, demo_council, tmp_path):
    sign_in(page, demo_email("events.manager"), DEMO_PASSWORD)
    page.get_by_role("link", name="Posting for the council").click()
    page.get_by_role("link", name="Request an authorisation").click()
    page.get_by_label("Email address of the person").fill(demo_email("chloe.martin"))
    page.get_by_label("Ashcombe Town Council (facebook)").check()
    page.get_by_label("What they may publish").fill("Notices of council events only")
    page.get_by_label("Starts on").fill(date.today().isoformat())
    page.get_by_label("Ends on").fill((date.today() + timedelta(days=180)).isoformat())
    page.get_by_label("Why they need it").fill("Chloe runs the events programme")
    with page.expect_navigation():
        page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_text("has been sent to the Mayor and the Town Clerk")).to_be_visible()
    request_url = page.url
    page.get_by_role("button", name="Sign out").click()

    _make_ready(app, session, demo_email("chloe.martin"))

    sign_in(page, demo_email("clerk"), DEMO_PASSWORD)
    page.goto(request_url)
    expect(page.get_by_text("has signed the current policies and passed the module")).to_be_visible()
    assert run_axe(page) == []
    page.get_by_label("Type your full name to sign").fill("Helen Marsh")
    page.get_by_label("Enter your password again").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign and issue").click()
    expect(page.get_by_text("has been issued")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the letter (PDF)").click()
    letter = tmp_path / download.value.suggested_filename
    download.value.save_as(letter)
    assert letter.read_bytes().startswith(b"%PDF") and letter.name.startswith("PA-")
    verify_url = page.locator("a[href*='/verify/']").get_attribute("href")
    page.get_by_role("button", name="Sign out").click()

    page.goto(verify_url)  # not signed in: anyone can check
    expect(page.get_by_role("heading", name="Valid")).to_be_visible()
    assert "Chloe Martin" in page.locator("main").inner_text()
    assert run_axe(page) == []

    sign_in(page, demo_email("mayor"), DEMO_PASSWORD)
    page.goto(request_url)
    page.get_by_label("Reason for revoking").fill("Posted about a party political meeting")
    with page.expect_navigation():
        page.get_by_role("button", name="Revoke now").click()
    expect(page.get_by_text("It ended at once")).to_be_visible()
    page.goto(verify_url)
    expect(page.get_by_text("Revoked", exact=True)).to_be_visible()
    assert page.console_errors == []
