"""Email about written authorisations to post (Networking Policy 3.2): requested (to the
signatories, and to the person with the module to take), issued and revoked."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from portal.outbox.service import Message, day_text, portal_path, queue
from portal.people.models import Person
from portal.training.models import Quiz, QuizAssignment

from .models import AuthorisationRequest
from .records import signatory_role


def _terms(request: AuthorisationRequest) -> str:
    channels = ", ".join(c.label for c in request.channels)
    return f"on {channels}, from {day_text(request.starts_on)} to {day_text(request.ends_on)}"


def decider_names(deciders: list[Person]) -> str:
    """ "Councillor Margaret Ellison (Mayor) and Helen Marsh (Town Clerk)": whom a request went to."""
    names = [f"{p.name} ({role.label})" if (role := signatory_role(p)) else p.name for p in deciders]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def request_sent(request: AuthorisationRequest, deciders: list[Person], *, requester_decides: bool) -> str:
    """The confirmation a requester sees: exactly whom the request went to."""
    if deciders:
        return f"The request for {request.person.name} has been sent to {decider_names(deciders)}."
    if requester_decides and request.person_id != request.requested_by_id:
        return f"The request for {request.person.name} has been recorded. Nobody else can decide it: you can."
    return (
        f"The request for {request.person.name} has been recorded, but nobody else in the portal is the "
        "Mayor or the Town Clerk to decide it. Ask an administrator to check their accounts."
    )


def authorisation_requested(session: Session, request: AuthorisationRequest, deciders: list[Person]) -> None:
    """Each signatory is asked to decide: only they can authorise (Networking Policy 3.2)."""
    for recipient in deciders:
        queue(
            session,
            recipient,
            "authorisation_requested",
            Message(
                f"Authorisation to post requested for {request.person.name}",
                [
                    f"{request.requested_by.name} asks that {request.person.name} be authorised to post for "
                    f"the council {_terms(request)}.",
                    "Only the Mayor or the Town Clerk can issue it. The request's page lists anything still "
                    "missing before it can be issued.",
                ],
                "Decide on the request",
                portal_path("authorisations.show", request_id=request.id),
            ),
            dedupe_key=f"authorisation-requested:{request.id}:{recipient.id}",
        )


def _asked(request: AuthorisationRequest) -> str:
    if request.requested_by_id == request.person_id:
        return "You have asked to be authorised"
    return f"{request.requested_by.name} has asked for you to be authorised"


def module_to_take(
    session: Session, request: AuthorisationRequest, quiz: Quiz, assignment: QuizAssignment
) -> None:
    """The person is told which module to pass, and by when, before it can be issued."""
    due: date = assignment.due_on
    queue(
        session,
        request.person,
        "authorisation_module",
        Message(
            f"Training to take: {quiz.title}",
            [
                f"{_asked(request)} to post for the council {_terms(request)}.",
                f"Before the Mayor or the Town Clerk can issue it, you need to pass the {quiz.title} "
                f"module. Please take it by {day_text(due)}.",
            ],
            "Start the module",
            portal_path("training.quiz", key=quiz.quiz_key),
        ),
        dedupe_key=f"authorisation-module:{request.id}",
    )


def request_made(session: Session, request: AuthorisationRequest) -> None:
    """The person is told of the request when there is no module to take (passed already)."""
    queue(
        session,
        request.person,
        "authorisation_module",
        Message(
            "Authorisation to post requested",
            [
                f"{_asked(request)} to post for the council {_terms(request)}.",
                "You have passed the module it needs already. The Mayor or the Town Clerk will decide.",
            ],
            "See the request",
            portal_path("authorisations.show", request_id=request.id),
        ),
        dedupe_key=f"authorisation-module:{request.id}",
    )


def authorisation_issued(
    session: Session, request: AuthorisationRequest, letter_name: str, letter: bytes
) -> None:
    path = portal_path("authorisations.show", request_id=request.id)
    for recipient, words in (
        (request.person, "You may now"),
        (request.requested_by, f"{request.person.name} may now"),
    ):
        queue(
            session,
            recipient,
            "authorisation_issued",
            Message(
                f"Written authorisation {request.issued_reference} issued",
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


def authorisation_revoked(session: Session, request: AuthorisationRequest, reason: str) -> None:
    for recipient in {
        request.person.id: request.person,
        request.requested_by.id: request.requested_by,
    }.values():
        queue(
            session,
            recipient,
            "authorisation_revoked",
            Message(
                f"Written authorisation {request.issued_reference} revoked",
                [
                    f"The authorisation for {request.person.name} to post for the council has been revoked. "
                    "It ended at once: nothing more may be posted under it.",
                    f"Reason: {reason}",
                ],
                "See the authorisation",
                portal_path("authorisations.show", request_id=request.id),
            ),
            dedupe_key=f"authorisation-revoked:{request.id}:{recipient.id}",
        )
