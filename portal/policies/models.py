from __future__ import annotations

import enum
import re
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.audit.seal import SealedRecord
from portal.db import Base, UTCDateTime, utcnow, widened
from portal.people.models import Person


class VersionStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    ARCHIVED = "archived"


class ChangeKind(enum.StrEnum):
    MINOR = "minor"  # wording or layout; no new signature needed
    MATERIAL = "material"  # what people must do has changed; everyone signs again


class RecordKind(enum.StrEnum):
    SIGNED = "signed"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


class SigningMethod(enum.StrEnum):
    SELF = "self"
    ON_BEHALF = "on_behalf"
    WITNESSED_PAPER = "witnessed_paper"


class Policy(Base):
    __tablename__ = "policies"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    owner_role: Mapped[str] = mapped_column(String(30))
    # Who must sign is not here: each version records its own scope (migration 0022).
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    versions: Mapped[list[PolicyVersion]] = relationship(
        back_populates="policy", lazy="raise", order_by="PolicyVersion.id"
    )


class PolicyVersion(Base):
    """One wording of a policy. Once published its text never changes (a fix is a new version)."""

    __tablename__ = "policy_versions"
    __table_args__ = (
        UniqueConstraint("policy_id", "label"),
        CheckConstraint("status IN ('draft', 'published', 'archived')", name="status"),
        CheckConstraint("change_kind IN ('minor', 'material')", name="change_kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    policy_id: Mapped[int] = mapped_column(ForeignKey("policies.id"), index=True)
    label: Mapped[str] = mapped_column(String(40))
    effective_date: Mapped[date] = mapped_column(Date)
    body_markdown: Mapped[str] = mapped_column(Text)
    content_sha256: Mapped[str] = mapped_column(String(64))
    change_kind: Mapped[str] = mapped_column(String(10))
    change_summary: Mapped[str] = mapped_column(Text)
    adopted_minute: Mapped[str] = mapped_column(String(200))
    review_due: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default=VersionStatus.DRAFT.value)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Who must sign this wording (its Scope, as data: portal/policies/scope.py): people
    # whose engagement type is listed and, when roles are listed, who hold one of them.
    # Empty role list: every role. Set while a draft; frozen with the text when published.
    applies_to_engagements: Mapped[list[str]] = mapped_column(JSON)
    applies_to_roles: Mapped[list[str]] = mapped_column(JSON)

    policy: Mapped[Policy] = relationship(back_populates="versions", lazy="raise")
    sections: Mapped[list[PolicySection]] = relationship(
        back_populates="version",
        lazy="raise",
        order_by="PolicySection.position",
        cascade="all, delete-orphan",
    )

    @property
    def is_draft(self) -> bool:
        return self.status == VersionStatus.DRAFT

    @property
    def is_material(self) -> bool:
        return self.change_kind == ChangeKind.MATERIAL


class PolicySection(Base):
    __tablename__ = "policy_sections"
    __table_args__ = (UniqueConstraint("version_id", "section_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("policy_versions.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    section_id: Mapped[str] = mapped_column(String(120))
    heading: Mapped[str] = mapped_column(String(200))
    body_markdown: Mapped[str] = mapped_column(Text)

    version: Mapped[PolicyVersion] = relationship(back_populates="sections", lazy="raise")

    @property
    def anchor(self) -> str:
        return "section-" + re.sub(r"[^a-z0-9]+", "-", self.section_id.lower()).strip("-")

    @property
    def label(self) -> str:
        """'3.2 Private use of social media', or just the heading for unnumbered sections."""
        return f"{self.section_id} {self.heading}" if self.section_id[:1].isdigit() else self.heading


class Acknowledgement(SealedRecord, Base):
    """Evidence that a person signed (or declined, or withdrew from) a policy version.

    Append-only: the application never updates or deletes a row, and on PostgreSQL
    triggers refuse it. Everything a hearing may ask is copied in at the time, so a
    later change to the person or the policy cannot alter what the record says.
    """

    __tablename__ = "acknowledgements"
    __table_args__ = (
        # Two submissions of the same form compute the same record number, so a
        # double submit stores one record and the other fails this constraint.
        UniqueConstraint("person_id", "version_id", "record_number"),
        CheckConstraint("kind IN ('signed', 'declined', 'withdrawn')", name="kind"),
        CheckConstraint("method IN ('self', 'on_behalf', 'witnessed_paper')", name="method"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("policy_versions.id"), index=True)
    record_number: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(10))
    method: Mapped[str] = mapped_column(String(20))
    person_name: Mapped[str] = mapped_column(String(200))
    person_email: Mapped[str] = mapped_column(String(320))
    version_label: Mapped[str] = mapped_column(String(40))
    version_sha256: Mapped[str] = mapped_column(String(64))
    statement_text: Mapped[str] = mapped_column(Text)
    statement_sha256: Mapped[str] = mapped_column(String(64))
    typed_name: Mapped[str | None] = mapped_column(String(200))
    reason: Mapped[str | None] = mapped_column(Text)
    actor_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    witness_name: Mapped[str | None] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    first_viewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ip_address: Mapped[str | None] = mapped_column(widened(String(200), String(45)))  # sealed: audit.personal
    user_agent: Mapped[str | None] = mapped_column(widened(Text(), String(400)))  # sealed: audit.personal
    session_hash: Mapped[str | None] = mapped_column(String(64))
    reauthenticated: Mapped[bool] = mapped_column(Boolean)
    evidence_sha256: Mapped[str] = mapped_column(String(64))

    person: Mapped[Person] = relationship(foreign_keys=[person_id], lazy="raise")
    version: Mapped[PolicyVersion] = relationship(lazy="raise")


class Receipt(Base):
    """The PDF/A receipt of a signature, kept byte for byte so that a copy can be checked by hash."""

    __tablename__ = "receipts"

    id: Mapped[int] = mapped_column(primary_key=True)
    acknowledgement_id: Mapped[int] = mapped_column(ForeignKey("acknowledgements.id"), unique=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    pdf_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    acknowledgement: Mapped[Acknowledgement] = relationship(lazy="raise")


class PaperScan(Base):
    """The scanned paper form behind a witnessed acknowledgement."""

    __tablename__ = "paper_scans"

    id: Mapped[int] = mapped_column(primary_key=True)
    acknowledgement_id: Mapped[int] = mapped_column(ForeignKey("acknowledgements.id"), unique=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
