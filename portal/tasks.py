"""What a person needs to do, gathered from every feature.

A feature registers a function that returns that person's open tasks (a policy to
sign, a quiz to take...). The home page shows them, soonest due first. The registry
is in the kernel so that features add to it without depending on the home page,
which sits above them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from portal.identity import Actor


@dataclass(frozen=True)
class Task:
    title: str
    href: str
    due: date | None = None
    overdue: bool = False


TaskSource = Callable[[Session, Any], list[Task]]
TASK_SOURCES: list[TaskSource] = []


def tasks_for(session: Session, person: Actor) -> list[Task]:
    tasks = [task for source in TASK_SOURCES for task in source(session, person)]
    return sorted(tasks, key=lambda task: (task.due is None, task.due or date.max, task.title))
