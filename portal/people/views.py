from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from portal.access import public, requires, signed_in_as
from portal.clock import today
from portal.db import get_session
from portal.forms import ActionForm, posted_id, refusal_flashed, refusal_shown_on
from portal.people import email_changes, service
from portal.people import roles as role_changes
from portal.people.forms import DepartmentForm, ImportForm, LeaverForm, PersonForm, RoleChangeForm
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
        department_id=posted_id(department),
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
        with refusal_shown_on(form) as done:
            person = service.create_person(get_session(), signed_in_as(Person), _details(form))
        if done:
            flash(f"{person.name} has been added. Send them an invitation so they can sign in.", "success")
            return redirect(url_for("people.show", person_id=person.id))
    return render_template("people/form.html", form=form, person=None)


@blueprint.get("/<int:person_id>")
@requires("manage_people")
def show(person_id: int) -> str:
    session = get_session()
    person = service.get_person(session, person_id)
    return render_template(
        "people/show.html",
        person=person,
        action_form=ActionForm(),
        email_waiting=email_changes.pending_email_change(session, person),
        holds_privileged_role=role_changes.holds_privileged_role(person),
    )


@blueprint.route("/<int:person_id>/edit", methods=["GET", "POST"])
@requires("manage_people")
def edit(person_id: int) -> str | Response:
    person = service.get_person(get_session(), person_id)
    form = _person_form(person)
    if form.validate_on_submit():
        with refusal_shown_on(form) as done:
            outcome = service.update_person(get_session(), signed_in_as(Person), person, _details(form))
        if done:
            flash(_edit_message(person, outcome), "success")
            return redirect(url_for("people.show", person_id=person.id))
    return render_template("people/form.html", form=form, person=person)


def _edit_message(person: Person, outcome: service.EditOutcome) -> str:
    saved = f"{person.name}'s details have been saved." if outcome.changes else ""
    if outcome.email_needs_approval:
        waiting = (
            f"The change of address to {outcome.email_waiting} needs a second person's approval, "
            "because they hold a privileged role; then the new address must confirm it."
        )
    elif outcome.email_waiting:
        waiting = (
            f"A link has been sent to {outcome.email_waiting}. The address changes when it is confirmed "
            "from there; the old address has been told."
        )
    else:
        return saved or "Nothing was changed."
    return f"{saved} {waiting}".strip()


@blueprint.route("/<int:person_id>/leave", methods=["GET", "POST"])
@requires("manage_people")
def leave(person_id: int) -> str | Response:
    person = service.get_person(get_session(), person_id)
    form = LeaverForm()
    if form.validate_on_submit():
        assert form.leaving_date.data is not None
        with refusal_shown_on(form) as done:
            service.mark_leaver(get_session(), signed_in_as(Person), person, form.leaving_date.data)
        if done:
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
    with refusal_flashed() as done:
        link = service.send_sign_in_link(get_session(), signed_in_as(Person), person)
    if not done:
        return redirect(url_for("people.show", person_id=person.id))
    return render_template("people/link.html", person=person, purpose=link.purpose)


@blueprint.route("/import", methods=["GET", "POST"])
@requires("manage_people")
def import_csv() -> str | Response:
    form = ImportForm()
    problems = []
    if form.validate_on_submit():
        try:
            result = import_people(get_session(), signed_in_as(Person), form.file.data.read())
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
        with refusal_shown_on(form) as done:
            department = service.add_department(get_session(), signed_in_as(Person), form.name.data or "")
        if done:
            flash(f"{department.name} has been added.", "success")
            return redirect(url_for("people.departments"))
    return render_template(
        "people/departments.html", form=form, departments=service.departments(get_session())
    )


# Privileged roles: a proposal and a second person -------------------------------------


@blueprint.route("/roles", methods=["GET", "POST"])
@requires("manage_privileged_roles")
def roles() -> str | Response:
    session = get_session()
    form = RoleChangeForm()
    if request.method == "GET":
        form.effective_on.data = today()
    if form.validate_on_submit():
        with refusal_shown_on(form) as done:
            person = service.person_named_in_form(session, form.person_email.data or "")
            change = role_changes.propose_role_change(
                session,
                signed_in_as(Person),
                person,
                Role(form.role.data),
                grant=form.change.data == "grant",
                effective_on=form.effective_on.data,
            )
        if done:
            flash(_proposed_message(change), "success")
            return redirect(url_for("people.roles"))
    open_changes = role_changes.open_changes(session)
    holders = role_changes.privileged_holders(session)
    return render_template(
        "people/roles.html",
        form=form,
        holders=role_changes.privileged_holders_by_role(session, holders),
        changes=open_changes,
        approvers={
            change.id: role_changes.approvers_for(session, change, holders) for change in open_changes
        },
        describe=role_changes.describe,
        action_form=ActionForm(),
    )


def _proposed_message(change: role_changes.RoleChange) -> str:
    text = f"Proposed: {role_changes.describe(change)}. It takes effect when a second person approves it."
    if not role_changes.approvers_for(get_session(), change):
        text += (
            " Nobody else in the portal can approve it yet, so it must be approved on the server with "
            f"flask --app wsgi roles approve {change.id}."
        )
    return text


@blueprint.post("/roles/<int:change_id>/<any(approve, refuse):decision>")
@requires("manage_privileged_roles")
def decide_role_change(change_id: int, decision: str) -> Response:
    me = signed_in_as(Person)
    session = get_session()
    change = role_changes.get_change(session, change_id)
    if not ActionForm().validate_on_submit():
        return redirect(url_for("people.roles"))
    with refusal_flashed() as done:
        if decision == "approve":
            role_changes.approve(session, me, change)
        else:
            role_changes.refuse(session, me, change)
    if done:
        decided = "approved" if decision == "approve" else "refused"
        flash(f"{role_changes.describe(change)}: {decided}.", "success")
    return redirect(url_for("people.roles"))


@blueprint.route("/confirm-email/<token>", methods=["GET", "POST"])
@public
def confirm_email(token: str) -> str | Response:
    """The link sent to a new address. GET only shows the page; the change is a POST."""
    session = get_session()
    change = email_changes.usable_email_change(session, token)
    form = ActionForm()
    if change is not None and form.validate_on_submit():
        with refusal_flashed() as done:
            email_changes.confirm_email_change(session, token)
        if done:
            return render_template("people/email_confirmed.html", email=change.new_email)
    return render_template("people/confirm_email.html", change=change, form=form)
