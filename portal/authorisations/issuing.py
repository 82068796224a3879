"""Issuing a written authorisation to post: the signed letter.

Posting for the council on social media takes a written authority that only the Mayor
or the Town Clerk can give (Networking Policy 3.2). The access table lets only those
two roles issue; the rules here add that the signer holds one of those roles in fact,
that nobody authorises themselves, and that the person has signed the policies and
passed the authorised poster module first.
"""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal.audit import personal
from portal.audit.service import record
from portal.auth.service import CouncilAccountProof, confirm_identity
from portal.clock import today
from portal.db import utcnow
from portal.errors import DomainError, NotFound
from portal.people.models import Department, Person, Role
from portal.policies.service import Status, statuses_for_people
from portal.references import next_reference
from portal.training.service import get_quiz, valid_completion

from . import messages
from .letters import render_letter
from .models import AuthorisationIssue, AuthorisationRequest, AuthorisationTerms
from .records import signatory_role, status_of
from .requests import POSTER_QUIZ


def missing_preconditions(session: Session, person: Person) -> list[str]:
    """What stops an authorisation being issued today, in words for the page.

    The person must still work for the council, have signed the current version of every
    policy assigned to them, and have passed the authorised poster module: the council's
    own conditions for the written authorisation of Networking Policy 3.2, so that nobody
    posts for the council without knowing its rules (3.2, 3.3)."""
    missing = []
    if not person.is_active:
        missing.append(f"{person.name} has left the council")
    for found in statuses_for_people(session, [person])[person.id]:
        if found.status != Status.CURRENT:
            missing.append(
                f"{person.name} has not signed the current {found.policy.title} "
                f"(version {found.version.label})"
            )
    try:
        quiz = get_quiz(session, POSTER_QUIZ)
    except NotFound:
        missing.append("The authorised poster module has not been loaded into the portal")
    else:
        if valid_completion(session, person, quiz, today()) is None:
            missing.append(f"{person.name} has not passed the {quiz.title} module")
    return missing


class PreconditionsUnmet(DomainError):
    def __init__(self, missing: list[str]) -> None:
        super().__init__("This authorisation cannot be issued yet")
        self.missing = missing


def signing_role(signer: Person) -> Role:
    """The role a signer issues an authorisation in: only the Mayor or the Town Clerk may
    authorise anyone to post for the council (Networking Policy 3.2)."""
    role = signatory_role(signer)
    if role is not None:
        return role
    raise DomainError("Only the Mayor or the Town Clerk can issue an authorisation to post")


def issue(
    session: Session,
    signer: Person,
    request: AuthorisationRequest,
    *,
    password: str = "",
    proof: CouncilAccountProof | None = None,
    typed_name: str,
    ip_address: str | None,
) -> AuthorisationIssue:
    """The Mayor or the Town Clerk authorises the person in writing (Networking Policy
    3.2): they confirm who they are again (their password, or a fresh login to their
    council account: auth.confirmation) and type their name, and the portal signs the
    letter, records it in the register and emails it to the person and to whoever asked.

    The signer's role is checked here as well as by the view's access rule, so that no
    other caller (a command, a job, a future view) can issue in anyone else's name. That
    nobody authorises themselves, and the preconditions (`missing_preconditions`), are
    the council's own rules. Issuing twice gives one result."""
    role = signing_role(signer)
    if request.issue is not None:
        return request.issue
    if status_of(request) != "requested":
        raise DomainError(f"This request has been {status_of(request)}, so it cannot be issued")
    if request.person_id == signer.id:
        raise DomainError("Nobody can authorise themselves. Ask the other signatory")
    confirmed = confirm_identity(
        session, signer, purpose="issue_authorisation", password=password, proof=proof
    )
    if " ".join(typed_name.split()).casefold() != " ".join(signer.name.split()).casefold():
        raise DomainError(
            f"Type your full name exactly as the council has it: {signer.name}", field="typed_name"
        )
    missing = missing_preconditions(session, request.person)
    if missing:
        raise PreconditionsUnmet(missing)
    now = utcnow()
    code = secrets.token_urlsafe(18)  # 144 random bits: not guessable, not enumerable
    reference = next_reference(session, AuthorisationIssue.reference, "PA", now)
    department = (
        session.get(Department, request.person.department_id) if request.person.department_id else None
    )
    pdf = render_letter(
        request,
        reference=reference,
        code=code,
        signer_name=signer.name,
        signer_role=role.label,
        signed_at=now,
        department=department.name if department else "",
    )
    issued = AuthorisationIssue(
        request_id=request.id,
        reference=reference,
        verification_code=code,
        signed_by_id=signer.id,
        signer_name=signer.name,
        signer_role=role.value,
        typed_name=" ".join(typed_name.split()),
        signed_at=now,
        ip_address=personal.seal(session, personal.person_key(signer.id), ip_address),
        letter_pdf=pdf,
        letter_sha256=hashlib.sha256(pdf).hexdigest(),
    )
    try:
        with session.begin_nested():  # a savepoint: a clash leaves the request's transaction usable
            session.add(issued)
            session.flush()
    except IntegrityError:
        raise DomainError("This authorisation has just been issued by the other signatory") from None
    request.issue = issued
    session.add(
        AuthorisationTerms(
            issue_id=issued.id,
            person_name=request.person.name,
            channels="\n".join(channel.label for channel in request.channels),
            scope=request.scope,
            conditions=request.conditions,
            starts_on=request.starts_on,
            ends_on=request.ends_on,
        )
    )
    record(
        session,
        actor=signer,
        action="authorisations.issued",
        object_type="authorisation",
        object_id=request.id,
        details={
            "reference": reference,
            "person_id": request.person_id,
            "letter_sha256": issued.letter_sha256,
            # How the signer proved who they were (auth.confirmation): the issue row is sealed.
            **confirmed.details(),
        },
    )
    # The letter is the authorisation, so the person and whoever asked get it with the notice.
    messages.authorisation_issued(session, request, f"{reference}.pdf", pdf)
    return issued
