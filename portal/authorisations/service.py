"""Written authorisations to post for the council.

Networking Policy 3.2: nobody may communicate on the council's behalf on any social
network unless the Mayor or the Town Clerk has authorised them in writing. The
access table lets only those two roles issue or revoke; the rules here add that
nobody authorises themselves, and that the person has signed the policies and passed
the authorised poster module first.
"""

from __future__ import annotations

import hashlib
import secrets
from contextlib import suppress
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from portal.access import can
from portal.audit.service import record
from portal.auth.service import check_password_again
from portal.clock import add_months, today
from portal.db import utcnow
from portal.errors import DomainError, NotFound
from portal.people.models import Person, Role
from portal.people.service import LEAVER_HOOKS
from portal.references import next_reference

from .models import (
    PLATFORMS,
    AuthorisationDecline,
    AuthorisationIssue,
    AuthorisationRequest,
    AuthorisationRevocation,
    Channel,
)

POSTER_QUIZ = "authorised-poster"
MAX_MONTHS = 12


def status_of(request: AuthorisationRequest, on: date | None = None) -> str:
    """requested, declined, issued, revoked or expired."""
    return _status(
        revoked=request.revocation is not None,
        issued=request.issue is not None,
        declined=request.decline is not None,
        ends_on=request.ends_on,
        on=on or today(),
    )


def _status(*, revoked: bool, issued: bool, declined: bool, ends_on: date, on: date) -> str:
    if revoked:
        return "revoked"
    if issued:
        return "expired" if on > ends_on else "issued"
    if declined:
        return "declined"
    return "requested"


def latest_status_by_person(session: Session, on: date) -> dict[int, str]:
    """Each person's most recent request and where it stands, in one query of plain
    rows: the compliance overview needs this for thousands of people, and loading each
    request with its issue, decline and revocation costs a query per 500 requests."""
    rows = session.execute(
        select(
            AuthorisationRequest.person_id,
            AuthorisationRequest.ends_on,
            AuthorisationIssue.id.is_not(None).label("issued"),
            AuthorisationDecline.id.is_not(None).label("declined"),
            AuthorisationRevocation.id.is_not(None).label("revoked"),
        )
        .outerjoin(AuthorisationIssue, AuthorisationIssue.request_id == AuthorisationRequest.id)
        .outerjoin(AuthorisationDecline, AuthorisationDecline.request_id == AuthorisationRequest.id)
        .outerjoin(AuthorisationRevocation, AuthorisationRevocation.request_id == AuthorisationRequest.id)
        .order_by(AuthorisationRequest.id)
    )
    return {
        r.person_id: _status(
            revoked=r.revoked, issued=r.issued, declined=r.declined, ends_on=r.ends_on, on=on
        )
        for r in rows
    }


def _with_everything() -> list:  # type: ignore[type-arg]
    return [
        selectinload(AuthorisationRequest.person).selectinload(Person.role_grants),
        selectinload(AuthorisationRequest.requested_by),
        selectinload(AuthorisationRequest.channels),
        # The letter itself is loaded only when it is downloaded.
        selectinload(AuthorisationRequest.issue).defer(AuthorisationIssue.letter_pdf),
        selectinload(AuthorisationRequest.decline),
        selectinload(AuthorisationRequest.revocation),
    ]


def get_request(session: Session, request_id: int) -> AuthorisationRequest:
    found = session.scalar(
        select(AuthorisationRequest).options(*_with_everything()).where(AuthorisationRequest.id == request_id)
    )
    if found is None:
        raise NotFound("No such authorisation")
    return found


def may_see(viewer: Person, request: AuthorisationRequest) -> bool:
    return (
        viewer.id in (request.person_id, request.requested_by_id)
        or can(viewer, "issue_posting_authorisation")
        or can(viewer, "revoke_posting_authorisation")
    )


# Channels -----------------------------------------------------------------------


def active_channels(session: Session) -> list[Channel]:
    return list(session.scalars(select(Channel).where(Channel.status == "active").order_by(Channel.name)))


def all_channels(session: Session) -> list[Channel]:
    return list(
        session.scalars(select(Channel).options(selectinload(Channel.department)).order_by(Channel.name))
    )


def add_channel(
    session: Session, actor: Person | None, *, platform: str, name: str, url: str, department_id: int | None
) -> Channel:
    if platform not in PLATFORMS:
        raise DomainError("Choose the platform from the list", field="platform")
    if not name.strip():
        raise DomainError("Enter the channel's name or handle", field="name")
    if not url.startswith(("https://", "http://")):
        raise DomainError("Enter the channel's web address, starting https://", field="url")
    channel = Channel(
        platform=platform,
        name=name.strip(),
        url=url.strip(),
        department_id=department_id,
        status="active",
        created_at=utcnow(),
    )
    session.add(channel)
    session.flush()
    record(
        session,
        actor=actor,
        action="authorisations.channel_added",
        object_type="channel",
        object_id=channel.id,
        details={"platform": platform, "name": channel.name, "url": channel.url},
    )
    return channel


