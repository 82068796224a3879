from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as WerkzeugResponse

from portal.access import requires, signed_in, signed_in_as
from portal.db import get_session
from portal.people.models import Person

from . import service
from .forms import PreferencesForm
from .models import DIGEST_FREQUENCIES

blueprint = Blueprint("notifications", __name__)


@blueprint.get("/outbox")
@requires("view_outbox")
def outbox() -> str:
    status = request.args.get("status", "failed")
    if status not in service.STATUSES:
        abort(404)
    search = request.args.get("q", "")
    found = service.outbox_page(
        get_session(), signed_in_as(Person), status, search=search, page=request.args.get("page", 1, type=int)
    )
    return render_template(
        "notifications/outbox.html",
        status=status,
        counts=found.counts,
        messages=found.rows,
        page=found.page,
        filters={"status": status, "q": search},
    )


@blueprint.post("/outbox/<int:message_id>/retry")
@requires("view_outbox")
def retry(message_id: int) -> WerkzeugResponse:
    row = service.retry(get_session(), signed_in_as(Person), message_id)
    if row is not None:
        to = f"to {row.to_address}" if not row.hidden else f"#{row.id}"
        flash(f"The message {to} will be sent again on the next run.", "success")
    return redirect(url_for("notifications.outbox", status="failed"))


@blueprint.route("/account/notifications", methods=["GET", "POST"])
@signed_in
def preferences() -> str | WerkzeugResponse:
    me = signed_in_as(Person)
    db = get_session()
    form = PreferencesForm(data={"digest_frequency": service.digest_frequency(db, me)})
    gets_digest = service.gets_digest(me)
    if gets_digest and form.validate_on_submit():
        frequency = request.form.get("digest_frequency", "")
        if frequency not in DIGEST_FREQUENCIES:
            abort(400)
        service.save_digest_frequency(db, me, frequency)
        flash(f"The digest will come {frequency}.", "success")
        return redirect(url_for("notifications.preferences"))
    return render_template("notifications/preferences.html", form=form, gets_digest=gets_digest)
