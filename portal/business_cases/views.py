from __future__ import annotations

import json

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response as WerkzeugResponse
from wtforms.fields.choices import SelectChoice

from portal.access import can, requires
from portal.clock import today
from portal.db import get_session
from portal.downloads import pdf_download
from portal.errors import DomainError
from portal.forms import attach_domain_error

from . import messages, review, service
from .checks import gaps_in
from .documents import heat_map, render_case_pdf
from .forms import (
    ActionForm,
    DecisionForm,
    DetailsForm,
    ModerationForm,
    ReasonForm,
    RiskForm,
    StartForm,
    slot_field_name,
)
from .models import BusinessCase
from .risk import BAND_LABELS, current_matrix
from .sections import REVIEW_SECTIONS, TEXT_SECTIONS, WEEKDAYS
from .snapshot import changes_between, freeze, readable_parts

blueprint = Blueprint("business_cases", __name__, url_prefix="/business-cases")


def _visible(case_id: int) -> BusinessCase:
    found = service.get_case(get_session(), case_id)
    if not service.may_see(current_user, found):
        abort(404)  # another department's case is simply not there
    return found


def _editable(case_id: int) -> BusinessCase | WerkzeugResponse:
    """The case, if the person may edit it now; otherwise where to go instead."""
    found = _visible(case_id)
    if found.status != "draft":
        flash("This case has been submitted, so it cannot be edited. Its submissions never change.", "error")
        return redirect(url_for("business_cases.show", case_id=found.id))
    if not service.may_edit(current_user, found):
        abort(403)
    return found


def _person_choices(people, blank: str) -> list[SelectChoice]:  # type: ignore[no-untyped-def]
    return [SelectChoice("", blank)] + [SelectChoice(str(p.id), p.name) for p in people]


def _offered(form_field) -> None:  # type: ignore[no-untyped-def]
    """A posted value the page did not offer is a tampered form: 400, not a field error."""
    if request.method == "POST" and form_field.data not in (None, "", *(c.value for c in form_field.choices)):
        abort(400)


@blueprint.get("")
@requires("write_business_case")
def index() -> str:
    db = get_session()
    reviewer = can(current_user, "review_business_case")
    return render_template(
        "business_cases/index.html",
        awaiting=service.awaiting_review(db) if reviewer else [],
        due=service.reviews_due(db) if reviewer else [],
        cases=service.cases_for(db, current_user),
        reviewer=reviewer,
        display_status=service.display_status,
    )


@blueprint.route("/new", methods=["GET", "POST"])
@requires("write_business_case")
def new() -> str | WerkzeugResponse:
    db = get_session()
    form = StartForm()
    form.department.choices = [
        SelectChoice(str(d.id), d.name) for d in service.departments_for(db, current_user)
    ]
    _offered(form.department)
    if not form.department.choices:
        form.form_errors.append("You are not in a department, so you cannot start a case. Ask the Clerk.")
    elif form.validate_on_submit():
        try:
            case = service.start_case(
                db,
                current_user,
                department_id=int(form.department.data),
                platform=form.platform.data,
                account_name=form.account_name.data or "",
            )
        except DomainError as error:
            attach_domain_error(form, error)
        else:
            flash(f"Business case {case.reference} has been started as a draft.", "success")
            return redirect(url_for("business_cases.show", case_id=case.id))
    return render_template("business_cases/new.html", form=form)


@blueprint.get("/<int:case_id>")
@requires("write_business_case")
def show(case_id: int) -> str:
    case = _visible(case_id)
    matrix = current_matrix()
    editable = service.may_edit(current_user, case)
    return render_template(
        "business_cases/show.html",
        case=case,
        status=service.display_status(case),
        editable=editable,
        gaps=gaps_in(case, matrix) if editable else [],
        draft=freeze(case, matrix),
        heat=heat_map(freeze(case, matrix), matrix),
        matrix=matrix,
        may_review=can(current_user, "review_business_case") and review.may_review(current_user, case),
        reason_form=ReasonForm(),
        weekdays=WEEKDAYS,
        text_sections=TEXT_SECTIONS,
        band_labels=BAND_LABELS,
    )


