"""Sign-in checks, throttling, invitation and reset links, and password changes."""

from __future__ import annotations

import hashlib
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, selectinload

from portal.audit import personal
from portal.audit.service import client_address, record
from portal.auth.models import CouncilAccount, PasswordToken, SignInFailure
from portal.auth.passwords import hash_password, needs_rehash, password_matches, password_problem
from portal.db import utcnow
from portal.errors import DomainError
from portal.outbox.service import portal_path
from portal.people.models import Person, end_all_sessions, normalise_email
from portal.people.service import LEAVER_HOOKS, SIGN_IN_LINKS, SignInLink

from . import messages
from .confirmation import (
    PASSWORD,
    CouncilAccountProof,
    IdentityConfirmed,
    OnPage,
    discard_proof,
    on_page,
)
from .single_sign_on import must_use_council_account

# Other features confirm who is at the keyboard through these (auth.confirmation).
__all__ = [
    "CouncilAccountProof",
    "IdentityConfirmed",
    "check_password_again",
    "confirm_identity",
    "OnPage",
    "discard_proof",
    "on_page",
]

# Rules, not settings: the emails, the pages and the README state these numbers ("works
# once, for 72 hours"), so a council changing them would make the portal contradict itself.
FAILURES_ALLOWED = 5
FAILURE_WINDOW = timedelta(minutes=15)
# Names the PostgreSQL advisory locks that serialise the attempts on one account
# (the two-key form, so it never meets the audit chain's one-key lock).
_THROTTLE_LOCK_CLASS = 15_003
TOKEN_LIFETIME = timedelta(hours=72)


# Throttling -----------------------------------------------------------------------


def _wait_text(wait: timedelta) -> str:
    minutes = max(1, math.ceil(wait.total_seconds() / 60))
    return f"Wait {minutes} {'minute' if minutes == 1 else 'minutes'}, then try again"


class SignInThrottled(DomainError):
    def __init__(self, wait: timedelta) -> None:
        super().__init__(
            f"Too many failed attempts to sign in to this account. {_wait_text(wait)}", field="email"
        )
        self.wait = wait


class PasswordThrottled(DomainError):
    """A re-entered password refused unchecked: the account is waiting after too many failures."""

    def __init__(self, wait: timedelta, *, field: str) -> None:
        super().__init__(
            f"Too many wrong passwords have been entered for your account. {_wait_text(wait)}",
            field=field,
        )
        self.wait = wait


