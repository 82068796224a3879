"""Home-page tasks and the reminders run's deadlines for information requests.

Reminders, overdue notices and escalation work as they do for training (portal.jobs):
each holder of the role a request went to has it as a dated task."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import url_for
from sqlalchemy.orm import Session

from portal.clock import today
from portal.outbox.service import portal_path
from portal.people.models import Person, Role
from portal.tasks import TASK_SOURCES, Deadline, Task, add_deadline_source

from . import service
from .deadlines import clock_of


def _mine(session: Session, person: Person) -> list[Any]:
    roles = {r.value for r in person.roles} & {"town_clerk", "hr"}
    if not roles:
        return []
    return [r for r in service.open_requests(session) if r.handler_role in roles and r.about_id != person.id]


def handling_tasks(session: Session, person: Person) -> list[Task]:
    tasks = []
    on = today()
    for found in _mine(session, person):
        clock = clock_of(found)
        waiting = f" ({clock.paused})" if clock.paused else ""
        tasks.append(
            Task(
                f"Answer {found.short_kind} request {found.reference}{waiting}",
                url_for("information_requests.show", request_id=found.id),
                due=clock.due,
                overdue=bool(clock.due and clock.due < on),
            )
        )
    return tasks


def request_deadlines(session: Session, people: list[Person], today: date) -> dict[int, list[Deadline]]:
    """Each open request with a running clock, for every holder of its role but the person
    it is about."""
    handlers = {role: [p for p in people if Role(role) in p.roles] for role in ("town_clerk", "hr")}
    found: dict[int, list[Deadline]] = {}
    for request in service.open_requests(session):
        due = clock_of(request).due
        if due is None:
            continue
        answering = [p for p in handlers[request.handler_role] if p.id != request.about_id]
        for person in answering:
            found.setdefault(person.id, []).append(
                Deadline(
                    person=person,
                    what=f"answer {request.short_kind} request {request.reference}",
                    link=portal_path("information_requests.show", request_id=request.id),
                    key=f"information:{request.id}:{person.id}",
                    due=due,
                    # Only those who may see the request hear of it: a late one is
                    # escalated to the others who answer for the same role, not to a
                    # line manager who may be the person it is about.
                    confidential=True,
                    escalate_to=tuple(p for p in answering if p.id != person.id),
                )
            )
    return found


TASK_SOURCES.append(handling_tasks)
add_deadline_source(request_deadlines, order=30)
