"""Submission, review and decision (Networking 3.4): only the Clerk or the Deputy decides."""

from __future__ import annotations

import hashlib
import json
from datetime import date, timedelta

import pytest
import time_machine
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from portal.audit.models import AuditEvent
from portal.audit.service import canonical_json, verify_chain
from portal.authorisations.models import Channel
from portal.business_cases.models import CaseDecision, CaseSubmission
from portal.outbox.models import OutboxMessage
from tests.business_cases.helpers import (
    DETAILS,
    GOOD_RISK,
    case,
    complete,
    in_months,
    pdf_text,
    risk_ids,
    start,
)


def _decide(client, case_id, outcome, **extra):
    return client.post(f"/business-cases/{case_id}/decide", {"outcome": outcome, **extra})


def test_a_submission_freezes_the_case_with_its_hash(session, submitted):
    found = case(session, submitted)
    submission = found.submissions[0]
    content = json.loads(submission.content)
    assert submission.content_sha256 == hashlib.sha256(submission.content.encode()).hexdigest()
    assert canonical_json(content) == submission.content
    assert content["sections"]["purpose"] == DETAILS["purpose"]
    assert content["moderation"]["rota"][0] == {"day": "Monday", "moderator": "Staff A", "cover": "Staff B"}
    assert len(content["risks"]) == 8 and content["risks"][0]["residual"]["band"] == "low"
    assert verify_chain(session).ok


def test_a_submitted_case_cannot_be_edited(client, session, council, submitted):
    before = case(session, submitted).purpose
    page = client.post(
        f"/business-cases/{submitted}/details", {**DETAILS, "purpose": "Changed"}, follow_redirects=True
    )
    assert "cannot be edited" in page.get_data(as_text=True)
    risk_id = risk_ids(session, submitted)[0]
    client.post(f"/business-cases/{submitted}/risks/{risk_id}/delete", {})
    client.post(f"/business-cases/{submitted}/moderation", {"removal_target_hours": "1"})
    found = case(session, submitted)
    assert found.purpose == before and len(found.risks) == 8 and found.removal_target_hours == 4


def test_a_double_submit_records_one_submission(client, session, submitted):
    client.post(f"/business-cases/{submitted}/submit", {})
    assert session.scalar(select(func.count()).select_from(CaseSubmission)) == 1


def test_the_database_refuses_to_change_a_submission(database_url, session, submitted):
    if not database_url.startswith("postgresql"):
        pytest.skip("the append-only trigger is PostgreSQL's; SQLite relies on the application")
    with pytest.raises(DBAPIError):
        session.execute(text("UPDATE case_submissions SET content = '{}'"))
    session.rollback()


def test_the_full_journey_with_changes_requested_then_approval(client, session, council, submitted):
    submitted_emails = session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "business_case_submitted")
    )
    assert sorted(e.to_address for e in submitted_emails) == sorted(
        [council.clerk.email, council.deputy.email]
    )
    client.sign_in_as(council.deputy)
    assert "BC-" in client.get("/business-cases").get_data(as_text=True)  # awaiting review
    assert "Review business case BC-" in client.get("/").get_data(as_text=True)  # on their home page
    assert client.post(f"/business-cases/{submitted}/review", {}).status_code == 302
    assert case(session, submitted).status == "in_review"
    refused = _decide(client, submitted, "changes_requested")
    assert "Say what needs to change" in refused.get_data(as_text=True)
    response = _decide(
        client, submitted, "changes_requested", comment_exit_plan="Say who archives the posts."
    )
    assert response.status_code == 302
    found = case(session, submitted)
    assert found.status == "draft" and found.reviews[0].decision.outcome == "changes_requested"
    decided = session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "business_case_decided"))
    assert decided.to_address == council.manager.email and "needs changes" in decided.subject
    assert decided.attachment == found.reviews[0].decision.letter_pdf
    assert found.reviews[0].decision.letter_pdf.startswith(b"%PDF")

    client.sign_in_as(council.manager)
    assert "Changes requested" in client.get(f"/business-cases/{submitted}").get_data(as_text=True)
    assert "Make the changes asked for in business case" in client.get("/").get_data(as_text=True)
    client.post(
        f"/business-cases/{submitted}/details", {**DETAILS, "exit_plan": "The library archives every post."}
    )
    client.post(f"/business-cases/{submitted}/submit", {})
    assert [s.number for s in case(session, submitted).submissions] == [1, 2]

    client.sign_in_as(council.clerk)
    client.post(f"/business-cases/{submitted}/review", {})
    page = client.get(f"/business-cases/{submitted}/decide").get_data(as_text=True)
    assert "Changed since submission 1: Exit plan" in page
    assert "<ins>library archives every post.</ins>" in page or "<ins>" in page
    response = _decide(client, submitted, "approved", conditions="Comments are switched off at weekends.")
    assert response.status_code == 302
    found = case(session, submitted)
    assert found.status == "approved"
    assert "Review business case" not in client.get("/").get_data(as_text=True)
    channels = client.get("/authorisations/channels").get_data(as_text=True)
    assert "Ashcombe Library" in channels and "Monday: Staff A, cover Staff B" in channels
    # The highest residual risk is low, so the next review is 12 months away by default.
    assert found.next_review_on == in_months(12)
    channel = session.get(Channel, found.channel_id)
    assert (channel.name, channel.platform, channel.url, channel.department_id) == (
        "Ashcombe Library",
        "facebook",
        DETAILS["web_address"],
        council.department.id,
    )
    letter = client.get(f"/business-cases/{submitted}/reviews/{found.reviews[-1].id}/letter.pdf")
    assert letter.status_code == 200 and letter.data.startswith(b"%PDF")
    assert hashlib.sha256(letter.data).hexdigest() == found.reviews[-1].decision.letter_sha256
    words = pdf_text(letter.data)
    assert "The case is approved" in words and "Comments are switched off at weekends." in words
    assert f"reviewed again by {found.next_review_on.strftime('%-d %B %Y')}" in words
    assert "Clara Clerk Town Clerk" in words
    first_letter = pdf_text(found.reviews[0].decision.letter_pdf)
    assert "Changes are needed" in first_letter and "Say who archives the posts." in first_letter
    client.sign_in_as(council.manager)  # the author downloads the letter too
    assert (
        client.get(f"/business-cases/{submitted}/reviews/{found.reviews[-1].id}/letter.pdf").status_code
        == 200
    )
    assert verify_chain(session).ok
    actions = set(
        session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("business_cases.%")))
    )
    assert {"business_cases.submitted", "business_cases.review_started", "business_cases.decided"} <= actions


