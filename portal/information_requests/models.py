"""A request for information, logged by whoever saw it, and its handling.

A request posted to the council's Facebook page, sent to an officer's inbox or left in a
comment is still a request (Freedom of Information Act 2000 s8: any request in writing
that gives a name and an address for reply; UK GDPR Art. 15 and 12: a subject access
request needs no form at all). The Communication Policy and the Networking Policy (3.4)
both bring Freedom of Information into social media. Who asked and what they asked are
sealed under the request's own key (portal.audit.sealed_text).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from portal.audit.need_to_know import new_audit_reference
from portal.audit.sealed_text import SealedText
from portal.authorisations.models import Channel
from portal.db import Base, UTCDateTime
from portal.people.models import Person

KINDS = {
    "foi": "Freedom of Information request",
    "eir": "Environmental Information Regulations request",
    "subject_access": "Subject access request",
    "complaint": "Complaint",
    "other": "Other request",
}
SHORT_KINDS = {
    "foi": "FOI",
    "eir": "EIR",
    "subject_access": "Subject access",
    "complaint": "Complaint",
    "other": "Other",
}
HANDLER_ROLES = ("town_clerk", "hr")

# How a request may end, by kind: what the law lets the answer be (FOIA ss1, 2 and 17,
# EIR regs 5 and 12; UK GDPR Art. 12(5) and 15).
OUTCOMES: dict[str, dict[str, str]] = {
    "foi": {
        "provided": "Information provided in full",
        "part_provided": "Provided in part, the rest withheld under an exemption",
        "refused": "Refused (an exemption, the cost limit, or vexatious)",
        "not_held": "The council does not hold the information",
        "withdrawn": "Withdrawn, or no clarification received",
    },
    "subject_access": {
        "provided": "Personal data provided in full",
        "part_provided": "Provided with redactions or exemptions",
        "not_held": "No personal data held",
        "refused": "Refused as manifestly unfounded or excessive",
        "withdrawn": "Withdrawn, or identity not confirmed",
    },
    "complaint": {"answered": "Answered", "withdrawn": "Withdrawn"},
}
OUTCOMES["eir"] = {**OUTCOMES["foi"], "refused": "Refused under an exception (EIR reg 12)"}
OUTCOMES["other"] = OUTCOMES["complaint"]
ALL_OUTCOMES = tuple(dict.fromkeys(kind for choices in OUTCOMES.values() for kind in choices))


def _one_of(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{v}'" for v in values)


class InformationRequest(Base):
    __tablename__ = "information_requests"
    __table_args__ = (
        CheckConstraint(f"kind IN ({_one_of(tuple(KINDS))})", name="kind"),
        CheckConstraint(f"handler_role IN ({_one_of(HANDLER_ROLES)})", name="handler_role"),
        CheckConstraint("status IN ('open', 'answered')", name="status"),
        CheckConstraint(f"outcome IS NULL OR outcome IN ({_one_of(ALL_OUTCOMES)})", name="outcome"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    # Where it arrived: one of the council's channels, or another way (a letter, an email).
    channel_id: Mapped[int | None] = mapped_column(ForeignKey("channels.id"))
    other_channel: Mapped[str] = mapped_column(String(200), default="")
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    requester_sealed: Mapped[str] = mapped_column("requester", Text)
    requester = SealedText("requester_sealed")
    words_sealed: Mapped[str] = mapped_column("words", Text)
    words = SealedText("words_sealed")
    # Someone who works for the council whom the request is from or about: it decides who
    # may handle it (a request about the Town Clerk goes to HR alone).
    about_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    handler_role: Mapped[str] = mapped_column(String(20))
    logged_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    logged_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(10), default="open")
    acknowledged_on: Mapped[date | None] = mapped_column(Date)
    clarification_asked_on: Mapped[date | None] = mapped_column(Date)
    clarification_received_on: Mapped[date | None] = mapped_column(Date)
    # Subject access: the identity check, where one was needed, by whom and how.
    identity_requested_on: Mapped[date | None] = mapped_column(Date)
    identity_confirmed_on: Mapped[date | None] = mapped_column(Date)
    identity_checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    identity_method_sealed: Mapped[str] = mapped_column("identity_method", Text, default="")
    identity_method = SealedText("identity_method_sealed")
    extended_on: Mapped[date | None] = mapped_column(Date)
    extension_reason_sealed: Mapped[str] = mapped_column("extension_reason", Text, default="")
    extension_reason = SealedText("extension_reason_sealed")
    outcome: Mapped[str | None] = mapped_column(String(20))
    outcome_notes_sealed: Mapped[str] = mapped_column("outcome_notes", Text, default="")
    outcome_notes = SealedText("outcome_notes_sealed")
    answered_on: Mapped[date | None] = mapped_column(Date)
    audit_reference: Mapped[str] = mapped_column(String(32), unique=True, default=new_audit_reference)

    channel: Mapped[Channel | None] = relationship(lazy="raise")
    about: Mapped[Person | None] = relationship(foreign_keys=[about_id], lazy="raise")
    logged_by: Mapped[Person] = relationship(foreign_keys=[logged_by_id], lazy="raise")
    identity_checked_by: Mapped[Person | None] = relationship(
        foreign_keys=[identity_checked_by_id], lazy="raise"
    )

    @property
    def kind_label(self) -> str:
        return KINDS[self.kind]

    @property
    def short_kind(self) -> str:
        return SHORT_KINDS[self.kind]

    @property
    def outcome_label(self) -> str:
        return OUTCOMES[self.kind].get(self.outcome or "", "Open")

    @property
    def received_via(self) -> str:
        return self.channel.label if self.channel is not None else self.other_channel

    def sealing_reference(self, session: Session) -> str:
        """The request's words are sealed under the key its audit events use."""
        if self.audit_reference is None:  # the column's default is applied only at the insert
            self.audit_reference = new_audit_reference()
        return self.audit_reference
