"""Policy tasks for the home page: what to read and sign, and declines for the Clerk."""

from __future__ import annotations

from flask import url_for
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, aliased

from portal.access import can
from portal.people.models import Person
from portal.policies.models import Acknowledgement, PolicyVersion, RecordKind
from portal.policies.status import Status, statuses_for_people
from portal.tasks import TASK_SOURCES, Task


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


def _open_declines_query() -> Select[tuple[int]]:
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


TASK_SOURCES.extend([signing_tasks, declined_tasks])
