"""Privileged roles change only with a second person; administrators manage ordinary ones.

Each path that could grant a role is covered: the person form (adding and editing),
the CSV import, the proposal page, and the server's commands.
"""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from portal.audit.models import AuditEvent
from portal.outbox.models import OutboxMessage
from portal.people import roles as role_changes
from portal.people.models import EmailChange, EngagementType, Person, Role, RoleChange
from tests.factories import make_person

CSV_HEADER = "name,email,engagement_type,department,line_manager_email,start_date,roles\n"


def _admin(session):
    return make_person(session, name="Ada Admin", email="admin@council.example", roles={Role.ADMINISTRATOR})


def _clerk(session):
    return make_person(session, name="Clara Clerk", email="clerk@council.example", roles={Role.TOWN_CLERK})


def _deputy(session):
    return make_person(session, name="Dev Deputy", email="deputy@council.example", roles={Role.DEPUTY_CLERK})


def _roles_of(session, person):
    session.expire_all()
    return session.scalar(
        select(Person).options(selectinload(Person.role_grants)).where(Person.id == person.id)
    ).roles


def _events(session, action):
    return session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def _person_form(person, **changes):
    form = {
        "name": person.name,
        "email": person.email,
        "engagement_type": person.engagement_type,
        "start_date": person.start_date.isoformat(),
        "roles": [],
    }
    form.update(changes)
    return form


# Administrators: ordinary roles only -----------------------------------------------------


def test_an_administrator_cannot_give_themselves_a_privileged_role(client, session):
    admin = _admin(session)
    client.sign_in_as(admin)
    response = client.post(
        f"/people/{admin.id}/edit", _person_form(admin, roles=["administrator", "hr", "town_clerk"])
    )
    assert response.status_code == 200
    assert _roles_of(session, admin) == {Role.ADMINISTRATOR}
    assert not _events(session, "people.updated")


def test_an_administrator_cannot_add_a_person_with_a_privileged_role(client, session):
    client.sign_in_as(_admin(session))
    before = session.scalar(select(func.count()).select_from(Person))
    response = client.post(
        "/people/new",
        {
            "name": "Mal Icious",
            "email": "mal@council.example",
            "engagement_type": "employee",
            "start_date": "2026-01-05",
            "roles": ["mayor"],
        },
    )
    assert response.status_code == 200
    assert session.scalar(select(func.count()).select_from(Person)) == before


def test_the_service_refuses_privileged_roles_from_an_administrator_whatever_the_form(session):
    from portal.errors import DomainError
    from portal.people.service import PersonDetails, create_person

    admin = _admin(session)
    details = PersonDetails(
        name="X",
        email="x@council.example",
        engagement_type=EngagementType.EMPLOYEE,
        start_date=admin.start_date,
        roles={Role.HR},
    )
    try:
        create_person(session, admin, details)
    except DomainError as error:
        assert "second person" in error.message
    else:
        raise AssertionError("an administrator created someone with the HR role")


def test_editing_a_clerk_keeps_her_privileged_role_and_administrators_still_give_ordinary_ones(
    client, session
):
    clerk = _clerk(session)
    client.sign_in_as(_admin(session))
    response = client.post(
        f"/people/{clerk.id}/edit", _person_form(clerk, name="Clara Clerk-Jones", roles=["manager"])
    )
    assert response.status_code == 302
    assert _roles_of(session, clerk) == {Role.TOWN_CLERK, Role.MANAGER}


def test_nobody_changes_their_own_ordinary_roles_either(client, session):
    admin = _admin(session)
    client.sign_in_as(admin)
    response = client.post(
        f"/people/{admin.id}/edit", _person_form(admin, roles=["administrator", "manager"])
    )
    assert response.status_code == 200
    assert "You cannot change your own roles" in response.get_data(as_text=True)
    assert _roles_of(session, admin) == {Role.ADMINISTRATOR}


