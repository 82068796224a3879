from __future__ import annotations

import io

from sqlalchemy import func, select

from portal.people.models import Person, Role
from tests.factories import make_person


def test_security_headers_on_every_page(client):
    response = client.get("/sign-in")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "'unsafe-inline'" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_the_inline_script_carries_the_csp_nonce(client):
    response = client.get("/sign-in")
    nonce = response.headers["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    assert f'<script nonce="{nonce}">' in response.get_data(as_text=True)


def test_pages_with_personal_data_are_not_cached(client, session):
    from portal.auth.service import issue_password_token

    person = make_person(session)
    token = issue_password_token(session, person, purpose="invitation", actor=None)
    session.commit()
    assert client.get(f"/set-password/{token}").headers["Cache-Control"] == "no-store"
    client.sign_in_as(person)
    assert client.get("/").headers["Cache-Control"] == "no-store"
    assert client.get("/static/build/favicon.svg").headers.get("Cache-Control") != "no-store"


def test_cookies_are_httponly_and_lax(client, session):
    make_person(session, email="alex@council.example")
    from tests.factories import PASSWORD

    response = client.sign_in_with_password("alex@council.example", PASSWORD, remember="y")
    cookies = response.headers.getlist("Set-Cookie")
    for name in ("portal_session", "portal_remember"):
        cookie = next(c for c in cookies if c.startswith(name + "="))
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_the_page_is_branded_for_the_council_not_govuk(client):
    html = client.get("/sign-in").get_data(as_text=True)
    assert "Ashcombe Town Council" in html
    assert "GOV.UK" not in html
    assert "govuk-logo" not in html and "crown" not in html.lower()
    assert "&lt;" not in html.split("<main")[0]  # nothing in the header shows as escaped markup


def test_healthz_checks_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_accessibility_statement_is_public(client):
    html = client.get("/accessibility").get_data(as_text=True)
    assert "Accessibility statement" in html and "WCAG" in html and "Enforcement procedure" in html


def test_unknown_pages_are_a_friendly_404(client):
    response = client.get("/no-such-page")
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "Page not found" in html and "Traceback" not in html


def test_a_crash_is_a_friendly_500_and_keeps_nothing(client, session, monkeypatch):
    from portal.home import views
    from portal.people.models import Department
    from portal.people.service import add_department

    def half_done_then_crash(db_session, person):
        add_department(db_session, person, "Written before the crash")
        db_session.flush()
        raise RuntimeError("boom")

    monkeypatch.setattr(views, "tasks_for", half_done_then_crash)
    client.sign_in_as(make_person(session))
    response = client.get("/")
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in html and "boom" not in html
    assert session.scalar(select(func.count()).select_from(Department)) == 0


def test_an_oversized_upload_is_refused(client, session):
    client.sign_in_as(make_person(session, roles={Role.ADMINISTRATOR}))
    big = io.BytesIO(b"x" * (3 * 1024 * 1024))
    response = client.post("/people/import", {"file": (big, "big.csv")}, content_type="multipart/form-data")
    assert response.status_code == 413
    assert "The file is too large" in response.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(Person)) == 1


def test_a_nul_character_in_a_form_or_query_is_a_bad_request_not_a_crash(client, session):
    # Found by the form fuzz: PostgreSQL refuses NUL in text, so a revocation reason with
    # one used to end in a 500 deep in the service.
    from portal.audit.models import AuditEvent

    client.sign_in_as(make_person(session))
    before = session.scalar(select(func.count()).select_from(AuditEvent))
    assert client.post("/account/notifications", {"digest_frequency": "weekly\x00"}).status_code == 400
    assert client.get("/policies?q=a\x00b").status_code == 400
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(AuditEvent)) == before
    assert client.get("/policies?q=ab").status_code == 200
