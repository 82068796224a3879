from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response as WerkzeugResponse
from wtforms import RadioField
from wtforms.fields.choices import SelectChoice

from portal.access import requires, signed_in
from portal.audit.need_to_know import sees_in_full
from portal.audit.service import record
from portal.db import get_session
from portal.outbox.delivery import retry as retry_message
from portal.outbox.models import OutboxMessage
from portal.people.models import Person, Role
from portal.people.service import deciding_roles

from .models import DIGEST_FREQUENCIES, NotificationPreference
from .preferences import save_digest_frequency

blueprint = Blueprint("notifications", __name__)
STATUSES = ("queued", "sent", "failed")
LISTED = 200


# Disciplinary notices ("There is something for you to read") and subject access notices:
# who receives one is who has a case, so only those who may see the case see the recipient.
NEED_TO_KNOW_KINDS = frozenset({"employment_record", "subject_access"})


@dataclass(frozen=True)
class OutboxRow:
    id: int
    created_at: datetime
    attempts: int
    sent_at: datetime | None
    hidden: bool
    to_address: str = ""
    subject: str = ""
    error: str = ""


def _rows(db: Session, viewer: Person, messages: list[OutboxMessage]) -> list[OutboxRow]:
    """The messages as this reader may see them: a need-to-know notice shows its
    recipient, subject and error only to those who may see the case in full
    (portal.audit.need_to_know); others see that it exists, its status and times."""
    confidential = [m.person_id for m in messages if m.kind in NEED_TO_KNOW_KINDS and m.person_id]
    roles = deciding_roles(db, confidential) if confidential else {}
    rows = []
    for m in messages:
        hidden = m.kind in NEED_TO_KNOW_KINDS and not (
            m.person_id is not None and sees_in_full(viewer, m.person_id, roles.get(m.person_id, frozenset()))
        )
        if hidden:
            # An SMTP error often quotes the address: leave it out, keep the reason.
            error = re.sub(re.escape(m.to_address), "[recipient]", m.last_error, flags=re.IGNORECASE)
            rows.append(OutboxRow(m.id, m.created_at, m.attempts, m.sent_at, True, error=error))
        else:
            rows.append(
                OutboxRow(
                    m.id, m.created_at, m.attempts, m.sent_at, False, m.to_address, m.subject, m.last_error
                )
            )
    return rows


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
        "notifications/outbox.html",
        status=status,
        counts=counts,
        messages=_rows(db, current_user, list(messages)),
        listed=LISTED,
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
        (row,) = _rows(db, current_user, [message])
        to = f"to {row.to_address}" if not row.hidden else f"#{message.id}"
        flash(f"The message {to} will be sent again on the next run.", "success")
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
        frequency = request.form.get("digest_frequency", "")
        if frequency not in DIGEST_FREQUENCIES:
            abort(400)
        save_digest_frequency(db, current_user, frequency)
        flash(f"The digest will come {frequency}.", "success")
        return redirect(url_for("notifications.preferences"))
    return render_template("notifications/preferences.html", form=form, gets_digest=gets_digest)
