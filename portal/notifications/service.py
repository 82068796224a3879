"""The administrator's outbox page (what each reader may see of it, and sending a failed
message again) and the digest preference. The daily run is in `reminders.py`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from portal.audit.need_to_know import sees_in_full
from portal.audit.service import record
from portal.db import Paged, paginate
from portal.errors import NotFound
from portal.outbox.delivery import retry as retry_delivery
from portal.outbox.models import OutboxMessage
from portal.people.models import Person, Role
from portal.people.service import deciding_roles

from .models import NotificationPreference
from .preferences import save_digest_frequency

__all__ = [
    "NEED_TO_KNOW_KINDS",
    "STATUSES",
    "OutboxPage",
    "OutboxRow",
    "digest_frequency",
    "gets_digest",
    "outbox_page",
    "retry",
    "rows_for",
    "save_digest_frequency",
]

STATUSES = ("queued", "sent", "failed")

# Disciplinary notices ("There is something for you to read"), subject access notices and
# breach records to handle:
# who receives one is who has a case, so only those who may see the case see the recipient.
NEED_TO_KNOW_KINDS = frozenset(
    {"employment_record", "subject_access", "breach_record", "information_request"}
)


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


@dataclass(frozen=True)
class OutboxPage:
    counts: dict[str, int]
    rows: list[OutboxRow]
    page: Paged


def rows_for(session: Session, viewer: Person, messages: list[OutboxMessage]) -> list[OutboxRow]:
    """The messages as this reader may see them: a need-to-know notice shows its
    recipient, subject and error only to those who may see the case in full
    (portal.audit.need_to_know); others see that it exists, its status and times.
    Need-to-know is the council's own rule, for data about disciplinary cases and
    subject access requests (UK GDPR Art. 5(1)(f))."""
    confidential = [m.person_id for m in messages if m.kind in NEED_TO_KNOW_KINDS and m.person_id]
    roles = deciding_roles(session, confidential) if confidential else {}
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


def outbox_page(
    session: Session, viewer: Person, status: str, *, search: str = "", page: int = 1
) -> OutboxPage:
    """How many messages have each status, and one page (50, newest first) of those with
    this one, as the viewer may see them. A search matches the address or the subject,
    and never a need-to-know notice: finding one by someone's address would say that
    they have a case."""
    counts = dict(
        session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all()
    )
    query = select(OutboxMessage).where(OutboxMessage.status == status).order_by(OutboxMessage.id.desc())
    needle = search.strip()
    if needle:
        pattern = f"%{needle}%"
        query = query.where(
            OutboxMessage.kind.not_in(NEED_TO_KNOW_KINDS),
            or_(OutboxMessage.to_address.ilike(pattern), OutboxMessage.subject.ilike(pattern)),
        )
    found = paginate(session, query, page)
    return OutboxPage(counts, rows_for(session, viewer, found.items), found)


def retry(session: Session, actor: Person, message_id: int) -> OutboxRow | None:
    """Sends a failed message again on the next run, on the record; a message that has
    not failed is left as it is (None). Returns the message as the actor may see it."""
    message = session.get(OutboxMessage, message_id)
    if message is None:
        raise NotFound("No such message")
    if message.status != "failed":
        return None
    retry_delivery(session, message)
    record(
        session,
        actor=actor,
        action="notifications.retried",
        object_type="outbox_message",
        object_id=message.id,
    )
    (row,) = rows_for(session, actor, [message])
    return row


def gets_digest(person: Person) -> bool:
    """Only the Town Clerk gets the digest (the council's own choice)."""
    return Role.TOWN_CLERK in person.roles


def digest_frequency(session: Session, person: Person) -> str:
    """How often the person's digest comes: weekly until they choose."""
    saved = session.get(NotificationPreference, person.id)
    return saved.digest_frequency if saved else "weekly"
