"""What a person needs to do, gathered from every feature.

A feature registers a function that returns that person's open tasks (a policy to
sign, a quiz to take...). The home page shows them, soonest due first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from portal.people.models import Person


@dataclass(frozen=True)
class Task:
    title: str
    href: str
    due: date | None = None
    overdue: bool = False


TaskSource = Callable[[Session, Person], list[Task]]
TASK_SOURCES: list[TaskSource] = []


def tasks_for(session: Session, person: Person) -> list[Task]:
    tasks = [task for source in TASK_SOURCES for task in source(session, person)]
    return sorted(tasks, key=lambda task: (task.due is None, task.due or date.max, task.title))
