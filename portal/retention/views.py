"""The retention schedule page, for HR and the Town Clerk: what is kept, how long, why,
and what each kind's last run did."""

from __future__ import annotations

from flask import Blueprint, render_template

from portal.access import requires
from portal.db import get_session

from . import service

blueprint = Blueprint("retention", __name__, url_prefix="/retention")


@blueprint.get("")
@requires("view_retention_schedule")
def index() -> str:
    return render_template("retention/index.html", rows=service.schedule(get_session()))