def retire_channel(session: Session, actor: Person, channel: Channel) -> None:
    if channel.status == "retired":
        return
    channel.status = "retired"
    session.flush()
    record(
        session,
        actor=actor,
        action="authorisations.channel_retired",
        object_type="channel",
        object_id=channel.id,
    )


# Requests -----------------------------------------------------------------------


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
    if ends_on < starts_on:
        raise DomainError("The end date must be on or after the start date", field="ends_on")
    if ends_on > add_months(starts_on, MAX_MONTHS):
        raise DomainError("An authorisation can last 12 months at most", field="ends_on")


class UnknownChannel(DomainError):
    """The form named a channel that is not in the register (400)."""


def request_authorisation(
    session: Session, requester: Person, details: RequestDetails
) -> AuthorisationRequest:
    """A manager asks for someone in their team (the Clerk for anyone) to be authorised."""
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
    from portal.training.service import assign, get_quiz

    try:
        quiz = get_quiz(session, POSTER_QUIZ)
    except NotFound:
        return
    # If the module is not for this person's engagement, the precondition check says so.
    with suppress(DomainError):
        assign(session, requester, person, quiz, "Needed for a written authorisation to post for the council")


# Issue, decline, revoke ----------------------------------------------------------


def missing_preconditions(session: Session, person: Person) -> list[str]:
    """What stops an authorisation being issued today, in words for the page."""
    from portal.policies.service import Status, statuses_for_people
    from portal.training.service import get_quiz, valid_completion

    missing = []
    if not person.is_active:
        missing.append(f"{person.name} has left the council")
    for found in statuses_for_people(session, [person])[person.id]:
        if found.status != Status.CURRENT:
            missing.append(
                f"{person.name} has not signed the current {found.policy.title} "
                f"(version {found.version.label})"
            )
    try:
        quiz = get_quiz(session, POSTER_QUIZ)
    except NotFound:
        missing.append("The authorised poster module has not been loaded into the portal")
    else:
        if valid_completion(session, person, quiz, today()) is None:
            missing.append(f"{person.name} has not passed the {quiz.title} module")
    return missing


class PreconditionsUnmet(DomainError):
    def __init__(self, missing: list[str]) -> None:
        super().__init__("This authorisation cannot be issued yet")
        self.missing = missing


# In order of preference: someone who is both is recorded as the Town Clerk, the
# officer answerable for the register, so that the same person always signs as one role.
SIGNING_ROLES = (Role.TOWN_CLERK, Role.MAYOR)


def signing_role(signer: Person) -> Role:
    """The role a signer issues an authorisation in: only the Mayor or the Town Clerk may
    authorise anyone to post for the council (Networking Policy 3.2)."""
    for role in SIGNING_ROLES:
        if role in signer.roles:
            return role
    raise DomainError("Only the Mayor or the Town Clerk can issue an authorisation to post")


def issue(
    session: Session,
    signer: Person,
    request: AuthorisationRequest,
    *,
    password: str,
    typed_name: str,
    ip_address: str | None,
) -> AuthorisationIssue:
    """The Mayor or the Town Clerk signs the authorisation (after re-entering their password).

    The signer's role is checked here as well as by the view's access rule, so that no
    other caller (a command, a job, a future view) can issue in anyone else's name."""
    role = signing_role(signer)
    if request.issue is not None:
        return request.issue  # issuing twice gives one result
    if status_of(request) != "requested":
        raise DomainError(f"This request has been {status_of(request)}, so it cannot be issued")
    if request.person_id == signer.id:
        raise DomainError("Nobody can authorise themselves. Ask the other signatory")
    check_password_again(session, signer, password, purpose="issue_authorisation")
    if " ".join(typed_name.split()).casefold() != " ".join(signer.name.split()).casefold():
        raise DomainError(
            f"Type your full name exactly as the council has it: {signer.name}", field="typed_name"
        )
    missing = missing_preconditions(session, request.person)
    if missing:
        raise PreconditionsUnmet(missing)
    from portal.authorisations.letters import render_letter

    now = utcnow()
    code = secrets.token_urlsafe(18)  # 144 random bits: not guessable, not enumerable
    reference = next_reference(session, AuthorisationIssue.reference, "PA", now)
    pdf = render_letter(
        request,
        reference=reference,
        code=code,
        signer_name=signer.name,
        signer_role=role.label,
        signed_at=now,
    )
    issued = AuthorisationIssue(
        request_id=request.id,
        reference=reference,
        verification_code=code,
        signed_by_id=signer.id,
        signer_name=signer.name,
        signer_role=role.value,
        typed_name=" ".join(typed_name.split()),
        signed_at=now,
        ip_address=ip_address,
        letter_pdf=pdf,
        letter_sha256=hashlib.sha256(pdf).hexdigest(),
    )
    try:
        with session.begin_nested():  # a savepoint: a clash leaves the request's transaction usable
            session.add(issued)
            session.flush()
    except IntegrityError:
        raise DomainError("This authorisation has just been issued by the other signatory") from None
    request.issue = issued
    record(
        session,
        actor=signer,
        action="authorisations.issued",
        object_type="authorisation",
        object_id=request.id,
        details={
            "reference": reference,
            "person_id": request.person_id,
            "letter_sha256": issued.letter_sha256,
        },
    )
    return issued


