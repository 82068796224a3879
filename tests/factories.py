"""Factories for test data. Keyword-only arguments, sensible defaults, one place."""

from __future__ import annotations

import itertools
from datetime import date
from functools import cache

from sqlalchemy.orm import Session

from portal.auth.passwords import hash_password
from portal.people.models import Department, EngagementType, Person, Role
from portal.people.service import PersonDetails, add_department, create_person

PASSWORD = "a perfectly long test password"  # noqa: S105
_numbers = itertools.count(1)


@cache
def _password_hash() -> str:
    # Hashing with argon2 is slow on purpose; every test person shares one hash.
    return hash_password(PASSWORD)


def make_department(session: Session, *, name: str | None = None) -> Department:
    return add_department(session, None, name or f"Department {next(_numbers)}")


def make_person(
    session: Session,
    *,
    name: str | None = None,
    email: str | None = None,
    roles: set[Role] | frozenset[Role] = frozenset(),
    engagement: EngagementType = EngagementType.EMPLOYEE,
    department: Department | None = None,
    manager: Person | None = None,
    start_date: date = date(2026, 1, 5),
    with_password: bool = True,
    commit: bool = True,
) -> Person:
    number = next(_numbers)
    person = create_person(
        session,
        None,
        PersonDetails(
            name=name or f"Person {number}",
            email=email or f"person{number}@council.example",
            engagement_type=engagement,
            start_date=start_date,
            department_id=department.id if department else None,
            line_manager_email=manager.email if manager else None,
            roles=set(roles),
        ),
    )
    if with_password:
        person.password_hash = _password_hash()
    if commit:
        session.commit()
    return person
