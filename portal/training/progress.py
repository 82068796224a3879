"""The training progress table: people against the quizzes that apply to them.

As with the signing status table (portal.policies.team), everyone's standing is worked
out once per change in the portal and kept (portal.audit.cache); a page then filters,
searches and takes its 50 rows. Managers see their own team only (the council's
need-to-know rule for training).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.audit.cache import VersionedCache
from portal.db import Paged, page_of
from portal.people.models import Department, Person
from portal.tables import PeopleTable, PersonRow

from .programme import TrainingStatus, people_followed_by, statuses_for
from .standing import list_quizzes


@dataclass(frozen=True)
class QuizColumn:
    id: int
    quiz_key: str
    title: str


@dataclass(frozen=True)
class Cell:
    status: TrainingStatus
    due: date
    passed_on: date | None
    expires_on: date | None
    attempts_used: int


@dataclass(frozen=True)
class _Scope:
    quizzes: list[QuizColumn]
    table: PeopleTable[Cell]


@dataclass(frozen=True)
class ProgressTable:
    quizzes: list[QuizColumn]
    page: Paged  # of PersonRow[Cell]
    departments: list[Department]


_SCOPES: VersionedCache[_Scope] = VersionedCache()


def _build(session: Session, manager: Person | None) -> _Scope:
    people = people_followed_by(session, manager)
    statuses = statuses_for(session, people)
    rows = []
    for person in people:
        cells = {
            s.quiz.id: Cell(s.status, s.due, s.passed_on, s.expires_on, s.attempts_used)
            for s in statuses[person.id]
        }
        if cells:
            rows.append(PersonRow.of(person, cells))
    quizzes = [QuizColumn(q.id, q.quiz_key, q.title) for q in list_quizzes(session)]
    return _Scope(quizzes, PeopleTable(rows))


def progress_table(
    session: Session,
    *,
    manager: Person | None,
    department_id: int | None = None,
    only: str = "",
    search: str = "",
    page: int = 1,
) -> ProgressTable:
    """Everyone (manager=None) or a manager's team, filtered by department, status and a
    part of the name: one page of 50 rows."""
    scope = _SCOPES.get(session, (manager.id if manager else None,), lambda: _build(session, manager))
    wanted = TrainingStatus(only) if only in {s.value for s in TrainingStatus} else None
    rows = scope.table.select(department_id=department_id, search=search, wanted=wanted).rows
    departments = list(session.scalars(select(Department).order_by(Department.name)))
    return ProgressTable(scope.quizzes, page_of(rows, page), departments)
