"""People and departments: adding, editing and leavers.

The policy covers everyone who works for the council, however they are engaged
(Networking Policy, Scope), so every person has an engagement type.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, inspect, or_, select, update
from sqlalchemy.orm import Session, selectinload

from portal.audit.service import record
from portal.auth.models import PasswordToken
from portal.auth.service import end_all_sessions, issue_password_token, new_session_token, normalise_email
from portal.clock import today
from portal.db import utcnow
from portal.errors import DomainError, NotFound
from portal.identity import ORDINARY_ROLES, PRIVILEGED_ROLES
from portal.outbox.service import portal_path
from portal.people import messages
from portal.people import roles as role_changes
from portal.people.email_changes import request_email_change
from portal.people.models import Department, EngagementType, Person, PersonRole, Role

PAGE_SIZE = 50

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


def get_person(session: Session, person_id: int) -> Person:
    person = session.scalar(
        select(Person)
        .options(
            selectinload(Person.role_grants),
            selectinload(Person.department),
            selectinload(Person.line_manager),
        )
        .where(Person.id == person_id)
    )
    if person is None:
        raise NotFound("No such person")
    return person


def active_people(
    session: Session, *, manager: Person | None = None, department_id: int | None = None
) -> list[Person]:
    """Everyone still with the council, or one manager's direct reports, optionally in one
    department: with roles and departments loaded, by name. Managers see their own team
    only (the council's need-to-know rule for training and signatures)."""
    query = (
        select(Person)
        .options(selectinload(Person.role_grants), selectinload(Person.department))
        .where(Person.is_active.is_(True))
        .order_by(Person.name, Person.id)
    )
    if manager is not None:
        query = query.where(Person.line_manager_id == manager.id)
    if department_id:
        query = query.where(Person.department_id == department_id)
    return list(session.scalars(query))


def find_by_email(session: Session, email: str) -> Person | None:
    query = (
        select(Person).options(selectinload(Person.role_grants)).where(Person.email == normalise_email(email))
    )
    return session.scalar(query)


def person_named_in_form(session: Session, email: str, *, field: str = "person_email") -> Person:
    """The person a form names by email, or a message beside that field."""
    person = find_by_email(session, email)
    if person is None:
        raise DomainError("There is nobody with that email address", field=field)
    return person


def departments(session: Session) -> list[Department]:
    return list(session.scalars(select(Department).order_by(Department.name)))


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

    changes: dict[str, object]
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
    # Links already sent must not let a leaver back in.
    session.execute(
        update(PasswordToken)
        .where(PasswordToken.person_id == person.id, PasswordToken.used_at.is_(None))
        .values(used_at=utcnow())
    )
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


def send_sign_in_link(session: Session, actor: Person, person: Person) -> str:
    """Email the person a link to choose a password: an invitation, or a reset once they
    have one. The link goes to them only, never shown to the administrator (who could
    otherwise take the account over); returns which it was."""
    purpose = "reset" if person.password_hash else "invitation"
    raw = issue_password_token(session, person, purpose=purpose, actor=actor)
    # A path: the outbox puts PORTAL_BASE_URL before it, never a request's Host header.
    messages.invitation(session, person, portal_path("auth.set_password", token=raw), purpose=purpose)
    return purpose


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


@dataclass(frozen=True)
class PeoplePage:
    people: list[Person]
    total: int
    page: int
    pages: int


def list_people(
    session: Session,
    *,
    search: str = "",
    department_id: int | None = None,
    status: str = "active",
    page: int = 1,
) -> PeoplePage:
    """One page of people, with their departments and roles loaded in fixed queries."""
    conditions = []
    if search:
        pattern = f"%{search.strip().lower()}%"
        conditions.append(or_(func.lower(Person.name).like(pattern), Person.email.like(pattern)))
    if department_id:
        conditions.append(Person.department_id == department_id)
    if status == "active":
        conditions.append(Person.is_active.is_(True))
    elif status == "left":
        conditions.append(Person.is_active.is_(False))
    total = session.scalar(select(func.count()).select_from(Person).where(*conditions)) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    people = session.scalars(
        select(Person)
        .options(selectinload(Person.department), selectinload(Person.role_grants))
        .where(*conditions)
        .order_by(Person.name, Person.id)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    return PeoplePage(list(people), total, page, pages)


def demo_accounts_present(session: Session) -> bool:
    if not inspect(session.get_bind()).has_table("people"):
        return False
    return session.scalar(select(func.count()).select_from(Person).where(Person.is_demo.is_(True))) != 0


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


def deciding_roles(session: Session, person_ids: Collection[int] | None = None) -> dict[int, frozenset[Role]]:
    """The Town Clerk and HR roles held by each person: all that the need-to-know rule
    (portal.audit.need_to_know) looks at, in one query whatever the number of people."""
    query = select(PersonRole.person_id, PersonRole.role).where(
        PersonRole.role.in_([Role.TOWN_CLERK.value, Role.HR.value])
    )
    if person_ids is not None:
        query = query.where(PersonRole.person_id.in_(list(person_ids)))
    found: dict[int, set[Role]] = {}
    for person_id, role in session.execute(query):
        found.setdefault(person_id, set()).add(Role(role))
    return {person_id: frozenset(roles) for person_id, roles in found.items()}
