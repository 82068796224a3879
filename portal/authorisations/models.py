from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Column, Date, ForeignKey, LargeBinary, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.audit.seal import SealedRecord
from portal.db import Base, UTCDateTime, widened
from portal.people.models import Department, Person

PLATFORMS = ("website", "facebook", "x", "instagram", "linkedin", "youtube", "other")
# Each platform as its owner spells it, for every page and letter that names one.
PLATFORM_NAMES = {
    "website": "Website",
    "facebook": "Facebook",
    "x": "X",
    "instagram": "Instagram",
    "linkedin": "LinkedIn",
    "youtube": "YouTube",
    "other": "Other",
}

request_channels = Table(
    "authorisation_request_channels",
    Base.metadata,
    Column("request_id", ForeignKey("authorisation_requests.id"), primary_key=True),
    Column("channel_id", ForeignKey("channels.id"), primary_key=True),
)


# Why a channel is in the register. A department's own account enters through its
# approved business case (Networking Policy 3.4); the council's corporate channels on the
# council's decision, recorded as its resolution or minute reference. Channels registered
# before revision 0019 had neither recorded: they show that they need one.
BASIS_KINDS = ("business_case", "council_resolution", "not_recorded")
BASIS_NOT_RECORDED = "not recorded before revision 0019"
_BASIS_KINDS = ", ".join(f"'{k}'" for k in BASIS_KINDS)


class Channel(Base):
    """One of the council's own channels: its website, Facebook page, X account..."""

    __tablename__ = "channels"
    __table_args__ = (
        CheckConstraint("status IN ('active', 'retired')", name="status"),
        CheckConstraint(f"basis_kind IN ({_BASIS_KINDS})", name="basis_kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(120))
    url: Mapped[str] = mapped_column(String(300))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    status: Mapped[str] = mapped_column(String(10), default="active")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The server defaults are migration 0019's backfill: a row written behind the
    # portal's back without a basis says so rather than claiming one.
    basis_kind: Mapped[str] = mapped_column(String(20), server_default="not_recorded")
    basis: Mapped[str] = mapped_column(String(200), server_default=BASIS_NOT_RECORDED)

    department: Mapped[Department | None] = relationship(lazy="raise")

    @property
    def platform_name(self) -> str:
        return PLATFORM_NAMES.get(self.platform, self.platform)

    @property
    def label(self) -> str:
        return f"{self.name} ({self.platform_name})"

    @property
    def needs_basis(self) -> bool:
        return self.basis_kind == "not_recorded"

    @property
    def basis_may_be_recorded(self) -> bool:
        """A business case's channel has its case as its basis; any other, the council's decision."""
        return self.basis_kind != "business_case"


class AuthorisationRequest(Base):
    """A manager's (or the Clerk's) request that someone may post for the council.

    Never edited. What happens to it is recorded beside it: an issue, a decline, and
    for an issued one a revocation, each at most once (unique), so that issuing or
    revoking twice gives one result.
    """

    __tablename__ = "authorisation_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    scope: Mapped[str] = mapped_column(Text)
    conditions: Mapped[str] = mapped_column(Text)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    justification: Mapped[str] = mapped_column(Text)
    renews_id: Mapped[int | None] = mapped_column(ForeignKey("authorisation_requests.id"))

    person: Mapped[Person] = relationship(foreign_keys=[person_id], lazy="raise")
    requested_by: Mapped[Person] = relationship(foreign_keys=[requested_by_id], lazy="raise")
    channels: Mapped[list[Channel]] = relationship(
        secondary=request_channels, lazy="raise", order_by="Channel.name"
    )
    issue: Mapped[AuthorisationIssue | None] = relationship(back_populates="request", lazy="raise")
    decline: Mapped[AuthorisationDecline | None] = relationship(lazy="raise")
    revocation: Mapped[AuthorisationRevocation | None] = relationship(lazy="raise")

    @property
    def issued_reference(self) -> str:
        """The letter's reference, for a request known to be issued (the register's)."""
        if self.issue is None:
            raise LookupError(f"authorisation request {self.id} was never issued")
        return self.issue.reference


class AuthorisationIssue(SealedRecord, Base):
    """The written authorisation itself: who signed, how, and the letter as issued."""

    __tablename__ = "authorisation_issues"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("authorisation_requests.id"), unique=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    verification_code: Mapped[str] = mapped_column(String(40), unique=True)
    signed_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    signer_name: Mapped[str] = mapped_column(String(200))
    signer_role: Mapped[str] = mapped_column(String(30))
    typed_name: Mapped[str] = mapped_column(String(200))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ip_address: Mapped[str | None] = mapped_column(widened(String(200), String(45)))  # sealed: audit.personal
    letter_pdf: Mapped[bytes] = mapped_column(LargeBinary)
    letter_sha256: Mapped[str] = mapped_column(String(64))

    request: Mapped[AuthorisationRequest] = relationship(back_populates="issue", lazy="raise")


class AuthorisationDecline(Base):
    __tablename__ = "authorisation_declines"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("authorisation_requests.id"), unique=True)
    declined_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    declined_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(Text)


class AuthorisationRevocation(SealedRecord, Base):
    __tablename__ = "authorisation_revocations"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("authorisation_requests.id"), unique=True)
    revoked_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id")
    )  # None: the portal, when someone left
    revoked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(Text)


class AuthorisationTerms(SealedRecord, Base):
    """What was authorised, as it stood when the letter was signed: the person, the
    channels, the scope, the conditions and the dates. Never edited.

    Why its own sealed record: the request's columns stay editable, so a database insider
    could extend a request's end date and the public check would call the letter valid.
    The check reads these sealed terms instead (DESIGN.md, threat model)."""

    __tablename__ = "authorisation_terms"

    id: Mapped[int] = mapped_column(primary_key=True)
    issue_id: Mapped[int] = mapped_column(ForeignKey("authorisation_issues.id"), unique=True)
    person_name: Mapped[str] = mapped_column(String(200))
    channels: Mapped[str] = mapped_column(Text)  # the channels' labels, one per line
    scope: Mapped[str] = mapped_column(Text)
    conditions: Mapped[str] = mapped_column(Text)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
