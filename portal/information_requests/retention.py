"""Information request logs in the retention schedule (UK GDPR Art. 5(1)(e)).

An answered request is kept `information_requests` months (default 36) after the answer
was recorded: long enough for an internal review and a complaint to the Information
Commissioner and the Tribunal after it (FOIA ss. 45 and 50; the section 46 Code of
Practice on records management asks for a schedule). Open requests are never due. The
request's words, requester and notes are sealed under its key, which goes with it, so
its audit events say nothing afterwards.

On PostgreSQL only the owner's purge_information_requests (migration 0029) deletes the
key, dating each request from its "answered" audit event rather than the editable row.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from portal.audit.forgetting import forget
from portal.audit.models import AuditEvent
from portal.clock import add_months, london_date
from portal.tasks import RetentionKind, add_retention_kind, kept_months, owner_purge

from .models import InformationRequest
from .need_to_know import OBJECT_TYPE


def _due(session: Session, on: date, months: int) -> list[str]:
    answered = dict(
        session.execute(
            select(AuditEvent.object_id, func.max(AuditEvent.occurred_at))
            .where(AuditEvent.object_type == OBJECT_TYPE, AuditEvent.action == "information.answered")
            .group_by(AuditEvent.object_id)
        ).all()
    )
    closed = session.scalars(
        select(InformationRequest.audit_reference)
        .where(InformationRequest.status == "answered")
        .order_by(InformationRequest.id)
    )
    return [
        name for name in closed if name in answered and add_months(london_date(answered[name]), months) < on
    ]


def remove_requests(session: Session, on: date) -> int:
    months = kept_months("information_requests")
    if (done := owner_purge(session, "purge_information_requests", months)) is not None:
        return done
    due = _due(session, on, months)
    if due:
        session.execute(delete(InformationRequest).where(InformationRequest.audit_reference.in_(due)))
        forget(session, due)
        session.expire_all()
    return len(due)


add_retention_kind(
    RetentionKind(
        name="information_requests",
        title="Information requests: FOI, EIR, subject access, complaints and others, with their handling",
        period=lambda: f"{kept_months('information_requests')} months after the answer",
        basis=(
            "Long enough for an internal review and a complaint to the Information Commissioner "
            "(FOIA ss. 45 and 50; UK GDPR Art. 77)"
        ),
        how="Deleted with its key, so its audit events say nothing",
        run=remove_requests,
        order=58,
    )
)
