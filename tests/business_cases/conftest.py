from __future__ import annotations

from dataclasses import dataclass

import pytest

from portal.people.models import Department, EngagementType, Person, Role
from tests.business_cases.helpers import case, complete, start
from tests.factories import make_department, make_person


@dataclass
class Council:
    department: Department
    manager: Person
    staff: list[Person]  # council employees who may moderate
    volunteer: Person
    agency: Person
    clerk: Person
    deputy: Person
    mayor: Person
    other_manager: Person  # manages another department


@pytest.fixture
def council(session) -> Council:
    library = make_department(session, name="Library")
    leisure = make_department(session, name="Leisure")
    manager = make_person(session, name="Lena Library", roles={Role.MANAGER}, department=library)
    staff = [make_person(session, name=f"Staff {n}", department=library) for n in "ABCD"]
    return Council(
        department=library,
        manager=manager,
        staff=staff,
        volunteer=make_person(session, name="Val Volunteer", engagement=EngagementType.VOLUNTEER),
        agency=make_person(session, name="Aggie Agency", engagement=EngagementType.AGENCY),
        clerk=make_person(session, name="Clara Clerk", roles={Role.TOWN_CLERK}),
        deputy=make_person(session, name="Dev Deputy", roles={Role.DEPUTY_CLERK}),
        mayor=make_person(session, name="Mary Mayor", roles={Role.MAYOR}),
        other_manager=make_person(session, name="Leo Leisure", roles={Role.MANAGER}, department=leisure),
    )


@pytest.fixture
def submitted(client, session, council) -> int:
    """A complete case from the library's manager, submitted for review."""
    client.sign_in_as(council.manager)
    case_id = start(client, council.department)
    complete(client, session, case_id, council)
    response = client.post(f"/business-cases/{case_id}/submit", {})
    assert response.status_code == 302
    assert case(session, case_id).status == "submitted"
    return case_id
