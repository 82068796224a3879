"""Every endpoint declares who may use it, and every role gets what it should.

The expectations below are written out by hand, not read from portal.access, so a
change to a rule in the code must be matched here on purpose.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask import Flask

from portal.access import PERMISSIONS, rule_for
from portal.auth.service import issue_password_token
from portal.people.models import Role
from tests.factories import make_person

PUBLIC = "public"
SIGNED_IN = "signed_in"
R = Role

# endpoint -> (method, url template, who may use it)
EXPECTED: dict[str, tuple[str, str, str | frozenset[Role]]] = {
    "static": ("GET", "/static/build/favicon.svg", PUBLIC),
    "home.index": ("GET", "/", SIGNED_IN),
    "home.accessibility": ("GET", "/accessibility", PUBLIC),
    "home.healthz": ("GET", "/healthz", PUBLIC),
    "auth.sign_in": ("GET", "/sign-in", PUBLIC),
    "auth.sign_out": ("POST", "/sign-out", SIGNED_IN),
    "auth.set_password": ("GET", "/set-password/{token}", PUBLIC),
    "auth.account": ("GET", "/account", SIGNED_IN),
    "people.index": ("GET", "/people", frozenset({R.ADMINISTRATOR})),
    "people.new": ("GET", "/people/new", frozenset({R.ADMINISTRATOR})),
    "people.show": ("GET", "/people/{person}", frozenset({R.ADMINISTRATOR})),
    "people.edit": ("GET", "/people/{person}/edit", frozenset({R.ADMINISTRATOR})),
    "people.leave": ("GET", "/people/{person}/leave", frozenset({R.ADMINISTRATOR})),
    "people.send_link": ("POST", "/people/{person}/sign-in-link", frozenset({R.ADMINISTRATOR})),
    "people.import_csv": ("GET", "/people/import", frozenset({R.ADMINISTRATOR})),
    "people.departments": ("GET", "/people/departments", frozenset({R.ADMINISTRATOR})),
    "audit.index": ("GET", "/audit", frozenset({R.TOWN_CLERK, R.ADMINISTRATOR})),
}

EXPECTED_PERMISSIONS = {
    "issue_posting_authorisation": {R.MAYOR, R.TOWN_CLERK},
    "revoke_posting_authorisation": {R.MAYOR, R.TOWN_CLERK},
    "review_business_case": {R.TOWN_CLERK, R.DEPUTY_CLERK},
    "manage_disciplinary_records": {R.TOWN_CLERK, R.HR},
    "publish_policy_version": {R.TOWN_CLERK},
    "manage_people": {R.ADMINISTRATOR},
    "view_audit_trail": {R.TOWN_CLERK, R.ADMINISTRATOR},
}


def test_every_endpoint_declares_an_access_rule(app: Flask):
    undeclared = [rule.endpoint for rule in app.url_map.iter_rules() if rule_for(app, rule.endpoint) is None]
    assert undeclared == [], f"endpoints without an access rule: {undeclared}"


def test_every_endpoint_is_in_the_access_matrix(app: Flask):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints == set(EXPECTED), "add new endpoints to EXPECTED with who may use them"


def test_the_permission_table_matches_the_policy():
    assert {action: set(roles) for action, roles in PERMISSIONS.items()} == EXPECTED_PERMISSIONS


@dataclass
class Visitor:
    label: str
    roles: frozenset[Role] | None  # None: not signed in


VISITORS = [Visitor("anonymous", None), Visitor("staff", frozenset())] + [
    Visitor(role.value, frozenset({role})) for role in Role
]


def _expected_status(method: str, who: str | frozenset[Role], visitor: Visitor, endpoint: str) -> set[int]:
    if who == PUBLIC:
        if endpoint == "auth.sign_in" and visitor.roles is not None:
            return {302}  # already signed in: sent home
        return {200}
    if visitor.roles is None:
        return {302}  # to the sign-in page
    if who == SIGNED_IN:
        return {302} if method == "POST" else {200}
    allowed = bool(visitor.roles & who)  # type: ignore[operator]
    if not allowed:
        return {403}
    return {200} if method == "GET" else {200, 302}


@pytest.mark.parametrize("visitor", VISITORS, ids=lambda v: v.label)
def test_access_matrix(client, session, visitor: Visitor):
    subject = make_person(session, name="Subject Person")
    token = issue_password_token(session, subject, purpose="invitation", actor=None)
    session.commit()
    if visitor.roles is not None:
        me = make_person(session, roles=visitor.roles)
    failures = []
    for endpoint, (method, template, who) in EXPECTED.items():
        if endpoint == "auth.sign_out":
            continue  # signing out ends the session; covered in tests/auth
        if visitor.roles is not None:
            client.sign_in_as(me)
        url = template.format(person=subject.id, token=token)
        response = client.get(url) if method == "GET" else client.post(url)
        expected = _expected_status(method, who, visitor, endpoint)
        if response.status_code not in expected:
            failures.append(f"{method} {url}: {response.status_code}, expected {sorted(expected)}")
        if response.status_code == 302 and visitor.roles is None and who != PUBLIC:
            assert response.headers["Location"].startswith("/sign-in")
    assert failures == []


def test_a_forbidden_page_says_so_accessibly(client, session):
    client.sign_in_as(make_person(session))
    response = client.get("/people")
    html = response.get_data(as_text=True)
    assert response.status_code == 403
    assert "You do not have access to this page" in html
    assert 'href="/"' in html  # a way back
    assert "Traceback" not in html


def test_navigation_shows_only_what_the_role_can_use(client, session):
    client.sign_in_as(make_person(session))
    staff_home = client.get("/").get_data(as_text=True)
    assert "Audit trail" not in staff_home and ">People<" not in staff_home.replace("\n", "").replace(" ", "")
    admin_browser = client.another_browser()
    admin_browser.sign_in_as(make_person(session, roles={Role.ADMINISTRATOR}))
    admin_home = admin_browser.get("/").get_data(as_text=True)
    assert "Audit trail" in admin_home and "/people" in admin_home
