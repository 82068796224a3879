"""Posting authorisations in the retention schedule (UK GDPR Art. 5(1)(e)).

An authorisation is the council's evidence of what a person was allowed to post for it
(Networking Policy 3.2), which a claim about a post (defamation, copyright, contract)
may need: it is kept `authorisations` months (default 72: Limitation Act 1980 ss. 2 and
5) after it ended: declined, on the day of the decline; issued, on the day it ended or
was revoked, whichever came first. A request never decided goes with its holder's other
records once they have left (people.service.leavers_due).

The issue, its terms, a decline and a revocation are append-only: on PostgreSQL only the
owner's purge_authorisations (migration 0029) deletes them, judging from those sealed
rows, not the editable request.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, selectinload

from portal.clock import add_months, london_date
from portal.people.service import leavers_due
from portal.tasks import RetentionKind, add_retention_kind, kept_months, owner_purge

from .models import (
    AuthorisationDecline,
    AuthorisationIssue,
    AuthorisationRequest,
    AuthorisationRevocation,
    AuthorisationTerms,
    request_channels,
)


def ended_on(request: AuthorisationRequest, terms: AuthorisationTerms | None) -> date | None:
    """The day an authorisation stopped counting; None while it still does, or while a
    request waits for a decision."""
    if request.decline is not None:
        return london_date(request.decline.declined_at)
    if request.issue is None or terms is None:
        return None
    if request.revocation is not None:
        return min(london_date(request.revocation.revoked_at), terms.ends_on)
    return terms.ends_on


def _due(session: Session, on: date, months: int) -> list[int]:
    requests = session.scalars(
        select(AuthorisationRequest)
        .options(
            selectinload(AuthorisationRequest.decline),
            selectinload(AuthorisationRequest.issue),
            selectinload(AuthorisationRequest.revocation),
        )
        .order_by(AuthorisationRequest.id)
    ).all()
    terms = {t.issue_id: t for t in session.scalars(select(AuthorisationTerms))}
    gone = set(leavers_due(session, "authorisations", on, months))
    due = []
    for request in requests:
        end = ended_on(request, terms.get(request.issue.id) if request.issue else None)
        undecided = request.decline is None and request.issue is None
        if (end is not None and add_months(end, months) < on) or (undecided and request.person_id in gone):
            due.append(request.id)
    return due


def remove_authorisations(session: Session, on: date) -> int:
    months = kept_months("authorisations")
    if (done := owner_purge(session, "purge_authorisations", months)) is not None:
        return done
    due = _due(session, on, months)
    if due:
        issues = select(AuthorisationIssue.id).where(AuthorisationIssue.request_id.in_(due))
        session.execute(
            update(AuthorisationRequest).where(AuthorisationRequest.renews_id.in_(due)).values(renews_id=None)
        )
        session.execute(delete(AuthorisationTerms).where(AuthorisationTerms.issue_id.in_(issues)))
        for model in (AuthorisationRevocation, AuthorisationIssue, AuthorisationDecline):
            session.execute(delete(model).where(model.request_id.in_(due)))
        session.execute(delete(request_channels).where(request_channels.c.request_id.in_(due)))
        session.execute(delete(AuthorisationRequest).where(AuthorisationRequest.id.in_(due)))
        session.expire_all()
    return len(due)


add_retention_kind(
    RetentionKind(
        name="authorisations",
        title="Posting authorisations: requests, letters, terms, declines and revocations",
        period=lambda: f"{kept_months('authorisations')} months after it ended, was revoked or was declined",
        basis=(
            "Evidence of what the person was allowed to post (Networking Policy 3.2), kept while a claim "
            "about a post can be brought (Limitation Act 1980 ss. 2 and 5)"
        ),
        how="Deleted (on PostgreSQL only by the owner's function for this kind)",
        run=remove_authorisations,
        order=50,
    )
)