def decline(
    session: Session, signer: Person, request: AuthorisationRequest, reason: str
) -> AuthorisationDecline:
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
        details={"reason": declined.reason},
    )
    return declined


def revoke(
    session: Session, actor: Person | None, request: AuthorisationRequest, reason: str
) -> AuthorisationRevocation:
    """Withdraw an issued authorisation at once. Revoking twice gives one result."""
    if request.revocation is not None:
        return request.revocation
    if request.issue is None:
        raise DomainError("Only an issued authorisation can be revoked")
    if not reason.strip():
        raise DomainError("Give the reason for revoking it", field="reason")
    revocation = AuthorisationRevocation(
        request_id=request.id,
        revoked_by_id=actor.id if actor else None,
        revoked_at=utcnow(),
        reason=reason.strip(),
    )
    session.add(revocation)
    session.flush()
    request.revocation = revocation
    record(
        session,
        actor=actor,
        action="authorisations.revoked",
        object_type="authorisation",
        object_id=request.id,
        details={"reason": revocation.reason, "reference": request.issue.reference},
    )
    return revocation


def revoke_for_leaver(session: Session, actor: Person, person: Person) -> None:
    """When someone leaves, every authorisation of theirs still in force ends with them."""
    for request in session.scalars(
        select(AuthorisationRequest)
        .options(*_with_everything())
        .where(AuthorisationRequest.person_id == person.id)
    ):
        if status_of(request) == "issued":
            revoke(session, actor, request, f"{person.name} left the council")


# Lists, the register and verification ---------------------------------------------


def requests_for(session: Session, viewer: Person) -> list[AuthorisationRequest]:
    query = select(AuthorisationRequest).options(*_with_everything()).order_by(AuthorisationRequest.id.desc())
    if not (can(viewer, "issue_posting_authorisation") or can(viewer, "revoke_posting_authorisation")):
        query = query.where(
            (AuthorisationRequest.requested_by_id == viewer.id)
            | (AuthorisationRequest.person_id == viewer.id)
        )
    return list(session.scalars(query))


def authorisations_of(session: Session, person: Person) -> list[AuthorisationRequest]:
    query = (
        select(AuthorisationRequest)
        .options(*_with_everything())
        .where(AuthorisationRequest.person_id == person.id)
    )
    return list(session.scalars(query.order_by(AuthorisationRequest.id)))


def status_on(request: AuthorisationRequest, on: date) -> str:
    """What an authorisation was on a past day, by the end of that day: for evidence."""
    from portal.policies.service import end_of_day

    cutoff = end_of_day(on)
    if request.issue is None or request.issue.signed_at >= cutoff:
        return "not issued"
    if request.revocation is not None and request.revocation.revoked_at < cutoff:
        return "revoked"
    if on < request.starts_on:
        return "not yet started"
    return "expired" if on > request.ends_on else "valid"


def _in_force(query: Select, on: date, ending_by: date | None) -> Select:  # type: ignore[type-arg]
    """Issued, not revoked, and running on `on` (ending by `ending_by` if given)."""
    query = (
        query.join(AuthorisationIssue, AuthorisationIssue.request_id == AuthorisationRequest.id)
        .where(~AuthorisationRequest.revocation.has())
        .where(AuthorisationRequest.starts_on <= on, AuthorisationRequest.ends_on >= on)
        .order_by(AuthorisationRequest.ends_on, AuthorisationRequest.id)
    )
    return query if ending_by is None else query.where(AuthorisationRequest.ends_on <= ending_by)


def register(
    session: Session, on: date | None = None, *, ending_by: date | None = None
) -> list[AuthorisationRequest]:
    """Who may speak for the council today, on which channels, until when; with
    `ending_by`, only those whose authorisation ends by then."""
    query = select(AuthorisationRequest).options(*_with_everything())
    return list(session.scalars(_in_force(query, on or today(), ending_by)))


@dataclass(frozen=True)
class Ending:
    person_id: int
    person_name: str
    reference: str
    ends_on: date


def ending_soon(session: Session, on: date, ending_by: date) -> list[Ending]:
    """Authorisations in force that end by `ending_by`, as plain rows for the overview."""
    query = select(
        AuthorisationRequest.person_id,
        Person.name,
        AuthorisationIssue.reference,
        AuthorisationRequest.ends_on,
    ).join(Person, Person.id == AuthorisationRequest.person_id)
    return [Ending(*row) for row in session.execute(_in_force(query, on, ending_by))]


def by_code(session: Session, code: str) -> AuthorisationRequest | None:
    if not code or len(code) > 60:
        return None
    issued = session.scalar(
        select(AuthorisationIssue.request_id).where(AuthorisationIssue.verification_code == code)
    )
    return get_request(session, issued) if issued is not None else None


LEAVER_HOOKS.append(revoke_for_leaver)
