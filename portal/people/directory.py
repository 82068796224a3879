"""Finding people: look-ups, the paged list, and who holds which role.

Read-only; the changes are in service.py, which re-exports these for other packages.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import func, inspect, or_, select
from sqlalchemy.orm import Session, selectinload

from portal.errors import DomainError, NotFound

from .models import Department, Person, PersonRole, Role, normalise_email

PAGE_SIZE = 50


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


def active_holders(session: Session, role: Role) -> list[Person]:
    """Everyone still with the council who holds `role`, with their roles loaded, oldest
    account first: who is asked to act when a task goes to a role (the Town Clerk, HR)."""
    return list(
        session.scalars(
            select(Person)
            .options(selectinload(Person.role_grants))
            .join(PersonRole, PersonRole.person_id == Person.id)
            .where(PersonRole.role == role.value, Person.is_active.is_(True))
            .order_by(Person.id)
        )
    )


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
