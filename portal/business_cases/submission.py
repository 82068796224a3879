"""Submitting a business case for review, and withdrawing it.

Submission checks the whole case (checks.py), freezes it as JSON with its SHA-256
(snapshot.py) and tells the reviewers; review.py takes it from there.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from portal.audit.service import canonical_json
from portal.db import utcnow
from portal.errors import DomainError
from portal.people.models import Person

from . import messages
from .cases import OPEN_STATES, audit_case, check_editable, may_withdraw
from .checks import Gap, gap_groups, gaps_in
from .models import BusinessCase, CaseSubmission
from .risk import RiskMatrix
from .snapshot import freeze, sha256_of


class CaseHasGaps(DomainError):
    """Something the case must cover is missing: every gap is listed on the case page."""

    def __init__(self, gaps: list[Gap]) -> None:
        parts = len(gap_groups(gaps))
        unfinished = "1 part is" if parts == 1 else f"{parts} parts are"
        super().__init__(f"The case has not been submitted: {unfinished} not finished yet.")
        self.gaps = gaps


def submit(session: Session, actor: Person, case: BusinessCase, matrix: RiskMatrix) -> CaseSubmission:
    """Freezes the case for the Clerk and the Deputy Clerk to review, and tells them by
    email. Networking Policy 3.4 asks for a fully risk-assessed case, with moderation
    within the council on all five working days: any gap stops it, and the case stays a
    draft. A submission never changes afterwards (the council's rule)."""
    if case.status == "submitted" and case.submissions:
        return case.submissions[-1]  # a double click submits once
    check_editable(actor, case)
    gaps = gaps_in(case, matrix)
    if gaps:
        raise CaseHasGaps(gaps)
    content = canonical_json(freeze(case, matrix))
    submission = CaseSubmission(
        case_id=case.id,
        number=len(case.submissions) + 1,
        submitted_by=actor,
        submitted_at=utcnow(),
        content=content,
        content_sha256=sha256_of(content),
    )
    case.submissions.append(submission)
    case.status = "submitted"
    case.updated_at = submission.submitted_at
    session.flush()
    audit_case(
        session,
        actor,
        case,
        "submitted",
        {"submission": submission.number, "sha256": submission.content_sha256},
    )
    messages.business_case_submitted(session, case, submission.number)
    return submission


def withdraw(session: Session, actor: Person, case: BusinessCase, reason: str) -> None:
    """Withdraws a case that has not been decided, with the reason. Only its author or a
    manager of its department may (the council's rule); a decided case stays on record."""
    if case.status == "withdrawn":
        return
    if case.status not in OPEN_STATES:
        raise DomainError("Only a case that has not been decided can be withdrawn")
    if not may_withdraw(actor, case):
        raise DomainError("Only the author or a manager of the department can withdraw this case")
    if not reason.strip():
        raise DomainError("Say why the case is withdrawn", field="reason")
    case.status = "withdrawn"
    case.updated_at = utcnow()
    session.flush()
    audit_case(session, actor, case, "withdrawn", {"reason": reason.strip()})
