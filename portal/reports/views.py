from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, Response, g, render_template, request
from flask_login import current_user

from portal.access import can, requires
from portal.db import get_session
from portal.documents.render import render_pdf
from portal.downloads import csv_download, csv_text, pdf_download

from .history import council_history, team_history
from .overview import (
    CELL_LABELS,
    PERSON_STATUSES,
    Overview,
    Row,
    View,
    engagement_choices,
    overview_for,
    today,
)

blueprint = Blueprint("reports", __name__, url_prefix="/reports")
PER_PAGE = 50


@dataclass(frozen=True)
class Filters:
    department_id: int | None
    engagement: str
    status: str

    @classmethod
    def from_request(cls) -> Filters:
        status = request.args.get("status", "")
        engagement = request.args.get("engagement", "")
        return cls(
            request.args.get("department", type=int),
            engagement if engagement in dict(engagement_choices()) else "",
            status if status in PERSON_STATUSES else "",
        )

    def args(self) -> dict[str, object]:
        values = {"department": self.department_id, "engagement": self.engagement, "status": self.status}
        return {k: v for k, v in values.items() if v}


def _scoped() -> tuple[Overview, View, Filters, bool]:
    """The overview for whoever asks: everyone for the Clerk, Deputy and HR; a manager's
    own team otherwise. Filters apply to the matrix, the counts and the exports alike."""
    g.personal_data = True
    everyone = can(current_user, "view_everyones_policy_status")
    overview = overview_for(get_session(), manager_id=None if everyone else current_user.id)
    filters = Filters.from_request()
    shown = overview.view(
        department_id=filters.department_id, engagement=filters.engagement, status=filters.status
    )
    return overview, shown, filters, everyone


@dataclass(frozen=True)
class Page:
    page: int
    pages: int


@blueprint.get("")
@requires("view_compliance")
def index() -> str:
    overview, shown, filters, everyone = _scoped()
    rows = shown.rows
    pages = max(1, -(-len(rows) // PER_PAGE))
    page = min(max(1, request.args.get("page", 1, type=int)), pages)
    on = today()
    history = (
        council_history(get_session(), on, filters.department_id)
        if everyone
        else team_history(get_session(), current_user.id, on)
    )
    summary = shown.summary
    return render_template(
        "reports/index.html",
        overview=overview,
        rows=rows[(page - 1) * PER_PAGE : page * PER_PAGE],
        pager=Page(page, pages),
        summary=summary,
        overdue=shown.overdue[:50],
        overdue_total=len(shown.overdue),
        by_department=shown.by_department,
        history=history,
        today_point=(on, summary.complete, summary.people),
        filters=filters,
        everyone=everyone,
        engagements=engagement_choices(),
        statuses=PERSON_STATUSES,
        cell_labels=CELL_LABELS,
    )


def _export_rows(overview: Overview, rows: list[Row]) -> tuple[list[str], list[list[object]]]:
    header = ["Name", "Department", "How they work", *(r.label for r in overview.requirements)]
    header += ["Posting authorisation", "Everything done"]
    lines = []
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
                row.authorisation,
                "yes" if row.complete else "no",
            ]
        )
    return header, lines


@blueprint.get("/overview.csv")
@requires("view_compliance")
def export_csv() -> Response:
    overview, shown, _, _ = _scoped()
    header, lines = _export_rows(overview, shown.rows)
    return csv_download(csv_text(header, lines), f"compliance-{today().isoformat()}.csv")


@blueprint.get("/overview.pdf")
@requires("view_compliance")
def export_pdf() -> Response:
    overview, shown, filters, everyone = _scoped()
    header, lines = _export_rows(overview, shown.rows)
    pdf = render_pdf(
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
        on=today(),
    )
    return pdf_download(pdf, f"compliance-{today().isoformat()}.pdf")
