from __future__ import annotations

import re
from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from portal.demo import DEMO_PASSWORD, demo_email
from tests.browser.conftest import arrange_hearing_by, fill_date, open_case_about_grace, run_axe, sign_in

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


def _emailed_link(session, address: str) -> str:
    from sqlalchemy import select

    from portal.outbox.models import OutboxMessage

    session.expire_all()
    body = session.scalar(select(OutboxMessage.text_body).where(OutboxMessage.to_address == address))
    session.rollback()
    link = next(word for word in body.split() if "/set-password/" in word)
    return urlsplit(link).path  # the live server's port is not the configured base URL's


def test_an_administrator_adds_a_person_and_creates_their_invitation(page, session, demo_council):
    sign_in(page, demo_email("admin"), DEMO_PASSWORD)
    page.get_by_role("link", name="People").click()
    page.get_by_role("link", name="Add a person").click()
    page.get_by_role("button", name="Add person").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert run_axe(page) == []
    page.get_by_label("Full name").fill("Zara Newstarter")
    page.get_by_label("Email address", exact=True).fill("zara@ashcombe-tc.example")
    page.get_by_label("How they work for the council").select_option("volunteer")
    fill_date(page, "Start date", date(2026, 11, 23))
    page.get_by_role("button", name="Add person").click()
    expect(page.get_by_text("Zara Newstarter has been added")).to_be_visible()
    with page.expect_navigation():
        page.get_by_role("button", name="Email an invitation").click()
    expect(page.get_by_text("Invitation sent")).to_be_visible()
    assert "/set-password/" not in page.content()  # only the person gets the link
    link = _emailed_link(session, "zara@ashcombe-tc.example")

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
    # The quiz that tests the policies falls due with them, never before (whether she
    # started before or after they reached the portal: training/deadlines.py).
    due = [
        page.locator(".govuk-task-list__item").filter(has_text=task).nth(n).locator(".govuk-task-list__hint")
        for task, n in (("Read and sign", 0), ("Read and sign", 1), ("Take the quiz", 0))
    ]
    assert len({hint.inner_text() for hint in due}) == 1
    receipt_path = None
    for _ in range(2):
        page.goto("/")
        page.locator(".govuk-task-list__link", has_text="Read and sign").first.click()
        expect(page.get_by_role("heading", name="Sections")).to_be_visible()

        # Sign with nothing filled in: every mistake is listed at once, in the form's order.
        page.get_by_role("button", name="Sign the policy").click()
        expect(page.locator(".govuk-error-summary__list li")).to_have_text(
            ["Tick the box to confirm the statement", "Type your full name", "Enter your password"]
        )
        assert run_axe(page) == []
        # A wrong name and no tick: both on the first try (the tick used to wait for the second).
        page.get_by_label("Type your full name").fill("Nina Fostr")
        page.get_by_label("Enter your password again").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Sign the policy").click()
        expect(page.locator(".govuk-error-summary__list li")).to_have_text(
            [
                "Tick the box to confirm the statement",
                "Type your full name exactly as the council has it: Nina Foster",
            ]
        )
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
    checks = " ".join(page.locator("main").inner_text().split())
    assert "Nina Foster" in checks
    assert "Signed with the council's certificate Yes, Ashcombe Town Council" in checks
    assert "Unchanged since it was signed Yes" in checks and "Matches the council's record Yes" in checks
    assert run_axe(page) == []

    # The same receipt with one byte changed: still the council's signature, but broken.
    altered = bytearray(receipt_path.read_bytes())
    altered[altered.index(b"stream\n") + 40] ^= 0x01
    altered_path = tmp_path / "altered-receipt.pdf"
    altered_path.write_bytes(bytes(altered))
    page.get_by_label("Or upload the receipt PDF").set_input_files(str(altered_path))
    page.get_by_role("button", name="Check receipt").click()
    expect(page.get_by_text("No receipt matches")).to_be_visible()
    checks = " ".join(page.locator("main").inner_text().split())
    assert "Unchanged since it was signed No" in checks and "Matches the council's record No" in checks
    assert run_axe(page) == []
    assert page.console_errors == []


