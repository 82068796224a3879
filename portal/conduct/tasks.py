"""Home page tasks: cases to investigate, and (a link only, never the content) a note to
the employee that there is something to read in their record."""

from __future__ import annotations

from datetime import date

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.audit.sealed_text import seal_plain_rows
from portal.audit.service import record
from portal.people.models import Person
from portal.tasks import TASK_SOURCES, DailyJob, Task, add_daily_job

from . import retention, service
from .models import CaseMeeting, DisciplinaryCase, LegalHold


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


def seal_text_job(session: Session, today: date) -> str:
    """Cases written before their words were sealed at rest (migration 0021) are sealed
    the first time this runs (UK GDPR Art. 32, security of processing)."""
    sealed = sum(seal_plain_rows(session, model) for model in (DisciplinaryCase, CaseMeeting, LegalHold))
    if sealed:
        # A count only: which cases were sealed would say which cases exist.
        record(
            session,
            actor=None,
            action="security.case_text_sealed",
            object_type="disciplinary_records",
            details={"records": sealed},
        )
    return f"{sealed} disciplinary record(s) sealed"


TASK_SOURCES.extend([investigation_tasks, record_tasks])
add_daily_job(DailyJob("seal case text", seal_text_job))
add_daily_job(DailyJob("retention", retention_job))
