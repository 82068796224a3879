"""The hearing and the appeal hearing, and the letters to the employee (routes on the
blueprint in shared_views.py)."""

from __future__ import annotations

import re

from flask import Response, abort, flash, g, redirect, url_for
from werkzeug.wrappers import Response as WerkzeugResponse

from portal.access import signed_in, signed_in_as
from portal.db import get_session
from portal.downloads import pdf_download
from portal.forms import refusal_shown_on
from portal.people.models import Person
from portal.people.service import person_named_in_form

from . import service
from .forms import AppealHearingForm, HearersForm, HearingForm
from .shared_views import blueprint, handled_case, show_case


def _hearers(form: HearersForm) -> service.Hearers:
    """Who the form names to hear it: each email address must be someone's (a message
    beside the field if not); the service judges whether they may."""
    db = get_session()
    if form.heard_by.data == "officer":
        officer = (form.officer_email.data or "").strip()
        people = [person_named_in_form(db, officer, field="officer_email")] if officer else []
    else:
        emails = [e for e in re.split(r"[\s,;]+", form.panel_emails.data or "") if e]
        people = [person_named_in_form(db, email, field="panel_emails") for email in emails]
    return service.Hearers(
        by=form.heard_by.data or "", people=people, reason=form.independence_reason.data or ""
    )


@blueprint.post("/<int:case_id>/hearing")
@signed_in
def arrange_hearing(case_id: int) -> str | WerkzeugResponse:
    case = handled_case(case_id)
    form = HearingForm(prefix="hearing")
    if form.validate_on_submit():
        assert form.hearing_on.data and form.hearing_time.data
        with refusal_shown_on(form) as done:
            service.arrange_hearing(
                get_session(),
                signed_in_as(Person),
                case,
                service.Hearing(
                    on=form.hearing_on.data,
                    at=form.hearing_time.data,
                    place=form.place.data or "",
                    evidence=form.evidence.data or "",
                    possible_outcome=form.possible_outcome.data or "",
                    hearers=_hearers(form),
                ),
            )
        if done:
            flash(
                "The hearing has been arranged and the invitation issued. The employee has been told "
                "there is a letter to read.",
                "success",
            )
            return redirect(url_for("conduct.show", case_id=case.id))
    return show_case(case, hearing_form=form)


@blueprint.post("/<int:case_id>/appeal/hearing")
@signed_in
def appeal_hearing(case_id: int) -> str | WerkzeugResponse:
    case = handled_case(case_id)
    form = AppealHearingForm(prefix="appeal_hearing")
    if form.validate_on_submit():
        assert form.heard_on.data
        with refusal_shown_on(form) as done:
            service.record_appeal_hearing(
                get_session(),
                signed_in_as(Person),
                case,
                service.AppealHearing(
                    heard_on=form.heard_on.data,
                    hearers=_hearers(form),
                    companion_kind=form.companion_kind.data or "",
                    companion_name=form.companion_name.data or "",
                    outcome=form.outcome.data or "",
                    result=form.result.data or "",
                ),
            )
        if done:
            flash("The appeal's outcome has been recorded and the letter issued.", "success")
            return redirect(url_for("conduct.show", case_id=case.id))
    return show_case(case, appeal_hearing_form=form)


@blueprint.get("/<int:case_id>/letters/<int:letter_id>.pdf")
@signed_in
def letter_pdf(case_id: int, letter_id: int) -> Response:
    """A letter as issued: for those who handle the case, and for the employee it was
    sent to. Anyone else gets 404, as for the case itself."""
    me = signed_in_as(Person)
    g.personal_data = True
    case = service.get_case(get_session(), case_id)
    if case.subject_id != me.id and not service.may_handle(me, case):
        abort(404)
    found = next((letter for letter in case.letters if letter.id == letter_id), None)
    if found is None:
        abort(404)
    return pdf_download(found.pdf, f"{case.reference}-{found.kind.replace('_', '-')}-{found.id}.pdf")
