from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    LargeBinary,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from portal.audit.need_to_know import new_audit_reference
from portal.audit.seal import SealedRecord
from portal.audit.sealed_text import SealedText
from portal.db import Base, UTCDateTime, widened
from portal.people.models import Person
from portal.policies.models import PolicyVersion, Receipt

# The stages the ACAS Code describes (paragraphs 18-22), in the order a case escalates;
# "no_action" ends without one.
STAGES = ("informal", "first_written", "final_written", "dismissal", "no_action")
STAGE_LABELS = {
    "informal": "Informal action",
    "first_written": "First written warning",
    "final_written": "Final written warning",
    "dismissal": "Dismissal",
    "no_action": "No action",
}
# The outcomes that are disciplinary action: each needs a hearing the employee was invited
# to in writing (ACAS Code paragraphs 9-12), and may be appealed (paragraph 25).
FORMAL_STAGES = ("first_written", "final_written", "dismissal")
WARNINGS = ("first_written", "final_written")
COMPANIONS = ("", "union_rep", "colleague")
COMPANION_LABELS = {"union_rep": "trade union representative", "colleague": "work colleague"}
# Who hears a hearing or an appeal: one person, or a panel of councillors (a town council's
# staffing committee).
HEARD_BY = ("officer", "panel")
# Who hears sits at the hearing, or at the appeal.
SITTINGS = ("hearing", "appeal")
LETTER_KINDS = ("invitation", "outcome", "appeal_outcome")
# What an appeal decides about the outcome (ACAS Code paragraphs 26-28): it stands, or it
# is withdrawn, and a withdrawn warning stops counting from the appeal's decision.
APPEAL_RESULTS = {"upheld": "The outcome stands", "overturned": "The outcome is withdrawn"}
LETTER_LABELS = {
    "invitation": "Invitation to the disciplinary hearing",
    "outcome": "Outcome of the disciplinary hearing",
    "appeal_outcome": "Outcome of the appeal",
}


