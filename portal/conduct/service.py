"""Disciplinary cases: who may handle them, opening one with its evidence, meetings and
linked receipts. The hearing and its invitation (hearings.py), the outcome and the appeal
(outcomes.py) and what they share (records.py) are offered here too, for the views and
for other features.

Only the Town Clerk, HR and the case's investigating officer can see a case; the
subject sees their own (shared notes, letters, outcome, warnings). A case about the
Town Clerk is handled by HR alone, acting for the staffing committee. Every view is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.interfaces import LoaderOption

from portal.access import can
from portal.audit.service import record
from portal.clock import today
from portal.db import utcnow
from portal.errors import DomainError, NotFound
from portal.people.models import Person, Role
from portal.people.service import refuse_unless_disciplinary
from portal.policies.models import Acknowledgement, Policy, PolicyVersion, Receipt
from portal.policies.service import get_version, normalise_code, version_in_force
from portal.references import next_reference

from . import messages
from .evidence import gather, seal
from .hearings import Hearers, Hearing, arrange_hearing
from .models import CaseHearer, CaseLetter, CaseMeeting, DisciplinaryCase, EvidenceSnapshot, LinkedReceipt
from .need_to_know import OBJECT_TYPE
from .outcomes import Appeal, AppealHearing, Outcome, record_appeal, record_appeal_hearing, record_outcome
from .records import audit_case, live_warnings

__all__ = [
    "Allegation",
    "Appeal",
    "AppealHearing",
    "FrozenEvidence",
    "Hearers",
    "Hearing",
    "Outcome",
    "add_meeting",
    "arrange_hearing",
    "cases_about",
    "cases_handled_by",
    "freeze_evidence",
    "get_case",
    "has_something_to_read",
    "link_receipt",
    "live_warnings",
    "may_handle",
    "open_case",
    "record_appeal",
    "record_appeal_hearing",
    "record_outcome",
    "record_view",
    "share_notes",
    "version_alleged",
]


def _with_everything() -> list[LoaderOption]:
    return [
        selectinload(DisciplinaryCase.subject).selectinload(Person.role_grants),
        selectinload(DisciplinaryCase.investigating_officer),
        selectinload(DisciplinaryCase.policy_version),
        selectinload(DisciplinaryCase.meetings),
        selectinload(DisciplinaryCase.evidence),
        selectinload(DisciplinaryCase.packs),
        selectinload(DisciplinaryCase.linked_receipts).selectinload(LinkedReceipt.receipt),
        selectinload(DisciplinaryCase.hearers).selectinload(CaseHearer.person),
        selectinload(DisciplinaryCase.letters),
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
    """For the subject's home page: a link only, never the content. Something to read is
    an outcome, notes shared with them, or a letter to them."""
    shared = (
        select(func.count())
        .select_from(DisciplinaryCase)
        .outerjoin(CaseMeeting, CaseMeeting.case_id == DisciplinaryCase.id)
        .where(
            DisciplinaryCase.subject_id == subject.id,
            or_(
                DisciplinaryCase.status == "decided",
                CaseMeeting.shared_on.is_not(None),
                exists().where(CaseLetter.case_id == DisciplinaryCase.id),
            ),
        )
    )
    return bool(session.scalar(shared))


# Opening -------------------------------------------------------------------------


def version_alleged(
    session: Session, policy: Policy, incident_date: date, sections: list[str]
) -> PolicyVersion:
    """The version in force on the incident date, which must have the sections alleged: a
    breach is measured against the wording that stood then (Networking Policy 3.0), for
    a disciplinary case and a breach record alike."""
    if incident_date > today():
        raise DomainError("The incident date cannot be in the future", field="incident_date")
    in_force = version_in_force(policy, incident_date)
    if in_force is None:
        raise DomainError(
            f"No version of the {policy.title} was in force on that date", field="incident_date"
        )
    version = get_version(session, policy, in_force.id)
    known = {s.section_id for s in version.sections}
    unknown = [s for s in sections if s not in known]
    if unknown or not sections:
        raise DomainError(
            f"Version {version.label} has no section {', '.join(unknown)}"
            if unknown
            else "Give the sections alleged to have been breached, for example 3.2",
            field="sections",
        )
    return version


@dataclass(frozen=True)
class FrozenEvidence:
    content: str  # canonical JSON
    sha256: str
    receipt_pdf: bytes | None


def freeze_evidence(
    session: Session, subject: Person, policy: Policy, version: PolicyVersion, on: date
) -> FrozenEvidence:
    """The evidence as it stood on the incident date (evidence.py), frozen as canonical
    JSON with its SHA-256: what a disciplinary case and a breach record both keep."""
    content, receipt_pdf = gather(session, subject, policy, version, on)
    text, digest = seal(content)
    return FrozenEvidence(text, digest, receipt_pdf)


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
    version = version_alleged(session, details.policy, details.incident_date, details.sections)
    frozen = freeze_evidence(session, subject, details.policy, version, details.incident_date)
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
        hearers=[],
        letters=[],
        evidence=EvidenceSnapshot(
            taken_at=now, content=frozen.content, content_sha256=frozen.sha256, receipt_pdf=frozen.receipt_pdf
        ),
    )
    session.add(case)
    session.flush()
    # The case id and the evidence's hash, in clear, tie this event to the case for the
    # database's retention purge (migrations 0015 and 0026).
    audit_case(session, actor, case, "case_opened", {"case_id": case.id, "evidence_sha256": frozen.sha256})
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
