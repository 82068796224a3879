"""Email about written authorisations to post (Networking Policy 3.2): issued and revoked."""

from __future__ import annotations

from sqlalchemy.orm import Session

from portal.outbox.service import Message, day_text, portal_path, queue


def authorisation_issued(session: Session, request, letter_name: str, letter: bytes) -> None:  # type: ignore[no-untyped-def]
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
                portal_path("authorisations.show", request_id=request.id),
            ),
            dedupe_key=f"authorisation-revoked:{request.id}:{recipient.id}",
        )
