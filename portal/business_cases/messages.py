"""Email about business cases (Networking Policy 3.4): submitted for review, and decided.

The service sends these in the same transaction as the change they announce, from a
page or from a command (the demo council), so links are built without a request.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from portal.outbox.service import Message, portal_path, queue
from portal.people.models import Person, Role

from .models import BusinessCase, CaseDecision


def business_case_submitted(session: Session, case: BusinessCase, number: int) -> None:
    reviewers = session.scalars(
        select(Person).options(selectinload(Person.role_grants)).where(Person.is_active.is_(True))
    )
    for reviewer in reviewers:
        if reviewer.roles & {Role.TOWN_CLERK, Role.DEPUTY_CLERK} and reviewer.id != case.author_id:
            queue(
                session,
                reviewer,
                "business_case_submitted",
                Message(
                    f"Business case {case.reference} to review",
                    [
                        f"{case.department.name} has submitted a business case for "
                        f"{case.account_name} ({case.platform_name})."
                    ],
                    "Review the case",
                    portal_path("business_cases.show", case_id=case.id),
                ),
                dedupe_key=f"case-submitted:{case.id}:{number}:{reviewer.id}",
            )


def business_case_decided(session: Session, case: BusinessCase, decision: CaseDecision) -> None:
    words = {
        "approved": "has been approved",
        "changes_requested": "needs changes before a decision",
        "rejected": "has not been approved",
    }[decision.outcome]
    queue(
        session,
        case.author,
        "business_case_decided",
        Message(
            f"Business case {case.reference} {words}",
            [f"The business case for {case.account_name} {words}. The decision letter is attached."],
            "See the case",
            portal_path("business_cases.show", case_id=case.id),
            attachment_name=f"{case.reference}-decision.pdf",
            attachment=decision.letter_pdf,
        ),
        dedupe_key=f"case-decided:{decision.review_id}",
    )
