from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask import Blueprint, render_template, request
from flask_login import current_user

from portal.access import requires
from portal.audit.viewer import AuditFilters, audit_page, known_actions
from portal.clock import LONDON
from portal.db import get_session

blueprint = Blueprint("audit", __name__, url_prefix="/audit")


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@blueprint.get("")
@requires("view_audit_trail")
def index() -> str:
    start, end = _day(request.args.get("from")), _day(request.args.get("to"))
    filters = AuditFilters(
        action=request.args.get("action", "")[:80],
        object_type=request.args.get("object_type", "")[:60],
        object_id=request.args.get("object_id", "")[:60],
        since=datetime.combine(start, time.min, LONDON) if start else None,
        before=datetime.combine(end + timedelta(days=1), time.min, LONDON) if end else None,
    )
    session = get_session()
    page = audit_page(session, filters, current_user, page=request.args.get("page", 1, type=int) or 1)
    return render_template(
        "audit/index.html",
        page=page,
        actions=known_actions(session),
        args={key: request.args.get(key, "") for key in ("action", "object_type", "object_id", "from", "to")},
    )
