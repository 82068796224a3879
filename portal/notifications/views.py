from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from werkzeug.wrappers import Response as WerkzeugResponse
from wtforms import RadioField
from wtforms.fields.choices import SelectChoice

from portal.access import requires, signed_in
from portal.audit.service import record
from portal.db import get_session
from portal.people.models import Role

from .delivery import retry as retry_message
from .models import DIGEST_FREQUENCIES, NotificationPreference, OutboxMessage

blueprint = Blueprint("notifications", __name__)
STATUSES = ("queued", "sent", "failed")
LISTED = 200


@blueprint.get("/outbox")
@requires("view_outbox")
def outbox() -> str:
    db = get_session()
    status = request.args.get("status", "failed")
    if status not in STATUSES:
        abort(404)
    counts = dict(db.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all())
    messages = db.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.status == status)
        .order_by(OutboxMessage.id.desc())
        .limit(LISTED)
    )
    return render_template(
        "notifications/outbox.html", status=status, counts=counts, messages=list(messages), listed=LISTED
    )


@blueprint.post("/outbox/<int:message_id>/retry")
@requires("view_outbox")
def retry(message_id: int) -> WerkzeugResponse:
    db = get_session()
    message = db.get(OutboxMessage, message_id)
    if message is None:
        abort(404)
    if message.status == "failed":
        retry_message(db, message)
        record(
            db,
            actor=current_user,
            action="notifications.retried",
            object_type="outbox_message",
            object_id=message.id,
        )
        flash(f"The message to {message.to_address} will be sent again on the next run.", "success")
    return redirect(url_for("notifications.outbox", status="failed"))


class PreferencesForm(FlaskForm):
    digest_frequency = RadioField(
        "How often the digest comes",
        choices=[SelectChoice(f, f.capitalize()) for f in DIGEST_FREQUENCIES],
    )


@blueprint.route("/account/notifications", methods=["GET", "POST"])
@signed_in
def preferences() -> str | WerkzeugResponse:
    db = get_session()
    saved = db.get(NotificationPreference, current_user.id)
    form = PreferencesForm(data={"digest_frequency": saved.digest_frequency if saved else "weekly"})
    gets_digest = Role.TOWN_CLERK in current_user.roles
    if gets_digest and form.validate_on_submit():
        if request.form.get("digest_frequency") not in DIGEST_FREQUENCIES:
            abort(400)
        if saved is None:
            saved = NotificationPreference(person_id=current_user.id)
            db.add(saved)
        saved.digest_frequency = request.form["digest_frequency"]
        record(
            db,
            actor=current_user,
            action="notifications.preferences_saved",
            object_type="person",
            object_id=current_user.id,
            details={"digest_frequency": saved.digest_frequency},
        )
        flash(f"The digest will come {saved.digest_frequency}.", "success")
        return redirect(url_for("notifications.preferences"))
    return render_template("notifications/preferences.html", form=form, gets_digest=gets_digest)
