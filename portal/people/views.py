from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from portal.access import requires
from portal.auth.service import issue_password_token
from portal.db import get_session
from portal.errors import DomainError
from portal.forms import attach_domain_error
from portal.notifications import notices
from portal.people import service
from portal.people.forms import ActionForm, DepartmentForm, ImportForm, LeaverForm, PersonForm
from portal.people.importing import ImportRejected, import_people
from portal.people.models import EngagementType, Person, Role

blueprint = Blueprint("people", __name__, url_prefix="/people")


def _person_form(person: Person | None = None) -> PersonForm:
    form = PersonForm(obj=None)
    form.department.choices = [SelectChoice("", "No department")] + [
        SelectChoice(str(d.id), d.name) for d in service.departments(get_session())
    ]
    if person is not None and request.method == "GET":
        form.name.data = person.name
        form.email.data = person.email
        form.engagement_type.data = person.engagement_type
        form.department.data = str(person.department_id or "")
        form.line_manager.data = person.line_manager.email if person.line_manager else ""
        form.start_date.data = person.start_date
        form.roles.data = sorted(role.value for role in person.roles)
    return form


def _details(form: PersonForm) -> service.PersonDetails:
    assert form.start_date.data is not None
    return service.PersonDetails(
        name=form.name.data or "",
        email=form.email.data or "",
        engagement_type=EngagementType(form.engagement_type.data),
        start_date=form.start_date.data,
        department_id=int(form.department.data) if form.department.data else None,
        line_manager_email=form.line_manager.data or None,
        roles={Role(value) for value in form.roles.data or []},
    )


@blueprint.get("")
@requires("manage_people")
def index() -> str:
    session = get_session()
    department = request.args.get("department", "")
    status = request.args.get("status", "active")
    if status not in ("active", "left", "all"):
        status = "active"
    page = service.list_people(
        session,
        search=request.args.get("q", "")[:100],
        department_id=int(department) if department.isdigit() else None,
        status=status,
        page=request.args.get("page", 1, type=int) or 1,
    )
    return render_template(
        "people/index.html",
        page=page,
        departments=service.departments(session),
        filters={"q": request.args.get("q", ""), "department": department, "status": status},
    )


@blueprint.route("/new", methods=["GET", "POST"])
@requires("manage_people")
def new() -> str | Response:
    form = _person_form()
    if form.validate_on_submit():
        try:
            person = service.create_person(get_session(), current_user, _details(form))
        except DomainError as error:
            attach_domain_error(form, error)
        else:
            flash(f"{person.name} has been added. Send them an invitation so they can sign in.", "success")
            return redirect(url_for("people.show", person_id=person.id))
    return render_template("people/form.html", form=form, person=None)


@blueprint.get("/<int:person_id>")
@requires("manage_people")
def show(person_id: int) -> str:
    person = service.get_person(get_session(), person_id)
    return render_template("people/show.html", person=person, action_form=ActionForm())


@blueprint.route("/<int:person_id>/edit", methods=["GET", "POST"])
@requires("manage_people")
def edit(person_id: int) -> str | Response:
    person = service.get_person(get_session(), person_id)
    form = _person_form(person)
    if form.validate_on_submit():
        try:
            changes = service.update_person(get_session(), current_user, person, _details(form))
        except DomainError as error:
            attach_domain_error(form, error)
        else:
            flash(
                f"{person.name}'s details have been saved." if changes else "Nothing was changed.", "success"
            )
            return redirect(url_for("people.show", person_id=person.id))
    return render_template("people/form.html", form=form, person=person)


@blueprint.route("/<int:person_id>/leave", methods=["GET", "POST"])
@requires("manage_people")
def leave(person_id: int) -> str | Response:
    person = service.get_person(get_session(), person_id)
    form = LeaverForm()
    if form.validate_on_submit():
        assert form.leaving_date.data is not None
        try:
            service.mark_leaver(get_session(), current_user, person, form.leaving_date.data)
        except DomainError as error:
            attach_domain_error(form, error)
        else:
            flash(
                f"{person.name} is recorded as having left. They have been signed out everywhere.", "success"
            )
            return redirect(url_for("people.show", person_id=person.id))
    return render_template("people/leave.html", form=form, person=person)


@blueprint.post("/<int:person_id>/sign-in-link")
@requires("manage_people")
def send_link(person_id: int) -> str | Response:
    person = service.get_person(get_session(), person_id)
    form = ActionForm()
    if not form.validate_on_submit():
        return redirect(url_for("people.show", person_id=person.id))
    purpose = "reset" if person.password_hash else "invitation"
    try:
        raw = issue_password_token(get_session(), person, purpose=purpose, actor=current_user)
    except DomainError as error:
        flash(error.message, "info")
        return redirect(url_for("people.show", person_id=person.id))
    link = url_for("auth.set_password", token=raw, _external=True)
    notices.invitation(get_session(), person, link, purpose=purpose)
    return render_template("people/link.html", person=person, purpose=purpose)


@blueprint.route("/import", methods=["GET", "POST"])
@requires("manage_people")
def import_csv() -> str | Response:
    form = ImportForm()
    problems = []
    if form.validate_on_submit():
        try:
            result = import_people(get_session(), current_user, form.file.data.read())
        except ImportRejected as rejected:
            problems = rejected.problems
            plural = "s" if len(problems) != 1 else ""
            form.file.errors = [f"The file has {len(problems)} problem{plural}. Nothing was imported"]
        else:
            message = f"{len(result.created)} people imported."
            if result.new_departments:
                message += " New departments: " + ", ".join(result.new_departments) + "."
            flash(message, "success")
            return redirect(url_for("people.index"))
    return render_template("people/import.html", form=form, problems=problems)


@blueprint.route("/departments", methods=["GET", "POST"])
@requires("manage_people")
def departments() -> str | Response:
    form = DepartmentForm()
    if form.validate_on_submit():
        try:
            department = service.add_department(get_session(), current_user, form.name.data or "")
        except DomainError as error:
            attach_domain_error(form, error)
        else:
            flash(f"{department.name} has been added.", "success")
            return redirect(url_for("people.departments"))
    return render_template(
        "people/departments.html", form=form, departments=service.departments(get_session())
    )
