"""Information requests: logging one from any channel, handing it on at once, and its
handling against the statutory clock (deadlines.py).

Anyone signed in can log a request, because a request can arrive by any channel and the
clock starts when it arrives, not when the Clerk hears of it (FOIA s10(1); UK GDPR
Art. 12(3)). It goes straight to whoever answers it, as a home-page task and an email:
FOI, EIR, complaints and other requests to the Town Clerk; subject access requests to
HR, who hold the subject access export. A request from or about the Town Clerk goes to
HR alone, and one from or about an HR officer to the Town Clerk alone: nobody handles a
request about themselves. Where the council has nobody in HR, the Town Clerk takes
subject access requests. Only holders of the role it went to see the request; whoever
logged it is told where it went. Every step is audited, with no free text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.interfaces import LoaderOption

from portal.audit.sealed_text import load_keys
from portal.audit.service import record
from portal.clock import london_date, today
from portal.db import PAGE_SIZE, Paged, paginate, utcnow
from portal.errors import DomainError, NotFound
from portal.people.models import Person, Role
from portal.people.service import active_holders
from portal.references import next_reference

from . import messages
from .deadlines import Clock, can_be_extended, clock_of, received_on
from .models import KINDS, OUTCOMES, InformationRequest
from .need_to_know import OBJECT_TYPE

ROLE_NAMES = {"town_clerk": "the Town Clerk", "hr": "HR"}


def _with_everything() -> list[LoaderOption]:
    return [
        selectinload(InformationRequest.channel),
        selectinload(InformationRequest.about).selectinload(Person.role_grants),
        selectinload(InformationRequest.logged_by),
        selectinload(InformationRequest.identity_checked_by),
    ]


def get_request(session: Session, request_id: int) -> InformationRequest:
    found = session.scalar(
        select(InformationRequest).options(*_with_everything()).where(InformationRequest.id == request_id)
    )
    if found is None:
        raise NotFound("No such request")
    return found


def may_handle(viewer: Person, found: InformationRequest) -> bool:
    """A holder of the role the request went to, unless it is from or about them."""
    return viewer.id != found.about_id and Role(found.handler_role) in viewer.roles


def holders(session: Session, role: str, *, besides: int | None = None) -> list[Person]:
    return [p for p in active_holders(session, Role(role)) if p.id != besides]


def handler_role_for(session: Session, kind: str, about: Person | None) -> str:
    """Who answers (see the module's docstring): a request never reaches the person it is
    from or about, so those about the Town Clerk go to HR and those about HR to the Clerk."""
    roles = about.roles if about is not None else frozenset()
    if Role.TOWN_CLERK in roles:
        return "hr"
    if Role.HR in roles:
        return "town_clerk"
    if kind == "subject_access" and holders(session, "hr"):
        return "hr"
    return "town_clerk"


def requests_handled_by(session: Session, viewer: Person, *, status: str = "open", page: int = 1) -> Paged:
    """The requests the viewer may handle, first received first (the first due), 50 a page."""
    roles = [r for r in ("town_clerk", "hr") if Role(r) in viewer.roles]
    query = select(InformationRequest).where(
        InformationRequest.handler_role.in_(roles),
        (InformationRequest.about_id.is_(None)) | (InformationRequest.about_id != viewer.id),
    )
    if status in ("open", "answered"):
        query = query.where(InformationRequest.status == status)
    query = query.order_by(InformationRequest.received_at, InformationRequest.id)
    found = paginate(session, query, page, *_with_everything())
    load_keys(session, found.items)
    return found


def logged_by(session: Session, person: Person) -> list[InformationRequest]:
    """What the person logged, for their own list: the reference and where it went."""
    query = (
        select(InformationRequest)
        .where(InformationRequest.logged_by_id == person.id)
        .order_by(InformationRequest.id.desc())
        .limit(PAGE_SIZE)
    )
    return list(session.scalars(query))


def open_requests(session: Session) -> list[InformationRequest]:
    """Every open request, for the reminders and the overview (a council's handful)."""
    query = select(InformationRequest).options(selectinload(InformationRequest.about))
    return list(
        session.scalars(query.where(InformationRequest.status == "open").order_by(InformationRequest.id))
    )


def due_for(session: Session, viewer: Person) -> list[tuple[InformationRequest, Clock]]:
    """The open requests the viewer may handle whose clock is running, soonest due first:
    for the compliance overview and the digest, each to those who may see them."""
    found = [(r, clock_of(r)) for r in open_requests(session) if may_handle(viewer, r)]
    return sorted(((r, c) for r, c in found if c.due is not None), key=lambda pair: (pair[1].due, pair[0].id))


def audit_request(
    session: Session,
    actor: Person | None,
    found: InformationRequest,
    what: str,
    details: dict[str, Any] | None = None,
) -> None:
    """An event about the request: ids, dates and set values, never what was asked."""
    record(
        session,
        actor=actor,
        action=f"information.{what}",
        object_type=OBJECT_TYPE,
        object_id=found.audit_reference,
        details={"reference": found.reference, **(details or {})},
    )


@dataclass
class Arrival:
    kind: str
    channel_id: int | None
    other_channel: str
    received_at: datetime
    requester: str
    words: str
    about: Person | None = None


def log_request(session: Session, actor: Person, arrival: Arrival) -> InformationRequest:
    """Logs a request and hands it on at once (see the module's docstring): its clock
    started when it arrived, so the date and time it was received are kept."""
    if arrival.kind not in KINDS:
        raise DomainError("Choose what kind of request it is", field="kind")
    if arrival.channel_id is None and not arrival.other_channel.strip():
        raise DomainError("Say where it arrived: a council channel, or how else", field="channel")
    if london_date(arrival.received_at) > today():
        raise DomainError("The date it was received cannot be in the future", field="received_on")
    if not arrival.requester.strip():
        raise DomainError("Say who asked: their name or handle", field="requester")
    if not arrival.words.strip():
        raise DomainError("Give the words of the request, or a link to it", field="words")
    role = handler_role_for(session, arrival.kind, arrival.about)
    now = utcnow()
    found = InformationRequest(
        reference=next_reference(session, InformationRequest.reference, "IR", now),
        kind=arrival.kind,
        channel_id=arrival.channel_id,
        other_channel="" if arrival.channel_id is not None else arrival.other_channel.strip(),
        received_at=arrival.received_at,
        requester=arrival.requester.strip(),
        words=arrival.words.strip(),
        about_id=arrival.about.id if arrival.about is not None else None,
        handler_role=role,
        logged_by_id=actor.id,
        logged_at=now,
        status="open",
        identity_method="",
        extension_reason="",
        outcome_notes="",
    )
    session.add(found)
    session.flush()
    audit_request(session, actor, found, "logged", {"kind": found.kind, "handler_role": role})
    for holder in holders(session, role, besides=found.about_id):
        messages.request_to_handle(session, holder, found, clock_of(found))
    return found


# Handling --------------------------------------------------------------------------


def _refuse_answered(found: InformationRequest) -> None:
    if found.status == "answered":
        raise DomainError(f"Request {found.reference} has been answered")


def _check_day(found: InformationRequest, on: date, field: str, *, after: date | None = None) -> None:
    if on > today():
        raise DomainError("The date cannot be in the future", field=field)
    earliest = max(received_on(found), after or received_on(found))
    if on < earliest:
        raise DomainError(f"The date cannot be before {earliest.strftime('%-d %B %Y')}", field=field)


def acknowledge(session: Session, actor: Person, found: InformationRequest, on: date) -> None:
    """Records when the requester was told the request had arrived (good practice: the
    ICO's and the section 45 Code's advice to acknowledge promptly)."""
    _refuse_answered(found)
    _check_day(found, on, "on")
    found.acknowledged_on = on
    session.flush()
    audit_request(session, actor, found, "acknowledged", {"on": on})


def ask_clarification(session: Session, actor: Person, found: InformationRequest, on: date) -> None:
    """The council asked for what it reasonably needs to find the information: the clock
    stops until the answer arrives (FOIA s1(3); EIR reg 9(4), within 20 working days)."""
    _refuse_answered(found)
    if found.kind not in ("foi", "eir"):
        raise DomainError("Clarification stops the clock only for FOI and EIR requests")
    _check_day(found, on, "on")
    found.clarification_asked_on, found.clarification_received_on = on, None
    session.flush()
    audit_request(session, actor, found, "clarification_asked", {"asked_on": on})


def clarification_received(session: Session, actor: Person, found: InformationRequest, on: date) -> None:
    """The clarification arrived: 20 working days run again from this day (FOIA s1(3))."""
    _refuse_answered(found)
    if found.clarification_asked_on is None:
        raise DomainError("Record first that clarification was asked for", field="on")
    _check_day(found, on, "on", after=found.clarification_asked_on)
    found.clarification_received_on = on
    session.flush()
    audit_request(session, actor, found, "clarification_received", {"received_on": on})


def ask_identity(session: Session, actor: Person, found: InformationRequest, on: date) -> None:
    """The requester's identity must be checked before their data is given: the month
    runs from when it is confirmed (UK GDPR Art. 12(6); the ICO's guidance)."""
    _refuse_answered(found)
    if found.kind != "subject_access":
        raise DomainError("An identity check applies to subject access requests")
    _check_day(found, on, "on")
    found.identity_requested_on = on
    session.flush()
    audit_request(session, actor, found, "identity_requested", {"requested_on": on})


def confirm_identity(
    session: Session, actor: Person, found: InformationRequest, on: date, method: str
) -> None:
    """Who confirmed the requester's identity, how and when: the month starts then."""
    _refuse_answered(found)
    if found.kind != "subject_access":
        raise DomainError("An identity check applies to subject access requests")
    if not method.strip():
        raise DomainError("Say how their identity was checked", field="method")
    _check_day(found, on, "on", after=found.identity_requested_on)
    if found.identity_requested_on is None:
        found.identity_requested_on = on
    found.identity_confirmed_on, found.identity_method, found.identity_checked_by_id = (
        on,
        method.strip(),
        actor.id,
    )
    session.flush()
    audit_request(session, actor, found, "identity_confirmed", {"confirmed_on": on})


def extend(session: Session, actor: Person, found: InformationRequest, on: date, reason: str) -> None:
    """Extends the time to answer: to 40 working days for environmental information whose
    complexity and volume make 20 impracticable (EIR reg 7(1)), or by two months for a
    complex or numerous subject access request (UK GDPR Art. 12(3)). Either way the
    requester must be told, with the reasons, before the first period ends."""
    _refuse_answered(found)
    if not can_be_extended(found):
        raise DomainError("Only EIR and subject access requests can be extended")
    if found.extended_on is not None:
        raise DomainError("The time has already been extended")
    if not reason.strip():
        raise DomainError("Give the reasons the requester was told", field="reason")
    clock = clock_of(found)
    if clock.first_due is None:
        raise DomainError(f"The clock is stopped ({clock.paused}): there is nothing to extend")
    _check_day(found, on, "on")
    if on > clock.first_due:
        raise DomainError(
            f"Too late: the requester had to be told by {clock.first_due.strftime('%-d %B %Y')}",
            field="on",
        )
    found.extended_on, found.extension_reason = on, reason.strip()
    session.flush()
    audit_request(session, actor, found, "extended", {"on": on})


def answer(
    session: Session, actor: Person, found: InformationRequest, on: date, outcome: str, notes: str
) -> None:
    """Records the answer, from the outcomes the law allows for the request's kind, and
    whether it was in time: a late answer is still recorded, and shown as late."""
    _refuse_answered(found)
    if outcome not in OUTCOMES[found.kind]:
        raise DomainError("Choose the outcome", field="outcome")
    _check_day(found, on, "on")
    found.status, found.outcome, found.answered_on, found.outcome_notes = (
        "answered",
        outcome,
        on,
        notes.strip(),
    )
    session.flush()
    due = clock_of(found).due
    audit_request(
        session, actor, found, "answered", {"outcome": outcome, "on": on, "late": bool(due and on > due)}
    )


def record_view(session: Session, viewer: Person, found: InformationRequest) -> None:
    audit_request(session, viewer, found, "viewed")


__all__ = [
    "Arrival",
    "Clock",
    "ROLE_NAMES",
    "acknowledge",
    "answer",
    "ask_clarification",
    "ask_identity",
    "clarification_received",
    "clock_of",
    "due_for",
    "confirm_identity",
    "extend",
    "get_request",
    "handler_role_for",
    "holders",
    "log_request",
    "logged_by",
    "may_handle",
    "open_requests",
    "record_view",
    "requests_handled_by",
]