def _lock_account(session: Session, account: str) -> None:
    """Make the attempts on one account take turns until their transaction ends.

    Without this, parallel wrong passwords on PostgreSQL each count the failures
    before any of them records one, and more than FAILURES_ALLOWED get checked. The
    lock is per account, so other accounts never wait. SQLite needs none: a request
    that writes holds the database's write lock from its start (portal.db, BEGIN
    IMMEDIATE), so its attempts already take turns.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    key = int.from_bytes(hashlib.sha256(account.encode()).digest()[:4], "big", signed=True)
    session.execute(select(func.pg_advisory_xact_lock(_THROTTLE_LOCK_CLASS, key)))


def throttle_wait(session: Session, account: str, now: datetime) -> timedelta | None:
    """How long this account must wait before another attempt, if at all.

    The count is per account, never global: a flood of failures against one email
    slows that account only, and only for the rest of the window, so an attacker
    cannot lock the whole council out.
    """
    recent = session.scalars(
        select(SignInFailure.failed_at)
        .where(SignInFailure.account == account, SignInFailure.failed_at > now - FAILURE_WINDOW)
        .order_by(SignInFailure.failed_at.desc())
        .limit(FAILURES_ALLOWED)
    ).all()
    if len(recent) < FAILURES_ALLOWED:
        return None
    # Allowed again once the oldest of the last five falls out of the window: at
    # most five guesses in any fifteen minutes.
    wait = recent[-1] + FAILURE_WINDOW - now
    return wait if wait > timedelta(0) else None


# Sign-in --------------------------------------------------------------------------


class SignInRefused(DomainError):
    pass


def _find_by_email(session: Session, email: str) -> Person | None:
    return session.scalar(
        select(Person).options(selectinload(Person.role_grants)).where(Person.email == email)
    )


def authenticate(session: Session, email: str, password: str, *, ip_address: str | None) -> Person:
    """Sign in with email and password. After 5 failures in 15 minutes the account waits
    (a council choice that follows NCSC guidance: throttle per account, never lock the
    council out); the same message for an unknown email and a wrong password, so the
    page does not tell who has an account. Leavers cannot sign in."""
    account = normalise_email(email)
    if must_use_council_account(session, account):
        raise SignInRefused(
            "The council has asked everyone with a council email address to sign in with their "
            "council account. Select ‘Sign in with your council account’",
            field="email",
        )
    _lock_account(session, account)
    now = utcnow()
    wait = throttle_wait(session, account, now)
    if wait is not None:
        raise SignInThrottled(wait)
    person = _find_by_email(session, account)
    correct = password_matches(person.password_hash if person else None, password)
    if not correct or person is None or not person.is_active:
        # Whoever typed the password is unknown: the address is kept under the month's key.
        address = personal.seal(session, personal.month_key(now), ip_address)
        session.add(SignInFailure(account=account, failed_at=now, ip_address=address))
        record(
            session,
            actor=None,
            action="auth.sign_in_failed",
            object_type="person",
            object_id=person.id if person else None,
            details={"reason": "left" if person and correct else "wrong_credentials"},
        )
        raise SignInRefused("Enter a correct email address and password", field="email")
    assert person.password_hash is not None
    if needs_rehash(person.password_hash):
        person.password_hash = hash_password(password)
    session.execute(delete(SignInFailure).where(SignInFailure.account == account))
    record(session, actor=person, action="auth.signed_in", object_type="person", object_id=person.id)
    return person


def record_sign_out(session: Session, person: Person) -> None:
    end_all_sessions(person)
    record(session, actor=person, action="auth.signed_out", object_type="person", object_id=person.id)


def check_password_again(
    session: Session,
    person: Person,
    password: str,
    *,
    purpose: str,
    field: str = "password",
    wrong: str = "Your password is not correct",
) -> None:
    """A signed-in person re-enters their password to confirm a serious act.

    Each try counts as a sign-in attempt on their account (OWASP ASVS 5.0 V6.3.1:
    the same throttle wherever a password is checked), so a borrowed or stolen
    session cannot be used to guess the password without limit. A wrong password is
    recorded and audited; while the account waits even the right one is refused.
    `purpose` is a fixed code naming the act, kept in the audit event. Call it
    before the act writes anything: the failure must be committed with the page
    that says the password was wrong.
    """
    account = normalise_email(person.email)
    _lock_account(session, account)
    now = utcnow()
    wait = throttle_wait(session, account, now)
    if wait is not None:
        raise PasswordThrottled(wait, field=field)
    if not password_matches(person.password_hash, password):
        address = personal.seal(session, personal.person_key(person.id), client_address())
        session.add(SignInFailure(account=account, failed_at=now, ip_address=address))
        record(
            session,
            actor=person,
            action="auth.password_check_failed",
            object_type="person",
            object_id=person.id,
            details={"purpose": purpose},
        )
        raise DomainError(wrong, field=field)
    # As at sign-in: the right password clears the count, so earlier typos do not
    # leave the person one slip away from waiting.
    session.execute(delete(SignInFailure).where(SignInFailure.account == account))


def confirm_identity(
    session: Session,
    person: Person,
    *,
    purpose: str,
    password: str = "",
    proof: CouncilAccountProof | None = None,
) -> IdentityConfirmed:
    """A signed-in person proves again who they are before a serious act
    (auth.confirmation): with a fresh login at the council's identity provider when they
    signed in with their council account, otherwise by re-entering their password
    (check_password_again). Someone the council requires to use their council account
    cannot fall back on a password."""
    if proof is not None:
        if not proof.still_good_for(person.id, purpose, proof.path):
            raise DomainError("Confirm it is you with your council account again", field="password")
        return proof.confirmed()
    if must_use_council_account(session, person.email) or not password:
        # An empty password is never an attempt: a council-account page has no password
        # box, and a send without the confirmation must not count against the throttle.
        raise DomainError("Confirm it is you first", field="password")
    check_password_again(session, person, password, purpose=purpose)
    return IdentityConfirmed(PASSWORD)


# Passwords ------------------------------------------------------------------------


def _check_new_password(person: Person, password: str, confirmation: str) -> None:
    problem = password_problem(password, email=person.email, name=person.name)
    if problem:
        raise DomainError(problem, field="password")
    if password != confirmation:
        raise DomainError("The passwords do not match", field="confirm_password")


def change_password(session: Session, person: Person, current: str, new: str, confirmation: str) -> None:
    """A person changes their own password; every other session of theirs ends.

    The current password is checked like a sign-in (check_password_again)."""
    check_password_again(
        session,
        person,
        current,
        purpose="change_password",
        field="current_password",
        wrong="Your current password is not correct",
    )
    _check_new_password(person, new, confirmation)
    person.password_hash = hash_password(new)
    end_all_sessions(person)
    record(session, actor=person, action="auth.password_changed", object_type="person", object_id=person.id)


def _token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_password_token(session: Session, person: Person, *, purpose: str, actor: Person | None) -> str:
    """Create a single-use link for setting a password; return the raw token once.

    Any earlier unused link for the same person stops working, so only the newest
    link that was sent can be used.
    """
    if not person.is_active:
        raise DomainError(f"{person.name} has left, so they cannot be sent a link")
    now = utcnow()
    session.execute(
        update(PasswordToken)
        .where(PasswordToken.person_id == person.id, PasswordToken.used_at.is_(None))
        .values(used_at=now)
    )
    raw = secrets.token_urlsafe(32)
    session.add(
        PasswordToken(
            person_id=person.id,
            token_hash=_token_hash(raw),
            purpose=purpose,
            created_at=now,
            expires_at=now + TOKEN_LIFETIME,
            created_by_id=actor.id if actor else None,
        )
    )
    record(
        session,
        actor=actor,
        action=f"auth.{purpose}_issued",
        object_type="person",
        object_id=person.id,
        details={"expires_at": (now + TOKEN_LIFETIME).isoformat()},
    )
    return raw


@dataclass(frozen=True)
class UsableToken:
    token: PasswordToken
    person: Person


def usable_token(session: Session, raw: str) -> UsableToken | None:
    """The token behind a link, if the link can still be used."""
    token = session.scalar(
        select(PasswordToken)
        .options(selectinload(PasswordToken.person))
        .where(PasswordToken.token_hash == _token_hash(raw))
    )
    if token is None or token.used_at is not None or token.expires_at <= utcnow():
        return None
    if not token.person.is_active:
        return None
    return UsableToken(token, token.person)


def redeem_password_token(session: Session, raw: str, password: str, confirmation: str) -> Person:
    """Set a password from an invitation or reset link: once, within 72 hours, and only
    while the person is still with the council; the password must pass the checks."""
    found = usable_token(session, raw)
    if found is None:
        raise DomainError(
            "This link has expired or has already been used. Ask your administrator for a new one"
        )
    person = found.person
    _check_new_password(person, password, confirmation)
    person.password_hash = hash_password(password)
    found.token.used_at = utcnow()
    end_all_sessions(person)
    record(
        session,
        actor=person,
        action="auth.password_set",
        object_type="person",
        object_id=person.id,
        details={"through": found.token.purpose},
    )
    return person


def send_sign_in_link(session: Session, actor: Person | None, person: Person) -> SignInLink:
    """Email the person a link to choose a password: an invitation, or a reset once they
    have one. The link goes to them only, never shown to an administrator (who could
    otherwise take the account over)."""
    purpose = "reset" if person.password_hash else "invitation"
    raw = issue_password_token(session, person, purpose=purpose, actor=actor)
    # A path: the outbox puts PORTAL_BASE_URL before it, never a request's Host header.
    path = portal_path("auth.set_password", token=raw)
    messages.invitation(session, person, path, purpose=purpose)
    return SignInLink(purpose, path)


def cancel_links_of_leaver(session: Session, _actor: Person, person: Person) -> None:
    """Links already sent must not let a leaver back in, and their council account is
    unlinked (storage limitation: nothing needs it once they have gone). Someone who
    returns is matched afresh by email; until then the email finds a leaver, refused."""
    session.execute(
        update(PasswordToken)
        .where(PasswordToken.person_id == person.id, PasswordToken.used_at.is_(None))
        .values(used_at=utcnow())
    )
    session.execute(delete(CouncilAccount).where(CouncilAccount.person_id == person.id))


# People asks sign-in to do these, through its hooks: auth depends on people, never the reverse.
SIGN_IN_LINKS.append(send_sign_in_link)
LEAVER_HOOKS.append(cancel_links_of_leaver)
