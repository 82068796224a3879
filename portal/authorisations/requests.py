"""Asking for a written authorisation to post, and declining it.

Posting for the council on social media takes a written authority that only the Mayor
or the Town Clerk can give (Networking Policy 3.2). A request is what the signatory
decides on: it names the person, the channels, what they may publish, and for how long.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from portal.access import can
from portal.audit.service import record
from portal.clock import add_months, today
from portal.db import PAGE_SIZE, utcnow
from portal.errors import DomainError, NotFound
from portal.outbox.service import day_text
from portal.people.models import Person
from portal.people.service import active_holders
from portal.training.service import assign, get_quiz, valid_completion

from . import messages
from .models import AuthorisationDecline, AuthorisationRequest, Channel, request_channels
from .records import SIGNING_ROLES, get_request, status_of, with_everything

POSTER_QUIZ = "authorised-poster"
MODULE_REASON = "Needed for a written authorisation to post for the council"
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


class AlreadyAuthorised(DomainError):
    """The person already holds, or is waiting for, an authorisation on one of these
    channels for some of these dates; `existing` is that request."""

    def __init__(self, message: str, existing: AuthorisationRequest) -> None:
        super().__init__(message)
        self.existing = existing


def may_ask_for_anyone(requester: Person) -> bool:
    """A signatory may ask for anyone; a manager only for their own team."""
    return can(requester, "issue_posting_authorisation")


def check_may_ask_for(requester: Person, person: Person) -> None:
    """A manager asks for someone in their own team, a signatory for anyone, and only for
    someone still with the council: who may ask the Mayor or the Town Clerk to authorise
    (Networking Policy 3.2) is the council's own rule."""
    if not may_ask_for_anyone(requester) and person.line_manager_id != requester.id:
        raise DomainError("You can request an authorisation only for people in your team", field="person")
    if not person.is_active:
        raise DomainError(f"{person.name} has left", field="person")


@dataclass(frozen=True)
class Choosable:
    """The people a requester picks from: at most PAGE_SIZE of `total`, by name."""

    people: list[Person]
    total: int
    everyone: bool  # the requester may ask for anyone still with the council


def _choosable(requester: Person) -> Select[Person]:
    query = select(Person).where(Person.is_active.is_(True))
    return query if may_ask_for_anyone(requester) else query.where(Person.line_manager_id == requester.id)


def people_to_choose(
    session: Session, requester: Person, *, search: str = "", chosen_id: int | None = None
) -> Choosable:
    """Whom `requester` may ask for (as `check_may_ask_for`): their direct reports still
    with the council, or for a signatory everyone still with it; narrowed by name, at most
    PAGE_SIZE of them, plus the one already chosen. A fixed number of queries."""
    query = _choosable(requester)
    if search.strip():
        query = query.where(func.lower(Person.name).like(f"%{search.strip().lower()}%"))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    people = list(session.scalars(query.order_by(Person.name, Person.id).limit(PAGE_SIZE)))
    if chosen_id is not None and all(p.id != chosen_id for p in people):
        people += session.scalars(_choosable(requester).where(Person.id == chosen_id))
    return Choosable(people, total, may_ask_for_anyone(requester))


def person_chosen(session: Session, requester: Person, person_id: int | None) -> Person:
    """The person a request form chose, if `requester` may ask for them."""
    person = (
        session.scalar(select(Person).options(selectinload(Person.role_grants)).where(Person.id == person_id))
        if person_id is not None
        else None
    )
    if person is None:
        raise DomainError("Choose the person from the list", field="person")
    check_may_ask_for(requester, person)
    return person