def _answer_current_question(page, session, *, right: bool) -> None:
    """Answer the question on screen, looking up in the database which option is right."""
    from sqlalchemy import select
    from sqlalchemy.orm import selectinload

    from portal.training.attempts import scenario_path
    from portal.training.feedback import question_parts
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
    # The question itself is the page's one heading, inside the legend of its answers.
    expect(page.locator("h1")).to_have_count(1)
    if question.kind == "scenario":
        step, _ = scenario_path(question, item.answer or [])
        expect(page.locator("legend h1")).to_contain_text(question.content["steps"][step]["text"])
    else:
        expect(page.locator("legend h1")).to_contain_text(question_parts(question.content["stem"]).asked)
    expect(page.locator("legend h1")).not_to_contain_text("Choose one answer")
    if question.kind == "scenario":
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
    # Topics by name; feedback without doubled stops or a second "Right."; a scenario's
    # path as a list of steps, each with the choice made.
    feedback = " ".join(page.locator("main").inner_text().split())
    assert "Your retake will cover only these topics:" in feedback
    for name in (
        "Private use of social media",
        "Confidential and personal information",
        "Social engineering",
    ):
        expect(page.locator("main li", has_text=name).first).to_be_visible()
    assert "private-use" not in feedback and "social engineering," not in feedback
    assert ".." not in feedback and "(right)" not in feedback and "Right answer Right." not in feedback
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
    from sqlalchemy import select

    from portal.outbox.models import OutboxMessage

    sign_in(page, demo_email("events.manager"), DEMO_PASSWORD)
    page.get_by_role("link", name="Posting for the council").click()
    page.get_by_role("link", name="Request an authorisation").click()
    # The manager picks from their own team, not by typing an address.
    team = page.get_by_label("Person", exact=True)
    expect(team.locator("option", has_text="Chloe Martin")).to_have_count(1)
    expect(team.locator("option", has_text="Helen Marsh")).to_have_count(0)  # not in the team
    team.select_option(label="Chloe Martin")
    page.get_by_label("Ashcombe Town Council (Facebook)").check()
    page.get_by_label("What they may publish").fill("Notices of council events only")
    fill_date(page, "Starts on", date.today())
    fill_date(page, "Ends on", date.today() + timedelta(days=180))
    page.get_by_label("Why they need it").fill("Chloe runs the events programme")
    assert run_axe(page) == []
    with page.expect_navigation():
        page.get_by_role("button", name="Send the request").click()
    expect(
        page.get_by_text("has been sent to Helen Marsh (Town Clerk) and Councillor Margaret Ellison (Mayor)")
    ).to_be_visible()
    request_url = page.url
    page.get_by_role("button", name="Sign out").click()
    # Both signatories are emailed, and Chloe is told which module to take.
    session.commit()
    sent = {(m.kind, m.to_address) for m in session.scalars(select(OutboxMessage))}
    signatories = {demo_email("mayor"), demo_email("clerk")}
    assert {("authorisation_requested", address) for address in signatories} <= sent
    assert ("authorisation_module", demo_email("chloe.martin")) in sent

    _make_ready(app, session, demo_email("chloe.martin"))

    # The Mayor finds the request on her home page and signs with the name she is shown.
    sign_in(page, demo_email("mayor"), DEMO_PASSWORD)
    task = "Decide the request to authorise Chloe Martin to post for the council"
    page.get_by_role("link", name=task).click()
    assert page.url == request_url
    expect(page.get_by_text("has signed the current policies and passed the module")).to_be_visible()
    expect(page.get_by_text("Type your name as it appears here: Councillor Margaret Ellison")).to_be_visible()
    assert run_axe(page) == []
    page.get_by_label("Type your full name to sign").fill("Councillor Margaret Ellison")
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

    sign_in(page, demo_email("clerk"), DEMO_PASSWORD)
    page.goto(request_url)
    page.get_by_label("Reason for revoking").fill("Posted about a party political meeting")
    page.get_by_label("Enter your password again").fill(DEMO_PASSWORD)  # as to issue it
    assert run_axe(page) == []
    with page.expect_navigation():
        page.get_by_role("button", name="Revoke now").click()
    expect(page.get_by_text("It ended at once")).to_be_visible()
    page.goto(verify_url)
    expect(page.get_by_text("Revoked", exact=True)).to_be_visible()
    assert page.console_errors == []