@blueprint.route("/<int:case_id>/details", methods=["GET", "POST"])
@requires("write_business_case")
def details(case_id: int) -> str | WerkzeugResponse:
    case = _editable(case_id)
    if not isinstance(case, BusinessCase):
        return case
    form = DetailsForm(obj=case)
    if form.validate_on_submit():
        values = {name: (form[name].data or "") for name in ("platform", "account_name", "web_address")}
        values |= {s.key: form[s.key].data or "" for s in TEXT_SECTIONS}
        try:
            service.save_details(get_session(), current_user, case, values)
        except DomainError as error:
            attach_domain_error(form, error)
        else:
            flash("The case has been saved.", "success")
            return redirect(url_for("business_cases.show", case_id=case.id))
    return render_template("business_cases/details.html", case=case, form=form, text_sections=TEXT_SECTIONS)


@blueprint.route("/<int:case_id>/moderation", methods=["GET", "POST"])
@requires("write_business_case")
def moderation(case_id: int) -> str | WerkzeugResponse:
    case = _editable(case_id)
    if not isinstance(case, BusinessCase):
        return case
    db = get_session()
    form = ModerationForm(obj=case)
    staff = _person_choices(service.eligible_moderators(db), "Nobody chosen yet")
    slots = {(s.weekday, s.duty): s.person_id for s in case.moderation}
    for weekday in range(5):
        for duty in ("moderator", "cover"):
            field = form[slot_field_name(weekday, duty)]
            field.choices = staff
            if request.method == "GET":
                field.data = str(slots.get((weekday, duty), ""))
            _offered(field)
    if form.validate_on_submit():
        plan = service.ModerationPlan(
            rota={
                (weekday, duty): int(form[slot_field_name(weekday, duty)].data or 0) or None
                for weekday in range(5)
                for duty in ("moderator", "cover")
            },
            removal_target_hours=form.removal_target_hours.data,
            bank_holiday_cover=form.bank_holiday_cover.data or "",
        )
        try:
            service.save_moderation(db, current_user, case, plan)
        except service.UnknownChoice:
            abort(400)
        except DomainError as error:
            attach_domain_error(form, error)
        else:
            flash("The moderation plan has been saved.", "success")
            return redirect(url_for("business_cases.show", case_id=case.id))
    return render_template(
        "business_cases/moderation.html",
        case=case,
        form=form,
        weekdays=WEEKDAYS,
        slot_field_name=slot_field_name,
        bank_holidays=service.bank_holidays_ahead(),
    )


def _risk_form(case: BusinessCase, item=None) -> RiskForm:  # type: ignore[no-untyped-def]
    form = RiskForm(obj=item)
    form.owner.choices = _person_choices(service.active_people(get_session()), "Nobody chosen yet")
    if request.method == "GET" and item is not None:
        form.owner.data = str(item.owner_id or "")
        form.treatment.data = item.treatment or ""
    for field in (form.category, form.treatment, form.owner):
        _offered(field)
    return form


def _save_risk(case: BusinessCase, item, form: RiskForm) -> str | WerkzeugResponse:  # type: ignore[no-untyped-def]
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
        try:
            saved = service.save_risk(get_session(), current_user, case, item, values, current_matrix())
        except service.UnknownChoice:
            abort(400)
        except service.InvalidRisk as invalid:
            for field, message in invalid.problems:
                form[field].errors = [*form[field].errors, message]
        except DomainError as error:
            attach_domain_error(form, error)
        else:
            flash("The risk has been saved.", "success")
            return redirect(url_for("business_cases.risk", case_id=case.id, risk_id=saved.id))
    return render_template(
        "business_cases/risk.html",
        case=case,
        item=item,
        form=form,
        action_form=_action_form(),
        matrix=current_matrix(),
    )


