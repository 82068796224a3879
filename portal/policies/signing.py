"""A person signs, or declines to sign, the policy in front of them.

The records themselves are written by records.py; the Clerk's records for someone
else (on their behalf, a witnessed paper form, a withdrawal) are in clerk_records.py.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from portal.auth.service import CouncilAccountProof, confirm_identity
from portal.errors import DomainError
from portal.people.models import Person
from portal.policies.models import Acknowledgement, Policy, PolicyVersion, RecordKind, SigningMethod
from portal.policies.records import (
    STATEMENT,
    AlreadySigned,
    RequestDetails,
    append_record,
    current_or_refuse,
    record_signature,
    sha256,
    statement_for,
)
from portal.policies.scope import applies_to

# Callers sign through this module; the evidence's building blocks stay reachable here.
__all__ = [
    "STATEMENT",
    "AlreadySigned",
    "RequestDetails",
    "decline",
    "names_match",
    "sha256",
    "sign",
    "statement_for",
    "wrong_name",
]


def names_match(typed: str, recorded: str) -> bool:
    """The typed name is the person's recorded name, ignoring case and spacing: the
    typed name is part of the evidence that the person themself signed."""
    return " ".join(typed.split()).casefold() == " ".join(recorded.split()).casefold()


def wrong_name(person: Person) -> str:
    return f"Type your full name exactly as the council has it: {person.name}"


def _check_current(policy: Policy, version_id: int) -> PolicyVersion:
    """Only the version in front of the person can be signed, and only if it is still
    current: a person must have read the wording they sign (the council's own rule)."""
    version = current_or_refuse(policy)
    if version.id != version_id:
        raise DomainError(
            "A newer version of this policy has been published since you opened the page. "
            "Read it before signing"
        )
    return version


def sign(
    session: Session,
    person: Person,
    policy: Policy,
    *,
    version_id: int,
    password: str = "",
    proof: CouncilAccountProof | None = None,
    typed_name: str,
    confirmed: bool,
    request: RequestDetails,
) -> Acknowledgement:
    """A person signs the current version of a policy that binds them, confirming who they
    are again (their password, or a fresh login to their council account:
    auth.confirmation), typing their name and confirming the statement. Who a policy binds is its
    Scope (Networking Policy, Scope; the Communication Policy for councillors); the signed
    statement names the route a breach takes for them and is what it is measured against.
    Scope is the version's: a councillor is never asked to sign a wording that excludes them."""
    version = _check_current(policy, version_id)
    if not applies_to(version, person):
        raise DomainError("This policy does not apply to you")
    if not names_match(typed_name, person.name):
        raise DomainError(wrong_name(person), field="typed_name")
    if not confirmed:
        raise DomainError("Tick the box to confirm the statement", field="confirm")
    # Last, once the rest is in order: a wrong password counts against the throttle.
    identity = confirm_identity(session, person, purpose="sign_policy", password=password, proof=proof)
    return record_signature(
        session,
        person=person,
        policy=policy,
        version=version,
        method=SigningMethod.SELF,
        actor=person,
        request=request,
        confirmed=identity,
        typed_name=" ".join(typed_name.split()),
    )


def decline(
    session: Session, person: Person, policy: Policy, *, version_id: int, reason: str, request: RequestDetails
) -> Acknowledgement:
    """A person bound by the policy (Networking Policy, Scope) may decline to sign the
    current version, but must say why, so the Town Clerk can follow it up; the Clerk sees
    declined policies on their home page. Recording a refusal is the council's own choice."""
    version = _check_current(policy, version_id)
    if not applies_to(version, person):
        raise DomainError("This policy does not apply to you")
    if not reason.strip():
        raise DomainError("Say why you are not signing, so the Town Clerk can follow it up", field="reason")
    return append_record(
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
