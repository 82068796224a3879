"""Home page tasks (records to handle) and the daily retention job for breach records."""

from __future__ import annotations

from datetime import date

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.people.models import Person
from portal.tasks import TASK_SOURCES, DailyJob, Task, add_daily_job

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


def retention_job(session: Session, today: date) -> str:
    """The retention schedule for breach records, daily (UK GDPR Art. 5(1)(e))."""
    removed = retention.run(session, today, retention.configured_months(), dry_run=False)
    return f"{len(removed)} breach record(s) removed"


TASK_SOURCES.append(handling_tasks)
add_daily_job(DailyJob("breach retention", retention_job))
