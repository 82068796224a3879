"""Business case pages: the risk register, its risks and their actions (routes on the
blueprint in shared_views.py)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as WerkzeugResponse

from portal.access import requires, signed_in_as
from portal.db import get_session
from portal.forms import refusal_shown_on
from portal.people.models import Person

from . import service
from .forms import ActionForm, RiskForm
from .models import BusinessCase, RiskItem
from .risk import current_matrix
from .sections import basis_label, risk_name, starting_risks_by_basis
from .shared_views import (
    blueprint,
    editable_case,
    person_choices,
    refuse_tampered,
    refuse_unoffered,
    show_case,
)


def _risk_form(item: RiskItem | None = None) -> RiskForm:
    form = RiskForm(obj=item)
    form.owner.choices = person_choices(service.active_people(get_session()), "Nobody chosen yet")
    if request.method == "GET" and item is not None:
        form.owner.data = str(item.owner_id or "")
        form.treatment.data = item.treatment or ""
    for field in (form.category, form.treatment, form.owner):
        refuse_unoffered(field)
    return form


def _action_form() -> ActionForm:
    form = ActionForm(prefix="action")
    form.owner.choices = person_choices(service.active_people(get_session()), "Choose an owner")
    refuse_unoffered(form.owner)
    return form


def _risk_page(case: BusinessCase, item: RiskItem | None, form: RiskForm, action_form: ActionForm) -> str:
    return render_template(
        "business_cases/risk.html",
        case=case,
        item=item,
        form=form,
        action_form=action_form,
        matrix=current_matrix(),
        basis_of=basis_label,
        starting_risks=starting_risks_by_basis(),
        name=risk_name(item.category, item.description) if item is not None else None,
    )


def _show_risk(case: BusinessCase, risk_id: int) -> WerkzeugResponse:
    return redirect(url_for("business_cases.risk", case_id=case.id, risk_id=risk_id))


def _save_risk(case: BusinessCase, item: RiskItem | None, form: RiskForm) -> str | WerkzeugResponse:
    if form.validate_on_submit():
        values = service.RiskValues(
            category=form.category.data,
            description=form.description.data or "",
            inherent_likelihood=form.inherent_likelihood.data,
            inherent_impact=form.inherent_impact.data,
            controls=form.controls.data or "",
            residual_likelihood=form.residual_likelihood.data,
            residual_impact=form.residual_impact.data,
            treatment=form.treatment.data or None,
            owner_id=int(form.owner.data) if form.owner.data else None,
            acceptance_justification=form.acceptance_justification.data or "",
        )
        with refusal_shown_on(form) as done:
            saved = service.save_risk(
                get_session(), signed_in_as(Person), case, item, values, current_matrix()
            )
        refuse_tampered(done)
        if isinstance(done.refusal, service.InvalidRisk):
            # The first problem is already beside its field; the others go beside theirs.
            for field, message in done.refusal.problems[1:]:
                form[field].errors = [*form[field].errors, message]
        if done:
            flash("The risk has been saved.", "success")
            return _show_risk(case, saved.id)
    return _risk_page(case, item, form, _action_form())


@blueprint.route("/<int:case_id>/risks/new", methods=["GET", "POST"])
@requires("write_business_case")
def new_risk(case_id: int) -> str | WerkzeugResponse:
    case = editable_case(case_id)
    if not isinstance(case, BusinessCase):
        return case
    return _save_risk(case, None, _risk_form())


@blueprint.route("/<int:case_id>/risks/<int:risk_id>", methods=["GET", "POST"])
@requires("write_business_case")
def risk(case_id: int, risk_id: int) -> str | WerkzeugResponse:
    case = editable_case(case_id)
    if not isinstance(case, BusinessCase):
        return case
    item = service.get_risk(case, risk_id)
    return _save_risk(case, item, _risk_form(item))


@blueprint.post("/<int:case_id>/risks/<int:risk_id>/delete")
@requires("write_business_case")
def delete_risk(case_id: int, risk_id: int) -> WerkzeugResponse:
    case = editable_case(case_id)
    if not isinstance(case, BusinessCase):
        return case
    item = service.get_risk(case, risk_id)
    service.delete_risk(get_session(), signed_in_as(Person), case, item)
    flash("The risk has been removed from the register.", "success")
    return show_case(case)


@blueprint.post("/<int:case_id>/risks/<int:risk_id>/actions")
@requires("write_business_case")
def add_action(case_id: int, risk_id: int) -> str | WerkzeugResponse:
    case = editable_case(case_id)
    if not isinstance(case, BusinessCase):
        return case
    item = service.get_risk(case, risk_id)
    form = _action_form()
    if form.validate_on_submit():
        assert form.due_on.data
        with refusal_shown_on(form) as done:
            service.add_action(
                get_session(),
                signed_in_as(Person),
                case,
                item,
                description=form.description.data or "",
                owner_id=int(form.owner.data),
                due_on=form.due_on.data,
            )
        refuse_tampered(done)
        if done:
            flash("The action has been added.", "success")
            return _show_risk(case, item.id)
    return _risk_page(case, item, _risk_form(item), form)


@blueprint.post("/<int:case_id>/risks/<int:risk_id>/actions/<int:action_id>/delete")
@requires("write_business_case")
def delete_action(case_id: int, risk_id: int, action_id: int) -> WerkzeugResponse:
    case = editable_case(case_id)
    if not isinstance(case, BusinessCase):
        return case
    service.delete_action(
        get_session(), signed_in_as(Person), case, service.get_risk(case, risk_id), action_id
    )
    flash("The action has been removed.", "success")
    return _show_risk(case, risk_id)
