"""Business case pages for review: taking a case into review, the decision, and the
frozen submissions and decision letters (routes on the blueprint in shared_views.py)."""

from __future__ import annotations

import json

from flask import Response, flash, redirect, render_template, url_for
from werkzeug.wrappers import Response as WerkzeugResponse

from portal.access import requires, signed_in_as
from portal.clock import today
from portal.db import get_session
from portal.downloads import pdf_download
from portal.forms import refusal_flashed, refusal_shown_on
from portal.people.models import Person

from . import service
from .documents import heat_map, render_case_pdf
from .forms import DecisionForm
from .risk import current_matrix
from .sections import REVIEW_SECTIONS
from .shared_views import blueprint, refuse_tampered, refuse_unoffered, show_case, visible_case
from .snapshot import changes_between, readable_parts


@blueprint.post("/<int:case_id>/review")
@requires("review_business_case")
def start_review(case_id: int) -> WerkzeugResponse:
    case = service.get_case(get_session(), case_id)
    with refusal_flashed("error") as done:
        service.start_review(get_session(), signed_in_as(Person), case)
    if not done:
        return show_case(case)
    return redirect(url_for("business_cases.decide", case_id=case.id))


@blueprint.route("/<int:case_id>/decide", methods=["GET", "POST"])
@requires("review_business_case")
def decide(case_id: int) -> str | WerkzeugResponse:
    me = signed_in_as(Person)
    db = get_session()
    case = service.get_case(db, case_id)
    if case.status != "in_review" or not case.reviews:
        flash("Start the review before deciding.", "error")
        return show_case(case)
    current = case.reviews[-1]
    form = DecisionForm()
    content = json.loads(current.submission.content)
    refuse_unoffered(form.outcome)
    if form.validate_on_submit():
        details = service.DecisionDetails(
            outcome=form.outcome.data,
            comments={s.key: form[f"comment_{s.key}"].data or "" for s in REVIEW_SECTIONS},
            conditions=form.conditions.data or "",
            next_review_on=form.next_review_on.data,
        )
        with refusal_shown_on(form) as done:
            decision = service.decide(db, me, case, details)
        refuse_tampered(done)
        if done:
            flash(f"{case.reference}: {service.OUTCOME_MESSAGES[decision.outcome]}", "success")
            return show_case(case)
    previous = service.previous_submission(case, current.submission.number)
    election = service.election_during_review(db)
    return render_template(
        "business_cases/decide.html",
        case=case,
        election=election if service.flagged_for_election(case.status, election) else None,
        form=form,
        submission=current.submission,
        parts=readable_parts(content),
        changes=changes_between(json.loads(previous.content), content) if previous else None,
        sections=REVIEW_SECTIONS,
        default_review=service.default_review_date(content, today()),
        may_review=service.may_review(me, case),
        heat=heat_map(content, current_matrix()),
    )


@blueprint.get("/<int:case_id>/submissions/<int:number>")
@requires("write_business_case")
def submission(case_id: int, number: int) -> str:
    case = visible_case(case_id)
    found = service.get_submission(case, number)
    content = json.loads(found.content)
    previous = service.previous_submission(case, number)
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
    case = visible_case(case_id)
    found = service.get_submission(case, number)
    return pdf_download(
        render_case_pdf(case, found, current_matrix()), f"{case.reference}-submission-{number}.pdf"
    )


@blueprint.get("/<int:case_id>/reviews/<int:review_id>/letter.pdf")
@requires("write_business_case")
def letter(case_id: int, review_id: int) -> Response:
    case = visible_case(case_id)
    found = service.get_decided_review(case, review_id)
    assert found.decision is not None
    return pdf_download(found.decision.letter_pdf, f"{case.reference}-decision-{found.id}.pdf")
