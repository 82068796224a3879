"""Who a checked council-account login is, and the Town Clerk's rule about passwords.

Single sign-on never creates people and never grants roles: the portal's own people
list stays the only record of who works for the council and what they may do. A login
is matched to an existing person the first time by email, only within the council's
own domains, and from then on by the provider's (issuer, subject) pair alone, because
Microsoft documents that the email claim can change and must not be used to authorise
(Entra ID also sends no email_verified). Leavers recorded here cannot sign in, whatever
the provider still thinks of their account.
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session, selectinload

from portal.audit.service import record
from portal.config import Settings
from portal.db import utcnow
from portal.errors import DomainError
from portal.people.models import Person, normalise_email

from .confirmation import CouncilAccountProof
from .models import CouncilAccount, SignInRule
from .oidc import Identity, Pending, SignInNotCompleted, logged_in_after


class CouncilAccountRefused(DomainError):
    """A login the provider vouched for that the portal will not let in."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def _settings() -> Settings:
    settings: Settings = current_app.config["PORTAL_SETTINGS"]
    return settings


def in_council_domains(email: str, settings: Settings) -> bool:
    return normalise_email(email).rpartition("@")[2] in settings.oidc_domains()


# The Town Clerk's rule ---------------------------------------------------------------


def council_account_required(session: Session) -> bool:
    rule = session.get(SignInRule, 1)
    return bool(rule and rule.council_account_required)


def must_use_council_account(session: Session, email: str) -> bool:
    """People with a council address cannot use a password once the Clerk requires the
    council account (and single sign-on is configured); volunteers and others without a
    council account keep theirs."""
    settings = _settings()
    return (
        settings.single_sign_on and in_council_domains(email, settings) and council_account_required(session)
    )


def set_council_account_required(session: Session, clerk: Person, required: bool) -> None:
    """The Town Clerk decides (the council's own choice, README "Signing in with the
    council's Microsoft 365 account"); it needs single sign-on set up first, so that
    nobody is left without a way in."""
    if required and not _settings().single_sign_on:
        raise DomainError("Single sign-on is not set up, so it cannot be required")
    rule = session.get(SignInRule, 1)
    if rule is None:
        rule = SignInRule(id=1, council_account_required=required, changed_at=utcnow())
        session.add(rule)
    if rule.council_account_required == required and rule.changed_by_id is not None:
        return
    rule.council_account_required = required
    rule.changed_by_id = clerk.id
    rule.changed_at = utcnow()
    record(
        session,
        actor=clerk,
        action="auth.council_account_rule_changed",
        object_type="sign_in_rule",
        object_id=1,
        details={"required": required},
    )


def linked_people(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(CouncilAccount)) or 0


def not_completed(session: Session, person: Person | None, purpose: str, reason: str) -> None:
    """The audit event for a login that went wrong: a fixed reason code, never the
    provider's own words (free text has no place in audit details)."""
    signing_in = purpose == "sign_in"
    record(
        session,
        actor=None if signing_in else person,
        action="auth.sign_in_failed" if signing_in else "auth.identity_confirmation_failed",
        object_type="person",
        object_id=person.id if person else None,
        details={"reason": reason, "with": "council_account"}
        if signing_in
        else {"purpose": purpose, "reason": reason},
    )


# Signing in --------------------------------------------------------------------------


def _refuse(
    session: Session, reason: str, message: str, person: Person | None = None
) -> CouncilAccountRefused:
    not_completed(session, person, "sign_in", reason)
    return CouncilAccountRefused(reason, message)


def _person(session: Session, condition: ColumnElement[bool]) -> Person | None:
    return session.scalar(select(Person).options(selectinload(Person.role_grants)).where(condition))


def account_of(session: Session, identity: Identity) -> CouncilAccount | None:
    return session.scalar(
        select(CouncilAccount).where(
            CouncilAccount.issuer == identity.issuer, CouncilAccount.subject == identity.subject
        )
    )


def sign_in(session: Session, identity: Identity) -> Person:
    """The person a checked login belongs to, binding the account on first use."""
    settings = _settings()
    account = account_of(session, identity)
    if account is not None:
        person = _person(session, Person.id == account.person_id)
    else:
        email = normalise_email(identity.email or "")
        if not email or not in_council_domains(email, settings):
            raise _refuse(
                session,
                "not_council_domain",
                "This account is not one of the council's. Sign in with your council email address",
            )
        person = _person(session, Person.email == email)
        if person is None:
            raise _refuse(
                session,
                "unknown",
                "There is no one in the portal with this email address. Ask the council's "
                "administrator to add you, or to correct your address",
            )
        if person.is_active and _bound_elsewhere(session, person, identity.issuer):
            raise _refuse(
                session,
                "already_linked",
                "Your portal account is already linked to a different council account. "
                "Ask the council's administrator",
                person,
            )
    assert person is not None
    if not person.is_active:
        raise _refuse(session, "left", "Your time with the council has ended, so you cannot sign in", person)
    if account is None:
        session.add(
            CouncilAccount(
                person_id=person.id, issuer=identity.issuer, subject=identity.subject, linked_at=utcnow()
            )
        )
        record(
            session,
            actor=person,
            action="auth.council_account_linked",
            object_type="person",
            object_id=person.id,
        )
    record(
        session,
        actor=person,
        action="auth.signed_in",
        object_type="person",
        object_id=person.id,
        details={"with": "council_account"},
    )
    return person


def _bound_elsewhere(session: Session, person: Person, issuer: str) -> bool:
    return (
        session.scalar(
            select(CouncilAccount.id).where(
                CouncilAccount.person_id == person.id, CouncilAccount.issuer == issuer
            )
        )
        is not None
    )


# Confirming who is at the keyboard ---------------------------------------------------


def confirm(
    session: Session, person: Person, identity: Identity, pending: Pending, path: str
) -> CouncilAccountProof:
    """A fresh login at the provider for one act (auth.confirmation): it must be this
    person's own bound account, carry the nonce made at the press (checked with the
    token), and have logged in after the press, less the clock-skew allowance."""
    account = account_of(session, identity)
    if account is None or account.person_id != person.id:
        not_completed(session, person, pending.purpose, "other_account")
        raise DomainError("That was a different council account. Confirm with your own")
    try:
        auth_time: datetime = logged_in_after(identity, pending, _settings())
    except SignInNotCompleted as refused:
        not_completed(session, person, pending.purpose, refused.reason)
        raise
    record(
        session,
        actor=person,
        action="auth.identity_confirmed",
        object_type="person",
        object_id=person.id,
        details={"purpose": pending.purpose, "issuer": identity.issuer, "auth_time": auth_time.isoformat()},
    )
    return CouncilAccountProof(
        person_id=person.id,
        purpose=pending.purpose,
        path=path,
        issuer=identity.issuer,
        auth_time=auth_time,
        confirmed_at=utcnow(),
    )
