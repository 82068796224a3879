"""Who is acting: the roles, and the little the kernel needs to know of a person.

The kernel (access, audit, the outbox) decides and records on behalf of people, but
must not import the people feature, or every feature would depend on every other
through it. It knows a person only by this protocol; `portal.people.models.Person`
satisfies it.
"""

from __future__ import annotations

import enum
from typing import Protocol


class Role(enum.StrEnum):
    """Roles beyond plain staff. Everyone who can sign in is at least staff."""

    ADMINISTRATOR = "administrator"
    TOWN_CLERK = "town_clerk"
    DEPUTY_CLERK = "deputy_clerk"
    MAYOR = "mayor"
    MANAGER = "manager"
    HR = "hr"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.ADMINISTRATOR: "Administrator",
    Role.TOWN_CLERK: "Town Clerk",
    Role.DEPUTY_CLERK: "Deputy Clerk",
    Role.MAYOR: "Mayor",
    Role.MANAGER: "Manager",
    Role.HR: "HR",
}

# These roles open disciplinary files, subject access exports and the power to speak
# for the council (Networking Policy 3.2), so a change to any of them needs a second
# person (DESIGN.md, threat model). Administrators manage accounts, not these roles.
PRIVILEGED_ROLES: frozenset[Role] = frozenset({Role.TOWN_CLERK, Role.DEPUTY_CLERK, Role.HR, Role.MAYOR})
ORDINARY_ROLES: frozenset[Role] = frozenset(Role) - PRIVILEGED_ROLES


class Actor(Protocol):
    """The acting person, as the kernel sees them."""

    @property
    def id(self) -> int: ...

    @property
    def roles(self) -> frozenset[Role]: ...


class Recipient(Protocol):
    """Someone the outbox can write to."""

    @property
    def id(self) -> int: ...

    @property
    def name(self) -> str: ...

    @property
    def email(self) -> str: ...

    @property
    def is_active(self) -> bool: ...
