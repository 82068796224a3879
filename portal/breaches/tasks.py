"""Home page tasks (records to handle) and breach records in the retention schedule."""

from __future__ import annotations

from datetime import date

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.people.models import Person
from portal.tasks import PEOPLE_KEPT, TASK_SOURCES, RetentionKind, Task, add_retention_kind

from . import retention
from .models import BreachRecord


def handling_tasks(session: Session, person: Person) -> list[Task]:
    rows = session.execute(
        select(BreachRecord.reference, BreachRecord.id)
        .where(BreachRecord.handler_id == person.id, BreachRecord.status == "open")
        .order_by(BreachRecord.id)
    )
    return [
        Task(f"Handle breach record {reference}", url_for("breaches.show", record_id=record_id))
        for reference, record_id in rows
    ]


def remove_due_records(session: Session, today: date) -> int:
    """The retention schedule for breach records (UK GDPR Art. 5(1)(e)): see retention.run."""
    return len(retention.run(session, today, retention.configured_months(), dry_run=False))


def people_with_records(session: Session) -> set[int]:
    """Everyone a breach record is still kept about: their other records wait for it."""
    return set(session.scalars(select(BreachRecord.subject_id).distinct()))


TASK_SOURCES.append(handling_tasks)
PEOPLE_KEPT.append(people_with_records)
add_retention_kind(
    RetentionKind(
        name="breach_records",
        title="Breach records of councillors, volunteers, agency and other staff, with their evidence",
        period=lambda: f"{retention.configured_months()} months after the record is closed",
        basis="A claim in contract or tort can be brought for six years (Limitation Act 1980 ss. 2 and 5)",
        how="Deleted with their evidence, and their key deleted so their audit events say nothing",
        run=remove_due_records,
        order=70,
    )
)
