"""Signing, declining and withdrawing, with the evidence a disciplinary hearing needs.

Every record is a new, append-only row that copies in who, what, when and how, so
it still says the same thing after the person or the policy changes (Networking
Policy, Scope: breaches are dealt with under the Disciplinary Policy, and the
signature is the proof that the person knew the rule).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.audit.service import record
from portal.auth.service import check_password_again
from portal.db import utcnow
from portal.errors import DomainError
from portal.people.models import Person
from portal.policies.library import applies_to, current_version
from portal.policies.models import (
    Acknowledgement,
    PaperScan,
    Policy,
    PolicyVersion,
    Receipt,
    RecordKind,
    SigningMethod,
)
from portal.policies.receipts import evidence_hash, render_receipt
from portal.policies.scans import check_scan
from portal.policies.status import SigningPlan, load_records, status_of

STATEMENT = (
    "I, {name}, confirm that I have read the whole of the {title} (version {label}) and that I "
    "understand it. I will follow it at work and, where it says so, outside work too. I understand "
    "that if I break it, the council may deal with the matter under its Disciplinary Policy."
)


def statement_for(person_name: str, policy: Policy, version: PolicyVersion) -> str:
    return STATEMENT.format(name=person_name, title=policy.title, label=version.label)


def sha256(data: str | bytes) -> str:
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


@dataclass(frozen=True)
class RequestDetails:
    """Where a record was made from: kept as evidence with it."""

    ip_address: str | None = None
    user_agent: str | None = None
    session_id: str | None = None
    first_viewed_at: datetime | None = None


def _names_match(typed: str, recorded: str) -> bool:
    return " ".join(typed.split()).casefold() == " ".join(recorded.split()).casefold()


def _current_or_refuse(policy: Policy) -> PolicyVersion:
    version = current_version(policy)
    if version is None:
        raise DomainError("This policy has no published version to sign")
    return version


def _check_current(policy: Policy, version_id: int) -> PolicyVersion:
    """Only the version in front of the person can be signed, and only if it is still current."""
    version = _current_or_refuse(policy)
    if version.id != version_id:
        raise DomainError(
            "A newer version of this policy has been published since you opened the page. "
            "Read it before signing"
        )
    return version


class AlreadySigned(DomainError):
    """The person's signature of this version is already on record."""


def _check_not_signed(session: Session, person: Person, policy: Policy) -> None:
    plan = SigningPlan.of(policy)
    assert plan is not None
    records = load_records(session, [person.id]).get(person.id, [])
    found = status_of(person, plan, records, today=utcnow().date())
    if found is not None and found.status == "current":
        raise AlreadySigned(f"{person.name} has already signed this version of the {policy.title}")


def _append(
    session: Session,
    *,
    person: Person,
    policy: Policy,
    version: PolicyVersion,
    kind: RecordKind,
    method: SigningMethod,
    actor: Person,
    reauthenticated: bool,
    request: RequestDetails,
    typed_name: str | None = None,
    reason: str | None = None,
    witness_name: str | None = None,
) -> Acknowledgement:
    statement = statement_for(person.name, policy, version) if kind == RecordKind.SIGNED else ""
    record_number = (
        session.scalar(
            select(func.count()).where(
                Acknowledgement.person_id == person.id, Acknowledgement.version_id == version.id
            )
        )
        or 0
    ) + 1
    ack = Acknowledgement(
        person_id=person.id,
        version_id=version.id,
        record_number=record_number,
        kind=kind.value,
        method=method.value,
        person_name=person.name,
        person_email=person.email,
        version_label=version.label,
        version_sha256=version.content_sha256,
        statement_text=statement,
        statement_sha256=sha256(statement),
        typed_name=typed_name,
        reason=reason,
        actor_id=actor.id,
        witness_name=witness_name,
        recorded_at=utcnow(),
        first_viewed_at=request.first_viewed_at,
        ip_address=request.ip_address,
        user_agent=(request.user_agent or "")[:400] or None,
        session_hash=sha256(request.session_id) if request.session_id else None,
        reauthenticated=reauthenticated,
    )
    # Hashed before the insert: the row is never updated afterwards (append-only).
    ack.evidence_sha256 = evidence_hash(ack)
    session.add(ack)
    session.flush()  # trips the unique constraint if the same form was sent twice
    record(
        session,
        actor=actor,
        on_behalf_of=person if actor.id != person.id else None,
        action=f"policies.{kind.value}",
        object_type="acknowledgement",
        object_id=ack.id,
        details={
            "person_id": person.id,
            "policy": policy.slug,
            "version": version.label,
            "method": method.value,
            "evidence_sha256": ack.evidence_sha256,
            "reason": reason,
        },
    )
    return ack


def _record_signature(
    session: Session,
    *,
    person: Person,
    policy: Policy,
    version: PolicyVersion,
    method: SigningMethod,
    actor: Person,
    request: RequestDetails,
    **evidence: str | None,
) -> Acknowledgement:
    """Append a signature, once: refused if one already stands, and always with a receipt.
    Every way of signing re-authenticates someone first (the person or the Clerk)."""
    _check_not_signed(session, person, policy)
    ack = _append(
        session,
        person=person,
        policy=policy,
        version=version,
        kind=RecordKind.SIGNED,
        method=method,
        actor=actor,
        reauthenticated=True,
        request=request,
        **evidence,
    )
    issue_receipt(session, ack, policy)
    return ack


