from __future__ import annotations

from dataclasses import dataclass

import pytest

from portal.people.models import Department, EngagementType, Person, Role
from portal.reports.overview import clear_cache
from tests.factories import make_department, make_person, make_policy
from tests.policies.conftest import sign_as  # noqa: F401 (the same fixture)


@dataclass
class Council:
    clerk: Person
    manager: Person
    member: Person  # in the manager's team, has signed
    late: Person  # in the manager's team, has not signed
    outsider: Person  # another department, a volunteer
    parks: Department
    library: Department


@pytest.fixture(autouse=True)
def _fresh_cache():
    clear_cache()  # each test has its own database, but ids repeat
    yield
    clear_cache()


@pytest.fixture
def council(session, sign_as) -> Council:  # noqa: F811 (the fixture imported above)
    parks, library = make_department(session, name="Parks"), make_department(session, name="Library")
    clerk = make_person(session, name="Clara Clerk", roles={Role.TOWN_CLERK})
    manager = make_person(session, name="Mo Manager", roles={Role.MANAGER}, department=parks)
    member = make_person(session, name="Amy Member", department=parks, manager=manager)
    late = make_person(session, name="Ben Late", department=parks, manager=manager)
    outsider = make_person(
        session, name="Cat Outsider", department=library, engagement=EngagementType.VOLUNTEER
    )
    policy, _ = make_policy(session, clerk=clerk)
    sign_as(member, policy)
    return Council(clerk, manager, member, late, outsider, parks, library)
