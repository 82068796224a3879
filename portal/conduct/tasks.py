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
from portal.tasks import (
    PEOPLE_KEPT,
    TASK_SOURCES,
    DailyJob,
    RetentionKind,
    Task,
    add_daily_job,
    add_retention_kind,
)

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


def remove_due_cases(session: Session, today: date) -> int:
    """The retention schedule for disciplinary records (UK GDPR Art. 5(1)(e)): see retention.run."""
    return len(retention.run(session, today, retention.configured_months(), dry_run=False))


def _case_period() -> str:
    months = retention.configured_months()
    return "; ".join(f"{n} months for {retention.RECORD_TYPES[kind]}" for kind, n in months.items())


def people_with_cases(session: Session) -> set[int]:
    """Everyone a case is still kept about: their other records wait for it."""
    return set(session.scalars(select(DisciplinaryCase.subject_id).distinct()))


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
PEOPLE_KEPT.append(people_with_cases)
add_retention_kind(
    RetentionKind(
        name="disciplinary_cases",
        title="Disciplinary cases, with their frozen evidence, meetings, letters and packs",
        period=_case_period,
        basis=(
            "The council's Disciplinary Policy: a warning is kept a set time after it is spent; a "
            "dismissal as long as a claim can be brought (Limitation Act 1980 s5)"
        ),
        how="Deleted with their evidence, and their key deleted so their audit events say nothing",
        run=remove_due_cases,
        order=60,
    )
)
