"""The status table: people against the policies they must sign, for the Clerk or a manager.

Working out everyone's status is the expensive part (every person against every
policy's versions and their signatures), so it is done once per change in the portal and
kept (portal.audit.cache): a page then only filters, searches and takes its 50 rows.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.audit.cache import VersionedCache
from portal.db import Paged, page_of
from portal.people.models import Department, Person
from portal.people.service import active_people
from portal.policies.status import Status, load_policies, statuses_for_people
from portal.tables import PeopleTable, PersonRow


@dataclass(frozen=True)
class PolicyColumn:
    id: int
    title: str
    slug: str


@dataclass(frozen=True)
class Cell:
    """One person's standing on one policy, as the table shows it."""

    status: Status
    due: date
    signed_at: datetime | None
    record_id: int | None  # the signature that counts, for "withdraw"


@dataclass(frozen=True)
class _Scope:
    policies: list[PolicyColumn]
    table: PeopleTable[Cell]


@dataclass
class StatusTable:
    policies: list[PolicyColumn]
    page: Paged  # of PersonRow[Cell]
    departments: list[Department]
    counts: Counter[str] = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


_SCOPES: VersionedCache[_Scope] = VersionedCache()


def _build(session: Session, manager: Person | None) -> _Scope:
    """A fixed number of queries however many people there are: people with their roles
    and departments, the policies, and one query for all their records."""
    people = active_people(session, manager=manager)
    policies = [p for p in load_policies(session) if any(v.published_at for v in p.versions)]
    statuses = statuses_for_people(session, people, policies=policies)
    rows = []
    for person in people:
        cells = {
            s.policy.id: Cell(s.status, s.due, s.signed_at, s.last_record.id if s.last_record else None)
            for s in statuses[person.id]
        }
        if cells:
            rows.append(PersonRow.of(person, cells))
    return _Scope([PolicyColumn(p.id, p.title, p.slug) for p in policies], PeopleTable(rows))


def status_rows(
    session: Session,
    *,
    manager: Person | None,
    department_id: int | None = None,
    only: str = "",
    search: str = "",
    page: int = 1,
) -> StatusTable:
    """Everyone (manager=None) or one manager's direct reports (their need-to-know), with
    each policy's status: filtered by department, status and a part of the name, counted,
    and one page of 50 rows."""
    scope = _SCOPES.get(session, (manager.id if manager else None,), lambda: _build(session, manager))
    wanted = Status(only) if only in {s.value for s in Status} else None
    selected = scope.table.select(department_id=department_id, search=search, wanted=wanted)
    departments = list(session.scalars(select(Department).order_by(Department.name)))
    return StatusTable(scope.policies, page_of(selected.rows, page), departments, selected.counts)


def clear_cache() -> None:
    _SCOPES.clear()
