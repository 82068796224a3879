from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.audit.need_to_know import new_audit_reference
from portal.audit.seal import SealedRecord
from portal.db import Base, UTCDateTime
from portal.people.models import Person
from portal.policies.models import PolicyVersion, Receipt

# The ACAS Code's stages, in the order a case escalates; "no_action" ends without one.
STAGES = ("informal", "first_written", "final_written", "dismissal", "no_action")
STAGE_LABELS = {
    "informal": "Informal action",
    "first_written": "First written warning",
    "final_written": "Final written warning",
    "dismissal": "Dismissal",
    "no_action": "No action",
}
COMPANIONS = ("", "union_rep", "colleague")
_STAGES = ", ".join(f"'{s}'" for s in STAGES)


class DisciplinaryCase(Base):
    """A breach alleged against one person, from opening to outcome and appeal.

    The evidence that stood on the incident date is frozen beside it (EvidenceSnapshot);
    everything here is the handling of the case, and every change is audited.
    """

    __tablename__ = "disciplinary_cases"
    __table_args__ = (
        CheckConstraint(f"stage IS NULL OR stage IN ({_STAGES})", name="stage"),
        CheckConstraint("status IN ('open', 'decided')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    allegation: Mapped[str] = mapped_column(Text)
    incident_date: Mapped[date] = mapped_column(Date)
    policy_version_id: Mapped[int] = mapped_column(ForeignKey("policy_versions.id"))
    sections: Mapped[list[str]] = mapped_column(JSON)  # section ids alleged to be breached
    investigating_officer_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    opened_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(10), default="open")
    hearing_on: Mapped[date | None] = mapped_column(Date)
    companion_kind: Mapped[str] = mapped_column(String(20), default="")
    companion_name: Mapped[str] = mapped_column(String(200), default="")
    stage: Mapped[str | None] = mapped_column(String(20))
    stage_skip_reason: Mapped[str] = mapped_column(Text, default="")  # gross misconduct
    outcome: Mapped[str] = mapped_column(Text, default="")
    outcome_reasons: Mapped[str] = mapped_column(Text, default="")
    decided_on: Mapped[date | None] = mapped_column(Date)
    warning_live_until: Mapped[date | None] = mapped_column(Date)
    appeal_deadline: Mapped[date | None] = mapped_column(Date)
    appeal_lodged_on: Mapped[date | None] = mapped_column(Date)
    appeal_late_reason: Mapped[str] = mapped_column(Text, default="")
    appeal_hearing_on: Mapped[date | None] = mapped_column(Date)
    appeal_outcome: Mapped[str] = mapped_column(Text, default="")
    # A legal hold stops the retention schedule removing the case (a claim, a tribunal).
    legal_hold_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    legal_hold_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The case's name in the audit trail for those who may not see it (portal.audit.need_to_know):
    # random, so it gives away neither the database id nor the printed reference.
    audit_reference: Mapped[str | None] = mapped_column(
        String(32), unique=True, index=True, default=new_audit_reference
    )

    subject: Mapped[Person] = relationship(foreign_keys=[subject_id], lazy="raise")
    investigating_officer: Mapped[Person] = relationship(
        foreign_keys=[investigating_officer_id], lazy="raise"
    )
    policy_version: Mapped[PolicyVersion] = relationship(lazy="raise")
    meetings: Mapped[list[CaseMeeting]] = relationship(lazy="raise", order_by="CaseMeeting.held_on")
    evidence: Mapped[EvidenceSnapshot | None] = relationship(lazy="raise")
    packs: Mapped[list[EvidencePack]] = relationship(lazy="raise", order_by="EvidencePack.id")
    linked_receipts: Mapped[list[LinkedReceipt]] = relationship(lazy="raise", order_by="LinkedReceipt.id")

    @property
    def under_legal_hold(self) -> bool:
        return self.legal_hold_since is not None


class CaseMeeting(Base):
    """An investigation meeting or hearing, its notes, and when the notes were shared
    with the employee (only shared notes are shown to them)."""

    __tablename__ = "disciplinary_meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("disciplinary_cases.id"), index=True)
    held_on: Mapped[date] = mapped_column(Date)
    title: Mapped[str] = mapped_column(String(200))
    notes: Mapped[str] = mapped_column(Text)
    shared_on: Mapped[date | None] = mapped_column(Date)


class EvidenceSnapshot(SealedRecord, Base):
    """What stood on the incident date, frozen when the case was opened. Never edited."""

    __tablename__ = "disciplinary_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("disciplinary_cases.id"), unique=True)
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime)
    content: Mapped[str] = mapped_column(Text)  # canonical JSON
    content_sha256: Mapped[str] = mapped_column(String(64))
    receipt_pdf: Mapped[bytes | None] = mapped_column(LargeBinary)  # the receipt as it was, if any


class EvidencePack(SealedRecord, Base):
    """A generated evidence pack and its hash, so a copy can be checked later. Never edited."""

    __tablename__ = "disciplinary_packs"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("disciplinary_cases.id"), index=True)
    generated_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    generated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64), index=True)


class LinkedReceipt(Base):
    """Another of the subject's receipts linked to the case as evidence (for example a
    signature of the Communication Policy). Only the subject's own can be linked."""

    __tablename__ = "disciplinary_linked_receipts"
    __table_args__ = (UniqueConstraint("case_id", "receipt_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("disciplinary_cases.id"), index=True)
    receipt_id: Mapped[int] = mapped_column(ForeignKey("receipts.id"))
    linked_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime)

    receipt: Mapped[Receipt] = relationship(lazy="raise")


class LegalHold(Base):
    """A legal hold on a case: when, by whom and why it was placed, and why it was lifted.

    The reasons are kept here rather than in the audit trail (which holds only this
    row's id), so that the retention schedule removes them with the case (UK GDPR
    Article 5(1)(e)). Rows from before revision 0011 have no `placed_by_id`: the audit
    trail says who placed them."""

    __tablename__ = "disciplinary_legal_holds"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("disciplinary_cases.id"), index=True)
    placed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    placed_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    reason: Mapped[str] = mapped_column(Text)
    lifted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lifted_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    lift_reason: Mapped[str] = mapped_column(Text, default="")
