"""Completion over time: daily snapshots for the whole council, computed points for a
manager's team (small enough to work out for past weeks on the spot)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from portal.audit.cache import VersionedCache
from portal.audit.service import record

from .models import ComplianceSnapshot
from .overview import build, overview_for

WEEKS = 12


@dataclass(frozen=True)
class Point:
    day: date
    complete: int
    people: int

    @property
    def percent(self) -> int:
        return round(100 * self.complete / self.people) if self.people else 100


def take_snapshot(session: Session, on: date) -> int:
    """Today's numbers per department; taking it again the same day replaces it."""
    rows = overview_for(session, manager_id=None, on=on).rows
    totals: dict[int, list[int]] = {}
    for row in rows:
        counts = totals.setdefault(row.department_id or 0, [0, 0])
        counts[0] += row.complete
        counts[1] += 1
    session.execute(delete(ComplianceSnapshot).where(ComplianceSnapshot.day == on))
    session.add_all(
        ComplianceSnapshot(day=on, department_id=dept, people=people, complete=done)
        for dept, (done, people) in totals.items()
    )
    session.flush()
    record(
        session,
        actor=None,
        action="reports.snapshot_taken",
        object_type="council",
        details={"day": on, "people": len(rows), "complete": sum(r.complete for r in rows)},
    )
    return len(rows)


def council_history(session: Session, on: date, department_id: int | None = None) -> list[Point]:
    since = on - timedelta(weeks=WEEKS)
    query = (
        select(
            ComplianceSnapshot.day, func.sum(ComplianceSnapshot.complete), func.sum(ComplianceSnapshot.people)
        )
        .where(ComplianceSnapshot.day >= since, ComplianceSnapshot.day < on)
        .group_by(ComplianceSnapshot.day)
        .order_by(ComplianceSnapshot.day)
    )
    if department_id:
        query = query.where(ComplianceSnapshot.department_id == department_id)
    return [Point(day, int(done), int(people)) for day, done, people in session.execute(query)]


_TEAM_HISTORIES: VersionedCache[list[Point]] = VersionedCache()


def team_history(session: Session, manager_id: int, on: date) -> list[Point]:
    """A team's completion every other week, worked out from the records (a team has no
    snapshots of its own): once per change in the portal, as the overview is."""

    def work_out() -> list[Point]:
        points = []
        for weeks_ago in range(WEEKS, 0, -2):
            day = on - timedelta(weeks=weeks_ago)
            rows = build(session, manager_id=manager_id, on=day).rows
            points.append(Point(day, sum(r.complete for r in rows), len(rows)))
        return points

    return _TEAM_HISTORIES.get(session, (manager_id, on), work_out)