def _action_form() -> ActionForm:
    form = ActionForm(prefix="action")
    form.owner.choices = _person_choices(service.active_people(get_session()), "Choose an owner")
    _offered(form.owner)
    return form


@blueprint.route("/<int:case_id>/risks/new", methods=["GET", "POST"])
@requires("write_business_case")
def new_risk(case_id: int) -> str | WerkzeugResponse:
    case = _editable(case_id)
    if not isinstance(case, BusinessCase):
        return case
    return _save_risk(case, None, _risk_form(case))


@blueprint.route("/<int:case_id>/risks/<int:risk_id>", methods=["GET", "POST"])
@requires("write_business_case")
def risk(case_id: int, risk_id: int) -> str | WerkzeugResponse:
    case = _editable(case_id)
    if not isinstance(case, BusinessCase):
        return case
    item = service.get_risk(case, risk_id)
    return _save_risk(case, item, _risk_form(case, item))


@blueprint.post("/<int:case_id>/risks/<int:risk_id>/delete")
@requires("write_business_case")
def delete_risk(case_id: int, risk_id: int) -> WerkzeugResponse:
    case = _editable(case_id)
    if not isinstance(case, BusinessCase):
        return case
    item = service.get_risk(case, risk_id)
    service.delete_risk(get_session(), current_user, case, item)
    flash("The risk has been removed from the register.", "success")
    return redirect(url_for("business_cases.show", case_id=case.id))


@blueprint.post("/<int:case_id>/risks/<int:risk_id>/actions")
@requires("write_business_case")
def add_action(case_id: int, risk_id: int) -> str | WerkzeugResponse:
    case = _editable(case_id)
    if not isinstance(case, BusinessCase):
        return case
    item = service.get_risk(case, risk_id)
    form = _action_form()
    if form.validate_on_submit():
        assert form.due_on.data
        try:
            service.add_action(
                get_session(),
                current_user,
                case,
                item,
                description=form.description.data or "",
                owner_id=int(form.owner.data),
                due_on=form.due_on.data,
            )
        except service.UnknownChoice:
            abort(400)
        except DomainError as error:
            attach_domain_error(form, error)
        else:
            flash("The action has been added.", "success")
            return redirect(url_for("business_cases.risk", case_id=case.id, risk_id=item.id))
    return render_template(
        "business_cases/risk.html",
        case=case,
        item=item,
        form=_risk_form(case, item),
        action_form=form,
        matrix=current_matrix(),
    )


@blueprint.post("/<int:case_id>/risks/<int:risk_id>/actions/<int:action_id>/delete")
@requires("write_business_case")
def delete_action(case_id: int, risk_id: int, action_id: int) -> WerkzeugResponse:
    case = _editable(case_id)
    if not isinstance(case, BusinessCase):
        return case
    service.delete_action(get_session(), current_user, case, service.get_risk(case, risk_id), action_id)
    flash("The action has been removed.", "success")
    return redirect(url_for("business_cases.risk", case_id=case.id, risk_id=risk_id))


@blueprint.post("/<int:case_id>/submit")
@requires("write_business_case")
def submit(case_id: int) -> str | WerkzeugResponse:
    case = _visible(case_id)
    try:
        submission = service.submit(get_session(), current_user, case, current_matrix())
        messages.business_case_submitted(get_session(), case, submission.number)
    except service.CaseHasGaps as unmet:
        flash(f"The case has not been submitted: {len(unmet.gaps)} things are still missing.", "error")
        return redirect(url_for("business_cases.show", case_id=case.id, _anchor="gaps"))
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("business_cases.show", case_id=case.id))
    flash(
        f"Submission {submission.number} of {case.reference} has gone to the Clerk and the Deputy Clerk.",
        "success",
    )
    return redirect(url_for("business_cases.show", case_id=case.id))


