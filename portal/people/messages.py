"""Email about accounts: changes waiting for a second person, and changes of address."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from portal.outbox.service import Message, day_text, portal_path, queue

from .models import Person

if TYPE_CHECKING:
    from .models import RoleChange


def change_to_approve(session: Session, approver: Person, change: RoleChange, description: str) -> None:
    proposer = change.proposed_by.name if change.proposed_by else "Someone"
    queue(
        session,
        approver,
        "role_change",
        Message(
            "A change to privileged roles needs your approval",
            [
                f"{proposer} has proposed: {description}.",
                "It takes effect only when a second person approves it. "
                f"If nobody approves it by {day_text(change.lapses_on)}, it lapses.",
            ],
            "Approve or refuse it",
            portal_path("people.roles"),
        ),
        dedupe_key=f"role-change:{change.id}:{approver.id}",
    )


def confirm_new_address(session: Session, person: Person, new_email: str, link: str) -> None:
    """Sent to the new address only: following the link is the proof that it is theirs."""
    queue(
        session,
        person,
        "email_change",
        Message(
            "Confirm your new email address for the staff portal",
            [
                f"The council's staff portal has been asked to use {new_email} as your email address.",
                "The change happens only when you confirm it with the link below. "
                "It works once, for 72 hours. "
                "If you did not expect this, ignore this message and tell the Town Clerk.",
            ],
            "Confirm this address",
            link,
        ),
        to_address=new_email,
    )


def address_change_requested(session: Session, person: Person, new_email: str) -> None:
    """Sent to the old address, so that a change nobody asked for is noticed."""
    queue(
        session,
        person,
        "email_change_notice",
        Message(
            "A change of your email address was requested",
            [
                f"Someone asked for your email address on the staff portal to become {new_email}. "
                "It changes only if that address confirms it.",
                "If you did not expect this, tell the Town Clerk straight away.",
            ],
        ),
    )
