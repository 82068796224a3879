from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select

from portal.auth.models import PasswordToken
from portal.auth.passwords import password_problem
from portal.auth.service import issue_password_token
from portal.db import utcnow
from portal.people.models import Role
from tests.factories import PASSWORD, make_person

NEW_PASSWORD = "correct horse battery staple"  # noqa: S105


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("short", "8 characters or more"),
        ("password1", "too common"),
        ("Password123", "too common"),
        ("qwertyuiop", "too common"),
        ("x" * 257, "256 characters or fewer"),
        ("alex@council.example", "your name or email"),
    ],
)
def test_weak_passwords_are_refused_with_a_reason(password, problem):
    found = password_problem(password, email="alex@council.example", name="Alex Smith")
    assert found is not None and problem in found


@pytest.mark.parametrize(
    "password", ["eightchr", "no rules about symbols or case", "ü" * 8, "p" * 64 + "q" * 64]
)
def test_long_and_unusual_passwords_are_accepted(password):
    assert password_problem(password, email="alex@council.example", name="Alex Smith") is None


def _link_for(session, person, purpose="invitation"):
    token = issue_password_token(session, person, purpose=purpose, actor=None)
    session.commit()
    return f"/set-password/{token}"


def test_an_invitation_link_sets_the_password_once(client, session):
    person = make_person(session, email="new@council.example", with_password=False)
    link = _link_for(session, person)
    page = client.get(link)
    assert page.status_code == 200
    assert "Create your password" in page.get_data(as_text=True)
    response = client.post(link, {"password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 200  # signed in straight away

    second_browser = client.another_browser()
    again = second_browser.get(link)
    assert again.status_code == 404
    assert "This link cannot be used" in again.get_data(as_text=True)
    assert second_browser.sign_in_with_password("new@council.example", NEW_PASSWORD).status_code == 302


def test_a_link_expires_after_72_hours(client, session):
    person = make_person(session, with_password=False)
    with time_machine.travel(utcnow(), tick=False) as traveller:
        link = _link_for(session, person)
        traveller.shift(timedelta(hours=71, minutes=59))
        assert client.get(link).status_code == 200
        traveller.shift(timedelta(minutes=2))
        assert client.get(link).status_code == 404


def test_a_newer_link_replaces_older_ones(client, session):
    person = make_person(session, with_password=False)
    first = _link_for(session, person)
    second = _link_for(session, person, purpose="reset")
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200


def test_a_weak_password_on_the_link_is_refused_and_the_link_still_works(client, session):
    person = make_person(session, with_password=False)
    link = _link_for(session, person)
    response = client.post(link, {"password": "password1", "confirm_password": "password1"})
    assert "too common" in response.get_data(as_text=True)
    mismatch = client.post(link, {"password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD + "!"})
    assert "The passwords do not match" in mismatch.get_data(as_text=True)
    assert client.get(link).status_code == 200
    session.expire_all()
    assert session.scalar(select(PasswordToken.used_at)) is None


def test_changing_your_password_signs_out_other_devices_but_not_this_one(client, another_client, session):
    make_person(session, email="alex@council.example")
    client.sign_in_with_password("alex@council.example", PASSWORD)
    another_client.sign_in_with_password("alex@council.example", PASSWORD)
    old_cookie = client.cookie("portal_session")
    response = client.post(
        "/account",
        {"current_password": PASSWORD, "password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert another_client.get("/").status_code == 302
    replay = client.another_browser()
    replay.http.set_cookie("portal_session", old_cookie)
    assert replay.get("/").status_code == 302


def test_changing_your_password_needs_the_current_one(client, session):
    person = make_person(session, email="alex@council.example")
    client.sign_in_as(person)
    response = client.post(
        "/account", {"current_password": "wrong", "password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD}
    )
    assert "Your current password is not correct" in response.get_data(as_text=True)
    assert client.get("/").status_code == 200


def test_an_invitation_is_emailed_to_the_person_and_never_shown_to_the_administrator(client, session):
    from portal.outbox.models import OutboxMessage

    admin = make_person(session, roles={Role.ADMINISTRATOR})
    newcomer = make_person(session, name="Newcomer", email="newcomer@council.example", with_password=False)
    client.sign_in_as(admin)
    response = client.post(f"/people/{newcomer.id}/sign-in-link")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Invitation sent" in html and "newcomer@council.example" in html
    assert "/set-password/" not in html
    assert response.headers["Cache-Control"] == "no-store"
    message = session.scalar(select(OutboxMessage))
    assert (message.kind, message.to_address) == ("invitation", "newcomer@council.example")
    assert "/set-password/" in message.text_body and "/set-password/" in message.html_body
    link = message.text_body.split("Choose your password: ")[1].split()[0]
    assert client.another_browser().get(link.replace("http://127.0.0.1:5000", "")).status_code == 200
