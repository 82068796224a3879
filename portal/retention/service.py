"""Applying the retention schedule, and reading it back.

Each feature registers its kinds (portal.tasks.RetentionKind) in the room where its
records live; this module only runs them in order and says what it did. One audit event
per kind and run, with the count only: which records went would itself be personal
data, and the records' own removal entries (disciplinary cases, breach records) already
say what each was.

A dry run does the same work inside a savepoint and rolls it back, so the counts it
prints are exactly what a real run would remove, on either database, and nothing changes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.audit.models import AuditEvent
from portal.audit.service import record

# Every kind registers itself when its module is imported; importing them here makes the
# schedule whole wherever it runs (the command, the daily job, the page).
from portal.auth import retention as _sign_in  # noqa: F401
from portal.authorisations import retention as _authorisations  # noqa: F401
from portal.breaches import tasks as _breaches  # noqa: F401
from portal.business_cases import retention as _cases  # noqa: F401
from portal.conduct import tasks as _conduct  # noqa: F401
from portal.information_requests import retention as _requests  # noqa: F401
from portal.outbox import retention as _outbox  # noqa: F401
from portal.people import tasks as _people  # noqa: F401
from portal.policies import retention as _acknowledgements  # noqa: F401
from portal.tasks import DailyJob, RetentionKind, add_daily_job, retention_kinds
from portal.training import retention as _attempts  # noqa: F401

APPLIED = "retention.applied"


@dataclass(frozen=True)
class Applied:
    kind: RetentionKind
    count: int


def run(session: Session, on: date, *, dry_run: bool) -> list[Applied]:
    """Applies every kind in turn (anything under a legal hold is never due: each kind
    keeps its own holds). Returns how many records of each kind were, or would be,
    removed, blanked or forgotten."""
    done = []
    for kind in retention_kinds():
        if dry_run:
            trial = session.begin_nested()
            count = kind.run(session, on)
            trial.rollback()
        else:
            count = kind.run(session, on)
            record(
                session,
                actor=None,
                action=APPLIED,
                object_type="retention",
                object_id=kind.name,
                details={"kind": kind.name, "count": count},
            )
        done.append(Applied(kind, count))
    session.flush()
    return done


@dataclass(frozen=True)
class Row:
    """One line of the schedule page."""

    kind: RetentionKind
    last_run: datetime | None
    last_count: int | None


def schedule(session: Session) -> list[Row]:
    """Every kind with its period and basis, and what its last run did: two queries."""
    latest = (
        select(func.max(AuditEvent.id))
        .where(AuditEvent.action == APPLIED, AuditEvent.object_type == "retention")
        .group_by(AuditEvent.object_id)
    )
    events = {
        event.object_id: event
        for event in session.scalars(select(AuditEvent).where(AuditEvent.id.in_(latest)))
    }
    rows = []
    for kind in retention_kinds():
        event = events.get(kind.name)
        count = json.loads(event.details).get("count") if event else None
        rows.append(Row(kind, event.occurred_at if event else None, count))
    return rows


def retention_job(session: Session, today: date) -> str:
    """The whole schedule, daily (UK GDPR Art. 5(1)(e))."""
    done = run(session, today, dry_run=False)
    return ", ".join(f"{item.count} {item.kind.name}" for item in done)


add_daily_job(DailyJob("retention schedule", retention_job))
