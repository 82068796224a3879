"""Who a policy version binds: its scope, recorded on each version as data.

Each policy says whom it binds in its Scope. The Networking Policy names employees and
everyone working on the council's behalf (temporary, honorary, seconded, bank and agency
staff, contractors, volunteers) and no councillors; the Communication Policy is written
for councillors and officers alike, and a council may apply it to everyone who works for
it. Which groups a council's wording binds is therefore the council's decision for that
wording, so the portal records it on each version and assumes nothing in code: who must
sign, their status and reminders, and which quiz questions may cite a policy all follow
from the scope of its current version. A draft's scope can change with its text; once
published it is evidence, and frozen like the text.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from portal.people.models import EngagementType, Person, Role
from portal.policies.models import PolicyVersion


def applies_to(version: PolicyVersion, person: Person) -> bool:
    """Whether this version binds the person: active, of an engagement type its scope
    names, and holding one of its roles if it names any (Networking Policy, Scope).

    Read straight from the version's columns: the compliance overview asks it for every
    person and policy, so it builds nothing."""
    if not person.is_active or person.engagement_type not in version.applies_to_engagements:
        return False
    roles = version.applies_to_roles
    return not roles or any(role.value in roles for role in person.roles)


@dataclass(frozen=True)
class Scope:
    """People of these engagement types and, when roles are named, only those who hold one
    of them (no roles: everyone of those types). Kept in the enums' order, so two scopes
    that bind the same people compare, store and read the same."""

    engagements: tuple[EngagementType, ...]
    roles: tuple[Role, ...] = ()

    @classmethod
    def of(cls, engagements: Iterable[str], roles: Iterable[str] = ()) -> Scope:
        """From stored values or the enums (a StrEnum is its value), in any order."""
        names, role_names = set(engagements), set(roles)
        return cls(
            tuple(e for e in EngagementType if e.value in names),
            tuple(r for r in Role if r.value in role_names),
        )

    @classmethod
    def of_version(cls, version: PolicyVersion) -> Scope:
        return cls.of(version.applies_to_engagements, version.applies_to_roles)

    def store_on(self, version: PolicyVersion) -> None:
        version.applies_to_engagements = [e.value for e in self.engagements]
        version.applies_to_roles = [r.value for r in self.roles]

    def as_details(self) -> dict[str, list[str]]:
        """For the audit trail: what a version binds, as stored."""
        return {"engagements": [e.value for e in self.engagements], "roles": [r.value for r in self.roles]}

    @property
    def summary(self) -> str:
        """'Employee, Volunteer; only those who are Manager or HR', for pages."""
        groups = ", ".join(e.label for e in self.engagements) or "Nobody"
        if not self.roles:
            return groups
        return f"{groups}; only those who are {' or '.join(r.label for r in self.roles)}"


# The first version of a new policy starts from the Networking Policy's Scope (everyone
# who works for the council, not councillors): the narrower of the two policies, so a
# Clerk who does not change it never asks councillors to sign rules that may not bind them.
FIRST_DRAFT_SCOPE = Scope(tuple(e for e in EngagementType if e != EngagementType.COUNCILLOR))
