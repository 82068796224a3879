"""Asking for a written authorisation to post, and declining it.

Posting for the council on social media takes a written authority that only the Mayor
or the Town Clerk can give (Networking Policy 3.2). A request is what the signatory
decides on: it names the person, the channels, what they may publish, and for how long.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.access import can
from portal.audit.service import record
from portal.clock import add_months
from portal.db import utcnow
from portal.errors import DomainError, NotFound
from portal.people.models import Person
from portal.training.service import assign, get_quiz

from .models import AuthorisationDecline, AuthorisationRequest, Channel
from .records import get_request, status_of

POSTER_QUIZ = "authorised-poster"
MAX_MONTHS = 12


@dataclass
class RequestDetails:
    person: Person
    channel_ids: list[int]
    scope: str
    conditions: str
    starts_on: date
    ends_on: date
    justification: str
    renews_id: int | None = None


def check_dates(starts_on: date, ends_on: date) -> None:
    """An authorisation runs for 12 months at most, so that it is renewed (and its
    holder's training checked again) at least once a year. The policy sets no term: this
    is the council's own rule for its written authorisations (Networking Policy 3.2)."""
    if ends_on < starts_on:
        raise DomainError("The end date must be on or after the start date", field="ends_on")
    if ends_on > add_months(starts_on, MAX_MONTHS):
        raise DomainError("An authorisation can last 12 months at most", field="ends_on")


class UnknownChannel(DomainError):
    """The form named a channel that is not in the register (400)."""


def request_authorisation(
    session: Session, requester: Person, details: RequestDetails
) -> AuthorisationRequest:
    """A manager asks for someone in their team (a signatory for anyone) to be authorised
    to post for the council, on channels in the register, for a stated purpose and term.

    Only the Mayor or the Town Clerk can authorise (Networking Policy 3.2); who may ask
    them, and that a renewal is for the same person, are the council's own rules.
    """
    person = details.person
    if not can(requester, "issue_posting_authorisation") and person.line_manager_id != requester.id:
        raise DomainError(
            "You can request an authorisation only for people in your team", field="person_email"
        )
    if not person.is_active:
        raise DomainError(f"{person.name} has left", field="person_email")
    check_dates(details.starts_on, details.ends_on)
    if details.renews_id is not None:
        renewed = session.get(AuthorisationRequest, details.renews_id)
        if renewed is None or renewed.person_id != person.id:
            raise DomainError("A renewal must be for the same person as the authorisation it renews")
    channels = list(session.scalars(select(Channel).where(Channel.id.in_(details.channel_ids))))
    if len(channels) != len(set(details.channel_ids)) or any(c.status != "active" for c in channels):
        raise UnknownChannel("That channel is not in the register")
    if not channels:
        raise DomainError("Choose at least one channel", field="channels")
    for text, field, message in (
        (details.scope, "scope", "Say what they may publish"),
        (details.justification, "justification", "Say why they need it"),
    ):
        if not text.strip():
            raise DomainError(message, field=field)
    request = AuthorisationRequest(
        person_id=person.id,
        requested_by_id=requester.id,
        requested_at=utcnow(),
        scope=details.scope.strip(),
        conditions=details.conditions.strip(),
        starts_on=details.starts_on,
        ends_on=details.ends_on,
        justification=details.justification.strip(),
        renews_id=details.renews_id,
        channels=channels,
    )
    session.add(request)
    session.flush()
    _assign_poster_module(session, requester, person)
    record(
        session,
        actor=requester,
        action="authorisations.requested",
        object_type="authorisation",
        object_id=request.id,
        details={
            "person_id": person.id,
            "channels": [c.id for c in channels],
            "starts_on": details.starts_on.isoformat(),
            "ends_on": details.ends_on.isoformat(),
            "renews": details.renews_id,
        },
    )
    return get_request(session, request.id)


def _assign_poster_module(session: Session, requester: Person, person: Person) -> None:
    """The module must be passed before issue, so asking for an authorisation sets it."""
    try:
        quiz = get_quiz(session, POSTER_QUIZ)
    except NotFound:
        return
    # If the module is not for this person's engagement, the precondition check says so.
    with suppress(DomainError):
        assign(session, requester, person, quiz, "Needed for a written authorisation to post for the council")


def decline(
    session: Session, signer: Person, request: AuthorisationRequest, reason: str
) -> AuthorisationDecline:
    """A signatory may refuse a request (Networking Policy 3.2 leaves the decision to the
    Mayor or the Town Clerk), with a reason on record. Only a request still waiting can be
    declined; declining twice gives one result."""
    if request.decline is not None:
        return request.decline
    if status_of(request) != "requested":
        raise DomainError(f"This request has been {status_of(request)}, so it cannot be declined")
    if not reason.strip():
        raise DomainError("Give the reason for declining", field="reason")
    declined = AuthorisationDecline(
        request_id=request.id, declined_by_id=signer.id, declined_at=utcnow(), reason=reason.strip()
    )
    session.add(declined)
    session.flush()
    request.decline = declined
    record(
        session,
        actor=signer,
        action="authorisations.declined",
        object_type="authorisation",
        object_id=request.id,
        personal_details={"reason": declined.reason},
        personal_of=request.person_id,
    )
    return declined