def sign(
    session: Session,
    person: Person,
    policy: Policy,
    *,
    version_id: int,
    password: str,
    typed_name: str,
    confirmed: bool,
    request: RequestDetails,
) -> Acknowledgement:
    """A person signs the current version themselves, re-entering their password."""
    version = _check_current(policy, version_id)
    if not applies_to(policy, person):
        raise DomainError("This policy does not apply to you")
    check_password_again(session, person, password, purpose="sign_policy")
    if not _names_match(typed_name, person.name):
        raise DomainError(
            f"Type your full name exactly as the council has it: {person.name}", field="typed_name"
        )
    if not confirmed:
        raise DomainError("Tick the box to confirm the statement", field="confirm")
    return _record_signature(
        session,
        person=person,
        policy=policy,
        version=version,
        method=SigningMethod.SELF,
        actor=person,
        request=request,
        typed_name=" ".join(typed_name.split()),
    )


def decline(
    session: Session, person: Person, policy: Policy, *, version_id: int, reason: str, request: RequestDetails
) -> Acknowledgement:
    """A person declines to sign, saying why. The Clerk sees declined policies on their home page."""
    version = _check_current(policy, version_id)
    if not applies_to(policy, person):
        raise DomainError("This policy does not apply to you")
    if not reason.strip():
        raise DomainError("Say why you are not signing, so the Town Clerk can follow it up", field="reason")
    return _append(
        session,
        person=person,
        policy=policy,
        version=version,
        kind=RecordKind.DECLINED,
        method=SigningMethod.SELF,
        actor=person,
        reauthenticated=False,
        request=request,
        reason=reason.strip(),
    )


def sign_on_behalf(
    session: Session,
    clerk: Person,
    person: Person,
    policy: Policy,
    *,
    clerk_password: str,
    reason: str,
    request: RequestDetails,
) -> Acknowledgement:
    """The Clerk records a signature for someone else, with a written reason."""
    version = _current_or_refuse(policy)
    _check_third_party(session, clerk, person, policy, clerk_password)
    if not reason.strip():
        raise DomainError("Write the reason for signing on their behalf", field="reason")
    return _record_signature(
        session,
        person=person,
        policy=policy,
        version=version,
        method=SigningMethod.ON_BEHALF,
        actor=clerk,
        request=request,
        reason=reason.strip(),
    )


def record_paper(
    session: Session,
    clerk: Person,
    person: Person,
    policy: Policy,
    *,
    clerk_password: str,
    witness_name: str,
    signed_on: str,
    scan_name: str,
    scan: bytes,
    request: RequestDetails,
) -> Acknowledgement:
    """The Clerk records a paper form signed in front of a witness (for people without an account).

    The scan is accepted by what its content is (see scans.py), whatever it was called."""
    version = _current_or_refuse(policy)
    _check_third_party(session, clerk, person, policy, clerk_password, purpose="record_paper")
    if not witness_name.strip():
        raise DomainError("Enter the name of the witness", field="witness_name")
    checked = check_scan(scan_name, scan)
    ack = _record_signature(
        session,
        person=person,
        policy=policy,
        version=version,
        method=SigningMethod.WITNESSED_PAPER,
        actor=clerk,
        request=request,
        reason=f"Paper form signed on {signed_on}",
        witness_name=witness_name.strip(),
    )
    session.add(
        PaperScan(
            acknowledgement_id=ack.id,
            filename=checked.filename,
            content_type=checked.content_type,
            content=checked.content,
            sha256=sha256(checked.content),
        )
    )
    return ack


def withdraw(
    session: Session,
    clerk: Person,
    ack: Acknowledgement,
    policy: Policy,
    *,
    reason: str,
    request: RequestDetails,
) -> Acknowledgement:
    """Withdraw a signature (for example one recorded by mistake).

    The original stays; the withdrawal is a new record."""
    if ack.kind != RecordKind.SIGNED:
        raise DomainError("Only a signature can be withdrawn")
    if not reason.strip():
        raise DomainError("Write the reason for withdrawing the signature", field="reason")
    person = session.get(Person, ack.person_id)
    version = session.get(PolicyVersion, ack.version_id)
    assert person is not None and version is not None
    latest = session.scalar(
        select(Acknowledgement.kind)
        .where(Acknowledgement.person_id == person.id, Acknowledgement.version_id == version.id)
        .order_by(Acknowledgement.record_number.desc())
        .limit(1)
    )
    if latest != RecordKind.SIGNED:
        raise DomainError("This signature has already been withdrawn")
    return _append(
        session,
        person=person,
        policy=policy,
        version=version,
        kind=RecordKind.WITHDRAWN,
        method=SigningMethod.SELF,
        actor=clerk,
        reauthenticated=False,
        request=request,
        reason=reason.strip(),
    )


def _check_third_party(
    session: Session,
    clerk: Person,
    person: Person,
    policy: Policy,
    clerk_password: str,
    *,
    purpose: str = "sign_on_behalf",
) -> None:
    if clerk.id == person.id:
        raise DomainError("Sign your own acknowledgement from the policy's page")
    if not applies_to(policy, person):
        raise DomainError(f"The {policy.title} does not apply to {person.name}")
    check_password_again(session, clerk, clerk_password, purpose=purpose)


# Receipts -----------------------------------------------------------------------


def new_receipt_code() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread
    raw = "".join(secrets.choice(alphabet) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def issue_receipt(session: Session, ack: Acknowledgement, policy: Policy) -> Receipt:
    """Render the PDF/A receipt once and keep its bytes, so any copy can be checked by hash."""
    code = new_receipt_code()
    actor = session.get(Person, ack.actor_id)
    pdf = render_receipt(ack, policy, code=code, actor_name=actor.name if actor else "")
    receipt = Receipt(
        acknowledgement_id=ack.id, code=code, pdf=pdf, pdf_sha256=sha256(pdf), created_at=utcnow()
    )
    session.add(receipt)
    session.flush()
    return receipt