def _one_of(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{v}'" for v in values)


_STAGES = _one_of(STAGES)


class DisciplinaryCase(Base):
    """A breach alleged against one person, from opening to outcome and appeal.

    The evidence that stood on the incident date is frozen beside it (EvidenceSnapshot);
    everything here is the handling of the case, and every change is audited.
    """

    __tablename__ = "disciplinary_cases"
    __table_args__ = (
        CheckConstraint(f"stage IS NULL OR stage IN ({_STAGES})", name="stage"),
        CheckConstraint("status IN ('open', 'decided')", name="status"),
        CheckConstraint(
            f"possible_outcome IS NULL OR possible_outcome IN ({_one_of(FORMAL_STAGES)})",
            name="possible_outcome",
        ),
        CheckConstraint(f"hearing_by IS NULL OR hearing_by IN ({_one_of(HEARD_BY)})", name="hearing_by"),
        CheckConstraint(f"appeal_by IS NULL OR appeal_by IN ({_one_of(HEARD_BY)})", name="appeal_by"),
        CheckConstraint(
            f"appeal_result IS NULL OR appeal_result IN ({_one_of(tuple(APPEAL_RESULTS))})",
            name="appeal_result",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    allegation_sealed: Mapped[str] = mapped_column("allegation", Text)
    allegation = SealedText("allegation_sealed")
    incident_date: Mapped[date] = mapped_column(Date)
    policy_version_id: Mapped[int] = mapped_column(ForeignKey("policy_versions.id"))
    sections: Mapped[list[str]] = mapped_column(JSON)  # section ids alleged to be breached
    investigating_officer_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    opened_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(10), default="open")
    hearing_on: Mapped[date | None] = mapped_column(Date)
    companion_kind: Mapped[str] = mapped_column(String(20), default="")
    companion_name_sealed: Mapped[str] = mapped_column(
        "companion_name", widened(Text(), String(200)), default=""
    )
    companion_name = SealedText("companion_name_sealed")
    stage: Mapped[str | None] = mapped_column(String(20))
    stage_skip_reason_sealed: Mapped[str] = mapped_column(
        "stage_skip_reason", Text, default=""
    )  # gross misconduct
    stage_skip_reason = SealedText("stage_skip_reason_sealed")
    outcome_sealed: Mapped[str] = mapped_column("outcome", Text, default="")
    outcome = SealedText("outcome_sealed")
    outcome_reasons_sealed: Mapped[str] = mapped_column("outcome_reasons", Text, default="")
    outcome_reasons = SealedText("outcome_reasons_sealed")
    decided_on: Mapped[date | None] = mapped_column(Date)
    warning_live_until: Mapped[date | None] = mapped_column(Date)
    appeal_deadline: Mapped[date | None] = mapped_column(Date)
    appeal_lodged_on: Mapped[date | None] = mapped_column(Date)
    appeal_late_reason_sealed: Mapped[str] = mapped_column("appeal_late_reason", Text, default="")
    appeal_late_reason = SealedText("appeal_late_reason_sealed")
    appeal_hearing_on: Mapped[date | None] = mapped_column(Date)
    appeal_outcome_sealed: Mapped[str] = mapped_column("appeal_outcome", Text, default="")
    appeal_outcome = SealedText("appeal_outcome_sealed")
    # A legal hold stops the retention schedule removing the case (a claim, a tribunal).
    legal_hold_reason_sealed: Mapped[str] = mapped_column(
        "legal_hold_reason", Text, default="", server_default=""
    )
    legal_hold_reason = SealedText("legal_hold_reason_sealed")
    legal_hold_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The case's name in the audit trail for those who may not see it (portal.audit.need_to_know):
    # random, so it gives away neither the database id nor the printed reference.
    audit_reference: Mapped[str | None] = mapped_column(
        String(32), unique=True, index=True, default=new_audit_reference
    )
    # The hearing the employee is invited to (hearings.py): when and where, what it will
    # consider, the most serious outcome it could reach, and who hears it. The hearing
    # officer (or the panel, in CaseHearer) is recorded apart from the investigating
    # officer; where the same person must do both (a council too small for anyone else), why.
    hearing_time: Mapped[time | None] = mapped_column(Time)
    hearing_place_sealed: Mapped[str] = mapped_column("hearing_place", Text, default="", server_default="")
    hearing_place = SealedText("hearing_place_sealed")
    hearing_evidence_sealed: Mapped[str] = mapped_column(
        "hearing_evidence", Text, default="", server_default=""
    )
    hearing_evidence = SealedText("hearing_evidence_sealed")
    possible_outcome: Mapped[str | None] = mapped_column(String(20))
    hearing_by: Mapped[str | None] = mapped_column(String(10))
    hearing_independence_reason_sealed: Mapped[str] = mapped_column(
        "hearing_independence_reason", Text, default="", server_default=""
    )
    hearing_independence_reason = SealedText("hearing_independence_reason_sealed")
    # A warning's improvement needed and its timescale (ACAS Code paragraph 21).
    improvement_needed_sealed: Mapped[str] = mapped_column(
        "improvement_needed", Text, default="", server_default=""
    )
    improvement_needed = SealedText("improvement_needed_sealed")
    improvement_by: Mapped[date | None] = mapped_column(Date)
    # Who heard the appeal, and why it could not be someone not involved before, if so.
    appeal_by: Mapped[str | None] = mapped_column(String(10))
    appeal_independence_reason_sealed: Mapped[str] = mapped_column(
        "appeal_independence_reason", Text, default="", server_default=""
    )
    appeal_independence_reason = SealedText("appeal_independence_reason_sealed")
    appeal_companion_kind: Mapped[str] = mapped_column(String(20), default="", server_default="")
    appeal_result: Mapped[str | None] = mapped_column(String(20))
    appeal_companion_name_sealed: Mapped[str] = mapped_column(
        "appeal_companion_name", Text, default="", server_default=""
    )
    appeal_companion_name = SealedText("appeal_companion_name_sealed")

    subject: Mapped[Person] = relationship(foreign_keys=[subject_id], lazy="raise")
    investigating_officer: Mapped[Person] = relationship(
        foreign_keys=[investigating_officer_id], lazy="raise"
    )
    policy_version: Mapped[PolicyVersion] = relationship(lazy="raise")
    meetings: Mapped[list[CaseMeeting]] = relationship(
        lazy="raise", order_by="CaseMeeting.held_on", back_populates="case"
    )
    evidence: Mapped[EvidenceSnapshot | None] = relationship(lazy="raise")
    packs: Mapped[list[EvidencePack]] = relationship(lazy="raise", order_by="EvidencePack.id")
    linked_receipts: Mapped[list[LinkedReceipt]] = relationship(lazy="raise", order_by="LinkedReceipt.id")
    # Choosing again replaces who hears: the rows dropped from this list are deleted.
    hearers: Mapped[list[CaseHearer]] = relationship(
        lazy="raise", order_by="CaseHearer.id", cascade="all, delete-orphan"
    )
    letters: Mapped[list[CaseLetter]] = relationship(lazy="raise", order_by="CaseLetter.id")

    @property
    def under_legal_hold(self) -> bool:
        return self.legal_hold_since is not None

    def sealing_reference(self, session: Session) -> str:
        """The case's words are sealed under the key its audit events use, so that the
        retention schedule forgets both by deleting one key (portal.audit.sealed_text)."""
        if self.audit_reference is None:  # the column's default is applied only at the insert
            self.audit_reference = new_audit_reference()
        return self.audit_reference

    def heard_by(self, sitting: str) -> list[Person]:
        """Who hears the case (sitting "hearing") or its appeal ("appeal"): the officer, or
        the councillors on the panel."""
        return [hearer.person for hearer in self.hearers if hearer.sitting == sitting]

    def letters_of(self, kind: str) -> list[CaseLetter]:
        return [letter for letter in self.letters if letter.kind == kind]


class CaseMeeting(Base):
    """An investigation meeting or hearing, its notes, and when the notes were shared
    with the employee (only shared notes are shown to them)."""

    __tablename__ = "disciplinary_meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("disciplinary_cases.id"), index=True)
    held_on: Mapped[date] = mapped_column(Date)
    title_sealed: Mapped[str] = mapped_column("title", widened(Text(), String(200)))
    title = SealedText("title_sealed")
    notes_sealed: Mapped[str] = mapped_column("notes", Text)
    notes = SealedText("notes_sealed")
    shared_on: Mapped[date | None] = mapped_column(Date)

    case: Mapped[DisciplinaryCase] = relationship(lazy="raise", back_populates="meetings")

    def sealing_reference(self, session: Session) -> str:
        # Added through `case.meetings`, a new meeting knows its case before it has a case id.
        case = self.__dict__.get("case") or session.get(DisciplinaryCase, self.case_id)
        assert case is not None
        return case.sealing_reference(session)


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
    reason_sealed: Mapped[str] = mapped_column("reason", Text)
    reason = SealedText("reason_sealed")
    lifted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lifted_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    lift_reason_sealed: Mapped[str] = mapped_column("lift_reason", Text, default="")
    lift_reason = SealedText("lift_reason_sealed")

    def sealing_reference(self, session: Session) -> str:
        case = session.get(DisciplinaryCase, self.case_id)
        assert case is not None
        return case.sealing_reference(session)


class CaseHearer(Base):
    """Who hears the case or its appeal: the hearing officer (one row), or each councillor
    on the panel. Kept apart from the investigating officer, and with no free text: who
    sat is a fact about the case, removed with it."""

    __tablename__ = "disciplinary_hearers"
    __table_args__ = (
        UniqueConstraint("case_id", "sitting", "person_id"),
        CheckConstraint(f"sitting IN ({_one_of(SITTINGS)})", name="sitting"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("disciplinary_cases.id"), index=True)
    sitting: Mapped[str] = mapped_column(String(10))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))

    person: Mapped[Person] = relationship(lazy="raise")


class CaseLetter(SealedRecord, Base):
    """A letter to the employee as issued (invitation, outcome, appeal outcome): the signed
    PDF and its hash, so the copy they were sent can be checked later. Never edited."""

    __tablename__ = "disciplinary_letters"
    __table_args__ = (CheckConstraint(f"kind IN ({_one_of(LETTER_KINDS)})", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("disciplinary_cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    issued_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))

    @property
    def label(self) -> str:
        return LETTER_LABELS[self.kind]
