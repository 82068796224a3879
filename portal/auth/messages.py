"""Email about signing in: the invitation and the password reset link."""

from __future__ import annotations

from sqlalchemy.orm import Session

from portal.outbox.service import Message, message_with_link, queue
from portal.people.models import Person


def invitation(session: Session, person: Person, link: str, *, purpose: str) -> None:
    """The sign-in link: sent to the person only, never shown to whoever created it."""
    if purpose == "invitation":
        message = Message(
            "Your account on the staff portal",
            [
                "An account has been made for you on the council's staff portal. It is where you read and "
                "sign the council's social media and communication policies, and take the short training "
                "that goes with them.",
                "Choose your password with the link below. It works once, for 72 hours.",
            ],
            "Choose your password",
        )
    else:
        message = Message(
            "Reset your password for the staff portal",
            [
                "Someone at the council asked for a new password link for you. It works once, for 72 hours.",
                "If you did not expect this, tell the Town Clerk.",
            ],
            "Choose a new password",
        )
    queue(session, person, purpose, message_with_link(message, link))
