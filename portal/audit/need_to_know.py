"""Need-to-know in the audit trail and the outbox.

Events about disciplinary cases and subject access requests say who is being
investigated, by whom, and how it ends. UK GDPR Article 5(1)(c) and (f) (data
minimisation, confidentiality) and DESIGN.md's threat model (an administrator who looks
where they should not) mean they are shown in full only to HR and the Town Clerk, and
never to the person the case is about:

- a case about the Town Clerk: HR only (HR acts for the staffing committee);
- a case about an HR officer: the Town Clerk and the other HR staff;
- any other case: HR and the Town Clerk.

Everyone else who may read the trail sees that an event happened, when, its action and
an opaque reference: a random token per case, neither its database id nor its printed
reference, the same on every event of the case.

The kernel never imports a feature, so each feature registers the records it owns here
(conduct: disciplinary cases; privacy: subject access exports).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Collection
from dataclasses import dataclass

from sqlalchemy.orm import Session

from portal.identity import Actor, Role


def new_audit_reference() -> str:
    """A random token for a case's audit events. Never all digits, so it cannot be taken
    for (or match a filter by) a database id."""
    while True:
        token = secrets.token_hex(8)
        if not token.isdigit():
            return token


def sees_in_full(viewer: Actor, subject_id: int, subject_roles: Collection[Role]) -> bool:
    """Whether `viewer` may see who did what in a case about the subject (rules above)."""
    if viewer.id == subject_id:
        return False  # nobody follows the handling of a case about themselves
    if Role.HR in viewer.roles:
        return True
    if Role.TOWN_CLERK in viewer.roles:
        return Role.TOWN_CLERK not in subject_roles
    return False


@dataclass(frozen=True)
class Sensitive:
    reference: str  # the opaque token shown to everyone
    full: bool  # whether this viewer may see the events in full


# object_id as stored on an event -> what the viewer may know of its record.
Resolver = Callable[[Session, Actor], dict[str, Sensitive]]


@dataclass(frozen=True)
class NeedToKnow:
    action_prefix: str  # every event whose action starts with it is need-to-know
    object_type: str  # what a hidden event's record is called
    records: Resolver
    # Details left in clear when the rest of an event is encrypted under its record's
    # key (forgetting.py): set values and dates that the database itself must read to
    # judge retention, and nothing that names a person.
    clear_details: frozenset[str] = frozenset()


NEED_TO_KNOW: list[NeedToKnow] = []


def register(entry: NeedToKnow) -> None:
    if all(e.action_prefix != entry.action_prefix for e in NEED_TO_KNOW):
        NEED_TO_KNOW.append(entry)


def entry_for(action: str) -> NeedToKnow | None:
    return next((e for e in NEED_TO_KNOW if action.startswith(e.action_prefix)), None)