def test_the_full_case_pdf_has_the_heat_map(client, session, council, submitted):
    response = client.get(f"/business-cases/{submitted}/submissions/1/case.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    words = pdf_text(response.data)
    assert "8 risks assessed. After controls: 8 low." in words
    assert DETAILS["exit_plan"] in words and "Monday: Staff A, cover Staff B" in words
    page = client.get(f"/business-cases/{submitted}/submissions/1").get_data(as_text=True)
    assert 'role="img"' in page and "8 risks assessed. After controls: 8 low." in page


def test_a_high_residual_risk_brings_the_review_forward(client, session, council):
    client.sign_in_as(council.manager)
    case_id = start(client, council.department)
    complete(client, session, case_id, council)
    risk_id = risk_ids(session, case_id)[0]
    high = {
        **GOOD_RISK,
        "category": "malicious_comments",
        "owner": str(council.manager.id),
        "inherent_likelihood": "4",
        "inherent_impact": "4",
        "residual_likelihood": "3",
        "residual_impact": "4",
        "acceptance_justification": "Moderated hourly.",
    }
    assert client.post(f"/business-cases/{case_id}/risks/{risk_id}", high).status_code == 302
    client.post(f"/business-cases/{case_id}/submit", {})
    client.sign_in_as(council.clerk)
    client.post(f"/business-cases/{case_id}/review", {})
    _decide(client, case_id, "approved")
    assert case(session, case_id).next_review_on == in_months(6)


def test_the_reviewer_can_set_the_next_review_date_but_not_in_the_past(client, session, council, submitted):
    client.sign_in_as(council.clerk)
    client.post(f"/business-cases/{submitted}/review", {})
    past = _decide(client, submitted, "approved", next_review_on=date.today().isoformat())
    assert "The next review must be after today" in past.get_data(as_text=True)
    chosen = date.today() + timedelta(days=90)
    _decide(client, submitted, "approved", next_review_on=chosen.isoformat())
    assert case(session, submitted).next_review_on == chosen


def test_deciding_twice_gives_one_decision(client, session, council, submitted):
    client.sign_in_as(council.clerk)
    client.post(f"/business-cases/{submitted}/review", {})
    _decide(client, submitted, "rejected", comment_purpose="The library page already does this.")
    _decide(client, submitted, "approved")
    assert session.scalar(select(func.count()).select_from(CaseDecision)) == 1
    found = case(session, submitted)
    assert found.status == "rejected" and found.channel_id is None


def test_a_tampered_decision_gets_400(client, session, council, submitted):
    client.sign_in_as(council.clerk)
    client.post(f"/business-cases/{submitted}/review", {})
    assert _decide(client, submitted, "approved_without_conditions").status_code == 400
    assert session.scalar(select(func.count()).select_from(CaseDecision)) == 0


def test_nobody_reviews_a_case_they_wrote(client, session, council):
    client.sign_in_as(council.clerk)
    case_id = start(client, council.department)
    complete(client, session, case_id, council)
    client.post(f"/business-cases/{case_id}/submit", {})
    response = client.post(f"/business-cases/{case_id}/review", {}, follow_redirects=True)
    assert "the other reviewer must decide it" in response.get_data(as_text=True)
    assert case(session, case_id).status == "submitted"
    client.sign_in_as(council.deputy)
    client.post(f"/business-cases/{case_id}/review", {})
    assert _decide(client, case_id, "approved").status_code == 302


@pytest.mark.parametrize("who", ["manager", "mayor", "other_manager"])
def test_only_the_clerk_and_deputy_can_review(client, session, council, submitted, who):
    client.sign_in_as(getattr(council, who))
    assert client.post(f"/business-cases/{submitted}/review", {}).status_code == 403
    assert client.post(f"/business-cases/{submitted}/decide", {"outcome": "approved"}).status_code == 403
    assert case(session, submitted).status == "submitted"


def test_who_can_see_a_case(client, session, council, submitted):
    for who, expected in (
        ("manager", 200),
        ("clerk", 200),
        ("deputy", 200),
        ("other_manager", 404),  # another department's case is simply not there
        ("mayor", 403),
        ("volunteer", 403),
    ):
        client.sign_in_as(getattr(council, who))
        assert client.get(f"/business-cases/{submitted}").status_code == expected, who
        assert client.get(f"/business-cases/{submitted}/submissions/1/case.pdf").status_code == expected, who


def test_a_manager_lists_only_their_departments_cases(client, session, council, submitted):
    client.sign_in_as(council.other_manager)
    assert "Ashcombe Library" not in client.get("/business-cases").get_data(as_text=True)
    client.sign_in_as(council.manager)
    assert "Ashcombe Library" in client.get("/business-cases").get_data(as_text=True)


def test_withdrawing_needs_a_reason_and_ends_the_case(client, session, council, submitted):
    client.post(f"/business-cases/{submitted}/withdraw", {"reason": ""})
    assert case(session, submitted).status == "submitted"
    client.post(f"/business-cases/{submitted}/withdraw", {"reason": "The library is closing."})
    assert case(session, submitted).status == "withdrawn"
    client.sign_in_as(council.clerk)
    assert client.post(f"/business-cases/{submitted}/review", {}, follow_redirects=True).status_code == 200
    assert case(session, submitted).status == "withdrawn"


def test_an_approved_case_comes_back_for_review_when_due(client, session, council, submitted):
    client.sign_in_as(council.clerk)
    client.post(f"/business-cases/{submitted}/review", {})
    _decide(client, submitted, "approved", next_review_on=(date.today() + timedelta(days=30)).isoformat())
    early = client.post(f"/business-cases/{submitted}/review", {}, follow_redirects=True)
    assert "not due for review yet" in early.get_data(as_text=True)
    with time_machine.travel(date.today() + timedelta(days=31), tick=True):
        client.sign_in_as(council.clerk)  # a month later: a new session
        page = client.get("/business-cases").get_data(as_text=True)
        assert "Reviews due" in page and "Review due" in page
        client.post(f"/business-cases/{submitted}/review", {})
        found = case(session, submitted)
        assert found.status == "in_review" and found.reviews[-1].periodic
        _decide(client, submitted, "rejected", comment_moderation="Nobody has moderated it since June.")
    found = case(session, submitted)
    assert found.status == "rejected"
    assert session.get(Channel, found.channel_id).status == "retired"


def test_the_service_sends_the_notices_without_a_request(app, session, council):
    """Submitting and deciding send their email themselves, in the same transaction, so a
    command (the demo council) sends them too, with links from PORTAL_BASE_URL."""
    from portal.business_cases import service
    from portal.business_cases.risk import current_matrix
    from tests.business_cases.helpers import complete_case

    with app.app_context():
        found = complete_case(session, council.manager, council.department, council.staff)
        service.submit(session, council.manager, found, current_matrix())
        service.start_review(session, council.deputy, found)
        service.decide(session, council.deputy, found, service.DecisionDetails("approved", {}, "", None))
    session.commit()
    sent = {(m.kind, m.to_address) for m in session.scalars(select(OutboxMessage))}
    assert sent == {
        ("business_case_submitted", council.clerk.email),
        ("business_case_submitted", council.deputy.email),
        ("business_case_decided", council.manager.email),
    }
    link = f"{app.config['PORTAL_SETTINGS'].base_url}/business-cases/{found.id}"
    assert all(link in m.text_body for m in session.scalars(select(OutboxMessage)))
