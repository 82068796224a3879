"""Reviewing a business case: only the Town Clerk or the Deputy Clerk decides (3.4).

A reviewer takes a submission into review, then decides: approve (with any
conditions), ask for changes (the case returns to its author as a draft) or reject.
Nobody reviews a case they wrote or submitted. An approval puts the account into the
channels register, so that posting authorisations can be requested for it, and sets
the date by which the case is reviewed again.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from portal.authorisations.models import Channel
from portal.authorisations.service import add_case_channel, retire_channel
from portal.clock import add_months, today
from portal.db import utcnow
from portal.errors import DomainError
from portal.people.models import Person, Role

from . import messages
from .cases import UnknownChoice, audit_case
from .documents import render_decision_letter
from .models import OUTCOMES, BusinessCase, CaseDecision, CaseReview
from .risk import BANDS
from .sections import REVIEW_SECTION_LABELS

OUTCOME_MESSAGES = {
    "approved": "approved. The account has its place in the channels register.",
    "changes_requested": "changes requested. The case has gone back to its author as a draft.",
    "rejected": "rejected.",
}

# How soon an approved case comes back, by its highest residual risk: the council's own
# schedule (Networking Policy 3.4 asks for the case, not for how often it is revisited).
REVIEW_MONTHS_BY_BAND = {"very_high": 3, "high": 6, "medium": 9, "low": 12}


def highest_residual_band(content: dict[str, Any]) -> str:
    bands = [risk["residual"]["band"] for risk in content["risks"] if risk["residual"]["band"]]
    return max(bands, key=BANDS.index) if bands else "low"


def default_review_date(content: dict[str, Any], decided_on: date) -> date:
    """The next review, sooner for a riskier account (REVIEW_MONTHS_BY_BAND)."""
    return add_months(decided_on, REVIEW_MONTHS_BY_BAND[highest_residual_band(content)])


def _check_reviewer(reviewer: Person, case: BusinessCase) -> None:
    """Nobody decides a case they wrote or submitted: the council's separation of duties,
    which leaves the other of the two reviewers Networking Policy 3.4 names."""
    if reviewer.id == case.author_id or any(s.submitted_by_id == reviewer.id for s in case.submissions):
        raise DomainError("You wrote or submitted this case, so the other reviewer must decide it")


def may_review(reviewer: Person, case: BusinessCase) -> bool:
    """Whether this reviewer may decide this case (see _check_reviewer)."""
    try:
        _check_reviewer(reviewer, case)
    except DomainError:
        return False
    return True


def start_review(session: Session, reviewer: Person, case: BusinessCase) -> CaseReview:
    """Takes the latest submission into review: a new one, or an approved case whose
    review date has come. The Clerk or the Deputy Clerk reviews (Networking Policy 3.4;
    the page's access rule), never their own case; periodic reviews are the council's
    own rule, so that an approved account is looked at again."""
    open_review = case.reviews[-1] if case.reviews and case.reviews[-1].decision is None else None
    if case.status == "in_review" and open_review is not None:
        return open_review  # starting twice gives one review
    _check_reviewer(reviewer, case)
    periodic = case.status == "approved"
    if periodic and (case.next_review_on is None or case.next_review_on > today()):
        raise DomainError("This case is not due for review yet")
    if case.status != "submitted" and not periodic:
        raise DomainError("Only a submitted case, or one due for review, can be reviewed")
    review = CaseReview(
        submission=case.submissions[-1],
        started_by=reviewer,
        started_at=utcnow(),
        periodic=periodic,
        decision=None,
    )
    case.reviews.append(review)
    case.status = "in_review"
    case.updated_at = review.started_at
    session.flush()
    audit_case(
        session,
        reviewer,
        case,
        "review_started",
        {"submission": case.submissions[-1].number, "periodic": periodic},
    )
    return review


@dataclass
class DecisionDetails:
    outcome: str
    comments: dict[str, str]  # review section key -> comment
    conditions: str
    next_review_on: date | None


def decide(session: Session, reviewer: Person, case: BusinessCase, details: DecisionDetails) -> CaseDecision:
    """Records the reviewer's decision on the submission in review, with a decision
    letter that is emailed to the author. The Clerk or the Deputy Clerk decides whether
    the account goes ahead (Networking Policy 3.4), never on a case they wrote or
    submitted. A refusal or a request for changes must say what is wrong, and a next
    review must be in the future (the council's rules). An approval puts the account in
    the channels register, where posting authorisations are requested (Networking
    Policy 3.2)."""
    review = case.reviews[-1] if case.reviews else None
    if review is not None and review.decision is not None:
        return review.decision  # deciding twice gives one result
    if case.status != "in_review" or review is None:
        raise DomainError("Start the review before deciding")
    _check_reviewer(reviewer, case)
    if details.outcome not in OUTCOMES:
        raise UnknownChoice("That decision is not one of the choices")
    if set(details.comments) - set(REVIEW_SECTION_LABELS):
        raise UnknownChoice("That section is not part of the case")
    comments = {key: text.strip() for key, text in details.comments.items() if text.strip()}
    if details.outcome != "approved" and not comments:
        raise DomainError("Say what needs to change, in the comments on the sections", field="outcome")
    content = json.loads(review.submission.content)
    decided_at = utcnow()
    next_review_on = None
    if details.outcome == "approved":
        next_review_on = details.next_review_on or default_review_date(content, today())
        if next_review_on <= today():
            raise DomainError("The next review must be after today", field="next_review_on")
    role = Role.TOWN_CLERK if Role.TOWN_CLERK in reviewer.roles else Role.DEPUTY_CLERK
    decision = CaseDecision(
        review_id=review.id,
        reviewer_id=reviewer.id,
        reviewer_name=reviewer.name,
        reviewer_role=role.value,
        decided_at=decided_at,
        outcome=details.outcome,
        section_comments=json.dumps(comments, sort_keys=True, ensure_ascii=False),
        conditions=details.conditions.strip(),
        next_review_on=next_review_on,
    )
    decision.letter_pdf = render_decision_letter(case, review, decision, content, role.label)
    decision.letter_sha256 = hashlib.sha256(decision.letter_pdf).hexdigest()
    session.add(decision)
    review.decision = decision
    _apply(session, reviewer, case, review, decision, content)
    session.flush()
    audit_case(
        session,
        reviewer,
        case,
        "decided",
        {
            "outcome": details.outcome,
            "submission": review.submission.number,
            "next_review_on": next_review_on.isoformat() if next_review_on else None,
            "letter_sha256": decision.letter_sha256,
        },
    )
    messages.business_case_decided(session, case, decision)
    return decision


def _apply(
    session: Session,
    reviewer: Person,
    case: BusinessCase,
    review: CaseReview,
    decision: CaseDecision,
    content: dict[str, Any],
) -> None:
    """What the outcome does to the case and to the channels register."""
    case.updated_at = decision.decided_at
    if decision.outcome == "changes_requested":
        case.status = "draft"  # back to the author, who edits and resubmits
        return
    if decision.outcome == "rejected":
        case.status = "rejected"
        if review.periodic and case.channel_id is not None:
            # Rejected at its periodic review: the account no longer has the council's backing.
            retire_channel(session, reviewer, session.get_one(Channel, case.channel_id))
        return
    case.status = "approved"
    case.next_review_on = decision.next_review_on
    if case.channel_id is None:
        channel = add_case_channel(
            session,
            reviewer,
            platform=content["platform"],
            name=content["account_name"],
            url=content["web_address"],
            department_id=case.department_id,
            case_reference=case.reference,
        )
        case.channel_id = channel.id
