from __future__ import annotations

from dataclasses import dataclass

import pytest

from portal.people.models import Person, Role
from tests.factories import make_department, make_person, make_policy
from tests.policies.conftest import sign_as  # noqa: F401 (the same fixture)


@dataclass
class Staff:
    hr: Person
    clerk: Person
    officer: Person  # investigating officer, no special role
    hearer: Person  # hears the case: someone other than the investigating officer
    subject: Person
    manager: Person  # the subject's line manager
    deputy: Person
    mayor: Person
    admin: Person
    policy: object


@pytest.fixture
def staff(session) -> Staff:
    department = make_department(session, name="Events")
    manager = make_person(session, name="Mo Manager", roles={Role.MANAGER}, department=department)
    clerk = make_person(session, name="Clara Clerk", roles={Role.TOWN_CLERK})
    policy, _ = make_policy(session, clerk=clerk, slug="social-media", title="Social Media Policy")
    return Staff(
        hr=make_person(session, name="Harriet HR", roles={Role.HR}),
        clerk=clerk,
        officer=make_person(session, name="Ivan Investigator"),
        hearer=make_person(session, name="Hugh Hearing", roles={Role.MANAGER}),
        subject=make_person(session, name="Sam Subject", email="sam@council.example", manager=manager),
        manager=manager,
        deputy=make_person(session, name="Dev Deputy", roles={Role.DEPUTY_CLERK}),
        mayor=make_person(session, name="Mary Mayor", roles={Role.MAYOR}),
        admin=make_person(session, name="Ada Admin", roles={Role.ADMINISTRATOR}),
        policy=policy,
    )
