"""What every part of the demo council shares: its departments, the accounts' published
password and addresses, and how a demo person is described (a leaf module, so that the
parts of the demo use it without importing each other in a loop)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from portal.people.models import EngagementType, Role

DEMO_PASSWORD = "ashcombe-demo-2026"  # noqa: S105 (a published demo password, refused in production)
DEMO_DOMAIN = "ashcombe-tc.example"

DEPARTMENTS = (
    "Town Clerk's Office",
    "Finance and Administration",
    "Community and Events",
    "Parks and Open Spaces",
    "Council Members",
)
OFFICE, FINANCE, EVENTS, PARKS, MEMBERS = DEPARTMENTS


def demo_email(local_part: str) -> str:
    return f"{local_part}@{DEMO_DOMAIN}"


@dataclass(frozen=True)
class DemoPerson:
    name: str
    local_part: str
    engagement: EngagementType
    department: str
    start: date
    manager: str | None = None  # local part of the line manager
    roles: frozenset[Role] = frozenset()


def demo_person(
    name: str,
    local: str,
    engagement: EngagementType,
    department: str,
    start: str | date,
    manager: str | None = None,
    *roles: Role,
) -> DemoPerson:
    if isinstance(start, str):
        start = date.fromisoformat(start)
    return DemoPerson(name, local, engagement, department, start, manager, frozenset(roles))
