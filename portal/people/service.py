"""People and departments: adding, editing and leavers.

The policy covers everyone who works for the council, however they are engaged
(Networking Policy, Scope), so every person has an engagement type.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.audit.service import record
from portal.clock import today
from portal.errors import DomainError
from portal.identity import ORDINARY_ROLES, PRIVILEGED_ROLES
from portal.people import roles as role_changes
from portal.people.breach_routes import (
    ROUTE_WORDS,
    Route,
    all_routes,
    refuse_unless_disciplinary,
    route_for,
    words_for,
)
from portal.people.directory import (
    PAGE_SIZE,
    PeoplePage,
    active_holders,
    active_people,
    deciding_roles,
    demo_accounts_present,
    departments,
    find_by_email,
    get_person,
    list_people,
    person_named_in_form,
)
from portal.people.email_changes import request_email_change
from portal.people.models import (
    Department,
    EngagementType,
    Person,
    PersonRole,
    Role,
    end_all_sessions,
    new_session_token,
    normalise_email,
)
from portal.people.retention import REMOVED_NAME, leavers_due

# The people feature's public face: its own operations, and the look-ups of directory.py.
__all__ = [
    "REMOVED_NAME",
    "ROUTE_WORDS",
    "Route",
    "all_routes",
    "refuse_unless_disciplinary",
    "route_for",
    "words_for",
    "EditOutcome",
    "LEAVER_HOOKS",
    "PAGE_SIZE",
    "PeoplePage",
    "PersonDetails",
    "SIGN_IN_LINKS",
    "SignInLink",
    "active_holders",
    "active_people",
    "add_department",
    "create_first_town_clerk",
    "create_person",
    "deciding_roles",
    "demo_accounts_present",
    "departments",
    "find_by_email",
    "get_person",
    "leavers_due",
    "list_people",
    "mark_leaver",
    "person_named_in_form",
    "send_sign_in_link",
    "update_person",
]

# Features that must act when someone leaves (ending authorisations, for example)
# add a function here; each runs in the same transaction as the leaving itself.
LEAVER_HOOKS: list[Callable[[Session, Person, Person], None]] = []


@dataclass
class PersonDetails:
    """What an administrator can set about a person."""

    name: str
    email: str
    engagement_type: EngagementType
    start_date: date
    department_id: int | None = None
    line_manager_email: str | None = None
    roles: set[Role] = field(default_factory=set)


def _resolve_manager(session: Session, details: PersonDetails, person: Person | None) -> int | None:
    if not details.line_manager_email:
        return None
    manager = find_by_email(session, details.line_manager_email)
    if manager is None:
        raise DomainError(
            "There is nobody with that email address to be the line manager", field="line_manager"
        )
    if person is not None and manager.id == person.id:
        raise DomainError("A person cannot be their own line manager", field="line_manager")
    if not manager.is_active:
        raise DomainError(f"{manager.name} has left, so cannot be a line manager", field="line_manager")
    return manager.id


def _check_email_free(session: Session, email: str, person: Person | None) -> None:
    existing = find_by_email(session, email)
    if existing is not None and (person is None or existing.id != person.id):
        raise DomainError("Someone already has that email address", field="email")


def _check_department(session: Session, department_id: int | None) -> None:
    if department_id is not None and session.get(Department, department_id) is None:
        raise DomainError("Choose a department from the list", field="department")


def _check_ordinary_roles(actor: Person | None, roles: set[Role]) -> None:
    """Administrators give only the ordinary roles; privileged ones need two people.

    `actor` None is the server itself (the demo council, the first Town Clerk).
    """
    if actor is not None and roles & PRIVILEGED_ROLES:
        names = ", ".join(sorted(role.label for role in roles & PRIVILEGED_ROLES))
        raise DomainError(
            f"{names}: privileged roles are given only with a second person's approval, "
            "under Privileged roles",
            field="roles",
        )


def create_person(
    session: Session, actor: Person | None, details: PersonDetails, *, is_demo: bool = False
) -> Person:
    """Add someone who works for the council, however engaged: the Networking Policy binds
    employees and everyone working on its behalf (Scope), so each has an engagement type.
    An administrator gives only the ordinary roles (separation of duties; see people.roles)."""
    _check_ordinary_roles(actor, details.roles)
    email = normalise_email(details.email)
    _check_email_free(session, email, None)
    _check_department(session, details.department_id)
    manager_id = _resolve_manager(session, details, None)
    person = Person(
        name=details.name.strip(),
        email=email,
        engagement_type=details.engagement_type.value,
        department_id=details.department_id,
        line_manager_id=manager_id,
        start_date=details.start_date,
        is_active=True,
        session_token=new_session_token(),
        is_demo=is_demo,
        role_grants=[PersonRole(role=role.value) for role in sorted(details.roles)],
    )
    session.add(person)
    session.flush()
    record(
        session,
        actor=actor,
        action="people.created",
        object_type="person",
        object_id=person.id,
        details=_snapshot(person, details.roles),
    )
    return person


def _snapshot(person: Person, roles: set[Role]) -> dict[str, object]:
    return {
        "name": person.name,
        "email": person.email,
        "engagement_type": person.engagement_type,
        "department_id": person.department_id,
        "line_manager_id": person.line_manager_id,
        "start_date": person.start_date.isoformat(),
        "roles": sorted(role.value for role in roles),
    }


@dataclass(frozen=True)
class EditOutcome:
    """What an administrator's edit did: the changes made, and a new address still waiting."""

    changes: dict[str, dict[str, object]]  # field -> {"from": ..., "to": ...}
    email_waiting: str | None = None
    email_needs_approval: bool = False


