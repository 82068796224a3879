"""The application log (portal/logs.py): one line per request, the request id in a header
and on the error page, JSON in production, and nothing that names a person but their id."""

from __future__ import annotations

import json
import logging
import re
import time

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal import create_app
from portal.auth import service as auth_service
from portal.db import database
from portal.logs import JsonLines, ReadableText
from portal.people.models import Role
from portal.training import programme
from tests.conftest import settings_for
from tests.factories import make_person
from tests.helpers import PUBLIC, text_of

GENERATED_ID = re.compile(r"[0-9a-f]{4}(-[0-9a-f]{4}){3}")


def _request_lines(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == "portal.requests"]


def _sign_in(app: Flask, person_id: int, token: str) -> FlaskClient:
    browser = app.test_client()
    with browser.session_transaction(base_url=PUBLIC) as cookie:
        cookie["_user_id"] = f"{person_id}.{token}.{int(time.time())}"
        cookie["_fresh"] = True
    return browser


def test_one_line_per_request_with_the_route_and_the_person_by_id_only(client, session, caplog):
    person = make_person(session, name="Sam Secretive", email="sam.secretive@council.example")
    client.sign_in_as(person)
    with caplog.at_level(logging.INFO, logger="portal.requests"):
        response = client.get("/policies/no-such-policy?search=Sam+Secretive")
    assert response.status_code == 404
    [line] = _request_lines(caplog)
    assert line.method == "GET"
    assert line.route == "/policies/<slug>"  # the rule, not the path nor its query
    assert line.status == 404
    assert isinstance(line.duration_ms, float) and line.duration_ms >= 0
    assert line.request_id == response.headers["X-Request-ID"]
    assert line.user_id == person.id
    for formatter in (ReadableText(), JsonLines()):
        written = formatter.format(line)
        for secret in ("Sam", "Secretive", "sam.secretive@", "search", "no-such-policy"):
            assert secret not in written, (type(formatter).__name__, written)


def test_nobody_signed_in_is_logged_as_no_one(client, caplog):
    with caplog.at_level(logging.INFO, logger="portal.requests"):
        client.get("/sign-in")
    [line] = _request_lines(caplog)
    assert line.route == "/sign-in" and line.status == 200 and line.user_id is None


def test_production_writes_one_json_line_per_request(production, session, capsys):
    person = make_person(session, name="Jo Jsonfield", email="jo.jsonfield@council.example")
    browser = _sign_in(production, person.id, person.session_token)
    capsys.readouterr()
    response = browser.get("/policies/missing?q=Jo+Jsonfield", base_url=PUBLIC)
    written = capsys.readouterr().err
    lines = [json.loads(text) for text in written.splitlines() if text.startswith("{")]
    [line] = [found for found in lines if found["logger"] == "portal.requests"]
    assert line["method"] == "GET"
    assert line["route"] == "/policies/<slug>"
    assert line["status"] == response.status_code == 404
    assert line["request_id"] == response.headers["X-Request-ID"]
    assert line["user_id"] == person.id
    assert line["duration_ms"] >= 0 and line["level"] == "INFO" and line["time"].endswith("+00:00")
    for secret in ("Jsonfield", "jo.jsonfield@", "q=", "missing"):
        assert secret not in written


def test_development_writes_readable_text(runtime_database_url, capsys):
    developing = create_app(settings_for(runtime_database_url))
    try:
        capsys.readouterr()
        response = developing.test_client().get("/healthz")
        written = capsys.readouterr().err
    finally:
        database(developing).engine.dispose()
    request_id = response.headers["X-Request-ID"]
    assert "INFO portal.requests: GET /healthz 200 in " in written
    assert f"request {request_id}, user -" in written
    assert not any(line.startswith("{") for line in written.splitlines())


def test_every_response_carries_its_own_request_id(client):
    responses = [client.get("/sign-in"), client.get("/"), client.get("/no-such-page"), client.get("/healthz")]
    ids = [response.headers["X-Request-ID"] for response in responses]
    assert responses[1].status_code == 302 and responses[2].status_code == 404
    assert all(GENERATED_ID.fullmatch(found) for found in ids)
    assert len(set(ids)) == len(ids)


def test_a_safe_request_id_from_the_proxy_is_kept(client, caplog):
    with caplog.at_level(logging.INFO, logger="portal.requests"):
        response = client.get("/sign-in", headers={"X-Request-ID": "0f3c9a7e-nginx-42"})
    assert response.headers["X-Request-ID"] == "0f3c9a7e-nginx-42"
    assert _request_lines(caplog)[0].request_id == "0f3c9a7e-nginx-42"


@pytest.mark.parametrize(
    "offered",
    ["<script>alert(1)</script>", "a" * 65, "two words", "under_score", 'quote"d', "x%0Ainjected", ""],
)
def test_an_unsafe_request_id_is_replaced(client, offered):
    response = client.get("/sign-in", headers={"X-Request-ID": offered})
    assert GENERATED_ID.fullmatch(response.headers["X-Request-ID"])
    if offered:
        assert offered not in response.get_data(as_text=True)


def test_the_error_page_shows_the_request_id_to_quote(client, session):
    client.sign_in_as(make_person(session, roles={Role.HR}))
    response = client.get("/conduct/999999")
    assert response.status_code == 404
    request_id = response.headers["X-Request-ID"]
    assert f"Quote this reference if you contact the Town Clerk: {request_id}" in text_of(
        response.get_data(as_text=True)
    )


def test_an_unhandled_error_is_logged_with_the_request_id_and_shown_on_the_page(
    client, session, monkeypatch, caplog
):
    client.sign_in_as(make_person(session))

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("something broke")

    monkeypatch.setattr(programme, "statuses_for", broken)
    with caplog.at_level(logging.INFO):
        response = client.get("/training")
    assert response.status_code == 500
    request_id = response.headers["X-Request-ID"]
    assert f"Quote this reference if you contact the Town Clerk: {request_id}" in text_of(
        response.get_data(as_text=True)
    )
    [error] = [record for record in caplog.records if record.levelno == logging.ERROR]
    assert error.getMessage() == f"unhandled error on /training (request {request_id})"
    assert error.request_id == request_id  # and a JSON line carries it as a key
    assert json.loads(JsonLines().format(error))["request_id"] == request_id
    assert [line.status for line in _request_lines(caplog)] == [500]


def test_a_password_link_token_never_reaches_the_log(client, monkeypatch, caplog):
    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("something broke")

    monkeypatch.setattr(auth_service, "usable_token", broken)
    with caplog.at_level(logging.INFO):
        assert client.get("/set-password/TOKEN-THAT-SETS-A-PASSWORD").status_code == 500
    messages = [record.getMessage() for record in caplog.records]
    assert any(message.startswith("unhandled error on /set-password/<token> ") for message in messages)
    assert not any("TOKEN-THAT-SETS" in message for message in messages)
