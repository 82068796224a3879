"""The information requests pages: logging a request (anyone), the handlers' list, and a
request with its clock and the steps of its handling. Rules live in service.py."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response as WerkzeugResponse
from wtforms.fields.choices import SelectChoice

from portal.access import signed_in, signed_in_as
from portal.authorisations.service import active_channels
from portal.clock import LONDON, today
from portal.db import get_session, writes_on_get
from portal.forms import posted_id, refusal_shown_on
from portal.people.models import Person
from portal.people.service import person_named_in_form

from . import service
from .deadlines import can_be_extended, clock_of
from .forms import OTHER, AnswerForm, DayForm, ExtendForm, IdentityForm, LogRequestForm
from .models import OUTCOMES, InformationRequest

blueprint = Blueprint("information_requests", __name__, url_prefix="/information-requests")


def _handles_any(person: Any) -> bool:
    return bool({r.value for r in person.roles} & {"town_clerk", "hr"})


@blueprint.get("")
@signed_in
def index() -> str:
    me = signed_in_as(Person)
    g.personal_data = True
    db = get_session()
    status = request.args.get("status", "open")
    page = None
    if _handles_any(me):
        page = service.requests_handled_by(
            db, me, status=status, page=request.args.get("page", 1, type=int) or 1
        )
    return render_template(
        "information_requests/index.html",
        page=page,
        status=status,
        clocks={r.id: clock_of(r) for r in page.items} if page else {},
        mine=service.logged_by(db, me),
        role_names=service.ROLE_NAMES,
        on=today(),
    )


@blueprint.route("/new", methods=["GET", "POST"])
@signed_in
def new() -> str | WerkzeugResponse:
    db = get_session()
    form = LogRequestForm()
    form.channel.choices = (
        [SelectChoice("", "Choose where it arrived")]
        + [SelectChoice(str(c.id), c.label) for c in active_channels(db)]
        + [SelectChoice(OTHER, "Another way (say how below)")]
    )
    if request.method == "GET":
        now = datetime.now(LONDON)
        form.received_on.data, form.received_time.data = (
            now.date(),
            now.time().replace(second=0, microsecond=0),
        )
    if form.validate_on_submit():
        assert form.received_on.data and form.received_time.data
        with refusal_shown_on(form) as done:
            about_email = (form.about_email.data or "").strip()
            found = service.log_request(
                db,
                signed_in_as(Person),
                service.Arrival(
                    kind=form.kind.data or "",
                    channel_id=posted_id(form.channel.data) if form.channel.data != OTHER else None,
                    other_channel=form.other_channel.data or "",
                    received_at=datetime.combine(
                        form.received_on.data, form.received_time.data, tzinfo=LONDON
                    ),
                    requester=form.requester.data or "",
                    words=form.words.data or "",
                    about=person_named_in_form(db, about_email, field="about_email") if about_email else None,
                ),
            )
        if done:
            flash(
                f"Request {found.reference} has been logged and handed to "
                f"{service.ROLE_NAMES[found.handler_role]}, who have been emailed.",
                "success",
            )
            return redirect(url_for("information_requests.index"))
    return render_template("information_requests/new.html", form=form)


def handled_request(request_id: int) -> InformationRequest:
    """The request, for someone who may handle it; anyone else gets 404 for every id."""
    g.personal_data = True
    found = service.get_request(get_session(), request_id)
    if not service.may_handle(signed_in_as(Person), found):
        abort(404)
    return found


# Each step of the handling: its form, what it does, and what the page then says.
Step = tuple[type[FlaskForm], Callable[..., None], str]
STEPS: dict[str, Step] = {
    "acknowledged": (
        DayForm,
        lambda db, me, r, f: service.acknowledge(db, me, r, f.on.data),
        "The acknowledgement has been recorded.",
    ),
    "clarification-asked": (
        DayForm,
        lambda db, me, r, f: service.ask_clarification(db, me, r, f.on.data),
        "The request for clarification has been recorded: the clock stops until it arrives.",
    ),
    "clarification-received": (
        DayForm,
        lambda db, me, r, f: service.clarification_received(db, me, r, f.on.data),
        "The clarification has been recorded: 20 working days run again from that day.",
    ),
    "identity-requested": (
        DayForm,
        lambda db, me, r, f: service.ask_identity(db, me, r, f.on.data),
        "The identity check has been recorded: the month starts when it is confirmed.",
    ),
    "identity-confirmed": (
        IdentityForm,
        lambda db, me, r, f: service.confirm_identity(db, me, r, f.on.data, f.method.data or ""),
        "Their identity is confirmed: the month runs from that day.",
    ),
    "extended": (
        ExtendForm,
        lambda db, me, r, f: service.extend(db, me, r, f.on.data, f.reason.data or ""),
        "The extension has been recorded, with the new date.",
    ),
    "answered": (
        AnswerForm,
        lambda db, me, r, f: service.answer(db, me, r, f.on.data, f.outcome.data or "", f.notes.data or ""),
        "The answer has been recorded and the request closed.",
    ),
}


def _form(step: str, found: InformationRequest, posted: bool = False) -> FlaskForm:
    form_class = STEPS[step][0]
    form = (
        form_class(prefix=step.replace("-", "_"))
        if posted
        else form_class(prefix=step.replace("-", "_"), formdata=None)
    )
    if isinstance(form, AnswerForm):
        form.outcome.choices = [SelectChoice("", "Choose the outcome")] + [
            SelectChoice(k, v) for k, v in OUTCOMES[found.kind].items()
        ]
    return form


def show_request(found: InformationRequest, refused: tuple[str, FlaskForm] | None = None) -> str:
    forms = {step: _form(step, found) for step in STEPS}
    if refused is not None:
        forms[refused[0]] = refused[1]
    return render_template(
        "information_requests/show.html",
        found=found,
        clock=clock_of(found),
        can_extend=can_be_extended(found),
        forms=forms,
        refused=refused[1] if refused else None,
        role_names=service.ROLE_NAMES,
        on=today(),
    )


@blueprint.get("/<int:request_id>")
@writes_on_get  # records who looked (an audit event)
@signed_in
def show(request_id: int) -> str:
    found = handled_request(request_id)
    service.record_view(get_session(), signed_in_as(Person), found)
    return show_request(found)


@blueprint.post("/<int:request_id>/<step>")
@signed_in
def act(request_id: int, step: str) -> str | WerkzeugResponse:
    found = handled_request(request_id)
    if step not in STEPS:
        abort(404)
    form = _form(step, found, posted=True)
    if form.validate_on_submit():
        with refusal_shown_on(form) as done:
            STEPS[step][1](get_session(), signed_in_as(Person), found, form)
        if done:
            flash(STEPS[step][2], "success")
            return redirect(url_for("information_requests.show", request_id=found.id))
    return show_request(found, (step, form))
