"""Every endpoint declares who may use it, and every role gets what it should.

The expectations below are written out by hand, not read from portal.access, so a
change to a rule in the code must be matched here on purpose.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask import Flask

from portal.access import PERMISSIONS, rule_for
from portal.authorisations.service import add_channel
from portal.people.models import Role
from tests.everything import one_of_everything, role_change
from tests.factories import make_person

PUBLIC = "public"
SIGNED_IN = "signed_in"
OWN_RECORD = "own_record"
SSO_PUBLIC = "public once single sign-on is set up"
SSO_SIGNED_IN = "signed in, once single sign-on is set up"
R = Role

WRITERS = frozenset({R.MANAGER, R.TOWN_CLERK, R.DEPUTY_CLERK})
# Never administrators: separation of duties (people.roles).
PRIVILEGED = frozenset({R.TOWN_CLERK, R.DEPUTY_CLERK, R.HR, R.MAYOR})
# role -> the statuses it gets; any other signed-in visitor gets 403.
CASE_RECORD = {R.MANAGER: {404}, R.TOWN_CLERK: {200}, R.DEPUTY_CLERK: {200}}
CASE_EDIT = {R.MANAGER: {404}, R.TOWN_CLERK: {403}, R.DEPUTY_CLERK: {403}}
CASE_REFUSED = {R.MANAGER: {404}, R.TOWN_CLERK: {302}, R.DEPUTY_CLERK: {302}}
CONDUCT_RECORD = (OWN_RECORD, frozenset({R.TOWN_CLERK, R.HR}))
CONDUCT_ACTION = {R.TOWN_CLERK: {302}, R.HR: {302}, None: {404}}  # None: everyone else

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
    # Not there until single sign-on is set up (tests/sso has them with a real provider).
    "auth.council_account_sign_in": ("POST", "/sign-in/council", SSO_PUBLIC),
    "auth.council_account_callback": ("GET", "/sign-in/council/callback", SSO_PUBLIC),
    "auth.council_account_finish": ("POST", "/sign-in/council/callback", SSO_PUBLIC),
    "auth.confirm_it_is_you": ("POST", "/confirm-it-is-you", SSO_SIGNED_IN),
    "auth.sign_in_settings": ("GET", "/sign-in/settings", frozenset({R.TOWN_CLERK})),
    "people.index": ("GET", "/people", frozenset({R.ADMINISTRATOR})),
    "people.new": ("GET", "/people/new", frozenset({R.ADMINISTRATOR})),
    "people.show": ("GET", "/people/{person}", frozenset({R.ADMINISTRATOR})),
    "people.edit": ("GET", "/people/{person}/edit", frozenset({R.ADMINISTRATOR})),
    "people.leave": ("GET", "/people/{person}/leave", frozenset({R.ADMINISTRATOR})),
    "people.send_link": ("POST", "/people/{person}/sign-in-link", frozenset({R.ADMINISTRATOR})),
    "people.import_csv": ("GET", "/people/import", frozenset({R.ADMINISTRATOR})),
    "people.departments": ("GET", "/people/departments", frozenset({R.ADMINISTRATOR})),
    "people.roles": ("GET", "/people/roles", PRIVILEGED),
    "people.decide_role_change": ("POST", "/people/roles/{role_change}/refuse", PRIVILEGED),
    "people.confirm_email": ("GET", "/people/confirm-email/{token}", PUBLIC),
    "audit.index": ("GET", "/audit", frozenset({R.TOWN_CLERK, R.HR, R.ADMINISTRATOR})),
    "bank_holidays.index": ("GET", "/bank-holidays", frozenset({R.ADMINISTRATOR, R.TOWN_CLERK})),
    "retention.index": ("GET", "/retention", frozenset({R.TOWN_CLERK, R.HR})),
    "policies.index": ("GET", "/policies", SIGNED_IN),
    "policies.show": ("GET", "/policies/{slug}", SIGNED_IN),
    "policies.sign": ("POST", "/policies/{slug}/sign", SIGNED_IN),
    "policies.decline": ("GET", "/policies/{slug}/decline", SIGNED_IN),
    # Records of one person: their own, or for those who keep evidence; others get 404.
    "policies.signed": ("GET", "/policies/{slug}/signed/{ack}", OWN_RECORD),
    "policies.receipt_pdf": (
        "GET",
        "/policies/receipts/{ack}.pdf",
        (OWN_RECORD, frozenset({R.TOWN_CLERK, R.HR})),
    ),
    "policies.status": (
        "GET",
        "/policies/status",
        frozenset({R.TOWN_CLERK, R.DEPUTY_CLERK, R.HR, R.MANAGER}),
    ),
    "policies.look_up": ("GET", "/policies/as-at", frozenset({R.TOWN_CLERK, R.HR})),
    "policies.new_policy": ("GET", "/policies/new", frozenset({R.TOWN_CLERK, R.DEPUTY_CLERK})),
    "policies.versions": ("GET", "/policies/{slug}/versions", frozenset({R.TOWN_CLERK, R.DEPUTY_CLERK})),
    "policies.new_version": (
        "GET",
        "/policies/{slug}/versions/new",
        frozenset({R.TOWN_CLERK, R.DEPUTY_CLERK}),
    ),
    "policies.preview": (
        "GET",
        "/policies/{slug}/versions/{draft}",
        frozenset({R.TOWN_CLERK, R.DEPUTY_CLERK}),
    ),
    "policies.edit_version": (
        "GET",
        "/policies/{slug}/versions/{draft}/edit",
        frozenset({R.TOWN_CLERK, R.DEPUTY_CLERK}),
    ),
    "policies.compare": (
        "GET",
        "/policies/{slug}/compare?older={published}&newer={draft}",
        frozenset({R.TOWN_CLERK, R.DEPUTY_CLERK}),
    ),
    "policies.publish": ("POST", "/policies/{slug}/versions/{draft}/publish", frozenset({R.TOWN_CLERK})),
    "policies.archive": (
        "POST",
        "/policies/{slug}/versions/{spare}/archive",
        frozenset({R.TOWN_CLERK, R.DEPUTY_CLERK}),
    ),
    "policies.on_behalf": ("GET", "/policies/{slug}/on-behalf", frozenset({R.TOWN_CLERK})),
    "policies.paper": ("GET", "/policies/{slug}/paper", frozenset({R.TOWN_CLERK})),
    "policies.withdraw": ("GET", "/policies/acknowledgements/{ack}/withdraw", frozenset({R.TOWN_CLERK})),
    "receipts.verify": ("GET", "/receipts/verify", PUBLIC),
    "training.index": ("GET", "/training", SIGNED_IN),
    "training.quiz": ("GET", "/training/quizzes/basics", SIGNED_IN),
    "training.start": ("POST", "/training/quizzes/basics/start", SIGNED_IN),
    "training.question": ("GET", "/training/attempts/{attempt}/questions/1", OWN_RECORD),
    "training.review": ("GET", "/training/attempts/{attempt}/review", OWN_RECORD),
    "training.submit": ("POST", "/training/attempts/{attempt}/submit", OWN_RECORD),
    "training.result": ("GET", "/training/attempts/{attempt}/result", OWN_RECORD),
    "training.progress": (
        "GET",
        "/training/progress",
        frozenset({R.TOWN_CLERK, R.DEPUTY_CLERK, R.HR, R.MANAGER}),
    ),
    "training.override": ("GET", "/training/overrides", frozenset({R.TOWN_CLERK})),
    "training.assign": ("GET", "/training/assign", frozenset({R.TOWN_CLERK, R.DEPUTY_CLERK, R.MANAGER})),
    "training.item_analysis": ("GET", "/training/analysis", frozenset({R.TOWN_CLERK, R.DEPUTY_CLERK})),
    "training.item_analysis_csv": (
        "GET",
        "/training/analysis.csv",
        frozenset({R.TOWN_CLERK, R.DEPUTY_CLERK}),
    ),
    "authorisations.index": ("GET", "/authorisations", SIGNED_IN),
    "authorisations.register_csv": ("GET", "/authorisations/register.csv", SIGNED_IN),
    # Everyone signed in: each sees the requests they may see (their own, or all for a signatory).
    "authorisations.requests": ("GET", "/authorisations/requests", SIGNED_IN),
    "authorisations.new": ("GET", "/authorisations/new", frozenset({R.MANAGER, R.TOWN_CLERK})),
    "authorisations.show": (
        "GET",
        "/authorisations/{requested}",
        (OWN_RECORD, frozenset({R.MAYOR, R.TOWN_CLERK})),
    ),
    "authorisations.letter": (
        "GET",
        "/authorisations/{issued}/letter.pdf",
        (OWN_RECORD, frozenset({R.MAYOR, R.TOWN_CLERK})),
    ),
    # Only the Mayor or the Town Clerk: never the Deputy Clerk or an administrator (Networking Policy 3.2).
    "authorisations.issue": ("POST", "/authorisations/{requested}/issue", frozenset({R.MAYOR, R.TOWN_CLERK})),
    "authorisations.decline": (
        "POST",
        "/authorisations/{requested}/decline",
        frozenset({R.MAYOR, R.TOWN_CLERK}),
    ),
    "authorisations.revoke": ("POST", "/authorisations/{issued}/revoke", frozenset({R.MAYOR, R.TOWN_CLERK})),
    "authorisations.channels": ("GET", "/authorisations/channels", frozenset({R.TOWN_CLERK})),
    "authorisations.channel_basis": (
        "GET",
        "/authorisations/channels/{channel}/basis",
        frozenset({R.TOWN_CLERK}),
    ),
    "authorisations.retire_channel": (
        "POST",
        "/authorisations/channels/{channel}/retire",
        frozenset({R.TOWN_CLERK}),
    ),
    "verify.verify": ("GET", "/verify/{code}", PUBLIC),
    "reports.index": ("GET", "/reports", frozenset({R.TOWN_CLERK, R.DEPUTY_CLERK, R.HR, R.MANAGER})),
    "reports.export_csv": (
        "GET",
        "/reports/overview.csv",
        frozenset({R.TOWN_CLERK, R.DEPUTY_CLERK, R.HR, R.MANAGER}),
    ),
    "reports.export_pdf": (
        "GET",
        "/reports/overview.pdf",
        frozenset({R.TOWN_CLERK, R.DEPUTY_CLERK, R.HR, R.MANAGER}),
    ),
    "notifications.outbox": ("GET", "/outbox", frozenset({R.ADMINISTRATOR})),
    "notifications.retry": ("POST", "/outbox/{outbox_message}/retry", frozenset({R.ADMINISTRATOR})),
    "notifications.preferences": ("GET", "/account/notifications", SIGNED_IN),
    "privacy.find": ("GET", "/privacy/subject-access", frozenset({R.HR})),
    "privacy.subject_access": ("GET", "/privacy/subject-access/{person}", frozenset({R.HR})),
    "privacy.subject_access_json": ("GET", "/privacy/subject-access/{person}.json", frozenset({R.HR})),
    "privacy.subject_access_pdf": ("GET", "/privacy/subject-access/{person}.pdf", frozenset({R.HR})),
    "conduct.index": ("GET", "/conduct", SIGNED_IN),
    "conduct.new": ("GET", "/conduct/new", frozenset({R.TOWN_CLERK, R.HR})),
    # A disciplinary case: the Town Clerk and HR (and its investigating officer, and its
    # subject, tested in tests/conduct); everyone else gets 404 for any id.
    "conduct.show": ("GET", "/conduct/{dc}", CONDUCT_RECORD),
    "conduct.add_meeting": ("POST", "/conduct/{dc}/meetings", CONDUCT_RECORD),
    "conduct.outcome": ("POST", "/conduct/{dc}/outcome", CONDUCT_RECORD),
    "conduct.appeal": ("POST", "/conduct/{dc}/appeal", CONDUCT_RECORD),
    "conduct.arrange_hearing": ("POST", "/conduct/{dc}/hearing", CONDUCT_RECORD),
    "conduct.appeal_hearing": ("POST", "/conduct/{dc}/appeal/hearing", CONDUCT_RECORD),
    "conduct.letter_pdf": ("GET", "/conduct/{dc}/letters/{dc_letter}.pdf", CONDUCT_RECORD),
    "conduct.pack_pdf": ("GET", "/conduct/{dc}/packs/{dc_pack}.pdf", CONDUCT_RECORD),
    "conduct.evidence_receipt": ("GET", "/conduct/{dc}/evidence/receipt.pdf", CONDUCT_RECORD),
    "conduct.link_receipt": ("POST", "/conduct/{dc}/receipts", CONDUCT_RECORD),
    "conduct.place_hold": ("POST", "/conduct/{dc}/hold", {R.TOWN_CLERK: {200}, R.HR: {200}}),
    "conduct.lift_hold": ("POST", "/conduct/{dc}/hold/lift", {R.TOWN_CLERK: {200}, R.HR: {200}}),
    "information_requests.index": ("GET", "/information-requests", SIGNED_IN),
    "information_requests.new": ("GET", "/information-requests/new", SIGNED_IN),
    # An FOI request: the Town Clerk's alone (a subject access request would be HR's).
    "information_requests.show": ("GET", "/information-requests/{ir}", {R.TOWN_CLERK: {200}, None: {404}}),
    "information_requests.act": (
        "POST",
        "/information-requests/{ir}/acknowledged",
        {R.TOWN_CLERK: {200}, None: {404}},
    ),
    "elections.index": ("GET", "/elections", frozenset({R.TOWN_CLERK})),
    "elections.new": ("GET", "/elections/new", frozenset({R.TOWN_CLERK})),
    "elections.show": ("GET", "/elections/{el}", frozenset({R.TOWN_CLERK})),
    "elections.correct": ("POST", "/elections/{el}/correct", frozenset({R.TOWN_CLERK})),
    "elections.cancel": ("POST", "/elections/{el}/cancel", frozenset({R.TOWN_CLERK})),
    "breaches.index": ("GET", "/breaches", SIGNED_IN),
    "breaches.new": ("GET", "/breaches/new", frozenset({R.TOWN_CLERK, R.HR})),
    "breaches.show": ("GET", "/breaches/{br}", CONDUCT_RECORD),
    "breaches.referral": ("POST", "/breaches/{br}/referral", CONDUCT_RECORD),
    "breaches.close": ("POST", "/breaches/{br}/close", CONDUCT_RECORD),
    "breaches.evidence_receipt": ("GET", "/breaches/{br}/evidence/receipt.pdf", CONDUCT_RECORD),
    "breaches.place_hold": ("POST", "/breaches/{br}/hold", {R.TOWN_CLERK: {200}, R.HR: {200}}),
    "breaches.lift_hold": ("POST", "/breaches/{br}/hold/lift", {R.TOWN_CLERK: {302}, R.HR: {302}}),
    "conduct.share_notes": ("POST", "/conduct/{dc}/meetings/{dc_meeting}/share", CONDUCT_ACTION),
    "conduct.make_pack": ("POST", "/conduct/{dc}/packs", CONDUCT_ACTION),
    "conduct.check_pack": ("POST", "/conduct/{dc}/packs/check", CONDUCT_ACTION),
    "business_cases.index": ("GET", "/business-cases", WRITERS),
    "business_cases.new": ("GET", "/business-cases/new", WRITERS),
    # A department's case: reviewers see every one; a manager of another department gets 404.
    "business_cases.show": ("GET", "/business-cases/{bc_draft}", CASE_RECORD),
    "business_cases.submission": ("GET", "/business-cases/{bc_submitted}/submissions/1", CASE_RECORD),
    "business_cases.case_pdf": ("GET", "/business-cases/{bc_submitted}/submissions/1/case.pdf", CASE_RECORD),
    "business_cases.letter": (
        "GET",
        "/business-cases/{bc_decided}/reviews/{bc_review}/letter.pdf",
        CASE_RECORD,
    ),
    # Editing someone else's draft: the reviewers may see it but not change it (403).
    "business_cases.details": ("GET", "/business-cases/{bc_draft}/details", CASE_EDIT),
    "business_cases.moderation": ("GET", "/business-cases/{bc_draft}/moderation", CASE_EDIT),
    "business_cases.new_risk": ("GET", "/business-cases/{bc_draft}/risks/new", CASE_EDIT),
    "business_cases.risk": ("GET", "/business-cases/{bc_draft}/risks/{bc_risk}", CASE_EDIT),
    "business_cases.delete_risk": ("POST", "/business-cases/{bc_draft}/risks/{bc_risk}/delete", CASE_EDIT),
    "business_cases.add_action": ("POST", "/business-cases/{bc_draft}/risks/{bc_risk}/actions", CASE_EDIT),
    "business_cases.delete_action": (
        "POST",
        "/business-cases/{bc_draft}/risks/{bc_risk}/actions/1/delete",
        CASE_EDIT,
    ),
    # Refused by the service with a message (a redirect), or not there (404).
    "business_cases.submit": ("POST", "/business-cases/{bc_draft}/submit", CASE_REFUSED),
    "business_cases.withdraw": ("POST", "/business-cases/{bc_draft}/withdraw", CASE_REFUSED),
    "business_cases.start_review": (
        "POST",
        "/business-cases/{bc_submitted}/review",
        {R.TOWN_CLERK: {302}, R.DEPUTY_CLERK: {302}},
    ),
    "business_cases.decide": (
        "GET",
        "/business-cases/{bc_submitted}/decide",
        {R.TOWN_CLERK: {200, 302}, R.DEPUTY_CLERK: {200, 302}},
    ),
}

EXPECTED_PERMISSIONS = {
    "issue_posting_authorisation": {R.MAYOR, R.TOWN_CLERK},
    "revoke_posting_authorisation": {R.MAYOR, R.TOWN_CLERK},
    "review_business_case": {R.TOWN_CLERK, R.DEPUTY_CLERK},
    "write_business_case": {R.MANAGER, R.TOWN_CLERK, R.DEPUTY_CLERK},
    "manage_disciplinary_records": {R.TOWN_CLERK, R.HR},
    "manage_breach_records": {R.TOWN_CLERK, R.HR},
    "view_retention_schedule": {R.TOWN_CLERK, R.HR},
    "export_subject_access": {R.HR},
    "publish_policy_version": {R.TOWN_CLERK},
    "manage_people": {R.ADMINISTRATOR},
    "manage_privileged_roles": {R.TOWN_CLERK, R.DEPUTY_CLERK, R.HR, R.MAYOR},
    "view_outbox": {R.ADMINISTRATOR},
    "view_audit_trail": {R.TOWN_CLERK, R.HR, R.ADMINISTRATOR},
    "view_bank_holiday_calendar": {R.ADMINISTRATOR, R.TOWN_CLERK},
    "manage_policies": {R.TOWN_CLERK, R.DEPUTY_CLERK},
    "record_acknowledgement": {R.TOWN_CLERK},
    "view_policy_status": {R.TOWN_CLERK, R.DEPUTY_CLERK, R.HR, R.MANAGER},
    "view_everyones_policy_status": {R.TOWN_CLERK, R.DEPUTY_CLERK, R.HR},
    "view_compliance": {R.TOWN_CLERK, R.DEPUTY_CLERK, R.HR, R.MANAGER},
    "look_up_evidence": {R.TOWN_CLERK, R.HR},
    "view_training_progress": {R.TOWN_CLERK, R.DEPUTY_CLERK, R.HR, R.MANAGER},
    "view_everyones_training": {R.TOWN_CLERK, R.DEPUTY_CLERK, R.HR},
    "override_attempt_limit": {R.TOWN_CLERK},
    "assign_training": {R.TOWN_CLERK, R.DEPUTY_CLERK, R.MANAGER},
    "analyse_questions": {R.TOWN_CLERK, R.DEPUTY_CLERK},
    "request_posting_authorisation": {R.MANAGER, R.TOWN_CLERK},
    "manage_channels": {R.TOWN_CLERK},
    "record_elections": {R.TOWN_CLERK},
    "manage_sign_in": {R.TOWN_CLERK},
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


def _expected_status(method: str, who, visitor: Visitor, endpoint: str) -> set[int]:
    if isinstance(who, dict):  # role -> statuses (object-level rules on top of the permission)
        if visitor.roles is None:
            return {302}
        return set().union(*(who[r] for r in visitor.roles if r in who)) or who.get(None, {403})
    if isinstance(who, tuple):  # (OWN_RECORD, roles that may see anyone's)
        if visitor.roles is None:
            return {302}
        return {200} if visitor.roles & who[1] else {404}
    if who in (SSO_PUBLIC, SSO_SIGNED_IN):
        return {302} if visitor.roles is None and who == SSO_SIGNED_IN else {404}
    if who == OWN_RECORD:
        return {302} if visitor.roles is None else {404}  # the visitor is never the record's subject
    if who == PUBLIC:
        if endpoint == "auth.sign_in" and visitor.roles is not None:
            return {302}  # already signed in: sent home
        return {200}
    if visitor.roles is None:
        return {302}  # to the sign-in page
    if who == SIGNED_IN:
        return {200, 302} if method == "POST" else {200}
    allowed = bool(visitor.roles & who)  # type: ignore[operator]
    if not allowed:
        return {403}
    return {200} if method == "GET" else {200, 302}


@pytest.mark.parametrize("visitor", VISITORS, ids=lambda v: v.label)
def test_access_matrix(app, client, session, visitor: Visitor):
    everything = one_of_everything(app, session)
    spare_channel = add_channel(
        session, everything.clerk, platform="x", name="@old", url="https://x.example/o", basis="Minute 24/001"
    )
    session.commit()
    ids = {
        **everything.ids,
        "code": everything.issued.verification_code,
        "channel": spare_channel.id,
        "person": everything.subject.id,
        "role_change": role_change(session, everything.clerk, everything.subject),
    }
    if visitor.roles is not None:
        me = make_person(session, roles=visitor.roles)
    failures = []
    for endpoint, (method, template, who) in EXPECTED.items():
        if endpoint == "auth.sign_out":
            continue  # signing out ends the session; covered in tests/auth
        if visitor.roles is not None:
            client.sign_in_as(me)
        url = template.format(**ids)
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


def test_a_refused_attempt_is_logged_with_ids_only(client, session, caplog):
    person = make_person(session, name="Curious Colleague", email="curious@council.example")
    client.sign_in_as(person)
    with caplog.at_level("WARNING"):
        assert client.get("/people").status_code == 403
    lines = [r.getMessage() for r in caplog.records if "access refused" in r.getMessage()]
    assert lines == [f"access refused: person {person.id}, endpoint people.index, needs manage_people"]
    assert "Curious" not in lines[0] and "curious@" not in lines[0]
