"""Disciplinary cases: who may handle them, opening one with its evidence, the outcome
under the ACAS Code's stages, meetings and appeals.

Only the Town Clerk, HR and the case's investigating officer can see a case; the
subject sees their own (shared notes, outcome, warnings). A case about the Town Clerk
is handled by HR alone, acting for the staffing committee. Every view is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from portal.access import can
from portal.audit.service import record
from portal.clock import add_months, add_working_days, today
from portal.db import utcnow
from portal.errors import DomainError, NotFound
from portal.people.models import Person, Role
from portal.people.service import refuse_unless_disciplinary
from portal.policies.models import Acknowledgement, Policy, Receipt
from portal.policies.service import get_version, normalise_code, version_in_force
from portal.references import next_reference

from . import messages
from .evidence import gather, seal
from .models import STAGE_LABELS, STAGES, CaseMeeting, DisciplinaryCase, EvidenceSnapshot, LinkedReceipt
from .need_to_know import OBJECT_TYPE

# How long a warning stays live by default: the council's Disciplinary Policy sets it, not
# the ACAS Code (which asks only that the employee be told); each case can change it.
LIVE_MONTHS = {"first_written": 6, "final_written": 12}
ESCALATION = ("informal", "first_written", "final_written", "dismissal")
# The time to lodge an appeal: the council's own Disciplinary Policy (the Code says only
# that appeals are made, and heard, without unreasonable delay).
APPEAL_WORKING_DAYS = 5


def _with_everything() -> list:  # type: ignore[type-arg]
    return [
        selectinload(DisciplinaryCase.subject).selectinload(Person.role_grants),
        selectinload(DisciplinaryCase.investigating_officer),
        selectinload(DisciplinaryCase.policy_version),
        selectinload(DisciplinaryCase.meetings),
        selectinload(DisciplinaryCase.evidence),
        selectinload(DisciplinaryCase.packs),
        selectinload(DisciplinaryCase.linked_receipts).selectinload(LinkedReceipt.receipt),
    ]


def get_case(session: Session, case_id: int) -> DisciplinaryCase:
    found = session.scalar(
        select(DisciplinaryCase).options(*_with_everything()).where(DisciplinaryCase.id == case_id)
    )
    if found is None:
        raise NotFound("No such case")
    return found


def may_handle(viewer: Person, case: DisciplinaryCase) -> bool:
    """Only the Town Clerk, HR and the investigating officer handle a case, and nobody
    their own; a case about the Town Clerk goes to HR alone, for the staffing committee.
    Need-to-know is the council's own choice (UK GDPR Art. 5(1)(f), confidentiality)."""
    if viewer.id == case.subject_id:
        return False  # nobody handles their own case
    if Role.TOWN_CLERK in case.subject.roles:
        return Role.HR in viewer.roles  # the staffing committee, through HR
    return can(viewer, "manage_disciplinary_records") or viewer.id == case.investigating_officer_id


def record_view(session: Session, viewer: Person, case: DisciplinaryCase, *, as_subject: bool) -> None:
    """Every look at a case is in the audit trail (UK GDPR Art. 5(2), accountability),
    under the case's opaque audit reference: only HR and the Town Clerk see who looked
    (portal.audit.need_to_know)."""
    record(
        session,
        actor=viewer,
        action="conduct.case_viewed_by_subject" if as_subject else "conduct.case_viewed",
        object_type=OBJECT_TYPE,
        object_id=case.audit_reference,
    )


def audit_case(
    session: Session,
    actor: Person | None,
    case: DisciplinaryCase,
    what: str,
    details: dict[str, Any] | None = None,
) -> None:
    """An event about the case. Its details hold ids, hashes and set values only, never
    free text: reasons, notes and names stay in the case's own tables, where the
    retention schedule removes them (UK GDPR Article 5(1)(c) and (e))."""
    record(
        session,
        actor=actor,
        action=f"conduct.{what}",
        object_type=OBJECT_TYPE,
        object_id=case.audit_reference,
        details={"reference": case.reference, **(details or {})},
    )


