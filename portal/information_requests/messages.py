"""Email about information requests: a link, the kind and the due date; never who asked
or what they asked, which stay in the portal."""

from __future__ import annotations

from sqlalchemy.orm import Session

from portal.outbox.service import Message, day_text, portal_path, queue
from portal.people.models import Person

from .deadlines import Clock
from .models import InformationRequest


def request_to_handle(session: Session, handler: Person, found: InformationRequest, clock: Clock) -> None:
    due = f" It must be answered by {day_text(clock.due)}." if clock.due else ""
    queue(
        session,
        handler,
        "information_request",
        Message(
            f"{found.kind_label} to handle: {found.reference}",
            [f"A {found.kind_label.lower()} has been logged on the staff portal for you to handle.{due}"],
            "Sign in to see it",
            portal_path("information_requests.show", request_id=found.id),
        ),
        dedupe_key=f"information:{found.id}:handler:{handler.id}",
    )