def test_a_csv_import_cannot_grant_a_privileged_role(client, session):
    client.sign_in_as(_admin(session))
    before = session.scalar(select(func.count()).select_from(Person))
    csv = CSV_HEADER + "Hana Hr,hana@council.example,employee,,,2026-01-05,hr\n"
    response = client.post(
        "/people/import",
        {"file": (__import__("io").BytesIO(csv.encode()), "staff.csv")},
        content_type="multipart/form-data",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "second person" in html
    assert session.scalar(select(func.count()).select_from(Person)) == before


def test_administrators_cannot_open_the_privileged_roles_page(client, session):
    client.sign_in_as(_admin(session))
    assert client.get("/people/roles").status_code == 403
    assert (
        client.post("/people/roles", {"person_email": "x@council.example", "role": "hr"}).status_code == 403
    )


# Proposals and a second person ------------------------------------------------------------


def _propose(client, email, role, change="grant", effective_on=""):
    return client.post(
        "/people/roles", {"person_email": email, "role": role, "change": change, "effective_on": effective_on}
    )


def test_a_proposal_takes_effect_only_when_a_second_person_approves_it(client, session):
    clerk, deputy = _clerk(session), _deputy(session)
    hana = make_person(session, name="Hana Hr", email="hana@council.example")
    client.sign_in_as(clerk)
    response = _propose(client, "hana@council.example", "hr")
    assert response.status_code == 302
    assert _roles_of(session, hana) == frozenset()
    change = session.scalar(select(RoleChange))
    assert change.status == "pending"
    # The approver is told by email and sees a task; the proposer cannot approve.
    mail = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "role_change")).all()
    assert [m.to_address for m in mail] == ["deputy@council.example"]
    assert client.post(f"/people/roles/{change.id}/approve").status_code == 302
    assert _roles_of(session, hana) == frozenset()

    deputy_browser = client.another_browser()
    deputy_browser.sign_in_as(deputy)
    home = deputy_browser.get("/").get_data(as_text=True)
    assert "Approve or refuse: Make Hana Hr HR" in home
    assert deputy_browser.post(f"/people/roles/{change.id}/approve").status_code == 302
    assert _roles_of(session, hana) == {Role.HR}
    for action in ("roles.change_proposed", "roles.change_approved", "roles.change_applied"):
        assert len(_events(session, action)) == 1, action
    approved = _events(session, "roles.change_approved")[0]
    assert approved.actor_id == deputy.id
    assert '"second_person":"portal"' in approved.details


def test_the_person_changed_cannot_approve_and_nobody_proposes_for_themselves(client, session):
    clerk, deputy = _clerk(session), _deputy(session)
    make_person(session, name="Hugo Hr", email="hugo@council.example", roles={Role.HR})
    client.sign_in_as(deputy)
    own = _propose(client, "deputy@council.example", "deputy_clerk", "remove").get_data(as_text=True)
    assert "You cannot change your own roles" in own
    assert session.scalar(select(func.count()).select_from(RoleChange)) == 0

    client.sign_in_as(clerk)
    _propose(client, "deputy@council.example", "deputy_clerk", "remove")
    change = session.scalar(select(RoleChange))
    subject = client.another_browser()
    subject.sign_in_as(deputy)
    subject.post(f"/people/roles/{change.id}/approve")
    assert _roles_of(session, deputy) == {Role.DEPUTY_CLERK}
    session.expire_all()
    assert session.get(RoleChange, change.id).status == "pending"


def test_a_refusal_is_recorded_and_changes_nothing(client, session):
    clerk, deputy = _clerk(session), _deputy(session)
    hana = make_person(session, name="Hana Hr", email="hana@council.example")
    client.sign_in_as(clerk)
    _propose(client, "hana@council.example", "hr")
    change = session.scalar(select(RoleChange))
    other = client.another_browser()
    other.sign_in_as(deputy)
    other.post(f"/people/roles/{change.id}/refuse")
    assert _roles_of(session, hana) == frozenset()
    session.expire_all()
    assert session.get(RoleChange, change.id).status == "refused"
    assert len(_events(session, "roles.change_refused")) == 1


def test_an_unapproved_proposal_lapses_after_five_working_days(client, session):
    clerk, deputy = _clerk(session), _deputy(session)
    make_person(session, name="Hana Hr", email="hana@council.example")
    client.sign_in_as(clerk)
    _propose(client, "hana@council.example", "hr")
    change = session.scalar(select(RoleChange))
    assert (change.lapses_on - role_changes.today()).days >= 5
    change.lapses_on = role_changes.today() - timedelta(days=1)
    session.commit()
    other = client.another_browser()
    other.sign_in_as(deputy)
    page = other.post(f"/people/roles/{change.id}/approve", follow_redirects=True).get_data(as_text=True)
    assert "has lapsed" in page
    assert "Approve or refuse" not in other.get("/").get_data(as_text=True)
    result = role_changes.run_due(session)
    session.commit()
    assert result.lapsed == 1
    assert session.get(RoleChange, change.id).status == "lapsed"
    assert len(_events(session, "roles.change_lapsed")) == 1


# The server as the second person, and the first Town Clerk ----------------------------------


def test_the_server_command_approves_only_while_nobody_else_could(app, client, session):
    clerk = _clerk(session)
    make_person(session, name="Cllr Hale", email="hale@council.example", engagement=EngagementType.COUNCILLOR)
    client.sign_in_as(clerk)
    page = _propose(client, "hale@council.example", "mayor").headers["Location"]
    assert "/people/roles" in page
    change = session.scalar(select(RoleChange))
    session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["roles", "approve", str(change.id)])
    assert result.exit_code == 0, result.output
    assert "server's command" in result.output
    hale = session.scalar(select(Person).where(Person.email == "hale@council.example"))
    assert _roles_of(session, hale) == {Role.MAYOR}
    approved = _events(session, "roles.change_approved")[0]
    assert approved.actor_id is None
    assert '"second_person":"server command"' in approved.details

    # Now Hale (the Mayor) could approve, so the server may not.
    make_person(session, name="Hana Hr", email="hana@council.example")
    _propose(client, "hana@council.example", "hr")
    second = session.scalar(select(RoleChange).where(RoleChange.role == "hr"))
    session.commit()
    refused = runner.invoke(args=["roles", "approve", str(second.id)])
    assert refused.exit_code == 1
    assert "Cllr Hale" in refused.output


