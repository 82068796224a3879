from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import Base, UTCDateTime, widened
from portal.people.models import Person


class PasswordToken(Base):
    """A single-use link that sets a password: an invitation or a reset.

    Only the SHA-256 of the token is stored, so a copy of the database cannot be
    used to take over an account.
    """

    __tablename__ = "password_tokens"
    __table_args__ = (CheckConstraint("purpose IN ('invitation', 'reset')", name="purpose"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    purpose: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))

    person: Mapped[Person] = relationship(foreign_keys=[person_id], lazy="raise")


class SignInFailure(Base):
    """A failed sign-in, kept per account (the typed email) for throttling."""

    __tablename__ = "sign_in_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    account: Mapped[str] = mapped_column(String(320), index=True)
    failed_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ip_address: Mapped[str | None] = mapped_column(widened(String(200), String(45)))  # sealed: audit.personal


class CouncilAccount(Base):
    """The council account a person signs in with: an OpenID Connect issuer and subject.

    Bound once, by email, the first time the person signs in with it; from then on the
    pair alone says who it is. Microsoft documents that the email claim can change and
    must not be used to authorise, so it is never looked at again for a bound account.
    One account per person per issuer, and one person per account.
    """

    __tablename__ = "council_accounts"
    __table_args__ = (UniqueConstraint("issuer", "subject"), UniqueConstraint("person_id", "issuer"))

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    issuer: Mapped[str] = mapped_column(String(300))
    subject: Mapped[str] = mapped_column(String(255))
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SignInRule(Base):
    """The council's choice about passwords, one row: whether people whose address is in
    the council's own email domains must sign in with their council account."""

    __tablename__ = "sign_in_rules"
    __table_args__ = (CheckConstraint("id = 1", name="one_row"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    council_account_required: Mapped[bool] = mapped_column(Boolean)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)
