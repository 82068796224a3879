"""Finding authorisation requests, saying where each stands, and who may see them."""

from __future__ import annotations

from datetime import date
from typing import TypeVarTuple

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.interfaces import LoaderOption

from portal.access import can
from portal.clock import today
from portal.db import Paged, paginate
from portal.errors import NotFound
from portal.people.models import Person, Role

from .models import AuthorisationIssue, AuthorisationRequest

# Whatever a query selects, these filters keep it.
Ts = TypeVarTuple("Ts")

# Only these roles may authorise anyone to post for the council (Networking Policy 3.2),
# in order of preference: someone who is both is recorded as the Town Clerk, the officer
# answerable for the register, so that the same person always signs as one role.
SIGNING_ROLES = (Role.TOWN_CLERK, Role.MAYOR)


def signatory_role(person: Person) -> Role | None:
    """The role a person would sign an authorisation in, or None if they cannot sign one."""
    return next((role for role in SIGNING_ROLES if role in person.roles), None)


# The statuses the list of requests can be narrowed to, in the order the filter offers them.
REQUEST_STATUSES = ("requested", "issued", "expired", "declined", "revoked")


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


def starts_later(request: AuthorisationRequest, on: date | None = None) -> bool:
    """Issued and not revoked, but its term has not begun: the letter is genuine, yet
    nobody may post under it before its start date (Networking Policy 3.2 authorises in
    writing, and the letter states the dates it runs for)."""
    return status_of(request, on) == "issued" and (on or today()) < request.starts_on


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


def _visible_to(query: Select[*Ts], viewer: Person) -> Select[*Ts]:
    if _sees_every_request(viewer):
        return query
    return query.where(
        (AuthorisationRequest.requested_by_id == viewer.id) | (AuthorisationRequest.person_id == viewer.id)
    )


def requests_for(session: Session, viewer: Person) -> list[AuthorisationRequest]:
    """The requests a person may see (as `may_see`), newest first."""
    query = select(AuthorisationRequest).options(*with_everything()).order_by(AuthorisationRequest.id.desc())
    return list(session.scalars(_visible_to(query, viewer)))


def named_like(query: Select[*Ts], search: str) -> Select[*Ts]:
    """Only requests for someone whose name contains `search` (any case)."""
    if not search.strip():
        return query
    pattern = f"%{search.strip().lower()}%"
    return query.where(
        AuthorisationRequest.person_id.in_(select(Person.id).where(func.lower(Person.name).like(pattern)))
    )


def with_status(query: Select[*Ts], status: str, on: date) -> Select[*Ts]:
    """Only requests that stand at `status` on `on` (as `status_from`, in SQL)."""
    revoked = AuthorisationRequest.revocation.has()
    issued = AuthorisationRequest.issue.has()
    conditions = {
        "revoked": [revoked],
        "issued": [~revoked, issued, AuthorisationRequest.ends_on >= on],
        "expired": [~revoked, issued, AuthorisationRequest.ends_on < on],
        "declined": [~revoked, ~issued, AuthorisationRequest.decline.has()],
        "requested": [~revoked, ~issued, ~AuthorisationRequest.decline.has()],
    }
    return query.where(*conditions[status]) if status in conditions else query


def requests_page(
    session: Session, viewer: Person, *, search: str = "", status: str = "", page: int = 1
) -> Paged:
    """One page (portal.db.PAGE_SIZE) of the requests a person may see (as `may_see`),
    newest first, narrowed by the person's name and by status, so that the Mayor and the
    Town Clerk find what waits for their written decision (Networking Policy 3.2): a fixed
    number of queries however many there are."""
    query = select(AuthorisationRequest).order_by(AuthorisationRequest.id.desc())
    query = with_status(named_like(_visible_to(query, viewer), search), status, today())
    return paginate(session, query, page, *with_everything())


def authorisations_of(session: Session, person: Person) -> list[AuthorisationRequest]:
    query = (
        select(AuthorisationRequest)
        .options(*with_everything())
        .where(AuthorisationRequest.person_id == person.id)
    )
    return list(session.scalars(query.order_by(AuthorisationRequest.id)))
