"""What a production portal adds to every request: it answers only to the host in
PORTAL_BASE_URL, and tells browsers to use HTTPS only (Strict-Transport-Security)."""

from __future__ import annotations

import re
import time
from pathlib import Path

from sqlalchemy import select

from portal.outbox.models import OutboxMessage
from portal.people.models import Role
from tests.factories import make_person
from tests.helpers import PUBLIC, csrf_token_in

FORGED = "http://evil.example"
PORTAL = Path(__file__).resolve().parent.parent / "portal"


def test_production_refuses_a_foreign_host(production):
    browser = production.test_client()
    assert browser.get("/healthz", base_url=PUBLIC).status_code == 200
    for host in ("evil.example", "portal.example-tc.gov.uk.evil.example", "127.0.0.1:8000"):
        refused = browser.get("/sign-in", base_url=PUBLIC, headers={"Host": host})
        assert refused.status_code == 400, host
        assert host not in refused.get_data(as_text=True)


def test_production_sends_strict_transport_security(production):
    response = production.test_client().get("/sign-in", base_url=PUBLIC)
    assert response.status_code == 200
    header = response.headers["Strict-Transport-Security"]
    max_age = int(re.search(r"max-age=(\d+)", header).group(1))
    assert max_age >= 31_536_000 and "includeSubDomains" in header


def test_development_sends_no_strict_transport_security(client):
    # Over plain http://127.0.0.1 it would only lock a developer's browser out of other ports' sites.
    assert "Strict-Transport-Security" not in client.get("/sign-in").headers


def test_a_sign_in_link_is_built_from_the_base_url_not_the_host_header(app, session):
    """In development any Host is answered, so this is the links' own guarantee."""
    base = app.config["PORTAL_SETTINGS"].base_url
    admin = make_person(session, roles={Role.ADMINISTRATOR})
    newcomer = make_person(session, name="Nina New", with_password=False)
    session.commit()
    browser = app.test_client()  # every request, cookies included, is for the forged host
    with browser.session_transaction(base_url=FORGED) as cookie:
        cookie["_user_id"] = f"{admin.id}.{admin.session_token}.{int(time.time())}"
        cookie["_fresh"] = True
    token = csrf_token_in(browser.get("/", base_url=FORGED).get_data(as_text=True))
    response = browser.post(
        f"/people/{newcomer.id}/sign-in-link", data={"csrf_token": token}, base_url=FORGED
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    message = session.scalar(select(OutboxMessage).where(OutboxMessage.person_id == newcomer.id))
    for body in (message.text_body, message.html_body):
        assert "evil.example" not in body
        links = re.findall(r"https?://[^\s\"'<>]+", body)
        assert links and all(link.startswith(base + "/") for link in links), links


def test_no_link_is_built_from_a_request_outside_the_command_line():
    """url_for(..., _external=True) and request.host_url take the host from the request."""
    offenders = [
        f"{path.relative_to(PORTAL)}:{number}"
        for path in PORTAL.rglob("*.py")
        # Commands build links in a request context made from PORTAL_BASE_URL; security.py
        # reads the Host header only to refuse a foreign one.
        if path.name not in {"cli.py", "security.py"}
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"_external=True|request\.(host|host_url|url_root|root_url)\b", line)
    ]
    assert offenders == []


def test_production_cookies_carry_the_host_prefix(production):
    # ASVS 3.3.1 and 3.3.3: a __Host- cookie is Secure, for the whole site, and for this host only.
    response = production.test_client().get("/sign-in", base_url=PUBLIC)
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("__Host-portal_session="))
    assert "Secure" in cookie and "Path=/" in cookie and "Domain=" not in cookie
    assert production.config["REMEMBER_COOKIE_NAME"] == "__Host-portal_remember"
    assert production.config["REMEMBER_COOKIE_SECURE"] is True


def test_the_content_security_policy_allows_no_base_element(client):
    policy = client.get("/sign-in").headers["Content-Security-Policy"]
    assert "base-uri 'none'" in policy
