"""The messages the portal sends when something happens, each queued in the same
transaction as the event. Reminders and the digest are in reminders.py."""

from __future__ import annotations

from datetime import date

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from portal.people.models import Person, Role

from .outbox import Message, day_text, message_with_link, queue


def invitation(session: Session, person: Person, link: str, *, purpose: str) -> None:
    """The sign-in link: sent to the person only, never shown to whoever created it."""
    if purpose == "invitation":
        message = Message(
            "Your account on the staff portal",
            [
                "An account has been made for you on the council's staff portal. It is where you read and "
                "sign the council's social media and communication policies, and take the short training "
                "that goes with them.",
                "Choose your password with the link below. It works once, for 72 hours.",
            ],
            "Choose your password",
        )
    else:
        message = Message(
            "Reset your password for the staff portal",
            [
                "Someone at the council asked for a new password link for you. It works once, for 72 hours.",
                "If you did not expect this, tell the Town Clerk.",
            ],
            "Choose a new password",
        )
    queue(session, person, purpose, message_with_link(message, link))


def policy_to_sign(
    session: Session, person: Person, title: str, slug: str, version_id: int, due: date
) -> None:
    queue(
        session,
        person,
        "policy_assigned",
        Message(
            f"Please read and sign the {title}",
            [f"The council asks you to read and sign the {title} by {day_text(due)}."],
            "Read and sign it",
            url_for("policies.show", slug=slug),
        ),
        dedupe_key=f"policy-assigned:{person.id}:{version_id}",
    )


def quiz_to_take(session: Session, person: Person, title: str, key: str, due: date) -> None:
    queue(
        session,
        person,
        "quiz_assigned",
        Message(
            f"Training to take: {title}",
            [f"Please take the {title} by {day_text(due)}. It takes about ten minutes."],
            "Start the training",
            url_for("training.quiz", key=key),
        ),
        dedupe_key=f"quiz-assigned:{person.id}:{key}:{due.isoformat()}",
    )


def policy_published(session: Session, policy_slug: str) -> int:
    """Everyone who must now sign the newly published version is told (once)."""
    from portal.policies.service import get_policy
    from portal.policies.status import statuses_for_people

    policy = get_policy(session, policy_slug)
    people = list(
        session.scalars(
            select(Person).options(selectinload(Person.role_grants)).where(Person.is_active.is_(True))
        )
    )
    told = 0
    for person_id, statuses in statuses_for_people(session, people, policies=[policy]).items():
        person = next(p for p in people if p.id == person_id)
        for found in statuses:
            if found.status.needs_action:
                policy_to_sign(
                    session, person, found.policy.title, found.policy.slug, found.version.id, found.due
                )
                told += 1
    return told


def authorisation_issued(session: Session, request, letter_name: str, letter: bytes) -> None:  # type: ignore[no-untyped-def]
    path = url_for("authorisations.show", request_id=request.id)
    for recipient, words in (
        (request.person, "You may now"),
        (request.requested_by, f"{request.person.name} may now"),
    ):
        queue(
            session,
            recipient,
            "authorisation_issued",
            Message(
                f"Written authorisation {request.issue.reference} issued",
                [
                    f"{words} post for the council on {', '.join(c.label for c in request.channels)}, from "
                    f"{day_text(request.starts_on)} to {day_text(request.ends_on)}, as the letter sets out.",
                ],
                "See the authorisation",
                path,
                attachment_name=letter_name,
                attachment=letter,
            ),
            dedupe_key=f"authorisation-issued:{request.id}:{recipient.id}",
        )


def authorisation_revoked(session: Session, request, reason: str) -> None:  # type: ignore[no-untyped-def]
    for recipient in {
        request.person.id: request.person,
        request.requested_by.id: request.requested_by,
    }.values():
        queue(
            session,
            recipient,
            "authorisation_revoked",
            Message(
                f"Written authorisation {request.issue.reference} revoked",
                [
                    f"The authorisation for {request.person.name} to post for the council has been revoked. "
                    "It ended at once: nothing more may be posted under it.",
                    f"Reason: {reason}",
                ],
                "See the authorisation",
                url_for("authorisations.show", request_id=request.id),
            ),
            dedupe_key=f"authorisation-revoked:{request.id}:{recipient.id}",
        )


def business_case_submitted(session: Session, case, number: int) -> None:  # type: ignore[no-untyped-def]
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
                        f"{case.account_name} ({case.platform})."
                    ],
                    "Review the case",
                    url_for("business_cases.show", case_id=case.id),
                ),
                dedupe_key=f"case-submitted:{case.id}:{number}:{reviewer.id}",
            )


def business_case_decided(session: Session, case, decision) -> None:  # type: ignore[no-untyped-def]
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
            url_for("business_cases.show", case_id=case.id),
            attachment_name=f"{case.reference}-decision.pdf",
            attachment=decision.letter_pdf,
        ),
        dedupe_key=f"case-decided:{decision.review_id}",
    )


def something_to_read(session: Session, subject: Person, case_id: int, event: str) -> None:
    """A disciplinary notice: a link and never the content."""
    queue(
        session,
        subject,
        "employment_record",
        Message(
            "There is something for you to read",
            ["There is something new for you to read in your employment record on the staff portal."],
            "Sign in to read it",
            url_for("conduct.show", case_id=case_id),
        ),
        dedupe_key=f"record:{case_id}:{event}",
    )