@blueprint.post("/<int:case_id>/withdraw")
@requires("write_business_case")
def withdraw(case_id: int) -> str | WerkzeugResponse:
    case = _visible(case_id)
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            service.withdraw(get_session(), current_user, case, form.reason.data or "")
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash(f"{case.reference} has been withdrawn.", "success")
    else:
        flash("Give the reason for withdrawing the case.", "error")
    return redirect(url_for("business_cases.show", case_id=case.id))


@blueprint.post("/<int:case_id>/review")
@requires("review_business_case")
def start_review(case_id: int) -> WerkzeugResponse:
    case = service.get_case(get_session(), case_id)
    try:
        review.start_review(get_session(), current_user, case)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("business_cases.show", case_id=case.id))
    return redirect(url_for("business_cases.decide", case_id=case.id))


@blueprint.route("/<int:case_id>/decide", methods=["GET", "POST"])
@requires("review_business_case")
def decide(case_id: int) -> str | WerkzeugResponse:
    db = get_session()
    case = service.get_case(db, case_id)
    if case.status != "in_review" or not case.reviews:
        flash("Start the review before deciding.", "error")
        return redirect(url_for("business_cases.show", case_id=case.id))
    current = case.reviews[-1]
    form = DecisionForm()
    content = json.loads(current.submission.content)
    _offered(form.outcome)
    if form.validate_on_submit():
        details = review.DecisionDetails(
            outcome=form.outcome.data,
            comments={s.key: form[f"comment_{s.key}"].data or "" for s in REVIEW_SECTIONS},
            conditions=form.conditions.data or "",
            next_review_on=form.next_review_on.data,
        )
        try:
            decision = review.decide(db, current_user, case, details)
            messages.business_case_decided(db, case, decision)
        except service.UnknownChoice:
            abort(400)
        except DomainError as error:
            attach_domain_error(form, error)
        else:
            flash(f"{case.reference}: {review.OUTCOME_MESSAGES[decision.outcome]}", "success")
            return redirect(url_for("business_cases.show", case_id=case.id))
    number = current.submission.number
    previous = next((s for s in case.submissions if s.number == number - 1), None)
    return render_template(
        "business_cases/decide.html",
        case=case,
        form=form,
        submission=current.submission,
        parts=readable_parts(content),
        changes=changes_between(json.loads(previous.content), content) if previous else None,
        sections=REVIEW_SECTIONS,
        default_review=review.default_review_date(content, today()),
        may_review=review.may_review(current_user, case),
        heat=heat_map(content, current_matrix()),
    )


def _submission(case: BusinessCase, number: int):  # type: ignore[no-untyped-def]
    found = next((s for s in case.submissions if s.number == number), None)
    if found is None:
        abort(404)
    return found


@blueprint.get("/<int:case_id>/submissions/<int:number>")
@requires("write_business_case")
def submission(case_id: int, number: int) -> str:
    case = _visible(case_id)
    found = _submission(case, number)
    content = json.loads(found.content)
    previous = next((s for s in case.submissions if s.number == number - 1), None)
    return render_template(
        "business_cases/submission.html",
        case=case,
        submission=found,
        parts=readable_parts(content),
        sections=REVIEW_SECTIONS,
        changes=changes_between(json.loads(previous.content), content) if previous else None,
        heat=heat_map(content, current_matrix()),
    )


@blueprint.get("/<int:case_id>/submissions/<int:number>/case.pdf")
@requires("write_business_case")
def case_pdf(case_id: int, number: int) -> Response:
    case = _visible(case_id)
    found = _submission(case, number)
    return pdf_download(
        render_case_pdf(case, found, current_matrix()), f"{case.reference}-submission-{number}.pdf"
    )


@blueprint.get("/<int:case_id>/reviews/<int:review_id>/letter.pdf")
@requires("write_business_case")
def letter(case_id: int, review_id: int) -> Response:
    case = _visible(case_id)
    found = next((r for r in case.reviews if r.id == review_id and r.decision is not None), None)
    if found is None or found.decision is None:
        abort(404)
    return pdf_download(found.decision.letter_pdf, f"{case.reference}-decision-{found.id}.pdf")
