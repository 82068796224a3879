from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from portal.access import public, signed_in
from portal.db import get_session
from portal.tasks import tasks_for

blueprint = Blueprint("home", __name__)


@blueprint.get("/")
@signed_in
def index() -> str:
    return render_template("home/index.html", tasks=tasks_for(get_session(), current_user))


@blueprint.get("/accessibility")
@public
def accessibility() -> str:
    return render_template("home/accessibility.html")


@blueprint.get("/healthz")
@public
def healthz() -> tuple[dict[str, str], int]:
    try:
        get_session().execute(text("SELECT 1"))
    except SQLAlchemyError:
        return {"status": "unavailable", "database": "unreachable"}, 503
    return {"status": "ok", "database": "ok"}, 200