def cases_handled_by(session: Session, viewer: Person) -> list[DisciplinaryCase]:
    query = select(DisciplinaryCase).options(*_with_everything()).order_by(DisciplinaryCase.id.desc())
    if not can(viewer, "manage_disciplinary_records"):
        query = query.where(DisciplinaryCase.investigating_officer_id == viewer.id)
    return [c for c in session.scalars(query) if may_handle(viewer, c)]


def cases_about(session: Session, subject: Person) -> list[DisciplinaryCase]:
    query = (
        select(DisciplinaryCase).options(*_with_everything()).where(DisciplinaryCase.subject_id == subject.id)
    )
    return list(session.scalars(query.order_by(DisciplinaryCase.id.desc())))


def has_something_to_read(session: Session, subject: Person) -> bool:
    """For the subject's home page: a link only, never the content."""
    shared = (
        select(func.count())
        .select_from(DisciplinaryCase)
        .outerjoin(CaseMeeting, CaseMeeting.case_id == DisciplinaryCase.id)
        .where(
            DisciplinaryCase.subject_id == subject.id,
            or_(DisciplinaryCase.status == "decided", CaseMeeting.shared_on.is_not(None)),
        )
    )
    return bool(session.scalar(shared))


def live_warnings(
    session: Session, subject: Person, on: date, *, besides: int | None = None
) -> list[DisciplinaryCase]:
    """Warnings still live on `on`; expired ones no longer count towards escalation."""
    query = select(DisciplinaryCase).where(
        DisciplinaryCase.subject_id == subject.id,
        DisciplinaryCase.status == "decided",
        DisciplinaryCase.stage.in_(("first_written", "final_written")),
        DisciplinaryCase.warning_live_until >= on,
    )
    if besides is not None:
        query = query.where(DisciplinaryCase.id != besides)
    return list(session.scalars(query.order_by(DisciplinaryCase.decided_on)))


# Opening -------------------------------------------------------------------------


@dataclass
class Allegation:
    subject: Person
    allegation: str
    incident_date: date
    policy: Policy
    sections: list[str]
    investigating_officer: Person


def open_case(session: Session, actor: Person, details: Allegation) -> DisciplinaryCase:
    """Opens a case and freezes the evidence that stood on the incident date, so the facts
    are established before anything is decided (ACAS Code of Practice, "Establish the
    facts of each case"). A breach of the Networking Policy is handled under the council's
    Disciplinary Policy (Networking Policy, Scope). Nobody opens a case about themselves,
    and the investigating officer is never the subject: the council's own rules. A case
    can be opened where no acknowledgement exists: that absence is part of the evidence.
    Only where the breach route is the Disciplinary Policy (breach_routes.py): never
    about a councillor, a volunteer, or anyone the council does not employ."""
    subject = details.subject
    refuse_unless_disciplinary(session, subject, field="subject_email")
    if subject.id == actor.id:
        raise DomainError("You cannot open a case about yourself", field="subject_email")
    if Role.TOWN_CLERK in subject.roles and Role.HR not in actor.roles:
        raise DomainError(
            "A case about the Town Clerk is handled by HR, for the staffing committee", field="subject_email"
        )
    if details.investigating_officer.id == subject.id:
        raise DomainError(
            "The investigating officer cannot be the subject", field="investigating_officer_email"
        )
    if not details.allegation.strip():
        raise DomainError("Describe the allegation", field="allegation")
    if details.incident_date > today():
        raise DomainError("The incident date cannot be in the future", field="incident_date")
    in_force = version_in_force(details.policy, details.incident_date)
    if in_force is None:
        raise DomainError(
            f"No version of the {details.policy.title} was in force on that date", field="incident_date"
        )
    version = get_version(session, details.policy, in_force.id)
    known = {s.section_id for s in version.sections}
    unknown = [s for s in details.sections if s not in known]
    if unknown or not details.sections:
        raise DomainError(
            f"Version {version.label} has no section {', '.join(unknown)}"
            if unknown
            else "Give the sections alleged to have been breached, for example 3.2",
            field="sections",
        )
    content, receipt_pdf = gather(session, subject, details.policy, version, details.incident_date)
    text, digest = seal(content)
    now = utcnow()
    case = DisciplinaryCase(
        reference=next_reference(session, DisciplinaryCase.reference, "DC", now),
        subject=subject,
        allegation=details.allegation.strip(),
        incident_date=details.incident_date,
        policy_version=version,
        sections=details.sections,
        investigating_officer=details.investigating_officer,
        opened_by_id=actor.id,
        opened_at=now,
        status="open",
        meetings=[],
        packs=[],
        linked_receipts=[],
        evidence=EvidenceSnapshot(taken_at=now, content=text, content_sha256=digest, receipt_pdf=receipt_pdf),
    )
    session.add(case)
    session.flush()
    audit_case(session, actor, case, "case_opened", {"evidence_sha256": digest})
    return case


