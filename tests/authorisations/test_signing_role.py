"""Networking Policy 3.2: only the Mayor or the Town Clerk authorises posting, and the
letter and the register name the role the signer really holds."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.authorisations import service
from portal.authorisations.models import AuthorisationIssue
from portal.errors import DomainError
from portal.people.models import Role
from tests.authorisations.test_authorisations import _issued
from tests.business_cases.helpers import pdf_text
from tests.factories import PASSWORD, make_person

ROLES_THAT_MAY_NOT_SIGN = [set(), {Role.ADMINISTRATOR}, {Role.MANAGER}, {Role.DEPUTY_CLERK}, {Role.HR}]


@pytest.fixture
def pending(app, session, loaded, sign_as):
    """A request ready to be issued: its person has signed and passed the poster module."""
    manager = make_person(session, name="Manny Manager", roles={Role.MANAGER})
    member = make_person(session, name="Tess Team", manager=manager)
    channel = service.add_channel(
        session,
        loaded,
        platform="facebook",
        name="Council page",
        url="https://facebook.example/c",
        basis="Minute 24/001",
    )
    session.commit()
    return _issued(app, session, (loaded, None, manager, member, channel), sign_as)


@pytest.mark.parametrize("roles", ROLES_THAT_MAY_NOT_SIGN)
def test_the_service_refuses_a_signer_who_is_neither_mayor_nor_clerk(app, session, pending, roles):
    outsider = make_person(session, name="Oscar Outsider", roles=roles)
    with app.app_context(), pytest.raises(DomainError, match="Only the Mayor or the Town Clerk"):
        service.issue(
            session, outsider, pending, password=PASSWORD, typed_name=outsider.name, ip_address=None
        )
    session.rollback()
    assert session.scalar(select(func.count()).select_from(AuthorisationIssue)) == 0
    assert session.scalar(select(func.count()).where(AuditEvent.action == "authorisations.issued")) == 0


@pytest.mark.parametrize(
    ("roles", "recorded", "shown"),
    [
        ({Role.MAYOR}, "mayor", "Mayor"),
        ({Role.TOWN_CLERK}, "town_clerk", "Town Clerk"),
        # Someone who holds both always signs as the Town Clerk.
        ({Role.MAYOR, Role.TOWN_CLERK}, "town_clerk", "Town Clerk"),
    ],
)
def test_the_letter_records_the_role_the_signer_holds(app, session, pending, roles, recorded, shown):
    signer = make_person(session, name="Sandra Signer", roles=roles)
    with app.app_context():
        issued = service.issue(
            session, signer, pending, password=PASSWORD, typed_name=signer.name, ip_address=None
        )
    session.commit()
    assert issued.signer_role == recorded
    assert f"Signed by Sandra Signer, {shown}," in pdf_text(issued.letter_pdf)
