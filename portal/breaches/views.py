"""The breach records pages: the list, recording a breach, the record page and what is
done on it. Rules live in service.py and retention.py."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as WerkzeugResponse
from wtforms.fields.choices import SelectChoice

from portal.access import requires, signed_in, signed_in_as
from portal.db import get_session, writes_on_get
from portal.downloads import pdf_download
from portal.forms import offer_policies, refusal_shown_on, sections_typed
from portal.people.models import Person
from portal.people.service import all_routes, person_named_in_form, words_for
from portal.policies.service import get_policy, list_policies

from . import retention, service
from .forms import CloseForm, HoldForm, OpenRecordForm, ReferralForm
from .models import OUTCOMES, REFERRED_TO_HINT, BreachRecord

blueprint = Blueprint("breaches", __name__, url_prefix="/breaches")


@blueprint.get("")
@signed_in
def index() -> str:
    g.personal_data = True
    db = get_session()
    page = service.records_handled_by(
        db, signed_in_as(Person), page=request.args.get("page", 1, type=int) or 1
    )
    return render_template("breaches/index.html", page=page, routes=all_routes(db), words_for=words_for)


@blueprint.route("/new", methods=["GET", "POST"])
@requires("manage_breach_records")
def new() -> str | WerkzeugResponse:
    g.personal_data = True
    db = get_session()
    form = OpenRecordForm()
    offer_policies(form, ((p.slug, p.title) for p in list_policies(db)))
    if form.validate_on_submit():
        assert form.incident_date.data
        with refusal_shown_on(form) as done:
            found = service.open_record(
                db,
                signed_in_as(Person),
                service.Concern(
                    subject=person_named_in_form(db, form.subject_email.data or "", field="subject_email"),
                    allegation=form.allegation.data or "",
                    incident_date=form.incident_date.data,
                    policy=get_policy(db, form.policy.data),
                    sections=sections_typed(form.sections),
                    handler=person_named_in_form(db, form.handler_email.data or "", field="handler_email"),
                ),
            )
        if done:
            flash(
                f"Breach record {found.reference} has been opened and the evidence frozen. "
                f"The route is {found.route_label}.",
                "success",
            )
            return redirect(url_for("breaches.show", record_id=found.id))
    return render_template("breaches/new.html", form=form)


def handled_record(record_id: int) -> BreachRecord:
    """The record, for someone who may handle it; anyone else gets 404 for every id."""
    g.personal_data = True
    found = service.get_record(get_session(), record_id)
    if not service.may_handle(signed_in_as(Person), found):
        abort(404)
    return found


def show_record(found: BreachRecord, **forms: Any) -> str:
    """The record page, with a refused form shown with its errors."""
    close = forms.get("close_form") or CloseForm(prefix="close")
    close.outcome.choices = [SelectChoice("", "Choose what came of it")] + [
        SelectChoice(kind, label) for kind, label in OUTCOMES[found.route].items()
    ]
    return render_template(
        "breaches/show.html",
        record=found,
        referred_to_hint=REFERRED_TO_HINT.get(found.route, ""),
        evidence=json.loads(found.evidence.content) if found.evidence else None,
        kept_until=retention.kept_until(found, retention.configured_months()),
        referral_form=forms.get("referral_form") or ReferralForm(prefix="referral"),
        close_form=close,
        hold_form=forms.get("hold_form") or HoldForm(prefix="hold"),
    )


@blueprint.get("/<int:record_id>")
@writes_on_get  # records who looked (an audit event)
@signed_in
def show(record_id: int) -> str:
    found = handled_record(record_id)
    service.record_view(get_session(), signed_in_as(Person), found)
    return show_record(found)


@blueprint.post("/<int:record_id>/referral")
@signed_in
def referral(record_id: int) -> str | WerkzeugResponse:
    found = handled_record(record_id)
    form = ReferralForm(prefix="referral")
    if form.validate_on_submit():
        assert form.referred_on.data
        with refusal_shown_on(form) as done:
            service.record_referral(
                get_session(),
                signed_in_as(Person),
                found,
                referred_on=form.referred_on.data,
                referred_to=form.referred_to.data or "",
            )
        if done:
            flash(f"The referral of {found.reference} has been recorded.", "success")
            return redirect(url_for("breaches.show", record_id=found.id))
    return show_record(found, referral_form=form)


@blueprint.post("/<int:record_id>/close")
@signed_in
def close(record_id: int) -> str | WerkzeugResponse:
    found = handled_record(record_id)
    form = CloseForm(prefix="close")
    form.outcome.choices = [SelectChoice(kind, label) for kind, label in OUTCOMES[found.route].items()]
    if form.validate_on_submit():
        assert form.closed_on.data
        with refusal_shown_on(form) as done:
            service.close_record(
                get_session(),
                signed_in_as(Person),
                found,
                closed_on=form.closed_on.data,
                outcome=form.outcome.data or "",
                notes=form.notes.data or "",
            )
        if done:
            flash(f"Breach record {found.reference} has been closed.", "success")
            return redirect(url_for("breaches.show", record_id=found.id))
    return show_record(found, close_form=form)


@blueprint.post("/<int:record_id>/hold")
@requires("manage_breach_records")
def place_hold(record_id: int) -> str | WerkzeugResponse:
    found = handled_record(record_id)
    form = HoldForm(prefix="hold")
    if form.validate_on_submit():
        with refusal_shown_on(form) as done:
            retention.place_hold(get_session(), signed_in_as(Person), found, form.reason.data or "")
        if done:
            flash("The record is under a legal hold: the retention schedule will keep it.", "success")
            return redirect(url_for("breaches.show", record_id=found.id))
    return show_record(found, hold_form=form)


@blueprint.post("/<int:record_id>/hold/lift")
@requires("manage_breach_records")
def lift_hold(record_id: int) -> WerkzeugResponse:
    found = handled_record(record_id)
    retention.lift_hold(get_session(), signed_in_as(Person), found)
    flash("The legal hold has been lifted.", "success")
    return redirect(url_for("breaches.show", record_id=found.id))


@blueprint.get("/<int:record_id>/evidence/receipt.pdf")
@signed_in
def evidence_receipt(record_id: int) -> Response:
    found = handled_record(record_id)
    if found.evidence is None or found.evidence.receipt_pdf is None:
        abort(404)
    return pdf_download(found.evidence.receipt_pdf, f"{found.reference}-receipt.pdf")
