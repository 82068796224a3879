"""Sent emails in the retention schedule (UK GDPR Art. 5(1)(c) and (e)).

A message stays whole for `outbox` months (default 12) after it was queued, long enough
to show that a reminder or a notice went and what it said. Then its address, subject,
words and attachment are blanked, but the row and its dedupe key stay: the reminders run
looks the key up to send each message once, and would otherwise send it again. Messages
still waiting to go are never blanked.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from sqlalchemy import update
from sqlalchemy.orm import Session

from portal.clock import add_months
from portal.db import rows_affected
from portal.tasks import RetentionKind, add_retention_kind, kept_months

from .models import OutboxMessage

BLANKED = ""


def blank_old_messages(session: Session, on: date) -> int:
    before = datetime.combine(add_months(on, -kept_months("outbox")), time(), tzinfo=UTC)
    result = session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.status.in_(("sent", "failed")),
            OutboxMessage.created_at < before,
            OutboxMessage.to_address != BLANKED,
        )
        .values(
            to_address=BLANKED,
            subject=BLANKED,
            text_body=BLANKED,
            html_body=BLANKED,
            attachment_name=None,
            attachment=None,
            last_error=BLANKED,
        )
    )
    return rows_affected(result)


add_retention_kind(
    RetentionKind(
        name="outbox",
        title="Emails the portal sent: address, subject, words and attachment",
        period=lambda: f"{kept_months('outbox')} months after the email was queued",
        basis=(
            "Shows that a reminder or notice went and what it said; the records it was about are "
            "kept on their own schedules"
        ),
        how="Address, subject, words and attachment blanked; the dedupe key stays so nothing is sent twice",
        run=blank_old_messages,
        order=30,
    )
)
