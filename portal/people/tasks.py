"""Home page tasks: privileged role changes this person may approve (separation of duties)."""

from __future__ import annotations

from datetime import date

from flask import url_for
from sqlalchemy.orm import Session

from portal.tasks import TASK_SOURCES, DailyJob, Task, add_daily_job

from . import addresses, roles
from .models import Person


def approval_tasks(session: Session, person: Person) -> list[Task]:
    return [
        Task(f"Approve or refuse: {roles.describe(change)}", url_for("people.roles"), due=change.lapses_on)
        for change in roles.awaiting_approval_by(session, person)
    ]


def role_changes_job(session: Session, today: date) -> str:
    """Lapse the proposals nobody approved in time; apply approved changes whose date has come."""
    done = roles.run_due(session, on=today)
    return f"{done.lapsed} role change(s) lapsed, {done.applied} applied"


def address_retention_job(session: Session, today: date) -> str:
    """Forget the addresses and browsers whose retention has ended (UK GDPR Art. 5(1)(e)):
    see addresses.run."""
    done = addresses.run(session, today, addresses.configured_months())
    return f"addresses forgotten for {done.people} leaver(s) and {done.months} month(s)"


TASK_SOURCES.append(approval_tasks)
add_daily_job(DailyJob("role changes", role_changes_job))
add_daily_job(DailyJob("address retention", address_retention_job))