def _fill_business_case(page) -> None:
    """The manager fills in every section, the rota and all eight risks."""
    page.get_by_role("link", name="Edit the account and the written sections").click()
    page.get_by_label("Web address").fill("https://www.facebook.com/ashcombe-makers.example")
    for label in (
        "Purpose",
        "Benefit to the council",
        "Audience",
        "Content plan",
        "Resources and staff time",
        "Records and Freedom of Information",
        "Disclaimer",
        "Exit plan",
    ):
        page.get_by_label(label, exact=True).fill(f"Our plan for: {label.lower()}.")
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="Edit the moderation plan").click()
    assert run_axe(page) == []
    rota = ["Chloe Martin", "Daniel Hughes", "Sarah Collins"]
    for number, day in enumerate(("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")):
        page.get_by_label(f"Moderator on {day}").select_option(label=rota[number % 3])
        page.get_by_label(f"Cover on {day}").select_option(label=rota[(number + 1) % 3])
    page.get_by_label("Target time for removing malicious comments, in hours").fill("4")
    page.get_by_label("How bank holidays are covered").fill("Checked first thing the next working day.")
    page.get_by_label("Who logs information requests").select_option(label="Chloe Martin")
    with page.expect_navigation():
        page.get_by_role("button", name="Save the plan").click()
    expect(page.get_by_text("The moderation plan has been saved")).to_be_visible()
    for number in range(8):
        # Each risk's "Assess" link is in its row of the risk table; its page is headed with its name.
        link = page.get_by_role("link", name=re.compile(r"^Assess ")).first
        name = " ".join(link.text_content().split()).removeprefix("Assess ")
        link.click()
        expect(page.get_by_role("heading", level=1)).to_have_text(name)
        if number == 0:
            assert run_axe(page) == []
        page.get_by_label("What could happen").fill("A risk the case has to manage.")
        page.get_by_label("Likelihood before controls").select_option("3")
        page.get_by_label("Impact before controls").select_option("3")
        page.get_by_label("Existing controls").fill("Weekday moderation by named staff.")
        page.get_by_label("Likelihood after controls").select_option("2")
        page.get_by_label("Impact after controls").select_option("2")
        page.get_by_label("Treatment").select_option("mitigate")
        page.get_by_label("Risk owner").select_option(label="Sarah Collins")
        with page.expect_navigation():
            page.get_by_role("button", name="Save the risk").click()
        page.get_by_role("link", name="Back to the case").click()


