"""Email about breach records: a link to the record and never its content."""

from __future__ import annotations

from sqlalchemy.orm import Session

from portal.outbox.service import Message, forget_messages, portal_path, queue
from portal.people.models import Person


def record_to_handle(session: Session, handler: Person, record_id: int, reference: str) -> None:
    """Tells the handler there is a breach record for them; the subject is not named, so a
    mailbox someone else reads gives nothing away."""
    queue(
        session,
        handler,
        "breach_record",
        Message(
            f"A breach record for you to handle: {reference}",
            [f"You have been asked to handle breach record {reference} on the staff portal."],
            "Sign in to see it",
            portal_path("breaches.show", record_id=record_id),
        ),
        dedupe_key=f"breach:{record_id}:handler:{handler.id}",
    )


def forget_notices(session: Session, record_id: int) -> None:
    """The notices about a record, removed with it by the retention schedule."""
    forget_messages(session, f"breach:{record_id}:")
