from __future__ import annotations

import json

from flask import Blueprint, Response, abort, g, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response as WerkzeugResponse

from portal.access import requires
from portal.audit.service import record
from portal.db import get_session, writes_on_get
from portal.documents.render import render_pdf
from portal.downloads import attachment, pdf_download
from portal.people.models import Person
from portal.people.service import find_by_email

from .need_to_know import OBJECT_TYPE, reference_for
from .subject_access import export, mark_names

blueprint = Blueprint("privacy", __name__, url_prefix="/privacy")


def _person(person_id: int) -> Person:
    g.personal_data = True
    found = get_session().scalar(
        select(Person)
        .options(
            selectinload(Person.department),
            selectinload(Person.line_manager),
            selectinload(Person.role_grants),
        )
        .where(Person.id == person_id)
    )
    if found is None:
        abort(404)
    return found


def _exported(person: Person, what: str) -> dict:  # type: ignore[type-arg]
    """The export, with an audit entry: a subject access request is handled on the record.
    The entry is filed under the person's opaque audit reference, with their id only in
    the details, which only HR and the Town Clerk see (portal.audit.need_to_know)."""
    db = get_session()
    content = export(db, person)
    record(
        db,
        actor=current_user,
        action="privacy.subject_access_exported",
        object_type=OBJECT_TYPE,
        object_id=reference_for(db, person),
        details={"format": what, "person_id": person.id},
    )
    return content


@blueprint.get("/subject-access")
@requires("export_subject_access")
def find() -> str | WerkzeugResponse:
    email = request.args.get("email", "").strip()
    error = None
    if email:
        person = find_by_email(get_session(), email)
        if person is not None:
            return redirect(url_for("privacy.subject_access", person_id=person.id))
        error = "There is nobody with that email address"
    return render_template("privacy/find.html", email=email, error=error)


@blueprint.get("/subject-access/<int:person_id>")
@writes_on_get  # records who looked (an audit event)
@requires("export_subject_access")
def subject_access(person_id: int) -> str:
    person = _person(person_id)
    content = _exported(person, "page")
    return render_template("privacy/subject_access.html", person=person, content=content)


@blueprint.get("/subject-access/<int:person_id>.json")
@writes_on_get  # records who looked (an audit event)
@requires("export_subject_access")
def subject_access_json(person_id: int) -> Response:
    person = _person(person_id)
    content = _exported(person, "json")
    text = json.dumps(content, indent=2, ensure_ascii=False)
    return attachment(text, f"subject-access-{person.id}.json", "application/json; charset=utf-8")


@blueprint.get("/subject-access/<int:person_id>.pdf")
@writes_on_get  # records who looked (an audit event)
@requires("export_subject_access")
def subject_access_pdf(person_id: int) -> Response:
    person = _person(person_id)
    content = _exported(person, "pdf")
    names = [m["name"] for m in content["third_parties_to_consider_redacting"]]
    pdf = render_pdf(
        "documents/subject_access.html",
        stylesheet="report",
        person=person,
        content=content,
        marked=lambda text: mark_names(text or "", names),
    )
    return pdf_download(pdf, f"subject-access-{person.id}.pdf")
