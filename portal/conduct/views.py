"""The disciplinary records pages: the list, opening a case, the case page and what is
done on it. The hearing, its letters and the appeal hearing are in hearing_views.py."""

from __future__ import annotations

from collections.abc import Callable

from flask import Response, abort, flash, g, redirect, render_template, request, url_for
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response as WerkzeugResponse

from portal.access import requires, signed_in, signed_in_as
from portal.clock import today
from portal.db import get_session, writes_on_get
from portal.downloads import pdf_download
from portal.forms import offer_policies, refusal_shown_on, sections_typed
from portal.people.models import Person
from portal.people.service import person_named_in_form
from portal.policies.service import get_policy, list_policies

from . import hearing_views, retention, service  # noqa: F401 (hearing_views' routes join the blueprint)
from .forms import AppealForm, HoldForm, LinkReceiptForm, MeetingForm, OpenCaseForm, OutcomeForm
from .models import STAGE_LABELS, DisciplinaryCase
from .pack import build_pack, check_copy
from .shared_views import blueprint, case_words, handled_case, show_case


@blueprint.get("")
@signed_in
def index() -> str:
    me = signed_in_as(Person)
    g.personal_data = True
    db = get_session()
    return render_template(
        "conduct/index.html",
        handled=service.cases_handled_by(db, me),
        mine=service.cases_about(db, me),
        stage_labels=STAGE_LABELS,
    )


@blueprint.route("/new", methods=["GET", "POST"])
@requires("manage_disciplinary_records")
def new() -> str | WerkzeugResponse:
    g.personal_data = True
    db = get_session()
    form = OpenCaseForm()
    offer_policies(form, ((p.slug, p.title) for p in list_policies(db)))
    if form.validate_on_submit():
        assert form.incident_date.data
        with refusal_shown_on(form) as done:
            subject = person_named_in_form(db, form.subject_email.data or "", field="subject_email")
            officer = person_named_in_form(
                db, form.investigating_officer_email.data or "", field="investigating_officer_email"
            )
            case = service.open_case(
                db,
                signed_in_as(Person),
                service.Allegation(
                    subject=subject,
                    allegation=form.allegation.data or "",
                    incident_date=form.incident_date.data,
                    policy=get_policy(db, form.policy.data),
                    sections=sections_typed(form.sections),
                    investigating_officer=officer,
                ),
            )
        if done:
            flash(f"Case {case.reference} has been opened and the evidence frozen.", "success")
            return redirect(url_for("conduct.show", case_id=case.id))
    return render_template("conduct/new.html", form=form)


@blueprint.get("/<int:case_id>")
@writes_on_get  # records who looked (an audit event)
@signed_in
def show(case_id: int) -> str:
    me = signed_in_as(Person)
    db = get_session()
    g.personal_data = True
    found = service.get_case(db, case_id)
    if found.subject_id == me.id:
        service.record_view(db, me, found, as_subject=True)
        return render_template("conduct/mine.html", **case_words(found))
    if not service.may_handle(me, found):
        abort(404)
    service.record_view(db, me, found, as_subject=False)
    return show_case(found)


@blueprint.post("/<int:case_id>/meetings")
@signed_in
def add_meeting(case_id: int) -> str | WerkzeugResponse:
    case = handled_case(case_id)
    form = MeetingForm(prefix="meeting")
    if form.validate_on_submit():
        assert form.held_on.data
        with refusal_shown_on(form) as done:
            service.add_meeting(
                get_session(),
                signed_in_as(Person),
                case,
                held_on=form.held_on.data,
                title=form.title.data or "",
                notes=form.notes.data or "",
            )
        if done:
            flash("The meeting has been added.", "success")
            return redirect(url_for("conduct.show", case_id=case.id))
    return show_case(case, meeting_form=form)


@blueprint.post("/<int:case_id>/meetings/<int:meeting_id>/share")
@signed_in
def share_notes(case_id: int, meeting_id: int) -> WerkzeugResponse:
    case = handled_case(case_id)
    service.share_notes(get_session(), signed_in_as(Person), case, meeting_id, today())
    flash("The notes are now shared with the employee.", "success")
    return redirect(url_for("conduct.show", case_id=case.id))


