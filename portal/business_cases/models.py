from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.audit.seal import SealedRecord
from portal.authorisations.models import PLATFORM_NAMES
from portal.db import Base, UTCDateTime
from portal.people.models import Department, Person

# Stored states. "Changes requested" is a draft whose latest decision asked for changes,
# and "review due" is an approved case past its review date: both are shown, not stored.
CASE_STATES = ("draft", "submitted", "in_review", "approved", "rejected", "withdrawn")
OUTCOMES = ("approved", "changes_requested", "rejected")
DUTIES = ("moderator", "cover")
TREATMENTS = ("mitigate", "accept", "avoid", "transfer")

_STATES = ", ".join(f"'{s}'" for s in CASE_STATES)
_OUTCOMES = ", ".join(f"'{s}'" for s in OUTCOMES)


def _one_to_five(column: str) -> CheckConstraint:
    return CheckConstraint(f"{column} IS NULL OR {column} BETWEEN 1 AND 5", name=column)


class BusinessCase(Base):
    """A department's case for a new social media account: the draft being written.

    The draft is edited freely; what reviewers decide on is a `CaseSubmission`, a frozen
    copy taken at submission, so nothing a reviewer read can change underneath them.
    """

    __tablename__ = "business_cases"
    __table_args__ = (CheckConstraint(f"status IN ({_STATES})", name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    platform: Mapped[str] = mapped_column(String(20))
    account_name: Mapped[str] = mapped_column(String(120))
    web_address: Mapped[str] = mapped_column(String(300), default="")
    purpose: Mapped[str] = mapped_column(Text, default="")
    benefit: Mapped[str] = mapped_column(Text, default="")
    audience: Mapped[str] = mapped_column(Text, default="")
    content_plan: Mapped[str] = mapped_column(Text, default="")
    resources: Mapped[str] = mapped_column(Text, default="")
    records_and_foi: Mapped[str] = mapped_column(Text, default="")
    disclaimer: Mapped[str] = mapped_column(Text, default="")
    exit_plan: Mapped[str] = mapped_column(Text, default="")
    removal_target_hours: Mapped[int | None] = mapped_column(Integer)
    bank_holiday_cover: Mapped[str] = mapped_column(Text, default="")
    next_review_on: Mapped[date | None] = mapped_column(Date)
    channel_id: Mapped[int | None] = mapped_column(ForeignKey("channels.id"))
    # Who logs the information requests that arrive on the account (Networking Policy 3.4:
    # Freedom of Information reaches a department's channel too; portal.information_requests).
    requests_logger_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))

    department: Mapped[Department] = relationship(lazy="raise")
    author: Mapped[Person] = relationship(foreign_keys=[author_id], lazy="raise")
    requests_logger: Mapped[Person | None] = relationship(foreign_keys=[requests_logger_id], lazy="raise")
    moderation: Mapped[list[ModerationSlot]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="(ModerationSlot.weekday, ModerationSlot.duty)"
    )
    risks: Mapped[list[RiskItem]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="RiskItem.id"
    )
    submissions: Mapped[list[CaseSubmission]] = relationship(lazy="raise", order_by="CaseSubmission.number")
    reviews: Mapped[list[CaseReview]] = relationship(lazy="raise", order_by="CaseReview.id")

    @property
    def platform_name(self) -> str:
        """The platform as its owner spells it ("LinkedIn", "YouTube")."""
        return platform_name(self.platform)


def platform_name(platform: str) -> str:
    """A stored platform code ("linkedin") as the platform spells its name ("LinkedIn")."""
    return PLATFORM_NAMES.get(platform, platform)


class ModerationSlot(Base):
    """Who moderates (or covers) the account on one weekday: 0 is Monday, 4 Friday."""

    __tablename__ = "moderation_slots"
    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 4", name="weekday"),
        CheckConstraint("duty IN ('moderator', 'cover')", name="duty"),
    )

    case_id: Mapped[int] = mapped_column(ForeignKey("business_cases.id"), primary_key=True)
    weekday: Mapped[int] = mapped_column(Integer, primary_key=True)
    duty: Mapped[str] = mapped_column(String(10), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))

    person: Mapped[Person] = relationship(lazy="raise")


class RiskItem(Base):
    """One line of the risk register. Scores are empty until the risk is assessed."""

    __tablename__ = "risk_items"
    __table_args__ = tuple(
        _one_to_five(c)
        for c in ("inherent_likelihood", "inherent_impact", "residual_likelihood", "residual_impact")
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("business_cases.id"), index=True)
    category: Mapped[str] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(Text, default="")
    inherent_likelihood: Mapped[int | None] = mapped_column(Integer)
    inherent_impact: Mapped[int | None] = mapped_column(Integer)
    controls: Mapped[str] = mapped_column(Text, default="")
    residual_likelihood: Mapped[int | None] = mapped_column(Integer)
    residual_impact: Mapped[int | None] = mapped_column(Integer)
    treatment: Mapped[str | None] = mapped_column(String(10))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    acceptance_justification: Mapped[str] = mapped_column(Text, default="")

    owner: Mapped[Person | None] = relationship(lazy="raise")
    actions: Mapped[list[RiskAction]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="RiskAction.id"
    )


class RiskAction(Base):
    __tablename__ = "risk_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    risk_id: Mapped[int] = mapped_column(ForeignKey("risk_items.id"), index=True)
    description: Mapped[str] = mapped_column(Text)
    owner_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    due_on: Mapped[date] = mapped_column(Date)

    owner: Mapped[Person] = relationship(lazy="raise")


class CaseSubmission(SealedRecord, Base):
    """The case as it stood when submitted: JSON and its SHA-256. Never edited."""

    __tablename__ = "case_submissions"
    __table_args__ = (UniqueConstraint("case_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("business_cases.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    submitted_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    content: Mapped[str] = mapped_column(Text)
    content_sha256: Mapped[str] = mapped_column(String(64))

    submitted_by: Mapped[Person] = relationship(lazy="raise")


class CaseReview(Base):
    """A reviewer taking a submission into review: after submission, or when an
    approved case's review date comes round. Each review has at most one decision."""

    __tablename__ = "case_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("business_cases.id"), index=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("case_submissions.id"))
    started_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    periodic: Mapped[bool] = mapped_column(default=False)

    submission: Mapped[CaseSubmission] = relationship(lazy="raise")
    started_by: Mapped[Person] = relationship(lazy="raise")
    decision: Mapped[CaseDecision | None] = relationship(lazy="raise")


class CaseDecision(SealedRecord, Base):
    """The reviewer's decision and the letter that records it. Never edited."""

    __tablename__ = "case_decisions"
    __table_args__ = (CheckConstraint(f"outcome IN ({_OUTCOMES})", name="outcome"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("case_reviews.id"), unique=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    reviewer_name: Mapped[str] = mapped_column(String(200))
    reviewer_role: Mapped[str] = mapped_column(String(30))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime)
    outcome: Mapped[str] = mapped_column(String(20))
    section_comments: Mapped[str] = mapped_column(Text)  # JSON: section key -> comment
    conditions: Mapped[str] = mapped_column(Text, default="")
    next_review_on: Mapped[date | None] = mapped_column(Date)
    letter_pdf: Mapped[bytes] = mapped_column(LargeBinary)
    letter_sha256: Mapped[str] = mapped_column(String(64))
