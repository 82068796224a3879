"""Home page tasks: privileged role changes this person may approve (separation of duties)."""

from __future__ import annotations

from flask import url_for
from sqlalchemy.orm import Session

from portal.tasks import TASK_SOURCES, Task

from . import roles
from .models import Person


def approval_tasks(session: Session, person: Person) -> list[Task]:
    return [
        Task(f"Approve or refuse: {roles.describe(change)}", url_for("people.roles"), due=change.lapses_on)
        for change in roles.awaiting_approval_by(session, person)
    ]


TASK_SOURCES.append(approval_tasks)