def update_person(session: Session, actor: Person, person: Person, details: PersonDetails) -> EditOutcome:
    """Apply an administrator's edit.

    The ordinary roles change here; the privileged ones only through a proposal that a
    second person approves, and nobody changes their own roles. A new email address
    takes effect only when it confirms itself; a privileged holder's needs approval first.
    """
    email = normalise_email(details.email)
    _check_email_free(session, email, person)
    _check_department(session, details.department_id)
    manager_id = _resolve_manager(session, details, person)
    # The form carries the ordinary roles only: a privileged role left out is kept, and
    # one added is refused (it needs a proposal and a second person).
    _check_ordinary_roles(actor, (details.roles & PRIVILEGED_ROLES) - person.roles)
    wanted_ordinary = details.roles & ORDINARY_ROLES
    if actor.id == person.id and wanted_ordinary != person.roles & ORDINARY_ROLES:
        raise DomainError("You cannot change your own roles. Ask another administrator", field="roles")
    new_roles = wanted_ordinary | (person.roles & PRIVILEGED_ROLES)
    before = _snapshot(person, set(person.roles))
    person.name = details.name.strip()
    person.engagement_type = details.engagement_type.value
    person.department_id = details.department_id
    person.line_manager_id = manager_id
    person.start_date = details.start_date
    if set(person.roles) != new_roles:
        person.role_grants = [PersonRole(role=role.value) for role in sorted(new_roles)]
    after = _snapshot(person, new_roles)
    changes = {key: {"from": before[key], "to": after[key]} for key in after if before[key] != after[key]}
    if changes:
        session.flush()
        record(
            session,
            actor=actor,
            action="people.updated",
            object_type="person",
            object_id=person.id,
            details=changes,
        )
    if email == person.email:
        return EditOutcome(changes)
    if role_changes.holds_privileged_role(person):
        role_changes.propose_email_change(session, actor, person, email)
        return EditOutcome(changes, email_waiting=email, email_needs_approval=True)
    request_email_change(session, actor, person, email)
    return EditOutcome(changes, email_waiting=email)


def mark_leaver(session: Session, actor: Person, person: Person, leaving_date: date) -> None:
    """A leaver can no longer sign in, and every session they hold ends at once; links
    already sent stop working and their posting authorisations end (Networking Policy
    3.2: only those authorised may speak for the council). Nobody records themselves."""
    if person.id == actor.id:
        raise DomainError("You cannot mark yourself as a leaver. Ask another administrator")
    if not person.is_active:
        raise DomainError(f"{person.name} is already recorded as having left")
    if leaving_date < person.start_date:
        raise DomainError("The leaving date must be on or after their start date", field="leaving_date")
    person.is_active = False
    person.leaving_date = leaving_date
    end_all_sessions(person)
    for hook in LEAVER_HOOKS:
        hook(session, actor, person)
    record(
        session,
        actor=actor,
        action="people.left",
        object_type="person",
        object_id=person.id,
        details={"leaving_date": leaving_date.isoformat()},
    )


@dataclass(frozen=True)
class SignInLink:
    purpose: str  # "invitation" or "reset"
    path: str  # the link's path in the portal


# Sign-in (portal.auth) depends on people, so people asks it for a link through this
# hook rather than importing it; auth registers its sender when it loads.
SIGN_IN_LINKS: list[Callable[[Session, Person | None, Person], SignInLink]] = []


def send_sign_in_link(session: Session, actor: Person | None, person: Person) -> SignInLink:
    """Email the person a link to choose a password (an invitation, or a reset once they
    have one), to them only: see portal.auth.service.send_sign_in_link."""
    if not SIGN_IN_LINKS:
        raise RuntimeError("portal.auth.service is not loaded: nothing can send sign-in links")
    return SIGN_IN_LINKS[0](session, actor, person)


def add_department(session: Session, actor: Person | None, name: str) -> Department:
    """A department, once: business cases and moderation rotas are per department
    (Networking Policy 3.4), so two spellings of one would split its cases."""
    clean = " ".join(name.split())
    if not clean:
        raise DomainError("Enter the department's name", field="name")
    exists = session.scalar(select(Department).where(func.lower(Department.name) == clean.lower()))
    if exists is not None:
        raise DomainError(f"There is already a department called {exists.name}", field="name")
    department = Department(name=clean)
    session.add(department)
    session.flush()
    record(
        session,
        actor=actor,
        action="people.department_added",
        object_type="department",
        object_id=department.id,
        details={"name": clean},
    )
    return department


def create_first_town_clerk(session: Session, *, name: str, email: str, start: date | None = None) -> Person:
    """A new installation's first Town Clerk, made on the server; refused once there is one.

    Every later privileged role goes through a proposal and a second person.
    """
    if role_changes.privileged_holders_by_role(session)[Role.TOWN_CLERK]:
        raise DomainError("There is already a Town Clerk. Propose further changes in the portal")
    person = create_person(
        session,
        None,
        PersonDetails(
            name=name,
            email=email,
            engagement_type=EngagementType.EMPLOYEE,
            start_date=start or today(),
            roles={Role.TOWN_CLERK},
        ),
    )
    record(
        session,
        actor=None,
        action="roles.first_town_clerk",
        object_type="person",
        object_id=person.id,
        details={"second_person": "server command"},
    )
    return person
