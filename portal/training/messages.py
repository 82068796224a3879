"""Email about training: a quiz someone has been asked to take."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from portal.outbox.service import Message, day_text, portal_path, queue
from portal.people.models import Person


def quiz_to_take(session: Session, person: Person, title: str, key: str, due: date) -> None:
    queue(
        session,
        person,
        "quiz_assigned",
        Message(
            f"Training to take: {title}",
            [f"Please take the {title} by {day_text(due)}. It takes about ten minutes."],
            "Start the training",
            portal_path("training.quiz", key=key),
        ),
        dedupe_key=f"quiz-assigned:{person.id}:{key}:{due.isoformat()}",
    )
