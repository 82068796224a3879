"""A breach by someone the council does not employ, recorded on the route their terms give.

Councillors answer to the Members' Code of Conduct (a referral to the Monitoring Officer,
Localism Act 2011 ss. 27-28); seconded and honorary staff to the body that employs or
appointed them; agency workers to their agency; contractors under their contract;
volunteers under their volunteer agreement. None of these is a disciplinary case: the
council cannot discipline someone it does not employ (portal/people/breach_routes.py).
Each record freezes the same "as at" evidence as a disciplinary case (BreachEvidence).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from portal.audit.need_to_know import new_audit_reference
from portal.audit.seal import SealedRecord
from portal.audit.sealed_text import SealedText
from portal.db import Base, UTCDateTime
from portal.people.models import EngagementType, Person
from portal.people.service import Route, words_for
from portal.policies.models import PolicyVersion

# The routes a breach record follows: every route but the Disciplinary Policy's.
ROUTES = tuple(route.value for route in Route if route != Route.DISCIPLINARY)
# Routes on which the council passes the matter to someone else, who decides it; on the
# others (contract, volunteer agreement) the council itself acts under the person's terms.
REFERRED = (Route.EMPLOYER_REPORT.value, Route.AGENCY_REPORT.value, Route.MONITORING_OFFICER.value)
REFERRED_TO_HINT = {
    Route.EMPLOYER_REPORT.value: "The employer or appointing body, for example its HR manager",
    Route.AGENCY_REPORT.value: "The agency, for example its branch manager",
    Route.MONITORING_OFFICER.value: "The Monitoring Officer of the principal council",
}

NO_FURTHER_ACTION = "no_further_action"
# How a record may end, by route: what each body or agreement can actually decide. A
# volunteer agreement allows guidance, a change of role or ending the placement; the
# Monitoring Officer's assessment ends in no further action, informal resolution, or a
# finding after investigation (Localism Act 2011 s. 28; the principal council's
# arrangements).
OUTCOMES: dict[str, dict[str, str]] = {
    Route.EMPLOYER_REPORT.value: {
        "dealt_with_by_them": "Their employer or appointing body dealt with it",
        "placement_ended": "The council ended the secondment or appointment",
        NO_FURTHER_ACTION: "No further action",
    },
    Route.AGENCY_REPORT.value: {
        "dealt_with_by_them": "The agency dealt with it",
        "placement_ended": "The council ended the assignment",
        NO_FURTHER_ACTION: "No further action",
    },
    Route.CONTRACT.value: {
        "contract_remedy": "Action under the contract",
        "contract_ended": "The contract was ended",
        NO_FURTHER_ACTION: "No further action",
    },
    Route.VOLUNTEER_CONCERN.value: {
        "guidance": "Guidance given",
        "change_of_role": "A change of role",
        "placement_ended": "The placement was ended",
        NO_FURTHER_ACTION: "No further action",
    },
    Route.MONITORING_OFFICER.value: {
        "informal_resolution": "The Monitoring Officer resolved it informally",
        "breach_found": "A breach of the Code of Conduct was found",
        "no_breach": "No breach of the Code of Conduct was found",
        NO_FURTHER_ACTION: "No further action",
    },
}
ALL_OUTCOMES = tuple(dict.fromkeys(kind for choices in OUTCOMES.values() for kind in choices))


def _one_of(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{v}'" for v in values)


class BreachRecord(Base):
    """A breach alleged against one person who is not employed by the council, from
    recording to its close. The evidence that stood on the incident date is frozen beside
    it (BreachEvidence); the route is frozen too, as it stood when the record was opened."""

    __tablename__ = "breach_records"
    __table_args__ = (
        CheckConstraint(f"route IN ({_one_of(ROUTES)})", name="route"),
        CheckConstraint("status IN ('open', 'closed')", name="status"),
        CheckConstraint(f"outcome IS NULL OR outcome IN ({_one_of(ALL_OUTCOMES)})", name="outcome"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    route: Mapped[str] = mapped_column(String(30))
    # How the person worked for the council when the record was opened: the route followed
    # from it, and a later change (a volunteer taken on as staff) must not rewrite either.
    engagement_type: Mapped[str] = mapped_column(String(20))
    allegation_sealed: Mapped[str] = mapped_column("allegation", Text)
    allegation = SealedText("allegation_sealed")
    incident_date: Mapped[date] = mapped_column(Date)
    policy_version_id: Mapped[int] = mapped_column(ForeignKey("policy_versions.id"))
    sections: Mapped[list[str]] = mapped_column(JSON)
    handler_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    opened_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(10), default="open")
    # Who it was passed to, and when (a referred route only).
    referred_on: Mapped[date | None] = mapped_column(Date)
    referred_to_sealed: Mapped[str] = mapped_column("referred_to", Text, default="")
    referred_to = SealedText("referred_to_sealed")
    closed_on: Mapped[date | None] = mapped_column(Date)
    outcome: Mapped[str | None] = mapped_column(String(30))
    outcome_notes_sealed: Mapped[str] = mapped_column("outcome_notes", Text, default="")
    outcome_notes = SealedText("outcome_notes_sealed")
    # A legal hold keeps the record from the retention schedule (a claim, a standards
    # hearing); the reason is sealed here and never put in the audit trail.
    legal_hold_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    legal_hold_reason_sealed: Mapped[str] = mapped_column("legal_hold_reason", Text, default="")
    legal_hold_reason = SealedText("legal_hold_reason_sealed")
    # The record's name in the audit trail for those who may not see it: random, so it
    # gives away neither the database id nor the printed reference.
    audit_reference: Mapped[str] = mapped_column(String(32), unique=True, default=new_audit_reference)

    subject: Mapped[Person] = relationship(foreign_keys=[subject_id], lazy="raise")
    handler: Mapped[Person] = relationship(foreign_keys=[handler_id], lazy="raise")
    policy_version: Mapped[PolicyVersion] = relationship(lazy="raise")
    evidence: Mapped[BreachEvidence | None] = relationship(lazy="raise")

    @property
    def route_label(self) -> str:
        return words_for(Route(self.route)).label

    @property
    def engagement(self) -> EngagementType:
        return EngagementType(self.engagement_type)

    @property
    def is_referred_route(self) -> bool:
        return self.route in REFERRED

    @property
    def under_legal_hold(self) -> bool:
        return self.legal_hold_since is not None

    @property
    def outcome_label(self) -> str:
        return OUTCOMES[self.route].get(self.outcome or "", "Open")

    def sealing_reference(self, session: Session) -> str:
        """The record's words are sealed under the key its audit events use, so that the
        retention schedule forgets both by deleting one key (portal.audit.sealed_text)."""
        if self.audit_reference is None:  # the column's default is applied only at the insert
            self.audit_reference = new_audit_reference()
        return self.audit_reference


class BreachEvidence(SealedRecord, Base):
    """What stood on the incident date, frozen when the record was opened: the same
    evidence a disciplinary case freezes (portal/conduct/evidence.py). Never edited."""

    __tablename__ = "breach_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("breach_records.id"), unique=True)
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime)
    content: Mapped[str] = mapped_column(Text)  # canonical JSON
    content_sha256: Mapped[str] = mapped_column(String(64))
    receipt_pdf: Mapped[bytes | None] = mapped_column(LargeBinary)
