"""Business case pages: the list, writing the case, its moderation plan, submitting it.

One blueprint, made in shared_views.py with what the pages share. The risk register's pages
are in risk_views.py and the reviewers' pages (review, decision, submissions and
letters) in review_views.py; importing them here adds their routes to it.
"""

from __future__ import annotations

from flask import flash, render_template, request
from markupsafe import Markup
from werkzeug.wrappers import Response as WerkzeugResponse
from wtforms.fields.choices import SelectChoice

from portal.access import can, requires, signed_in_as
from portal.audit.cache import VersionedCache, rendered_once
from portal.db import get_session
from portal.forms import refusal_flashed, refusal_shown_on
from portal.people.models import Person

from . import review_views, risk_views, service  # noqa: F401 (their routes join the blueprint)
from .checks import gap_groups, gaps_in
from .documents import heat_map
from .forms import DetailsForm, ModerationForm, ReasonForm, StartForm, slot_field_name
from .models import CASE_STATES, BusinessCase
from .risk import BAND_LABELS, current_matrix
from .sections import TEXT_SECTIONS, WEEKDAYS, basis_label, starting_risks_by_basis
from .shared_views import (
    blueprint,
    editable_case,
    person_choices,
    refuse_tampered,
    refuse_unoffered,
    show_case,
    visible_case,
)
from .snapshot import freeze

# The list and writing the case ---------------------------------------------------


_LISTS: VersionedCache[Markup] = VersionedCache(size=256)


@blueprint.get("")
@requires("write_business_case")
def index() -> str:
    db, person = get_session(), signed_in_as(Person)
    reviewer = can(person, "review_business_case")
    filters = {"q": request.args.get("q", "")[:100], "status": request.args.get("status", "")}
    page = request.args.get("page", 1, type=int) or 1
    # Every case, person and review behind the lists is most of the page's work: rendered
    # once per viewer's scope (a reviewer sees every case), search, page and change.
    html = rendered_once(
        _LISTS,
        db,
        (None if reviewer else person.id, *filters.values(), page),
        "business_cases/_index_lists.html",
        lambda: {
            "election": service.election_during_review(db) if reviewer else None,
            "flagged": service.flagged_for_election,
            "awaiting": service.awaiting_review(db) if reviewer else [],
            "due": service.reviews_due(db) if reviewer else [],
            "page": service.cases_page(db, person, search=filters["q"], status=filters["status"], page=page),
            "filters": filters,
            "states": CASE_STATES,
            "reviewer": reviewer,
            "display_status": service.display_status,
        },
    )
    return render_template("business_cases/index.html", cases_html=html)


@blueprint.route("/new", methods=["GET", "POST"])
@requires("write_business_case")
def new() -> str | WerkzeugResponse:
    me = signed_in_as(Person)
    db = get_session()
    form = StartForm()
    form.department.choices = [SelectChoice(str(d.id), d.name) for d in service.departments_for(db, me)]
    refuse_unoffered(form.department)
    if not form.department.choices:
        form.form_errors.append("You are not in a department, so you cannot start a case. Ask the Clerk.")
    elif form.validate_on_submit():
        with refusal_shown_on(form) as done:
            case = service.start_case(
                db,
                me,
                department_id=int(form.department.data),
                platform=form.platform.data,
                account_name=form.account_name.data or "",
            )
        if done:
            flash(f"Business case {case.reference} has been started as a draft.", "success")
            return show_case(case)
    return render_template("business_cases/new.html", form=form)


@blueprint.get("/<int:case_id>")
@requires("write_business_case")
def show(case_id: int) -> str:
    me = signed_in_as(Person)
    case = visible_case(case_id)
    matrix = current_matrix()
    editable = service.may_edit(me, case)
    reviewer = can(me, "review_business_case")
    election = service.election_during_review(get_session()) if reviewer else None
    return render_template(
        "business_cases/show.html",
        case=case,
        election=election if service.flagged_for_election(case.status, election) else None,
        status=service.display_status(case),
        editable=editable,
        gaps=gap_groups(gaps_in(case, matrix)) if editable else [],
        draft=freeze(case, matrix),
        heat=heat_map(freeze(case, matrix), matrix),
        matrix=matrix,
        may_review=can(me, "review_business_case") and service.may_review(me, case),
        reason_form=ReasonForm(),
        weekdays=WEEKDAYS,
        text_sections=TEXT_SECTIONS,
        band_labels=BAND_LABELS,
        basis_of=basis_label,
        starting_risks=starting_risks_by_basis(),
    )


