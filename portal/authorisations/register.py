"""The register of who may post for the council, expiry, and public verification.

Networking Policy 3.2 makes a written authorisation from the Mayor or the Town Clerk
the only way to post for the council; the register is where anyone checks who holds
one today, and a letter's code is how someone outside the council checks that letter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TypeVarTuple

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from portal.audit.seal import SealedRecord
from portal.clock import today
from portal.db import Paged, paginate
from portal.people.models import Person
from portal.policies.service import end_of_day

from .models import (
    AuthorisationDecline,
    AuthorisationIssue,
    AuthorisationRequest,
    AuthorisationRevocation,
    AuthorisationTerms,
)
from .records import get_request, named_like, starts_later, status_from, status_of, with_everything

# Whatever a query selects, `_in_force` keeps it.
Ts = TypeVarTuple("Ts")


@dataclass(frozen=True)
class Standing:
    status: str  # as status_of, or "not_started": issued, for a term not yet begun
    starts_on: date


def latest_status_by_person(session: Session, on: date) -> dict[int, Standing]:
    """Each person's most recent request and where it stands, in one query of plain
    rows: the compliance overview needs this for thousands of people, and loading each
    request with its issue, decline and revocation costs a query per 500 requests.

    An issued letter whose term has not begun is not yet in force: nobody may post under
    it before its start date (Networking Policy 3.2; see starts_later)."""
    rows = session.execute(
        select(
            AuthorisationRequest.person_id,
            AuthorisationRequest.starts_on,
            AuthorisationRequest.ends_on,
            AuthorisationIssue.id.is_not(None).label("issued"),
            AuthorisationDecline.id.is_not(None).label("declined"),
            AuthorisationRevocation.id.is_not(None).label("revoked"),
        )
        .outerjoin(AuthorisationIssue, AuthorisationIssue.request_id == AuthorisationRequest.id)
        .outerjoin(AuthorisationDecline, AuthorisationDecline.request_id == AuthorisationRequest.id)
        .outerjoin(AuthorisationRevocation, AuthorisationRevocation.request_id == AuthorisationRequest.id)
        .order_by(AuthorisationRequest.id)
    )
    found = {}
    for r in rows:
        status = status_from(
            revoked=r.revoked, issued=r.issued, declined=r.declined, ends_on=r.ends_on, on=on
        )
        found[r.person_id] = Standing(
            "not_started" if status == "issued" and on < r.starts_on else status, r.starts_on
        )
    return found


def status_on(request: AuthorisationRequest, on: date) -> str:
    """What an authorisation was on a past day, by the end of that day: for evidence.

    Valid only if it was issued by then, not yet revoked, and that day fell within its
    term: the written authorisation of Networking Policy 3.2, with the council's own
    rule that it runs for stated dates."""
    cutoff = end_of_day(on)
    if request.issue is None or request.issue.signed_at >= cutoff:
        return "not issued"
    if request.revocation is not None and request.revocation.revoked_at < cutoff:
        return "revoked"
    if on < request.starts_on:
        return "not yet started"
    return "expired" if on > request.ends_on else "valid"


def _in_force(query: Select[*Ts], on: date, ending_by: date | None) -> Select[*Ts]:
    """Issued, not revoked, and running on `on` (ending by `ending_by` if given)."""
    query = (
        query.join(AuthorisationIssue, AuthorisationIssue.request_id == AuthorisationRequest.id)
        .where(~AuthorisationRequest.revocation.has())
        .where(AuthorisationRequest.starts_on <= on, AuthorisationRequest.ends_on >= on)
        .order_by(AuthorisationRequest.ends_on, AuthorisationRequest.id)
    )
    return query if ending_by is None else query.where(AuthorisationRequest.ends_on <= ending_by)


def register(
    session: Session, on: date | None = None, *, ending_by: date | None = None, search: str = ""
) -> list[AuthorisationRequest]:
    """Who may speak for the council today, on which channels, until when; with
    `ending_by`, only those whose authorisation ends by then; with `search`, only people
    whose name contains it (the register's export gives all that its filter selects).

    Only authorisations issued in writing, not revoked and within their dates are in
    force (Networking Policy 3.2)."""
    query = named_like(select(AuthorisationRequest).options(*with_everything()), search)
    return list(session.scalars(_in_force(query, on or today(), ending_by)))


def register_page(session: Session, *, search: str = "", page: int = 1) -> Paged:
    """One page (portal.db.PAGE_SIZE) of the register, as `register`, in a fixed number
    of queries however many people may post."""
    query = _in_force(named_like(select(AuthorisationRequest), search), today(), None)
    return paginate(session, query, page, *with_everything())


def holds_authorisation(session: Session, person_id: int, on: date | None = None) -> bool:
    """Whether the person may post for the council on `on` (today): one query, for a page
    shown to everyone that speaks to posters alone (the pre-election banner)."""
    query = select(AuthorisationRequest.id).where(AuthorisationRequest.person_id == person_id)
    return session.scalar(_in_force(query, on or today(), None).limit(1)) is not None


@dataclass(frozen=True)
class Ending:
    person_id: int
    person_name: str
    reference: str
    ends_on: date


def ending_soon(session: Session, on: date, ending_by: date) -> list[Ending]:
    """Authorisations in force that end by `ending_by`, as plain rows for the overview."""
    query = select(
        AuthorisationRequest.person_id,
        Person.name,
        AuthorisationIssue.reference,
        AuthorisationRequest.ends_on,
    ).join(Person, Person.id == AuthorisationRequest.person_id)
    return [Ending(*row) for row in session.execute(_in_force(query, on, ending_by))]


def by_code(session: Session, code: str) -> AuthorisationRequest | None:
    """The authorisation a letter's verification code names, for the public check; None
    for a code that cannot be one, without asking the database."""
    if not code or len(code) > 60:
        return None
    issued = session.scalar(
        select(AuthorisationIssue.request_id).where(AuthorisationIssue.verification_code == code)
    )
    return get_request(session, issued) if issued is not None else None


@dataclass(frozen=True)
class PublicCheck:
    """What the public check of a letter shows. `status` is issued, not_started (genuine,
    but its term has not begun), expired, revoked, or unconfirmed: a record behind the
    letter no longer matches its keyed seal, so the portal will not vouch for it."""

    status: str
    person_name: str
    channels: list[str]
    starts_on: date
    ends_on: date


def public_check(session: Session, code: str) -> PublicCheck | None:
    """A letter checked by its code, from what was sealed when it was signed: the issue,
    its terms and any revocation, never the request's editable columns (DESIGN.md, threat
    model). Letters issued before terms were kept (migration 0018) are read from the
    request, as they always were."""
    request = by_code(session, code)
    if request is None or request.issue is None:
        return None
    terms = session.scalar(select(AuthorisationTerms).where(AuthorisationTerms.issue_id == request.issue.id))
    if terms is None:
        return PublicCheck(
            "not_started" if starts_later(request) else status_of(request),
            request.person.name,
            [c.label for c in request.channels],
            request.starts_on,
            request.ends_on,
        )
    sealed: list[SealedRecord] = [request.issue, terms, *([request.revocation] if request.revocation else [])]
    if any(record.seal_problem() is not None for record in sealed):
        status = "unconfirmed"
    elif request.revocation is not None:
        status = "revoked"
    elif today() > terms.ends_on:
        status = "expired"
    else:
        # Only the Mayor or the Town Clerk's letter authorises, and only for its dates
        # (Networking Policy 3.2): before its start date it is genuine but not yet in force.
        status = "not_started" if today() < terms.starts_on else "issued"
    return PublicCheck(status, terms.person_name, terms.channels.splitlines(), terms.starts_on, terms.ends_on)
