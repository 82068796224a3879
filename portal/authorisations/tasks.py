"""Authorisation notices for the daily reminders run (one ending soon is announced), and
home-page tasks: for the Mayor and the Town Clerk, each request waiting for their
decision; for the Town Clerk, each channel whose basis was never recorded, and the policy
that lists the channels to review after the register changes (channels_policy.py)."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from flask import url_for
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.access import can
from portal.outbox.service import Message, day_text, portal_path, queue
from portal.people.models import Person
from portal.tasks import NOTICE_SOURCES, TASK_SOURCES, Task

from .channels import channels_needing_basis
from .channels_policy import channel_change_notices, review_tasks
from .models import AuthorisationRequest
from .register import register

# How long before an authorisation ends its holder and requester are told (the council's
# own choice: long enough to ask for a renewal and have it issued).
EXPIRY_NOTICE_DAYS = 30


def expiry_notices(session: Session, today: date) -> Counter[str]:
    """Posting authorisations ending within EXPIRY_NOTICE_DAYS, announced to the person and
    whoever asked for them, so a renewal can be sought before posting must stop (the
    written authorisation to post, Networking Policy 3.2); the notice period is the
    council's own choice."""
    counts: Counter[str] = Counter()
    expiring = register(session, today, ending_by=today + timedelta(days=EXPIRY_NOTICE_DAYS))
    for request in expiring:
        for recipient in {
            request.person.id: request.person,
            request.requested_by.id: request.requested_by,
        }.values():
            if queue(
                session,
                recipient,
                "authorisation_expiring",
                Message(
                    f"Authorisation {request.issued_reference} ends on {day_text(request.ends_on)}",
                    [
                        f"The written authorisation for {request.person.name} to post for the council "
                        f"ends on {day_text(request.ends_on)}. Ask for a renewal in good time if needed.",
                    ],
                    "See the authorisation",
                    portal_path("authorisations.show", request_id=request.id),
                ),
                dedupe_key=f"authorisation-expiring:{request.id}:{request.ends_on.isoformat()}:{recipient.id}",
            ):
                counts["expiring"] += 1
    return counts


def basis_tasks(session: Session, person: Person) -> list[Task]:
    """Whoever keeps the register: each active channel registered before revision 0019
    with no basis, until the council's decision behind it is recorded (a department's
    channel comes from its business case, Networking Policy 3.4; the council's own
    channels from the council)."""
    if not can(person, "manage_channels"):
        return []
    return [
        Task(
            f"Record the council's decision for the channel {channel.label}",
            url_for("authorisations.channel_basis", channel_id=channel.id),
        )
        for channel in channels_needing_basis(session)
    ]


# Up to this many requests waiting are listed one by one; beyond it, one task for them all.
REQUESTS_LISTED = 5


def decision_tasks(session: Session, person: Person) -> list[Task]:
    """The Mayor and the Town Clerk: each request waiting for a decision, since only they
    can authorise anyone to post for the council (Networking Policy 3.2); never one for
    themselves, as nobody authorises themselves. One query, however many are waiting."""
    if not can(person, "issue_posting_authorisation"):
        return []
    rows = session.execute(
        select(AuthorisationRequest.id, Person.name, func.count().over().label("waiting"))
        .join(Person, Person.id == AuthorisationRequest.person_id)
        .where(
            ~AuthorisationRequest.issue.has(),
            ~AuthorisationRequest.decline.has(),
            AuthorisationRequest.person_id != person.id,
        )
        .order_by(AuthorisationRequest.id)
        .limit(REQUESTS_LISTED + 1)
    ).all()
    if len(rows) > REQUESTS_LISTED:
        return [
            Task(
                f"Decide {rows[0].waiting} requests for authorisations to post for the council",
                url_for("authorisations.requests", status="requested"),
            )
        ]
    return [
        Task(
            f"Decide the request to authorise {row.name} to post for the council",
            url_for("authorisations.show", request_id=row.id),
        )
        for row in rows
    ]


NOTICE_SOURCES.extend([expiry_notices, channel_change_notices])
TASK_SOURCES.extend([basis_tasks, review_tasks, decision_tasks])
