from __future__ import annotations

from datetime import timedelta

import time_machine
from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.auth.models import SignInFailure
from portal.db import utcnow
from portal.people.models import Person
from tests.factories import PASSWORD, make_person


def test_sign_in_with_the_right_password_starts_a_session(client, session):
    person = make_person(session, email="alex@council.example")
    response = client.sign_in_with_password("Alex@Council.example ", PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200
    assert "What I need to do" in home.get_data(as_text=True)
    assert (
        session.scalar(
            select(func.count()).where(
                AuditEvent.action == "auth.signed_in", AuditEvent.actor_id == person.id
            )
        )
        == 1
    )


def test_a_wrong_password_shows_the_error_summary_and_is_recorded(client, session):
    make_person(session, email="alex@council.example")
    response = client.sign_in_with_password("alex@council.example", "not the password")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in html
    assert "Enter a correct email address and password" in html
    assert html.count("Error:") >= 1  # the page title and the field say so too
    assert session.scalar(select(func.count()).select_from(SignInFailure)) == 1


def test_an_unknown_email_gets_the_same_answer_as_a_wrong_password(client, session):
    make_person(session, email="alex@council.example")
    unknown = client.sign_in_with_password("nobody@council.example", "whatever it is")
    assert "Enter a correct email address and password" in unknown.get_data(as_text=True)


def test_empty_fields_get_a_message_each(client):
    response = client.post("/sign-in", {"email": "", "password": ""})
    html = response.get_data(as_text=True)
    assert "Enter your email address" in html
    assert "Enter your password" in html


def test_five_failures_in_fifteen_minutes_make_the_account_wait(client, session):
    make_person(session, email="alex@council.example")
    for _ in range(5):
        client.sign_in_with_password("alex@council.example", "wrong password")
    # Even the right password is refused while the account waits.
    refused = client.sign_in_with_password("alex@council.example", PASSWORD)
    assert refused.status_code == 200
    assert "Too many failed attempts" in refused.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_the_wait_ends_after_the_window(client, session):
    make_person(session, email="alex@council.example")
    with time_machine.travel(utcnow(), tick=False) as traveller:
        for _ in range(5):
            client.sign_in_with_password("alex@council.example", "wrong password")
        traveller.shift(timedelta(minutes=16))
        response = client.sign_in_with_password("alex@council.example", PASSWORD)
    assert response.status_code == 302


def test_throttling_one_account_does_not_lock_out_anyone_else(client, another_client, session):
    make_person(session, email="victim@council.example")
    make_person(session, email="colleague@council.example")
    for _ in range(6):
        client.sign_in_with_password("victim@council.example", "guess")
    assert another_client.sign_in_with_password("colleague@council.example", PASSWORD).status_code == 302


def test_the_session_cookie_changes_at_sign_in(client, session):
    make_person(session, email="alex@council.example")
    client.get("/sign-in")
    before = client.cookie("portal_session")
    client.sign_in_with_password("alex@council.example", PASSWORD)
    after = client.cookie("portal_session")
    assert before != after


def test_sign_out_ends_every_session_and_a_replayed_cookie_is_refused(client, another_client, session):
    make_person(session, email="alex@council.example")
    client.sign_in_with_password("alex@council.example", PASSWORD)
    another_client.sign_in_with_password("alex@council.example", PASSWORD)
    stolen = client.cookie("portal_session")
    assert stolen

    assert client.post("/sign-out").status_code == 302
    assert client.get("/").status_code == 302
    # The other device is signed out too.
    assert another_client.get("/").status_code == 302
    # An attacker replaying the old cookie gets nowhere.
    replay = another_client.another_browser()
    replay.http.set_cookie("portal_session", stolen)
    assert replay.get("/").status_code == 302


def test_sign_out_is_not_possible_with_get(client, session):
    person = make_person(session)
    client.sign_in_as(person)
    assert client.get("/sign-out").status_code == 405
    assert client.get("/").status_code == 200


def test_a_remember_me_cookie_dies_at_sign_out_too(client, session):
    make_person(session, email="alex@council.example")
    client.sign_in_with_password("alex@council.example", PASSWORD, remember="y")
    remember = client.cookie("portal_remember")
    assert remember
    client.post("/sign-out")
    replay = client.another_browser()
    replay.http.set_cookie("portal_remember", remember)
    assert replay.get("/").status_code == 302


def test_a_remember_me_cookie_restores_a_session_that_went_idle(client, session):
    make_person(session, email="alex@council.example")
    client.sign_in_with_password("alex@council.example", PASSWORD, remember="y")
    remember = client.cookie("portal_remember")
    fresh_browser = client.another_browser()
    fresh_browser.http.set_cookie("portal_remember", remember)
    assert fresh_browser.get("/").status_code == 200


def test_idle_timeout_after_thirty_minutes(client, session):
    make_person(session, email="alex@council.example")
    with time_machine.travel(utcnow(), tick=False) as traveller:
        client.sign_in_with_password("alex@council.example", PASSWORD)
        traveller.shift(timedelta(minutes=29))
        assert client.get("/").status_code == 200  # activity renews the idle timer
        traveller.shift(timedelta(minutes=29))
        assert client.get("/").status_code == 200
        traveller.shift(timedelta(minutes=31))
        assert client.get("/").status_code == 302


def test_absolute_timeout_after_twelve_hours_even_when_active(client, session):
    make_person(session, email="alex@council.example")
    with time_machine.travel(utcnow(), tick=False) as traveller:
        client.sign_in_with_password("alex@council.example", PASSWORD, remember="y")
        for _ in range(24):
            traveller.shift(timedelta(minutes=29))
            assert client.get("/").status_code == 200
        traveller.shift(timedelta(minutes=29))  # 12h05m after signing in
        assert client.get("/").status_code == 302


def test_next_only_accepts_paths_on_this_site(client, session):
    make_person(session, email="alex@council.example")
    for target, expected in [
        ("/account", "/account"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
    ]:
        fresh = client.another_browser()
        token = fresh.csrf_token()
        response = fresh.http.post(
            "/sign-in",
            query_string={"next": target},
            data={"email": "alex@council.example", "password": PASSWORD, "csrf_token": token},
        )
        assert response.headers["Location"] == expected, target


def test_a_form_without_its_csrf_token_is_refused(client, session):
    make_person(session, email="alex@council.example")
    response = client.post("/sign-in", {"email": "alex@council.example", "password": PASSWORD}, csrf=False)
    assert response.status_code == 400
    assert "Your form could not be sent" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_a_leaver_cannot_sign_in(client, session):
    person = make_person(session, email="alex@council.example")
    person.is_active = False
    session.commit()
    response = client.sign_in_with_password("alex@council.example", PASSWORD)
    assert "Enter a correct email address and password" in response.get_data(as_text=True)


def test_an_unauthenticated_page_sends_you_to_sign_in_and_back(client, session):
    make_person(session, email="alex@council.example")
    response = client.get("/account")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in?next=")


def test_the_person_is_counted_once_per_failed_attempt(client, session):
    person = make_person(session, email="alex@council.example")
    client.sign_in_with_password("ALEX@council.example", "wrong")
    failure = session.scalar(select(SignInFailure))
    assert failure.account == "alex@council.example"
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "auth.sign_in_failed"))
    assert event.object_id == str(person.id)
    assert session.get(Person, person.id).is_active
