from __future__ import annotations

import json

from flask import Blueprint, Response, abort, g, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as WerkzeugResponse

from portal.access import requires, signed_in_as
from portal.db import get_session, writes_on_get
from portal.downloads import attachment, pdf_download
from portal.people.models import Person
from portal.people.service import find_by_email

from . import service

blueprint = Blueprint("privacy", __name__, url_prefix="/privacy")


def _person(person_id: int) -> Person:
    g.personal_data = True
    found = service.person_to_export(get_session(), person_id)
    if found is None:
        abort(404)
    return found


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
    content = service.exported(get_session(), signed_in_as(Person), person, "page")
    return render_template("privacy/subject_access.html", person=person, content=content)


@blueprint.get("/subject-access/<int:person_id>.json")
@writes_on_get  # records who looked (an audit event)
@requires("export_subject_access")
def subject_access_json(person_id: int) -> Response:
    person = _person(person_id)
    content = service.exported(get_session(), signed_in_as(Person), person, "json")
    text = json.dumps(content, indent=2, ensure_ascii=False)
    return attachment(text, f"subject-access-{person.id}.json", "application/json; charset=utf-8")


@blueprint.get("/subject-access/<int:person_id>.pdf")
@writes_on_get  # records who looked (an audit event)
@requires("export_subject_access")
def subject_access_pdf(person_id: int) -> Response:
    person = _person(person_id)
    pdf = service.export_pdf(get_session(), signed_in_as(Person), person)
    return pdf_download(pdf, f"subject-access-{person.id}.pdf")
