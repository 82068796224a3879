"""Tables of people against requirements (who has signed, training progress).

Working out every person's standing is the expensive part, so a feature builds the
whole table once per change in the portal (portal.audit.cache) and each request only
filters and pages it. At a district's size even filtering 5,000 rows and counting their
statuses costs more than the rest of the page, so each filter's result is remembered
beside the rows, for as long as the cached table lives.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from enum import Enum
from itertools import chain
from threading import Lock
from typing import Any, Generic, Protocol, TypeVar


class StatusCell(Protocol):
    """What a table's cell must have: its status, an Enum (the filters compare its value)."""

    @property
    def status(self) -> Enum: ...


C = TypeVar("C", bound=StatusCell)

# Distinct filters remembered per table: a department, a status and a search each; past
# this many (people searching by many names) the memory starts again.
REMEMBERED_FILTERS = 64


@dataclass(frozen=True)
class PersonRow(Generic[C]):
    """One person's row: kept whole in a cache, then filtered and paged."""

    person_id: int
    name: str
    email: str
    department_id: int | None
    department: str
    cells: dict[int, C]  # requirement id -> what the table shows for it
    statuses: tuple[str, ...]  # every cell's status value, compared as plain strings (fast)
    folded: str  # the name, casefolded, as a search compares it

    @classmethod
    def of(cls, person: Any, cells: dict[int, C]) -> PersonRow[C]:
        """`person` is a people.models.Person (the kernel names no feature); each cell
        has a `status`, an Enum."""
        return cls(
            person.id,
            person.name,
            person.email,
            person.department_id,
            person.department.name if person.department else "",
            cells,
            tuple(cell.status.value for cell in cells.values()),
            person.name.casefold(),
        )


@dataclass(frozen=True)
class Selection(Generic[C]):
    rows: list[PersonRow[C]]
    counts: Counter[str]  # status value -> cells with it, over the selected rows


class PeopleTable(Generic[C]):
    """Every row of one table, and the rows (and status counts) each filter selects."""

    def __init__(self, rows: list[PersonRow[C]]) -> None:
        self.rows = rows
        self._selections: dict[tuple[int | None, str, str | None], Selection[C]] = {}
        self._lock = Lock()

    def select(self, *, department_id: int | None, search: str, wanted: Enum | None) -> Selection[C]:
        """One department, a part of the name, and any cell with the wanted status."""
        key = (department_id or None, search.strip().casefold(), wanted.value if wanted else None)
        found = self._selections.get(key)
        if found is None:
            department, needle, status = key
            rows = [
                row
                for row in self.rows
                if (not department or row.department_id == department)
                and (not needle or needle in row.folded)
                and (status is None or status in row.statuses)
            ]
            found = Selection(rows, Counter(chain.from_iterable(row.statuses for row in rows)))
            with self._lock:
                if len(self._selections) >= REMEMBERED_FILTERS:
                    self._selections.clear()
                self._selections[key] = found
        return found
