from __future__ import annotations

import json

from flask import Blueprint, Response, abort, g, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response as WerkzeugResponse

from portal.access import requires
from portal.audit.service import record
from portal.db import get_session
from portal.documents.render import render_pdf
from portal.downloads import attachment, pdf_download
from portal.people.models import Person
from portal.people.service import find_by_email

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
    """The export, with an audit entry: a subject access request is handled on the record."""
    content = export(get_session(), person)
    record(
        get_session(),
        actor=current_user,
        action="privacy.subject_access_exported",
        object_type="person",
        object_id=person.id,
        details={"format": what},
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
@requires("export_subject_access")
def subject_access(person_id: int) -> str:
    person = _person(person_id)
    content = _exported(person, "page")
    return render_template("privacy/subject_access.html", person=person, content=content)


@blueprint.get("/subject-access/<int:person_id>.json")
@requires("export_subject_access")
def subject_access_json(person_id: int) -> Response:
    person = _person(person_id)
    content = _exported(person, "json")
    text = json.dumps(content, indent=2, ensure_ascii=False)
    return attachment(text, f"subject-access-{person.id}.json", "application/json; charset=utf-8")


@blueprint.get("/subject-access/<int:person_id>.pdf")
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