def test_the_first_town_clerk_is_made_on_the_server_only_while_there_is_none(app, session):
    runner = app.test_cli_runner()
    made = runner.invoke(
        args=["roles", "create-town-clerk", "--name", "Tess Clerk", "--email", "tess@council.example"]
    )
    assert made.exit_code == 0, made.output
    tess = session.scalar(select(Person).where(Person.email == "tess@council.example"))
    assert _roles_of(session, tess) == {Role.TOWN_CLERK}
    assert len(_events(session, "roles.first_town_clerk")) == 1
    session.commit()
    again = runner.invoke(
        args=["roles", "create-town-clerk", "--name", "Eve", "--email", "eve@council.example"]
    )
    assert again.exit_code == 1
    assert "already a Town Clerk" in again.output
    assert session.scalar(select(Person).where(Person.email == "eve@council.example")) is None


# The Mayor: one a year, from the annual meeting ----------------------------------------------


def test_a_new_mayor_takes_office_on_the_date_given_and_replaces_the_old_one(client, session):
    clerk, deputy = _clerk(session), _deputy(session)
    old = make_person(
        session,
        name="Cllr Old",
        email="old@council.example",
        engagement=EngagementType.COUNCILLOR,
        roles={Role.MAYOR},
    )
    new = make_person(
        session, name="Cllr New", email="new@council.example", engagement=EngagementType.COUNCILLOR
    )
    make_person(session, name="Stan Staff", email="stan@council.example")
    client.sign_in_as(clerk)
    refused = _propose(client, "stan@council.example", "mayor")
    assert "chosen from the councillors" in refused.get_data(as_text=True)
    meeting = role_changes.today() + timedelta(days=30)
    _propose(client, "new@council.example", "mayor", effective_on=meeting.isoformat())
    change = session.scalar(select(RoleChange))
    other = client.another_browser()
    other.sign_in_as(deputy)
    other.post(f"/people/roles/{change.id}/approve")
    session.expire_all()
    assert session.get(RoleChange, change.id).status == "approved"
    assert _roles_of(session, new) == frozenset()
    assert role_changes.run_due(session, on=meeting - timedelta(days=1)).applied == 0
    assert role_changes.run_due(session, on=meeting).applied == 1
    session.commit()
    assert _roles_of(session, new) == {Role.MAYOR}
    assert _roles_of(session, old) == frozenset()


# Email addresses -------------------------------------------------------------------------------


def _link_in(session, to_address):
    message = session.scalar(select(OutboxMessage).where(OutboxMessage.to_address == to_address))
    assert message is not None, f"nothing was sent to {to_address}"
    return re.search(r"(/people/confirm-email/[\w-]+)", message.text_body).group(1)


def test_a_new_email_address_takes_effect_only_when_it_confirms(client, session):
    sam = make_person(session, name="Sam Staff", email="sam@council.example")
    client.sign_in_as(_admin(session))
    response = client.post(f"/people/{sam.id}/edit", _person_form(sam, email="sam.new@council.example"))
    assert response.status_code == 302
    assert "A link has been sent to sam.new@council.example" in client.get(
        response.headers["Location"]
    ).get_data(as_text=True)
    session.expire_all()
    assert session.get(Person, sam.id).email == "sam@council.example"
    told = session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "email_change_notice"))
    assert told.to_address == "sam@council.example"
    link = _link_in(session, "sam.new@council.example")
    stranger = client.another_browser()
    # Opening the link changes nothing; confirming it does.
    assert "Confirm this address" in stranger.get(link).get_data(as_text=True)
    session.expire_all()
    assert session.get(Person, sam.id).email == "sam@council.example"
    assert stranger.post(link).status_code == 200
    session.expire_all()
    assert session.get(Person, sam.id).email == "sam.new@council.example"
    assert len(_events(session, "people.email_changed")) == 1
    # The link works once.
    assert "cannot be used" in stranger.get(link).get_data(as_text=True)


def test_a_privileged_holders_address_needs_a_second_person_then_confirmation(client, session):
    clerk, deputy = _clerk(session), _deputy(session)
    client.sign_in_as(_admin(session))
    client.post(f"/people/{clerk.id}/edit", _person_form(clerk, email="attacker@evil.example"))
    session.expire_all()
    assert session.get(Person, clerk.id).email == "clerk@council.example"
    change = session.scalar(select(RoleChange))
    assert change.kind == "email" and change.status == "pending"
    assert session.scalar(select(func.count()).select_from(EmailChange)) == 0
    assert (
        session.scalar(select(OutboxMessage).where(OutboxMessage.to_address == "attacker@evil.example"))
        is None
    )

    other = client.another_browser()
    other.sign_in_as(deputy)
    other.post(f"/people/roles/{change.id}/approve")
    link = _link_in(session, "attacker@evil.example")
    other.post(link)
    session.expire_all()
    assert session.get(Person, clerk.id).email == "attacker@evil.example"
