from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import Blueprint, render_template, request
from flask_login import current_user

from portal.access import requires
from portal.audit.forms import DatesForm
from portal.audit.viewer import AuditFilters, audit_page, known_actions
from portal.clock import LONDON
from portal.db import get_session

blueprint = Blueprint("audit", __name__, url_prefix="/audit")


@blueprint.get("")
@requires("view_audit_trail")
def index() -> str:
    dates = DatesForm(request.args)
    dates.validate()  # a date that cannot be read is shown with its message and not applied
    start = None if dates.since.errors else dates.since.data
    end = None if dates.until.errors else dates.until.data
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
        dates=dates,
        # What the pager's links carry: the dates as applied, in the single form the
        # date fields also read.
        args={
            **{key: request.args.get(key, "") for key in ("action", "object_type", "object_id")},
            "from": start.isoformat() if start else "",
            "to": end.isoformat() if end else "",
        },
    )
