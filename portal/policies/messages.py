"""Email about policies: a version to sign, and everyone told when one is published."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from portal.outbox.service import Message, day_text, portal_path, queue
from portal.people.models import Person

from .library import get_policy
from .status import statuses_for_people


def policy_to_sign(
    session: Session, person: Person, title: str, slug: str, version_id: int, due: date
) -> None:
    queue(
        session,
        person,
        "policy_assigned",
        Message(
            f"Please read and sign the {title}",
            [f"The council asks you to read and sign the {title} by {day_text(due)}."],
            "Read and sign it",
            portal_path("policies.show", slug=slug),
        ),
        dedupe_key=f"policy-assigned:{person.id}:{version_id}",
    )


def policy_published(session: Session, policy_slug: str) -> int:
    """Everyone who must now sign the newly published version is told (once)."""
    policy = get_policy(session, policy_slug)
    people = list(
        session.scalars(
            select(Person).options(selectinload(Person.role_grants)).where(Person.is_active.is_(True))
        )
    )
    told = 0
    for person_id, statuses in statuses_for_people(session, people, policies=[policy]).items():
        person = next(p for p in people if p.id == person_id)
        for found in statuses:
            if found.status.needs_action:
                policy_to_sign(
                    session, person, found.policy.title, found.policy.slug, found.version.id, found.due
                )
                told += 1
    return told