# Handling ------------------------------------------------------------------------


def add_meeting(
    session: Session, actor: Person, case: DisciplinaryCase, *, held_on: date, title: str, notes: str
) -> CaseMeeting:
    """Records a meeting with its notes, which stay unshared until a handler shares them.
    A meeting without notes is refused: the council keeps a written record of each one,
    as the ACAS Code's foreword advises."""
    if not title.strip() or not notes.strip():
        raise DomainError("Give the meeting a title and its notes", field="notes")
    meeting = CaseMeeting(held_on=held_on, title=title.strip(), notes=notes.strip(), shared_on=None)
    case.meetings.append(meeting)
    session.flush()
    audit_case(session, actor, case, "meeting_added", {"meeting_id": meeting.id})
    return meeting


def share_notes(
    session: Session, actor: Person, case: DisciplinaryCase, meeting_id: int, shared_on: date
) -> None:
    """Shares a meeting's notes with the employee and tells them there is something to
    read: the employee is told the case against them and sees the written evidence
    (ACAS Code of Practice, "Inform the employee of the problem"). The email carries a
    link and never the content: the council's own choice. Sharing twice changes nothing."""
    meeting = next((m for m in case.meetings if m.id == meeting_id), None)
    if meeting is None:
        raise NotFound("No such meeting")
    if meeting.shared_on is None:
        meeting.shared_on = shared_on
        session.flush()
        audit_case(session, actor, case, "notes_shared", {"meeting_id": meeting.id, "shared_on": shared_on})
    # Keyed by the meeting, so a second share queues nothing new.
    messages.something_to_read(session, case.subject, case.id, f"notes-{meeting_id}")


@dataclass
class Outcome:
    stage: str
    outcome: str
    reasons: str
    decided_on: date
    hearing_on: date | None
    companion_kind: str
    companion_name: str
    warning_live_until: date | None = None
    gross_misconduct_reason: str = ""


def expected_highest_stage(live: list[DisciplinaryCase]) -> str:
    """The furthest stage open without skipping one: one past the highest live warning
    (a first written warning when there is none). Warnings normally escalate one stage
    at a time (ACAS Code of Practice, "Decide on appropriate action")."""
    highest = max((ESCALATION.index(c.stage) for c in live if c.stage), default=0)
    return ESCALATION[min(highest + 1, len(ESCALATION) - 1)]