@blueprint.post("/<int:case_id>/outcome")
@signed_in
def outcome(case_id: int) -> str | WerkzeugResponse:
    case = handled_case(case_id)
    form = OutcomeForm(prefix="outcome")
    if form.validate_on_submit():
        assert form.decided_on.data
        with refusal_shown_on(form) as done:
            service.record_outcome(
                get_session(),
                signed_in_as(Person),
                case,
                service.Outcome(
                    stage=form.stage.data,
                    outcome=form.outcome.data or "",
                    reasons=form.reasons.data or "",
                    decided_on=form.decided_on.data,
                    companion_kind=form.companion_kind.data or "",
                    companion_name=form.companion_name.data or "",
                    warning_live_until=form.warning_live_until.data,
                    gross_misconduct_reason=form.gross_misconduct_reason.data or "",
                    improvement_needed=form.improvement_needed.data or "",
                    improvement_by=form.improvement_by.data,
                ),
            )
        if done:
            flash(
                f"The outcome of {case.reference} has been recorded and the outcome letter issued.", "success"
            )
            return redirect(url_for("conduct.show", case_id=case.id))
    return show_case(case, outcome_form=form)


@blueprint.post("/<int:case_id>/appeal")
@signed_in
def appeal(case_id: int) -> str | WerkzeugResponse:
    case = handled_case(case_id)
    form = AppealForm(prefix="appeal")
    if form.validate_on_submit():
        assert form.lodged_on.data
        with refusal_shown_on(form) as done:
            service.record_appeal(
                get_session(),
                signed_in_as(Person),
                case,
                service.Appeal(lodged_on=form.lodged_on.data, late_reason=form.late_reason.data or ""),
            )
        if done:
            flash("The appeal has been recorded.", "success")
            return redirect(url_for("conduct.show", case_id=case.id))
    return show_case(case, appeal_form=form)


@blueprint.post("/<int:case_id>/packs")
@signed_in
def make_pack(case_id: int) -> WerkzeugResponse:
    case = handled_case(case_id)
    pack = build_pack(get_session(), signed_in_as(Person), case)
    flash(f"An evidence pack has been made. Its SHA-256 is {pack.sha256}.", "success")
    return redirect(url_for("conduct.show", case_id=case.id))


@blueprint.get("/<int:case_id>/packs/<int:pack_id>.pdf")
@signed_in
def pack_pdf(case_id: int, pack_id: int) -> Response:
    case = handled_case(case_id)
    found = next((p for p in case.packs if p.id == pack_id), None)
    if found is None:
        abort(404)
    return pdf_download(found.pdf, f"{case.reference}-evidence-pack-{found.id}.pdf")


@blueprint.post("/<int:case_id>/packs/check")
@signed_in
def check_pack(case_id: int) -> WerkzeugResponse:
    case = handled_case(case_id)
    upload = request.files.get("pack")
    content = upload.read() if upload else b""
    if not content:
        flash("Choose the PDF to check.", "error")
    else:
        checked = check_copy(get_session(), case, content)
        flash(checked.report(), "success" if checked.passed else "error")
    return redirect(url_for("conduct.show", case_id=case.id))


@blueprint.get("/<int:case_id>/evidence/receipt.pdf")
@signed_in
def evidence_receipt(case_id: int) -> Response:
    case = handled_case(case_id)
    if case.evidence is None or case.evidence.receipt_pdf is None:
        abort(404)
    return pdf_download(case.evidence.receipt_pdf, f"{case.reference}-receipt.pdf")


@blueprint.post("/<int:case_id>/receipts")
@signed_in
def link_receipt(case_id: int) -> str | WerkzeugResponse:
    case = handled_case(case_id)
    form = LinkReceiptForm(prefix="link")
    if form.validate_on_submit():
        with refusal_shown_on(form) as done:
            link = service.link_receipt(get_session(), signed_in_as(Person), case, form.code.data or "")
        if done:
            flash(f"Receipt {link.receipt.code} has been linked to the case.", "success")
            return redirect(url_for("conduct.show", case_id=case.id))
    return show_case(case, link_form=form)


# Placing or lifting a legal hold: what `_hold` runs.
HoldChange = Callable[[Session, Person, DisciplinaryCase, str], None]


def _hold(case_id: int, action: HoldChange, done: str) -> str | WerkzeugResponse:
    case = handled_case(case_id)
    form = HoldForm(prefix="hold")
    if form.validate_on_submit():
        with refusal_shown_on(form) as held:
            action(get_session(), signed_in_as(Person), case, form.reason.data or "")
        if held:
            flash(done, "success")
            return redirect(url_for("conduct.show", case_id=case.id))
    return show_case(case, hold_form=form)


@blueprint.post("/<int:case_id>/hold")
@requires("manage_disciplinary_records")
def place_hold(case_id: int) -> str | WerkzeugResponse:
    return _hold(
        case_id, retention.place_hold, "The case is under a legal hold: the retention schedule will keep it."
    )


@blueprint.post("/<int:case_id>/hold/lift")
@requires("manage_disciplinary_records")
def lift_hold(case_id: int) -> str | WerkzeugResponse:
    return _hold(case_id, retention.lift_hold, "The legal hold has been lifted.")
