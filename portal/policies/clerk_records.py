"""The Town Clerk's records for someone else: a signature on their behalf, a paper form
signed in front of a witness, and the withdrawal of a signature.

Each is made by the Clerk (access rule `record_acknowledgement`), names the Clerk as
the actor beside the person, and is written through records.py like any other.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.auth.service import CouncilAccountProof, IdentityConfirmed, confirm_identity
from portal.errors import DomainError, NotFound
from portal.people.models import Person
from portal.policies.library import get_policy
from portal.policies.models import (
    Acknowledgement,
    PaperScan,
    Policy,
    PolicyVersion,
    RecordKind,
    SigningMethod,
)
from portal.policies.records import (
    RequestDetails,
    append_record,
    current_or_refuse,
    record_signature,
    sha256,
)
from portal.policies.scans import check_scan
from portal.policies.scope import applies_to


def _check_third_party(
    session: Session,
    clerk: Person,
    person: Person,
    policy: Policy,
    version: PolicyVersion,
    clerk_password: str,
    *,
    purpose: str = "sign_on_behalf",
    proof: CouncilAccountProof | None = None,
) -> IdentityConfirmed:
    """The Clerk records only for someone else whom the version binds (its Scope, as data
    on the version: Networking Policy, Scope), after confirming who they are again: their
    own password, or a fresh login to their council account (the council's own safeguard;
    auth.confirmation)."""
    if clerk.id == person.id:
        raise DomainError("Sign your own acknowledgement from the policy's page")
    if not applies_to(version, person):
        raise DomainError(f"The {policy.title} does not apply to {person.name}")
    return confirm_identity(session, clerk, purpose=purpose, password=clerk_password, proof=proof)


def sign_on_behalf(
    session: Session,
    clerk: Person,
    person: Person,
    policy: Policy,
    *,
    clerk_password: str = "",
    proof: CouncilAccountProof | None = None,
    reason: str,
    request: RequestDetails,
) -> Acknowledgement:
    """The Clerk records a signature for someone else, with a written reason on record.
    The council's own procedure, for people who cannot sign online themselves."""
    version = current_or_refuse(policy)
    confirmed = _check_third_party(session, clerk, person, policy, version, clerk_password, proof=proof)
    if not reason.strip():
        raise DomainError("Write the reason for signing on their behalf", field="reason")
    return record_signature(
        session,
        person=person,
        policy=policy,
        version=version,
        method=SigningMethod.ON_BEHALF,
        actor=clerk,
        request=request,
        confirmed=confirmed,
        reason=reason.strip(),
    )


def record_paper(
    session: Session,
    clerk: Person,
    person: Person,
    policy: Policy,
    *,
    clerk_password: str = "",
    proof: CouncilAccountProof | None = None,
    witness_name: str,
    signed_on: str,
    scan_name: str,
    scan: bytes,
    request: RequestDetails,
) -> Acknowledgement:
    """The Clerk records a paper form signed in front of a named witness, with its scan
    kept as evidence (for people without an account; the council's own procedure).

    The scan is accepted by what its content is (see scans.py), whatever it was called."""
    version = current_or_refuse(policy)
    confirmed = _check_third_party(
        session, clerk, person, policy, version, clerk_password, purpose="record_paper", proof=proof
    )
    if not witness_name.strip():
        raise DomainError("Enter the name of the witness", field="witness_name")
    checked = check_scan(scan_name, scan)
    ack = record_signature(
        session,
        person=person,
        policy=policy,
        version=version,
        method=SigningMethod.WITNESSED_PAPER,
        actor=clerk,
        request=request,
        confirmed=confirmed,
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


def signature_to_withdraw(session: Session, ack_id: int) -> tuple[Acknowledgement, Policy]:
    """The record a withdrawal would concern, with its policy; not found if there is none."""
    ack = session.get(Acknowledgement, ack_id)
    if ack is None:
        raise NotFound("No such acknowledgement")
    version = session.get(PolicyVersion, ack.version_id)
    assert version is not None
    policy = session.get(Policy, version.policy_id)
    assert policy is not None
    return ack, get_policy(session, policy.slug)  # with its versions, which the checks read


def withdraw(
    session: Session,
    clerk: Person,
    ack: Acknowledgement,
    policy: Policy,
    *,
    reason: str,
    request: RequestDetails,
) -> Acknowledgement:
    """Withdraw a signature (for example one recorded by mistake), with a written reason;
    the person is then asked to sign again. The original stays and the withdrawal is a
    new record: records are append-only (the council's own rule, DESIGN.md)."""
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
    return append_record(
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
