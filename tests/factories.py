"""Factories for test data. Keyword-only arguments, sensible defaults, one place."""

from __future__ import annotations

import itertools
from datetime import date
from functools import cache

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from portal.auth.passwords import hash_password
from portal.people.models import Department, EngagementType, Person, Role
from portal.people.service import PersonDetails, add_department, create_person
from portal.policies.models import Policy

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


POLICY_TEXT = """# Test Policy

## Purpose

Why this policy exists.

## 3.2 Private use

Use social media in your breaks only.
"""


def make_clerk(session: Session) -> Person:
    return make_person(session, name="Clara Clerk", roles={Role.TOWN_CLERK})


def make_policy(
    session: Session,
    *,
    clerk: Person,
    slug: str = "test-policy",
    title: str = "Test Policy",
    engagements: list[EngagementType] | None = None,
    roles: list[Role] | None = None,
    text: str = POLICY_TEXT,
    label: str = "1",
    material: bool = True,
    publish: bool = True,
):
    """A policy with one version (published unless publish=False), committed. A new policy's
    version binds `engagements` (default: everyone) and `roles`; a further version of an
    existing one binds what its newest version does unless they are given."""
    from portal.policies import service

    policy = session.scalar(select(Policy).options(selectinload(Policy.versions)).where(Policy.slug == slug))
    if policy is None:
        policy = service.create_policy(
            session,
            clerk,
            service.PolicyDetails(slug=slug, title=title, owner_role=Role.TOWN_CLERK),
        )
        engagements = engagements or list(EngagementType)
    version = add_version(
        session,
        clerk=clerk,
        policy=policy,
        label=label,
        text=text,
        material=material,
        publish=publish,
        engagements=engagements,
        roles=roles,
    )
    return policy, version


def add_version(
    session: Session,
    *,
    clerk: Person,
    policy,
    label: str,
    text: str = POLICY_TEXT,
    material: bool = True,
    publish: bool = True,
    engagements: list[EngagementType] | None = None,
    roles: list[Role] | None = None,
):
    """A further version, binding `engagements` and `roles` if given, else whom the newest
    version binds (as the draft form suggests)."""
    from portal.policies import service
    from portal.policies.models import ChangeKind

    scope = service.scope_for_next_draft(policy)
    if engagements is not None or roles is not None:
        scope = service.Scope.of(
            scope.engagements if engagements is None else engagements, scope.roles if roles is None else roles
        )

    version = service.draft_version(
        session,
        clerk,
        policy,
        service.VersionDetails(
            label=label,
            effective_date=date(2026, 1, 1),
            body=text,
            change_kind=ChangeKind.MATERIAL if material else ChangeKind.MINOR,
            change_summary="Test change",
            adopted_minute="Full Council, 1 January 2026, minute 1",
            # Far off: a review date that passes during a test run would add the Clerk's
            # review task and email to every test (tests/policies/test_reviews.py sets its own).
            review_due=date(2099, 1, 1),
            scope=scope,
        ),
    )
    if publish:
        service.publish_version(session, clerk, policy, version)
    session.commit()
    return version
