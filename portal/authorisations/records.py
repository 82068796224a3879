"""Finding authorisation requests, saying where each stands, and who may see them."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.interfaces import LoaderOption

from portal.access import can
from portal.clock import today
from portal.errors import NotFound
from portal.people.models import Person

from .models import AuthorisationIssue, AuthorisationRequest


def status_of(request: AuthorisationRequest, on: date | None = None) -> str:
    """requested, declined, issued, revoked or expired."""
    return status_from(
        revoked=request.revocation is not None,
        issued=request.issue is not None,
        declined=request.decline is not None,
        ends_on=request.ends_on,
        on=on or today(),
    )


def status_from(*, revoked: bool, issued: bool, declined: bool, ends_on: date, on: date) -> str:
    """The status from plain facts, so that a query of rows can share the rule with
    `status_of`: a revocation outranks everything, and an issued one lapses after its end."""
    if revoked:
        return "revoked"
    if issued:
        return "expired" if on > ends_on else "issued"
    if declined:
        return "declined"
    return "requested"


def with_everything() -> list[LoaderOption]:
    """What every page about a request shows, loaded up front (relationships raise)."""
    return [
        selectinload(AuthorisationRequest.person).selectinload(Person.role_grants),
        selectinload(AuthorisationRequest.requested_by),
        selectinload(AuthorisationRequest.channels),
        # The letter itself is loaded only when it is downloaded.
        selectinload(AuthorisationRequest.issue).defer(AuthorisationIssue.letter_pdf),
        selectinload(AuthorisationRequest.decline),
        selectinload(AuthorisationRequest.revocation),
    ]


def get_request(session: Session, request_id: int) -> AuthorisationRequest:
    found = session.scalar(
        select(AuthorisationRequest).options(*with_everything()).where(AuthorisationRequest.id == request_id)
    )
    if found is None:
        raise NotFound("No such authorisation")
    return found


def _sees_every_request(viewer: Person) -> bool:
    return can(viewer, "issue_posting_authorisation") or can(viewer, "revoke_posting_authorisation")


def may_see(viewer: Person, request: AuthorisationRequest) -> bool:
    """A request is seen by the person it names, whoever asked for it, and the signatories
    who decide it: the council's own need-to-know choice. (The register that all staff
    see lists only the authorisations in force.)"""
    return viewer.id in (request.person_id, request.requested_by_id) or _sees_every_request(viewer)


def requests_for(session: Session, viewer: Person) -> list[AuthorisationRequest]:
    """The requests a person may see (as `may_see`), newest first."""
    query = select(AuthorisationRequest).options(*with_everything()).order_by(AuthorisationRequest.id.desc())
    if not _sees_every_request(viewer):
        query = query.where(
            (AuthorisationRequest.requested_by_id == viewer.id)
            | (AuthorisationRequest.person_id == viewer.id)
        )
    return list(session.scalars(query))


def authorisations_of(session: Session, person: Person) -> list[AuthorisationRequest]:
    query = (
        select(AuthorisationRequest)
        .options(*with_everything())
        .where(AuthorisationRequest.person_id == person.id)
    )
    return list(session.scalars(query.order_by(AuthorisationRequest.id)))
