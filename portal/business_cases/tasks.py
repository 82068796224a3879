"""Business case tasks for the home page: cases to review, and changes asked for."""

from __future__ import annotations

from flask import url_for
from sqlalchemy.orm import Session

from portal.access import can
from portal.clock import today
from portal.people.models import Person
from portal.tasks import TASK_SOURCES, Task

from . import service


def review_tasks(session: Session, person: Person) -> list[Task]:
    """The Clerk and the Deputy: each case waiting for them, and each review that is due."""
    if not can(person, "review_business_case"):
        return []
    waiting = [case for case in service.awaiting_review(session) if service.may_review(person, case)]
    due = [case for case in service.reviews_due(session) if service.may_review(person, case)]
    return [
        Task(
            f"Review business case {c.reference}: {c.account_name}",
            url_for("business_cases.show", case_id=c.id),
        )
        for c in waiting
    ] + [
        Task(
            f"Periodic review of business case {c.reference}: {c.account_name}",
            url_for("business_cases.show", case_id=c.id),
            c.next_review_on,
            overdue=c.next_review_on is not None and c.next_review_on < today(),
        )
        for c in due
    ]


def changes_tasks(session: Session, person: Person) -> list[Task]:
    """The author (or their department's manager): changes a reviewer asked for."""
    if not can(person, "write_business_case"):
        return []
    return [
        Task(
            f"Make the changes asked for in business case {c.reference}",
            url_for("business_cases.show", case_id=c.id),
        )
        for c in service.cases_for(session, person)
        if service.display_status(c) == "changes_requested" and service.may_edit(person, c)
    ]


TASK_SOURCES.extend([review_tasks, changes_tasks])
