"""The compliance overview as each reader may see it, its history and its exports.

The overview is built and cached in `overview.py`, its history in `history.py`; this
module is what the views (and the daily run) call.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from portal.access import can
from portal.documents.render import render_pdf
from portal.people.models import Person

from .history import Point, council_history, take_snapshot, team_history
from .overview import (
    CELL_LABELS,
    PERSON_STATUSES,
    Overview,
    Row,
    View,
    clear_cache,
    engagement_choices,
    overview_for,
)

__all__ = [
    "CELL_LABELS",
    "PERSON_STATUSES",
    "Overview",
    "Row",
    "View",
    "clear_cache",
    "compliance_pdf",
    "engagement_choices",
    "export_rows",
    "history_for",
    "overview_for_viewer",
    "sees_everyone",
    "take_snapshot",
]


def sees_everyone(viewer: Person) -> bool:
    """The Clerk, the Deputy and HR see everyone; a manager sees their own team."""
    return can(viewer, "view_everyones_policy_status")


def overview_for_viewer(session: Session, viewer: Person) -> Overview:
    """The overview of everyone, or of the viewer's own team: a manager sees only the
    people they manage (need-to-know, the council's own rule)."""
    return overview_for(session, manager_id=None if sees_everyone(viewer) else viewer.id)


def history_for(session: Session, viewer: Person, on: date, department_id: int | None) -> list[Point]:
    """Completion over the last weeks, for the same scope as the viewer's overview."""
    if sees_everyone(viewer):
        return council_history(session, on, department_id)
    return team_history(session, viewer.id, on)


def export_rows(overview: Overview, rows: list[Row]) -> tuple[list[str], list[list[object]]]:
    """The overview as a table: a header and one line per person."""
    header = ["Name", "Department", "How they work", *(r.label for r in overview.requirements)]
    header += ["Posting authorisation", "Everything done"]
    lines: list[list[object]] = []
    for row in rows:
        cells = []
        for requirement in overview.requirements:
            cell = row.cells.get(requirement.key)
            if cell is None:
                cells.append("Not required")
            elif cell.status == "done":
                cells.append("Done")
            else:
                cells.append(f"{cell.label} (due {cell.due.isoformat()})" if cell.due else cell.label)
        lines.append(
            [
                row.name,
                row.department,
                row.engagement,
                *cells,
                row.authorisation_label,
                "yes" if row.complete else "no",
            ]
        )
    return header, lines


def compliance_pdf(overview: Overview, shown: View, *, filters: object, everyone: bool, on: date) -> bytes:
    """The compliance report as a PDF, for the rows and filters on the page."""
    header, lines = export_rows(overview, shown.rows)
    return render_pdf(
        "documents/compliance_report.html",
        stylesheet="report",
        header=header,
        lines=lines,
        summary=shown.summary,
        overdue=shown.overdue,
        by_department=shown.by_department,
        filters=filters,
        departments=dict(overview.departments),
        everyone=everyone,
        on=on,
    )
