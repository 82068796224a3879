"""Email about pre-election periods: the reminder each poster gets once per election."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from portal.outbox.service import Message, day_text, portal_path, queue
from portal.people.models import Person

from .models import Election

if TYPE_CHECKING:
    from .service import Restraint


def period_reminder(session: Session, poster: Person, election: Election, restraint: Restraint) -> bool:
    """Queues the reminder unless this poster has had it for this election; True if queued."""
    return (
        queue(
            session,
            poster,
            "election_period",
            Message(
                f"Pre-election period until {day_text(election.poll_on)}: take care with council posts",
                [
                    f"You are authorised to post for the council. The pre-election period for "
                    f"{election.title} started on {day_text(election.period_starts_on)}, and polling "
                    f"day is {day_text(election.poll_on)}.",
                    *restraint.paragraphs[1:],
                    "Council posts must never support or oppose a political party, at any time "
                    "(Local Government Act 1986, section 2).",
                ],
                "See who may post for the council",
                portal_path("authorisations.index"),
            ),
            dedupe_key=f"election:{election.id}:poster:{poster.id}",
        )
        is not None
    )
