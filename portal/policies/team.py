"""The status table: people against the policies they must sign, for the Clerk or a manager."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.people.models import Department, Person
from portal.people.service import active_people
from portal.policies.models import Policy
from portal.policies.status import PolicyStatus, Status, load_policies, statuses_for_people


@dataclass(frozen=True)
class StatusRow:
    person: Person
    by_policy: dict[int, PolicyStatus]


@dataclass
class StatusTable:
    policies: list[Policy]
    rows: list[StatusRow]
    departments: list[Department]
    counts: Counter[str] = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def status_rows(
    session: Session, *, manager: Person | None, department_id: int | None = None, only: str = ""
) -> StatusTable:
    """Everyone (manager=None) or one manager's direct reports, with each policy's status.

    A fixed number of queries however many people there are: people with their
    roles and departments, the policies, and one query for all their records.
    """
    people = active_people(session, manager=manager, department_id=department_id)
    policies = [p for p in load_policies(session) if any(v.published_at for v in p.versions)]
    statuses = statuses_for_people(session, people, policies=policies)
    wanted = Status(only) if only in {s.value for s in Status} else None
    rows, counts = [], Counter()
    for person in people:
        mine = {s.policy.id: s for s in statuses[person.id]}
        if not mine:
            continue
        if wanted is not None and not any(s.status == wanted for s in mine.values()):
            continue
        counts.update(s.status.value for s in mine.values())
        rows.append(StatusRow(person, mine))
    departments = list(session.scalars(select(Department).order_by(Department.name)))
    return StatusTable(policies, rows, departments, counts)
