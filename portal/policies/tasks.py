"""Policy tasks: what to read and sign (the home page, and deadlines for the daily
reminders run), and declines and reviews due for the Clerk (reviews.py)."""

from __future__ import annotations

from datetime import date

from flask import url_for
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, aliased

from portal.access import can
from portal.outbox.service import portal_path
from portal.people.models import Person
from portal.policies.messages import policy_to_sign
from portal.policies.models import Acknowledgement, PolicyVersion, RecordKind
from portal.policies.reviews import review_notices, review_tasks
from portal.policies.status import Status, statuses_for_people
from portal.tasks import NOTICE_SOURCES, TASK_SOURCES, Deadline, Task, add_deadline_source


def signing_tasks(session: Session, person: Person) -> list[Task]:
    tasks = []
    for found in statuses_for_people(session, [person])[person.id]:
        if found.status.needs_action:
            verb = (
                "Read and sign the new version of" if found.status == Status.SUPERSEDED else "Read and sign"
            )
            tasks.append(
                Task(
                    f"{verb} the {found.policy.title}",
                    url_for("policies.show", slug=found.policy.slug),
                    found.due,
                    overdue=found.status == Status.OVERDUE,
                )
            )
    return tasks


def _open_declines_query() -> Select[int]:
    """How many people have a decline not followed by a later record on the same policy."""
    later, later_version, declined_version = (
        aliased(Acknowledgement),
        aliased(PolicyVersion),
        aliased(PolicyVersion),
    )
    superseded = (
        select(later.id)
        .join(later_version, later_version.id == later.version_id)
        .where(
            later.person_id == Acknowledgement.person_id,
            later.recorded_at > Acknowledgement.recorded_at,
            later_version.policy_id == declined_version.policy_id,
        )
    )
    return (
        select(func.count(func.distinct(Acknowledgement.person_id)))
        .join(declined_version, declined_version.id == Acknowledgement.version_id)
        .where(Acknowledgement.kind == RecordKind.DECLINED, ~superseded.exists())
    )


# Built once: the statement has no parameters, and building its aliases again on every
# home page took longer than running it.
OPEN_DECLINES = _open_declines_query()


def declined_tasks(session: Session, person: Person) -> list[Task]:
    """The Town Clerk is told when someone declines: it stays on their list until resolved."""
    if not can(person, "record_acknowledgement"):
        return []
    open_declines = session.scalar(OPEN_DECLINES)
    if not open_declines:
        return []
    people = "person has" if open_declines == 1 else "people have"
    return [
        Task(
            f"{open_declines} {people} declined to sign a policy",
            url_for("policies.status", status="declined"),
        )
    ]


def signing_deadlines(session: Session, people: list[Person], today: date) -> dict[int, list[Deadline]]:
    """Every version each person must still read and sign, by its due date (10 working days
    from a start, 20 from a material change: the council's deadlines, counted in England
    and Wales working days). Each is announced once, when it first appears."""
    found: dict[int, list[Deadline]] = {}
    statuses = statuses_for_people(session, people, today=today)
    for person in people:
        mine = found.setdefault(person.id, [])
        for status in statuses.get(person.id, []):
            if not status.status.needs_action:
                continue
            policy = status.policy
            policy_to_sign(session, person, policy.title, policy.slug, status.version.id, status.due)
            mine.append(
                Deadline(
                    person,
                    f"read and sign the {policy.title}",
                    portal_path("policies.show", slug=policy.slug),
                    f"policy:{person.id}:{status.version.id}",
                    status.due,
                )
            )
    return found


TASK_SOURCES.extend([signing_tasks, declined_tasks, review_tasks])
NOTICE_SOURCES.append(review_notices)
# Policies first: a person's reminders list what to sign before what to take.
add_deadline_source(signing_deadlines, order=10)
