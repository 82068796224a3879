from __future__ import annotations

import enum
import secrets
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import Base, UTCDateTime, utcnow
from portal.identity import Role


class EngagementType(enum.StrEnum):
    """How a person works for the council: the Networking Policy's Scope, plus councillors."""

    EMPLOYEE = "employee"
    TEMPORARY = "temporary"
    BANK = "bank"
    AGENCY = "agency"
    SECONDMENT = "secondment"
    HONORARY = "honorary"
    CONTRACTOR = "contractor"
    VOLUNTEER = "volunteer"
    COUNCILLOR = "councillor"

    @property
    def label(self) -> str:
        return ENGAGEMENT_LABELS[self]


ENGAGEMENT_LABELS = {
    EngagementType.EMPLOYEE: "Employee",
    EngagementType.TEMPORARY: "Temporary worker",
    EngagementType.BANK: "Bank worker",
    EngagementType.AGENCY: "Agency worker",
    EngagementType.SECONDMENT: "On secondment",
    EngagementType.HONORARY: "Honorary post",
    EngagementType.CONTRACTOR: "Contractor",
    EngagementType.VOLUNTEER: "Volunteer",
    EngagementType.COUNCILLOR: "Councillor",
}


_ENGAGEMENT_VALUES = ", ".join(f"'{e.value}'" for e in EngagementType)
_ROLE_VALUES = ", ".join(f"'{r.value}'" for r in Role)


def normalise_email(email: str) -> str:
    """Addresses are kept lower-cased, so that sign-in and uniqueness ignore case."""
    return email.strip().lower()


def new_session_token() -> str:
    return secrets.token_hex(32)


def end_all_sessions(person: Person) -> None:
    """Invalidate every session and remember-me cookie the person holds.

    Each cookie carries the token; a new token makes all of them unusable at once,
    on every device, including copies an attacker may have kept.
    """
    person.session_token = new_session_token()


class Department(Base):
    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)


class Person(Base):
    __tablename__ = "people"
    __table_args__ = (
        CheckConstraint(f"engagement_type IN ({_ENGAGEMENT_VALUES})", name="engagement_type"),
        CheckConstraint("line_manager_id IS NULL OR line_manager_id <> id", name="not_own_manager"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # Stored lower-cased so that sign-in and uniqueness ignore case.
    email: Mapped[str] = mapped_column(String(320), unique=True)
    engagement_type: Mapped[str] = mapped_column(String(20))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), index=True)
    line_manager_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    start_date: Mapped[date] = mapped_column(Date)
    leaving_date: Mapped[date | None] = mapped_column(Date)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    password_hash: Mapped[str | None] = mapped_column(String(200))
    # Part of every session and remember-me cookie: replacing it ends them all.
    session_token: Mapped[str] = mapped_column(String(64))
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    department: Mapped[Department | None] = relationship(lazy="raise")
    line_manager: Mapped[Person | None] = relationship(remote_side=[id], lazy="raise")
    role_grants: Mapped[list[PersonRole]] = relationship(
        back_populates="person", lazy="raise", cascade="all, delete-orphan"
    )

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(Role(grant.role) for grant in self.role_grants)

    @property
    def engagement(self) -> EngagementType:
        return EngagementType(self.engagement_type)

    @property
    def has_left(self) -> bool:
        return not self.is_active

    # Flask-Login's user interface ------------------------------------------------
    # The session id carries the session token, so rotating the token logs out every
    # cookie at once (sign-out, password change, leaving). See portal.auth.sessions.
    is_anonymous = False

    @property
    def is_authenticated(self) -> bool:
        return True

    # Set when a session starts or is loaded; not stored in the database. Declared for
    # the type checker only: the ORM refuses a plain annotation on a mapped class.
    if TYPE_CHECKING:
        signed_in_epoch: int | None
    signed_in_epoch = None

    def get_id(self) -> str:
        if self.signed_in_epoch is None:
            raise RuntimeError("sign people in through portal.auth.sessions.start_session")
        return f"{self.id}.{self.session_token}.{self.signed_in_epoch}"


class PersonRole(Base):
    __tablename__ = "person_roles"
    __table_args__ = (CheckConstraint(f"role IN ({_ROLE_VALUES})", name="role"),)

    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(30), primary_key=True)

    person: Mapped[Person] = relationship(back_populates="role_grants", lazy="raise")


# Separation of duties (PRIVILEGED_ROLES: see portal.identity) ---------------------

CHANGE_KINDS = ("grant", "remove", "email")
CHANGE_STATUSES = ("pending", "approved", "applied", "refused", "lapsed")


class RoleChange(Base):
    """A proposed change to a privileged role, or to a privileged holder's email address.

    It takes effect only when a second person approves it (or, while nobody else could,
    the server's own command does, and says so). Rows are never deleted: the proposal,
    its approval or refusal and its lapse are the record of who did what.
    """

    __tablename__ = "role_changes"
    __table_args__ = (
        CheckConstraint(f"kind IN {CHANGE_KINDS!r}", name="kind"),
        CheckConstraint(f"status IN {CHANGE_STATUSES!r}", name="status"),
        CheckConstraint(f"role IS NULL OR role IN ({_ROLE_VALUES})", name="role"),
        CheckConstraint("(kind = 'email') = (new_email IS NOT NULL)", name="email_has_address"),
        CheckConstraint("(kind = 'email') = (role IS NULL)", name="role_has_role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    role: Mapped[str | None] = mapped_column(String(30))
    new_email: Mapped[str | None] = mapped_column(String(320))
    effective_on: Mapped[date] = mapped_column(Date)
    lapses_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    # True when the server's command stood in as the second person.
    decided_on_server: Mapped[bool] = mapped_column(Boolean, default=False)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    applied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    person: Mapped[Person] = relationship(foreign_keys=[person_id], lazy="raise")
    proposed_by: Mapped[Person | None] = relationship(foreign_keys=[proposed_by_id], lazy="raise")
    decided_by: Mapped[Person | None] = relationship(foreign_keys=[decided_by_id], lazy="raise")

    @property
    def role_value(self) -> Role | None:
        return Role(self.role) if self.role else None


class EmailChange(Base):
    """A new email address waiting for its owner to confirm it from that mailbox.

    Only the SHA-256 of the link's token is stored. Until the link is used the person
    keeps their old address, so a mistyped or hostile address never receives their mail.
    """

    __tablename__ = "email_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    new_email: Mapped[str] = mapped_column(String(320))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    role_change_id: Mapped[int | None] = mapped_column(ForeignKey("role_changes.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    person: Mapped[Person] = relationship(foreign_keys=[person_id], lazy="raise")
