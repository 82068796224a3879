from __future__ import annotations

from flask import Blueprint, current_app, render_template
from flask.blueprints import BlueprintSetupState
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from portal.access import public, signed_in, signed_in_as
from portal.audit.cache import VersionedCache
from portal.db import get_session
from portal.people.models import Person
from portal.tasks import Banner, Task, banners_for, tasks_for

from .statement import load_statement_facts

blueprint = Blueprint("home", __name__)


@blueprint.record_once
def _read_statement_facts(state: BlueprintSetupState) -> None:
    # Read once, when the app is made: a data file that cannot be trusted stops start-up
    # rather than the statement page.
    state.app.extensions["accessibility_statement"] = load_statement_facts()


# Each person's tasks, worked out from every feature once per change in the portal: a
# person who comes back to the home page, and everyone else while nothing changes, costs
# one small query (portal.audit.cache). Sized for the people who use the portal in a day.
_HOME: VersionedCache[tuple[list[Task], list[Banner]]] = VersionedCache(size=5000)


@blueprint.get("/")
@signed_in
def index() -> str:
    db = get_session()
    person = signed_in_as(Person)
    tasks, banners = _HOME.get(db, (person.id,), lambda: (tasks_for(db, person), banners_for(db, person)))
    return render_template("home/index.html", tasks=tasks, banners=banners)


@blueprint.get("/accessibility")
@public
def accessibility() -> str:
    settings = current_app.config["PORTAL_SETTINGS"]
    return render_template(
        "home/accessibility.html",
        facts=current_app.extensions["accessibility_statement"],
        contact_email=settings.accessibility_email,
        contact_phone=settings.accessibility_phone,
    )


@blueprint.get("/healthz")
@public
def healthz() -> tuple[dict[str, str], int]:
    try:
        get_session().execute(text("SELECT 1"))
    except SQLAlchemyError:
        return {"status": "unavailable", "database": "unreachable"}, 503
    return {"status": "ok", "database": "ok"}, 200
