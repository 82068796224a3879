"""Home page tasks: cases to investigate, and (a link only, never the content) a note to
the employee that there is something to read in their record."""

from __future__ import annotations

from datetime import date

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.people.models import Person
from portal.tasks import TASK_SOURCES, DailyJob, Task, add_daily_job

from . import retention, service
from .models import DisciplinaryCase


def investigation_tasks(session: Session, person: Person) -> list[Task]:
    rows = session.execute(
        select(DisciplinaryCase.reference, DisciplinaryCase.id).where(
            DisciplinaryCase.investigating_officer_id == person.id, DisciplinaryCase.status == "open"
        )
    )
    return [
        Task(f"Investigate case {reference}", url_for("conduct.show", case_id=case_id))
        for reference, case_id in rows
    ]


def record_tasks(session: Session, person: Person) -> list[Task]:
    if not service.has_something_to_read(session, person):
        return []
    return [Task("There is something to read in your employment record", url_for("conduct.index"))]


def retention_job(session: Session, today: date) -> str:
    """The retention schedule, daily (UK GDPR Art. 5(1)(e)): see retention.run."""
    removed = retention.run(session, today, retention.configured_months(), dry_run=False)
    return f"{len(removed)} disciplinary case(s) removed"


TASK_SOURCES.extend([investigation_tasks, record_tasks])
add_daily_job(DailyJob("retention", retention_job))
