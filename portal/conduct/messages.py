"""Email about disciplinary records: a link to the record and never its content."""

from __future__ import annotations

from flask import url_for
from sqlalchemy.orm import Session

from portal.outbox.service import Message, queue
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
            url_for("conduct.show", case_id=case_id),
        ),
        dedupe_key=f"record:{case_id}:{event}",
    )