def overlapping(
    session: Session,
    person_id: int,
    channel_ids: list[int],
    starts_on: date,
    ends_on: date,
    *,
    renews_id: int | None = None,
) -> AuthorisationRequest | None:
    """A request for the same person on one of the same channels whose dates overlap these,
    still waiting or issued and not revoked (declined and revoked ones do not count), other
    than the one a renewal renews."""
    query = (
        select(AuthorisationRequest)
        .options(*with_everything())
        .where(
            AuthorisationRequest.person_id == person_id,
            AuthorisationRequest.id.in_(
                select(request_channels.c.request_id).where(request_channels.c.channel_id.in_(channel_ids))
            ),
            AuthorisationRequest.starts_on <= ends_on,
            AuthorisationRequest.ends_on >= starts_on,
            ~AuthorisationRequest.decline.has(),
            ~AuthorisationRequest.revocation.has(),
        )
        .order_by(AuthorisationRequest.id)
        .limit(1)
    )
    if renews_id is not None:
        query = query.where(AuthorisationRequest.id != renews_id)
    return session.scalar(query)


def _refuse_overlap(existing: AuthorisationRequest, person: Person, channel_ids: list[int]) -> None:
    shared = ", ".join(c.label for c in existing.channels if c.id in channel_ids)
    dates = f"from {day_text(existing.starts_on)} to {day_text(existing.ends_on)}"
    if existing.issue is not None:
        raise AlreadyAuthorised(
            f"{person.name} already holds authorisation {existing.issue.reference} for {shared}, {dates}. "
            "Renew that authorisation instead, or choose dates after it ends.",
            existing,
        )
    raise AlreadyAuthorised(
        f"{person.name} already has a request waiting for {shared}, {dates}, asked for by "
        f"{existing.requested_by.name}. "
        "Wait for the Mayor or the Town Clerk to decide it, or choose dates that do not overlap.",
        existing,
    )


def request_authorisation(
    session: Session, requester: Person, details: RequestDetails
) -> AuthorisationRequest:
    """A manager asks for someone in their team (a signatory for anyone) to be authorised
    to post for the council, on channels in the register, for a stated purpose and term.

    Only the Mayor or the Town Clerk can authorise (Networking Policy 3.2), so both are
    told at once (a home task and an email), and the person is asked to take the module
    they must pass first. Who may ask, that a renewal is for the same person, and that
    nobody holds two authorisations for one channel at once (the register must say
    plainly who may post, and on what terms) are the council's own rules.
    """
    person = details.person
    check_may_ask_for(requester, person)
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
    chosen = [c.id for c in channels]
    existing = overlapping(
        session, person.id, chosen, details.starts_on, details.ends_on, renews_id=details.renews_id
    )
    if existing is not None:
        _refuse_overlap(existing, person, chosen)
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
    created = get_request(session, request.id)
    _tell_the_person(session, requester, created)
    messages.authorisation_requested(session, created, deciders(session, created))
    return created


def deciders(session: Session, request: AuthorisationRequest) -> list[Person]:
    """Who is asked to decide a request: everyone still with the council who holds the
    Mayor's or the Town Clerk's role (only they can authorise, Networking Policy 3.2),
    except the person it is for (nobody authorises themselves) and whoever asked."""
    found = {p.id: p for role in SIGNING_ROLES for p in active_holders(session, role)}
    return [p for p in found.values() if p.id not in (request.person_id, request.requested_by_id)]


def _tell_the_person(session: Session, requester: Person, request: AuthorisationRequest) -> None:
    """The module must be passed before issue, so asking for an authorisation sets it and
    tells the person which module, and by when; someone who has passed it is told of the
    request alone. A module not meant for their engagement is not set: the precondition
    check tells the signatory."""
    try:
        quiz = get_quiz(session, POSTER_QUIZ)
    except NotFound:
        return
    if valid_completion(session, request.person, quiz, today()) is not None:
        messages.request_made(session, request)
        return
    try:
        assignment = assign(
            session,
            requester,
            request.person,
            quiz,
            "Needed for a written authorisation to post for the council",
        )
    except DomainError:
        return
    messages.module_to_take(session, request, quiz, assignment)


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
