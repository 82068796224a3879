"""Changing someone's email address: it takes effect only when the new address confirms it.

The email address is where invitation and reset links go, so whoever can move it can
take the account over. A link sent to the new address proves that its owner asked for
it, and the old address is told, so a hostile change does not go unnoticed.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

from portal.audit.service import record
from portal.db import utcnow
from portal.errors import DomainError
from portal.outbox.service import portal_path

from . import messages
from .models import EmailChange, Person, RoleChange, normalise_email

LINK_LIFETIME = timedelta(hours=72)


def _token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _address_taken(session: Session, email: str, person: Person) -> bool:
    owner = session.scalar(select(Person.id).where(Person.email == email))
    return owner is not None and owner != person.id


def request_email_change(
    session: Session,
    actor: Person | None,
    person: Person,
    new_email: str,
    *,
    role_change: RoleChange | None = None,
) -> str:
    """Send a confirmation link to the new address and tell the old one; return the raw token.

    A newer request cancels older ones, so only the latest link works.
    """
    email = normalise_email(new_email)
    if email == person.email:
        raise DomainError("That is already their email address", field="email")
    if _address_taken(session, email, person):
        raise DomainError("Someone already has that email address", field="email")
    now = utcnow()
    session.execute(
        update(EmailChange)
        .where(
            EmailChange.person_id == person.id,
            EmailChange.confirmed_at.is_(None),
            EmailChange.cancelled_at.is_(None),
        )
        .values(cancelled_at=now)
    )
    raw = secrets.token_urlsafe(32)
    change = EmailChange(
        person_id=person.id,
        new_email=email,
        token_hash=_token_hash(raw),
        requested_by_id=actor.id if actor else None,
        role_change_id=role_change.id if role_change else None,
        created_at=now,
        expires_at=now + LINK_LIFETIME,
    )
    session.add(change)
    session.flush()
    record(
        session,
        actor=actor,
        action="people.email_change_requested",
        object_type="person",
        object_id=person.id,
        details={"email_change_id": change.id, "role_change_id": change.role_change_id},
    )
    link = portal_path("people.confirm_email", token=raw)
    messages.confirm_new_address(session, person, email, link)
    messages.address_change_requested(session, person, email)
    return raw


def pending_email_change(session: Session, person: Person) -> EmailChange | None:
    return session.scalar(
        select(EmailChange)
        .where(
            EmailChange.person_id == person.id,
            EmailChange.confirmed_at.is_(None),
            EmailChange.cancelled_at.is_(None),
            EmailChange.expires_at > utcnow(),
        )
        .order_by(EmailChange.id.desc())
        .limit(1)
    )


def usable_email_change(session: Session, raw: str) -> EmailChange | None:
    change = session.scalar(
        select(EmailChange)
        .options(selectinload(EmailChange.person))
        .where(EmailChange.token_hash == _token_hash(raw))
    )
    if change is None or change.confirmed_at or change.cancelled_at or change.expires_at <= utcnow():
        return None
    if not change.person.is_active:
        return None
    return change


def confirm_email_change(session: Session, raw: str) -> Person:
    """The owner of the new address followed the link: the address changes now."""
    change = usable_email_change(session, raw)
    if change is None:
        raise DomainError("This link has expired or has already been used. Ask for a new one")
    person = change.person
    if _address_taken(session, change.new_email, person):
        raise DomainError("Someone else now has that email address. Ask the administrator")
    old = person.email
    person.email = change.new_email
    change.confirmed_at = utcnow()
    session.flush()
    record(
        session,
        actor=None,
        action="people.email_changed",
        object_type="person",
        object_id=person.id,
        details={"email_change_id": change.id},
        personal_details={"from": old, "to": change.new_email},
        personal_of=person.id,
    )
    return person
