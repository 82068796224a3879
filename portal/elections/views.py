"""The elections pages (the Town Clerk's): the list, recording an election, and one
election with its correction and cancellation. Rules live in service.py.

Also the templates' `pre_election_restraint()`, which the authorisation pages call to
show the banner of a period that is on (service.period_on)."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as WerkzeugResponse

from portal.access import requires, signed_in_as
from portal.clock import today
from portal.db import get_session
from portal.forms import refusal_shown_on
from portal.people.models import Person

from . import service
from .forms import CancelForm, ElectionForm
from .models import Election

blueprint = Blueprint("elections", __name__, url_prefix="/elections")


@blueprint.app_template_global()
def pre_election_restraint() -> service.Restraint | None:
    """The banner for today's period, or None; asked once per request however many
    times a page asks."""
    if "pre_election_restraint" not in g:
        election = service.period_on(get_session())
        g.pre_election_restraint = service.restraint(election) if election else None
    restraint: service.Restraint | None = g.pre_election_restraint
    return restraint


def _details(form: ElectionForm) -> service.ElectionDetails:
    assert form.poll_on.data
    return service.ElectionDetails(
        kind=form.kind.data or "",
        title=form.title.data or "",
        poll_on=form.poll_on.data,
        period_starts_on=form.period_starts_on.data,
    )


@blueprint.get("")
@requires("record_elections")
def index() -> str:
    page = service.elections_page(get_session(), request.args.get("page", 1, type=int) or 1)
    return render_template("elections/index.html", page=page, on=today())


@blueprint.route("/new", methods=["GET", "POST"])
@requires("record_elections")
def new() -> str | WerkzeugResponse:
    form = ElectionForm()
    if form.validate_on_submit():
        with refusal_shown_on(form) as done:
            election = service.record_election(get_session(), signed_in_as(Person), _details(form))
        if done:
            flash(
                f"{election.title} has been recorded. Its pre-election period starts on "
                f"{election.period_starts_on.strftime('%-d %B %Y')}.",
                "success",
            )
            return redirect(url_for("elections.show", election_id=election.id))
    return render_template("elections/new.html", form=form)


def _show(
    election: Election, correct_form: ElectionForm | None = None, cancel_form: CancelForm | None = None
) -> str:
    if correct_form is None:
        correct_form = ElectionForm(formdata=None, prefix="correct")
        correct_form.kind.data, correct_form.title.data = election.kind, election.title
        correct_form.poll_on.data = election.poll_on
        # A start the portal worked out is left blank, so it follows a moved polling day.
        correct_form.period_starts_on.data = election.period_starts_on if election.start_given else None
    return render_template(
        "elections/show.html",
        election=election,
        correct_form=correct_form,
        cancel_form=cancel_form or CancelForm(formdata=None, prefix="cancel"),
        # The form that was posted and refused, whose errors the page leads with.
        refused=cancel_form if cancel_form is not None else correct_form if correct_form.errors else None,
        on=today(),
    )


@blueprint.get("/<int:election_id>")
@requires("record_elections")
def show(election_id: int) -> str:
    return _show(service.get_election(get_session(), election_id))


@blueprint.post("/<int:election_id>/correct")
@requires("record_elections")
def correct(election_id: int) -> str | WerkzeugResponse:
    election = service.get_election(get_session(), election_id)
    form = ElectionForm(prefix="correct")
    if form.validate_on_submit():
        with refusal_shown_on(form) as done:
            service.correct_election(get_session(), signed_in_as(Person), election, _details(form))
        if done:
            flash("The election has been corrected.", "success")
            return redirect(url_for("elections.show", election_id=election.id))
    return _show(election, correct_form=form)


@blueprint.post("/<int:election_id>/cancel")
@requires("record_elections")
def cancel(election_id: int) -> str | WerkzeugResponse:
    election = service.get_election(get_session(), election_id)
    form = CancelForm(prefix="cancel")
    if form.validate_on_submit():
        with refusal_shown_on(form) as done:
            service.cancel_election(get_session(), signed_in_as(Person), election, form.reason.data or "")
        if done:
            flash("The election has been cancelled. Its pre-election period no longer applies.", "success")
            return redirect(url_for("elections.show", election_id=election.id))
    return _show(election, cancel_form=form)