def record_outcome(session: Session, actor: Person, case: DisciplinaryCase, outcome: Outcome) -> None:
    """Records the decision, with its reasons, and tells the employee there is something
    to read: the outcome is given in writing with the right of appeal (ACAS Code of
    Practice, "Decide on appropriate action"). A stage may be skipped only with the reason
    it is gross misconduct or serious enough (same section). A warning's live period
    comes from the council's Disciplinary Policy; the appeal deadline, in working days,
    is the council's own."""
    if outcome.stage not in STAGES:
        raise DomainError("Choose the stage from the list", field="stage")
    if not outcome.outcome.strip() or not outcome.reasons.strip():
        raise DomainError("Give the outcome and the reasons for it", field="reasons")
    if outcome.companion_kind and not outcome.companion_name.strip():
        raise DomainError("Give the companion's name", field="companion_name")
    live = live_warnings(session, case.subject, outcome.decided_on, besides=case.id)
    allowed = expected_highest_stage(live)
    skipped = outcome.stage in ESCALATION and ESCALATION.index(outcome.stage) > ESCALATION.index(allowed)
    if skipped and not outcome.gross_misconduct_reason.strip():
        raise DomainError(
            f"{STAGE_LABELS[outcome.stage]} skips a stage: the furthest without one is "
            f"{STAGE_LABELS[allowed].lower()}. Record why this is gross misconduct",
            field="gross_misconduct_reason",
        )
    live_until = None
    if outcome.stage in LIVE_MONTHS:
        live_until = outcome.warning_live_until or add_months(outcome.decided_on, LIVE_MONTHS[outcome.stage])
        if live_until <= outcome.decided_on:
            raise DomainError(
                "A warning must stay live after the day it is given", field="warning_live_until"
            )
    case.stage = outcome.stage
    case.outcome, case.outcome_reasons = outcome.outcome.strip(), outcome.reasons.strip()
    case.decided_on = outcome.decided_on
    case.hearing_on = outcome.hearing_on
    case.companion_kind, case.companion_name = outcome.companion_kind, outcome.companion_name.strip()
    case.stage_skip_reason = outcome.gross_misconduct_reason.strip() if skipped else ""
    case.warning_live_until = live_until
    case.appeal_deadline = add_working_days(outcome.decided_on, APPEAL_WORKING_DAYS)
    case.status = "decided"
    session.flush()
    audit_case(
        session,
        actor,
        case,
        "outcome_recorded",
        # The decision date too: on PostgreSQL the retention purge judges from this
        # append-only event, never from the case's editable columns (migration 0015).
        {
            "stage": outcome.stage,
            "decided_on": outcome.decided_on,
            "warning_live_until": live_until,
            "stage_skipped": skipped,
        },
    )
    messages.something_to_read(session, case.subject, case.id, "outcome")


@dataclass
class Appeal:
    lodged_on: date
    late_reason: str
    hearing_on: date | None
    outcome: str


def record_appeal(session: Session, actor: Person, case: DisciplinaryCase, appeal: Appeal) -> None:
    """Records an appeal against an outcome (ACAS Code of Practice, "Provide employees
    with an opportunity to appeal"). An appeal lodged after the council's deadline is
    heard only with a recorded reason: the council's own rule."""
    if case.status != "decided" or case.appeal_deadline is None:
        raise DomainError("An appeal can be recorded only once there is an outcome")
    late = appeal.lodged_on > case.appeal_deadline
    if late and not appeal.late_reason.strip():
        raise DomainError(
            f"The appeal was lodged after its deadline ({case.appeal_deadline.isoformat()}). "
            "Record why it is heard anyway",
            field="late_reason",
        )
    case.appeal_lodged_on = appeal.lodged_on
    case.appeal_late_reason = appeal.late_reason.strip() if late else ""
    case.appeal_hearing_on = appeal.hearing_on
    case.appeal_outcome = appeal.outcome.strip()
    session.flush()
    audit_case(
        session, actor, case, "appeal_recorded", {"late": late, "decided": bool(appeal.outcome.strip())}
    )


def link_receipt(session: Session, actor: Person, case: DisciplinaryCase, code: str) -> LinkedReceipt:
    """Adds another of the employee's receipts to the evidence. Someone else's receipt is
    refused: it proves nothing about what this employee knew (the council's own rule)."""
    found = session.execute(
        select(Receipt, Acknowledgement.person_id)
        .join(Acknowledgement, Acknowledgement.id == Receipt.acknowledgement_id)
        .where(Receipt.code == normalise_code(code))
    ).first()
    if found is None:
        raise DomainError("No receipt has that code", field="code")
    receipt, person_id = found
    if person_id != case.subject_id:
        raise DomainError(
            "That receipt belongs to someone else: only the employee's own receipts can be linked",
            field="code",
        )
    existing = next((link for link in case.linked_receipts if link.receipt_id == receipt.id), None)
    if existing is not None:
        return existing
    link = LinkedReceipt(receipt=receipt, linked_by_id=actor.id, linked_at=utcnow())
    case.linked_receipts.append(link)
    session.flush()
    audit_case(
        session, actor, case, "receipt_linked", {"receipt_id": receipt.id, "pdf_sha256": receipt.pdf_sha256}
    )
    return link
