"""Withdrawing a written authorisation to post, by a signatory or because its holder left."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.audit.service import record
from portal.auth.service import CouncilAccountProof, IdentityConfirmed, confirm_identity
from portal.db import utcnow
from portal.errors import DomainError
from portal.people.models import Person

from . import messages
from .models import AuthorisationRequest, AuthorisationRevocation
from .records import get_request, status_of, with_everything


def revoke(
    session: Session,
    actor: Person,
    request: AuthorisationRequest,
    reason: str,
    *,
    password: str = "",
    proof: CouncilAccountProof | None = None,
) -> AuthorisationRevocation:
    """Withdraw an issued authorisation at once, with the reason on record, and tell the
    person and whoever asked for it. What the Mayor or the Town Clerk authorise in
    writing they can withdraw (Networking Policy 3.2); the access table lets only they
    revoke, and they confirm who they are again first, as they did to issue it
    (auth.confirmation). Revoking twice gives one result."""
    if request.revocation is not None:
        return request.revocation
    if not reason.strip():
        raise DomainError("Give the reason for revoking it", field="reason")
    confirmed = confirm_identity(
        session, actor, purpose="revoke_authorisation", password=password, proof=proof
    )
    revocation = _withdraw(session, actor, request, reason, confirmed)
    # Reloaded with everything the notice names: the caller's copy may lack the people.
    messages.authorisation_revoked(session, get_request(session, request.id), reason)
    return revocation


def revoke_for_leaver(session: Session, actor: Person, person: Person) -> None:
    """When someone leaves, every authorisation of theirs still in force ends with them:
    the council's own rule, so that the register of who may post for it (Networking
    Policy 3.2) never names someone who has gone. They end without the revocation
    notice, as they always have: the leaver gets no more mail from the portal."""
    for request in session.scalars(
        select(AuthorisationRequest)
        .options(*with_everything())
        .where(AuthorisationRequest.person_id == person.id)
    ):
        if status_of(request) == "issued":
            _withdraw(session, actor, request, f"{person.name} left the council")


def _withdraw(
    session: Session,
    actor: Person | None,
    request: AuthorisationRequest,
    reason: str,
    confirmed: IdentityConfirmed | None = None,
) -> AuthorisationRevocation:
    if request.revocation is not None:
        return request.revocation
    if request.issue is None:
        raise DomainError("Only an issued authorisation can be revoked")
    if not reason.strip():
        raise DomainError("Give the reason for revoking it", field="reason")
    revocation = AuthorisationRevocation(
        request_id=request.id,
        revoked_by_id=actor.id if actor else None,
        revoked_at=utcnow(),
        reason=reason.strip(),
    )
    session.add(revocation)
    session.flush()
    request.revocation = revocation
    record(
        session,
        actor=actor,
        action="authorisations.revoked",
        object_type="authorisation",
        object_id=request.id,
        details={"reference": request.issue.reference, **(confirmed.details() if confirmed else {})},
        personal_details={"reason": revocation.reason},
        personal_of=request.person_id,
    )
    return revocation
