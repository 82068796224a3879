from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, Response, g, render_template, request
from markupsafe import Markup

from portal.access import requires, signed_in_as
from portal.audit.cache import VersionedCache, rendered_once
from portal.clock import today
from portal.db import get_session, page_of
from portal.downloads import csv_download, csv_text, pdf_download
from portal.information_requests.service import due_for
from portal.people.models import Person

from . import service
from .service import Overview, View

blueprint = Blueprint("reports", __name__, url_prefix="/reports")

# The benchmarks (bench/reports.py) time the export through this name.
_export_rows = service.export_rows


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
            engagement if engagement in dict(service.engagement_choices()) else "",
            status if status in service.PERSON_STATUSES else "",
        )

    def args(self) -> dict[str, object]:
        values = {"department": self.department_id, "engagement": self.engagement, "status": self.status}
        return {k: v for k, v in values.items() if v}


def _scoped() -> tuple[Overview, View, Filters, bool]:
    """The overview for whoever asks: everyone for the Clerk, Deputy and HR; a manager's
    own team otherwise. Filters apply to the matrix, the counts and the exports alike."""
    me = signed_in_as(Person)
    g.personal_data = True
    overview = service.overview_for_viewer(get_session(), me)
    filters = Filters.from_request()
    shown = overview.view(
        department_id=filters.department_id, engagement=filters.engagement, status=filters.status
    )
    return overview, shown, filters, service.sees_everyone(me)


# Everything on the page but its layout depends only on who is looking (their scope and
# the information requests they handle), the filters, the page and the data: rendered
# once for each viewer, filter and page per change in the portal (portal.audit.cache),
# as the overview itself is worked out. A whole council's overdue list and 50 rows ×
# every requirement are most of that work.
_PAGES: VersionedCache[Markup] = VersionedCache(size=256)


def _overview_context() -> dict[str, object]:
    me = signed_in_as(Person)
    overview, shown, filters, everyone = _scoped()
    on = today()
    summary = shown.summary
    return {
        "overview": overview,
        "pager": (pager := page_of(shown.rows, request.args.get("page", 1, type=int))),
        "rows": pager.items,
        "overdue": shown.overdue[:50],
        "overdue_total": len(shown.overdue),
        "summary": summary,
        "by_department": shown.by_department,
        "history": service.history_for(get_session(), me, on, filters.department_id),
        "today_point": (on, summary.complete, summary.people),
        "filters": filters,
        "everyone": everyone,
        "engagements": service.engagement_choices(),
        "statuses": service.PERSON_STATUSES,
        "requests_due": due_for(get_session(), me),
        "handles_requests": bool({r.value for r in me.roles} & {"town_clerk", "hr"}),
        "on": on,
    }


@blueprint.get("")
@requires("view_compliance")
def index() -> str:
    g.personal_data = True
    key = (signed_in_as(Person).id, Filters.from_request(), request.args.get("page", 1, type=int))
    html = rendered_once(_PAGES, get_session(), key, "reports/_overview.html", _overview_context)
    return render_template("reports/index.html", overview_html=html)


@blueprint.get("/overview.csv")
@requires("view_compliance")
def export_csv() -> Response:
    overview, shown, _, _ = _scoped()
    header, lines = service.export_rows(overview, shown.rows)
    return csv_download(csv_text(header, lines), f"compliance-{today().isoformat()}.csv")


@blueprint.get("/overview.pdf")
@requires("view_compliance")
def export_pdf() -> Response:
    overview, shown, filters, everyone = _scoped()
    pdf = service.compliance_pdf(overview, shown, filters=filters, everyone=everyone, on=today())
    return pdf_download(pdf, f"compliance-{today().isoformat()}.pdf")
