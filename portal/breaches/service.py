"""Breach records: opening one on the route the person's terms give, who may handle it,
the referral and the close. Retention and legal holds are in retention.py.

Who is bound by which policy, and where a breach goes, are data (the version's scope,
portal/policies/scope.py; the breach routes, portal/people/breach_routes.py). A record
is opened only where the route is not the Disciplinary Policy: an employee's breach is a
disciplinary case (portal/conduct), and nobody else's ever is. Only the Town Clerk, HR
and the record's handler see a record; a record about the Town Clerk only HR. The subject
reads it through a subject access request (portal/privacy), not here: the body it is
referred to deals with them. Every look and every change is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.interfaces import LoaderOption

from portal.access import can
from portal.audit.sealed_text import load_keys
from portal.audit.service import record
from portal.clock import today
from portal.conduct.service import freeze_evidence, version_alleged
from portal.db import Paged, paginate, utcnow
from portal.errors import DomainError, NotFound
from portal.people.models import Person, PersonRole, Role
from portal.people.service import Route, route_for
from portal.policies.models import Policy
from portal.policies.service import Scope
from portal.references import next_reference

from . import messages
from .models import NO_FURTHER_ACTION, OUTCOMES, REFERRED, BreachEvidence, BreachRecord
from .need_to_know import OBJECT_TYPE

PERMISSION = "manage_breach_records"


def _with_everything() -> list[LoaderOption]:
    return [
        selectinload(BreachRecord.subject).selectinload(Person.role_grants),
        selectinload(BreachRecord.handler),
        selectinload(BreachRecord.policy_version),
        selectinload(BreachRecord.evidence),
    ]


def get_record(session: Session, record_id: int) -> BreachRecord:
    found = session.scalar(
        select(BreachRecord).options(*_with_everything()).where(BreachRecord.id == record_id)
    )
    if found is None:
        raise NotFound("No such breach record")
    return found


def may_handle(viewer: Person, found: BreachRecord) -> bool:
    """The Town Clerk, HR and the record's handler, never its subject; a record about the
    Town Clerk goes to HR alone. Need-to-know is the council's own choice (UK GDPR
    Art. 5(1)(f), confidentiality), the same as for disciplinary cases."""
    if viewer.id == found.subject_id:
        return False
    if Role.TOWN_CLERK in found.subject.roles:
        return Role.HR in viewer.roles
    return can(viewer, PERMISSION) or viewer.id == found.handler_id


def records_handled_by(session: Session, viewer: Person, *, page: int = 1) -> Paged:
    """The records the viewer may handle, newest first, 50 a page. Which records are about
    the Town Clerk is filtered in the query, so a page is always full and costs the same
    number of queries however many records there are."""
    query = select(BreachRecord)
    if not can(viewer, PERMISSION):
        query = query.where(BreachRecord.handler_id == viewer.id)
    query = query.where(BreachRecord.subject_id != viewer.id)
    if Role.HR not in viewer.roles:
        clerks = select(PersonRole.person_id).where(PersonRole.role == Role.TOWN_CLERK.value)
        query = query.where(BreachRecord.subject_id.not_in(clerks))
    found = paginate(session, query.order_by(BreachRecord.id.desc()), page, *_with_everything())
    load_keys(session, found.items)
    return found


def audit_record(
    session: Session,
    actor: Person | None,
    found: BreachRecord,
    what: str,
    details: dict[str, Any] | None = None,
) -> None:
    """An event about the record: ids, dates and set values only, never free text, which
    stays sealed on the record where retention removes it (UK GDPR Art. 5(1)(c), (e))."""
    record(
        session,
        actor=actor,
        action=f"breaches.{what}",
        object_type=OBJECT_TYPE,
        object_id=found.audit_reference,
        details={"reference": found.reference, **(details or {})},
    )


def record_view(session: Session, viewer: Person, found: BreachRecord) -> None:
    """Every look at a record is in the audit trail (UK GDPR Art. 5(2), accountability)."""
    audit_record(session, viewer, found, "viewed")


@dataclass
class Concern:
    subject: Person
    allegation: str
    incident_date: date
    policy: Policy
    sections: list[str]
    handler: Person


def route_of(session: Session, subject: Person) -> Route:
    """The route a breach by the subject takes, refusing the Disciplinary Policy's (that is
    a disciplinary case) and a type the council has left without one."""
    route = route_for(session, subject.engagement_type)
    if route == Route.DISCIPLINARY:
        raise DomainError(
            f"{subject.name} is employed by the council: a breach goes to the Disciplinary Policy. "
            "Open a disciplinary case instead",
            field="subject_email",
        )
    if route is None:
        raise DomainError(
            f"No route is recorded for {subject.engagement.label.lower()}s: "
            "ask the Town Clerk to set one before recording a breach",
            field="subject_email",
        )
    return route


def open_record(session: Session, actor: Person, details: Concern) -> BreachRecord:
    """Records a breach by someone the council does not employ, on the route their terms
    give (breach_routes.py), and freezes the evidence that stood on the incident date as a
    disciplinary case does (ACAS Code, "Establish the facts"; the same evidence serves a
    Monitoring Officer or an agency). The policy must bind the person: the Networking
    Policy (Scope) does not bind councillors, so no record says they breached it."""
    subject, handler = details.subject, details.handler
    route = route_of(session, subject)
    if subject.id == actor.id:
        raise DomainError("You cannot record a breach about yourself", field="subject_email")
    town_clerk = Role.TOWN_CLERK in subject.roles
    if town_clerk and Role.HR not in actor.roles:
        raise DomainError("A breach by the Town Clerk is recorded by HR", field="subject_email")
    if handler.id == subject.id:
        raise DomainError("The person handling it cannot be its subject", field="handler_email")
    if not handler.is_active:
        raise DomainError(f"{handler.name} has left the council", field="handler_email")
    if town_clerk and Role.HR not in handler.roles:
        raise DomainError("A breach by the Town Clerk is handled by someone in HR", field="handler_email")
    if not details.allegation.strip():
        raise DomainError("Describe the allegation", field="allegation")
    version = version_alleged(session, details.policy, details.incident_date, details.sections)
    scope = Scope.of_version(version)
    bound = subject.engagement_type in scope.engagements and (
        not scope.roles or any(role in scope.roles for role in subject.roles)
    )
    if not bound:
        raise DomainError(
            f"Version {version.label} of the {details.policy.title} does not bind {subject.name} "
            f"(it binds: {scope.summary})",
            field="policy",
        )
    frozen = freeze_evidence(session, subject, details.policy, version, details.incident_date)
    now = utcnow()
    found = BreachRecord(
        reference=next_reference(session, BreachRecord.reference, "BR", now),
        subject=subject,
        route=route.value,
        engagement_type=subject.engagement_type,
        allegation=details.allegation.strip(),
        incident_date=details.incident_date,
        policy_version=version,
        sections=details.sections,
        handler=handler,
        opened_by_id=actor.id,
        opened_at=now,
        status="open",
        referred_to="",
        outcome_notes="",
        legal_hold_reason="",
        evidence=BreachEvidence(
            taken_at=now, content=frozen.content, content_sha256=frozen.sha256, receipt_pdf=frozen.receipt_pdf
        ),
    )
    session.add(found)
    session.flush()
    # The record id and the evidence's hash, in clear, tie this event to the record for the
    # database's retention purge (migration 0024).
    audit_record(
        session,
        actor,
        found,
        "opened",
        {"record_id": found.id, "route": route.value, "evidence_sha256": frozen.sha256},
    )
    if handler.id != actor.id:
        messages.record_to_handle(session, handler, found.id, found.reference)
    return found


def _refuse_closed(found: BreachRecord) -> None:
    if found.status == "closed":
        raise DomainError(f"Breach record {found.reference} is closed")


def _refuse_date(on: date, found: BreachRecord, *, field: str, after: date | None = None) -> None:
    if on > today():
        raise DomainError("The date cannot be in the future", field=field)
    earliest = max(found.incident_date, after or found.incident_date)
    if on < earliest:
        raise DomainError(f"The date cannot be before {earliest.strftime('%-d %B %Y')}", field=field)


def record_referral(
    session: Session, actor: Person, found: BreachRecord, *, referred_on: date, referred_to: str
) -> None:
    """Records who the matter was passed to and when: the person's employer or appointing
    body, their agency, or the Monitoring Officer, who decides it (breach_routes.py;
    Localism Act 2011 s. 28 for councillors). Recording it again corrects it, audited."""
    _refuse_closed(found)
    if found.route not in REFERRED:
        raise DomainError(f"A breach on this route is not referred: it is {found.route_label}")
    if not referred_to.strip():
        raise DomainError("Say who it was referred to", field="referred_to")
    _refuse_date(referred_on, found, field="referred_on")
    found.referred_on, found.referred_to = referred_on, referred_to.strip()
    session.flush()
    audit_record(session, actor, found, "referred", {"referred_on": referred_on})


def close_record(
    session: Session, actor: Person, found: BreachRecord, *, closed_on: date, outcome: str, notes: str
) -> None:
    """Closes the record with what came of it, from the outcomes its route allows (a
    volunteer agreement: guidance, a change of role or ending the placement). On a
    referred route only "no further action" comes before a referral: any other outcome
    is the decision of the body it was referred to. The retention schedule counts from
    the closing date (retention.py)."""
    _refuse_closed(found)
    allowed = OUTCOMES[found.route]
    if outcome not in allowed:
        raise DomainError("Choose what came of it", field="outcome")
    if found.route in REFERRED and found.referred_on is None and outcome != NO_FURTHER_ACTION:
        raise DomainError("Record the referral first: only its body can reach that outcome", field="outcome")
    _refuse_date(closed_on, found, field="closed_on", after=found.referred_on)
    found.status, found.closed_on, found.outcome = "closed", closed_on, outcome
    found.outcome_notes = notes.strip()
    session.flush()
    audit_record(session, actor, found, "closed", {"closed_on": closed_on, "outcome": outcome})
