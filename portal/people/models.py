from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import Base, UTCDateTime, utcnow


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


class Role(enum.StrEnum):
    """Roles beyond plain staff. Everyone who can sign in is at least staff."""

    ADMINISTRATOR = "administrator"
    TOWN_CLERK = "town_clerk"
    DEPUTY_CLERK = "deputy_clerk"
    MAYOR = "mayor"
    MANAGER = "manager"
    HR = "hr"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.ADMINISTRATOR: "Administrator",
    Role.TOWN_CLERK: "Town Clerk",
    Role.DEPUTY_CLERK: "Deputy Clerk",
    Role.MAYOR: "Mayor",
    Role.MANAGER: "Manager",
    Role.HR: "HR",
}

_ENGAGEMENT_VALUES = ", ".join(f"'{e.value}'" for e in EngagementType)
_ROLE_VALUES = ", ".join(f"'{r.value}'" for r in Role)


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

    # Set when a session starts or is loaded; not stored in the database.
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