def _submit_case(page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Submit for review").click()


def _decide_case(page, case_url: str, decision: str, **comments: str) -> None:
    page.goto(case_url)
    page.get_by_role("button", name="Start the review").click()
    page.wait_for_url("**/decide")
    assert run_axe(page) == []
    for label, text in comments.items():
        page.get_by_label(label).fill(text)
    page.get_by_label(decision).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Record the decision").click()


def test_a_business_case_from_draft_to_approval_and_a_new_channel(page, demo_council, tmp_path):
    sign_in(page, demo_email("events.manager"), DEMO_PASSWORD)
    page.get_by_role("link", name="Business cases").click()
    page.get_by_role("link", name="Start a business case").click()
    page.get_by_label("Platform").select_option("facebook")
    page.get_by_label("Proposed name or handle").fill("Ashcombe Makers")
    with page.expect_navigation():
        page.get_by_role("button", name="Start the case").click()
    case_url = page.url
    # The gaps grouped by the page that fixes them, each with a link: not 77 lines.
    gaps = page.get_by_role("list", name="What is still missing").locator(":scope > li > a")
    expect(gaps).to_have_text(
        [
            "The account and its written sections: 9 things to complete",
            "The moderation plan: 13 things to complete",
            "8 risks not yet assessed",
        ]
    )
    expect(page.get_by_text("Monday: name a moderator")).to_be_visible()
    _submit_case(page)
    expect(page.get_by_text("The case has not been submitted: 3 parts are not finished yet.")).to_be_visible()
    expect(page.get_by_text("Friday: name a cover")).to_be_visible()
    assert run_axe(page) == []
    page.get_by_role("link", name="8 risks not yet assessed").click()
    assert page.url.endswith("#risks")
    expect(page.get_by_role("link", name=re.compile(r"^Assess "))).to_have_count(8)

    _fill_business_case(page)
    expect(page.get_by_text("Nothing is missing")).to_be_visible()
    _submit_case(page)
    expect(page.get_by_text("has gone to the Clerk and the Deputy Clerk")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, demo_email("deputy"), DEMO_PASSWORD)
    _decide_case(
        page,
        case_url,
        "Ask for changes: the case goes back to its author",
        **{"Your comments on Exit plan (optional)": "Say who archives the posts when it closes."},
    )
    expect(page.get_by_text("The case has gone back to its author as a draft")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, demo_email("events.manager"), DEMO_PASSWORD)
    page.goto(case_url)
    expect(page.get_by_text("Changes requested", exact=True)).to_be_visible()
    page.get_by_role("link", name="Edit the account and the written sections").click()
    page.get_by_label("Exit plan", exact=True).fill(
        "The events team archives every post, then closes the page."
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    _submit_case(page)
    expect(page.get_by_role("link", name="Submission 2")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, demo_email("clerk"), DEMO_PASSWORD)
    # The Clerk finds the case in the list by its account's name.
    page.goto("/business-cases")
    page.get_by_label("Case reference, account or department").fill("ashcombe makers")
    with page.expect_navigation():
        page.get_by_role("button", name="Find cases").click()
    expect(page.get_by_text("1 case matching")).to_be_visible()
    assert run_axe(page) == []
    page.goto(case_url)
    page.get_by_role("button", name="Start the review").click()
    page.wait_for_url("**/decide")
    expect(page.get_by_text("Changed since submission 1: Exit plan")).to_be_visible()
    page.get_by_label("Approve (with any conditions below)").check()
    page.get_by_label("Conditions of approval (optional)").fill("No posts during the pre-election period.")
    with page.expect_navigation():
        page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("approved. The account has its place in the channels register")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="decision letter, PDF").last.click()
    letter = tmp_path / download.value.suggested_filename
    download.value.save_as(letter)
    assert letter.read_bytes().startswith(b"%PDF") and letter.name.startswith("BC-")
    page.goto("/authorisations/channels")
    row = page.get_by_role("row").filter(has_text="Ashcombe Makers")
    expect(row).to_contain_text("Monday: Chloe Martin, cover Daniel Hughes")
    assert page.console_errors == []


def test_hr_records_a_warning_with_the_evidence_and_only_the_employee_sees_it(page, demo_council, tmp_path):
    sign_in(page, demo_email("hr"), DEMO_PASSWORD)
    open_case_about_grace(page)
    expect(page.get_by_text("has been opened and the evidence frozen")).to_be_visible()
    expect(page.get_by_text("Grace Thornton signed Social Media & Networking Policy")).to_be_visible()
    assert run_axe(page) == []
    case_url = page.url
    arrange_hearing_by(page, demo_email("deputy"))
    expect(page.get_by_text("The hearing has been arranged and the invitation issued")).to_be_visible()
    page.get_by_label("Outcome stage").select_option(label="First written warning")
    page.get_by_label("Outcome", exact=True).fill("A first written warning.")
    page.get_by_label("Reasons").fill("The post told the public the office would be unattended.")
    fill_date(page, "Date of the decision", date.today())
    page.get_by_label("Improvement needed (for a warning)").fill("Never post when the office is empty.")
    fill_date(page, "Improvement needed by (for a warning)", date.today() + timedelta(days=30))
    with page.expect_navigation():
        page.get_by_role("button", name="Record the outcome").click()
    expect(page.get_by_text("has been recorded")).to_be_visible()

    # The pack is signed with the council's certificate; a copy is checked three ways.
    with page.expect_navigation():
        page.get_by_role("button", name="Make an evidence pack").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Evidence pack").first.click()
    pack_path = tmp_path / download.value.suggested_filename
    download.value.save_as(pack_path)
    page.get_by_label("Check a copy of a pack").set_input_files(str(pack_path))
    with page.expect_navigation():
        page.get_by_role("button", name="Check the copy").click()
    said = " ".join(page.locator("main").inner_text().split())
    assert "This copy is a genuine evidence pack of this case." in said
    assert "certificate: yes. Unchanged since it was signed: yes." in said
    assert run_axe(page) == []
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, demo_email("grace.thornton"), DEMO_PASSWORD)
    page.get_by_role("link", name="There is something to read in your employment record").click()
    page.get_by_role("link", name="Case DC-").click()
    expect(page.get_by_text("First written warning", exact=True)).to_be_visible()
    expect(page.get_by_text("This warning stays live until")).to_be_visible()
    assert run_axe(page) == []
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, demo_email("finance.manager"), DEMO_PASSWORD)
    response = page.goto(case_url)
    assert response.status == 404
    assert "Grace Thornton" not in page.locator("main").inner_text()
    assert page.console_errors == [] or all("404" in e for e in page.console_errors)