@blueprint.route("/<int:case_id>/details", methods=["GET", "POST"])
@requires("write_business_case")
def details(case_id: int) -> str | WerkzeugResponse:
    case = editable_case(case_id)
    if not isinstance(case, BusinessCase):
        return case
    form = DetailsForm(obj=case)
    if form.validate_on_submit():
        values = {name: (form[name].data or "") for name in ("platform", "account_name", "web_address")}
        values |= {s.key: form[s.key].data or "" for s in TEXT_SECTIONS}
        with refusal_shown_on(form) as done:
            service.save_details(get_session(), signed_in_as(Person), case, values)
        if done:
            flash("The case has been saved.", "success")
            return show_case(case)
    return render_template("business_cases/details.html", case=case, form=form, text_sections=TEXT_SECTIONS)


@blueprint.route("/<int:case_id>/moderation", methods=["GET", "POST"])
@requires("write_business_case")
def moderation(case_id: int) -> str | WerkzeugResponse:
    case = editable_case(case_id)
    if not isinstance(case, BusinessCase):
        return case
    db = get_session()
    form = ModerationForm(obj=case)
    staff = person_choices(service.eligible_moderators(db), "Nobody chosen yet")
    slots = {(s.weekday, s.duty): s.person_id for s in case.moderation}
    for weekday in range(5):
        for duty in ("moderator", "cover"):
            field = form[slot_field_name(weekday, duty)]
            field.choices = staff
            if request.method == "GET":
                field.data = str(slots.get((weekday, duty), ""))
            refuse_unoffered(field)
    form.requests_logger.choices = staff
    if request.method == "GET":
        form.requests_logger.data = str(case.requests_logger_id or "")
    refuse_unoffered(form.requests_logger)
    if form.validate_on_submit():
        plan = service.ModerationPlan(
            rota={
                (weekday, duty): int(form[slot_field_name(weekday, duty)].data or 0) or None
                for weekday in range(5)
                for duty in ("moderator", "cover")
            },
            removal_target_hours=form.removal_target_hours.data,
            bank_holiday_cover=form.bank_holiday_cover.data or "",
            requests_logger_id=int(form.requests_logger.data or 0) or None,
        )
        with refusal_shown_on(form) as done:
            service.save_moderation(db, signed_in_as(Person), case, plan)
        refuse_tampered(done)
        if done:
            flash("The moderation plan has been saved.", "success")
            return show_case(case)
    return render_template(
        "business_cases/moderation.html",
        case=case,
        form=form,
        weekdays=WEEKDAYS,
        slot_field_name=slot_field_name,
        bank_holidays=service.bank_holidays_ahead(),
    )


# Submitting and withdrawing ------------------------------------------------------


@blueprint.post("/<int:case_id>/submit")
@requires("write_business_case")
def submit(case_id: int) -> WerkzeugResponse:
    case = visible_case(case_id)
    with refusal_flashed("error") as done:
        submission = service.submit(get_session(), signed_in_as(Person), case, current_matrix())
    if done:
        flash(
            f"Submission {submission.number} of {case.reference} has gone to the Clerk and the Deputy Clerk.",
            "success",
        )
    # The case page lists every gap: take the author straight to the list.
    return show_case(case, _anchor="gaps" if isinstance(done.refusal, service.CaseHasGaps) else None)


@blueprint.post("/<int:case_id>/withdraw")
@requires("write_business_case")
def withdraw(case_id: int) -> WerkzeugResponse:
    case = visible_case(case_id)
    form = ReasonForm()
    if form.validate_on_submit():
        with refusal_flashed("error") as done:
            service.withdraw(get_session(), signed_in_as(Person), case, form.reason.data or "")
        if done:
            flash(f"{case.reference} has been withdrawn.", "success")
    else:
        flash("Give the reason for withdrawing the case.", "error")
    return show_case(case)
