"""Writing the evidence: append-only acknowledgement records and their receipts.

Every record is a new row that copies in who, what, when and how, so it still says
the same thing after the person or the policy changes: the signature is the proof that
the person knew the rule, whichever route a breach then takes for them (employees: the
Disciplinary Policy, Networking Policy Scope; councillors: the Members' Code of Conduct;
others: their own terms, portal/people/breach_routes.py). Signing by the person (signing.py) and the Clerk's
records for others (clerk_records.py) both write through here.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.audit import personal
from portal.audit.service import record
from portal.auth.service import IdentityConfirmed
from portal.db import utcnow
from portal.errors import DomainError
from portal.people.models import Person
from portal.people.service import route_for, words_for
from portal.policies.library import current_version
from portal.policies.models import (
    Acknowledgement,
    Policy,
    PolicyVersion,
    Receipt,
    RecordKind,
    SigningMethod,
)
from portal.policies.receipts import evidence_hash, render_receipt
from portal.policies.status import SigningPlan, load_records, status_of

STATEMENT = (
    "I, {name}, confirm that I have read the whole of the {title} (version {label}) and that I "
    "understand it. I will follow it at work and, where it says so, outside work too. I understand "
    "that if I break it, {route}."
)


def statement_for(session: Session, person: Person, policy: Policy, version: PolicyVersion) -> str:
    """What the person signs. It names the route a breach would take for them: only those
    the council employs face its Disciplinary Policy (Networking Policy, Scope); a
    councillor answers to the Members' Code of Conduct, others to their own terms
    (portal/people/breach_routes.py). The stored statement and its hash follow from it."""
    route = words_for(route_for(session, person.engagement_type))
    return STATEMENT.format(name=person.name, title=policy.title, label=version.label, route=route.statement)


def sha256(data: str | bytes) -> str:
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


@dataclass(frozen=True)
class RequestDetails:
    """Where a record was made from: kept as evidence with it."""

    ip_address: str | None = None
    user_agent: str | None = None
    session_id: str | None = None
    first_viewed_at: datetime | None = None


class AlreadySigned(DomainError):
    """The person's signature of this version is already on record."""


def get_acknowledgement(session: Session, ack_id: int) -> Acknowledgement | None:
    return session.get(Acknowledgement, ack_id)


def current_or_refuse(policy: Policy) -> PolicyVersion:
    """Only the version in force can be signed: an archived wording no longer binds
    anyone, and a policy never published has nothing to sign (the council's own rule)."""
    version = current_version(policy)
    if version is None:
        raise DomainError("This policy has no published version to sign")
    return version


def check_not_signed(session: Session, person: Person, policy: Policy) -> None:
    """One signature per version stands at a time: a second would only muddy the evidence
    a disciplinary hearing relies on (Networking Policy, Scope)."""
    plan = SigningPlan.of(policy)
    assert plan is not None
    records = load_records(session, [person.id]).get(person.id, [])
    found = status_of(person, plan, records, today=utcnow().date())
    if found is not None and found.status == "current":
        raise AlreadySigned(f"{person.name} has already signed this version of the {policy.title}")


def append_record(
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
    confirmed: IdentityConfirmed | None = None,
) -> Acknowledgement:
    """Append one record, with its evidence hash and an audit event. Records are never
    edited: a change is a new record (the council's own rule, DESIGN.md "Records are
    append-only"), so what a person signed cannot drift."""
    statement = statement_for(session, person, policy, version) if kind == RecordKind.SIGNED else ""
    record_number = (
        session.scalar(
            select(func.count()).where(
                Acknowledgement.person_id == person.id, Acknowledgement.version_id == version.id
            )
        )
        or 0
    ) + 1
    now = utcnow()
    requester = personal.person_key(actor.id)
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
        recorded_at=now,
        first_viewed_at=request.first_viewed_at,
        # The browser's details are the requester's personal data, sealed under their key
        # so that the retention schedule can forget them (portal.audit.personal).
        ip_address=personal.seal(session, requester, request.ip_address),
        user_agent=personal.seal(session, requester, (request.user_agent or "")[:400] or None),
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
            # How the signer proved who they were: the acknowledgements table is sealed,
            # so this lives in the event (and on the receipt), not in a new column.
            **(confirmed.details() if confirmed else {}),
        },
    )
    return ack


def record_signature(
    session: Session,
    *,
    person: Person,
    policy: Policy,
    version: PolicyVersion,
    method: SigningMethod,
    actor: Person,
    request: RequestDetails,
    confirmed: IdentityConfirmed | None = None,
    **evidence: str | None,
) -> Acknowledgement:
    """Append a signature, once: refused if one already stands, and always with a receipt.
    Every way of signing re-authenticates someone first (the person or the Clerk): the
    council's own safeguard, so a signature cannot be made from an unattended session."""
    check_not_signed(session, person, policy)
    ack = append_record(
        session,
        person=person,
        policy=policy,
        version=version,
        kind=RecordKind.SIGNED,
        method=method,
        actor=actor,
        reauthenticated=True,
        request=request,
        confirmed=confirmed,
        **evidence,
    )
    issue_receipt(session, ack, policy, version, confirmed)
    return ack


# Receipts -----------------------------------------------------------------------


def new_receipt_code() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread
    raw = "".join(secrets.choice(alphabet) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def issue_receipt(
    session: Session,
    ack: Acknowledgement,
    policy: Policy,
    version: PolicyVersion,
    confirmed: IdentityConfirmed | None = None,
) -> Receipt:
    """Render the PDF/A receipt once and keep its bytes, so any copy can be checked by hash.
    Receipts issued earlier keep the bytes they were issued with, whatever the template
    says now: a change to it reaches new receipts only."""
    code = new_receipt_code()
    actor = session.get(Person, ack.actor_id)
    pdf = render_receipt(
        ack,
        policy,
        code=code,
        actor_name=actor.name if actor else "",
        adopted_minute=version.adopted_minute,
        confirmed=confirmed,
    )
    receipt = Receipt(
        acknowledgement_id=ack.id, code=code, pdf=pdf, pdf_sha256=sha256(pdf), created_at=utcnow()
    )
    session.add(receipt)
    session.flush()
    return receipt
