"""Email about disciplinary records: a link to the record and never its content."""

from __future__ import annotations

from sqlalchemy.orm import Session

from portal.outbox.service import Message, forget_messages, portal_path, queue
from portal.people.models import Person


def something_to_read(session: Session, subject: Person, case_id: int, event: str) -> None:
    """A disciplinary notice: a link and never the content."""
    queue(
        session,
        subject,
        "employment_record",
        Message(
            "There is something for you to read",
            ["There is something new for you to read in your employment record on the staff portal."],
            "Sign in to read it",
            portal_path("conduct.show", case_id=case_id),
        ),
        dedupe_key=f"record:{case_id}:{event}",
    )


def forget_notices(session: Session, case_id: int) -> None:
    """The notices about a case, removed with it by the retention schedule: each one
    names its recipient (the subject) and links to the case."""
    forget_messages(session, f"record:{case_id}:")
