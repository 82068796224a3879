"""The home page's warning, for the administrator and the Town Clerk, that the
bank-holiday calendar is about to run out (service.running_out)."""

from __future__ import annotations

from typing import Any

from flask import url_for
from sqlalchemy.orm import Session

from portal.clock import today
from portal.tasks import TASK_SOURCES, Task

from .service import running_out, warns


def calendar_tasks(_session: Session, person: Any) -> list[Task]:
    """No query: the calendar is the one the clock holds in memory."""
    if not warns(person):
        return []
    warning = running_out(today())
    if warning is None:
        return []
    return [Task(warning.title, url_for("bank_holidays.index"), due=warning.ends_on, overdue=warning.ended)]


if calendar_tasks not in TASK_SOURCES:
    TASK_SOURCES.append(calendar_tasks)
